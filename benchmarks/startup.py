"""Start-up and in-process throughput of switchadvisor, measured by hand (never in the tests).

    python benchmarks/startup.py [--runs 10] [--no-in-process]

Times whole processes, alternately in one run (floor, json, text, floor, json, text, …) so
that machine drift cancels, and prints the median wall time of each with its ratio to the
floor (issue 11, target 1):

  floor   python -c "import typer, rich.console, pydantic, yaml"
  json    switchadvisor check --from fingolimod --to alemtuzumab --format json
  text    switchadvisor check --from fingolimod --to alemtuzumab

Warm and cold: when ``switchadvisor --help`` lists ``--no-cache`` (a compiled
rule-base cache exists), the json and text runs above are warm (one untimed run of each
fills the cache first) and the same two commands are also timed cold, with
``SWITCHADVISOR_NO_CACHE=1``, in the same alternation. Without such an option every run
parses the YAML, and the cold lines are skipped with a note.

Then, in this process: rule-base load time (cold: ``cache=False`` when ``load_rulebase``
accepts it), assess + JSON throughput over all ordered pairs of the shipped drugs, and the
peak memory.
"""

from __future__ import annotations

import argparse
import inspect
import itertools
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

FLOOR_IMPORTS = "import typer, rich.console, pydantic, yaml"
SWITCH = ("check", "--from", "fingolimod", "--to", "alemtuzumab")
NO_CACHE_ENV = "SWITCHADVISOR_NO_CACHE"
TARGETS = {"json": 0.95, "text": 1.15}


@dataclass
class Command:
    name: str
    label: str
    argv: list[str]
    env: Mapping[str, str]
    cold: bool = False
    samples: list[float] = field(default_factory=list)

    def run(self) -> float:
        start = time.perf_counter()
        subprocess.run(self.argv, check=True, env=dict(self.env), stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL)
        return time.perf_counter() - start

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


def lists_no_cache(exe: str, env: Mapping[str, str]) -> bool:
    """Whether ``switchadvisor --help`` offers ``--no-cache`` (a root option; wide columns:
    no truncated names)."""
    help_env = {**env, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    result = subprocess.run([exe, "--help"], env=help_env, stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, check=False)
    return "--no-cache" in result.stdout


def alternate(commands: Sequence[Command], runs: int) -> None:
    """One untimed run of each (fills caches, warms the OS), then ``runs`` rounds A B C …."""
    for command in commands:
        command.run()
    for _ in range(runs):
        for command in commands:
            command.samples.append(command.run())


def load_average() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "n/a"


def in_process() -> None:
    from switchadvisor import Switch, assess, load_rulebase

    cold = "cache" in inspect.signature(load_rulebase).parameters
    options: dict[str, Any] = {"cache": False} if cold else {}
    start = time.perf_counter()
    rulebase = load_rulebase(**options)
    load_ms = (time.perf_counter() - start) * 1000
    pairs = list(itertools.permutations(sorted(rulebase.drugs), 2))
    start = time.perf_counter()
    for from_id, to_id in pairs:
        assess(rulebase, Switch.resolve(rulebase, from_id, to_id)).to_json()
    elapsed = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    how = "cache=False" if cold else "no cache option"
    print(f"rule base load   : {load_ms:7.1f} ms in-process ({how}; first load, with imports "
          "already done)")
    print(f"assess+JSON      : {len(pairs) / elapsed:7.0f} switches/s over {len(pairs)} pairs "
          "(first pass: per-pair caches cold)")
    print(f"peak RSS         : {peak_mib:7.1f} MiB")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="alternating rounds (median)")
    parser.add_argument("--no-in-process", action="store_true",
                        help="only the whole-process timings")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    exe = shutil.which("switchadvisor")
    if exe is None:
        print("switchadvisor is not on PATH: activate the environment it is installed in",
              file=sys.stderr)
        return 2
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("note: PYTHONDONTWRITEBYTECODE is set: modules without a .pyc (an editable "
              "install) are compiled again on every run. Measure a wheel install "
              "(`pip install .`, which compiles them), or unset it after "
              "`python -m compileall -q switchadvisor`.", file=sys.stderr)
    warm_env = {key: value for key, value in os.environ.items() if key != NO_CACHE_ENV}
    cold_env = {**warm_env, NO_CACHE_ENV: "1"}
    has_cache = lists_no_cache(exe, warm_env)
    state = " (warm cache)" if has_cache else ""
    commands = [
        Command("floor", f"python -c \"{FLOOR_IMPORTS}\"", [sys.executable, "-c", FLOOR_IMPORTS],
                warm_env),
        Command("json", f"check --format json{state}", [exe, *SWITCH, "--format", "json"],
                warm_env),
        Command("text", f"check (text){state}", [exe, *SWITCH], warm_env),
    ]
    if has_cache:
        commands += [
            Command("json", f"check --format json, {NO_CACHE_ENV}=1",
                    [exe, *SWITCH, "--format", "json"], cold_env, cold=True),
            Command("text", f"check (text), {NO_CACHE_ENV}=1", [exe, *SWITCH], cold_env,
                    cold=True),
        ]
    before = load_average()
    alternate(commands, args.runs)
    floor = commands[0].median
    print(f"start-up: median of {args.runs} alternating rounds, wall time "
          f"(Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load average {before} before, {load_average()} after)")
    for command in commands:
        ratio = command.median / floor
        target = None if command.cold else TARGETS.get(command.name)
        goal = "" if target is None else \
            f"  target ≤ {target:.2f}× ({'met' if ratio <= target else 'missed'})"
        print(f"  {command.label:<56} {command.median * 1000:7.1f} ms  {ratio:5.2f}×{goal}")
    if not has_cache:
        print(f"  cold path not timed: `switchadvisor --help` lists no --no-cache "
              f"(no rule-base cache yet, so every run above parses the YAML; {NO_CACHE_ENV} "
              "would change nothing)")
    if not args.no_in_process:
        print()
        in_process()
    return 0


if __name__ == "__main__":
    sys.exit(main())
