"""`switchadvisor demo`: the headline switches, every claim quoted from the rule base."""

from __future__ import annotations

import re

from helpers import RunCli
from switchadvisor.demo import HEADLINE, demo_steps
from switchadvisor.errors import ExitCode
from switchadvisor.rulebase import RuleBase


def test_demo_runs_without_pausing_and_shows_the_headline_switches(run_cli: RunCli) -> None:
    result = run_cli("demo", "--no-pause", "--width", "100")
    assert result.exit_code == ExitCode.OK, result
    for from_id, to_id in HEADLINE:
        assert f"switchadvisor check --from {from_id} --to {to_id}" in result.stdout
    assert result.stdout.count("What the case series suggested") == len(HEADLINE)


def test_demo_never_waits_when_input_is_not_a_terminal(run_cli: RunCli) -> None:
    # pytest's stdin is not a terminal: without --no-pause the demo must still run through
    result = run_cli("demo", "--width", "100")
    assert result.exit_code == ExitCode.OK, result
    assert "Enter" not in result.stdout


def test_every_quote_is_an_evidence_entrys_finding(shipped_rulebase: RuleBase,
                                                   run_cli: RunCli) -> None:
    steps = demo_steps(shipped_rulebase)
    assert [(s.assessment.switch.from_.id, s.assessment.switch.to.id) for s in steps] == list(
        HEADLINE)
    assert any(step.signals for step in steps) and all(step.studies for step in steps)
    from switchadvisor.render.timeline import to_ascii

    plain = run_cli("demo", "--no-pause", "--width", "300").stdout
    assert plain.isascii()  # without colour, plain ASCII throughout (the quotes too)
    output = " ".join(plain.split())
    for step in steps:
        for cited in (*step.signals, *step.studies):
            entry = shipped_rulebase.evidence[cited.entry.id]
            assert cited.entry.finding == " ".join(entry.finding.split())
            assert re.search(re.escape(entry.id) + r" \([^)]*\): " + re.escape(
                to_ascii(cited.entry.finding)), output), entry.id


def test_demo_with_a_rule_base_without_the_switches_is_a_usage_error(run_cli: RunCli) -> None:
    from helpers import MINI_RULES

    result = run_cli("demo", "--no-pause", "--rules", str(MINI_RULES))
    assert result.exit_code in (ExitCode.OK, ExitCode.USAGE), result
    if result.exit_code == ExitCode.USAGE:
        assert "--rules" in result.stderr


def test_in_colour_only_the_id_of_a_quote_is_bold(shipped_rulebase: RuleBase) -> None:
    from rich.text import Text

    from switchadvisor.render.demo import _quotes

    step = demo_steps(shipped_rulebase)[0]
    quote = _quotes(step.studies, "none", plain=False)[0]
    text = quote.renderable  # type: ignore[attr-defined]
    assert isinstance(text, Text) and text.style == ""
    bold = [text.plain[span.start:span.end] for span in text.spans if span.style == "bold"]
    assert bold == [step.studies[0].entry.id]
