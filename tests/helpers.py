"""Test helpers shared by several test modules (importable: pytest's pythonpath has tests/)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TESTS = Path(__file__).parent
MINI_RULES = TESTS / "fixtures" / "mini" / "rules"


@dataclass(frozen=True)
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    def __str__(self) -> str:  # shown by pytest when an assertion about it fails
        return f"exit {self.exit_code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


RunCli = Callable[..., CliResult]
