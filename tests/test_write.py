"""Atomic writes: readable by others, and nothing left behind when writing fails."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from handouts.errors import HandoutsError
from handouts.pipeline import write
from handouts.pipeline.write import folder_problem, output_problems, write_all, write_atomic


def test_written_file_has_normal_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.pdf", b"%PDF-1.4")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.pdf").stat().st_mode) == 0o644
    assert (tmp_path / "a.pdf").read_bytes() == b"%PDF-1.4"


def test_failed_write_keeps_old_file_and_leaves_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "a.pdf"
    target.write_bytes(b"old")

    def boom(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(HandoutsError) as caught:
        write_atomic(target, b"new", "--out")
    assert [str(p) for p in caught.value.problems] == [f"--out: cannot write to {tmp_path}: the disk is full"]
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


def test_a_failure_without_an_option_names_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.EIO, "Input/output error")))
    with pytest.raises(HandoutsError) as caught:
        write_atomic(tmp_path / "a.pdf", b"new")
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path / 'a.pdf'}: cannot be written: the disk reported an input/output error"]
    assert list(tmp_path.iterdir()) == []


def test_an_interruption_while_writing_leaves_no_part_file(tmp_path, monkeypatch):
    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "out" / "a.pdf", b"new")
    assert list(tmp_path.iterdir()) == []  # the folder made for it is gone too


def test_all_or_nothing_when_the_third_file_cannot_be_written(tmp_path, monkeypatch):
    """Two files already on disk as temporary files are removed; no target changes."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.pdf").write_bytes(b"old a")
    real = write._write_part
    calls = []

    def third_fails(path, data):
        calls.append(path)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(write, "_write_part", third_fails)
    with pytest.raises(HandoutsError) as caught:
        write_all([(out / "a.pdf", b"new a"), (out / "b.pdf", b"b"), (out / "c.pdf", b"c")], "--out")
    assert [str(p) for p in caught.value.problems] == [f"--out: cannot write to {out}: the disk is full"]
    assert sorted(p.name for p in out.iterdir()) == ["a.pdf"]
    assert (out / "a.pdf").read_bytes() == b"old a"


def test_write_all_writes_every_file(tmp_path):
    write_all([(tmp_path / "n" / "a.pdf", b"a"), (tmp_path / "n" / "b.pdf", b"b")], "--out")
    assert sorted(p.name for p in (tmp_path / "n").iterdir()) == ["a.pdf", "b.pdf"]


def test_a_folder_that_is_a_file_is_named(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    assert folder_problem(tmp_path / "notes.txt") == f"{tmp_path / 'notes.txt'} is a file, not a folder"
    assert folder_problem(tmp_path / "notes.txt" / "sub") == f"{tmp_path / 'notes.txt'} is a file, not a folder"
    with pytest.raises(HandoutsError) as caught:
        write_atomic(tmp_path / "notes.txt" / "a.pdf", b"x", "out")
    assert [str(p) for p in caught.value.problems] == [f"out: {tmp_path / 'notes.txt'} is a file, not a folder"]


def test_a_device_is_not_a_folder():
    assert folder_problem(Path("/dev/null")) == "/dev/null is a device, not a folder"


def test_an_over_long_folder_name_is_refused_before_the_system_is_asked(tmp_path):
    assert folder_problem(tmp_path / ("é" * 130)) == (
        "the folder name 'éééééééééééééééééééé…' is too long (260 bytes; at most 255)")


def test_a_good_folder_passes_and_nothing_is_left_of_the_check(tmp_path):
    assert folder_problem(tmp_path / "new" / "deeper") is None
    assert folder_problem(tmp_path) is None
    assert list(tmp_path.iterdir()) == []


def test_a_target_that_is_a_folder_is_found_up_front(tmp_path):
    (tmp_path / "a.pdf").mkdir()
    assert [str(p) for p in output_problems([tmp_path / "a.pdf", tmp_path / "b.pdf"], "--out")] == [
        f"--out: {tmp_path / 'a.pdf'} is a folder, not a file"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permission bits")
def test_a_read_only_folder_is_refused(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        assert folder_problem(folder) == f"cannot write to {folder}: permission denied"
        assert folder_problem(folder / "sub") == f"cannot write to {folder / 'sub'}: permission denied"
    finally:
        folder.chmod(0o755)


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc")
def test_a_folder_the_system_refuses_is_found_even_by_root():
    assert folder_problem(Path("/proc/handouts-test")) == (
        "cannot write to /proc/handouts-test: files cannot be made there")


def test_a_folder_the_system_will_not_write_to_is_named_whoever_runs_the_check(tmp_path, monkeypatch):
    """Permission bits are not read (root ignores them); the refusal itself is reported."""
    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(write.tempfile, "mkstemp", refused)
    assert folder_problem(tmp_path / "sub") == f"cannot write to {tmp_path / 'sub'}: permission denied"
