"""Where the loader collects problems: each with its file and position, bounded in number.

Kept apart from ``problems`` (which words pydantic's errors) so that reading a rule base's
files, as the compiled-rule-base cache does on every start, imports neither yaml nor pydantic.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from switchadvisor.errors import Problem

if TYPE_CHECKING:
    from switchadvisor import yamlio

MAX_KEPT = 1_000
"""Problems kept (and positioned); the rest are only counted."""
MAX_SUGGESTIONS = 20
"""Problems that get a "did you mean" (each is a fuzzy search over the known names)."""
MAX_MESSAGE = 300
"""Characters of one message; values are quoted as short excerpts anyway."""


class Collector:
    def __init__(self, root_name: str) -> None:
        self.root_name = root_name
        self.problems: list[Problem] = []
        self.dropped = 0
        """Problems found beyond ``MAX_KEPT``: counted, not kept."""
        self.suggestions = 0
        self.values: dict[str, int] = {}
        """Values read from each file (for the rule base's total cap)."""
        self.nodes: dict[str, yamlio.Document] = {}
        self.invalid_ids: set[str] = set()
        """Ids of entries that failed validation: not reported again as dangling."""
        self.kept: dict[tuple[str, str], list[int]] = {}
        """Original positions of the entries that validated, by (file, list key)."""

    def display(self, relpath: str) -> str:
        return f"{self.root_name}/{relpath}"

    def add(self, relpath: str, position: tuple[int, int], code: str, message: str) -> None:
        if len(self.problems) >= MAX_KEPT:
            self.dropped += 1
            return
        if len(message) > MAX_MESSAGE:
            message = message[: MAX_MESSAGE - 1] + "…"
        self.problems.append(Problem(self.display(relpath), position[0], position[1], code,
                                     message))

    @property
    def full(self) -> bool:
        """True once ``MAX_KEPT`` problems are kept: further ones are only counted."""
        return len(self.problems) >= MAX_KEPT

    def may_suggest(self) -> bool:
        return self.suggestions < MAX_SUGGESTIONS

    def did_you_mean(self, value: str, known: Iterable[str]) -> str:
        """A suggestion for the first few problems only (see ``MAX_SUGGESTIONS``)."""
        if self.suggestions >= MAX_SUGGESTIONS:
            return ""
        self.suggestions += 1
        return did_you_mean(value, known)

    def remap(self, relpath: str, loc: Sequence[str | int]) -> list[str | int]:
        """Map an index among the entries that validated back to its place in the file."""
        kept = self.kept.get((relpath, str(loc[0]))) if len(loc) > 1 else None
        if kept is not None and isinstance(loc[1], int):
            return [loc[0], kept[loc[1]], *loc[2:]]
        return list(loc)

    def at(self, relpath: str, loc: Sequence[str | int], code: str, message: str) -> None:
        if len(self.problems) >= MAX_KEPT:  # counted only: no need to find its position
            self.dropped += 1
            return
        loc = self.remap(relpath, loc)
        from switchadvisor import yamlio

        document = self.nodes.get(relpath)
        node = document.node if document else None
        self.add(relpath, yamlio.locate(node, loc), code, message)


MAX_CANDIDATES = 2_000
"""Known names compared for a suggestion (a fuzzy match is quadratic in the name length)."""


def did_you_mean(value: str, known: Iterable[str]) -> str:
    if len(value) > 80:
        return ""
    candidates = list(itertools.islice(known, MAX_CANDIDATES))
    close = difflib.get_close_matches(value, candidates, n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""

