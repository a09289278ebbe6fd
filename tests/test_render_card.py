"""The card (default `check` text view), from Assessments built by hand, at fixed widths."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from render_cases import hand_built

from switchadvisor.render.card import SOURCE_LINES, render_card_plain
from switchadvisor.rulebase import RuleBase, Severity

WIDTHS = [60, 80, 120]
HEADLINE = [("fingolimod", "alemtuzumab"), ("fingolimod", "cladribine"),
            ("natalizumab", "ocrelizumab")]
SEVERITY_LINE = re.compile(r"^ (INFO|WARNING|CRITICAL)\??\s")


@pytest.mark.parametrize("width", WIDTHS)
def test_card_has_no_trailing_spaces_and_fits_the_width(width: int) -> None:
    text = render_card_plain(hand_built(), width)
    for line in text.splitlines():
        assert line == line.rstrip(), repr(line)
        assert len(line) <= width, line


@pytest.mark.parametrize("width", WIDTHS)
def test_card_answers_on_one_screen(width: int) -> None:
    text = render_card_plain(hand_built(), width)
    flat = " ".join(text.split())
    for fragment in (
        "WARNING Fingolimod → Alemtuzumab",
        "S1P receptor modulators → Anti-CD52 antibody",
        "Could still be CRITICAL — decided by --disease-activity",
        "lymphocytes: 600 cells/µL = 0.60 ×10⁹/L",           # the facts as read
        "lower limit: 1.00 ×10⁹/L (default)",
        "start alemtuzumab 4 weeks to 8 weeks after the last fingolimod dose",
        "give --weeks-since-stop to place the gap",
        "Early breakthrough",
        "--disease-activity",
        "--weeks-since-stop",
        "Options Ocrelizumab (cohort) · Natalizumab (cohort)",
        "rules 2026.1.0 · reviewed 2026-01-15",
        "--full: the reasoning and full citations",
        "Educational aid, not a prescription.",
    ):
        assert fragment in flat, fragment
    if width >= 80:  # the right-hand column: the kinds of evidence, and what argues against
        assert "case series ×2 · 3 against" in text
        assert "cohort n=170, label" in text
        assert "Not recommended for inactive disease" in text
    for absent in ("finding-one", "pending-critical", "(or --stopped)", "[unknown]",
                   "always applies", "from.elimination"):
        assert absent not in text, absent


@pytest.mark.parametrize("width", WIDTHS)
def test_each_source_is_listed_once_for_and_against_together(width: int) -> None:
    sources = render_card_plain(hand_built(), width).split("Sources", 1)[1]
    idents = ("series-a", "series-b", "cohort-a", "cohort-b", "cohort-c", "label-a")
    counts = [len(re.findall(rf"\b{ident}\b", sources)) for ident in idents]
    assert max(counts) == 1
    rest = re.search(r"\+(\d+) more", sources)
    assert sum(counts) + (int(rest.group(1)) if rest else 0) == len(idents)
    if width >= 100:  # at 80 columns two lines hold four of the six
        assert rest is None
    assert "series-a case series n=9" in " ".join(sources.split())


@pytest.mark.parametrize("width", WIDTHS)
def test_wrapped_titles_keep_their_indent(width: int) -> None:
    lines = render_card_plain(hand_built(), width).splitlines()
    found = lines.index("Found")
    block = []
    for line in lines[found + 1:]:
        if line.startswith("Options") or line.startswith("Sources"):
            break
        block.append(line)
    continuation = [line for line in block
                    if line and not SEVERITY_LINE.match(line) and not line.startswith("Not ")]
    assert continuation, "the long title should wrap at every width tested"
    for line in continuation:
        assert line.startswith(" " * 11), repr(line)


@pytest.mark.parametrize("width", [60, 80])
def test_wrapped_header_lines_keep_an_indent(width: int) -> None:
    """The classes and "Could still be … decided by" wrap under themselves, never at the
    margin where the next heading starts."""
    long_class = replace(
        hand_built().switch.to,
        class_name="Sphingosine 1-phosphate (S1P) receptor modulators and more words")
    switch = replace(hand_built().switch, to=long_class)
    pending = [replace(item, severity=Severity.CRITICAL, options=[option])
               for item, option in zip(hand_built().not_evaluated * 3, [
                   "--pregnancy-planned / --no-pregnancy-planned", "--weeks-since-stop",
                   "--disease-activity", "--lymphocytes", "--jcv", "--age"], strict=False)]
    lines = render_card_plain(hand_built(switch=switch, not_evaluated=pending),
                              width).splitlines()
    could = next(index for index, line in enumerate(lines) if line.startswith("Could"))
    assert lines[could + 1].startswith("  --"), lines[could:could + 2]
    assert lines[could - 1].startswith("  ") and "more words" in lines[could - 1]
    assert all(len(line) <= width for line in lines)


def test_the_card_stays_100_columns_wide_on_a_wider_screen() -> None:
    lines = render_card_plain(hand_built(), 160).splitlines()
    assert max(len(line) for line in lines) <= 100
    assert "rules 2026.1.0 · reviewed 2026-01-15" in lines[0]


def test_the_footer_fits_one_line_at_80_columns() -> None:
    lines = render_card_plain(hand_built(), 80).splitlines()
    assert ("--full: the reasoning and full citations · switchadvisor explain ID: one source"
            in lines)


def test_no_could_still_be_when_nothing_is_pending() -> None:
    assessment = hand_built(not_evaluated=[], worst_possible=Severity.WARNING)
    text = render_card_plain(assessment, 80)
    assert "Could still be" not in text
    assert "Not evaluated" not in text


def test_no_facts_given_points_to_the_options_that_would_refine() -> None:
    assessment = hand_built(facts=[])
    flat = " ".join(render_card_plain(assessment, 100).split())
    assert 'Facts none given — the options under "would decide" refine this' in flat
    decide = flat.split("would decide", 1)[1]
    assert "--disease-activity" in decide and "--weeks-since-stop" in decide


def test_a_placed_gap_says_where_the_person_stands() -> None:
    base = hand_built()
    assert base.washout is not None
    from switchadvisor.assessment import WashoutPosition

    washout = replace(base.washout, weeks_since_stop=6.0, position=WashoutPosition.WITHIN)
    flat = " ".join(render_card_plain(hand_built(washout=washout), 100).split())
    assert "6.0 weeks since stopping: within the window" in flat


def test_stale_rule_base_is_flagged() -> None:
    base = hand_built()
    stale = replace(base.rulebase, stale=True)
    assert "over 12 months old" in render_card_plain(hand_built(rulebase=stale), 120)
    assert "over 12 months old" not in render_card_plain(base, 120)


def test_sources_beyond_their_lines_are_counted_not_dropped_silently() -> None:
    base = hand_built()
    many = [replace(base.evidence[0], id=f"source{index:02d}")
            for index in range(40)]
    text = render_card_plain(hand_built(evidence=many), 80)
    sources = text.split("Sources", 1)[1].split("--full", 1)[0]
    assert len(sources.strip().splitlines()) <= SOURCE_LINES
    shown = len(re.findall(r"source\d\d", sources))
    assert f"+{40 - shown} more" in sources


# ------------------------------------------------------------ the headline switches (engine)


@pytest.mark.parametrize(("from_", "to"), HEADLINE)
@pytest.mark.parametrize(("width", "budget"), [(100, 40), (120, 40), (80, 55)])
def test_headline_switch_card_fits_its_line_budget(shipped_rulebase: RuleBase, from_: str,
                                                   to: str, width: int, budget: int) -> None:
    from switchadvisor import assess

    text = render_card_plain(assess(shipped_rulebase, from_, to), width)
    assert len(text.splitlines()) <= budget, text
    assert all(line == line.rstrip() for line in text.splitlines())
