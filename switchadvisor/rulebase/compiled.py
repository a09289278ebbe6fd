"""The compiled rule base, cached on disk so that a warm start parses no YAML.

``load_rulebase`` reads the rule files' bytes on every run (bounded, as the loader reads
them) and hashes them. A cache file holds the compiled rule base for one exact key: this
cache format, the tool version, the Python version, a fingerprint of the package's own code
(an editable install changes code without changing its version) and the sha256 of the rule
files. Anything else — a different key, a truncated or corrupt file, a file another user
owns or others may write, anything that is not our own types — is ignored, and the rule
base is read from YAML and the cache rewritten. Writing is atomic (a temporary file renamed
into place) and best effort: a read-only or missing cache directory only costs speed.

Pickle is the format because it rebuilds the dataclasses with no validation and no import
of pydantic or yaml; it is read through an unpickler that resolves only switchadvisor's own
dataclasses and enums (and ``datetime.date``), so a planted file cannot name any other
callable. ``rules validate`` and ``rules test`` never use the cache (``read_rulebase``).

Disable with ``--no-cache`` or ``SWITCHADVISOR_NO_CACHE=1``; move it with
``SWITCHADVISOR_CACHE_DIR`` (default ``$XDG_CACHE_HOME/switchadvisor``, else
``~/.cache/switchadvisor``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import hashlib
import io
import os
import pickle
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any

from switchadvisor import __version__
from switchadvisor.resources import RuleLocation, locate_rules
from switchadvisor.rulebase.collector import Collector
from switchadvisor.rulebase.files import digest_of, rule_files
from switchadvisor.rulebase.models import RuleBase

CACHE_DIR_ENV = "SWITCHADVISOR_CACHE_DIR"
NO_CACHE_ENV = "SWITCHADVISOR_NO_CACHE"
FORMAT = 1
"""Bumped when what is pickled changes shape in a way the code fingerprint would miss."""
MAX_CACHE_BYTES = 64 * 1024 * 1024
"""A cache file larger than this is not read (the shipped rule base compiles to ~1 MB)."""
KEEP_FILES = 8
"""Cache files kept (one per rule base and version); older ones are removed on write."""
_PREFIX = "rulebase-"
_SUFFIX = ".pickle"


def load_rulebase(path: str | os.PathLike[str] | None = None, *, cache: bool = True) -> RuleBase:
    """The rule base at ``path`` (the packaged one by default), compiled.

    With ``cache`` (and unless ``SWITCHADVISOR_NO_CACHE`` is set) a compiled copy is reused
    when its key matches exactly; the result is the same either way. Raises
    ``RuleBaseError`` listing every problem, or ``InputError`` for a missing ``path``.
    """
    location = locate_rules(path)
    collector = Collector(location.path.name or "rules")
    files = rule_files(location.path, collector)
    where = None if collector.problems or not cache or cache_disabled() else _cache_file(
        digest_of(files))
    if where is not None:
        cached = _read(where, location)
        if cached is not None:
            return cached
    from switchadvisor.rulebase.loader import compile_rulebase  # yaml and pydantic: a miss only

    rulebase = compile_rulebase(location, files, collector)
    if where is not None:
        _write(where, rulebase)
    return rulebase


def cache_disabled() -> bool:
    return os.environ.get(NO_CACHE_ENV, "").strip() not in {"", "0"}


def cache_directory() -> Path | None:
    """Where cache files go; None when no directory can be named (no HOME)."""
    explicit = os.environ.get(CACHE_DIR_ENV)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "switchadvisor"
    try:
        return Path.home() / ".cache" / "switchadvisor"
    except RuntimeError:
        return None


@dataclasses.dataclass(frozen=True)
class _Where:
    path: Path
    key: tuple[object, ...]


def _cache_file(sha256: str) -> _Where | None:
    directory = cache_directory()
    if directory is None:
        return None
    key = (FORMAT, __version__, sys.version, _code_fingerprint(), sha256)
    name = hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:32]
    return _Where(directory / f"{_PREFIX}{name}{_SUFFIX}", key)


def _code_fingerprint() -> str:
    """Names, sizes and modification times of the package's modules: a cache written by
    other code (an editable install edited since) never matches."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent.parent
    pending = [package]
    while pending:
        directory = pending.pop()
        with os.scandir(directory) as entries:
            for entry in sorted(entries, key=lambda item: item.name):
                if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                    pending.append(Path(entry.path))
                elif entry.name.endswith(".py"):
                    info = entry.stat()
                    digest.update(f"{entry.path}\0{info.st_size}\0{info.st_mtime_ns}\n"
                                  .encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


# ------------------------------------------------------------------------------ reading


def _read(where: _Where, location: RuleLocation) -> RuleBase | None:
    try:
        fd = os.open(where.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not _trusted(info):
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_CACHE_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) > MAX_CACHE_BYTES:
        return None
    try:
        stored = _OwnTypesUnpickler(io.BytesIO(data)).load()
    except Exception:  # any damage means "rebuild", never a crash
        return None
    if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == where.key
            and isinstance(stored[1], dict)):
        return None
    try:
        rulebase = RuleBase(location=location, **stored[1])
    except TypeError:
        return None
    return rulebase


def _trusted(info: os.stat_result) -> bool:
    """A regular file of ours that nobody else may have written."""
    if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o022:
        return False
    return not hasattr(os, "geteuid") or info.st_uid == os.geteuid()


class _OwnTypesUnpickler(pickle.Unpickler):
    """Resolves only switchadvisor's dataclasses and enums, and ``datetime.date``."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("datetime", "date"):
            return dt.date
        if module.startswith("switchadvisor.") and "." not in name:
            found = getattr(sys.modules.get(module), name, None)
            if isinstance(found, type) and (dataclasses.is_dataclass(found)
                                            or issubclass(found, enum.Enum)):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not a rule-base type")


# ------------------------------------------------------------------------------ writing


def _write(where: _Where, rulebase: RuleBase) -> None:
    state = {item.name: getattr(rulebase, item.name) for item in dataclasses.fields(rulebase)
             if item.name not in {"location", "cache"}}
    try:
        data = pickle.dumps((where.key, state), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # something unpicklable: run uncached, correctly
        return
    directory = where.path.parent
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=_SUFFIX, dir=directory)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, where.path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return
    _prune(directory, keep=where.path)


def _prune(directory: Path, *, keep: Path) -> None:
    try:
        found = [entry for entry in os.scandir(directory)
                 if entry.name.startswith(_PREFIX) and entry.name.endswith(_SUFFIX)
                 and entry.path != str(keep) and entry.is_file(follow_symlinks=False)]
        found.sort(key=lambda entry: entry.stat().st_mtime, reverse=True)
        for entry in found[KEEP_FILES - 1:]:
            os.unlink(entry.path)
    except OSError:
        pass
