"""Wording checks over every field a user sees: no research notes, and labels that say whose
text they are and which version of it was read.

Where a wording was verified is provenance; it belongs in ``VERIFIED.md``, not in a citation a
clinician reads. The banned phrases are a data table so that a rule-base author (or another
task) can extend it without touching the walk.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from switchadvisor.rulebase.problems import Collector

RENDERED_KEYS = frozenset({
    "authors", "title", "source", "section", "holder", "version", "n_note", "finding",
    "name", "description", "note", "message", "summary", "basis", "reason", "disclaimer",
})
"""Keys whose string values reach a user (text, Markdown or JSON), in any rule file."""

BANNED_PHRASES: tuple[tuple[str, str], ...] = (
    # (regular expression, what it is) — matched case-insensitively
    (r"\bnot shown on the pages?\b", "a note about the pages read"),
    (r"\bpages? (?:seen|read)\b", "a note about the pages read"),
    (r"\bpart of the page read\b", "a note about the pages read"),
    (r"\[[^\]]{0,120}\bnot shown\b[^\]]{0,120}\]", "a bracketed research note"),
    (r"\binitial not shown\b", "a bracketed research note"),
    (r"\bdossier\b", "a reference to the evidence dossier"),
    (r"\bno study in the\b", "a note about the evidence search; say what the literature "
     "review found, e.g. 'No published study of this switch was found in the evidence "
     "review of November 2026.'"),
    (r"\bper the [^.;:()]{0,60}\brecord\b", "a note about where a detail was read"),
    (r"\brecord (?:dates|shows|gives|lists)\b", "a note about where a detail was read"),
    (r"\(read(?: in)? (?:19|20)\d\d\)", "the year it was read, not a publication date"),
    (r"\bread (?:19|20)\d\d\b", "the year it was read, not a publication date"),
    (r"\bnot named in the\b", "a note about what the sources named"),
    (r"\bthe abstract (?:seen|read)\b", "a note about what was read"),
    (r"\babstract (?:itself )?was not (?:in|read|seen)\b", "a note about what was read"),
    (r"\bnews summary\b", "a note about where figures were read"),
    (r"\bread (?:in|as) (?:an? )?(?:reproduc|generic|abridged|local|older|copy)",
     "a note about where the text was read"),
    (r"\bcopy (?:on|reproduced)\b", "a note about where the text was read"),
    (r"\b(?:older|\d{4}-era|label) copy\b", "a note about where the text was read; give "
     "the label version in `version`"),
    (r"\bresults were not read\b", "a note about what was read"),
    (r"\btext (?:seen|read)\b", "a note about what was read"),
    (r"\bsummary (?:seen|read)\b", "a note about what was read"),
    (r"\b(?:figures|numbers|results) (?:seen|read)\b", "a note about what was read"),
    (r"\bnot given in the abstract\b", "a note about what was read"),
    (r"\bthe blog shows\b", "a note about where a detail was read"),
    (r"\bwas not seen\b", "a note about what was read"),
    (r"\bonly (?:its|the) (?:introduction|abstract) was (?:seen|read)\b",
     "a note about what was read"),
)
_BANNED = tuple((re.compile(pattern, re.IGNORECASE), why) for pattern, why in BANNED_PHRASES)
KEYWORDS = frozenset({"shown", "seen", "read", "dossier", "study", "record", "named",
                      "abstract", "news", "copy", "blog"})
"""Every banned phrase contains one of these words (a test checks it), so a string without any
of them is passed over without trying the patterns: every rule file is checked on every load,
which puts this on the start-up path."""
_WORD = re.compile(r"[a-z]+")


LABEL_FIELDS = ("holder", "version")
"""Fields every label citation must fill: whose label it is, and which version was read."""


def check_wording(relpath: str, data: Any, collector: Collector) -> None:
    """Report research notes in rendered fields, and labels without holder or version."""
    for path, key, text in _rendered_strings(data, []):
        if KEYWORDS.isdisjoint(_WORD.findall(text.lower())):
            continue
        for pattern, why in _BANNED:
            match = pattern.search(text)
            if match is not None:
                excerpt = match.group(0)[:60]
                collector.at(relpath, path, "provenance-wording",
                             f"`{key}` contains {excerpt!r}: {why}; provenance belongs in "
                             "VERIFIED.md")
                break
    if relpath == "evidence.yaml" and isinstance(data, dict):
        for index, entry in enumerate(data.get("evidence") or []):
            if isinstance(entry, dict) and entry.get("kind") == "label":
                for field in LABEL_FIELDS:
                    if not entry.get(field):
                        collector.at(relpath, ["evidence", index], "label-" + field,
                                     f"label citation {entry.get('id')!r} needs `{field}` "
                                     f"({_LABEL_HINT[field]})")


_LABEL_HINT = {
    "holder": "the label holder, e.g. 'Novartis Pharmaceuticals Corporation'",
    "version": "the label version or revision date of the text read, e.g. 'revised 8/2023'",
}


def _rendered_strings(value: Any, path: list[str | int],
                      key: str | None = None) -> Iterator[tuple[Sequence[str | int], str, str]]:
    if isinstance(value, dict):
        for child_key, child in value.items():
            yield from _rendered_strings(child, [*path, str(child_key)], str(child_key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _rendered_strings(child, [*path, index], key)
    elif isinstance(value, str) and key in RENDERED_KEYS:
        yield path, key, " ".join(value.split())
