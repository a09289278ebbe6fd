"""The card: the default `check` text view, an answer on the first screen.

One line per thing a clinician must weigh: the verdict and what could still change it, the
facts as read, the washout window and where the person stands, each finding with the kinds of
evidence behind it and how much argues against it, each finding that could not be evaluated
with the option that would decide it, the alternatives, the rule base's version, and the
sources (each once). `--full` has the reasoning and the citations. Finding ids are not shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.constrain import Constrain
from rich.text import Text

from switchadvisor.assessment import (
    STALE_WARNING,
    Assessment,
    EvidenceOut,
    FactReading,
    WashoutPosition,
)
from switchadvisor.render.console import (
    POSITION_STYLE,
    POSITION_WORDS,
    SEVERITY_STYLE,
    fact_label,
    hanging,
    in_words,
    plain,
    severity_label,
)
from switchadvisor.render.grid import Column, Grid, text_width
from switchadvisor.rulebase import Severity

if TYPE_CHECKING:
    from rich.table import Table

LABEL_WIDTH = 9
"""Width of the left-hand labels ("Facts", "Washout", …)."""

MAX_WIDTH = 100
"""The card is read across: wider than this, its columns drift apart (the rest stays blank)."""

SOURCE_LINES = 2
"""At most this many lines of compact references; the rest are counted (all in --full)."""

KIND_WORDS = {"case-series": "case series", "case-report": "case report",
              "expert-opinion": "expert opinion", "rct": "RCT"}


def build_card(assessment: Assessment, *, width: int = 100) -> RenderableType:
    """The card for ``assessment`` at ``width`` columns (at most MAX_WIDTH)."""
    width = min(width, MAX_WIDTH)
    parts: list[RenderableType] = [_header(assessment, width), Text("")]
    facts = _facts(assessment, width - LABEL_WIDTH - 2)
    parts.append(_labelled([("Facts", facts), ("Washout", _washout(assessment))]))
    if assessment.findings:
        parts += [Text(""), _heading("Found")]
        parts.append(_rows([(severity_label(item.severity), Text(item.title, style="bold"),
                             _evidence_words(assessment, item.evidence,
                                             item.counter_evidence))
                            for item in assessment.findings], width))
    if assessment.not_evaluated:
        parts += [Text(""), _heading("Not evaluated — would decide")]
        parts.append(_rows([(_maybe_label(item.severity), Text(item.title),
                             Text(" or ".join(_short(item.options)), style="cyan"))
                            for item in assessment.not_evaluated], width))
    parts.append(Text(""))
    tail: list[tuple[str, RenderableType]] = []
    if assessment.alternatives:
        tail.append(("Options", _alternatives(assessment)))
    if assessment.evidence:
        tail.append(("Sources", _sources(assessment.evidence, width - LABEL_WIDTH - 2)))
    if tail:
        parts.append(_labelled(tail))
    parts.append(Text("--full: the reasoning and full citations · "
                      "switchadvisor explain ID: one source", style="dim"))
    parts.append(Text(_short_disclaimer(assessment.disclaimer), style="italic"))
    return Constrain(Group(*parts), width)


def render_card_plain(assessment: Assessment, width: int = 100) -> str:
    """The card without colour (for tests and docs)."""
    return plain(build_card(assessment, width=width), width)


# ---------------------------------------------------------------------------- the parts


def _header(assessment: Assessment, width: int) -> RenderableType:
    switch = assessment.switch
    title = Text.assemble(severity_label(assessment.verdict), " ",
                          (f"{switch.from_.name} → {switch.to.name}", "bold"))
    info = assessment.rulebase
    rules = Text(f"rules {info.version} · reviewed {info.reviewed}", style="dim")
    if info.stale:
        rules.append(" · review is over 12 months old", style="bold yellow")
        stale_line: RenderableType | None = Text(f"Warning: {STALE_WARNING}", style="bold yellow")
    else:
        stale_line = None
    grid: RenderableType
    if len(title) + len(rules) + 2 <= width:  # side by side, the rule base on the right
        grid = Grid([Column(no_wrap=True), Column(justify="right", no_wrap=True)],
                    [[title, rules]], lambda max_width: _header_widths(rules, max_width),
                    padded=False, table=lambda: _header_table(title, rules))
    else:
        grid = Group(title, rules)
    classes = Text(f"{switch.from_.class_name} → {switch.to.class_name}")
    off_label = [ref.name for ref in (switch.from_, switch.to) if ref.off_label]
    if off_label:
        classes.append(f" ({' and '.join(off_label)}: off-label in MS)", style="yellow")
    lines: list[RenderableType] = [grid, hanging(classes, width)]
    if stale_line is not None:
        lines.append(stale_line)
    if assessment.worst_possible.rank > assessment.verdict.rank:
        deciders = _options([item.options for item in assessment.not_evaluated
                             if item.severity is assessment.worst_possible])
        could = Text("Could still be ", style="bold")
        could.append_text(severity_label(assessment.worst_possible))
        could.append(f" — decided by {' · '.join(_short(deciders))}")
        lines.append(hanging(could, width))
    return Group(*lines)


def _header_widths(rules: Text, max_width: int) -> list[int] | None:
    """The title takes what the rule base leaves (as an expanding grid sizes them)."""
    right = min(text_width(rules), max_width) or 1
    return [max_width - right, right] if max_width - right >= 1 else None


def _header_table(title: Text, rules: Text) -> Table:
    from rich.table import Table

    grid = Table.grid(expand=True)
    grid.add_column(ratio=1, no_wrap=True)
    grid.add_column(justify="right", no_wrap=True)
    grid.add_row(title, rules)
    return grid


def _heading(title: str) -> Text:
    return Text(title, style="bold underline")


LABELLED = (Column(style="bold", no_wrap=True, pad_right=1), Column())
"""Label and content: the label's LABEL_WIDTH and a space, then the content."""


def _labelled(rows: Sequence[tuple[str, RenderableType]]) -> Grid:
    """Label and content side by side; wrapped content keeps its indent."""
    return Grid(LABELLED, rows, lambda max_width: _labelled_widths(rows, max_width),
                padded=True, table=lambda: _labelled_table(rows))


def _labelled_widths(rows: Sequence[tuple[str, RenderableType]],
                     max_width: int) -> list[int] | None:
    """The label's column, then the content's widest line, at most what is left."""
    label = LABEL_WIDTH + 1
    if max_width <= label:
        return None
    content = min(max(text_width(content) for _, content in rows), max_width) or 1
    return [label, min(content, max_width - label)]


def _labelled_table(rows: Sequence[tuple[str, RenderableType]]) -> Table:
    from rich.table import Table

    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=LABEL_WIDTH, no_wrap=True, style="bold")
    grid.add_column(ratio=1)
    for label, content in rows:
        grid.add_row(label, content)
    return grid


ROWS = (Column(no_wrap=True, pad_right=1), Column(overflow="fold", pad_right=1),
        Column(overflow="fold"))
"""Severity, title, detail."""

SEVERITY_WIDTH = 10
"""The severity column is at least this wide (and a space)."""


def _rows(rows: Sequence[tuple[Text, Text, Text]], width: int) -> Grid:
    """Severity, title, detail: the title column wraps under itself, never under the label;
    the detail column takes what it needs, up to a third of the width."""
    return Grid(ROWS, rows, lambda max_width: _rows_widths(rows, width, max_width),
                padded=True, table=lambda: _rows_table(rows, width))


def _rows_widths(rows: Sequence[tuple[Text, Text, Text]], width: int,
                 max_width: int) -> list[int] | None:
    """The severity's width and a space, the detail's widest line up to a third of the
    card, and the title the rest (as an expanding grid with a ratio column sizes them)."""
    severity = max(SEVERITY_WIDTH + 1,
                   min(max(text_width(row[0]) for row in rows) + 1, max_width))
    detail = min(max(text_width(row[2]) for row in rows), max_width,
                 _detail_width(width)) or 1
    title = max_width - severity - detail
    return [severity, title, detail] if title >= 2 else None


def _detail_width(width: int) -> int:
    return max(16, width // 3)


def _rows_table(rows: Sequence[tuple[Text, Text, Text]], width: int) -> Table:
    from rich.table import Table

    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(min_width=SEVERITY_WIDTH, no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    grid.add_column(max_width=_detail_width(width), overflow="fold")
    for severity, title, detail in rows:
        grid.add_row(severity, title, detail)
    return grid


def _maybe_label(severity: Severity) -> Text:
    return Text(f" {severity.value.upper()}? ", style=SEVERITY_STYLE[severity].replace(
        "bold ", ""))


def _facts(assessment: Assessment, width: int) -> Text:
    """The facts as read, on one line, or one a line when they do not fit (never a value
    parted from its unit)."""
    given = [fact for fact in assessment.facts if fact.source == "given"]
    if not given:
        text = Text("none given", style="dim")
        if assessment.not_evaluated:  # the options are listed once, under "would decide"
            text.append(" — the options under \"would decide\" refine this", style="dim")
        return text
    shown = [*given, *(fact for fact in assessment.facts if fact.source == "default")]
    line = Text(" · ").join(_fact(fact) for fact in shown)
    return line if len(line) <= width else Text("\n").join(_fact(fact) for fact in shown)


def _fact(fact: FactReading) -> Text:
    text = Text(f"{fact_label(fact.name)}: ", style="dim")
    if isinstance(fact.value, bool):
        text.append("yes" if fact.value else "no")
    elif fact.name in {"disease_activity", "jcv"}:
        text.append(str(fact.value))
    else:
        text.append(fact.read_as)
    return text


def _washout(assessment: Assessment) -> Text:
    washout = assessment.washout
    stopped = in_words(assessment.switch.from_.name)
    if washout is None:
        return Text(f"no pathway gives a window; see the figures for {stopped} (--full)",
                    style="dim")
    low, high = washout.min, washout.max
    if low and high:
        window = f"{low.text} to {high.text}"
    elif high or low:
        window = f"up to {high.text}" if high else f"at least {low.text}"  # type: ignore[union-attr]
    else:
        window = "no fixed window"
    text = Text(f"start {in_words(assessment.switch.to.name)} {window} after the last {stopped} "
                "dose")
    sources = list(dict.fromkeys(bound.source for bound in (low, high) if bound and bound.source))
    if sources:
        text.append(f" ({'; '.join(sources)})", style="dim")
    if washout.position is WashoutPosition.UNKNOWN:
        if washout.weeks_since_stop is None and (low or high):
            text.append(" · give --weeks-since-stop to place the gap", style="dim")
        else:
            text.append(f" · {washout.explanation}", style="dim")
    else:
        text.append(f" · {washout.weeks_since_stop:.1f} weeks since stopping: ")
        text.append(POSITION_WORDS[washout.position], style="bold "
                    + POSITION_STYLE[washout.position])
    return text


def _alternatives(assessment: Assessment) -> Text:
    """Each alternative with the kinds of evidence behind it: "Ocrelizumab (cohort, review)"."""
    items = []
    for alternative in assessment.alternatives:
        item = Text(alternative.name, style="bold")
        kinds = _evidence_words(assessment, alternative.evidence, [], sizes=False)
        if kinds.plain:
            item.append(" (")
            item.append_text(kinds)
            item.append(")")
        items.append(item)
    return Text(" · ").join(items)


def _options(groups: Sequence[Sequence[str]]) -> list[str]:
    seen: dict[str, None] = {}
    for group in groups:
        for option in group:
            seen.setdefault(option)
    return list(seen)


def short_options(options: Sequence[str]) -> list[str]:
    """Options as the card names them: "--weeks-since-stop", "--[no-]pregnancy-planned"."""
    return _short(options)


def _short(options: Sequence[str]) -> list[str]:
    """Options without their asides: "--weeks-since-stop (or --stopped)" → the option, and
    a flag's two forms in the usual short notation: "--[no-]pregnancy-planned"."""
    return list(dict.fromkeys(_flag_pair(option.split(" (", 1)[0]) for option in options))


def _flag_pair(option: str) -> str:
    yes, _, no = option.partition(" / ")
    if no and no == yes.replace("--", "--no-", 1):
        return yes.replace("--", "--[no-]", 1)
    return option


def _short_disclaimer(disclaimer: str) -> str:
    """The disclaimer's first sentence ("… not a prescription."): the card's one line of it;
    --full and every other format print it whole."""
    first = " ".join(disclaimer.split()).split(". ", 1)[0]
    return first if first.endswith(".") else first + "."


# ------------------------------------------------------------------------------- evidence


def kind_words(kind: str, count: int = 1) -> str:
    words = KIND_WORDS.get(kind, kind)
    return f"{words} ×{count}" if count > 1 else words


def _evidence_words(assessment: Assessment, supporting: Sequence[str],
                    against: Sequence[str], *, sizes: bool = True) -> Text:
    """"case series ×2 · 3 against": the kinds behind a finding, and what argues against."""
    entries = {entry.id: entry for entry in assessment.evidence}
    counts: dict[str, list[EvidenceOut]] = {}
    for ref in supporting:
        entry = entries.get(ref)
        if entry is not None:
            counts.setdefault(entry.kind.value, []).append(entry)
    parts = []
    for kind, group in counts.items():
        if sizes and len(group) == 1 and group[0].n:
            parts.append(f"{kind_words(kind)} n={group[0].n}")
        else:
            parts.append(kind_words(kind, len(group)))
    text = Text(", ".join(parts), style="magenta")
    if against:
        text.append(f" · {len(against)} against", style="bold")
    return text


def source_words(entry: EvidenceOut) -> str:
    """One source in a few characters: "willis2017 case series n=9"."""
    size = f" n={entry.n}" if entry.n else ""
    return f"{entry.id} {kind_words(entry.kind.value)}{size}"


def _sources(entries: Sequence[EvidenceOut], width: int) -> Text:
    """Each source once, for and against together, on at most SOURCE_LINES lines."""
    items = [source_words(entry) for entry in entries]
    lines: list[list[str]] = [[]]
    for item in items:
        if lines[-1] and len(" · ".join([*lines[-1], item])) > width:
            lines.append([])
        lines[-1].append(item)
    rest = 0
    if len(lines) > SOURCE_LINES:
        lines = lines[:SOURCE_LINES]
        rest = len(items) - sum(len(line) for line in lines)
        while lines[-1] and len(" · ".join(lines[-1]) + f" … +{rest} more") > width:
            lines[-1].pop()
            rest += 1
    text = Text("\n".join(" · ".join(line) for line in lines))
    if rest:
        text.append(f" … +{rest} more", style="dim")
    return text
