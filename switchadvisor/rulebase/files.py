"""Finding a rule base's files and reading them, bounded and explicit.

A rule base may come from someone else, so reading never trusts the directory:

- the layout is checked: the four required files and the ``pathways/`` directory must be
  there, and anything that looks like a rule file but would be ignored (``*.yml``,
  ``*.YAML``, stray files in ``pathways/``) is a problem rather than a silent omission;
- only regular files are read. A directory, FIFO, socket or device named ``*.yaml``, a
  dangling symlink or a symlink loop is a problem with its path; a symlink is followed only
  when its target stays inside the rule-base directory. A FIFO is never opened (the type is
  checked with ``lstat``/``stat`` first, and files are opened non-blocking);
- each file is read with a cap (``MAX_FILE_BYTES``), and the rule base with a total cap
  (``MAX_TOTAL_BYTES``): never more than cap + 1 bytes of any file are read.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from switchadvisor.paths import file_kind
from switchadvisor.rulebase.collector import Collector

if TYPE_CHECKING:
    from switchadvisor import yamlio

REQUIRED_FILES = ("rulebase.yaml", "evidence.yaml", "classes.yaml", "drugs.yaml")
PATHWAY_DIR = "pathways"
KNOWN_DIRS = (PATHWAY_DIR, "scenarios")
MAX_FILE_BYTES = 5 * 1024 * 1024
"""Largest rule file read (the shipped drugs.yaml is about 42 kB, evidence.yaml 92 kB)."""
MAX_TOTAL_BYTES = 20 * 1024 * 1024
"""Largest rule base read, all files together."""
MAX_DIR_ENTRIES = 5_000
"""Entries listed in one directory before giving up."""
_CHUNK = 64 * 1024
_YAML_SUFFIXES = (".yaml", ".yml")


@dataclass
class LoadedFile:
    relpath: str
    document: yamlio.Document
    model: Any


class UnreadableFile(Exception):
    """A file that is not read: why, in plain words (the path is added by the caller)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Budget:
    """What is left of the total cap, and how many bytes each file's reads returned."""

    remaining: int = MAX_TOTAL_BYTES
    read: dict[str, int] = field(default_factory=dict)
    resolved: dict[Path, Path] = field(default_factory=dict)
    """Directories already resolved while reading this rule base."""


def _resolved(directory: Path, budget: Budget | None) -> Path:
    if budget is None:
        return directory.resolve(strict=True)
    found = budget.resolved.get(directory)
    if found is None:
        found = budget.resolved[directory] = directory.resolve(strict=True)
    return found


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def read_bounded(path: Path, root: Path, *, limit: int = MAX_FILE_BYTES,
                 budget: Budget | None = None) -> bytes:
    """The bytes of one regular file under ``root``, at most ``limit``; else UnreadableFile.

    Never reads more than ``limit + 1`` bytes, never opens anything but a regular file
    (checked before opening, and again on the open descriptor), and follows a symlink only
    when its target stays inside ``root``.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise UnreadableFile("missing-file", "file not found") from None
    except OSError as exc:
        raise UnreadableFile("unreadable", f"cannot read: {exc.strerror or exc}") from None
    link = stat.S_ISLNK(info.st_mode)
    try:
        # A file that is not a link is where its directory is: resolving the directory
        # (once per rule base) is enough, and much cheaper than resolving every file.
        target = path.resolve(strict=True) if link else \
            _resolved(path.parent, budget) / path.name
    except FileNotFoundError:
        raise UnreadableFile("bad-symlink", "dangling symlink (its target does not exist)"
                             ) from None
    except (RuntimeError, OSError) as exc:
        if isinstance(exc, OSError) and exc.errno not in (errno.ELOOP, None):
            raise UnreadableFile("unreadable", f"cannot read: {exc.strerror or exc}") from None
        raise UnreadableFile("bad-symlink", "symlink loop") from None
    if not _inside(target, _resolved(root, budget)):
        what = "symlink to a file" if link else "file"
        raise UnreadableFile("outside", f"{what} outside the rule-base directory (refused)")
    if link:
        try:
            info = os.stat(target)
        except OSError as exc:
            raise UnreadableFile("unreadable", f"cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableFile("not-a-file", f"{file_kind(info.st_mode)}, not a regular file")
    available = limit if budget is None else min(limit, budget.remaining)
    if info.st_size > available:
        raise _too_large(limit, budget)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) \
        | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(target, flags)
    except OSError as exc:
        raise UnreadableFile("unreadable", f"cannot read: {exc.strerror or exc}") from None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):  # replaced since the check
            raise UnreadableFile("not-a-file", "not a regular file")
        chunks: list[bytes] = []
        total = 0
        while total <= available:
            chunk = os.read(descriptor, min(_CHUNK, available + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise UnreadableFile("unreadable", f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(descriptor)
    if budget is not None:
        budget.read[str(path)] = total
    if total > available:
        raise _too_large(limit, budget)
    if budget is not None:
        budget.remaining -= total
    return b"".join(chunks)


def _too_large(limit: int, budget: Budget | None) -> UnreadableFile:
    if budget is not None and budget.remaining < limit:
        return UnreadableFile("too-large",
                              f"the rule base is larger than {_mb(MAX_TOTAL_BYTES)} in all")
    return UnreadableFile("too-large", f"file is larger than {_mb(limit)}")


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def list_directory(directory: Path) -> Iterator[os.DirEntry[str]]:
    with os.scandir(directory) as listing:
        for count, entry in enumerate(listing):
            if count >= MAX_DIR_ENTRIES:
                raise UnreadableFile("too-many-files",
                                     f"more than {MAX_DIR_ENTRIES:,} entries in the directory")
            yield entry


def _close(name: str, known: tuple[str, ...]) -> str:
    for candidate in known:
        if name.casefold() == candidate.casefold() or \
                name.casefold().rsplit(".", 1)[0] == candidate.rsplit(".", 1)[0]:
            return f" (did you mean {candidate}?)"
    return ""


def digest_of(files: list[tuple[str, bytes]]) -> str:
    """The rule base's sha256: over each file's relative path and bytes, in reading order."""
    digest = hashlib.sha256()
    for relpath, raw in files:
        digest.update(relpath.encode("utf-8") + b"\0" + raw + b"\0")
    return digest.hexdigest()


def rule_files(root: Path, collector: Collector,
               budget: Budget | None = None) -> list[tuple[str, bytes]]:
    """Every rule file's bytes, by path relative to ``root``; problems go to ``collector``."""
    budget = budget if budget is not None else Budget()
    files: list[tuple[str, bytes]] = []

    def read(relpath: str) -> None:
        try:
            files.append((relpath, read_bounded(root / relpath, root, budget=budget)))
        except UnreadableFile as exc:
            message = exc.message
            if exc.code == "missing-file":
                message = f"required file {relpath} is missing"
            collector.add(relpath, (1, 1), exc.code, message)

    try:
        top = sorted(list_directory(root), key=lambda entry: entry.name)
    except (UnreadableFile, OSError) as exc:
        message = exc.message if isinstance(exc, UnreadableFile) else \
            f"cannot list the directory: {exc.strerror or exc}"
        collector.add(".", (1, 1), "unreadable", message)
        return files
    names = {entry.name for entry in top}
    for name in REQUIRED_FILES:
        if name in names or os.path.lexists(root / name):
            read(name)
        else:
            collector.add(name, (1, 1), "missing-file", f"required file {name} is missing")
    for entry in top:
        if entry.name.startswith(".") or entry.name in REQUIRED_FILES \
                or entry.name in KNOWN_DIRS:
            continue
        if entry.name.lower().endswith(_YAML_SUFFIXES):
            collector.add(entry.name, (1, 1), "unexpected-file",
                          "unexpected file: a rule base holds rulebase.yaml, evidence.yaml, "
                          f"classes.yaml, drugs.yaml, pathways/ and scenarios/"
                          f"{_close(entry.name, REQUIRED_FILES)}")
    pathway_dir = root / PATHWAY_DIR
    if pathway_dir.is_dir() and not _inside(pathway_dir.resolve(), root.resolve()):
        collector.add(f"{PATHWAY_DIR}/", (1, 1), "outside",
                      "directory outside the rule-base directory (refused)")
        return files
    if not pathway_dir.is_dir():
        others = [entry.name for entry in top if entry.name not in KNOWN_DIRS
                  and not entry.name.startswith(".") and entry.is_dir()]
        collector.add(f"{PATHWAY_DIR}/", (1, 1), "missing-directory",
                      f"required directory {PATHWAY_DIR}/ is missing"
                      f"{_close(others[0], (PATHWAY_DIR,)) if others else ''}")
        return files
    try:
        listed = sorted(list_directory(pathway_dir), key=lambda entry: entry.name)
    except (UnreadableFile, OSError) as exc:
        message = exc.message if isinstance(exc, UnreadableFile) else \
            f"cannot list the directory: {exc.strerror or exc}"
        collector.add(f"{PATHWAY_DIR}/", (1, 1), "unreadable", message)
        return files
    for entry in listed:
        if entry.name.startswith("."):
            continue
        relpath = f"{PATHWAY_DIR}/{entry.name}"
        if entry.name.endswith(".yaml"):
            read(relpath)
        else:
            collector.add(relpath, (1, 1), "unexpected-file",
                          "unexpected file: pathways/ holds only FROM--TO.yaml files "
                          "(with the .yaml extension, lower case)")
    return files
