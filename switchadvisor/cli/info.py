"""Commands that describe what the tool knows: `drugs` (`schema` is in ``cli/schema.py``)."""

from __future__ import annotations

import typer

from switchadvisor.cli.app import RulesOption, app, load


@app.command()
def drugs(rules: RulesOption = None) -> None:
    """List the drugs the rule base knows, with their class, brands and aliases."""
    rulebase = load(rules)
    for drug in sorted(rulebase.drugs.values(), key=lambda item: item.id):
        names = ", ".join([*drug.brands, *drug.aliases])
        flag = " (off-label in MS)" if drug.off_label else ""
        typer.echo(f"{drug.id:<20} {drug.class_:<28} {names}{flag}")
