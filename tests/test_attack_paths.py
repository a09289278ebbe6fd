"""Attack review: paths a careless operator names (``--export``, ``--output``, ``--rules``,
FILE, OLD_DIR) and outputs that fail. Each case is a one-line error naming the option with
its documented exit code, before anything is printed; never a hang, a traceback, a write
through a symlink or an input emptied by its own output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import MINI_RULES, RunCli
from switchadvisor.errors import ExitCode

MINI = ("--rules", str(MINI_RULES))
CHECK = ("check", "--from", "fingolimod", "--to", "alemtuzumab", *MINI)
LONG_NAME = "a" * 300  # one component longer than NAME_MAX
RECORD = '{"from": "fingolimod", "to": "alemtuzumab"}\n'


def _directory(tmp: Path) -> str:
    (tmp / "out.svg").mkdir()
    return str(tmp / "out.svg")


def _fifo(tmp: Path) -> str:
    os.mkfifo(tmp / "out.svg")  # writing to it would wait for a reader forever
    return str(tmp / "out.svg")


def _symlink(tmp: Path) -> str:
    (tmp / "victim.txt").write_text("keep\n")
    os.symlink(tmp / "victim.txt", tmp / "out.svg")
    return str(tmp / "out.svg")


def _dangling(tmp: Path) -> str:
    os.symlink(tmp / "elsewhere.svg", tmp / "out.svg")
    return str(tmp / "out.svg")


EXPORT_TARGETS: list[tuple[str, Callable[[Path], str], str]] = [
    ("directory", _directory, "it is a directory"),
    ("fifo", _fifo, "it is a FIFO"),
    ("symlink", _symlink, "symbolic link"),
    ("dangling-symlink", _dangling, "symbolic link"),
    ("missing-directory", lambda tmp: str(tmp / "no" / "out.svg"), "does not exist"),
    ("name-too-long", lambda tmp: str(tmp / f"{LONG_NAME}.svg"), "File name too long"),
    ("path-too-long", lambda tmp: str(tmp / ("d/" * 2100 + "x.svg")), "File name too long"),
    ("no-extension", lambda tmp: str(tmp / "out"), "must end in .svg"),
]


@pytest.mark.parametrize(("build", "message"), [(b, m) for _, b, m in EXPORT_TARGETS],
                         ids=[name for name, _, _ in EXPORT_TARGETS])
def test_export_target_refused_before_output(build: Callable[[Path], str], message: str,
                                             tmp_path: Path, run_cli: RunCli) -> None:
    target = build(tmp_path)
    result = run_cli(*CHECK, "--export", target)
    assert result.exit_code == ExitCode.USAGE, result
    assert "--export" in result.stderr and message in result.stderr, result
    assert result.stdout == ""  # refused before the card was printed
    assert len(result.stderr.splitlines()) == 1 and len(result.stderr) < 600
    if (tmp_path / "victim.txt").exists():
        assert (tmp_path / "victim.txt").read_text() == "keep\n"
    assert not (tmp_path / "elsewhere.svg").exists()


def test_export_write_failure_is_an_io_error(tmp_path: Path, run_cli: RunCli,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk while saving the export: exit 74 naming --export (like a full stdout)."""
    from switchadvisor.render import export

    def full(path: Path, option: str) -> int:
        return os.open("/dev/full", os.O_WRONLY)

    monkeypatch.setattr(export, "open_output", full)
    result = run_cli(*CHECK, "--export", str(tmp_path / "out.svg"))
    assert result.exit_code == ExitCode.IO_ERROR, result
    assert "--export: cannot write" in result.stderr and "No space left" in result.stderr


PATH_OPTIONS = [
    ("rules-long-name", ("check", "--from", "fingolimod", "--to", "alemtuzumab", "--rules",
                         LONG_NAME), "--rules: rule base directory not found"),
    ("rules-is-a-file", ("drugs", "--rules", str(MINI_RULES / "drugs.yaml")),
     "is not a regular file"),
    ("validate-long-name", ("rules", "validate", LONG_NAME), "rule base directory not found"),
    ("diff-long-name", ("rules", "diff", LONG_NAME, str(MINI_RULES)),
     "OLD_DIR: rule base directory not found"),
    ("replay-long-name", ("replay", LONG_NAME, *MINI), "FILE: cannot read"),
    ("replay-directory", ("replay", str(MINI_RULES), *MINI), "it is a directory"),
    ("batch-long-name", ("batch", LONG_NAME, *MINI), "FILE: cannot read"),
    ("batch-directory", ("batch", str(MINI_RULES), *MINI), "it is a directory"),
]


@pytest.mark.parametrize(("args", "message"), [(a, m) for _, a, m in PATH_OPTIONS],
                         ids=[name for name, _, _ in PATH_OPTIONS])
def test_bad_input_paths_are_usage_errors(args: tuple[str, ...], message: str,
                                          run_cli: RunCli) -> None:
    """Before: ENAMETOOLONG on --rules, DIR, OLD_DIR or FILE was "cannot read …", exit 74,
    echoing the whole name."""
    result = run_cli(*args)
    assert result.exit_code == ExitCode.USAGE, result
    assert message in result.stderr, result
    assert LONG_NAME not in result.stderr  # quoted as a short excerpt


def test_batch_output_over_its_own_input_is_refused(tmp_path: Path, run_cli: RunCli) -> None:
    """Before: the input was emptied by opening the output, 0 records, exit 0."""
    records = tmp_path / "records.jsonl"
    records.write_text(RECORD)
    result = run_cli("batch", str(records), "--output", str(tmp_path / "." / "records.jsonl"),
                     *MINI)
    assert result.exit_code == ExitCode.USAGE, result
    assert "--output" in result.stderr and "is the input FILE" in result.stderr
    assert records.read_text() == RECORD


def test_replay_reads_a_pipe(tmp_path: Path, run_cli: RunCli) -> None:
    """`replay <(…)` names a pipe, not a regular file: it is read (it was "no such file")."""
    read, write = os.pipe()
    os.write(write, b'{"verdict": "warning", "input": {"from": "fingolimod", '
                    b'"to": "alemtuzumab"}}\n')
    os.close(write)
    try:
        result = run_cli("replay", f"/dev/fd/{read}", "-f", "json", *MINI)
    finally:
        os.close(read)
    assert result.exit_code in (ExitCode.OK, ExitCode.FAIL_ON), result
    assert json.loads(result.stdout)["counts"]["records"] == 1


@pytest.mark.parametrize("args", [
    ("check", "--from", "nope", "--to", "alemtuzumab", "-f", "json", *MINI),
    ("check", "--from", "fingolimod", "--to", "alemtuzumab", "--bad", "-f", "json", *MINI),
    ("batch", "does-not-exist.jsonl", *MINI),
], ids=["input-error", "usage-error", "batch-file"])
@pytest.mark.parametrize("where", ["full-disk", "reader-gone"])
def test_error_as_data_on_a_failing_stdout(args: tuple[str, ...], where: str,
                                           tmp_path: Path) -> None:
    """Before: writing the JSON error to a full or closed stdout raised inside the error
    boundary: a traceback and exit 1. Now: the one-line error, its own exit code."""
    command = [sys.executable, "-m", "switchadvisor", *args]
    if where == "full-disk":
        with open("/dev/full", "w") as full:
            done = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True,
                                  timeout=60, check=False)
    else:
        read, write = os.pipe()
        os.close(read)  # the reader is gone before the first write
        done = subprocess.run(command, stdout=write, stderr=subprocess.PIPE, text=True,
                              timeout=60, check=False)
        os.close(write)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == ExitCode.USAGE, done.stderr
    assert "rror" in done.stderr


def test_rules_validate_escapes_its_directory_name(tmp_path: Path, run_cli: RunCli) -> None:
    """Before: `rules validate` echoed the directory on stdout as given (an OSC sequence in
    a directory name set the terminal title)."""
    import shutil

    hostile = tmp_path / "rules\x1b]0;PWNED\x07"
    shutil.copytree(MINI_RULES, hostile)
    (hostile / "pathways" / "alemtuzumab--cladribine.yaml").write_text(
        (MINI_RULES / "pathways" / "s1p-modulator--purine-analogue.yaml").read_text())
    result = run_cli("rules", "validate", str(hostile), "--max-problems", "1")
    assert "\x1b" not in result.stdout + result.stderr and "\x07" not in result.stdout
    assert "\\x1b]0;PWNED\\x07" in result.stdout + result.stderr


@pytest.mark.parametrize("args", [("demo", "--no-pause"), ("batch", "-"), ("replay", "-")])
def test_a_closed_stdin_reads_as_empty(args: tuple[str, ...]) -> None:
    """Before: `switchadvisor batch <&-` (and demo, replay -) was an internal error, exit 70
    (sys.stdin is None)."""
    done = subprocess.run([sys.executable, "-m", "switchadvisor", *args, *MINI],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=60, check=False, preexec_fn=lambda: os.close(0))
    assert done.returncode == ExitCode.OK, done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
