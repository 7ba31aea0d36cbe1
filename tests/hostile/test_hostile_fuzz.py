"""Property-based runs over the models: whatever a file holds, the answer is a located problem or a document.

Each property starts from a valid file (a routine, a layout, a batch manifest,
a roster) and mutates it at random: values replaced by other kinds of value,
keys removed, unknown keys added, text with any character. Whatever comes out
must be either valid or a :class:`HandoutsError` whose problems name the file
— never another exception. Valid routines are then drawn, so a routine that
validates always prints.

Every test run makes a short, derandomised pass (the same examples each time,
so CI is stable); ``make fuzz`` runs a long random one
(``HYPOTHESIS_PROFILE=fuzz``).
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handouts.batch.manifest import BatchManifest
from handouts.batch.roster import read_roster
from handouts.content import RoutineDoc
from handouts.errors import HandoutsError
from handouts.layout_models import Layout
from handouts.layouts import LayoutLibrary
from handouts.located import Located
from handouts.models import Personalisation, Routine
from handouts.validation import validate
from handouts.yamlio import load_yaml

ROOT = Path(__file__).resolve().parents[2]

settings.register_profile("default", max_examples=40, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("fuzz", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

TEXT = st.text(st.characters(codec="utf-8"), max_size=80)
LEAF = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True), TEXT)
VALUE = st.recursive(LEAF, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                    st.dictionaries(TEXT, inner, max_size=4)), max_leaves=12)


def _paths(data, here=()):
    """Every location in nested data, the root included."""
    yield here
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, here + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _paths(value, here + (i,))


@st.composite
def mutated(draw, original):
    """``original`` with a few random edits: a value replaced, a key dropped, an unknown key added."""
    data = copy.deepcopy(original)
    for _ in range(draw(st.integers(1, 4))):
        spots = list(_paths(data))
        where = draw(st.sampled_from(spots))
        if not where:
            continue
        parent = data
        for part in where[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "drop", "add"]))
        if action == "replace":
            parent[where[-1]] = draw(VALUE)
        elif action == "drop" and isinstance(parent, dict):
            del parent[where[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(TEXT)] = draw(VALUE)
    return data


def _located(path: Path, data) -> Located:
    return Located(path=path, data=data)


ROUTINE_FILE = ROOT / "tests" / "cases" / "content-good" / "shoulder-rub.yaml"
ROUTINE = load_yaml(ROUTINE_FILE).data
LAYOUT = LayoutLibrary().get("handout-a4").model_dump(mode="json")


def _only_located_problems(exc: HandoutsError, name: str) -> None:
    assert exc.problems
    assert all(p.file.endswith(name) for p in exc.problems), [str(p) for p in exc.problems]


@given(mutated(ROUTINE))
def test_any_routine_validates_or_is_refused_with_located_problems(data):
    try:
        routine = validate(_located(ROUTINE_FILE, data), Routine)
    except HandoutsError as exc:
        _only_located_problems(exc, ROUTINE_FILE.name)
        return
    assert isinstance(routine, Routine)


@given(mutated(ROUTINE), st.sampled_from(["handout-a4", "handout-large-print"]))
def test_a_routine_that_passes_preflight_always_prints(data, layout_name):
    from handouts.pipeline.preflight import routine_problems
    from handouts.pipeline.render import render_handout

    located = _located(ROUTINE_FILE, data)
    try:
        routine = validate(located, Routine)
    except HandoutsError:
        return
    doc = RoutineDoc(routine=routine, path=ROUTINE_FILE, located=located)
    if routine_problems(doc):
        return
    pdf = render_handout(routine, LayoutLibrary().get(layout_name), layout_name, Personalisation(for_name="Ana"),
                         None, ROUTINE_FILE)
    assert pdf.startswith(b"%PDF-")


@given(mutated(LAYOUT))
def test_any_layout_validates_or_is_refused_with_located_problems(data):
    where = ROOT / "layouts" / "fuzzed.yaml"
    try:
        layout = validate(_located(where, data), Layout)
    except HandoutsError as exc:
        _only_located_problems(exc, "fuzzed.yaml")
        return
    assert isinstance(layout.reference_problems(), list)


MANIFEST = {"title": "Class", "routines": ["partner-neck"], "handouts": ["handout-a4"], "roster": "roster.csv",
            "out": "out", "cards": {"layouts": ["card-credit"], "sheet": "a4"}}


@given(mutated(MANIFEST))
def test_any_manifest_validates_or_is_refused_with_located_problems(data):
    where = ROOT / "content" / "fuzzed.batch.yaml"
    try:
        validate(_located(where, data), BatchManifest)
    except HandoutsError as exc:
        _only_located_problems(exc, "fuzzed.batch.yaml")


CELL = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30)


@given(st.lists(st.lists(CELL, min_size=1, max_size=5), min_size=1, max_size=8),
       st.sampled_from([",", ";", "\t"]))
def test_any_roster_is_read_or_refused_and_keeps_every_row(tmp_path_factory, rows, delimiter):
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter)
    writer.writerow(["name", "note"])  # two columns: the separator is read from the header
    writer.writerows(rows)
    path = tmp_path_factory.mktemp("roster") / "roster.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    try:
        roster = read_roster(path, ["partner-neck"])
    except HandoutsError as exc:
        _only_located_problems(exc, "roster.csv")
        return
    written = [r for r in rows if any(c.strip() for c in r)]
    assert len(roster.rows) == len(written)
    for row in roster.rows:
        assert row.student is not None or row.problems


@pytest.mark.fuzz
def test_fuzz_profile_is_selected_by_make_fuzz():
    """`make fuzz` runs this module with the long profile; this marker lets it select only these tests."""
    assert settings().max_examples >= 40
