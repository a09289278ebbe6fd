"""Write N batch records (JSON Lines) for `switchadvisor batch` benchmarks.

    python benchmarks/make_batch.py 100000 > records.jsonl   [--seed 1]

Random ordered pairs of the shipped drugs (by generic name, brand or alias), random facts in
the forms the CLI accepts (counts in ×10⁹/L or cells/µL, times in weeks, days or months,
dates), and about 5% invalid records (unknown drug, bad unit, missing `to`, unknown key, not
JSON). Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys

from switchadvisor import load_rulebase

INVALID = (
    lambda rng, record: {**record, "from": "notadrug"},
    lambda rng, record: {**record, "lymphocytes": "600 furlongs"},
    lambda rng, record: {key: value for key, value in record.items() if key != "to"},
    lambda rng, record: {**record, "lymfocytes": 0.6},
    lambda rng, record: "{this is not json",
)


def make_record(rng: random.Random, number: int, names: list[list[str]]) -> object:
    first, second = rng.sample(names, 2)
    record: dict[str, object] = {"id": number, "from": rng.choice(first),
                                 "to": rng.choice(second)}
    if rng.random() < 0.8:
        record["lymphocytes"] = rng.choice([
            f"{rng.randint(100, 3000)}/uL", round(rng.uniform(0.1, 3.0), 2),
            f"{rng.uniform(0.1, 3.0):.2f}e9/L"])
    if rng.random() < 0.7:
        record["weeks_since_stop"] = rng.choice([
            rng.randint(0, 80), f"{rng.randint(0, 400)}d", f"{rng.randint(0, 18)} months"])
    elif rng.random() < 0.3:
        record["stopped"] = f"2026-{rng.randint(1, 9):02d}-{rng.randint(1, 28):02d}"
        record["on"] = "2026-11-01"
    if rng.random() < 0.4:
        record["disease-activity"] = rng.choice(["none", "active", "highly-active"])
    if rng.random() < 0.3:
        record["age"] = rng.randint(18, 70)
    if rng.random() < 0.2:
        record["pregnancy_planned"] = rng.random() < 0.5
    if rng.random() < 0.2:
        record["jcv"] = rng.choice(["positive", "negative", "unknown"])
    if rng.random() < 0.05:
        return rng.choice(INVALID)(rng, record)
    return record


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rulebase = load_rulebase()
    names = [[drug.id, *drug.brands, *drug.aliases] for drug in rulebase.drugs.values()]
    rng = random.Random(args.seed)
    write = sys.stdout.write
    for number in range(1, args.count + 1):
        record = make_record(rng, number, names)
        write((record if isinstance(record, str) else json.dumps(record)) + "\n")


if __name__ == "__main__":
    main()
