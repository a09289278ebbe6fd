"""Commands that describe what the tool knows: `schema` (`drugs` is in ``cli.lookup``)."""

from __future__ import annotations

import typer

from switchadvisor.cli.app import app, examples


@app.command(epilog=examples("switchadvisor schema > assessment.schema.json"))
def schema() -> None:
    """Print the JSON Schema of the `check --format json` output."""
    import json

    from switchadvisor.assessment import assessment_schema

    typer.echo(json.dumps(assessment_schema(), indent=2, ensure_ascii=False))

