"""Does switchadvisor scale with the rule base? (issue 11, target 3; run by hand.)

    python benchmarks/scaling.py [--factor 10] [--runs 5] [--switches 2000] [--keep DIR]

Builds two rule bases in a temporary directory:

  1×   a byte-for-byte copy of the packaged rule base (found with
       ``switchadvisor.resources.locate_rules``);
  N×   the same copy plus N-1 synthetic clones of every drug, class, evidence entry, finding
       and pathway, each clone with its own ids (``fingolimod-x3``, ``anti-cd20-x3``,
       ``frau2019-x3``, …), names and brands (``Fingolimod X3``), so the result validates:
       N times the drugs, classes, evidence entries and findings, and N times the pathway
       files. Clones are written with PyYAML's safe dumper, appended to the three registry
       files and as new files in ``pathways/``; the original entries stay as shipped.

Then, in this process and in CPU time:

- ``load_rulebase(path)`` on 1× and N×, alternately, median of ``--runs`` (after one untimed
  load of each, so imports and one-off set-up are not counted), and the ratio N×/1×
  (target: ≤ 1.2 N, i.e. ≤ 12× for N = 10). When ``load_rulebase`` accepts ``cache=``, it is
  called with ``cache=False``: a cold load is what is measured.
- per-switch ``assess`` over the same random switches between the shipped drugs (with
  lymphocytes and weeks since stop) on both rule bases, alternately, median of ``--runs``
  after one untimed pass (per-pair caches warm), and the ratio (target: about 1×: time per
  switch does not grow with pathways that do not apply to it).
"""

from __future__ import annotations

import argparse
import copy
import gc
import inspect
import platform
import random
import shutil
import statistics
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml  # noqa: TID251  (writes synthetic rule files; the loader under test reads them)

REGISTRIES = {"evidence.yaml": "evidence", "classes.yaml": "classes", "drugs.yaml": "drugs"}
REF_LISTS = ("evidence", "counter_evidence", "supersedes", "replaces")
REF_KEYS = ("id", "class", "from", "to")
NAME_LISTS = ("brands", "aliases")


class _NoAliases(yaml.SafeDumper):
    """Never write anchors and aliases (the loader caps aliases; clones share no objects)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_NoAliases, sort_keys=False, allow_unicode=True, width=92,
                     default_flow_style=False)


def _read(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


class Renamer:
    """Renames every id the rule base defines (drugs, classes, evidence, findings) for clone
    ``k``; anything else (prose, figure names, fact names, durations) is left alone."""

    def __init__(self, ids: set[str], k: int) -> None:
        self.ids = ids
        self.k = k

    def id(self, value: Any) -> Any:
        return f"{value}-x{self.k}" if isinstance(value, str) and value in self.ids else value

    def name(self, value: Any) -> Any:
        return f"{value} X{self.k}" if isinstance(value, str) else value

    def walk(self, node: Any) -> Any:
        if isinstance(node, list):
            return [self.walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        out: dict[Any, Any] = {}
        for key, value in node.items():
            new_key = self.id(key)  # per-drug washout bounds are keyed by drug id
            if key in REF_KEYS:
                out[new_key] = self.id(value)
            elif key in REF_LISTS and isinstance(value, list):
                out[new_key] = [self.id(item) for item in value]
            elif key in NAME_LISTS and isinstance(value, list):
                out[new_key] = [self.name(item) for item in value]
            else:
                out[new_key] = self.walk(value)
        return out

    def drug(self, drug: dict[str, Any]) -> Any:
        clone = self.walk(drug)
        clone["name"] = self.name(drug["name"])
        return clone


def _finding_ids(node: Any, found: set[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _finding_ids(item, found)
    elif isinstance(node, dict):
        if isinstance(node.get("findings"), list):
            found.update(item["id"] for item in node["findings"]
                         if isinstance(item, dict) and isinstance(item.get("id"), str))
        for value in node.values():
            _finding_ids(value, found)


def build_scaled(source: Path, target: Path, factor: int) -> None:
    """Copy ``source`` to ``target`` and add ``factor - 1`` renamed clones of everything."""
    shutil.copytree(source, target)
    registries = {name: _read(source / name)[key] for name, key in REGISTRIES.items()}
    pathways = {path.name: _read(path) for path in sorted((source / "pathways").glob("*.yaml"))}
    ids: set[str] = set()
    for entries in registries.values():
        ids.update(entry["id"] for entry in entries)
    _finding_ids(list(registries.values()), ids)
    _finding_ids(list(pathways.values()), ids)
    for k in range(2, factor + 1):
        renamer = Renamer(ids, k)
        for name, key in REGISTRIES.items():
            entries = registries[name]
            clones = [renamer.drug(entry) if key == "drugs" else renamer.walk(entry)
                      for entry in copy.deepcopy(entries)]
            with (target / name).open("a", encoding="utf-8") as handle:
                handle.write(textwrap.indent(_dump(clones), "  "))
        for data in pathways.values():
            clone = renamer.walk(copy.deepcopy(data))
            (target / "pathways" / f"{clone['from']}--{clone['to']}.yaml").write_text(
                _dump(clone), encoding="utf-8")


def rule_files(base: Path) -> list[Path]:
    """The files ``load_rulebase`` reads (not scenarios/, which ``rules test`` reads)."""
    return [*(base / name for name in ("rulebase.yaml", *REGISTRIES)),
            *sorted((base / "pathways").glob("*.yaml"))]


def _size(rulebase: Any, base: Path) -> tuple[int, int, int, int, int]:
    return (len(rulebase.drugs), len(rulebase.pathways), rulebase.finding_count,
            len(rulebase.evidence), sum(path.stat().st_size for path in rule_files(base)))


def median_cpu(actions: Sequence[Callable[[], object]], runs: int) -> list[float]:
    """One untimed call of each, then ``runs`` alternating rounds; median CPU seconds.

    A full garbage collection (untimed) comes before each call, so no call pays for the
    garbage an earlier one left."""
    for action in actions:
        action()
    samples: list[list[float]] = [[] for _ in actions]
    for _ in range(runs):
        for index, action in enumerate(actions):
            gc.collect()
            start = time.process_time()
            action()
            samples[index].append(time.process_time() - start)
    return [statistics.median(values) for values in samples]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=int, default=10, help="size of the big rule base")
    parser.add_argument("--runs", type=int, default=5, help="alternating rounds (median)")
    parser.add_argument("--switches", type=int, default=2000, help="switches per assess pass")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", type=Path, help="write the two rule bases here and keep them")
    args = parser.parse_args(argv)
    if args.factor < 2 or args.runs < 1 or args.switches < 1:
        parser.error("--factor must be at least 2, --runs and --switches at least 1")

    from switchadvisor import assess, load_rulebase
    from switchadvisor.resources import locate_rules

    source = locate_rules().path
    options: dict[str, Any] = {}
    if "cache" in inspect.signature(load_rulebase).parameters:
        options["cache"] = False
    with tempfile.TemporaryDirectory(prefix="switchadvisor-scaling-") as temp:
        root = args.keep if args.keep is not None else Path(temp)
        root.mkdir(parents=True, exist_ok=True)
        small, big = root / "rules-1x", root / f"rules-{args.factor}x"
        for path in (small, big):
            if path.exists():
                parser.error(f"{path} already exists")
        shutil.copytree(source, small)
        build_scaled(source, big, args.factor)
        sizes = [_size(load_rulebase(base, **options), base) for base in (small, big)]
        print(f"scaling: Python {platform.python_version()}, CPU time, median of {args.runs} "
              f"alternating rounds; load {'with cache=False' if options else 'as is'}")
        for label, (drugs, pathways, findings, evidence, size) in zip(
                ("1×", f"{args.factor}×"), sizes, strict=True):
            print(f"  {label:>4} rule base: {drugs:5,} drugs, {pathways:5,} pathways, "
                  f"{findings:6,} findings, {evidence:6,} evidence entries, "
                  f"{size / 1024:7,.0f} KiB of YAML")

        small_load, big_load = median_cpu(
            [lambda: load_rulebase(small, **options), lambda: load_rulebase(big, **options)],
            args.runs)
        limit = 1.2 * args.factor
        verdict = "met" if big_load / small_load <= limit else "missed"
        print(f"  load_rulebase   1×: {small_load * 1000:8.1f} ms   {args.factor}×: "
              f"{big_load * 1000:8.1f} ms   ratio {big_load / small_load:5.2f}× "
              f"(target ≤ {limit:g}×: {verdict})")

        # Loaded only now, so the load timings above ran with no rule base held in memory.
        bases = [load_rulebase(small, **options), load_rulebase(big, **options)]

        rng = random.Random(args.seed)
        shipped = sorted(bases[0].drugs)
        switches: list[tuple[str, str, float, float]] = []
        for _ in range(args.switches):
            from_id, to_id = rng.sample(shipped, 2)
            switches.append((from_id, to_id, rng.randrange(2, 81) / 20,
                             float(rng.randrange(0, 27))))

        def assess_all(rulebase: Any) -> Callable[[], None]:
            def run() -> None:
                for from_id, to_id, lymphocytes, weeks in switches:
                    assess(rulebase, from_id, to_id, lymphocytes=lymphocytes,
                           weeks_since_stop=weeks)
            return run

        small_assess, big_assess = median_cpu([assess_all(bases[0]), assess_all(bases[1])],
                                              args.runs)
        per_small = small_assess / len(switches) * 1e6
        per_big = big_assess / len(switches) * 1e6
        print(f"  assess / switch 1×: {per_small:8.1f} µs   {args.factor}×: {per_big:8.1f} µs"
              f"   ratio {per_big / per_small:5.2f}× (target ≈ 1×; {len(switches):,} random "
              "switches between the shipped drugs)")
        if args.keep is not None:
            print(f"  rule bases kept in {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
