"""`switchadvisor check`: one switch, assessed and rendered."""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from switchadvisor.cli.app import SEVERITIES, RulesOption, app, load
from switchadvisor.errors import ExitCode, InputError
from switchadvisor.render import OutputFormat

if TYPE_CHECKING:
    from switchadvisor.assessment import Assessment

# ruff: noqa: UP045

@app.command()
def check(
    from_: Annotated[str, typer.Option("--from", metavar="DRUG",
                                       help="The drug being stopped (generic, brand or alias).")],
    to: Annotated[str, typer.Option("--to", metavar="DRUG", help="The drug being started.")],
    lymphocytes: Annotated[Optional[str], typer.Option(
        metavar="COUNT", help="Absolute lymphocyte count: 0.6, 0.6e9/L, 0.6x10^9/L, 600/uL, "
        "600 cells/mm3 (a bare number above 50 is read as cells/µL).")] = None,
    lymphocytes_lln: Annotated[Optional[str], typer.Option(
        "--lymphocytes-lln", metavar="COUNT",
        help="Your lab's lower limit of normal [default: 1.0 ×10⁹/L].")] = None,
    weeks_since_stop: Annotated[Optional[str], typer.Option(
        "--weeks-since-stop", metavar="WEEKS",
        help="Time since the last dose: 6, 6w, 42d, 2 months.")] = None,
    stopped: Annotated[Optional[str], typer.Option(
        metavar="YYYY-MM-DD", help="Date of the last dose (instead of --weeks-since-stop).")
    ] = None,
    on: Annotated[Optional[str], typer.Option(
        metavar="YYYY-MM-DD", help="Assessment date for --stopped [default: today].")] = None,
    disease_activity: Annotated[Optional[str], typer.Option(
        "--disease-activity", metavar="LEVEL", help="none | active | highly-active.")] = None,
    age: Annotated[Optional[str], typer.Option(metavar="YEARS", help="Age in years.")] = None,
    pregnancy_planned: Annotated[Optional[bool], typer.Option(
        "--pregnancy-planned/--no-pregnancy-planned", show_default=False,
        help="Whether a pregnancy is planned.")] = None,
    jcv: Annotated[Optional[str], typer.Option(
        metavar="STATUS", help="Anti-JCV antibody status: positive | negative.")] = None,
    output_format: Annotated[OutputFormat, typer.Option(
        "--format", "-f", case_sensitive=False, help="Output format.")] = OutputFormat.TEXT,
    fail_on: Annotated[Optional[str], typer.Option(
        "--fail-on", metavar="LEVEL",
        help="Exit 1 when the verdict reaches LEVEL (info | warning | critical).")] = None,
    strict: Annotated[bool, typer.Option(
        "--strict", help="With --fail-on, also count the worst severity still possible "
        "from findings that could not be evaluated.")] = False,
    width: Annotated[Optional[int], typer.Option(
        min=40, max=300, help="Text width in columns [default: the terminal's].")] = None,
    # h10a (issue 10): record detail and compact JSON
    detail: Annotated[Optional[str], typer.Option(
        "--detail", metavar="LEVEL",
        help="With --format json: full (the whole assessment) | summary (verdict, washout, "
        "finding ids) [default: full].")] = None,
    compact: Annotated[bool, typer.Option(
        "--compact", help="With --format json: one line instead of indented JSON.")] = False,
    rules: RulesOption = None,
) -> None:
    """Assess a switch: verdict, washout window, findings with reasoning, and evidence."""
    from switchadvisor.engine import Switch, assess
    from switchadvisor.facts import parse_choice, parse_facts
    from switchadvisor.render import emit

    threshold = (parse_choice(fail_on, option="--fail-on", choices=SEVERITIES)
                 if fail_on is not None else None)
    if strict and threshold is None:
        raise InputError("--strict only has a meaning with --fail-on", option="--strict")
    raw_facts = {
        "lymphocytes": lymphocytes, "lymphocytes_lln": lymphocytes_lln,
        "weeks_since_stop": weeks_since_stop, "stopped": stopped, "on": on,
        "disease_activity": disease_activity, "age": age,
        "pregnancy_planned": pregnancy_planned, "jcv": jcv,
    }
    json_options = json_detail(output_format, detail, compact)
    facts = parse_facts(raw_facts, today=dt.date.today())
    rulebase = load(rules)
    switch = Switch.resolve(rulebase, from_, to)
    received = {"from": from_, "to": to,
                **{name: value for name, value in raw_facts.items() if value is not None}}
    assessment = assess(rulebase, switch, facts=facts, received=received)
    emit(assessment, output_format, file=sys.stdout, width=width, **json_options)
    raise typer.Exit(fail_on_exit_code(assessment, threshold, strict=strict))


def json_detail(output_format: OutputFormat, detail: str | None,
                compact: bool) -> dict[str, Any]:
    """Check --detail and --compact (JSON only); the keyword arguments for ``emit``."""
    from switchadvisor.facts import parse_choice

    if output_format is not OutputFormat.JSON:
        for given, option in ((detail is not None, "--detail"), (compact, "--compact")):
            if given:
                raise InputError(f"{option} only has a meaning with --format json",
                                 option=option)
        return {}
    level = parse_choice(detail or "full", option="--detail", choices=("full", "summary"))
    return {"detail": level, "compact": compact}


def fail_on_exit_code(assessment: Assessment, threshold: str | None, *, strict: bool) -> int:
    """1 when ``--fail-on`` is given and reached (with ``--strict``: could be reached)."""
    if threshold is None:
        return ExitCode.OK
    reached = assessment.worst_possible if strict else assessment.verdict
    return ExitCode.FAIL_ON if reached.rank >= SEVERITIES.index(threshold) else ExitCode.OK


