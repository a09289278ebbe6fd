"""Errors as data: with `--format json` (or cds-hooks), an error is also a JSON object on
stdout, so a pipeline that parses stdout always gets JSON. The exit code is unchanged.

Called from the error boundary in ``cli/__init__.py``; it looks at the raw arguments because
usage errors happen before any command runs.
"""

from __future__ import annotations

import io
import os
import sys

from switchadvisor.errors import InputError, RuleBaseError

_JSON_FORMATS = frozenset({"json", "cds-hooks"})
_ALWAYS_JSON = frozenset({"batch"})
"""Commands whose stdout is always JSON."""


def json_error_requested(args: list[str]) -> bool:
    """Whether the command line asks for JSON on stdout (`check -f json`, `batch`, …)."""
    command = next((arg for arg in args if not arg.startswith("-")), None)
    if command in _ALWAYS_JSON:
        return True
    if command != "check":
        return False
    for index, arg in enumerate(args):
        value: str | None = None
        if arg in ("--format", "-f") and index + 1 < len(args):
            value = args[index + 1]
        elif arg.startswith("--format="):
            value = arg.split("=", 1)[1]
        elif arg.startswith("-f") and len(arg) > 2 and not arg.startswith("--"):
            value = arg[2:].lstrip("=")
        if value is not None and value.lower() in _JSON_FORMATS:
            return True
    return False


def error_data(exc: BaseException) -> dict[str, object]:
    """The ``{"error": {code, field, message, …}}`` object for any error the boundary sees."""
    if isinstance(exc, InputError):
        return {"error": exc.to_dict()}
    if isinstance(exc, RuleBaseError):
        return {"error": {"code": "invalid-rulebase", "field": "rules", "message": str(exc),
                          "accepted": None, "suggestions": [],
                          "problems": exc.lines()}}
    param = getattr(exc, "param", None)
    opts = getattr(param, "opts", None) or []
    field = opts[0] if opts else getattr(exc, "option_name", None)
    format_message = getattr(exc, "format_message", None)
    message = format_message() if callable(format_message) else str(exc)
    code = "usage" if hasattr(exc, "format_message") else "error"
    possibilities = getattr(exc, "possibilities", None) or []  # click: "did you mean"
    return {"error": {"code": code,
                      "field": field.lstrip("-").replace("-", "_") if field else None,
                      "message": message, "accepted": None,
                      "suggestions": sorted(str(option) for option in possibilities)}}


def write_json_error(args: list[str], exc: BaseException) -> None:
    """Write the error as one JSON line on stdout when the command line asked for JSON."""
    if not json_error_requested(args):
        return
    import json  # only an error needs it here: not at start-up

    try:
        sys.stdout.write(json.dumps(error_data(exc), ensure_ascii=False) + "\n")
        sys.stdout.flush()
    except (OSError, ValueError, AttributeError):
        # stdout is closed, full or gone (`| head`): the error still reaches stderr and keeps
        # its exit code; what is left in the buffer goes nowhere instead of failing at exit.
        discard_stdout()


def discard_stdout() -> None:
    """Point file descriptor 1 at /dev/null, so that the final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass
