"""The command line: parse options, call the core, render; one error boundary maps every
error to a documented exit code (see ``ExitCode``).

Each command lives in its own module and registers itself on the app when imported below.
"""

from __future__ import annotations

import os
import sys
import traceback

import typer
from typer.exceptions import TyperException

from switchadvisor.cli import batch as _batch  # noqa: F401
from switchadvisor.cli import check as _check  # noqa: F401  (registers the command)
from switchadvisor.cli import info as _info  # noqa: F401
from switchadvisor.cli import rules as _rules  # noqa: F401
from switchadvisor.cli import schema as _schema  # noqa: F401
from switchadvisor.cli.app import app, rules_app
from switchadvisor.cli.check import fail_on_exit_code
from switchadvisor.cli.errordata import write_json_error
from switchadvisor.errors import ExitCode, InputError, RuleBaseError, SwitchAdvisorError

__all__ = ["app", "fail_on_exit_code", "main", "rules_app", "run"]

# --------------------------------------------------------------------------- the boundary


def _stderr(message: str) -> None:
    print(f"switchadvisor: {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: the one place errors become exit codes."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args or bool(os.environ.get("SWITCHADVISOR_DEBUG"))
    sys.exit(run(args, debug=debug))


def run(args: list[str], *, debug: bool = False) -> int:
    try:
        result = app(args=args, prog_name="switchadvisor", standalone_mode=False)
        return int(result) if isinstance(result, int) else ExitCode.OK
    except InputError as exc:
        write_json_error(args, exc)
        _stderr(f"error: {exc}")
        return ExitCode.USAGE
    except RuleBaseError as exc:
        write_json_error(args, exc)
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        _stderr(f"error: {exc}")
        return ExitCode.RULEBASE
    except SwitchAdvisorError as exc:
        write_json_error(args, exc)
        _stderr(f"error: {exc}")
        return exc.exit_code
    except TyperException as exc:  # usage errors found by the option parser
        write_json_error(args, exc)
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            _stderr(f"error: {exc.format_message()}")
        return ExitCode.USAGE
    except (typer.Abort, KeyboardInterrupt):
        _stderr("interrupted")
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); say nothing more.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return ExitCode.OK
    except Exception as exc:
        if debug:
            traceback.print_exc()
        _stderr(f"internal error: {type(exc).__name__}: {exc} "
                "(please report it; run with --debug for the traceback)")
        return ExitCode.INTERNAL

