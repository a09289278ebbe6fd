"""The exception hierarchy, the Problem value and the exit codes.

Every error the user can cause is a ``SwitchAdvisorError``; the CLI's single error boundary
turns each subclass into its exit code and a one-line message.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field


class ExitCode(enum.IntEnum):
    """Documented process exit codes (the README table is tested against this enum)."""

    OK = 0
    """The command ran (for `check`: the assessment was produced)."""
    FAIL_ON = 1
    """`--fail-on LEVEL` was given and the verdict reached it."""
    USAGE = 2
    """Bad usage or input: unknown drug, impossible value, bad option, missing directory."""
    RULEBASE = 3
    """The rule base is invalid (every problem is listed with file:line:column)."""
    INTERNAL = 70
    """An internal error (a bug): one line, the traceback with `--debug`."""
    IO_ERROR = 74
    """The output could not be written (closed stdout, full disk): one line (EX_IOERR)."""
    INTERRUPTED = 130
    """Interrupted (Ctrl-C)."""
    BROKEN_PIPE = 141
    """The reader of the output went away (`| head`): nothing more is said (128 + SIGPIPE)."""


DEFAULT_MAX_PROBLEMS = 100
"""Rule-base problems listed before "and K more" (``--max-problems``)."""
MAX_LINE = 400
"""Characters of one problem line on stderr."""

_UNPRINTABLE = "[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
"""Compiled on first use (re caches it), not at start-up: a successful run never needs it."""


def printable(text: str) -> str:
    """``text`` with control characters (and bidi overrides) shown as escapes, e.g. ``\\x1b``.

    Everything echoed on stderr (file names, ids, user input in messages) goes through this,
    so no escape sequence from a rule base or an argument reaches the terminal.
    """
    def escape(match: re.Match[str]) -> str:
        char = match.group()
        return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"

    return re.sub(_UNPRINTABLE, escape, text)


def printable_text(text: str) -> str:
    """``printable`` for text of several lines: newlines kept, every other control character
    escaped (a report that quotes input — ``replay``'s drug names and ids — goes through it)."""
    return "\n".join(printable(line) for line in text.split("\n"))


MAX_MESSAGE = 1000
"""Characters of an input error's message: it may quote what the user gave (a 60,000-character
drug name in a batch record), so it is cut in the middle — the start and the "did you mean"
at its end are kept."""


def middle_cut(text: str, limit: int) -> str:
    """``text`` with its middle replaced by "…" when it is longer than ``limit``."""
    if len(text) <= limit:
        return text
    half = (limit - 1) // 2
    return f"{text[:half]}…{text[len(text) - (limit - 1 - half):]}"


def bounded(text: str, limit: int = MAX_LINE) -> str:
    """``text`` cut to ``limit`` characters (with an ellipsis)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a rule base, positioned in its file (1-based line and column)."""

    path: str
    line: int
    column: int
    code: str
    message: str

    def __str__(self) -> str:
        head = f"{bounded(self.path, 200)}:{self.line}:{self.column}: "
        tail = f" [{self.code}]"
        return head + bounded(self.message, MAX_LINE - len(head) - len(tail)) + tail


class SwitchAdvisorError(Exception):
    """Base class of every error switchadvisor reports to its user."""

    exit_code: ExitCode = ExitCode.INTERNAL


class InputError(SwitchAdvisorError):
    """Bad user input: names the option, what is accepted and, when possible, a suggestion."""

    exit_code = ExitCode.USAGE

    def __init__(
        self,
        message: str,
        *,
        option: str | None = None,
        accepted: str | None = None,
        suggestions: tuple[str, ...] = (),
        code: str = "invalid-value",
    ) -> None:
        message = middle_cut(message, MAX_MESSAGE)
        super().__init__(message)
        self.message = message
        self.option = option
        self.accepted = accepted
        self.suggestions = suggestions
        self.code = code
        """A stable machine-readable kind: invalid-value, unknown-drug, same-drug, …"""

    def __str__(self) -> str:
        text = self.message
        if self.accepted:
            text += f" (accepted: {self.accepted})"
        return text

    @property
    def field(self) -> str | None:
        """The option as a fact or record key: ``--weeks-since-stop`` → ``weeks_since_stop``."""
        return self.option.lstrip("-").replace("-", "_") if self.option else None

    def to_dict(self) -> dict[str, object]:
        """The ``error`` object of a batch error record and of ``--format json`` errors."""
        return {
            "code": self.code,
            "field": self.field,
            "message": self.message,
            "accepted": self.accepted,
            "suggestions": list(self.suggestions),
        }


@dataclass
class RuleBaseError(SwitchAdvisorError):
    """An invalid or missing rule base, carrying every problem found."""

    problems: list[Problem] = field(default_factory=list)
    summary: str = "invalid rule base"
    omitted: int = 0
    """Problems found beyond those kept (counted, not listed)."""
    max_shown: int = DEFAULT_MAX_PROBLEMS
    """Problems ``lines()`` lists before "and K more" (the CLI's ``--max-problems``)."""

    exit_code = ExitCode.RULEBASE

    def __post_init__(self) -> None:
        super().__init__(self.summary)
        self.problems = sorted(self.problems)

    @property
    def count(self) -> int:
        return len(self.problems) + self.omitted

    def lines(self) -> list[str]:
        """The problems to show, one bounded line each, then "… and K more problems"."""
        shown = [printable(str(problem)) for problem in self.problems[: self.max_shown]]
        rest = self.count - len(shown)
        if rest > 0:
            shown.append(f"… and {rest:,} more problem{'s' if rest != 1 else ''}")
        return shown

    def __str__(self) -> str:
        if not self.problems and not self.omitted:
            return self.summary
        count = self.count
        return f"{self.summary}: {count:,} problem{'s' if count != 1 else ''}"


class OutputError(SwitchAdvisorError):
    """A file the user asked for (``--export``) could not be written: a full disk, an I/O
    error. Exit 74, like a failing stdout; a bad name is an ``InputError`` (exit 2)."""

    exit_code = ExitCode.IO_ERROR

    def __init__(self, message: str, *, option: str | None = None) -> None:
        super().__init__(message)
        self.option = option
