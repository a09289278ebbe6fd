"""The timeline: each kind of figure drawn as what it is, at 60/80/120 columns, plain ASCII
without colour. Renderer tests build Assessments by hand; CLI tests use the shipped rules."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from rich.console import Console

from helpers import RunCli
from switchadvisor.assessment import (
    Assessment,
    Bound,
    DrugRef,
    Figure,
    RuleBaseInfo,
    SwitchInfo,
    Washout,
    WashoutPosition,
)
from switchadvisor.errors import ExitCode
from switchadvisor.render.timeline import build, render_plain
from switchadvisor.rulebase import Layer, Severity


def _drug(drug_id: str) -> DrugRef:
    return DrugRef(id=drug_id, name=drug_id.capitalize(), drug_class="c", class_name="C",
                   input=drug_id, matched_as="generic")


def figure(measure: str, statistic: str, weeks: float, *, low: float | None = None,
           share: float | None = None, text: str = "as written") -> Figure:
    return Figure(name="f", drug="alpha", text=text, evidence=[f"src-{statistic}"],
                  measure=measure, statistic=statistic, weeks=weeks,  # type: ignore[arg-type]
                  low_weeks=low, share=share)


def washout(low: float | None, high: float | None, weeks: float | None = None,
            position: WashoutPosition = WashoutPosition.UNKNOWN) -> Washout:
    return Washout(
        min=Bound(weeks=low, text=f"{low} weeks") if low is not None else None,
        max=Bound(weeks=high, text=f"{high} weeks") if high is not None else None,
        window="w", basis="b", evidence=["washout-src"], layer=Layer.DRUG_PAIR,
        origin="alpha→beta", weeks_since_stop=weeks, position=position, explanation="placed")


def assessment(figures: list[Figure], wash: Washout | None = None) -> Assessment:
    return Assessment(
        tool_version="0", rulebase=RuleBaseInfo(id="r", version="1", reviewed="2026-01-01",
                                                sha256="0"),
        switch=SwitchInfo(from_=_drug("alpha"), to=_drug("beta"), pathways=[]), summary=[],
        facts=[], verdict=Severity.WARNING, worst_possible=Severity.WARNING, washout=wash,
        figures=figures, findings=[], not_evaluated=[], not_fired=[], superseded=[],
        alternatives=[], evidence=[], disclaimer="Not a prescription.")


def row(text: str, label: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(label))


def chart(text: str, label: str) -> str:
    """The drawn glyphs of a row, without its label and its words."""
    glyphs = set("#|-~=*o@!^>")
    tokens = row(text, label)[len(label):].split()
    return "".join(token for token in tokens if set(token) <= glyphs)


EVERY_STATISTIC = [
    figure("drug-present", "upper-bound", 8, text="up to 2 months"),
    figure("lymphocytes-lln", "range", 8, low=4, text="1 month to 2 months"),
    figure("b-cells-repleted", "median", 12, text="median 12 weeks"),
    figure("cd4-recovered", "mean", 20, text="mean 20 weeks"),
    figure("raised-counts-normalised", "typical", 6, text="typically 6 weeks"),
    figure("rebound-onset", "share-by-time", 16, share=40, text="40% by 4 months"),
    figure("rebound-onset", "share-by-time", 52.1786, share=80, text="80% by 12 months"),
]


def test_each_statistic_is_drawn_as_what_it_is() -> None:
    text = render_plain(assessment(EVERY_STATISTIC), width=100)
    present = chart(text, "Alpha still present")
    assert present.endswith("#|") and set(present) == {"#", "|"}
    assert "up to 2 months" in row(text, "Alpha still present")
    recovery = chart(text, "lymphocytes recovered").strip()
    assert recovery.startswith("|") and recovery.endswith("|") and set(recovery) == {"|", "-"}
    assert chart(text, "B cells repleted").strip() == "*"  # a median is a marker, not a bar
    assert chart(text, "CD4 T cells recovered").strip() == "o"
    assert chart(text, "raised counts normalised").strip() == "@"
    assert chart(text, "rebound after stopping") == "!!"  # two labelled ticks
    assert "40% by 4 months; 80% by 12 months" in text  # the source's words, not converted


def test_a_marker_sits_under_its_week_on_the_axis() -> None:
    text = render_plain(assessment([figure("b-cells-repleted", "median", 8)],
                                   washout(4, 8, weeks=4.0)), width=80)
    numbers = next(line for line in text.splitlines() if re.match(r"weeks +0 ", line))
    assert row(text, "B cells repleted").index("*") == numbers.index(" 8 ") + 1
    assert row(text, "you are here (4 w)").index("^") == numbers.index(" 4 ") + 1


def test_missing_figures_are_not_drawn_and_said_so_once() -> None:
    text = render_plain(assessment([figure("b-cells-repleted", "median", 12)]), width=80)
    assert "Alpha still present" not in text and "rebound after stopping" not in text
    assert " ".join(row(text, "not drawn").split()) == (
        "not drawn no verified figure for how long alpha stays or a rebound window")
    assert text.count("no verified figure") == 1


def test_markers_in_the_same_column_go_on_lines_of_their_own() -> None:
    """Alemtuzumab's B cells: a mean of 6 months and 85% by 6 months; neither hides the other,
    and each line's words are the figures drawn on it."""
    figures = [figure("b-cells-repleted", "median", 13, text="median 3 months"),
               figure("b-cells-repleted", "mean", 26, text="mean 6 months"),
               figure("b-cells-repleted", "share-by-time", 26, share=85, text="85% by 6 months")]
    lines = render_plain(assessment(figures), width=80).splitlines()
    first = lines.index(row("\n".join(lines), "B cells repleted"))
    assert lines[first].split()[3:] == ["*", "o"]
    assert lines[first + 1].split() == ["median", "3", "months;", "mean", "6", "months"]
    assert lines[first + 2].split() == ["85%", "by", "6", "months", "!"]  # words before it
    assert lines[first + 2].index("!") == lines[first].index("o")


def test_the_key_lists_only_what_is_drawn() -> None:
    text = render_plain(assessment([figure("b-cells-repleted", "median", 12)]), width=80)
    assert row(text, "key:") == "key: * median"
    with_window = render_plain(assessment([], washout(4, 8, weeks=6.0)), width=80)
    assert row(with_window, "key:") == "key: = start window  ^ you are here"


def test_the_start_window_and_you_are_here() -> None:
    wash = washout(4, 8, weeks=6.0, position=WashoutPosition.WITHIN)
    text = render_plain(assessment([], wash), width=80)
    assert set(chart(text, "start beta").strip()) == {"="}
    assert "4 weeks to 8 weeks" in row(text, "start beta")
    assert "within the start window" in row(text, "you are here (6 w)")
    assert "washout:" not in text  # the row says where the person stands
    assert "evidence: washout-src" in text


def test_a_window_bound_without_a_verified_figure_is_said_so() -> None:
    wash = Washout(min=None, max=Bound(weeks=None, text="no verified figure",
                                       source="Alpha's elimination after stopping"),
                   window="w", basis="b", evidence=["x"], layer=Layer.CLASS_PAIR, origin="o",
                   weeks_since_stop=None, position=WashoutPosition.UNKNOWN, explanation="e")
    text = render_plain(assessment([], wash), width=80)
    assert "no verified figure for Alpha's elimination after stopping" in text


@pytest.mark.parametrize("width", [60, 80, 120])
def test_fits_the_width_without_trailing_spaces_in_plain_ascii(width: int) -> None:
    text = render_plain(assessment(EVERY_STATISTIC, washout(4, 8, weeks=30.0)), width=width)
    for line in text.splitlines():
        assert len(line) <= width, line
        assert line == line.rstrip()
        assert line.isascii(), line


def test_with_colour_the_chart_uses_block_characters() -> None:
    console = Console(width=80, file=io.StringIO(), force_terminal=True, color_system="standard")
    console.print(build(assessment(EVERY_STATISTIC), width=80, plain=False))
    output: Any = console.file
    assert "█" in output.getvalue() and "◆" in output.getvalue()


def test_cli_timeline_at_80_columns(run_cli: RunCli) -> None:
    result = run_cli("timeline", "--from", "fingolimod", "--to", "cladribine",
                     "--weeks-since-stop", "7.7", "--width", "80")
    assert result.exit_code == ExitCode.OK, result
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 and line.isascii() for line in lines), result
    assert any(line.startswith("you are here (7.7 w)") for line in lines)
    assert "gilenya-us-5.8" in result.stdout  # the evidence under the chart


def test_cli_timeline_unknown_drug_is_a_usage_error(run_cli: RunCli) -> None:
    result = run_cli("timeline", "--from", "fingolimodd", "--to", "cladribine")
    assert result.exit_code == ExitCode.USAGE and "did you mean fingolimod" in result.stderr
