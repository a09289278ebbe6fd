"""Paths the user names on the command line (``--rules``, ``--export``, ``--output``, FILE):
checked before use, so that a bad one is a one-line usage error naming the option (exit 2) —
never a hang on a FIFO, a write through a symlink, or an OS error reported as I/O failure.

Each message quotes the path as a short, printable excerpt (a 5,000-character name is not
echoed whole; control characters are escaped).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from switchadvisor.errors import InputError, printable

_SHOWN = 120
"""Characters of a path quoted in a message (its start and its end)."""


def shown(path: str | os.PathLike[str]) -> str:
    """``path`` quoted for a message: printable, and at most about ``_SHOWN`` characters."""
    text = printable(os.fspath(path))
    if len(text) > _SHOWN:
        half = _SHOWN // 2
        text = f"{text[:half]}…{text[-half:]}"
    return repr(text)


def file_kind(mode: int) -> str:
    """What a path that is not a regular file is, in words ("a FIFO (named pipe)")."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _error(option: str, message: str, accepted: str, code: str) -> InputError:
    return InputError(f"{option}: {message}", option=option, accepted=accepted, code=code)


def input_directory(path: str, option: str) -> Path:
    """An existing directory to read (a rule base)."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or "not a usable path"
        raise _error(option, f"rule base directory not found: {shown(path)} ({reason})",
                     "an existing directory", "not-a-directory") from None
    if not stat.S_ISDIR(mode):
        raise _error(option, f"rule base directory not found: {shown(path)} is "
                     f"{file_kind(mode)}", "an existing directory", "not-a-directory")
    return Path(path)


def input_file(path: str, option: str) -> Path:
    """A file to read: a regular file, or a pipe or device (``<(…)``, ``/dev/stdin``);
    never a directory."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise _error(option, f"no such file: {shown(path)} (cannot read it)", "a readable file",
                     "unreadable-file") from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or "not a usable path"
        raise _error(option, f"cannot read {shown(path)}: {reason}", "a readable file",
                     "unreadable-file") from None
    if stat.S_ISDIR(mode):
        raise _error(option, f"cannot read {shown(path)}: it is a directory",
                     "a readable file", "unreadable-file")
    return Path(path)


def output_file(path: str, option: str, *, accepted: str = "a file name") -> Path:
    """A file to (over)write: absent, or an existing regular file; its directory exists.

    Refused: a directory, FIFO, socket or device (a FIFO without a reader would hang), and a
    symlink (the file written would be somewhere else)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        mode = None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or "not a usable path"
        raise _error(option, f"cannot write {shown(path)}: {reason}", accepted,
                     "unwritable-file") from None
    if mode is not None and stat.S_ISLNK(mode):
        raise _error(option, f"will not write {shown(path)}: it is a symbolic link "
                     "(name the file itself)", accepted, "unwritable-file")
    if mode is not None and not stat.S_ISREG(mode):
        raise _error(option, f"cannot write {shown(path)}: it is {file_kind(mode)}", accepted,
                     "unwritable-file")
    parent = os.path.dirname(path) or "."
    try:
        parent_mode = os.stat(parent).st_mode
    except (OSError, ValueError):
        parent_mode = None
    if parent_mode is None or not stat.S_ISDIR(parent_mode):
        raise _error(option, f"the directory {shown(parent)} does not exist", accepted,
                     "unwritable-file")
    if not os.access(parent, os.W_OK) or (mode is not None and not os.access(path, os.W_OK)):
        raise _error(option, f"cannot write {shown(path)}: Permission denied", accepted,
                     "unwritable-file")
    return Path(path)


def open_output(path: Path, option: str) -> int:
    """Open a file checked by ``output_file`` for writing (truncating it), without following
    a symlink or blocking on a FIFO that appeared since; a file descriptor."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags, 0o666)
    except OSError as exc:
        raise _error(option, f"cannot write {shown(path)}: {exc.strerror}", "a file name",
                     "unwritable-file") from None
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise _error(option, f"cannot write {shown(path)}: not a regular file", "a file name",
                     "unwritable-file")
    os.set_blocking(descriptor, True)
    return descriptor


def same_file(first: str, second: str) -> bool:
    """Whether two names are one existing file (``batch in.jsonl --output in.jsonl``)."""
    try:
        return os.path.samefile(first, second)
    except (OSError, ValueError):
        return False
