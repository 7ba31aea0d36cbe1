"""The kind of a file system entry in a reader's words, for every message that refuses one."""

from __future__ import annotations

import stat


def file_kind(mode: int) -> str:
    """'a file', 'a folder', 'a named pipe (FIFO)', 'a device', 'a socket' or 'a special file'."""
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"
