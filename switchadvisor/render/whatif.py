"""`check --what-if`: one row per value of the varied fact, with the verdict and a column per
finding that fires at some values but not all, so the threshold stands out.

Findings are named by their titles under the table (A, B, …), not by ids (the ids are in
``--format json``); those that fire at every value are listed once after them.
"""

from __future__ import annotations

import re
import string
import textwrap

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from switchadvisor.render.console import fact_label, need_words
from switchadvisor.render.options import PLAIN_HEAD
from switchadvisor.render.timeline import to_ascii
from switchadvisor.rulebase import Severity
from switchadvisor.whatif import WhatIf

SEVERITY_STYLE = {Severity.INFO: "cyan", Severity.WARNING: "bold yellow",
                  Severity.CRITICAL: "bold white on red"}
READ_AS = re.compile(r"^(?P<value>.*?) \(read as (?P<unit>[^()]+)\)$")
"""A bare number and how it was read: "0.2 (read as ×10⁹/L)"."""


def _values(what_if: WhatIf) -> tuple[list[str], str]:
    """Each row's value, and the unit they share when all were read alike (said once, in the
    column's heading, rather than on every row)."""
    matches = [READ_AS.match(row.read_as) for row in what_if.rows]
    units = {match.group("unit") for match in matches if match}
    if matches and all(matches) and len(units) == 1:
        return [match.group("value") for match in matches if match], units.pop()
    return [row.read_as for row in what_if.rows], ""


def _letters(count: int) -> list[str]:
    if count <= len(string.ascii_uppercase):
        return list(string.ascii_uppercase[:count])
    return [str(number) for number in range(1, count + 1)]


def build(what_if: WhatIf, *, width: int, plain: bool) -> RenderableType:
    always = what_if.always()
    varying = list(dict.fromkeys(finding for row in what_if.rows for finding in row.fired
                                 if finding not in always))
    letters = _letters(len(varying))
    arrow = "->" if plain else "→"
    fact = fact_label(what_if.fact)
    dim = "" if plain else "dim"
    ascii_ = to_ascii if plain else str
    title = [Text(part, style="" if plain else "bold") for part in textwrap.wrap(
        f"What if {need_words(what_if.fact)} varies: {what_if.from_} {arrow} {what_if.to} "
        f"({what_if.spec})", width, subsequent_indent="  ", break_on_hyphens=False)]
    values, unit = _values(what_if)
    values, unit = [ascii_(value) for value in values], ascii_(unit)
    table = Table(box=PLAIN_HEAD if plain else box.SIMPLE_HEAD, pad_edge=False,
                  show_edge=False)
    table.add_column(" ", no_wrap=True, width=1)
    table.add_column(f"{fact} ({unit})" if unit else fact, max_width=24)
    table.add_column("verdict", no_wrap=True)
    table.add_column("could be", no_wrap=True)
    for letter in letters:
        table.add_column(letter, no_wrap=True, justify="center")
    fires, quiet = ("x", ".") if plain else ("●", "·")
    for value, row in zip(values, what_if.rows, strict=True):
        table.add_row(
            (">" if plain else "▶") if row.changed else "",
            value,
            Text(row.verdict.value.upper(), style="" if plain else SEVERITY_STYLE[row.verdict]),
            row.worst_possible.value if row.worst_possible != row.verdict else "",
            *(fires if finding in row.fired else quiet for finding in varying),
            style="" if plain or not row.changed else "bold",
        )
    marker = ">" if plain else "▶"
    lines = [Text(f"{marker} the verdict or the findings change at this value", style=dim)]
    if varying:
        lines.append(Text(f"{fires} fires at this value:"))
    for letter, finding in zip(letters, varying, strict=True):
        lines += [Text(part) for part in textwrap.wrap(
            f"{letter}  {what_if.titles[finding]} ({what_if.severities[finding].value})",
            width, initial_indent="  ", subsequent_indent=" " * (len(letter) + 4),
            break_on_hyphens=False)]
    if always:
        separator = "; " if plain else " · "
        lines += [Text(part, style=dim) for part in textwrap.wrap(
            f"Fires at every value: {separator.join(what_if.titles[item] for item in always)}",
            width, subsequent_indent="  ", break_on_hyphens=False)]
    return Group(*title, table, *lines)
