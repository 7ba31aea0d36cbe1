"""Atomic file output: a reader (or a crash) never sees half a PDF.

Bytes go to a temporary ``.part`` file in the target folder, are flushed to
disk, then renamed over the target in one step; a failure of any kind removes
the temporary file and leaves any older good output untouched.

Output paths come from options and manifests, so anything the system refuses
(a folder that is a file, ``/dev/null``, ``/proc``, a read-only or full disk,
a name longer than the file system allows) is a :class:`~handouts.errors.Problem`
naming the option or file it came from, never an ``OSError`` traceback.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable, Iterable

from ..errors import HandoutsError, Problem
from ..filekind import file_kind

NAME_MAX = 255
"""Longest file or folder name, in bytes, on the file systems people write to (ext4, APFS, NTFS)."""

_WORDS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the disk is read-only",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.ENAMETOOLONG: "the name is too long",
    errno.ENOENT: "files cannot be made there",
    errno.ELOOP: "its symbolic links form a loop",
    errno.EIO: "the disk reported an input/output error",
    errno.EMFILE: "too many files are open",
    errno.ENFILE: "too many files are open",
}


def words(exc: OSError) -> str:
    """What went wrong, in the words of a message rather than of ``strerror``."""
    if exc.errno in _WORDS:
        return _WORDS[exc.errno]
    text = exc.strerror or str(exc) or f"the system refused ({type(exc).__name__})"
    return text[:1].lower() + text[1:] if text[1:2].islower() else text



def _shown(path: Path) -> str:
    """``path`` as it was given (relative to the working folder when inside it): symbolic links
    are not followed, so a message names the folder that was typed, not where a link points."""
    absolute = Path(os.path.abspath(path))
    try:
        return str(absolute.relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path)


def _short(name: str) -> str:
    return name if len(name) <= 40 else name[:20] + "…"


def _existing(folder: Path) -> tuple[Path, os.stat_result]:
    """The deepest part of ``folder`` that exists, and its status; ``OSError`` when even that cannot be known."""
    probe = folder
    while True:
        try:
            return probe, os.stat(probe)
        except (FileNotFoundError, NotADirectoryError):
            if probe.parent == probe or os.path.islink(probe):  # a link to nothing: no folder can be made there
                raise
            probe = probe.parent


def folder_problem(folder: Path) -> str | None:
    """Why PDFs cannot be written into ``folder`` (made when missing), or None when they can.

    Asked before anything is drawn, so a wrong ``--out`` costs nothing. Nothing
    is left behind: writability is tried with a temporary file, made and
    removed, in the deepest part of the path that exists (permission bits alone
    do not tell: root ignores them and ``/proc`` refuses new files anyway)."""
    for part in folder.parts:
        size = len(os.fsencode(part))
        if size > NAME_MAX:
            unit = "characters" if size == len(part) else "bytes"
            return f"the folder name '{_short(part)}' is too long ({size} {unit}; at most {NAME_MAX})"
    try:
        base, st = _existing(folder)
    except OSError as exc:
        if isinstance(exc, FileNotFoundError) and exc.filename is not None and os.path.islink(exc.filename):
            link = Path(os.fsdecode(exc.filename))
            return f"{_shown(link)} is a symbolic link to {os.readlink(link)}, which does not exist"
        return f"cannot write to {_shown(folder)}: {words(exc)}"
    if not stat.S_ISDIR(st.st_mode):
        return f"{_shown(base)} is {file_kind(st.st_mode)}, not a folder"
    try:
        fd, probe = tempfile.mkstemp(prefix=".handouts-check-", dir=base)
    except OSError as exc:
        return f"cannot write to {_shown(folder)}: {words(exc)}"
    os.close(fd)
    try:
        os.unlink(probe)
    except OSError:
        pass
    return None


def output_problems(paths: Iterable[Path], name: str) -> list[Problem]:
    """Every reason the files ``paths`` could not be written, each named by ``name`` (the option, ``--out``)."""
    problems: list[str] = []
    folders: dict[Path, str | None] = {}
    for path in paths:
        if path.parent not in folders:
            folders[path.parent] = folder_problem(path.parent)
            problems.append(folders[path.parent])
        if folders[path.parent] is None:
            try:
                if len(os.fsencode(path.name)) > NAME_MAX:
                    problems.append(f"the file name '{_short(path.name)}' is too long "
                                    f"({len(os.fsencode(path.name))} bytes; at most {NAME_MAX})")
                elif path.is_dir():
                    problems.append(f"{_shown(path)} is a folder, not a file")
            except OSError as exc:
                problems.append(failure(exc, path))
    return [Problem(name, None, "", message) for message in dict.fromkeys(problems) if message]


def _not_a_folder(exc: OSError, path: Path) -> str | None:
    if exc.errno == errno.EISDIR:
        return f"{_shown(path)} is a folder, not a file"
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        try:
            base, st = _existing(path.parent)
        except OSError:
            return None
        if not stat.S_ISDIR(st.st_mode):
            return f"{_shown(base)} is {file_kind(st.st_mode)}, not a folder"
    return None


def failure(exc: OSError, path: Path) -> str:
    """Why writing ``path`` failed, worded to follow the option or field that chose its folder
    (``--out: cannot write to /proc/x: permission denied``, ``out: notes.txt is a file, not a folder``)."""
    return _not_a_folder(exc, path) or f"cannot write to {_shown(path.parent)}: {words(exc)}"


def _problem(exc: OSError, path: Path, name: str | None) -> HandoutsError:
    if name:
        return HandoutsError(Problem(name, None, "", failure(exc, path)))
    why = _not_a_folder(exc, path) or words(exc)
    return HandoutsError(Problem(_shown(path), None, "", f"cannot be written: {why}"))


def _make_folder(folder: Path) -> list[Path]:
    """Make ``folder`` and its missing parents; the ones made, outermost first, to be removed on failure."""
    missing: list[Path] = []
    probe = folder
    while not probe.is_dir() and probe.parent != probe:
        missing.append(probe)
        probe = probe.parent
    made: list[Path] = []
    try:
        for part in reversed(missing):
            try:
                part.mkdir()
            except FileExistsError:
                if not part.is_dir():
                    raise
                continue
            made.append(part)
    except BaseException:
        _unmake(made)
        raise
    return made


def _unmake(made: list[Path]) -> None:
    for folder in reversed(made):
        try:
            folder.rmdir()
        except OSError:
            pass


def _write_part(path: Path, data: bytes | Callable[[BinaryIO], object]) -> str:
    """``data`` (or what the callable writes) in a flushed temporary file beside ``path``; its
    name. Nothing is left when this fails."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are meant to be shared
            if callable(data):
                data(fh)
            else:
                fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        _discard(tmp)
        raise
    return tmp


def _discard(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except OSError:
        pass


def write_atomic(path: Path, data: bytes, name: str | None = None) -> None:
    """Write ``data`` to ``path`` in one step; a failure is a problem named by ``name`` (the option
    that chose the folder) or, without one, by the file."""
    write_all([(path, data)], name)


def write_streamed(path: Path, produce: Callable[[BinaryIO], object], name: str | None = None) -> None:
    """Like write_atomic, for a file too large to hold in memory: ``produce`` writes it to a
    temporary file, which replaces ``path`` only when it is whole."""
    write_all([(path, produce)], name)


def write_all(files: list[tuple[Path, bytes | Callable[[BinaryIO], object]]], name: str | None = None) -> None:
    """Write every file or none: all go to temporary files first, and only when every one is
    on disk are they renamed over their targets.

    Writing is where a disk fills up or a folder turns out read-only, so a
    failure there removes every temporary file (and any folder made for them)
    and no target changes. A rename only changes a name in a folder already
    written to; should one still fail, the files renamed before it are whole."""
    parts: list[tuple[str, Path]] = []
    made: list[Path] = []
    renamed = 0
    current = files[0][0] if files else Path(".")
    try:
        for current, data in files:
            made += _make_folder(current.parent)
            parts.append((_write_part(current, data), current))
        for tmp, current in parts:
            os.replace(tmp, current)
            renamed += 1
    except BaseException as exc:
        for tmp, _ in parts[renamed:]:
            _discard(tmp)
        if not renamed:
            _unmake(made)
        if isinstance(exc, OSError):
            raise _problem(exc, current, name) from None
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
