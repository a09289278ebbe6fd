"""The command line: parse options, call the core, render; one error boundary maps every
error to a documented exit code (see ``ExitCode``).

Heavy modules (the rule base, rich) are imported inside commands so that `--version` and the
JSON path load only what they use.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import traceback
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from typer.exceptions import TyperException

from switchadvisor import __version__
from switchadvisor.errors import ExitCode, InputError, RuleBaseError, SwitchAdvisorError
from switchadvisor.render import OutputFormat

if TYPE_CHECKING:
    from switchadvisor.assessment import Assessment
    from switchadvisor.rulebase import RuleBase

# typer reads these annotations at run time; Optional[...] keeps them valid on Python 3.10.
# ruff: noqa: UP045

app = typer.Typer(
    name="switchadvisor",
    help="Explain the risks of switching between multiple sclerosis disease-modifying "
    "therapies, with the reasoning and the cited evidence. Educational and decision-support "
    "aid, not a prescription.",
    pretty_exceptions_enable=False,
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
rules_app = typer.Typer(help="Validate, test and inspect the rule base.",
                        no_args_is_help=True, pretty_exceptions_enable=False)
app.add_typer(rules_app, name="rules")

RulesOption = Annotated[
    Optional[str],
    typer.Option("--rules", metavar="DIR", envvar="SWITCHADVISOR_RULES", show_envvar=True,
                 help="Use the rule base in DIR instead of the packaged one."),
]


SEVERITIES = ("info", "warning", "critical")


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"switchadvisor {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[bool, typer.Option("--version", callback=_version_callback,
                                          is_eager=True, help="Show the version and exit.")
                       ] = False,
    debug: Annotated[bool, typer.Option("--debug",
                                        help="Show the traceback of internal errors.")] = False,
) -> None:
    """switchadvisor: MS disease-modifying therapy switch risks, explained and cited."""


def _load(rules: str | None) -> RuleBase:
    from switchadvisor.rulebase import load_rulebase

    return load_rulebase(rules)


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
    facts = parse_facts({
        "lymphocytes": lymphocytes, "lymphocytes_lln": lymphocytes_lln,
        "weeks_since_stop": weeks_since_stop, "stopped": stopped, "on": on,
        "disease_activity": disease_activity, "age": age,
        "pregnancy_planned": pregnancy_planned, "jcv": jcv,
    }, today=dt.date.today())
    rulebase = _load(rules)
    switch = Switch.resolve(rulebase, from_, to)
    assessment = assess(rulebase, switch, facts=facts)
    emit(assessment, output_format, file=sys.stdout, width=width)
    raise typer.Exit(fail_on_exit_code(assessment, threshold, strict=strict))


def fail_on_exit_code(assessment: Assessment, threshold: str | None, *, strict: bool) -> int:
    """1 when ``--fail-on`` is given and reached (with ``--strict``: could be reached)."""
    if threshold is None:
        return ExitCode.OK
    reached = assessment.worst_possible if strict else assessment.verdict
    return ExitCode.FAIL_ON if reached.rank >= SEVERITIES.index(threshold) else ExitCode.OK


@app.command()
def drugs(rules: RulesOption = None) -> None:
    """List the drugs the rule base knows, with their class, brands and aliases."""
    rulebase = _load(rules)
    for drug in sorted(rulebase.drugs.values(), key=lambda item: item.id):
        names = ", ".join([*drug.brands, *drug.aliases])
        flag = " (off-label in MS)" if drug.off_label else ""
        typer.echo(f"{drug.id:<20} {drug.class_:<28} {names}{flag}")


@app.command()
def schema() -> None:
    """Print the JSON Schema of the `check --format json` output."""
    import json

    from switchadvisor.assessment import assessment_schema

    typer.echo(json.dumps(assessment_schema(), indent=2, ensure_ascii=False))


@rules_app.command("validate")
def rules_validate(
    directory: Annotated[Optional[str], typer.Argument(
        metavar="[DIR]", help="Rule base to check [default: --rules, or the packaged one].")
    ] = None,
    rules: RulesOption = None,
) -> None:
    """Check every rule file; list each problem as file:line:column (exit 3 if any)."""
    rulebase = _load(directory or rules)
    typer.echo(f"rule base OK: {len(rulebase.drugs)} drugs, {len(rulebase.pathways)} pathways, "
               f"{rulebase.finding_count} findings, {len(rulebase.evidence)} evidence entries "
               f"({rulebase.location.path}, {rulebase.location.source.value})")


@rules_app.command("test")
def rules_test(
    show_coverage: Annotated[bool, typer.Option(
        "--coverage", help="List every finding no scenario exercises.")] = False,
    min_coverage: Annotated[Optional[float], typer.Option(
        "--min-coverage", metavar="PCT", min=0, max=100,
        help="Fail (exit 1) when scenario coverage of findings is below PCT.")] = None,
    rules: RulesOption = None,
) -> None:
    """Run the rule base's scenarios (rules/scenarios/*.yaml)."""
    from switchadvisor.scenarios import coverage, load_scenarios, run_scenario, scenario_dir

    rulebase = _load(rules)
    loaded = load_scenarios(scenario_dir(rulebase))
    results = [run_scenario(rulebase, scenario) for scenario in loaded]
    for result in results:
        if not result.passed:
            typer.echo(f"FAIL {result.scenario.id}")
            for failure in result.failures:
                typer.echo(f"     {failure}")
    passed = sum(result.passed for result in results)
    failed = len(results) - passed
    report = coverage(rulebase, loaded)
    if show_coverage:
        for finding_id in report.missing:
            typer.echo(f"not exercised: {finding_id}")
    typer.echo(f"coverage: {report.total - len(report.missing)}/{report.total} findings "
               f"({report.percent:.1f}%)")
    typer.echo(f"scenarios: {passed} passed, {failed} failed")
    if failed or (min_coverage is not None and report.percent < min_coverage):
        if min_coverage is not None and report.percent < min_coverage:
            typer.echo(f"coverage {report.percent:.1f}% is below --min-coverage "
                       f"{min_coverage:g}%", err=True)
        raise typer.Exit(ExitCode.FAIL_ON)


# --------------------------------------------------------------------------- the boundary


def _stderr(message: str) -> None:
    print(f"switchadvisor: {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: the one place errors become exit codes."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args or bool(os.environ.get("SWITCHADVISOR_DEBUG"))
    sys.exit(run(args, debug=debug))


def run(args: list[str], *, debug: bool = False) -> int:
    try:
        result = app(args=args, prog_name="switchadvisor", standalone_mode=False)
        return int(result) if isinstance(result, int) else ExitCode.OK
    except InputError as exc:
        _stderr(f"error: {exc}")
        return ExitCode.USAGE
    except RuleBaseError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        _stderr(f"error: {exc}")
        return ExitCode.RULEBASE
    except SwitchAdvisorError as exc:
        _stderr(f"error: {exc}")
        return exc.exit_code
    except TyperException as exc:  # usage errors found by the option parser
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            _stderr(f"error: {exc.format_message()}")
        return ExitCode.USAGE
    except (typer.Abort, KeyboardInterrupt):
        _stderr("interrupted")
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); say nothing more.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return ExitCode.OK
    except Exception as exc:
        if debug:
            traceback.print_exc()
        _stderr(f"internal error: {type(exc).__name__}: {exc} "
                "(please report it; run with --debug for the traceback)")
        return ExitCode.INTERNAL
