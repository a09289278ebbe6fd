"""The command line: parse options, call the core, render; one error boundary maps every
error to a documented exit code (see ``ExitCode``).

Each command lives in its own module and registers itself on the app when imported; a run
imports only the module of the command it runs (``switchadvisor.cli.commands``).
``switchadvisor.cli.app`` and ``rules_app`` are the applications with every command.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import io
import os
import sys
import traceback
from typing import TYPE_CHECKING, Any, TextIO

import typer
from typer.exceptions import TyperException

from switchadvisor.cli import apps as _apps
from switchadvisor.cli.commands import modules_for, register, register_all
from switchadvisor.cli.errordata import discard_stdout, write_json_error
from switchadvisor.errors import (
    ExitCode,
    InputError,
    RuleBaseError,
    SwitchAdvisorError,
    bounded,
    printable,
)

if TYPE_CHECKING:
    from switchadvisor.cli.apps import app, rules_app
    from switchadvisor.cli.check import fail_on_exit_code

__all__ = ["app", "fail_on_exit_code", "main", "rules_app", "run"]


def __getattr__(name: str) -> Any:
    """``app`` and ``rules_app`` with every command registered; ``fail_on_exit_code``."""
    if name in ("app", "rules_app"):
        register_all()
        return getattr(_apps, name)
    if name == "fail_on_exit_code":
        from switchadvisor.cli.check import fail_on_exit_code

        return fail_on_exit_code
    raise AttributeError(f"module 'switchadvisor.cli' has no attribute {name!r}")


# --------------------------------------------------------------------------- the boundary

_TRUE = {"1", "true", "yes", "on"}


def debug_requested(value: str | None) -> bool:
    """Only a true value turns tracebacks on: ``SWITCHADVISOR_DEBUG=0`` does not."""
    return (value or "").strip().lower() in _TRUE


def _stderr(message: str) -> None:
    with contextlib.suppress(OSError, ValueError):  # else nowhere is left to say it
        print(f"switchadvisor: {bounded(printable(message), 2000)}", file=sys.stderr)


_TRANSLITERATIONS = {
    "×": "x", "µ": "u", "μ": "u", "⁹": "^9", "⁻": "^-", "¹": "^1", "²": "^2", "³": "^3",
    "→": "->", "←": "<-", "≤": "<=", "≥": ">=", "≈": "~", "—": "--", "–": "-", "…": "...",
    "·": "*", "•": "*", "‘": "'", "’": "'", "“": '"', "”": '"', "°": " deg", "±": "+/-",
}


def _transliterate(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start:error.end]
    return "".join(_TRANSLITERATIONS.get(char, "?") for char in text), error.end


codecs.register_error("switchadvisor-transliterate", _transliterate)


def tolerate_encoding(*streams: TextIO | None) -> None:
    """Output never fails on a narrow encoding (ascii, latin-1, cp1252): characters the
    stream cannot encode are transliterated (× → x, µ → u, → → ->) or replaced by '?'."""
    for stream in streams:
        reconfigure = getattr(stream, "reconfigure", None)
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
        if reconfigure is None or encoding in {"utf-8", "utf8"}:
            continue
        with contextlib.suppress(ValueError, OSError, io.UnsupportedOperation):
            reconfigure(errors="switchadvisor-transliterate")


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: the one place errors become exit codes."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args or debug_requested(os.environ.get("SWITCHADVISOR_DEBUG"))
    if sys.stdout is None:  # started with stdout closed (`>&-`)
        _stderr("error: cannot write the output: standard output is closed")
        sys.exit(ExitCode.IO_ERROR)
    if sys.stdin is None:  # started with stdin closed (`<&-`): read as empty, like /dev/null
        sys.stdin = io.StringIO()
    sys.exit(run(args, debug=debug))


def run(args: list[str], *, debug: bool = False) -> int:
    tolerate_encoding(sys.stdout, sys.stderr)
    if "--debug" in args[1:]:  # accepted after the command too: `check … --debug`
        debug = True
        args = [args[0], *(arg for arg in args[1:] if arg != "--debug")]
    # a root option accepted anywhere, like --debug: `check … --no-cache`
    _apps.settings.use_cache = "--no-cache" not in args
    args = [arg for arg in args if arg != "--no-cache"]
    try:
        register(modules_for(args, os.environ))
        result = _apps.app(args=args, prog_name="switchadvisor", standalone_mode=False)
        code = int(result) if isinstance(result, int) else ExitCode.OK
        if code == ExitCode.INTERRUPTED:  # typer turns Ctrl-C inside a command into Exit(130)
            _stderr("interrupted")
        sys.stdout.flush()
        return code
    except InputError as exc:
        write_json_error(args, exc)
        _stderr(f"error: {exc}")
        return ExitCode.USAGE
    except RuleBaseError as exc:
        write_json_error(args, exc)
        for line in exc.lines():
            print(line, file=sys.stderr)
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
            buffer = io.StringIO()
            show(file=buffer)
            for line in buffer.getvalue().splitlines():
                print(bounded(printable(line), 2000), file=sys.stderr)
        else:
            _stderr(f"error: {exc.format_message()}")
        return ExitCode.USAGE
    except (typer.Abort, KeyboardInterrupt):
        _stderr("interrupted")
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        return _broken_pipe()
    except SystemExit as exc:
        # the option parser turns EPIPE into exit 1 (the --fail-on code): undo that
        if _is_broken_pipe(exc.__context__):
            return _broken_pipe()
        raise
    except OSError as exc:
        if _is_broken_pipe(exc):
            return _broken_pipe()
        if exc.filename is not None:  # a file the command read, not the output
            _stderr(f"error: cannot read {exc.filename}: {exc.strerror or exc}")
        else:
            _stderr(f"error: cannot write the output: {exc.strerror or exc}")
        return ExitCode.IO_ERROR
    except Exception as exc:
        if debug:
            traceback.print_exc()
        _stderr(f"internal error: {type(exc).__name__}: {bounded(str(exc), 500)} "
                "(please report it; run with --debug for the traceback)")
        return ExitCode.INTERNAL


def _is_broken_pipe(exc: BaseException | None) -> bool:
    return isinstance(exc, OSError) and exc.errno == errno.EPIPE


def _broken_pipe() -> int:
    """The reader went away (e.g. `| head`): say nothing more, and let the exit flush
    go nowhere instead of failing again."""
    discard_stdout()
    return ExitCode.BROKEN_PIPE
