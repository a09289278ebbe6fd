"""`switchadvisor matrix`: the verdict of every switch as a grid, with a key.

Drawn from a ``Matrix`` (built by the engine per pair); nothing is evaluated here. Each cell:
the verdict's initial (I, W, C), ``?X`` when facts not given could still raise it to X, and a
mark when a drug→drug pathway applies (drug-specific evidence) rather than only class-level
inference. Fits 100 columns; narrower (80), the cells drop the "?" ("IC" for info, could still
be critical) so that the grid still fits. Plain ASCII without colour.
"""

from __future__ import annotations

import io
import textwrap

from rich.console import Group, RenderableType
from rich.text import Text

from switchadvisor.matrix import Matrix, MatrixCell
from switchadvisor.render.console import fact_label
from switchadvisor.render.safe import new_console
from switchadvisor.render.timeline import to_ascii
from switchadvisor.rulebase import Severity

INITIAL = {Severity.INFO: "I", Severity.WARNING: "W", Severity.CRITICAL: "C"}
CELL_STYLE = {Severity.INFO: "cyan", Severity.WARNING: "bold yellow",
              Severity.CRITICAL: "bold white on red"}
CELL = 5


def abbreviations(ids: list[str]) -> dict[str, str]:
    """Short upper-case names (ALE, CLA, …), unique, from the start of each id."""
    result: dict[str, str] = {}
    for drug_id in ids:
        letters = drug_id.replace("-", "").upper()
        size = 3
        while letters[:size] in result.values() and size < len(letters):
            size += 1
        result[drug_id] = letters[:size][:4]
    return result


def cell_text(cell: MatrixCell, *, plain: bool, compact: bool = False) -> str:
    text = INITIAL[cell.verdict]
    if cell.worst_possible.rank > cell.verdict.rank:
        text += ("" if compact else "?") + INITIAL[cell.worst_possible]
    if cell.specific:
        text += "*" if plain else "•"
    return text


def build(matrix: Matrix, *, width: int, plain: bool,
          class_names: dict[str, str] | None = None) -> RenderableType:
    short = abbreviations(matrix.rows)
    label = max(len(name) for name in short.values()) + 2
    compact = (label + len(matrix.columns) * CELL - 1 > width
               and max(len(name) for name in short.values()) < CELL - 1)
    cell_width = CELL - 1 if compact else CELL
    if compact:
        label -= 1
    bar = "|" if plain else "│"
    lines: list[Text] = []
    facts = "; ".join(f"{fact_label(fact.name)}: {fact.read_as}" for fact in matrix.facts)
    title = ("Verdict of every switch: rows = drug stopped, columns = drug started "
             f"({'facts: ' + facts if facts else 'no facts given'})")
    lines += [Text(part, style="" if plain else "bold")
              for part in textwrap.wrap(title, width, subsequent_indent="  ",
                                        break_on_hyphens=False)]
    groups = _groups(matrix)
    header = Text(" " * label)
    for index, drug_id in enumerate(matrix.columns):
        gap = bar if matrix.by_class and index and groups[drug_id] != groups[
            matrix.columns[index - 1]] else " "
        header.append(gap + short[drug_id][:cell_width - 1].ljust(cell_width - 1),
                      style="" if plain else "bold")
    lines.append(header)
    previous_group = None
    for from_id in matrix.rows:
        if matrix.by_class and groups[from_id] != previous_group:
            name = (class_names or {}).get(groups[from_id], groups[from_id])
            lines.append(Text(f"{name}", style="" if plain else "dim italic"))
            previous_group = groups[from_id]
        row = Text(short[from_id].ljust(label), style="" if plain else "bold")
        for index, to_id in enumerate(matrix.columns):
            gap = bar if matrix.by_class and index and groups[to_id] != groups[
                matrix.columns[index - 1]] else " "
            row.append(gap)
            cell = matrix.cell(from_id, to_id)
            if cell is None:
                row.append("-".ljust(cell_width - 1), style="" if plain else "dim")
            else:
                row.append(cell_text(cell, plain=plain, compact=compact).ljust(cell_width - 1),
                           style="" if plain else CELL_STYLE[cell.verdict])
        lines.append(row)
    lines.extend(_key(matrix, short, width=width, plain=plain, compact=compact))
    if plain:  # class names from the rule base ("Anti-α4-integrin") must be ASCII too
        lines = [Text(to_ascii(line.plain)) for line in lines]
    return Group(*lines)


def _groups(matrix: Matrix) -> dict[str, str]:
    return dict(matrix.classes) if matrix.by_class else {drug_id: "" for drug_id in matrix.rows}


def _key(matrix: Matrix, short: dict[str, str], *, width: int, plain: bool,
         compact: bool = False) -> list[Text]:
    mark = "*" if plain else "•"
    dot = ", " if plain else " · "
    counts = {severity: sum(cell.verdict is severity for cell in matrix.cells)
              for severity in Severity}
    specific = sum(cell.specific for cell in matrix.cells)
    undecided = sum(cell.worst_possible.rank > cell.verdict.rank for cell in matrix.cells)
    texts = [
        f"{len(matrix.cells)} switches: {counts[Severity.CRITICAL]} critical, "
        f"{counts[Severity.WARNING]} warning, {counts[Severity.INFO]} info; {undecided} could "
        f"still be worse with facts not given; {specific} with drug-specific evidence.",
        "key: I info, W warning, C critical (the verdict with these facts); "
        + ("IW, IC, WC: the verdict, then what it could still be" if compact else
           "?W / ?C could still be warning / critical")
        + f" (a finding needs a fact not given); {mark} drug-specific "
        f"evidence (a drug-to-drug pathway applies), no {mark} = class-level inference only; "
        "- same drug.",
        "drugs: " + dot.join(f"{short[drug_id][:3] if compact else short[drug_id]} {drug_id}"
                             for drug_id in matrix.rows),
        "switchadvisor check --from A --to B explains any cell.",
    ]
    return [Text(part, style="" if plain else "dim")
            for text in texts
            for part in textwrap.wrap(text, width, subsequent_indent="  ",
                                      break_on_hyphens=False)]


def render_plain(matrix: Matrix, width: int = 100,
                 class_names: dict[str, str] | None = None) -> str:
    console = new_console(width=width, file=io.StringIO(), color_system=None, highlight=False)
    console.print(build(matrix, width=width, plain=True, class_names=class_names))
    output = console.file.getvalue()  # type: ignore[attr-defined]
    return "\n".join(line.rstrip() for line in output.splitlines()) + "\n"
