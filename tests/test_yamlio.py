"""YAML reading: plain data plus the line of every key and list item."""

from __future__ import annotations

from pathlib import Path

import pytest

from handouts.errors import HandoutsError
from handouts import yamlio
from handouts.yamlio import load_yaml

NESTED = """\
id: neck-ease
steps:
  - title: Warm up
    dosage:
      duration: 1 min
      repetitions: 3
  - title: Press
    actions:
      - Breathe in.
      - Press gently.
safety: {red_flags: [Dizziness, Numbness]}
"""


@pytest.fixture
def nested(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "routine.yaml"
    path.write_text(NESTED, encoding="utf-8")
    return load_yaml(path)


def test_data_is_plain_python(nested):
    assert nested.data == {
        "id": "neck-ease",
        "steps": [
            {"title": "Warm up", "dosage": {"duration": "1 min", "repetitions": 3}},
            {"title": "Press", "actions": ["Breathe in.", "Press gently."]},
        ],
        "safety": {"red_flags": ["Dizziness", "Numbness"]},
    }
    assert type(nested.data) is dict and type(nested.data["steps"]) is list
    assert type(nested.data["steps"][0]["dosage"]["repetitions"]) is int


@pytest.mark.parametrize("loc, line", [
    (("id",), 1),
    (("steps",), 2),
    (("steps", 0), 3),
    (("steps", 0, "title"), 3),
    (("steps", 0, "dosage"), 4),
    (("steps", 0, "dosage", "duration"), 5),
    (("steps", 0, "dosage", "repetitions"), 6),
    (("steps", 1), 7),
    (("steps", 1, "actions"), 8),
    (("steps", 1, "actions", 0), 9),
    (("steps", 1, "actions", 1), 10),
    (("safety", "red_flags"), 11),
    (("safety", "red_flags", 1), 11),
])
def test_line_of_nested_keys_and_list_items(nested, loc, line):
    assert nested.line_of(loc) == line


def test_missing_location_falls_back_to_nearest_ancestor(nested):
    assert nested.line_of(("steps", 1, "instruction")) == 7
    assert nested.line_of(("steps", 0, "dosage", "hold_seconds")) == 4
    assert nested.line_of(("nowhere",)) == 1


def test_problem_is_located_and_named(nested):
    problem = nested.problem(("steps", 1, "actions", 1), "is too long")
    assert str(problem) == "routine.yaml:10: steps[2].actions[2]: is too long"


def load_text(tmp_path: Path, text: str | bytes):
    path = tmp_path / "x.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return load_yaml(path)


def problems_of(tmp_path: Path, text: str | bytes) -> list[str]:
    with pytest.raises(HandoutsError) as info:
        load_text(tmp_path, text)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize("text, expected", [
    ("a: [1, 2\nb: 3\n", "x.yaml:1: malformed YAML: a list opened with '[' on this line is not closed with ']'"),
    ("a: {b: 1\nc: 2\n", "x.yaml:1: malformed YAML: a block opened with '{' on this line is not closed with '}'"),
    ("a: 1\nb: 'open\nc: 2\n", "x.yaml:2: malformed YAML: a quote opened on this line is never closed"),
    ("a: 1\n\tb: 2\n", "x.yaml:2: malformed YAML: a tab character is not allowed here; indent with spaces"),
    ("a: 1\nb: x: y\n", "x.yaml:2: malformed YAML: unexpected ':'"),
    ("a: 1\nb: 2\na: 3\n", "x.yaml:3: malformed YAML: the key 'a' appears twice in the same block; keep only one"),
    ("a: 1\njust words\nb: 2\n", "x.yaml:2: malformed YAML: this line is not a 'key: value' line"),
    ("a:\n  - 1\n - 2\n", "x.yaml:3: malformed YAML:"),
    ("a: 1\n- 2\n", "x.yaml:2: malformed YAML: a '- ' list item where a 'key: value' line was expected"),
    ("a: @home\n", "x.yaml:1: malformed YAML: a value cannot start with '@'; put the whole value in quotes"),
    ("a: *ref\n", "x.yaml:1: malformed YAML: '*ref' refers to nothing; put text that starts with '*' in quotes"),
    ('a: "C:\\path"\n', "x.yaml:1: malformed YAML: '\\p' is not allowed inside double quotes; use single quotes instead"),
    ("a: 1\n---\na: 2\n", "x.yaml:2: malformed YAML: holds a second document (another '---' line); keep one per file"),
])
def test_yaml_slips_are_reworded_with_their_line(tmp_path, monkeypatch, text, expected):
    monkeypatch.chdir(tmp_path)
    (problem,) = problems_of(tmp_path, text)
    assert problem.startswith(expected)


def test_not_utf8_names_the_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert problems_of(tmp_path, b"a: 1\nb: 2\nc: caf\xe9\n") == [
        "x.yaml:3: is not UTF-8 text (or not text at all); save it as UTF-8 in your editor"
    ]


def test_control_character_names_the_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert problems_of(tmp_path, "a: 1\nb: x\x07y\n") == [
        "x.yaml:2: contains a control character (U+0007) that is not allowed in text; delete it"
    ]


def test_byte_order_mark_and_windows_line_ends_are_fine(tmp_path):
    located = load_text(tmp_path, b"\xef\xbb\xbfa: 1\r\nb: two\r\n")
    assert located.data == {"a": 1, "b": "two"}
    assert located.line_of(("b",)) == 2


def test_unusable_numbers_are_all_reported_with_their_lines(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert problems_of(tmp_path, "a: .inf\nb: 2\nc: [1, .nan]\nd: " + "9" * 30 + "\n") == [
        "x.yaml:1: a: is not a usable number; put it in quotes if it is meant as text",
        "x.yaml:3: c[2]: is not a usable number; put it in quotes if it is meant as text",
        "x.yaml:4: d: the number 999999… (30 digits) is far too large",
    ]


def test_number_too_long_to_read_is_a_problem_not_a_crash(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert problems_of(tmp_path, "a: 1\nb: " + "7" * 6000 + "\n") == ["x.yaml:2: a number is far too long"]


def test_deep_nesting_is_a_problem_not_a_crash(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (problem,) = problems_of(tmp_path, "a: " + "[" * 400 + "]" * 400 + "\n")
    assert problem.startswith("x.yaml: ")


def test_exploding_aliases_are_refused(tmp_path, monkeypatch):
    """Nine levels of ten aliases would expand to a billion values."""
    monkeypatch.chdir(tmp_path)
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    assert problems_of(tmp_path, "\n".join(lines) + "\n") == [
        "x.yaml: is too large to be a hand-written file (aliases nested too deeply?)"
    ]


def test_values_read_as_written(tmp_path):
    located = load_text(tmp_path, "date: 2024-05-01\ntagged: !!str 3\nodd: !custom word\n2: two\ntrue: yes\n")
    assert located.data == {"date": "2024-05-01", "tagged": "3", "odd": "word", "2": "two", "true": "yes"}


def test_missing_file_and_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(HandoutsError) as info:
        load_yaml(tmp_path / "gone.yaml")
    assert [str(p) for p in info.value.problems] == ["gone.yaml: file does not exist"]
    (tmp_path / "dir.yaml").mkdir()
    with pytest.raises(HandoutsError) as info:
        load_yaml(tmp_path / "dir.yaml")
    assert [str(p) for p in info.value.problems] == ["dir.yaml: is a folder, not a file"]


def test_empty_file_is_none(tmp_path):
    assert load_text(tmp_path, "").data is None
    assert load_text(tmp_path, "# nothing yet\n").data is None


# --------------------------------------------------------------------------- fast and careful reading

REPO = Path(__file__).resolve().parent.parent

PLAIN_SHAPES = [
    "a: >\n  fold\n  ed\n\n  para\nb: x\n",
    "a: >-\n  fold\n   more indented\n  back\nb: |+\n  keep\n\nc: |-\n  strip\n",
    "a: |\n  lit\n  two\nb: |2\n    indented\n",
    "a: 'it''s'\nb: \"tab\\there \\u00e9\"\nc: plain multi\n  line text\nd: \"multi\n  line quoted\"\n",
    "a: {b: 1, c: [x, y]}\nd: [1, 2,]\n",
    "- a\n- - b\n  - c\n- d: 1\n  e: 2\n",
    "a:\n- x\n- y\nb:\n  - z\n",
    "a: 1.5\nb: -3\nc: +4\nd: 0\ne: .5\nf: 1.\ng: true\nh: False\ni: ~\nj:\nk: null\n",
    "a: yes\nb: no\nc: on\n",
    "\ufeffa: 1\r\nb: two\r\n",
    "# c\na: 1 # c2\n\n\nb:   x   \n",
    "? a\n: b\n",
    "a: 'x' \nb: \"\"\nc: ''\nkey with spaces: v\n'quoted key': v\n",
    "---\na: 1\n...\n",
    "a:\n  b:\n    c:\n      - d: [1, {e: f}]\n",
    "a: \"é ü 中文 😀\"\nb: é\n",
    NESTED,
]

LEFT_TO_ROUND_TRIP = [
    "a: 010\n", "b: 1_000\n", "c: 0x1F\n", "d: 1e3\n", "e: 2024-01-01\n",  # numbers and dates read by rules of their own
    "a: !custom word\n", "2: two\n", "true: x\n", "~: x\n",  # tags and keys that are not text
    "a: &x [1]\nb: *x\n", "a: &x {c: 1}\nb:\n  <<: *x\n",  # aliases and merges
    "a: 1\na: 2\n", "%YAML 1.1\n---\na: yes\n", "a: x\x07y\n",  # duplicates, directives, control characters
    "a: .inf\n", "a: " + "9" * 30 + "\n", "a: " + "[" * 60 + "]" * 60 + "\n",  # unusable values, deep nesting
    "a: 1\n---\nb: 2\n", "a: x: y\n", "", "# only a comment\n",  # errors and empty files
]


@pytest.fixture
def c_parser():
    pytest.importorskip("ruamel.yaml.cyaml", reason="ruamel's compiled parser is not installed")


@pytest.mark.parametrize("text", PLAIN_SHAPES)
def test_plain_shapes_are_read_fast_and_exactly(c_parser, text):
    """The C parser's reading must be the round-trip loader's, value for value and line for line."""
    fast = yamlio._fast_read(Path("x.yaml"), text)
    careful = yamlio._careful_read(Path("x.yaml"), text)
    assert fast is not None
    assert (fast.data, fast.lines) == (careful.data, careful.lines)
    assert repr(fast.data) == repr(careful.data)  # same types too: 1 is not 1.0 nor True


@pytest.mark.parametrize("text", LEFT_TO_ROUND_TRIP)
def test_unusual_shapes_are_left_to_the_round_trip_loader(c_parser, text):
    assert yamlio._fast_read(Path("x.yaml"), text) is None


def test_every_yaml_file_of_the_project_reads_the_same_both_ways(c_parser):
    """Content, layouts and test cases: the fast reading takes the plain ones and changes nothing."""
    fast_count = 0
    files = sorted(p for d in ("content", "handouts/data", "tests") for p in (REPO / d).rglob("*.y*ml") if p.is_file())
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        fast = yamlio._fast_read(path, text)
        if fast is None:
            continue
        fast_count += 1
        careful = yamlio._careful_read(path, text)
        assert (fast.data, fast.lines) == (careful.data, careful.lines), path
        assert repr(fast.data) == repr(careful.data), path
    assert fast_count > 100


def test_content_files_do_not_need_the_round_trip_loader(c_parser, monkeypatch):
    def refuse(path, text):
        raise AssertionError(f"{path} took the slow way")

    monkeypatch.setattr(yamlio, "_careful_read", refuse)
    for path in sorted((REPO / "content").glob("*.yaml")) + sorted((REPO / "handouts" / "data" / "layouts").glob("*.yaml")):
        assert load_yaml(path).data


# --------------------------------------------------------------------------- hostile files


@pytest.mark.parametrize("text, depth", [
    ("a: [1, [2, [3]]]\n", 4),
    ("- - - x\n", 3),
    ("a:\n- b:\n  - c:\n    - d: 1\n", 7),
    ("? - a\n: {b: [c]}\n", 3),
    ('a: "]]]]" \nb: [[[[x]]]]\n', 5),
    ("\ufeff" + "- " * 50 + "x\n", 50),  # a byte-order mark before the indicators
    ("\r".join(" " * (2 * i) + "- " * 5 for i in range(10)) + "x", 14),  # lines broken by CR alone
    ("\u2028".join(" " * (2 * i) + "- " * 5 for i in range(10)) + "x", 14),
])
def test_nesting_bound_is_never_below_the_real_depth(text, depth):
    assert yamlio.nesting_bound(text) >= depth


def _depth(text: str) -> int:
    """The deepest nesting libyaml's event stream reaches (events come without recursion)."""
    from ruamel.yaml.cyaml import CParser
    from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent, StreamEndEvent

    parser = CParser(text)
    level = deepest = 0
    try:
        while not isinstance(event := parser.get_event(), (StreamEndEvent, type(None))):
            if isinstance(event, CollectionStartEvent):
                level += 1
                deepest = max(deepest, level)
            elif isinstance(event, CollectionEndEvent):
                level -= 1
    except Exception:  # noqa: BLE001 - a parse error ends the stream; the depth reached so far counts
        pass
    finally:
        parser.dispose()
    return deepest


def test_nesting_bound_holds_for_random_shapes(c_parser):
    import random

    pieces = ["- ", "? ", ": ", "a: ", "[", "]", "{", "}", ", ", "\n", "\r", "\r\n", " ", "  ", "x", "'", '"', "#",
              "&a ", "*a", "!!seq ", "--- ", "\t", "-\t", "|\n", ">\n", "\ufeff", "\x85", "\u2028"]
    rng = random.Random(2024)
    for _ in range(5_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        assert yamlio.nesting_bound(text) >= _depth(text), repr(text)


def test_content_files_stay_well_under_the_c_parsers_limit():
    for path in sorted((REPO / "content").glob("*.yaml")) + sorted((REPO / "handouts" / "data").rglob("*.yaml")):
        assert yamlio.nesting_bound(path.read_text(encoding="utf-8")) <= yamlio.C_PARSER_DEPTH // 2, path


def test_nesting_past_the_limit_never_reaches_the_c_parser(c_parser, monkeypatch):
    import ruamel.yaml.cyaml

    def refuse(*args, **kwargs):
        raise AssertionError("handed to the C parser")

    monkeypatch.setattr(ruamel.yaml.cyaml, "CSafeLoader", refuse)
    deep = "a: " + "[" * (yamlio.C_PARSER_DEPTH + 1) + "]" * (yamlio.C_PARSER_DEPTH + 1) + "\n"
    assert yamlio._fast_read(Path("x.yaml"), deep) is None
    assert yamlio._fast_read(Path("x.yaml"), "- " * (yamlio.C_PARSER_DEPTH // 2) + "x\n") is None


def test_a_file_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(yamlio, "MAX_YAML_BYTES", 1_000)
    assert load_text(tmp_path, "a: " + "x" * 996 + "\n").data == {"a": "x" * 996}
    assert problems_of(tmp_path, "a: " + "x" * 997 + "\n") == [
        "x.yaml: is larger than the 1 KB a hand-written YAML file may be; is it the right file?"
    ]


def test_only_regular_files_are_read(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dir").mkdir()
    with pytest.raises(HandoutsError) as info:
        yamlio.read_limited(tmp_path / "dir", 10, "a test file")
    assert [str(p) for p in info.value.problems] == ["dir: is a folder, not a regular file; name a file saved by an editor"]
