"""`check --what-if`: one row per value of the varied fact, with the verdict and the findings
that fire; rows where the answer changes are marked, so the threshold stands out."""

from __future__ import annotations

import textwrap

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from switchadvisor.rulebase import Severity
from switchadvisor.whatif import WhatIf

SEVERITY_STYLE = {Severity.INFO: "cyan", Severity.WARNING: "bold yellow",
                  Severity.CRITICAL: "bold white on red"}


def build(what_if: WhatIf, *, width: int, plain: bool) -> RenderableType:
    always = what_if.always()
    arrow = "->" if plain else "→"
    title = Text(f"What if {what_if.fact} varies: {what_if.from_} {arrow} {what_if.to} "
                 f"({what_if.spec})", style="" if plain else "bold")
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column(" ", no_wrap=True, width=1)
    table.add_column(what_if.fact, max_width=24)
    table.add_column("verdict", no_wrap=True)
    table.add_column("could be", no_wrap=True)
    table.add_column("also fires" if always else "fires", overflow="fold", min_width=36)
    for row in what_if.rows:
        extra = [finding for finding in row.fired if finding not in always]
        table.add_row(
            (">" if plain else "▶") if row.changed else "",
            row.read_as,
            Text(row.verdict.value.upper(), style="" if plain else SEVERITY_STYLE[row.verdict]),
            row.worst_possible.value if row.worst_possible != row.verdict else "",
            ", ".join(extra) or "-",
            style="" if plain or not row.changed else "bold",
        )
    parts: list[RenderableType] = [title, table]
    marker = ">" if plain else "▶"
    dim = "" if plain else "dim"
    lines = [Text(f"{marker} the verdict or the findings change at this value", style=dim)]
    if always:
        lines += [Text(part, style=dim) for part in textwrap.wrap(
            f"fires at every value: {', '.join(always)}", width, subsequent_indent="  ",
            break_on_hyphens=False)]
    shown = list(dict.fromkeys(finding for row in what_if.rows for finding in row.fired
                               if finding not in always))
    for finding in shown:
        lines += [Text(part) for part in textwrap.wrap(
            f"{finding}: {what_if.titles[finding]} ({what_if.severities[finding].value})",
            width, initial_indent="  ", subsequent_indent="    ", break_on_hyphens=False)]
    return Group(*parts, *lines)
