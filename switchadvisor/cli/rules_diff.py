"""`switchadvisor rules diff OLD_DIR NEW_DIR`: what a rule-base change does to the answers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from switchadvisor.cli.apps import ReportFormat, check_grid_size, examples, rules_app
from switchadvisor.errors import ExitCode, RuleBaseError, printable_text

if TYPE_CHECKING:
    from switchadvisor.rulebase import RuleBase


@rules_app.command("diff", epilog=examples(
    "switchadvisor rules diff old-rules/ new-rules/",
    "switchadvisor rules diff OLD NEW -f json > changes.json",
))
def rules_diff(
    old_dir: Annotated[str, typer.Argument(metavar="OLD_DIR", help="The rule base before.")],
    new_dir: Annotated[str, typer.Argument(metavar="NEW_DIR", help="The rule base after.")],
    output_format: Annotated[ReportFormat, typer.Option(
        "--format", "-f", case_sensitive=False, help="Report format.")] = ReportFormat.TEXT,
) -> None:
    """List the switches whose verdict, findings or washout differ between two rule bases,
    over every ordered pair of drugs, with no facts and with a fixed set of representative
    facts (exit 0 identical, 1 different, 3 if either rule base is invalid)."""
    from switchadvisor.diff import diff_rulebases, render_diff_text

    old = _load(old_dir, "OLD_DIR")
    new = _load(new_dir, "NEW_DIR")
    check_grid_size(old, "rules diff", "OLD_DIR")
    check_grid_size(new, "rules diff", "NEW_DIR")
    diff = diff_rulebases(old, new)
    if output_format is ReportFormat.JSON:
        typer.echo(diff.model_dump_json(indent=2, by_alias=True))
    else:
        typer.echo(printable_text(render_diff_text(diff)), nl=False)
    raise typer.Exit(ExitCode.OK if diff.identical else ExitCode.FAIL_ON)


def _load(directory: str, name: str) -> RuleBase:
    from switchadvisor.cli.apps import settings
    from switchadvisor.paths import input_directory
    from switchadvisor.rulebase import load_rulebase

    try:
        return load_rulebase(input_directory(directory, name), cache=settings.use_cache)
    except RuleBaseError as exc:
        raise RuleBaseError(problems=exc.problems, omitted=exc.omitted,
                            summary=f"{name} {directory}: {exc.summary}") from None
