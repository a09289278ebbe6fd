"""Commands that describe what the tool knows: `drugs`, `schema`."""

from __future__ import annotations

import typer

from switchadvisor.cli.app import MaxProblemsOption, RulesOption, app, load
from switchadvisor.errors import DEFAULT_MAX_PROBLEMS


@app.command()
def drugs(rules: RulesOption = None,
          max_problems: MaxProblemsOption = DEFAULT_MAX_PROBLEMS) -> None:
    """List the drugs the rule base knows, with their class, brands and aliases."""
    rulebase = load(rules, max_problems=max_problems)
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

