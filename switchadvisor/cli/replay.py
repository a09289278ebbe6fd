"""`switchadvisor replay FILE`: re-run saved assessments, report what changed."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from switchadvisor.cli.apps import ReportFormat, RulesOption, app, examples, load
from switchadvisor.errors import ExitCode, InputError, printable_text


@app.command(epilog=examples(
    "switchadvisor replay saved.jsonl",
    "switchadvisor replay saved.jsonl -f json",
))
def replay(
    file: Annotated[str, typer.Argument(
        metavar="FILE", help="Saved assessments: one JSON document, a JSON array or JSON "
        "Lines, full or summary records; - reads stdin.")],
    output_format: Annotated[ReportFormat, typer.Option(
        "--format", "-f", case_sensitive=False, help="Report format.")] = ReportFormat.TEXT,
    rules: RulesOption = None,
) -> None:
    """Re-run saved assessments against the current rule base and report which verdicts or
    findings changed (exit 1 if any did, 2 if a record could not be read)."""
    from switchadvisor.replay import render_replay_text, replay

    rulebase = load(rules)
    if file == "-":
        report = replay(rulebase, sys.stdin)
    else:
        from switchadvisor.paths import input_file, shown

        path = input_file(file, "FILE")
        try:
            with path.open(encoding="utf-8") as stream:
                report = replay(rulebase, stream)
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or exc
            raise InputError(f"FILE: cannot read {shown(file)}: {reason}",
                             option="FILE") from None
    if output_format is ReportFormat.JSON:
        typer.echo(report.model_dump_json(indent=2, by_alias=True))
    else:
        # the report quotes the records (names, ids): their control characters are escaped
        typer.echo(printable_text(render_replay_text(report, file)), nl=False)
    if report.counts.errors:
        raise typer.Exit(ExitCode.USAGE)
    raise typer.Exit(ExitCode.FAIL_ON if report.counts.changed else ExitCode.OK)
