"""Start-up and throughput of switchadvisor, measured by hand (never in the test suite).

    python benchmarks/startup.py [--runs 15]

Prints the median wall time of:
  baseline  python -c "import typer, rich, pydantic, yaml"
  json      switchadvisor check --from fingolimod --to alemtuzumab --format json
  text      switchadvisor check --from fingolimod --to alemtuzumab
and the JSON path as a fraction of the baseline (the target is < 0.95), then in-process
throughput over all 240 ordered pairs and the peak memory of one full run.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import shutil
import statistics
import subprocess
import sys
import time


def median_seconds(command: list[str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    exe = shutil.which("switchadvisor") or sys.exit("switchadvisor is not on PATH")
    switch = ["check", "--from", "fingolimod", "--to", "alemtuzumab"]
    baseline = median_seconds([sys.executable, "-c", "import typer, rich, pydantic, yaml"],
                              args.runs)
    json_path = median_seconds([exe, *switch, "--format", "json"], args.runs)
    text_path = median_seconds([exe, *switch], args.runs)
    print(f"baseline imports : {baseline * 1000:7.1f} ms")
    print(f"check --format json: {json_path * 1000:7.1f} ms ({json_path / baseline:.2f}× baseline)")
    print(f"check (text)     : {text_path * 1000:7.1f} ms ({text_path / baseline:.2f}× baseline)")

    from switchadvisor import Switch, assess, load_rulebase

    start = time.perf_counter()
    rulebase = load_rulebase()
    load_ms = (time.perf_counter() - start) * 1000
    pairs = list(itertools.permutations(sorted(rulebase.drugs), 2))
    start = time.perf_counter()
    for from_id, to_id in pairs:
        assess(rulebase, Switch.resolve(rulebase, from_id, to_id)).to_json()
    elapsed = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rule base load   : {load_ms:7.1f} ms in-process")
    print(f"assess+JSON      : {len(pairs) / elapsed:7.0f} switches/s over {len(pairs)} pairs")
    print(f"peak RSS         : {peak_mib:7.1f} MiB")


if __name__ == "__main__":
    main()
