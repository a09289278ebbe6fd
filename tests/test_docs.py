"""The README cannot drift from the app: Quick start, exit codes, commands."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from helpers import RunCli
from switchadvisor.assessment import SCHEMA_VERSION
from switchadvisor.cli import app, rules_app
from switchadvisor.errors import ExitCode

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def marked_command(name: str) -> str:
    lines = README.splitlines()
    index = lines.index(f"<!-- ci:{name} -->")
    assert lines[index + 1].startswith("```")
    return lines[index + 2]


def test_quick_start_installs_and_runs_the_headline_check() -> None:
    command = marked_command("run")
    assert "python3 -m venv" in command and "pip install ." in command
    assert command.endswith("switchadvisor check --from fingolimod --to alemtuzumab")


def test_quick_start_test_command_is_what_ci_runs() -> None:
    command = marked_command("test")
    assert 'pip install ".[test]"' in command and command.endswith("python -m pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "readme_command test" in ci


def test_quick_start_check_parses_against_the_real_app(run_cli: RunCli) -> None:
    command = marked_command("run").split("&&")[-1]
    args = shlex.split(command)[1:]
    result = run_cli(*args, "--format", "json")
    assert result.exit_code == ExitCode.OK, result


def test_exit_code_table_matches_the_enum() -> None:
    table = README.split("### Exit codes", 1)[1].split("\n## ", 1)[0]
    documented = [int(code) for code in re.findall(r"^\| (\d+) \|", table, re.MULTILINE)]
    assert documented == [code.value for code in ExitCode]


def _command_names() -> list[str]:
    names = [command.name or command.callback.__name__ for command in app.registered_commands
             if command.callback is not None]
    names += [f"rules {command.name}" for command in rules_app.registered_commands]
    return names


@pytest.mark.parametrize("name", _command_names())
def test_every_command_is_documented_and_has_help(name: str, run_cli: RunCli) -> None:
    assert f"switchadvisor {name}" in README
    result = run_cli(*name.split(), "--help")
    assert result.exit_code == ExitCode.OK, result
    assert "Usage" in result.stdout


def test_python_example_runs() -> None:
    import subprocess
    import sys

    block = README.split("### From Python", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    completed = subprocess.run([sys.executable, "-c", block], capture_output=True, text=True,
                               check=False, cwd=ROOT)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("warning ")
    assert f'"schema_version": "{SCHEMA_VERSION}"' in completed.stdout
