"""`switchadvisor schema [NAME]`: the JSON Schema of an output or input, from the models."""

from __future__ import annotations

from typing import Annotated

import typer

from switchadvisor.cli.apps import app, examples

_NAMES = "assessment | summary | batch-input | batch-error | cds-hooks"


@app.command(epilog=examples(
    "switchadvisor schema > assessment.schema.json",
    "switchadvisor schema summary",
))
def schema(
    name: Annotated[str, typer.Argument(
        metavar="[NAME]", help=f"Which schema: {_NAMES}.")] = "assessment",
) -> None:
    """Print a JSON Schema (draft 2020-12): the `check --format json` output by default."""
    from switchadvisor.facts import parse_choice
    from switchadvisor.schemas import SCHEMAS, schema_text

    chosen = parse_choice(name, option="NAME", choices=tuple(SCHEMAS))
    typer.echo(schema_text(SCHEMAS[chosen]()), nl=False)
