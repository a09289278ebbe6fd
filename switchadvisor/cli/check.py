"""`switchadvisor check`: one switch, assessed and rendered.

No ``from __future__ import annotations`` here: typer reads the command's annotations each
time it builds the command, and strings would be compiled and evaluated again every time.
"""

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from switchadvisor.cli.apps import SEVERITIES, MaxProblemsOption, RulesOption, app, examples, load
from switchadvisor.errors import DEFAULT_MAX_PROBLEMS, ExitCode, InputError
from switchadvisor.render import OutputFormat

if TYPE_CHECKING:
    from switchadvisor.assessment import Assessment

# ruff: noqa: UP045


def format_value(text: str) -> str:
    """--format's parser: the format's value ("md" -> "markdown"); InputError if unknown.

    The option is a ``str`` holding the value, made an OutputFormat in the command: typer
    0.28 would turn an OutputFormat-annotated option's parsed member into None (its enum
    convertor looks members up by ``str(member)``), and 0.29 would not convert a value."""
    return OutputFormat.parse(text).value

@app.command(epilog=examples(
    "switchadvisor check --from fingolimod --to alemtuzumab",
    "switchadvisor check --from Gilenya --to Lemtrada --full",
    "switchadvisor check --from Gilenya --to Mavenclad \\\n      --lymphocytes 600/uL",
    "switchadvisor check --from natalizumab \\\n      --to ocrelizumab --stopped 2026-10-01",
    "switchadvisor check --from fingolimod \\\n      --to cladribine -f json --fail-on critical",
))
def check(
    from_: Annotated[str, typer.Option("--from", metavar="DRUG",
                                       help="The drug being stopped (generic, brand or alias).")],
    to: Annotated[str, typer.Option("--to", metavar="DRUG", help="The drug being started.")],
    lymphocytes: Annotated[Optional[str], typer.Option(
        metavar="COUNT", help="Absolute lymphocyte count with its unit: 0.6 K/uL, 0.6x10^9/L, "
        "0.6 G/L, 0.6/nL, 600/uL, 600 cells/mm3, 0,6. A bare number is read as ×10⁹/L up to "
        "20 and as cells/µL from 100; between the two, give the unit.")] = None,
    lymphocytes_lln: Annotated[Optional[str], typer.Option(
        "--lymphocytes-lln", metavar="COUNT",
        help="Your lab's lower limit of normal, in the same forms [default: 1.0 ×10⁹/L].")
    ] = None,
    weeks_since_stop: Annotated[Optional[str], typer.Option(
        "--weeks-since-stop", metavar="WEEKS",
        help="Time since the last dose: 6, 6w, 42d, 2 months.")] = None,
    stopped: Annotated[Optional[str], typer.Option(
        metavar="YYYY-MM-DD", help="Date of the last dose (instead of the weeks since "
        "stopping).")
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
    format_: Annotated[str, typer.Option(
        "--format", "-f", parser=format_value, metavar=OutputFormat.metavar(),
        help="Output format (md = markdown).")] = OutputFormat.TEXT.value,
    fail_on: Annotated[Optional[str], typer.Option(
        "--fail-on", metavar="LEVEL",
        help="Exit 1 when the verdict reaches LEVEL: warning | critical, or info (always "
        "reached: every verdict is at least info). The reason is printed on stderr.")] = None,
    strict: Annotated[bool, typer.Option(
        "--strict", help="With --fail-on, also count the worst severity still possible "
        "from findings that could not be evaluated.")] = False,
    width: Annotated[Optional[int], typer.Option(
        metavar="COLUMNS", min=40, max=300,
        help="Text width in columns [default: the terminal's].")] = None,
    # the card or the full view, and the pager
    full: Annotated[bool, typer.Option(
        "--full", help="Text: everything — messages, reasoning, finding ids, full citations "
        "(the default is a one-screen card).")] = False,
    no_pager: Annotated[bool, typer.Option(
        "--no-pager", help="Never page long text output (it is paged only on a terminal, "
        "with $PAGER or less -FRX).")] = False,
    # pictures: --what-if and --export
    what_if: Annotated[Optional[str], typer.Option(
        "--what-if", metavar="SPEC",
        help="FACT=FROM..TO:STEP: assess across a range of one fact and show where the "
        "answer changes, e.g. lymphocytes=0.2..2.0:0.2 or weeks_since_stop=0..24:2.")] = None,
    export: Annotated[Optional[str], typer.Option(
        "--export", metavar="FILE", help="Also save what is shown as FILE.svg or FILE.html.")
    ] = None,
    # issue 8: bounded rule-base problem lists
    max_problems: MaxProblemsOption = DEFAULT_MAX_PROBLEMS,
    # issue 10: record detail and compact JSON
    detail: Annotated[Optional[str], typer.Option(
        "--detail", metavar="LEVEL",
        help="With --format json: full (the whole assessment) | summary (verdict, washout, "
        "finding ids) [default: full].")] = None,
    compact: Annotated[bool, typer.Option(
        "--compact", help="With --format json: one line instead of indented JSON.")] = False,
    rules: RulesOption = None,
) -> None:
    """Assess a switch: the verdict, why, and the evidence.

    Prints a one-screen card by default (verdict, facts as read, washout, findings with the
    kind of evidence behind them, what would decide the rest); --full for everything.
    """
    output_format = OutputFormat(format_)
    if strict and fail_on is None:  # a usage error before importing the core
        raise InputError("--strict only has a meaning with --fail-on", option="--strict")
    from switchadvisor.engine import Switch, assess
    from switchadvisor.facts import parse_choice, parse_date, parse_facts
    from switchadvisor.render import emit

    threshold = (parse_choice(fail_on, option="--fail-on", choices=SEVERITIES)
                 if fail_on is not None else None)
    raw_facts = {
        "lymphocytes": lymphocytes, "lymphocytes_lln": lymphocytes_lln,
        "weeks_since_stop": weeks_since_stop, "stopped": stopped, "on": on,
        "disease_activity": disease_activity, "age": age,
        "pregnancy_planned": pregnancy_planned, "jcv": jcv,
    }
    json_options = json_detail(output_format, detail, compact)
    facts = parse_facts(raw_facts, today=dt.date.today())
    rulebase = load(rules, max_problems=max_problems)
    switch = Switch.resolve(rulebase, from_, to)
    # --what-if replaces the one assessment by a table; --export saves what is shown.
    from switchadvisor.render.export import exporting

    if what_if is not None:
        from switchadvisor.cli.views import check_what_if

        if threshold is not None:
            raise InputError("--fail-on has no meaning with --what-if", option="--what-if")
        with exporting(export, title="switchadvisor check --what-if") as out:
            check_what_if(rulebase, switch, facts, what_if, output_format, file=out,
                          width=width)
        return
    assessed_on = parse_date(on, option="--on") if on else dt.date.today()  # staleness
    received = {"from": from_, "to": to,
                **{name: value for name, value in raw_facts.items() if value is not None}}
    assessment = assess(rulebase, switch, facts=facts, assessed_on=assessed_on,
                        received=received)
    with exporting(export, title="switchadvisor check") as out:
        # an export records what is written, so it is never sent through a pager
        emit(assessment, output_format, file=out, width=width, full=full,
             pager=not no_pager and export is None, **json_options)
    code = fail_on_exit_code(assessment, threshold, strict=strict)
    if code == ExitCode.FAIL_ON and threshold is not None:
        typer.echo(f"switchadvisor: exit 1: {fail_on_reason(assessment, threshold, strict)}",
                   err=True)
    raise typer.Exit(code)


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


def fail_on_exit_code(assessment: "Assessment", threshold: str | None, *, strict: bool) -> int:
    """1 when ``--fail-on`` is given and reached (with ``--strict``: could be reached)."""
    if threshold is None:
        return ExitCode.OK
    reached = assessment.worst_possible if strict else assessment.verdict
    return ExitCode.FAIL_ON if reached.rank >= SEVERITIES.index(threshold) else ExitCode.OK




def fail_on_reason(assessment: "Assessment", threshold: str, strict: bool) -> str:
    """Why ``--fail-on`` made the exit code 1, in one line."""
    verdict = assessment.verdict
    if verdict.rank >= SEVERITIES.index(threshold):
        return f"the verdict {verdict.value} reaches --fail-on {threshold}"
    worst = assessment.worst_possible
    pending = [item.title for item in assessment.not_evaluated if item.severity is worst]
    return (f"with --strict, {worst.value} is still possible (not evaluated: "
            f"{'; '.join(pending)}), which reaches --fail-on {threshold}")
