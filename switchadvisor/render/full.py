"""The full view (`check --full`): a verdict banner, the facts as read, the washout line, the
figures after stopping, findings with their reasoning, what was not evaluated, what did not
fire, what was superseded, alternatives, evidence (each source once), the disclaimer.

Imported only for `--full` (and the commands that print citations), so the card does not pay
for the panels, padding and tables drawn here.
"""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from switchadvisor.assessment import STALE_WARNING, Assessment, EvidenceOut
from switchadvisor.render import options_text
from switchadvisor.render.console import (
    POSITION_STYLE,
    fact_label,
    need_words,
    plain,
    severity_label,
)
from switchadvisor.rulebase import EvidenceEntry, Layer, Severity

BANNER_BORDER = {Severity.INFO: "cyan", Severity.WARNING: "yellow", Severity.CRITICAL: "red"}

LAYER_WORDS = {
    Layer.DRUG_PAIR: "specific to this pair",
    Layer.CLASS_PAIR: "class-level inference",
    Layer.AFTER_STOPPING: "after stopping",
    Layer.BEFORE_STARTING: "before starting",
}


def render_plain(assessment: Assessment, width: int = 100) -> str:
    """The full text output without colour (for tests and docs)."""
    return plain(build(assessment), width)


def build(assessment: Assessment) -> RenderableType:
    parts: list[RenderableType] = [_banner(assessment)]
    if assessment.facts:
        parts.append(_facts(assessment))
    parts.append(_washout(assessment))
    if assessment.figures:
        parts.append(_figures(assessment))
    if assessment.findings:
        parts.append(_heading("Findings"))
        parts.append(Text("A \"why\" line shows the facts that made a finding fire; findings "
                          "without one apply to every such switch.", style="dim"))
        parts.append(_findings_table(assessment))
    if assessment.not_evaluated:
        parts.append(_heading("Not evaluated — these facts would decide them"))
        parts.append(_not_evaluated(assessment))
    if assessment.not_fired:
        parts.append(_heading("Checked and did not fire"))
        parts.append(_not_fired(assessment))
    if assessment.superseded:
        parts.append(_heading("Superseded"))
        parts.append(_list([(Text("  •", style="dim"), Text.assemble(
            (item.title, "dim"), (f" ({item.id})", "dim"),
            (f" → replaced by the more specific {item.by}", "dim")))
            for item in assessment.superseded]))
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


def _list(rows: list[tuple[Text, Text]]) -> Table:
    """A bulleted list whose wrapped lines keep their indent."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    for bullet, content in rows:
        grid.add_row(bullet, content)
    return grid


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
    info = assessment.rulebase
    body.append(f"Rule base {info.id} {info.version}, reviewed {info.reviewed}", style="dim")
    if info.stale:
        body.append(f"\nWarning: {STALE_WARNING}", style="bold yellow")
    body.append("\n")
    for summary in assessment.summary:
        body.append(f"\n{summary}\n")
    body.rstrip()
    return Panel(body, title=title, title_align="left",
                 border_style=BANNER_BORDER[assessment.verdict], box=box.HEAVY)


def _facts(assessment: Assessment) -> RenderableType:
    rows = []
    for fact in assessment.facts:
        content = Text(fact.read_as if fact.read_as else str(fact.value))
        if isinstance(fact.value, bool):
            content = Text("yes" if fact.value else "no")
        elif isinstance(fact.value, str):
            content = Text(fact.value)
        if fact.source == "default":
            content.append(" (default)" if "default" not in content.plain else "",
                           style="dim")
        rows.append((Text(f"  {fact_label(fact.name)}:", style="dim"), content))
    return Group(Text("\nFacts as read", style="bold"), _list(rows))


def _washout(assessment: Assessment) -> RenderableType:
    washout = assessment.washout
    text = Text("\nWashout: ", style="bold")
    if washout is None:
        text.append("no pathway gives a washout window for this switch; the stopping drug's "
                    "figures below apply.")
        return text
    text.append(washout.window)
    details = Text(washout.explanation, style=POSITION_STYLE[washout.position])
    details.append(f"\nBasis: {washout.basis} ", style="")
    details.append(f"[{', '.join(washout.evidence)}]", style="dim")
    return Group(text, Padding(details, (0, 0, 0, 2)))


def _figures(assessment: Assessment) -> RenderableType:
    """Each figure name once, with every figure of that name and its statistic ("rebound
    onset: usually within 12 weeks; up to 24 weeks")."""
    from switchadvisor.lookup import FIGURE_LABELS, figure_text

    rows = []
    for name in dict.fromkeys(figure.name for figure in assessment.figures):
        figures = [figure for figure in assessment.figures if figure.name == name]
        evidence = list(dict.fromkeys(ref for figure in figures for ref in figure.evidence))
        content = Text(figure_text(figures, name), style="" if evidence else "dim")
        if evidence:
            content.append(f" [{', '.join(evidence)}]", style="dim")
        label = FIGURE_LABELS.get(name, name.replace("_", " "))
        rows.append((Text(f"  {label}:"), content))
    return Group(Text(f"\nAfter stopping {assessment.switch.from_.name}:", style="bold"),
                 _list(rows))


def _findings_table(assessment: Assessment) -> Table:
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_lines=True, pad_edge=False)
    table.add_column("Level", no_wrap=True, width=10)
    table.add_column("Finding · why · evidence")
    for item in assessment.findings:
        cell = Text()
        cell.append(item.title, style="bold")
        cell.append(f"\n{item.message}")
        if item.condition is not None:
            for step in item.trace:
                cell.append(f"\nwhy: {step.text}", style="cyan")
        cell.append(f"\nevidence: {', '.join(item.evidence)}", style="dim")
        if item.counter_evidence:
            cell.append(f"; against: {', '.join(item.counter_evidence)}", style="italic")
        cell.append(f"\n{item.id} · {LAYER_WORDS[item.layer]}", style="dim")
        table.add_row(severity_label(item.severity), cell)
    return table


def _not_evaluated(assessment: Assessment) -> Table:
    rows = []
    for item in assessment.not_evaluated:
        content = Text()
        content.append(item.title, style="bold")
        content.append(f"\nnot evaluated: needs {', '.join(map(need_words, item.needs))}")
        content.append(f" — {options_text(item.options)}")
        for step in item.trace:
            if step.result is not None:
                content.append(f"\nknown: {step.text}", style="dim")
        content.append(f"\n{item.decides}", style="dim")
        content.append(f" [{', '.join(item.evidence)}]", style="dim")
        content.append(f"\n{item.id} · {LAYER_WORDS[item.layer]}", style="dim")
        rows.append((Text.assemble("  • ", severity_label(item.severity)), content))
    return _list(rows)


def _not_fired(assessment: Assessment) -> Table:
    rows = []
    for item in assessment.not_fired:
        content = Text(item.title, style="green")
        content.append(f" ({item.id})", style="dim")
        content.append("\n" + "; ".join(step.text for step in item.trace), style="dim")
        rows.append((Text("  ✓", style="green"), content))
    return _list(rows)


def _alternatives(assessment: Assessment) -> Table:
    rows = []
    for alternative in assessment.alternatives:
        content = Text()
        content.append(alternative.name, style="bold")
        content.append(f": {alternative.reason} ")
        content.append(f"[{', '.join(alternative.evidence)}]", style="dim")
        rows.append((Text("  •"), content))
    return _list(rows)


def _evidence(assessment: Assessment) -> list[RenderableType]:
    """Each source once: those cited for, then those that argue against a finding."""
    against = assessment.evidence_against()
    against_ids = {entry.id for entry in against}
    supporting = [entry for entry in assessment.evidence if entry.id not in against_ids]
    parts: list[RenderableType] = []
    if supporting:
        parts.append(_heading("Evidence"))
        parts.append(_evidence_list(supporting))
    if against:
        parts.append(_heading("Evidence that argues the other way"))
        parts.append(_evidence_list(against, against=True))
    return parts


def identifiers(entry: EvidenceOut | EvidenceEntry) -> str:
    """DOI and PMID, or the URL: never split across lines."""
    shown = [f"doi:{entry.doi}" if entry.doi else "", f"PMID {entry.pmid}" if entry.pmid else ""]
    return " · ".join(item for item in shown if item) or (entry.url or "")


def citation(entry: EvidenceOut | EvidenceEntry) -> list[RenderableType]:
    """One source in full: id, kind and n, authors, year, title, source, label section,
    holder and version, then its identifiers on a line of their own (never split) and its
    finding, indented."""
    text = Text()
    text.append(entry.id, style="bold")
    size = f", n={entry.n}" if entry.n else ""
    text.append(f" [{entry.kind.value.replace('-', ' ')}{size}]", style="magenta")
    text.append(f" {' '.join(entry.authors.split())} ({entry.year or 'n.d.'}). "
                f"{' '.join(entry.title.split())}. {' '.join(entry.source.split())}.")
    if entry.section:
        text.append(f" {entry.section}.")
    if entry.holder and entry.holder != entry.authors:
        text.append(f" {entry.holder}.")
    if entry.version:
        text.append(f" Version: {entry.version}.")
    link = Text(f"  {identifiers(entry)}", style="dim", no_wrap=True, overflow="ignore")
    # the link is not padded: Padding would crop a URL longer than the line
    return [Padding(text, (0, 0, 0, 2)), link,
            Padding(Text(" ".join(entry.finding.split())), (0, 0, 0, 4))]


def _evidence_list(entries: list[EvidenceOut], *, against: bool = False) -> RenderableType:
    rows: list[RenderableType] = []
    for entry in entries:
        rows += citation(entry)
        if against:
            detail = Text(f"argues against: {', '.join(entry.cited_against)}", style="italic")
            if entry.cited_for:
                detail.append(f"; also cited for: {', '.join(entry.cited_for)}", style="dim")
            rows.append(Padding(detail, (0, 0, 0, 4)))
    return Group(*rows)
