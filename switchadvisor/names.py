"""Drug name resolution: generic names, brands and aliases, in any case, with suggestions."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from switchadvisor.errors import InputError
from switchadvisor.rulebase import Drug


def normalise(name: str) -> str:
    """Case-, space-, hyphen- and trademark-insensitive key for a drug name."""
    text = name.casefold().replace("®", "").replace("™", "")
    return re.sub(r"[\s_-]+", " ", text).strip()


@dataclass(frozen=True)
class Resolved:
    drug: Drug
    matched: str
    """The name as the user wrote it."""
    matched_as: Literal["generic", "brand", "alias"]


_REMEMBERED_LENGTH = 100
_SUGGESTIONS_KEPT = 1024


class NameIndex:
    """Looks up drugs by any of their names."""

    def __init__(self, drugs: Iterable[Drug]) -> None:
        self._index: dict[str, tuple[Drug, Literal["generic", "brand", "alias"]]] = {}
        self._display: dict[str, str] = {}
        self._suggestions: dict[tuple[str, int], tuple[str, ...]] = {}
        for drug in drugs:
            names: list[tuple[str, Literal["generic", "brand", "alias"]]] = [
                (drug.id, "generic"),
                (drug.name, "generic"),
                *((brand, "brand") for brand in drug.brands),
                *((alias, "alias") for alias in drug.aliases),
            ]
            for name, kind in names:
                key = normalise(name)
                self._index.setdefault(key, (drug, kind))
                self._display.setdefault(key, name)

    def resolve(self, name: str, *, option: str) -> Resolved:
        key = normalise(name)
        if not key:
            raise InputError(f"{option}: no drug name given", option=option,
                             code="missing-field")
        found = self._index.get(key)
        if found is not None:
            return Resolved(found[0], name, found[1])
        suggestions = self.suggest(name)
        hint = f" — did you mean {' or '.join(suggestions)}?" if suggestions else ""
        raise InputError(
            f"unknown drug {name!r}{hint}",
            option=option,
            accepted="a generic name, brand or alias; `switchadvisor drugs` lists them",
            suggestions=tuple(suggestions),
            code="unknown-drug",
        )

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """The closest names, shown as generic ids (a brand maps to its drug).

        A fuzzy search over every name is slow (about 0.1 ms), so a batch that misspells a
        drug the same way many times searches once: suggestions for names up to
        ``_REMEMBERED_LENGTH`` characters are kept (at most ``_SUGGESTIONS_KEPT``).
        """
        remembered = self._suggestions.get((name, limit))
        if remembered is not None:
            return list(remembered)
        result = self._suggest(name, limit)
        if len(name) <= _REMEMBERED_LENGTH and len(self._suggestions) < _SUGGESTIONS_KEPT:
            self._suggestions[(name, limit)] = tuple(result)
        return result

    def _suggest(self, name: str, limit: int) -> list[str]:
        import difflib  # only a misspelt name needs it

        keys = difflib.get_close_matches(normalise(name), list(self._index), n=8, cutoff=0.6)
        result: list[str] = []
        for key in keys:
            drug, kind = self._index[key]
            label = drug.id if kind == "generic" else f"{self._display[key]} ({drug.id})"
            if drug.id not in {entry.split(" (")[-1].rstrip(")") for entry in result}:
                result.append(label)
        return result[:limit]
