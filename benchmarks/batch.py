"""Throughput and memory of `switchadvisor batch`, measured by hand (never in the tests).

    python benchmarks/batch.py [--records 100000] [--runs 3]

Writes the records with make_batch.py to a temporary file, then runs
`switchadvisor batch FILE --output OUT --quiet` end to end (process start included) with
`--detail summary` and `--detail full`, and prints records/s (median of the runs) by wall
time and by the child's CPU time (user + system: what one core gives when the machine is
shared; on an idle machine the two agree). Then it
runs the summary batch over 10,000 and over the full count of records in fresh processes and
prints each one's peak RSS: memory must not grow with the number of records.
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


def run_batch(exe: str, source: Path, target: Path, detail: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) for one batch run, process start included."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    completed = subprocess.run([exe, "batch", str(source), "--output", str(target),
                                "--detail", detail, "--quiet"], check=False)
    seconds = time.perf_counter() - start
    if completed.returncode not in (0, 2):  # 2: some records were invalid, as generated
        sys.exit(f"batch failed with exit code {completed.returncode}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu


def peak_rss(exe: str, source: Path, target: Path) -> float:
    """Peak RSS (MiB) of one batch run in a fresh process, measured by a wrapper."""
    code = ("import resource, subprocess, sys; "
            "subprocess.run(sys.argv[1:], check=False); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    completed = subprocess.run(
        [sys.executable, "-c", code, exe, "batch", str(source), "--output", str(target),
         "--quiet"], capture_output=True, text=True, check=True)
    return int(completed.stdout.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    exe = shutil.which("switchadvisor") or sys.exit("switchadvisor is not on PATH")
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        big, small, out = directory / "big.jsonl", directory / "small.jsonl", directory / "out"
        write_records(args.records, big)
        write_records(10_000, small)
        print(f"{args.records:,} records, {big.stat().st_size / 1e6:.1f} MB of JSON Lines; "
              f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}")
        for detail in ("summary", "full"):
            runs = [run_batch(exe, big, out, detail) for _ in range(args.runs)]
            wall = statistics.median(seconds for seconds, _ in runs)
            cpu = statistics.median(cpu for _, cpu in runs)
            print(f"--detail {detail:<8}: {args.records / wall:9,.0f} records/s wall "
                  f"({wall:.2f} s end to end), {args.records / cpu:9,.0f} records/s of CPU "
                  f"time ({cpu:.2f} s); median of {args.runs}; output "
                  f"{out.stat().st_size / 1e6:.0f} MB")
        small_rss = peak_rss(exe, small, out)
        big_rss = peak_rss(exe, big, out)
        print(f"peak RSS        : {small_rss:.1f} MiB for 10,000 records, {big_rss:.1f} MiB for "
              f"{args.records:,} (difference {big_rss - small_rss:+.1f} MiB)")


if __name__ == "__main__":
    main()
