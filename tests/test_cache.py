"""The result cache: used again only while every file behind a result is unchanged."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pdfplumber
import pytest
from typer.testing import CliRunner

from handouts import cache
from handouts.cli import app

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def own_cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("HANDOUTS_CACHE_DIR", str(folder))
    monkeypatch.delenv("HANDOUTS_CACHE", raising=False)
    return folder


class Counter:
    def __init__(self, value="result"):
        self.calls = 0
        self.value = value

    def __call__(self):
        self.calls += 1
        return self.value


def test_second_call_reads_the_stored_result(own_cache, tmp_path):
    src = tmp_path / "a.yaml"
    src.write_text("x: 1\n")
    make = Counter()
    assert cache.cached("t", "k", make, [src]) == "result"
    assert cache.cached("t", "k", make, [src]) == "result"
    assert make.calls == 1
    assert len(list((own_cache / "t").glob("*.pickle"))) == 1


def test_a_changed_or_removed_file_makes_it_miss(own_cache, tmp_path):
    src = tmp_path / "a.yaml"
    src.write_text("x: 1\n")
    make = Counter()
    cache.cached("t", "k", make, [src])
    src.write_text("x: 2\n")
    cache.cached("t", "k", make, [src])
    assert make.calls == 2
    src.unlink()
    cache.cached("t", "k", make, [src])
    assert make.calls == 3


def test_keys_and_kinds_are_separate(own_cache):
    a, b = Counter("a"), Counter("b")
    assert cache.cached("t", "one", a) == "a"
    assert cache.cached("t", "two", b) == "b"
    assert cache.cached("u", "one", b) == "b"
    assert (a.calls, b.calls) == (1, 2)


def test_a_new_tool_fingerprint_makes_it_miss(own_cache, monkeypatch):
    make = Counter()
    cache.cached("t", "k", make)
    monkeypatch.setattr(cache, "_FINGERPRINT", "another version")
    cache.cached("t", "k", make)
    assert make.calls == 2


def test_fingerprint_covers_this_package_and_its_libraries(monkeypatch):
    monkeypatch.setattr(cache, "_FINGERPRINT", None)
    first = cache.fingerprint()
    monkeypatch.setattr(cache, "_FINGERPRINT", None)
    monkeypatch.setattr(cache, "_LIBRARIES", cache._LIBRARIES + ("pypdf",))
    assert cache.fingerprint() != first


@pytest.mark.parametrize("setting", ["off", "OFF", "0", "no"])
def test_turned_off_it_neither_reads_nor_writes(own_cache, monkeypatch, setting):
    monkeypatch.setenv("HANDOUTS_CACHE", setting)
    make = Counter()
    cache.cached("t", "k", make)
    cache.cached("t", "k", make)
    assert make.calls == 2
    assert not own_cache.exists()


def test_a_damaged_entry_is_a_miss_and_is_replaced(own_cache):
    make = Counter()
    cache.cached("t", "k", make)
    (entry,) = (own_cache / "t").glob("*.pickle")
    entry.write_bytes(b"not a pickle")
    assert cache.cached("t", "k", make) == "result"
    assert cache.cached("t", "k", make) == "result"
    assert make.calls == 2


def test_an_unusable_cache_folder_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("HANDOUTS_CACHE_DIR", str(blocker))
    make = Counter()
    assert cache.cached("t", "k", make) == "result"
    assert cache.cached("t", "k", make) == "result"
    assert make.calls == 2


def test_nothing_half_written_is_left_behind(own_cache):
    cache.store("t", "k", list(range(1000)))
    assert [p.suffix for p in (own_cache / "t").iterdir()] == [".pickle"]


def test_a_full_kind_drops_its_older_half(own_cache, monkeypatch):
    monkeypatch.setattr(cache, "MAX_ENTRIES", 10)
    monkeypatch.setattr(cache, "_PRUNED", set())
    for i in range(10):
        cache.store("t", i, i)
    monkeypatch.setattr(cache, "_PRUNED", set())
    cache.store("t", "last", "kept")
    left = list((own_cache / "t").glob("*.pickle"))
    assert len(left) == 6
    assert cache.load("t", "last") == "kept"


def test_default_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("HANDOUTS_CACHE_DIR", raising=False)
    monkeypatch.delenv("HANDOUTS_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.folder() == tmp_path / "handouts"


# ------------------------------------------------------------------ through the CLI


def _build(out: Path, *args: str) -> bytes:
    result = CliRunner().invoke(app, ["build", "partner-neck", "-l", "handout-a4", "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return (out / "partner-neck--handout-a4.pdf").read_bytes()


def _forget_drawings() -> None:
    """What a new process starts from: no drawing built or recorded yet in memory."""
    from handouts.render import pictures

    for made in (pictures._body_map, pictures._hand, pictures._pressure):
        made.cache_clear()


def test_builds_are_the_same_bytes_with_and_without_it(own_cache, tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    _forget_drawings()
    filled = _build(tmp_path / "a")
    _forget_drawings()
    kinds = {p.name for p in own_cache.iterdir()}
    assert {"routine", "clinic", "layout", "glyphs", "safety", "drawing"} <= kinds
    assert _build(tmp_path / "b") == filled
    monkeypatch.setenv("HANDOUTS_CACHE", "off")
    assert _build(tmp_path / "c") == filled


def test_the_quality_line_is_kept_and_stays_true(own_cache, tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    runner = CliRunner()
    args = ["build", "partner-neck", "-l", "handout-a4", "-o", str(tmp_path)]
    first = runner.invoke(app, args).output
    assert "quality: partner-neck: reading grade" in first
    assert runner.invoke(app, args).output == first
    assert list((own_cache / "quality").glob("*.pickle"))


def _page_text(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return "\n".join(page.extract_text() or "" for page in doc.pages)


@pytest.fixture
def built_copy(own_cache, tmp_path, monkeypatch) -> Path:
    """A copy of the content folder, built once so the cache holds its routines."""
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    monkeypatch.chdir(tmp_path)
    _build(tmp_path / "a", "--content", str(content))
    return content


def test_an_edited_routine_is_built_from_its_new_text(built_copy, tmp_path):
    content = built_copy
    routine = content / "partner-neck.yaml"
    text = routine.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    routine.write_text(text.replace(title, "title: Shoulder ease for two", 1), encoding="utf-8")
    assert "Shoulder ease for two" in _page_text(_build(tmp_path / "b", "--content", str(content)))


def test_an_edited_parent_layout_reaches_its_children(own_cache, tmp_path, monkeypatch):
    layouts = tmp_path / "layouts"
    shutil.copytree(REPO / "layouts", layouts)
    monkeypatch.chdir(REPO)
    leaf = str(layouts / "handout-a4.yaml")
    result = CliRunner().invoke(app, ["build", "partner-neck", "-l", leaf, "-o", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    base = layouts / "handout-base.yaml"
    text = base.read_text(encoding="utf-8")
    old = 'title:    {parent: body, weight: bold, size: 24pt, leading: 29pt, color: "#1f4e79"'
    assert old in text
    base.write_text(text.replace(old, old.replace("#1f4e79", "#7a1f1f")), encoding="utf-8")
    result = CliRunner().invoke(app, ["build", "partner-neck", "-l", leaf, "-o", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    red = (0x7a / 255, 0x1f / 255, 0x1f / 255)
    close = lambda rgb: all(abs(a - b) < 0.005 for a, b in zip(rgb, red))  # noqa: E731
    assert not any(close(c) for c in _colours(tmp_path / "a"))
    assert any(close(c) for c in _colours(tmp_path / "b"))


def _colours(folder: Path) -> set[tuple[float, ...]]:
    """The text colours of a built handout's first page."""
    (pdf,) = folder.glob("*.pdf")
    with pdfplumber.open(pdf) as doc:
        return {tuple(c["non_stroking_color"]) for c in doc.pages[0].chars if len(c["non_stroking_color"] or ()) == 3}


def test_a_broken_routine_is_reported_every_time(built_copy, tmp_path):
    content = built_copy
    routine = content / "partner-neck.yaml"
    routine.write_text(routine.read_text(encoding="utf-8").replace("title:", "titel:", 1), encoding="utf-8")
    for _ in range(2):
        result = CliRunner().invoke(app, ["build", "partner-neck", "-o", str(tmp_path / "b"), "--content", str(content)])
        assert result.exit_code == 1
        assert "titel" in result.output


def test_no_home_folder_means_no_cache(monkeypatch):
    monkeypatch.delenv("HANDOUTS_CACHE_DIR", raising=False)
    monkeypatch.delenv("HANDOUTS_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def homeless():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(cache.Path, "home", staticmethod(homeless))
    assert cache.folder() is None
    make = Counter()
    assert cache.cached("t", "k", make) == "result"


def test_a_file_named_from_another_folder_has_another_key(tmp_path, monkeypatch):
    """Messages name files relative to the working folder, so results kept for one do not serve another."""
    monkeypatch.chdir(tmp_path)
    here = cache.file_key(Path("a.yaml"))
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert cache.file_key(Path("a.yaml")) != here
    assert cache.file_key(Path("a.yaml"), ["steps"]) != cache.file_key(Path("a.yaml"))


def test_stored_only_reads_but_never_works_out(own_cache, tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("one")
    make = Counter("made")
    with cache.stored_only():
        with pytest.raises(cache.Miss):
            cache.cached("kind", "key", make, [source])
    assert make.calls == 0
    cache.cached("kind", "key", make, [source])
    with cache.stored_only():
        assert cache.cached("kind", "key", make, [source]) == "made"
    assert make.calls == 1
    assert cache.cached("kind", "other", make) == "made" and make.calls == 2  # the block has ended


def test_a_rebuild_with_stored_checks_starts_no_process(own_cache, tmp_path, monkeypatch):
    from handouts import background

    monkeypatch.chdir(REPO)
    args = ["build", "partner-neck", "-l", "handout-a4", "-o", str(tmp_path)]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output

    def no_fork():
        raise AssertionError("a process was started for checks already stored")

    monkeypatch.setattr(background.os, "fork", no_fork)
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 0, again.output
    assert again.output == first.output
