"""Throughput and memory of `switchadvisor batch`, measured by hand (never in the tests).

    python benchmarks/batch.py [--records 100000] [--runs 3] [--memory-records 100000]
    python benchmarks/batch.py --records 20000 --baseline OLD_TREE   # before/after, A B A B

Writes the records with make_batch.py to a temporary file, then runs
`switchadvisor batch FILE --output OUT --quiet` end to end (process start included) with
`--detail summary` and `--detail full`, and prints records/s (median of the runs) by wall
time and by the child's CPU time (user + system: what one core gives when the machine is
shared; on an idle machine the two agree). Then it runs the summary batch over 10,000 and
over `--memory-records` records in fresh processes and prints each one's peak RSS: memory
must not grow with the number of records (`--records` can be lowered on a busy machine
without losing this comparison).

`--baseline OLD_TREE`: a directory holding another version's `switchadvisor/` package (e.g.
`git archive OLD switchadvisor | tar -x -C OLD_TREE`); each run is then made with it
(``PYTHONPATH=OLD_TREE``) and with the installed version, alternately, against the same
rule base, so that the machine's load falls on both alike; the ratio is printed.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent


def write_records(count: int, path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        subprocess.run([sys.executable, str(HERE / "make_batch.py"), str(count)],
                       stdout=handle, check=True)


def run_batch(command: list[str], source: Path, target: Path, detail: str,
              env: dict[str, str] | None = None,
              extra: tuple[str, ...] = ()) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) for one batch run, process start included."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    completed = subprocess.run([*command, "batch", str(source), "--output", str(target),
                                "--detail", detail, "--quiet", *extra], check=False, env=env,
                               cwd=source.parent)  # not a checkout: `-m` puts cwd first
    seconds = time.perf_counter() - start
    if completed.returncode not in (0, 2):  # 2: some records were invalid, as generated
        sys.exit(f"batch failed with exit code {completed.returncode}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu


def peak_rss(exe: str, source: Path, target: Path, detail: str) -> float:
    """Peak RSS (MiB) of one batch run in a fresh process, measured by a wrapper."""
    code = ("import resource, subprocess, sys; "
            "subprocess.run(sys.argv[1:], check=False); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    completed = subprocess.run(
        [sys.executable, "-c", code, exe, "batch", str(source), "--output", str(target),
         "--detail", detail, "--quiet"], capture_output=True, text=True, check=True)
    return int(completed.stdout.split()[-1]) / 1024


def throughput(exe: str, big: Path, out: Path, records: int, runs: int) -> None:
    for detail in ("summary", "full"):
        measured = [run_batch([exe], big, out, detail) for _ in range(runs)]
        wall = statistics.median(seconds for seconds, _ in measured)
        cpu = statistics.median(cpu for _, cpu in measured)
        print(f"--detail {detail:<8}: {records / wall:9,.0f} records/s wall "
              f"({wall:.2f} s end to end), {records / cpu:9,.0f} records/s of CPU "
              f"time ({cpu:.2f} s); median of {runs}; output "
              f"{out.stat().st_size / 1e6:.0f} MB")


def side_by_side(baseline: Path, big: Path, out: Path, records: int, runs: int) -> None:
    """The baseline tree and the installed version, alternately, on the same rule base."""
    from switchadvisor.resources import locate_rules

    rules = str(locate_rules().path)
    command = [sys.executable, "-m", "switchadvisor"]
    old_env = {**os.environ, "PYTHONPATH": str(baseline.resolve())}
    for detail in ("summary", "full"):
        old: list[float] = []
        new: list[float] = []
        for _ in range(runs):
            old.append(run_batch(command, big, out, detail, old_env, ("--rules", rules))[1])
            new.append(run_batch(command, big, out, detail, None, ("--rules", rules))[1])
        before, after = statistics.median(old), statistics.median(new)
        print(f"--detail {detail:<8}: baseline {records / before:7,.0f} records/s of CPU "
              f"time, this version {records / after:7,.0f}/s (x{before / after:.2f}); "
              f"A B A B, median of {runs}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--memory-records", type=int, default=100_000)
    parser.add_argument("--baseline", type=Path, default=None,
                        help="a tree with another version's switchadvisor/ to compare with")
    args = parser.parse_args()
    exe = shutil.which("switchadvisor") or sys.exit("switchadvisor is not on PATH")
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        big, out = directory / "big.jsonl", directory / "out"
        write_records(args.records, big)
        print(f"{args.records:,} records, {big.stat().st_size / 1e6:.1f} MB of JSON Lines; "
              f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}")
        if args.baseline is not None:
            side_by_side(args.baseline, big, out, args.records, args.runs)
            return
        throughput(exe, big, out, args.records, args.runs)
        small, large = directory / "small.jsonl", directory / "large.jsonl"
        write_records(10_000, small)
        if args.memory_records != args.records:
            write_records(args.memory_records, large)
        else:
            large = big
        for detail in ("summary", "full"):
            small_rss = peak_rss(exe, small, out, detail)
            large_rss = peak_rss(exe, large, out, detail)
            print(f"peak RSS {detail:<8}: {small_rss:.1f} MiB for 10,000 records, "
                  f"{large_rss:.1f} MiB for {args.memory_records:,} "
                  f"(difference {large_rss - small_rss:+.1f} MiB)")


if __name__ == "__main__":
    main()
