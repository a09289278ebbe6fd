"""Hostile rule bases and environments (issue 8): exit code, wall time and peak memory of each,
run by hand (never in the test suite):

    python benchmarks/hostile.py            # a Markdown table; target: each ≤ 2 s, ≤ 200 MB

Each rule-base case is built in a temporary directory by ``tests/hostile_cases.py`` (the
same cases ``tests/test_hostile.py`` checks in-process) and run as
``python -m switchadvisor …`` in a subprocess; the peak memory is that child's maximum
resident set size (``os.wait4``). Environment cases follow: narrow output encodings, a full
disk, a closed stdout, a reader gone before the first write, and Ctrl-C at several moments
of start-up.
"""

from __future__ import annotations

import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).parent / "switchadvisor"
SWITCHADVISOR = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "switchadvisor"]
CHECK = [*SWITCHADVISOR, "check", "--from", "fingolimod", "--to", "alemtuzumab"]


def measure(command: list[str], *, stdout: int | None = subprocess.DEVNULL,
            env: dict[str, str] | None = None, interrupt_after: float | None = None,
            preexec: Callable[[], None] | None = None) -> tuple[int, float, float, str]:
    """Exit code, wall seconds, peak RSS in MB, and the last stderr line of one run."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=stdout, stderr=errors,
                                   env={**os.environ, **(env or {})}, preexec_fn=preexec)
        if interrupt_after is not None:
            time.sleep(interrupt_after)
            process.send_signal(signal.SIGINT)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        errors.seek(0)
        lines = errors.read().decode("utf-8", "replace").splitlines()
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    last = lines[-1] if lines else ""
    if len(lines) > 2:
        last = f"({len(lines)} lines) {last}"
    return process.returncode, seconds, peak_mb, last


def row(name: str, expected: str, result: tuple[int, float, float, str]) -> str:
    code, seconds, peak_mb, last = result
    shown = last if len(last) <= 70 else last[:69] + "…"
    shown = shown.replace("|", "\\|")
    return f"| {name} | {expected} | {code} | {seconds:.2f} | {peak_mb:.0f} | {shown} |"


def main() -> None:
    print(f"{time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, "
          f"{os.cpu_count()} cores\n")
    print("| case | expected | exit | seconds | peak MB | last stderr line |")
    print("|---|---|---|---|---|---|")
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    # Cases are built by a child process: Linux carries a parent's resident size over
    # fork and exec into the child's peak, so this process stays small.
    listing = subprocess.run([sys.executable, __file__, "--list"], capture_output=True,
                             text=True, check=True).stdout
    for line in listing.splitlines():
        name, exit_code, needs_non_root = line.split("\t")
        if needs_non_root == "1" and root:
            print(f"| {name} | {exit_code} | – | – | – | skipped: run as root |")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            args = json.loads(subprocess.run([sys.executable, __file__, "--build", name, tmp],
                                             capture_output=True, text=True,
                                             check=True).stdout)
            print(row(name, exit_code, measure([*SWITCHADVISOR, *args])), flush=True)

    mini = str(ROOT / "tests" / "fixtures" / "mini" / "rules")
    for encoding in ("ascii", "latin-1", "cp1252"):
        for fmt in ("text", "json", "markdown"):
            print(row(f"PYTHONIOENCODING={encoding} -f {fmt}", "0",
                      measure([*CHECK, "-f", fmt], env={"PYTHONIOENCODING": encoding})))
    if Path("/dev/full").exists():
        with open("/dev/full", "wb") as full:
            print(row("stdout is /dev/full", "74", measure(CHECK, stdout=full.fileno())))
    print(row("stdout closed", "74", measure(CHECK, preexec=lambda: os.close(1))))
    for label, extra in (("json", ["-f", "json"]), ("text", []), ("--help", ["--help"])):
        read_end, write_end = os.pipe()
        os.close(read_end)
        print(row(f"reader gone before the first write ({label})", "141",
                  measure([*CHECK, *extra], stdout=write_end)))
        os.close(write_end)
    for delay in (0.01, 0.02, 0.03, 0.05, 0.08, 0.1, 0.15, 0.25):
        print(row(f"Ctrl-C after {delay * 1000:.0f} ms", "130",
                  measure([*CHECK, "--rules", mini], interrupt_after=delay)))


def child(argv: list[str]) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from hostile_cases import CASES

    if argv[0] == "--list":
        for case in CASES:
            print(f"{case.name}\t{case.exit_code}\t{int(case.needs_non_root)}")
        return
    name, directory = argv[1], argv[2]
    case = next(case for case in CASES if case.name == name)
    print(json.dumps(case.build(Path(directory))))


if __name__ == "__main__":
    if sys.argv[1:2] in (["--list"], ["--build"]):
        child(sys.argv[1:])
    else:
        main()
