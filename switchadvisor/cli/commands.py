"""Which module defines which command, so that a run imports only the command it runs.

Each command module registers its commands on ``app`` or ``rules_app`` when imported, and
importing one costs what it imports at module level (typer reads the signature, so the
option types come along). ``switchadvisor check …`` therefore imports ``cli.check`` alone;
help, completion, an unknown command or no command at all import every module, and the
commands are then listed in the order below whatever was imported first.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from typer.models import CommandInfo

ROOT_COMMANDS: dict[str, str] = {
    "batch": "batch",
    "check": "check",
    "explain": "lookup",
    "evidence": "lookup",
    "drugs": "lookup",
    "replay": "replay",
    "schema": "schema",
    "timeline": "views",
    "matrix": "views",
    "options": "views",
    "demo": "views",
}
"""Root command → its module in ``switchadvisor.cli``, in the order `--help` lists them."""

RULES_COMMANDS: dict[str, str] = {"validate": "rules", "test": "rules", "diff": "rules_diff"}
"""``rules`` subcommand → its module, in the order `rules --help` lists them."""

COMPLETION_VARIABLE = "_SWITCHADVISOR_COMPLETE"
"""Set by the shell when it asks for completions (typer's ``_{PROG}_COMPLETE``)."""


def modules_for(args: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    """The command modules a run with ``args`` needs: the named command's, else all.

    The root options (--version, --debug, --help, completion) are flags, so the first
    argument that is not an option names the command."""
    everything = list(dict.fromkeys([*ROOT_COMMANDS.values(), *RULES_COMMANDS.values()]))
    if environ is not None and COMPLETION_VARIABLE in environ:
        return everything
    words = [arg for arg in args if not arg.startswith("-")]
    if not words:  # help lists every command; --version alone needs none
        version_only = "--version" in args and not {"-h", "--help"} & set(args)
        return [] if version_only else everything
    if words[0] == "rules":
        module = RULES_COMMANDS.get(words[1]) if len(words) > 1 else None
        return [module] if module is not None else everything
    module = ROOT_COMMANDS.get(words[0])
    return [module] if module is not None else everything


COLLECTOR_OFF = frozenset({"check"})
"""Command modules whose work is bounded (``check``: one switch, at most 200 with --what-if),
so that the console script runs them with the cyclic garbage collector off (see
``switchadvisor.entry``); batch, replay and the every-pair views keep it."""


def keeps_collector_off(args: list[str], environ: Mapping[str, str] | None = None) -> bool:
    """Whether a run with ``args`` does only bounded work (see ``COLLECTOR_OFF``)."""
    return set(modules_for(args, environ)) <= COLLECTOR_OFF


def register(modules: list[str]) -> None:
    """Import ``modules`` (registering their commands), then put the registered commands in
    the documented order."""
    from switchadvisor.cli.apps import app, rules_app

    for module in modules:
        import_module(f"switchadvisor.cli.{module}")
    _order(app.registered_commands, list(ROOT_COMMANDS))
    _order(rules_app.registered_commands, list(RULES_COMMANDS))


def register_all() -> None:
    """Every command, as help and completion list them."""
    register(modules_for([]))


def _order(commands: list[CommandInfo], names: list[str]) -> None:
    rank = {name: index for index, name in enumerate(names)}
    commands.sort(key=lambda command: rank.get(_name(command), len(rank)))


def _name(command: CommandInfo) -> str:
    """The command's name as typer gives it (the function's name, _ as -, when unnamed)."""
    callback_name = getattr(command.callback, "__name__", "")
    return command.name or callback_name.lower().replace("_", "-")
