"""`switchadvisor timeline`: the weeks after the last dose of the stopped drug, as a chart.

Drawn only from the Assessment (its figures and washout); nothing is evaluated here. Each
figure is drawn as what it is:

- an upper bound is a bar that ends (``████┤``: "at most this long");
- a range is a bar with both ends (``├───┤``);
- a median, a mean or a typical value is a marker (``◆``, ``◇``, ``●``), never a bar;
- a share of patients by a time is a labelled tick (``┃`` and "80% by 52 w");
- a missing figure is not drawn, and the row says "no verified figure for …".

Without colour (``NO_COLOR``, not a terminal) the chart uses plain ASCII characters.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rich.console import Group, RenderableType
from rich.text import Text

from switchadvisor.assessment import Assessment, Bound, Figure
from switchadvisor.render.safe import new_console

Band = Literal["present", "recovery", "rebound", "window", "here"]


@dataclass(frozen=True)
class Glyphs:
    fill: str
    line: str
    rebound: str
    window: str
    start: str
    end: str
    open_end: str
    median: str
    mean: str
    typical: str
    share: str
    here: str
    axis: str
    tick: str


UNICODE = Glyphs(fill="█", line="─", rebound="▒", window="░", start="├", end="┤",
                 open_end="→", median="◆", mean="◇", typical="●", share="┃", here="▲",
                 axis="─", tick="┼")
ASCII = Glyphs(fill="#", line="-", rebound="~", window="=", start="|", end="|", open_end=">",
               median="*", mean="o", typical="@", share="!", here="^", axis="-", tick="+")

STYLES: dict[Band, str] = {"present": "blue", "recovery": "cyan", "rebound": "red",
                           "window": "green", "here": "bold yellow"}
MEASURE_BAND: dict[str, Band] = {
    "drug-present": "present", "plasma-below-threshold": "present",
    "lymphocytes-lln": "recovery", "raised-counts-normalised": "recovery",
    "b-cells-repleted": "recovery", "cd4-recovered": "recovery",
    "rebound-onset": "rebound",
}
MEASURE_LABEL = {
    "drug-present": "{drug} still present",
    "plasma-below-threshold": "{drug} in plasma",
    "lymphocytes-lln": "lymphocytes recovered",
    "raised-counts-normalised": "raised counts normalised",
    "b-cells-repleted": "B cells repleted",
    "cd4-recovered": "CD4 T cells recovered",
    "rebound-onset": "rebound after stopping",
}
MISSING = {
    "present": ("{drug} still present", "no verified figure for how long {drug} stays"),
    "recovery": ("lymphocytes / B cells",
                 "no verified figure for lymphocyte or B-cell recovery after {drug}"),
    "rebound": ("rebound after stopping", "no verified figure for a rebound window after "
                "{drug}"),
}
POSITION_WORDS = {"too-early": "before the start window", "within": "within the start window",
                  "late": "after the start window"}
STEPS = (1, 2, 4, 8, 12, 16, 26, 52, 104, 156, 260, 520)
MIN_CHART = 24


@dataclass(frozen=True)
class Row:
    """One line of the chart: a label, what to draw, and the figures in words."""

    label: str
    band: Band
    figures: tuple[Figure, ...] = ()
    low: float | None = None
    high: float | None = None
    text: str = ""


def rows(assessment: Assessment) -> list[Row]:
    """The chart's rows, in order: the stopped drug's figures, the start window, you."""
    drug = assessment.switch.from_
    drawn = [figure for figure in assessment.figures
             if figure.drug == drug.id and figure.measure in MEASURE_BAND
             and figure.statistic is not None and figure.weeks is not None]
    result: list[Row] = []
    for band in ("present", "recovery", "rebound"):
        measures = [measure for measure, where in MEASURE_BAND.items() if where == band]
        found = False
        for measure in measures:
            figures = tuple(figure for figure in drawn if figure.measure == measure)
            if figures:
                found = True
                result.append(Row(MEASURE_LABEL[measure].format(drug=drug.name), band,
                                  figures, text="; ".join(_figure_text(f) for f in figures)))
        if not found:
            label, text = MISSING[band]
            result.append(Row(label.format(drug=drug.name), band,
                              text=text.format(drug=drug.name)))
    result.append(_window_row(assessment))
    weeks = assessment.washout.weeks_since_stop if assessment.washout else None
    if weeks is None:
        weeks = next((float(fact.value) for fact in assessment.facts
                      if fact.name == "weeks_since_stop" and not isinstance(fact.value, str)),
                     None)
    if weeks is not None:
        where = POSITION_WORDS.get(assessment.washout.position.value, "") \
            if assessment.washout else ""
        result.append(Row(f"you are here ({weeks:.1f} w)", "here", low=weeks, high=weeks,
                          text=where))
    return result


def _figure_text(figure: Figure) -> str:
    if figure.statistic == "share-by-time" and figure.share is not None:
        return f"{figure.share:g}% by {_weeks(figure.weeks)} w"
    return figure.text


def _weeks(weeks: float | None) -> str:
    """Weeks as a reader says them: whole weeks from 10 on (52, not 52.18), else one decimal."""
    if weeks is None:
        return "?"
    return f"{weeks:.0f}" if weeks >= 10 else f"{round(weeks, 1):g}"


def _window_row(assessment: Assessment) -> Row:
    label = f"start {assessment.switch.to.name}"
    washout = assessment.washout
    if washout is None or (washout.min is None and washout.max is None):
        return Row(label, "window", text="no fixed window for this switch (see check)")
    missing = [bound for bound in (washout.min, washout.max)
               if bound is not None and bound.weeks is None]
    if missing:
        return Row(label, "window", text="; ".join(_missing_bound(bound) for bound in missing))
    low = washout.min.weeks if washout.min else None
    high = washout.max.weeks if washout.max else None
    return Row(label, "window", low=low if low is not None else 0.0, high=high,
               text=_window_words(washout.min, washout.max))


def _missing_bound(bound: Bound) -> str:
    return f"no verified figure for {bound.source}" if bound.source else bound.text


def _window_words(low: Bound | None, high: Bound | None) -> str:
    if low and high:
        return f"{low.text} to {high.text}"
    if high:
        return f"up to {high.text}"
    return f"from {low.text}" if low else ""


# --------------------------------------------------------------------------- drawing


def axis_end(chart_rows: Sequence[Row], columns: int) -> tuple[float, int]:
    """The axis length in weeks and the tick step, so that ticks are ≥ 5 columns apart."""
    values = [value for row in chart_rows for value in (row.low, row.high) if value is not None]
    values += [value for row in chart_rows for figure in row.figures
               for value in (figure.weeks, figure.low_weeks) if value is not None]
    longest = max([4.0, *values]) * 1.08
    for step in STEPS:
        end = math.ceil(longest / step) * step
        if end / step * 5 <= columns:
            return float(end), step
    # Beyond 10 years a step: doubled until the ticks fit, so an absurd figure from a rule
    # base (99,999,999 years) draws a few ticks instead of looping over millions of them.
    step = STEPS[-1]
    while math.ceil(longest / step) * 5 > columns:
        step *= 2
    return float(math.ceil(longest / step) * step), step


class _Canvas:
    def __init__(self, columns: int, end: float, glyphs: Glyphs) -> None:
        self.cells = [" "] * columns
        self.columns = columns
        self.end = end
        self.glyphs = glyphs

    def col(self, weeks: float) -> int:
        return max(0, min(self.columns - 1, round(weeks / self.end * (self.columns - 1))))

    def span(self, low: float, high: float, fill: str) -> None:
        for index in range(self.col(low), self.col(high) + 1):
            self.cells[index] = fill

    def put(self, weeks: float, glyph: str) -> None:
        self.cells[self.col(weeks)] = glyph

    def text(self) -> str:
        return "".join(self.cells).rstrip()


def _draw(row: Row, canvas: _Canvas) -> None:
    glyphs = canvas.glyphs
    if row.band == "here" and row.low is not None:
        canvas.put(row.low, glyphs.here)
        return
    if row.band == "window":
        if row.low is None:
            return
        end = row.high if row.high is not None else canvas.end
        canvas.span(row.low, end, glyphs.window)
        if row.high is None:
            canvas.put(end, glyphs.open_end)
        return
    fill = {"present": glyphs.fill, "rebound": glyphs.rebound}.get(row.band, glyphs.line)
    for figure in row.figures:
        weeks = figure.weeks
        assert weeks is not None
        if figure.statistic == "upper-bound":
            canvas.span(0, weeks, fill)
            canvas.put(weeks, glyphs.end)
        elif figure.statistic == "range":
            low = figure.low_weeks if figure.low_weeks is not None else 0.0
            if row.band == "present":
                canvas.span(0, low, glyphs.fill)
            canvas.span(low, weeks, fill if row.band != "present" else glyphs.line)
            canvas.put(low, glyphs.start)
            canvas.put(weeks, glyphs.end)
    for figure in row.figures:  # markers and ticks go on top of bars
        weeks = figure.weeks
        assert weeks is not None
        marker = {"median": glyphs.median, "mean": glyphs.mean, "typical": glyphs.typical,
                  "share-by-time": glyphs.share}.get(figure.statistic or "")
        if marker:
            canvas.put(weeks, marker)


def _axis(columns: int, end: float, step: int, glyphs: Glyphs) -> tuple[str, str]:
    canvas = _Canvas(columns, end, glyphs)
    numbers = [" "] * (columns + 6)
    line = [glyphs.axis] * columns
    for index in range(int(end // step) + 1):
        weeks = index * step
        column = canvas.col(weeks)
        line[column] = glyphs.tick
        label = f"{weeks:g}"
        start = column if column + len(label) <= columns else columns - len(label)
        if all(cell == " " for cell in numbers[max(0, start - 1):start + len(label)]):
            numbers[start:start + len(label)] = list(label)
    line[0] = glyphs.start
    line[-1] = glyphs.end
    return "".join(numbers).rstrip(), "".join(line)


def build(assessment: Assessment, *, width: int, plain: bool) -> RenderableType:
    """The timeline for ``width`` columns; ``plain`` = ASCII characters only, no styles."""
    glyphs = ASCII if plain else UNICODE
    dim = "" if plain else "dim"
    chart_rows = rows(assessment)
    from_drug, to_drug = assessment.switch.from_, assessment.switch.to
    label_width = min(max(len(row.label) for row in chart_rows) + 1, max(16, width * 2 // 5))
    columns = max(MIN_CHART, width - label_width - 1)
    end, step = axis_end(chart_rows, columns)
    intervals = round(end / step)
    columns = (columns - 1) // intervals * intervals + 1  # ticks evenly spaced
    numbers, line = _axis(columns, end, step, glyphs)

    arrow = "->" if plain else "→"
    title = Text(f"{from_drug.name} {arrow} {to_drug.name}", style="" if plain else "bold")
    title.append(f"  verdict {assessment.verdict.value.upper()}")
    if assessment.worst_possible != assessment.verdict:
        title.append(f", could still be {assessment.worst_possible.value.upper()}")
    lines: list[Text] = [
        title,
        Text(f"weeks after the last {from_drug.name} dose", style="" if plain else "dim"),
        Text(_fit("weeks", label_width) + numbers),
        Text(" " * label_width + line),
    ]
    for row in chart_rows:
        canvas = _Canvas(columns, end, glyphs)
        _draw(row, canvas)
        drawn = canvas.text()
        text = Text(_fit(row.label, label_width))
        text.append(drawn, style="" if plain else STYLES[row.band])
        room = width - label_width - len(drawn) - (2 if drawn else 0)
        lead = len(drawn) - len(drawn.lstrip())
        if row.text and len(row.text) <= room:
            text.append(("  " if drawn else "") + row.text, style=dim)
        elif row.text and len(row.text) + 2 <= lead:  # a late marker: words before it
            text = Text(_fit(row.label, label_width))
            text.append(row.text, style=dim)
            text.append(drawn[len(row.text):], style="" if plain else STYLES[row.band])
        elif row.text:
            parts = textwrap.wrap(row.text, width - label_width)
            if not drawn:
                text.append(parts.pop(0), style=dim)
            lines.append(text)
            lines.extend(Text(" " * label_width + part, style=dim) for part in parts)
            continue
        lines.append(text)
    separator = ", " if plain else " · "
    washout = assessment.washout
    if washout is not None:
        lines.extend(_wrapped(f"washout: {washout.explanation}", width, ""))
    cited = _cited(assessment)
    if cited:
        lines.extend(_wrapped("evidence: " + separator.join(cited), width, dim))
    key = "  ".join(f"{glyph} {words}" for glyph, words in (
        (glyphs.fill + glyphs.end, "at most"), (glyphs.start + glyphs.line + glyphs.end, "range"),
        (glyphs.median, "median"), (glyphs.mean, "mean"), (glyphs.typical, "typical"),
        (glyphs.share, "share of patients by then"), (glyphs.window, "start window"),
        (glyphs.here, "you are here")))
    lines.extend(_wrapped("key: " + key, width, dim))
    if plain:  # words from the rule base ("1–2 months", "×10⁹/L") must be ASCII too
        lines = [Text(to_ascii(line.plain)) for line in lines]
    return Group(*lines)


_ASCII = str.maketrans({"–": "-", "—": "-", "→": "->", "×": "x", "µ": "u", "⁹": "9",
                        "≤": "<=", "≥": ">=", "·": "-", "…": "...", "’": "'", "‘": "'",
                        "“": '"', "”": '"', "α": "a", "β": "b"})


def to_ascii(text: str) -> str:
    """Plain-terminal text: common symbols spelled out, anything else decomposed or dropped."""
    import unicodedata

    spelled = text.translate(_ASCII)
    return unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode("ascii")


def _wrapped(text: str, width: int, style: str) -> list[Text]:
    return [Text(part, style=style)
            for part in textwrap.wrap(text, width, subsequent_indent="  ",
                                      break_on_hyphens=False)]


def _fit(label: str, width: int) -> str:
    return (label if len(label) < width else label[:width - 3] + "..").ljust(width)


def _cited(assessment: Assessment) -> list[str]:
    """Evidence behind what is drawn: the stopped drug's figures and the washout."""
    cited: dict[str, None] = {}
    for figure in assessment.figures:
        if figure.drug == assessment.switch.from_.id:
            cited.update(dict.fromkeys(figure.evidence))
    if assessment.washout is not None:
        cited.update(dict.fromkeys(assessment.washout.evidence))
    return list(cited)


def render_plain(assessment: Assessment, width: int = 80) -> str:
    """The timeline as plain ASCII text at ``width`` (for tests and docs)."""
    import io

    console = new_console(width=width, file=io.StringIO(), color_system=None, highlight=False)
    console.print(build(assessment, width=width, plain=True))
    output = console.file.getvalue()  # type: ignore[attr-defined]
    return "\n".join(line.rstrip() for line in output.splitlines()) + "\n"
