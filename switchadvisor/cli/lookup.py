"""`switchadvisor explain ID`, `switchadvisor evidence`, `switchadvisor drugs`: looking things
up in the rule base. The core (``switchadvisor.lookup``) returns typed data; this renders it."""

from __future__ import annotations

import enum
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from switchadvisor.cli.apps import RulesOption, app, examples, load

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table
    from rich.text import Text

    from switchadvisor.lookup import (
        ClassInfo,
        DrugInfo,
        DrugRow,
        EvidenceInfo,
        EvidenceRow,
        Explained,
        FindingInfo,
        PathwayInfo,
    )
    from switchadvisor.rulebase import EvidenceEntry, Finding

# ruff: noqa: UP045


class ListFormat(str, enum.Enum):
    TEXT = "text"
    JSON = "json"


FormatOption = Annotated[ListFormat, typer.Option(
    "--format", "-f", case_sensitive=False, help="Output format.")]
WidthOption = Annotated[Optional[int], typer.Option(
    metavar="COLUMNS", min=40, max=300, show_default=False,
    help="Text width in columns [default: the terminal's].")]
NoPagerOption = Annotated[bool, typer.Option(
    "--no-pager", help="Never page long text output.")]

LAYER_WORDS = {
    "drug-pair": "specific to this pair",
    "class-pair": "class-level inference",
    "after-stopping": "after stopping the drug",
    "before-starting": "before starting the drug",
}


# ------------------------------------------------------------------------------ commands


@app.command(epilog=examples(
    "switchadvisor explain fingolimod-to-alemtuzumab-escape",
    "switchadvisor explain fingolimod--alemtuzumab",
    "switchadvisor explain Gilenya",
    "switchadvisor explain willis2017",
))
def explain(
    ident: Annotated[str, typer.Argument(
        metavar="ID", show_default=False,
        help="A finding id, a pathway (FROM--TO), a drug (id, brand or alias), a class or an "
        "evidence id.")],
    width: WidthOption = None,
    no_pager: NoPagerOption = False,
    rules: RulesOption = None,
) -> None:
    """Explain a finding, pathway, drug or source.

    Prints the rule text, its condition in words, the switches it applies to, and its
    evidence and counter-evidence in full. An unknown id exits 2 and names the closest ids.
    """
    from switchadvisor.lookup import explain as explain_id

    explained = explain_id(load(rules), ident)
    _print(_explained(explained), width=width, pager=not no_pager)


@app.command(epilog=examples(
    "switchadvisor evidence",
    "switchadvisor evidence --kind cohort --drug fingolimod",
    "switchadvisor evidence --kind label -f json",
))
def evidence(
    kind: Annotated[Optional[str], typer.Option(
        metavar="KIND", show_default=False,
        help="Only this kind: label | guideline | rct | cohort | case-series | case-report | "
        "review | expert-opinion.")] = None,
    drug: Annotated[Optional[str], typer.Option(
        metavar="DRUG", show_default=False,
        help="Only sources cited by this drug's rules and pathways.")] = None,
    output_format: FormatOption = ListFormat.TEXT,
    width: WidthOption = None,
    no_pager: NoPagerOption = False,
    rules: RulesOption = None,
) -> None:
    """List the citation registry.

    Each source with its id, kind, n, first author, year, journal and DOI/PMID (or URL).
    """
    from switchadvisor.lookup import evidence_rows

    rows = evidence_rows(load(rules), kind=kind, drug=drug)
    if output_format is ListFormat.JSON:
        typer.echo(json.dumps([asdict(row) for row in rows], indent=2, ensure_ascii=False))
        return
    _print(_evidence_table(rows), width=width, pager=not no_pager)


@app.command(epilog=examples("switchadvisor drugs", "switchadvisor drugs -f json"))
def drugs(
    output_format: FormatOption = ListFormat.TEXT,
    width: WidthOption = None,
    no_pager: NoPagerOption = False,
    rules: RulesOption = None,
) -> None:
    """List the drugs and their figures.

    Each drug with its class and brands, and each figure it has after the last dose (still
    present, lymphocyte, B-cell and CD4 recovery, plasma level, rebound onset), each with its
    statistic ("up to 2 months", "median 72 weeks", "80% by 12 months").
    """
    from switchadvisor.lookup import drug_rows

    rows = drug_rows(load(rules))
    if output_format is ListFormat.JSON:
        typer.echo(json.dumps([_drug_json(row) for row in rows], indent=2, ensure_ascii=False))
        return
    _print(_drugs_table(rows), width=width, pager=not no_pager)


# ------------------------------------------------------------------------------ rendering


def _print(renderable: RenderableType, *, width: int | None, pager: bool) -> None:

    from switchadvisor.render.console import output
    from switchadvisor.render.safe import new_console

    output(renderable, new_console(file=sys.stdout, width=width, highlight=False), pager=pager)


def _drug_json(row: DrugRow) -> dict[str, Any]:
    return asdict(row)  # figures (dataclasses) included, as JSON data


def figure_lines(figures: Sequence[Any]) -> list[tuple[str, str, list[str]]]:
    """Each figure name a drug has, in the rule base's order: its label, every figure of that
    name with its statistic ("median 72 weeks; 90% by 2.5 years"), and the sources."""
    from switchadvisor.lookup import FIGURE_LABELS, figure_text

    names = list(dict.fromkeys(figure.name for figure in figures if figure.text))
    return [(FIGURE_LABELS.get(name, name.replace("_", " ")), figure_text(figures, name),
             list(dict.fromkeys(ref for figure in figures if figure.name == name
                                for ref in figure.evidence)))
            for name in names]


def _drugs_table(rows: Sequence[DrugRow]) -> Table:
    """One row a drug: id, class, brands, and each figure it has with its statistic (a drug
    without a verified figure says so once)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, expand=True,
                  title="Drugs the rule base knows (figures: time after the last dose)",
                  title_justify="left", title_style="bold")
    table.add_column("Drug (brands)", no_wrap=True)
    table.add_column("Class", max_width=18)  # wraps between words, never inside one
    table.add_column("Figures after the last dose", ratio=1)
    for row in rows:
        names = Text(row.id, style="bold")
        for brand in row.brands:
            names.append(f"\n{brand}", style="dim")
        if row.off_label:
            names.append("\noff-label in MS", style="yellow")
        lines = figure_lines(row.figures)
        figures = Text()
        for index, (label, text, _) in enumerate(lines):
            figures.append(("\n" if index else "") + f"{label}: ", style="dim")
            figures.append(text)
        if not lines:
            figures.append("no verified figure", style="dim")
        table.add_row(names, Text(row.class_name), figures)
    return table


def _evidence_table(rows: Sequence[EvidenceRow]) -> RenderableType:
    """One source per block: id, kind and n, first author, year, journal; then its DOI and
    PMID (or URL) on a line of their own, never split."""
    from rich.console import Group
    from rich.text import Text

    from switchadvisor.render.console import Hanging

    parts: list[RenderableType] = [
        Text(f"Evidence ({len(rows)} sources)", style="bold"),
        Hanging(Text("id · kind n · first author year · journal / DOI · PMID or URL",
                     style="dim")),
    ]
    for row in rows:
        line = Text()
        line.append(row.id, style="bold")
        line.append(f" · {row.kind.replace('-', ' ')}" + (f" n={row.n}" if row.n else ""),
                    style="magenta")
        line.append(f" · {row.first_author} {row.year or 'n.d.'} · {row.journal}")
        ids = [f"doi:{row.doi}" if row.doi else "", f"PMID {row.pmid}" if row.pmid else ""]
        shown = " · ".join(item for item in ids if item) or (row.url or "")
        parts.append(Hanging(line, 4))  # wrapped lines stay to the right of the identifiers
        parts.append(Text(f"  {shown}", style="dim", no_wrap=True, overflow="ignore"))
    return Group(*parts)


def _explained(explained: Explained) -> RenderableType:
    from switchadvisor.lookup import (
        ClassInfo,
        DrugInfo,
        EvidenceInfo,
        FindingInfo,
        PathwayInfo,
    )

    item = explained.item
    if isinstance(item, FindingInfo):
        return _finding(item)
    if isinstance(item, PathwayInfo):
        return _pathway(item)
    if isinstance(item, DrugInfo):
        return _drug(item)
    if isinstance(item, ClassInfo):
        return _class(item)
    assert isinstance(item, EvidenceInfo)
    return _evidence_info(item)


def _fields(rows: Sequence[tuple[str, str | Text]]) -> Table:
    """Label and value side by side; wrapped values keep their indent."""
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True, style="dim")
    grid.add_column(ratio=1, overflow="fold")
    for label, value in rows:
        grid.add_row(Text(label), Text(value) if isinstance(value, str) else value)
    return grid


def _heading(text: str) -> Text:
    from rich.text import Text

    return Text(f"\n{text}", style="bold underline")


def _applies(info: FindingInfo) -> str:
    count = len(info.applies_to)
    if info.layer.value == "after-stopping":
        return f"every switch from {info.origin} ({count})"
    if info.layer.value == "before-starting":
        return f"every switch to {info.origin} ({count})"
    return f"{count} switch{'es' if count != 1 else ''}: {_pairs(info.applies_to)}"


def _pairs(pairs: Sequence[tuple[str, str]]) -> str:
    return " · ".join(f"{a} → {b}" for a, b in pairs) or "none"


def _finding(info: FindingInfo) -> RenderableType:
    from rich.console import Group

    finding = info.finding
    rows: list[tuple[str, str | Text]] = [
        ("finding", finding.id),
        ("severity", _severity(finding.severity.value)),
        ("layer", f"{LAYER_WORDS[info.layer.value]} ({info.origin})"),
        ("when", info.condition or "always (no condition)"),
        ("applies to", _applies(info)),
    ]
    if info.superseded_in:
        rows.append(("replaced in", _pairs(info.superseded_in)))
    if finding.supersedes:
        rows.append(("replaces", ", ".join(finding.supersedes)))
    parts: list[RenderableType] = [_title(finding.title), _fields(rows),
                                   _heading("Message"), _plain(finding.message)]
    parts += _citations("Evidence", info.evidence)
    parts += _citations("Evidence that argues against it", info.counter_evidence)
    return Group(*parts)


def _pathway(info: PathwayInfo) -> RenderableType:
    from rich.console import Group

    pathway = info.rules.pathway
    rows: list[tuple[str, str | Text]] = [
        ("pathway", f"{pathway.from_}--{pathway.to}"),
        ("layer", LAYER_WORDS[info.rules.layer.value]),
        ("applies to", f"{len(info.applies_to)} switch"
         f"{'es' if len(info.applies_to) != 1 else ''}: {_pairs(info.applies_to)}"),
    ]
    washout = pathway.washout
    if washout is not None:
        low, high = (_bound_words(bound) for bound in (washout.min, washout.max))
        rows.append(("washout", f"from {low} to {high} [{', '.join(washout.evidence)}]"))
        rows.append(("basis", " ".join(washout.basis.split())))
    parts: list[RenderableType] = [_title(info.name), _fields(rows), _heading("Summary"),
                                   _plain(pathway.summary)]
    parts += _finding_list("Findings", info.findings, info.conditions)
    if pathway.alternatives:
        parts.append(_heading("Alternatives"))
        parts.append(_fields([(alternative.to, f"{' '.join(alternative.reason.split())} "
                                               f"[{', '.join(alternative.evidence)}]")
                              for alternative in pathway.alternatives]))
    parts += _citations("Evidence", info.evidence)
    return Group(*parts)


def _bound_words(bound: object) -> str:
    """A washout bound: a duration as written, or the drug figure it refers to, in words."""
    from switchadvisor.lookup import fact_words

    if bound is None:
        return "—"
    if isinstance(bound, str):
        return fact_words(bound)
    return str(getattr(bound, "text", bound))


def _drug(info: DrugInfo) -> RenderableType:
    from rich.console import Group

    from switchadvisor.lookup import FIGURE_LABELS
    from switchadvisor.rulebase.models import FIGURE_WORDS, IMMUNE_EFFECT

    drug = info.drug
    rows: list[tuple[str, str | Text]] = [
        ("drug", drug.id),
        ("class", f"{info.class_name} ({drug.class_})"),
        ("brands", ", ".join(drug.brands) or "—"),
        ("aliases", ", ".join(drug.aliases) or "—"),
        ("route", drug.route.value + (" · off-label in MS" if drug.off_label else "")),
    ]
    lines = figure_lines(info.figures)
    for label, text, evidence in lines:
        rows.append((label, text + (f" [{', '.join(evidence)}]" if evidence else "")))
    shown = {figure.name for figure in info.figures if figure.text}
    missing = [FIGURE_LABELS[name] for name in FIGURE_WORDS
               if name != IMMUNE_EFFECT and name in FIGURE_LABELS and name not in shown]
    if missing:
        rows.append(("no verified figure", ", ".join(missing)))
    parts: list[RenderableType] = [_title(drug.name), _fields(rows)]
    if drug.note:
        parts += [_heading("Note"), _plain(drug.note)]
    parts += _finding_list("After stopping", info.after_stopping, info.conditions)
    parts += _finding_list("Before starting", info.before_starting, info.conditions)
    if info.pathways:
        parts += [_heading("Pathways"), _plain(" · ".join(info.pathways))]
    parts += _citations("Evidence", info.evidence)
    return Group(*parts)


def _class(info: ClassInfo) -> RenderableType:
    from rich.console import Group

    drug_class = info.drug_class
    rows: list[tuple[str, str | Text]] = [
        ("class", drug_class.id),
        ("lymphocytes", drug_class.lymphocyte_effect.value),
        ("drugs", ", ".join(info.drugs) or "—"),
    ]
    parts: list[RenderableType] = [_title(drug_class.name), _fields(rows),
                                   _heading("Description"), _plain(drug_class.description)]
    if info.pathways:
        parts += [_heading("Pathways"), _plain(" · ".join(info.pathways))]
    parts += _citations("Evidence", info.evidence)
    return Group(*parts)


def _evidence_info(info: EvidenceInfo) -> RenderableType:
    from rich.console import Group

    parts: list[RenderableType] = [_title(info.entry.id)]
    parts += _citations(None, [info.entry])
    for title, ids in (("Cited for", info.cited_for), ("Argues against", info.cited_against)):
        parts.append(_heading(title))
        parts += [_id_line(ident) for ident in ids] or [_plain("  —")]
    return Group(*parts)


def _id_line(ident: str) -> Text:
    """An id on its own line, never cut."""
    from rich.text import Text

    return Text(f"  {ident}", no_wrap=True, overflow="ignore")


def _finding_list(title: str, findings: Sequence[Finding],
                  conditions: dict[str, str | None]) -> list[RenderableType]:
    if not findings:
        return []
    from rich.text import Text

    rows: list[tuple[str, str | Text]] = []
    for finding in findings:
        text = Text.assemble(_severity(finding.severity.value), " ", (finding.title, "bold"),
                             f"\n{finding.id}")
        condition = conditions.get(finding.id)
        text.append(f" · when {condition}" if condition else " · always applies", style="dim")
        rows.append(("•", text))
    return [_heading(title), _fields(rows)]


def _citations(title: str | None, entries: Sequence[EvidenceEntry]) -> list[RenderableType]:
    """Each source in full: citation, identifiers (never split), what it found."""
    if not entries:
        return []
    from switchadvisor.render.console import citation

    parts: list[RenderableType] = [_heading(title)] if title else []
    for entry in entries:
        parts += citation(entry)
    return parts


def _title(text: str) -> Text:
    from rich.text import Text

    return Text(text, style="bold")


def _plain(text: str) -> Text:
    from rich.text import Text

    return Text(" ".join(text.split()))


def _severity(value: str) -> Text:
    from rich.text import Text

    from switchadvisor.render.console import SEVERITY_STYLE
    from switchadvisor.rulebase import Severity

    return Text(f" {value.upper()} ", style=SEVERITY_STYLE[Severity(value)])
