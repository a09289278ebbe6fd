"""The exception hierarchy, the Problem value and the exit codes.

Every error the user can cause is a ``SwitchAdvisorError``; the CLI's single error boundary
turns each subclass into its exit code and a one-line message.
"""

from __future__ import annotations

import enum
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
    INTERRUPTED = 130
    """Interrupted (Ctrl-C)."""


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a rule base, positioned in its file (1-based line and column)."""

    path: str
    line: int
    column: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message} [{self.code}]"


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

    exit_code = ExitCode.RULEBASE

    def __post_init__(self) -> None:
        super().__init__(self.summary)
        self.problems = sorted(self.problems)

    def __str__(self) -> str:
        if not self.problems:
            return self.summary
        count = len(self.problems)
        return f"{self.summary}: {count} problem{'s' if count != 1 else ''}"
