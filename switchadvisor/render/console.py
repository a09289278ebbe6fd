"""Terminal output with rich: a verdict banner, the washout line, findings with their
reasoning, what was not evaluated, alternatives, evidence (for and against), the disclaimer.

Readable at 80 columns; colour only on a terminal; NO_COLOR is honoured (rich reads it).
"""

from __future__ import annotations

import io
from typing import TextIO

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from switchadvisor.assessment import Assessment, EvidenceOut, WashoutPosition
from switchadvisor.render import options_text
from switchadvisor.rulebase import Layer, Severity

SEVERITY_STYLE = {
    Severity.INFO: "bold cyan",
    Severity.WARNING: "bold yellow",
    Severity.CRITICAL: "bold white on red",
}
BANNER_BORDER = {Severity.INFO: "cyan", Severity.WARNING: "yellow", Severity.CRITICAL: "red"}
POSITION_STYLE = {
    WashoutPosition.TOO_EARLY: "yellow",
    WashoutPosition.WITHIN: "green",
    WashoutPosition.LATE: "yellow",
    WashoutPosition.UNKNOWN: "dim",
}
LAYER_WORDS = {
    Layer.DRUG_PAIR: "specific to this pair",
    Layer.CLASS_PAIR: "class-level inference",
    Layer.AFTER_STOPPING: "after stopping",
    Layer.BEFORE_STARTING: "before starting",
}


def print_assessment(assessment: Assessment, *, file: TextIO, width: int | None = None) -> None:
    console = Console(file=file, width=width, highlight=False, soft_wrap=False)
    console.print(build(assessment))


def render_plain(assessment: Assessment, width: int = 100) -> str:
    """The text output without colour (for tests and docs)."""
    console = Console(record=True, width=width, color_system=None, highlight=False,
                      file=io.StringIO())
    console.print(build(assessment))
    return "\n".join(line.rstrip() for line in console.export_text().splitlines()) + "\n"


def severity_label(severity: Severity) -> Text:
    return Text(f" {severity.value.upper()} ", style=SEVERITY_STYLE[severity])


def build(assessment: Assessment) -> RenderableType:
    parts: list[RenderableType] = [_banner(assessment)]
    parts.append(_washout(assessment))
    if assessment.figures:
        parts.append(_figures(assessment))
    if assessment.findings:
        parts.append(_heading("Findings"))
        parts.append(_findings_table(assessment))
    if assessment.not_evaluated:
        parts.append(_heading("Not evaluated — these facts would decide them"))
        parts.append(_not_evaluated(assessment))
    if assessment.not_fired:
        parts.append(_heading("Checked and did not fire"))
        parts.append(_not_fired(assessment))
    if assessment.superseded:
        lines = Text()
        for item in assessment.superseded:
            lines.append(f"  {item.id}", style="dim")
            lines.append(f" → replaced by the more specific {item.by}\n", style="dim")
        parts.append(_heading("Superseded"))
        parts.append(lines)
    if assessment.alternatives:
        parts.append(_heading("Alternatives worth considering"))
        parts.append(_alternatives(assessment))
    parts.extend(_evidence(assessment))
    parts.append(Text(""))
    parts.append(Panel(Text(assessment.disclaimer, style="italic"), title="Not a prescription",
                       border_style="dim", box=box.ROUNDED))
    return Group(*parts)


def _heading(title: str) -> Text:
    return Text(f"\n{title}", style="bold underline")


def _banner(assessment: Assessment) -> Panel:
    switch = assessment.switch
    title = Text.assemble(severity_label(assessment.verdict), " ",
                          (f"{switch.from_.name} → {switch.to.name}", "bold"))
    body = Text()
    for side, ref in (("from", switch.from_), ("to", switch.to)):
        body.append(f"{side:>4}: ", style="dim")
        body.append(ref.name, style="bold")
        body.append(f" ({ref.class_name}")
        if ref.matched_as != "generic":
            body.append(f"; you wrote {ref.input!r}, a {ref.matched_as}")
        if ref.off_label:
            body.append("; off-label in MS", style="yellow")
        body.append(")\n")
    if assessment.worst_possible.rank > assessment.verdict.rank:
        body.append("Could still be ", style="bold")
        body.append_text(severity_label(assessment.worst_possible))
        body.append(" — some findings were not evaluated (see below).\n", style="bold")
    for summary in assessment.summary:
        body.append(f"\n{summary}\n")
    return Panel(body, title=title, title_align="left",
                 border_style=BANNER_BORDER[assessment.verdict], box=box.HEAVY)


def _washout(assessment: Assessment) -> RenderableType:
    washout = assessment.washout
    text = Text("\nWashout: ", style="bold")
    if washout is None:
        text.append("no pathway gives a washout window for this switch; the stopping drug's "
                    "figures below apply.")
        return text
    text.append(washout.window)
    text.append(f"  [{washout.position.value}]", style=POSITION_STYLE[washout.position])
    details = Text(washout.explanation, style="dim")
    details.append(f"\nBasis: {washout.basis} ", style="")
    details.append(f"[{', '.join(washout.evidence)}]", style="dim")
    return Group(text, Padding(details, (0, 0, 0, 2)))


def _figures(assessment: Assessment) -> Text:
    text = Text(f"\nAfter stopping {assessment.switch.from_.name}:", style="bold")
    for figure in assessment.figures:
        text.append(f"\n  {figure.name.replace('_', ' ')}: ")
        text.append(figure.text, style="dim" if not figure.evidence else "")
        if figure.evidence:
            text.append(f" [{', '.join(figure.evidence)}]", style="dim")
    return text


def _findings_table(assessment: Assessment) -> Table:
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_lines=True, pad_edge=False)
    table.add_column("Level", no_wrap=True, width=10)
    table.add_column("Finding · why · evidence")
    for item in assessment.findings:
        cell = Text(item.title, style="bold")
        cell.append(f"\n{item.message}")
        for step in item.trace:
            cell.append(f"\nwhy: {step.text}", style="cyan")
        cell.append(f"\nevidence: {', '.join(item.evidence)}", style="dim")
        if item.counter_evidence:
            cell.append(f"; against: {', '.join(item.counter_evidence)}", style="italic")
        cell.append(f"\n{item.id} · {LAYER_WORDS[item.layer]}", style="dim")
        table.add_row(severity_label(item.severity), cell)
    return table


def _not_evaluated(assessment: Assessment) -> Text:
    text = Text()
    for item in assessment.not_evaluated:
        text.append("  • ")
        text.append_text(severity_label(item.severity))
        text.append(f" {item.title}", style="bold")
        text.append(f"\n    not evaluated: needs {', '.join(item.needs)}")
        text.append(f" — {options_text(item.options)}")
        for step in item.trace:
            if step.result is not None:
                text.append(f"\n    known: {step.text}", style="dim")
        text.append(f"\n    {item.decides}", style="dim")
        text.append(f"  [{', '.join(item.evidence)}]\n", style="dim")
    return text


def _not_fired(assessment: Assessment) -> Text:
    text = Text()
    for item in assessment.not_fired:
        text.append(f"  ✓ {item.title}", style="green")
        text.append(f" ({item.id})\n    ", style="dim")
        text.append("; ".join(step.text for step in item.trace) + "\n", style="dim")
    return text


def _alternatives(assessment: Assessment) -> Text:
    text = Text()
    for alternative in assessment.alternatives:
        text.append(f"  • {alternative.name}", style="bold")
        text.append(f": {alternative.reason} ")
        text.append(f"[{', '.join(alternative.evidence)}]\n", style="dim")
    return text


def _evidence(assessment: Assessment) -> list[RenderableType]:
    supporting = assessment.evidence_for()
    against = assessment.evidence_against()
    parts: list[RenderableType] = []
    if supporting:
        parts.append(_heading("Evidence"))
        parts.append(_evidence_list(supporting))
    if against:
        parts.append(_heading("Evidence that argues the other way"))
        parts.append(_evidence_list(against, against=True))
    return parts


def _evidence_list(entries: list[EvidenceOut], *, against: bool = False) -> RenderableType:
    blocks: list[RenderableType] = []
    for entry in entries:
        text = Text()
        text.append(f"{entry.id}", style="bold")
        kind = entry.kind.value.replace("-", " ")
        size = f", n={entry.n}" if entry.n else ""
        text.append(f" [{kind}{size}]", style="magenta")
        text.append(f" {entry.authors} ({entry.year}). {entry.title}. {entry.source}.")
        if entry.section:
            text.append(f" {entry.section}.")
        identifiers = [f"doi:{entry.doi}" if entry.doi else "",
                       f"PMID {entry.pmid}" if entry.pmid else ""]
        shown = " ".join(identifier for identifier in identifiers if identifier)
        text.append(f" {shown or entry.url}", style="dim")
        detail = Text(entry.finding)
        if against:
            detail.append(f"\nargues against: {', '.join(entry.cited_against)}", style="italic")
        blocks.append(Padding(text, (0, 0, 0, 2)))
        blocks.append(Padding(detail, (0, 0, 0, 4)))
    return Group(*blocks)
