"""One decision, three rule engines: switchadvisor, rule-engine and zen-engine, side by side.

    pip install -e ".[bench]"
    python benchmarks/compare_engines.py [--records 2000] [--rounds 5] [--seed 11]

The decision: eight findings over the drug stopped (``from``), the drug started (``to``), the
lymphocyte count (×10⁹/L) and the weeks since the last dose. It is written once below as
``DECISION`` and expressed three ways:

(a) as a switchadvisor rule base, committed in ``benchmarks/compare_rules/`` (drug and class
    pathways, after-stopping and before-starting findings, ``when:`` conditions), run
    through ``switchadvisor.assess`` — which also builds the trace, the readings of the
    facts and the cited evidence of every assessment;
(b) as eight ``rule_engine.Rule`` expressions, each matched against the record;
(c) as one zen-engine JDM graph (input → decision table, hit policy "collect" → output).

A plain-Python version (eight closures) is timed for reference. Every engine gets the same
seeded random records; first every engine's fired findings are compared record by record
(the mismatch count must be 0, else the script exits 1), then the engines are timed in
interleaved rounds (the order rotates each round, so machine drift cancels), and the median
of the rounds is printed as evaluations per second of CPU time, with the ratio of each to
rule-engine. An evaluation is one record through the whole decision.

The benchmark dependencies (rule-engine, zen-engine) come from the ``bench`` extra; they
are never runtime dependencies of switchadvisor.
"""

from __future__ import annotations

import argparse
import json
import operator
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RULES = Path(__file__).resolve().parent / "compare_rules"
S1P = ("fingolimod", "siponimod")
ANTI_CD20 = ("ocrelizumab", "ofatumumab")
DRUGS = (*S1P, *ANTI_CD20, "natalizumab")
FACTS = ("lymphocytes", "weeks_since_stop")

Clause = tuple[str, str, float]
"""(fact, operator, value): e.g. ("lymphocytes", "<", 0.5)."""
Record = dict[str, Any]


@dataclass(frozen=True)
class Finding:
    """One finding of the decision, engine-neutral.

    It fires when ``from`` is one of ``from_`` (None: any drug), ``to`` one of ``to``, and
    any one of the ``any_of`` branches holds (each branch: all its clauses hold; no
    branches: always)."""

    id: str
    from_: tuple[str, ...] | None
    to: tuple[str, ...] | None
    any_of: tuple[tuple[Clause, ...], ...] = ()


DECISION = (
    Finding("fingolimod-after-stop-rebound", ("fingolimod",), None,
            ((("weeks_since_stop", ">", 8),),)),
    Finding("fingolimod-after-stop-low-count", ("fingolimod",), None,
            ((("lymphocytes", "<", 0.5),),)),
    Finding("s1p-to-anti-cd20-sequestered", S1P, ANTI_CD20),
    Finding("s1p-to-anti-cd20-low-count", S1P, ANTI_CD20, ((("lymphocytes", "<", 0.8),),)),
    Finding("natalizumab-to-ocrelizumab-long-gap", ("natalizumab",), ("ocrelizumab",),
            ((("weeks_since_stop", ">", 12),),)),
    Finding("natalizumab-to-s1p-gap", ("natalizumab",), S1P,
            ((("weeks_since_stop", ">=", 8),), (("lymphocytes", ">=", 3.5),))),
    Finding("ocrelizumab-before-start-count", None, ("ocrelizumab",),
            ((("lymphocytes", "<", 1.0),),)),
    Finding("anti-cd20-to-s1p-early", ANTI_CD20, S1P,
            ((("weeks_since_stop", "<", 4),), (("lymphocytes", "<", 0.6),))),
)
"""The same eight findings as benchmarks/compare_rules/ (the agreement check proves it)."""

Engine = Callable[[Record], frozenset[str]]


# ------------------------------------------------------------------------------ inputs


def make_records(count: int, seed: int) -> list[Record]:
    """Random switches between two different drugs, with both facts; counts on a 0.05 grid
    and whole weeks, so the thresholds themselves (0.5, 8 weeks, …) come up too."""
    rng = random.Random(seed)
    records = []
    for _ in range(count):
        from_id, to_id = rng.sample(DRUGS, 2)
        records.append({"from": from_id, "to": to_id,
                        "lymphocytes": rng.randrange(2, 81) / 20,
                        "weeks_since_stop": float(rng.randrange(0, 27))})
    return records


# ----------------------------------------------------------------------------- engines


def switchadvisor_engine(*, to_json: bool = False) -> Engine:
    from switchadvisor import assess, load_rulebase

    rulebase = load_rulebase(RULES)

    def run(record: Record) -> frozenset[str]:
        assessment = assess(rulebase, record["from"], record["to"],
                            lymphocytes=record["lymphocytes"],
                            weeks_since_stop=record["weeks_since_stop"])
        if to_json:
            assessment.to_json()
        return frozenset(finding.id for finding in assessment.findings)

    return run


def _rule_engine_text(finding: Finding) -> str:
    # Drug sets as == chains: rule-engine converts an array literal (`from in ['a', 'b']`)
    # on every evaluation, which measured 3.5× slower on this decision; the fastest
    # formulation is the fair one.
    parts = []
    for side, drugs in (("from", finding.from_), ("to", finding.to)):
        if drugs is not None:
            parts.append("(" + " or ".join(f"{side} == {drug!r}" for drug in drugs) + ")")
    if finding.any_of:
        branches = [" and ".join(f"{fact} {op} {value!r}" for fact, op, value in branch)
                    for branch in finding.any_of]
        parts.append("(" + " or ".join(f"({branch})" for branch in branches) + ")")
    return " and ".join(parts) or "true"


def rule_engine_engine() -> Engine:
    import rule_engine  # type: ignore[import-untyped]  # no stubs; benchmark only

    rules = [(finding.id, rule_engine.Rule(_rule_engine_text(finding)))
             for finding in DECISION]

    def run(record: Record) -> frozenset[str]:
        return frozenset(finding_id for finding_id, rule in rules if rule.matches(record))

    return run


def jdm_graph() -> dict[str, Any]:
    """The decision as a JDM graph: one decision-table row per finding and branch."""
    columns = ["from", "to", *FACTS]
    rows = []
    for finding in DECISION:
        for index, branch in enumerate(finding.any_of or ((),)):
            row: dict[str, str] = {"_id": f"{finding.id}-{index}",
                                   "finding": json.dumps(finding.id)}
            row["from"] = ", ".join(json.dumps(d) for d in finding.from_ or ())
            row["to"] = ", ".join(json.dumps(d) for d in finding.to or ())
            for fact in FACTS:
                row[fact] = " and ".join(f"$ {op} {value}" for name, op, value in branch
                                         if name == fact)
            rows.append(row)
    table = {
        "hitPolicy": "collect",
        "inputs": [{"id": name, "name": name, "type": "expression", "field": name}
                   for name in columns],
        "outputs": [{"id": "finding", "name": "finding", "type": "expression",
                     "field": "finding"}],
        "rules": rows,
    }
    return {
        "contentType": "application/vnd.gorules.decision",
        "nodes": [
            {"id": "request", "type": "inputNode", "name": "Request",
             "position": {"x": 0, "y": 0}},
            {"id": "findings", "type": "decisionTableNode", "name": "Findings",
             "position": {"x": 250, "y": 0}, "content": table},
            {"id": "response", "type": "outputNode", "name": "Response",
             "position": {"x": 500, "y": 0}},
        ],
        "edges": [
            {"id": "e1", "type": "edge", "sourceId": "request", "targetId": "findings"},
            {"id": "e2", "type": "edge", "sourceId": "findings", "targetId": "response"},
        ],
    }


def zen_engine_engine() -> Engine:
    import zen

    decision = zen.ZenEngine().create_decision(json.dumps(jdm_graph()))

    def run(record: Record) -> frozenset[str]:
        result: Any = decision.evaluate(record)["result"]
        rows = result if isinstance(result, list) else [result] if result else []
        return frozenset(row["finding"] for row in rows)

    return run


_OPERATORS: Mapping[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def plain_python_engine() -> Engine:
    def compile_finding(finding: Finding) -> Callable[[Record], bool]:
        from_set = frozenset(finding.from_) if finding.from_ is not None else None
        to_set = frozenset(finding.to) if finding.to is not None else None
        branches = [[(fact, _OPERATORS[op], value) for fact, op, value in branch]
                    for branch in finding.any_of]

        def fires(record: Record) -> bool:
            if from_set is not None and record["from"] not in from_set:
                return False
            if to_set is not None and record["to"] not in to_set:
                return False
            return not branches or any(
                all(compare(record[fact], value) for fact, compare, value in branch)
                for branch in branches)

        return fires

    compiled = [(finding.id, compile_finding(finding)) for finding in DECISION]

    def run(record: Record) -> frozenset[str]:
        return frozenset(finding_id for finding_id, fires in compiled if fires(record))

    return run


# ---------------------------------------------------------------------------- measuring


def mismatches(engines: Mapping[str, Engine], records: Sequence[Record],
               reference: str) -> dict[str, int]:
    """Records on which each engine fires a different set of findings than ``reference``."""
    expected = [engines[reference](record) for record in records]
    counts = {}
    for name, engine in engines.items():
        counts[name] = sum(1 for record, want in zip(records, expected, strict=True)
                           if engine(record) != want)
    return counts


def timed_rounds(engines: Mapping[str, Engine], records: Sequence[Record],
                 rounds: int) -> dict[str, list[float]]:
    """Evaluations per CPU second, per engine and round; the order rotates every round."""
    names = list(engines)
    rates: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            engine = engines[name]
            start = time.process_time()
            for record in records:
                engine(record)
            elapsed = time.process_time() - start
            rates[name].append(len(records) / elapsed if elapsed > 0 else float("inf"))
    return rates


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=2000, help="records per round")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved timed rounds")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    if args.records < 1 or args.rounds < 1:
        parser.error("--records and --rounds must be at least 1")

    engines: dict[str, Engine] = {
        "switchadvisor assess": switchadvisor_engine(),
        "switchadvisor assess + JSON": switchadvisor_engine(to_json=True),
        "rule-engine": rule_engine_engine(),
        "zen-engine": zen_engine_engine(),
        "plain Python": plain_python_engine(),
    }
    records = make_records(args.records, args.seed)
    # The agreement pass doubles as the warm-up (imports, per-pair caches, JIT-free paths).
    wrong = mismatches(engines, records, reference="plain Python")
    fired = sum(len(engines["plain Python"](record)) for record in records)
    print(f"decision: {len(DECISION)} findings over from, to, lymphocytes, weeks_since_stop; "
          f"{args.records:,} seeded records (seed {args.seed}), {fired:,} findings fire")
    print(f"mismatches against the plain-Python decision: {sum(wrong.values())} "
          f"({', '.join(f'{name} {count}' for name, count in wrong.items())})")

    rates = timed_rounds(engines, records, args.rounds)
    medians = {name: statistics.median(values) for name, values in rates.items()}
    baseline = medians["rule-engine"]
    print(f"\nmedian of {args.rounds} interleaved rounds, evaluations per CPU second "
          f"(Python {platform.python_version()}):")
    for name, rate in medians.items():
        print(f"  {name:<28} {rate:>12,.0f}/s  {rate / baseline:6.2f}× rule-engine")
    target = medians["switchadvisor assess"] / baseline
    verdict = "meets" if target >= 1 else "misses"
    print(f"target (issue 11): switchadvisor ≥ 1.00× rule-engine — {verdict} ({target:.2f}×)")
    return 1 if any(wrong.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
