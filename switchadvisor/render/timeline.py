"""`switchadvisor timeline`: the weeks after the last dose of the stopped drug, as a chart.

Drawn only from the Assessment (its figures and washout); nothing is evaluated here. Each
figure is drawn as what it is:

- an upper bound is a bar that ends (``████┤``: "at most this long");
- a range is a bar with both ends (``├───┤``);
- a median, a mean or a typical value is a marker (``◆``, ``◇``, ``●``), never a bar;
- a share of patients by a time is a labelled tick (``┃`` and "80% by 12 months");
- two markers never share a column: a figure that would hide another goes on a line of its own;
- a missing figure is not drawn, and one line says which have no verified figure.

Figures keep the words and units of their source ("median 72 weeks", "80% by 12 months"); only
the axis is in weeks. The key lists only the glyphs the chart uses.

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
from switchadvisor.render.console import in_words
from switchadvisor.render.safe import new_console

Band = Literal["present", "recovery", "rebound", "window", "here", "missing"]


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
                           "window": "green", "here": "bold yellow", "missing": "dim"}
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
    "present": "how long {drug} stays",
    "recovery": "lymphocyte or B-cell recovery",
    "rebound": "a rebound window",
}
MISSING_LABEL = "not drawn"
NO_WINDOW = "the evidence gives no fixed window for this switch"
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
    """The chart's rows, in order: the stopped drug's figures, what has no verified figure,
    the start window, you."""
    drug = assessment.switch.from_
    named = in_words(drug.name)
    drawn = [figure for figure in assessment.figures
             if figure.drug == drug.id and figure.measure in MEASURE_BAND
             and figure.statistic is not None and figure.weeks is not None]
    result: list[Row] = []
    missing: list[str] = []
    for band in ("present", "recovery", "rebound"):
        measures = [measure for measure, where in MEASURE_BAND.items() if where == band]
        found = False
        for measure in measures:
            figures = tuple(figure for figure in drawn if figure.measure == measure)
            if figures:
                found = True
                result.append(Row(MEASURE_LABEL[measure].format(drug=drug.name), band,
                                  figures, text=_figures_text(figures)))
        if not found:
            missing.append(MISSING[band].format(drug=named))
    if missing:
        listed = missing[0] if len(missing) == 1 else \
            f"{', '.join(missing[:-1])} or {missing[-1]}"
        result.append(Row(MISSING_LABEL, "missing", text=f"no verified figure for {listed}"))
    result.append(_window_row(assessment))
    weeks = assessment.washout.weeks_since_stop if assessment.washout else None
    if weeks is None:
        weeks = next((float(fact.value) for fact in assessment.facts
                      if fact.name == "weeks_since_stop" and not isinstance(fact.value, str)),
                     None)
    if weeks is not None:
        where = POSITION_WORDS.get(assessment.washout.position.value, "") \
            if assessment.washout else ""
        result.append(Row(f"you are here ({_weeks(weeks)} w)", "here", low=weeks, high=weeks,
                          text=where))
    return result


def _figures_text(figures: Sequence[Figure]) -> str:
    """The figures as their source words them, the statistic kept ("median 3 months; 85% by
    6 months"); a share without words of its own is said from its numbers."""
    return "; ".join(dict.fromkeys(_figure_text(figure) for figure in figures))


def _figure_text(figure: Figure) -> str:
    if figure.text:
        return figure.text
    if figure.statistic == "share-by-time" and figure.share is not None:
        return f"{figure.share:g}% by {_weeks(figure.weeks)} weeks"
    return f"{figure.statistic} {_weeks(figure.weeks)} weeks"


def _weeks(weeks: float | None) -> str:
    """Weeks as a reader says them: whole weeks from 10 on (52, not 52.18), else one decimal."""
    if weeks is None:
        return "?"
    return f"{weeks:.0f}" if weeks >= 10 else f"{round(weeks, 1):g}"


def _window_row(assessment: Assessment) -> Row:
    label = f"start {in_words(assessment.switch.to.name)}"
    washout = assessment.washout
    if washout is None or (washout.min is None and washout.max is None):
        return Row(label, "window", text="no fixed window for this switch")
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


MARKERS = ("median", "mean", "typical", "share-by-time")
"""Statistics drawn as a single mark at their week."""


def _marker(figure: Figure, glyphs: Glyphs) -> str:
    return {"median": glyphs.median, "mean": glyphs.mean, "typical": glyphs.typical,
            "share-by-time": glyphs.share}[figure.statistic or ""]


def lanes(row: Row, canvas: _Canvas) -> list[Row]:
    """The row, split so that no two markers share a column: bars and the first marker of a
    column stay on the row, a marker that would cover another goes on a line of its own."""
    if len(row.figures) < 2:
        return [row]
    taken: list[set[int]] = [set()]
    placed: list[list[Figure]] = [[]]
    for figure in row.figures:
        if figure.statistic not in MARKERS:
            placed[0].append(figure)
            continue
        column = canvas.col(figure.weeks or 0.0)
        lane = next((index for index, used in enumerate(taken) if column not in used), None)
        if lane is None:
            taken.append(set())
            placed.append([])
            lane = len(taken) - 1
        taken[lane].add(column)
        placed[lane].append(figure)
    if len(placed) == 1:
        return [row]
    return [Row(row.label if index == 0 else "", row.band, tuple(figures),
                text=_figures_text(figures)) for index, figures in enumerate(placed)]


def _draw(row: Row, canvas: _Canvas, used: set[str]) -> None:
    """Draw one row; ``used`` collects the key entries the chart needs."""
    glyphs = canvas.glyphs
    if row.band == "here" and row.low is not None:
        canvas.put(row.low, glyphs.here)
        used.add("here")
        return
    if row.band == "window":
        if row.low is None:
            return
        end = row.high if row.high is not None else canvas.end
        canvas.span(row.low, end, glyphs.window)
        if row.high is None:
            canvas.put(end, glyphs.open_end)
        used.add("window")
        return
    fill = {"present": glyphs.fill, "rebound": glyphs.rebound}.get(row.band, glyphs.line)
    for figure in row.figures:
        weeks = figure.weeks
        assert weeks is not None
        low = figure.low_weeks
        if figure.statistic == "upper-bound":
            canvas.span(0, weeks, fill)
            canvas.put(weeks, glyphs.end)
            used.add("upper")
        elif figure.statistic == "range":
            start = low if low is not None else 0.0
            if row.band == "present":
                canvas.span(0, start, glyphs.fill)
            canvas.span(start, weeks, fill if row.band != "present" else glyphs.line)
            canvas.put(start, glyphs.start)
            canvas.put(weeks, glyphs.end)
            used.add("range")
    for figure in row.figures:  # markers and ticks go on top of bars
        if figure.statistic in MARKERS:
            canvas.put(figure.weeks or 0.0, _marker(figure, glyphs))
            used.add(figure.statistic or "")


def _key(glyphs: Glyphs, used: set[str]) -> str:
    entries = (
        ("upper", glyphs.fill + glyphs.end, "at most"),
        ("range", glyphs.start + glyphs.line + glyphs.end, "range"),
        ("median", glyphs.median, "median"),
        ("mean", glyphs.mean, "mean"),
        ("typical", glyphs.typical, "usually within"),
        ("share-by-time", glyphs.share, "share of patients by then"),
        ("window", glyphs.window, "start window"),
        ("here", glyphs.here, "you are here"),
    )
    return "  ".join(f"{glyph} {words}" for name, glyph, words in entries if name in used)


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
        Text(f"weeks after the last {in_words(from_drug.name)} dose",
             style="" if plain else "dim"),
        Text(_fit("weeks", label_width) + numbers),
        Text(" " * label_width + line),
    ]
    used: set[str] = set()
    for chart_row in chart_rows:
        for row in lanes(chart_row, _Canvas(columns, end, glyphs)):
            lines.extend(_row_lines(row, _Canvas(columns, end, glyphs), used,
                                    label_width=label_width, width=width, plain=plain))
    separator = ", " if plain else " · "
    washout = assessment.washout
    if washout is not None and washout.position.value == "unknown" \
            and washout.explanation != NO_WINDOW:  # else the rows above say it
        lines.extend(_wrapped(f"washout: {washout.explanation}", width, ""))
    cited = _cited(assessment)
    if cited:
        lines.extend(_wrapped("evidence: " + separator.join(cited), width, dim))
    if used:
        lines.extend(_wrapped("key: " + _key(glyphs, used), width, dim))
    if plain:  # words from the rule base ("1–2 months", "×10⁹/L") must be ASCII too
        lines = [Text(to_ascii(line.plain)) for line in lines]
    return Group(*lines)


_ASCII = str.maketrans({"–": "-", "—": "-", "→": "->", "×": "x", "µ": "u", "⁹": "^9",
                        "≤": "<=", "≥": ">=", "·": "-", "…": "...", "’": "'", "‘": "'",
                        "“": '"', "”": '"', "α": "a", "β": "b"})


def _row_lines(row: Row, canvas: _Canvas, used: set[str], *, label_width: int, width: int,
               plain: bool) -> list[Text]:
    """One chart row: its label, what is drawn, and its words after the drawing, before a
    late marker, or on lines of their own under the chart's start."""
    _draw(row, canvas, used)
    dim = "" if plain else "dim"
    style = "" if plain else STYLES[row.band]
    drawn = canvas.text()
    text = Text(_fit(row.label, label_width))
    text.append(drawn, style=style)
    room = width - label_width - len(drawn) - (2 if drawn else 0)
    lead = len(drawn) - len(drawn.lstrip())
    if not row.text:
        return [text]
    if len(row.text) <= room:
        text.append(("  " if drawn else "") + row.text, style=dim)
        return [text]
    if len(row.text) + 2 <= lead:  # a late marker: the words before it
        text = Text(_fit(row.label, label_width))
        text.append(row.text, style=dim)
        text.append(drawn[len(row.text):], style=style)
        return [text]
    parts = textwrap.wrap(row.text, width - label_width, break_on_hyphens=False)
    if not drawn:
        text.append(parts.pop(0), style=dim)
    return [text, *(Text(" " * label_width + part, style=dim) for part in parts)]


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
