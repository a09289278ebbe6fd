"""`switchadvisor rules …`: validate and test a rule base."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from switchadvisor.cli.apps import MaxProblemsOption, RulesOption, examples, load, rules_app
from switchadvisor.errors import DEFAULT_MAX_PROBLEMS, ExitCode, RuleBaseError, printable

# ruff: noqa: UP045

QuietOption = Annotated[bool, typer.Option(
    "--quiet", "-q", help="Print nothing but problems and failures (the exit code tells).")]


@rules_app.command("validate", epilog=examples(
    "switchadvisor rules validate", "switchadvisor rules validate path/to/rules -q"))
def rules_validate(
    directory: Annotated[Optional[str], typer.Argument(
        metavar="[DIR]", show_default=False,
        help="Rule base to check [default: --rules, or the packaged one].")
    ] = None,
    rules: RulesOption = None,
    quiet: QuietOption = False,
    max_problems: MaxProblemsOption = DEFAULT_MAX_PROBLEMS,
) -> None:
    """Check every rule file; list each problem as file:line:column (exit 3 if any).

    Also fails when some ordered pair of the rule base's drugs has no pathway at all.
    """
    from switchadvisor.rulebase.checks import uncovered_pairs

    rulebase = load(directory if directory is not None else rules, max_problems=max_problems,
                    cache=False)  # validation always reads the YAML
    gaps, count = uncovered_pairs(rulebase)
    if count:
        raise RuleBaseError(gaps, summary=f"incomplete rule base {rulebase.location.path}",
                            omitted=count - len(gaps), max_shown=max_problems)
    if quiet:
        return
    typer.echo(f"rule base OK: {len(rulebase.drugs)} drugs, {len(rulebase.pathways)} pathways, "
               f"{rulebase.finding_count} findings, {len(rulebase.evidence)} evidence entries "
               f"({printable(str(rulebase.location.path))}, {rulebase.location.source.value})")


@rules_app.command("test", epilog=examples(
    "switchadvisor rules test --coverage", "switchadvisor rules test --min-coverage 100 -q"))
def rules_test(
    show_coverage: Annotated[bool, typer.Option(
        "--coverage", help="List every finding no scenario exercises.")] = False,
    min_coverage: Annotated[Optional[float], typer.Option(
        "--min-coverage", metavar="PCT", min=0, max=100,
        help="Fail (exit 1) when scenario coverage of findings is below PCT.")] = None,
    rules: RulesOption = None,
    quiet: QuietOption = False,
    max_problems: MaxProblemsOption = DEFAULT_MAX_PROBLEMS,
) -> None:
    """Run the rule base's scenarios (rules/scenarios/*.yaml)."""
    from switchadvisor.scenarios import coverage, load_scenarios, run_scenario, scenario_dir

    rulebase = load(rules, max_problems=max_problems, cache=False)
    try:
        loaded = load_scenarios(scenario_dir(rulebase))
    except RuleBaseError as exc:
        exc.max_shown = max_problems
        raise
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
    if not quiet:
        typer.echo(f"coverage: {report.total - len(report.missing)}/{report.total} findings "
                   f"({report.percent:.1f}%)")
        typer.echo(f"scenarios: {passed} passed, {failed} failed")
    if failed or (min_coverage is not None and report.percent < min_coverage):
        if min_coverage is not None and report.percent < min_coverage:
            typer.echo(f"coverage {report.percent:.1f}% is below --min-coverage "
                       f"{min_coverage:g}%", err=True)
        raise typer.Exit(ExitCode.FAIL_ON)


