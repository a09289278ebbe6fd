"""The typer application, its shared options and the rule-base loader the commands use.

Command modules (``check``, ``info``, ``rules``, …) register themselves on ``app`` or
``rules_app`` when ``switchadvisor.cli`` imports them. Heavy modules (the rule base, rich) are
imported inside commands so that `--version` and the JSON path load only what they use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Optional

import typer

from switchadvisor import __version__

if TYPE_CHECKING:
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


def load(rules: str | None) -> RuleBase:
    from switchadvisor.rulebase import load_rulebase

    return load_rulebase(rules)

