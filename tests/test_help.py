"""Help and command-line conventions: readable help at 60 and 80 columns, Examples, --debug
anywhere, --fail-on's reason, -f md, --version, completion, -q."""

from __future__ import annotations

import json
from typing import Any

import pytest
import typer

from helpers import MINI_RULES, RunCli
from switchadvisor.cli import app
from switchadvisor.errors import ExitCode

MINI = ("--rules", str(MINI_RULES))


def _commands() -> list[tuple[str, ...]]:
    """Every command path, from typer's (vendored) click command tree."""
    root = typer.main.get_command(app)
    paths: list[tuple[str, ...]] = [()]
    for name, command in getattr(root, "commands", {}).items():
        paths.append((name,))
        paths += [(name, sub) for sub in getattr(command, "commands", {})]
    return paths


def _options(path: tuple[str, ...]) -> list[str]:
    command: Any = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    return [option for param in command.params
            for option in [*param.opts, *param.secondary_opts] if option.startswith("-")]


COMMANDS = _commands()


@pytest.mark.parametrize("width", [60, 80])
@pytest.mark.parametrize("path", COMMANDS, ids=lambda path: " ".join(path) or "root")
def test_help_is_readable(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, width: int,
                          path: tuple[str, ...]) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    result = run_cli(*path, "--help")
    assert result.exit_code == ExitCode.OK, result
    text = result.stdout
    for line in text.splitlines():
        assert line == line.rstrip(), repr(line)
        assert len(line) <= width, line
    assert "…" not in text
    words = {word.rstrip(",") for word in text.split()}
    for option in _options(path):
        assert option in words, f"{option} is cut or missing"
    assert "Examples:" in text
    assert "-h, --help" in text


def test_defaults_are_shown(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    text = " ".join(run_cli("check", "--help").stdout.split())
    assert "[default: text]" in text
    assert "[default: 1.0 ×10⁹/L]" in text
    assert "--pregnancy-planned / --no-pregnancy-planned" in text


def test_fail_on_info_is_documented(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    text = " ".join(run_cli("check", "--help").stdout.split())
    assert "info (always reached: every verdict is at least info)" in text


def test_debug_is_accepted_after_the_command(run_cli: RunCli) -> None:
    result = run_cli("check", "--from", "fingolimod", "--to", "alemtuzumab", "-f", "json",
                     *MINI, "--debug")
    assert result.exit_code == ExitCode.OK, result
    assert json.loads(result.stdout)["verdict"] == "warning"


def test_debug_after_the_command_shows_the_traceback(run_cli: RunCli,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import switchadvisor.engine

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(switchadvisor.engine, "assess", broken)
    result = run_cli("check", "--from", "fingolimod", "--to", "alemtuzumab", *MINI, "--debug")
    assert result.exit_code == ExitCode.INTERNAL
    assert "Traceback" in result.stderr


@pytest.mark.parametrize(("to", "extra", "reason"), [
    ("alemtuzumab", ("--fail-on", "warning"),
     "switchadvisor: exit 1: the verdict warning reaches --fail-on warning"),
    ("cladribine", ("--fail-on", "critical", "--strict"),
     "switchadvisor: exit 1: with --strict, critical is still possible (not evaluated: "),
])
def test_fail_on_says_why_on_stderr(run_cli: RunCli, to: str, extra: tuple[str, ...],
                                    reason: str) -> None:
    result = run_cli("check", "--from", "fingolimod", "--to", to, "-f", "json",
                     *extra, *MINI)
    assert result.exit_code == ExitCode.FAIL_ON, result
    assert result.stderr.startswith(reason)
    json.loads(result.stdout)  # stdout stays clean JSON


def test_fail_on_not_reached_is_silent(run_cli: RunCli) -> None:
    result = run_cli("check", "--from", "fingolimod", "--to", "alemtuzumab", "-f", "json",
                     "--fail-on", "critical", *MINI)
    assert result.exit_code == ExitCode.OK
    assert result.stderr == ""


@pytest.mark.parametrize("name", ["md", "MD", "markdown"])
def test_md_is_markdown(run_cli: RunCli, name: str) -> None:
    result = run_cli("check", "--from", "fingolimod", "--to", "alemtuzumab", "-f", name, *MINI)
    assert result.exit_code == ExitCode.OK, result
    assert result.stdout.startswith("# Fingolimod → Alemtuzumab")


def test_unknown_format_exits_2_naming_the_option(run_cli: RunCli) -> None:
    result = run_cli("check", "--from", "fingolimod", "--to", "alemtuzumab", "-f", "pdf", *MINI)
    assert result.exit_code == ExitCode.USAGE
    assert "--format" in result.stderr and "markdown" in result.stderr


def test_version_names_the_rule_base(run_cli: RunCli) -> None:
    result = run_cli("--version")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("switchadvisor ")
    assert lines[1].startswith("rule base switchadvisor-core ")
    assert ", reviewed 20" in lines[1]


def test_shell_completion_is_offered(run_cli: RunCli) -> None:
    text = run_cli("--help").stdout
    assert "--install-completion" in text and "--show-completion" in text


@pytest.mark.parametrize("command", [("rules", "validate"), ("rules", "test")])
def test_quiet_prints_nothing_on_success(run_cli: RunCli, command: tuple[str, ...]) -> None:
    result = run_cli(*command, "-q")  # the shipped rule base: the mini one leaves pairs open
    assert result.exit_code == ExitCode.OK, result
    assert result.stdout == ""


def test_quiet_still_reports_failures(run_cli: RunCli) -> None:
    result = run_cli("rules", "test", "-q", "--min-coverage", "100", *MINI)
    assert result.exit_code == ExitCode.FAIL_ON
    assert "below --min-coverage" in result.stderr


def test_pregnancy_hint_names_both_forms(run_cli: RunCli) -> None:
    result = run_cli("check", "--from", "fingolimod", "--to", "cladribine", "-f", "json")
    pending = {item["id"]: item for item in json.loads(result.stdout)["not_evaluated"]}
    assert pending["cladribine-before-start-pregnancy"]["options"] == [
        "--pregnancy-planned / --no-pregnancy-planned"]


def test_card_is_the_default_and_full_prints_the_ids(run_cli: RunCli) -> None:
    card = run_cli("check", "--from", "fingolimod", "--to", "alemtuzumab", *MINI)
    full = run_cli("check", "--from", "fingolimod", "--to", "alemtuzumab", "--full",
                   "--no-pager", *MINI)
    assert card.exit_code == full.exit_code == ExitCode.OK
    assert "fingolimod-to-alemtuzumab-escape" not in card.stdout
    assert "fingolimod-to-alemtuzumab-escape" in full.stdout
    assert "--full: the reasoning" in card.stdout
    assert len(card.stdout.splitlines()) < len(full.stdout.splitlines())


def test_completion_script_is_available() -> None:
    import subprocess
    import sys

    completed = subprocess.run(
        [sys.executable, "-m", "switchadvisor", "--show-completion", "bash"],
        capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    assert "_SWITCHADVISOR_COMPLETE=complete_bash" in completed.stdout


@pytest.mark.parametrize("width", [60, 80])
@pytest.mark.parametrize("path", [(), ("rules",)], ids=["root", "rules"])
def test_command_lists_give_whole_summaries(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch,
                                            width: int, path: tuple[str, ...]) -> None:
    """Each command's summary ends its sentence; none is cut with "..."."""
    monkeypatch.setenv("COLUMNS", str(width))
    text = run_cli(*path, "--help").stdout
    commands = text.split("Commands:", 1)[1].split("Examples:", 1)[0]
    assert "..." not in commands
    assert "Assess many switches" not in commands or "in order, streamed." in " ".join(
        commands.split())


@pytest.mark.parametrize("command", ["timeline", "matrix", "options", "demo"])
def test_picture_examples_keep_option_names_whole(run_cli: RunCli,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  command: str) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    text = run_cli(command, "--help").stdout
    examples = text.split("Examples:", 1)[1]
    assert "--weeks-since-\n" not in examples and "<int range>" not in text
    assert text.index("Options:") < text.index("Examples:")  # after the options, as elsewhere
