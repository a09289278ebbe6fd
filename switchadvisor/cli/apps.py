"""The typer applications, their shared options and the rule-base loader the commands use.

Command modules (``check``, ``lookup``, ``rules``, …) register themselves on ``app`` or
``rules_app`` when imported (``switchadvisor.cli.commands`` imports the ones a run needs).
Heavy modules (the rule base, rich, pydantic) are imported inside commands so that
`--version` and the JSON path load only what they use.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from typer.core import TyperGroup

from switchadvisor import __version__
from switchadvisor.errors import DEFAULT_MAX_PROBLEMS

if TYPE_CHECKING:
    from switchadvisor.rulebase import RuleBase

# typer reads these annotations at run time; Optional[...] keeps them valid on Python 3.10.
# ruff: noqa: UP045

HELP_SETTINGS = {"help_option_names": ["-h", "--help"], "show_default": True}


def examples(*commands: str) -> str:
    """An Examples section for a command's help (kept as written: click's \\b marker)."""
    return "\b\nExamples:\n" + "\n".join(f"  {command}" for command in commands)


class WholeSummaries(TyperGroup):
    """A command group whose list of commands gives each one's first sentence whole, wrapped
    under itself, instead of cutting it at 45 characters with "..."."""

    def format_commands(self, ctx: Any, formatter: Any) -> None:  # typer's vendored click
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.short_help or first_sentence(command.help or "")))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def first_sentence(text: str) -> str:
    """The first sentence of a help text (its first paragraph when no sentence ends)."""
    paragraph = " ".join(text.strip().split("\n\n", 1)[0].split())
    end = paragraph.find(". ")
    return paragraph[:end + 1] if end >= 0 else paragraph


app = typer.Typer(
    name="switchadvisor",
    cls=WholeSummaries,
    help="Explain the risks of switching between multiple sclerosis disease-modifying "
    "therapies, with the reasoning and the cited evidence. Educational and decision-support "
    "aid, not a prescription.",
    epilog=examples(
        "switchadvisor check --from fingolimod --to alemtuzumab",
        "switchadvisor explain fingolimod-to-alemtuzumab-escape",
        "switchadvisor evidence --kind cohort",
        "switchadvisor --install-completion",
    ),
    pretty_exceptions_enable=False,
    add_completion=True,
    no_args_is_help=True,
    # Plain (click) help: option names are never cut and it reads well at 60 columns.
    rich_markup_mode=None,
    context_settings=HELP_SETTINGS,
)
rules_app = typer.Typer(help="Validate, test and inspect the rule base.", cls=WholeSummaries,
                        epilog=examples("switchadvisor rules validate rules/",
                                        "switchadvisor rules test --coverage"),
                        no_args_is_help=True, pretty_exceptions_enable=False,
                        rich_markup_mode=None, context_settings=HELP_SETTINGS)
app.add_typer(rules_app, name="rules")

RulesOption = Annotated[
    Optional[str],
    typer.Option("--rules", metavar="DIR", envvar="SWITCHADVISOR_RULES", show_envvar=True,
                 help="Use the rule base in DIR instead of the packaged one."),
]

MaxProblemsOption = Annotated[
    int,
    typer.Option("--max-problems", metavar="N", min=1, max=100_000,
                 help="List at most N rule-base problems, then how many more."),
]


SEVERITIES = ("info", "warning", "critical")


class ReportFormat(str, enum.Enum):
    """--format of the reports of `replay` and `rules diff`."""

    TEXT = "text"
    JSON = "json"


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"switchadvisor {__version__}")
        typer.echo(rulebase_line())
        raise typer.Exit()


def rulebase_line() -> str:
    """The rule base in use: id, version and review date (or why it cannot be read)."""
    from switchadvisor.errors import SwitchAdvisorError
    from switchadvisor.rulebase import load_rulebase

    try:
        meta = load_rulebase(cache=settings.use_cache).meta
    except SwitchAdvisorError as exc:
        return f"rule base: not available ({exc})"
    return f"rule base {meta.id} {meta.version}, reviewed {meta.reviewed.isoformat()}"


@app.callback()
def root(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version_callback, is_eager=True, show_default=False,
        help="Show the version and the rule base's id, version and review date, and exit.")
    ] = False,
    debug: Annotated[bool, typer.Option(
        "--debug", show_default=False,
        help="Show the traceback of internal errors (also accepted after the command, "
        "or set SWITCHADVISOR_DEBUG=1).")] = False,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", show_default=False,
        help="Read the rule base's YAML instead of its compiled copy in the user cache "
        "(also accepted after the command, or set SWITCHADVISOR_NO_CACHE=1).")] = False,
) -> None:
    """switchadvisor: MS disease-modifying therapy switch risks, explained and cited."""


MAX_GRID_DRUGS = 100
"""`matrix` and `rules diff` assess every ordered pair of drugs (diff: under 14 fact sets, in
both rule bases): work grows with the square of the drug count, and a rule base within its
value cap could hold 15,000 drugs (225 million switches). At most this many drugs (9,900
switches); the packaged rule base has 16."""


def check_grid_size(rulebase: RuleBase, what: str, option: str) -> None:
    """InputError when ``rulebase`` has too many drugs for an every-pair view."""
    from switchadvisor.errors import InputError

    count = len(rulebase.drugs)
    if count > MAX_GRID_DRUGS:
        raise InputError(f"{what}: the rule base has {count:,} drugs, {count * (count - 1):,} "
                         f"switches; at most {MAX_GRID_DRUGS} drugs are compared pair by pair "
                         "(check, options and batch take any number)", option=option,
                         code="too-large", accepted=f"a rule base of at most {MAX_GRID_DRUGS} "
                         "drugs")


@dataclass
class Settings:
    """Root options that reach the core: set by ``cli.run`` for each invocation."""

    use_cache: bool = True


settings = Settings()


def load(rules: str | None, *, max_problems: int = DEFAULT_MAX_PROBLEMS,
         cache: bool = True) -> RuleBase:
    """The rule base at ``rules`` (the packaged one when None); ``--rules ''`` is an error.
    ``cache=False`` reads the YAML even when a compiled copy is cached."""
    from switchadvisor.errors import InputError, RuleBaseError
    from switchadvisor.rulebase import load_rulebase

    if rules is not None and not rules.strip():
        raise InputError("--rules needs a directory (an empty name was given)",
                         option="--rules")
    try:
        return load_rulebase(rules, cache=cache and settings.use_cache)
    except RuleBaseError as exc:
        exc.max_shown = max_problems
        raise

