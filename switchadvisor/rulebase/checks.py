"""Cross-checks over the parsed files: ids resolve, names are unique, conditions compile."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from switchadvisor import yamlio
from switchadvisor.conditions import ConditionSyntaxError, compile_condition
from switchadvisor.errors import Problem
from switchadvisor.resources import RuleLocation
from switchadvisor.rulebase.files import LoadedFile
from switchadvisor.rulebase.models import (
    CONDITION_FACTS,
    FIGURE_REFERENCE,
    FIGURES,
    IMMUNE_EFFECT,
    PLACEHOLDER,
    TEMPLATE_FIELDS,
    UPPER,
    Drug,
    DrugClass,
    Finding,
    Layer,
    Pathway,
    PathwayRules,
    Rule,
    RuleBase,
)
from switchadvisor.rulebase.problems import MAX_KEPT, Collector
from switchadvisor.yamlio import excerpt


def cross_check(location: RuleLocation, sha256: str, loaded: Mapping[str, LoadedFile],
                 collector: Collector) -> RuleBase | None:
    meta = loaded.get("rulebase.yaml")
    evidence_file = loaded.get("evidence.yaml")
    classes_file = loaded.get("classes.yaml")
    drugs_file = loaded.get("drugs.yaml")

    evidence = _unique(
        "evidence.yaml", "evidence",
        evidence_file.model.evidence if evidence_file else [], collector)
    classes = _unique("classes.yaml", "classes",
                      classes_file.model.classes if classes_file else [], collector)
    drugs = _unique("drugs.yaml", "drugs", drugs_file.model.drugs if drugs_file else [],
                    collector)
    evidence_known = evidence_file is not None
    cited: set[str] = set()

    def check_refs(relpath: str, loc: list[str | int], refs: Iterable[str]) -> None:
        for index, ref in enumerate(refs):
            cited.add(ref)
            if evidence_known and ref not in evidence and ref not in collector.invalid_ids:
                collector.at(relpath, [*loc, index], "unknown-evidence",
                             f"unknown evidence id {ref!r}{collector.did_you_mean(ref, evidence)}")

    for index, drug_class in enumerate(classes.values()):
        check_refs("classes.yaml", ["classes", index, "evidence"], drug_class.evidence)

    names_seen: dict[str, str] = {}
    all_rules: dict[str, Rule] = {}
    rule_locations: dict[str, tuple[str, list[str | int]]] = {}
    after_stopping: dict[str, tuple[Rule, ...]] = {}
    before_starting: dict[str, tuple[Rule, ...]] = {}

    for index, drug in enumerate(drugs.values()):
        base: list[str | int] = ["drugs", index]
        if (classes_file is not None and drug.class_ not in classes
                and drug.class_ not in collector.invalid_ids):
            collector.at("drugs.yaml", [*base, "class"], "unknown-class",
                         f"drug `{drug.id}`: unknown class {drug.class_!r}"
                         f"{collector.did_you_mean(drug.class_, classes)}")
        for name in (drug.id, drug.name, *drug.brands, *drug.aliases):
            owner = names_seen.setdefault(name.casefold(), drug.id)
            if owner != drug.id:
                collector.at("drugs.yaml", base, "duplicate-name",
                             f"drug `{drug.id}`: name {excerpt(name)} already belongs to `{owner}`")
        for figure_index, figure in enumerate(drug.after_stopping.figures):
            check_refs("drugs.yaml",
                       [*base, "after_stopping", "figures", figure_index, "evidence"],
                       figure.evidence)
        for section, drug_layer, target in (
            ("after_stopping", Layer.AFTER_STOPPING, after_stopping),
            ("before_starting", Layer.BEFORE_STARTING, before_starting),
        ):
            findings = getattr(drug, section).findings
            target[drug.id] = _compile_findings(
                "drugs.yaml", [*base, section, "findings"], findings, drug_layer, drug.id,
                collector, check_refs, all_rules, rule_locations)

    pathways: dict[tuple[str, str], PathwayRules] = {}
    for relpath, item in loaded.items():
        if not relpath.startswith("pathways/"):
            continue
        pathway: Pathway = item.model
        layer = _pathway_layer(relpath, pathway, drugs, classes, collector,
                               checking=drugs_file is not None and classes_file is not None)
        expected_name = f"pathways/{pathway.from_}--{pathway.to}.yaml"
        if relpath != expected_name:
            collector.at(relpath, ["from"], "file-name",
                         f"file name should be {expected_name.split('/')[1]} "
                         f"for from: {pathway.from_}, to: {pathway.to}")
        key = (pathway.from_, pathway.to)
        if key in pathways:
            collector.at(relpath, ["from"], "duplicate-pathway",
                         f"a pathway {pathway.from_} → {pathway.to} already exists")
        if pathway.washout is not None:
            check_refs(relpath, ["washout", "evidence"], pathway.washout.evidence)
            _check_per_drug_bounds(relpath, pathway, drugs, collector,
                                   checking=drugs_file is not None)
        for alt_index, alternative in enumerate(pathway.alternatives):
            check_refs(relpath, ["alternatives", alt_index, "evidence"], alternative.evidence)
            if drugs_file and classes_file and (
                    alternative.to not in drugs and alternative.to not in classes):
                collector.at(relpath, ["alternatives", alt_index, "to"], "unknown-drug",
                             f"alternative {alternative.to!r} is not a known drug or class"
                             f"{collector.did_you_mean(alternative.to, [*drugs, *classes])}")
        rules = _compile_findings(
            relpath, ["findings"], pathway.findings, layer if layer else Layer.CLASS_PAIR,
            f"{pathway.from_}→{pathway.to}", collector, check_refs, all_rules,
            rule_locations)
        if layer is not None:
            pathways[key] = PathwayRules(pathway, layer, rules)

    for finding_id, rule in all_rules.items():
        relpath, loc = rule_locations[finding_id]
        for index, superseded_id in enumerate(rule.finding.supersedes):
            if superseded_id in collector.invalid_ids:
                continue
            if superseded_id not in all_rules:
                collector.at(relpath, [*loc, "supersedes", index], "unknown-finding",
                             f"finding `{finding_id}` supersedes unknown finding "
                             f"{superseded_id!r}{collector.did_you_mean(superseded_id, all_rules)}")
            elif superseded_id == finding_id:
                collector.at(relpath, [*loc, "supersedes", index], "self-supersede",
                             f"finding `{finding_id}` cannot supersede itself")

    if meta is None or collector.problems:
        return None
    return RuleBase(
        meta=meta.model, location=location, sha256=sha256, evidence=evidence,
        classes=classes, drugs=drugs, pathways=pathways, after_stopping=after_stopping,
        before_starting=before_starting, findings=all_rules,
    )


def _unique(relpath: str, key: str, items: Sequence[Any],
            collector: Collector) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for index, item in enumerate(items):
        if item.id in result:
            collector.at(relpath, [key, index, "id"], "duplicate-id",
                         f"duplicate id {item.id!r} in {relpath}")
        else:
            result[item.id] = item
    return result



def _pathway_layer(relpath: str, pathway: Pathway, drugs: Mapping[str, Drug],
                   classes: Mapping[str, DrugClass], collector: Collector, *,
                   checking: bool) -> Layer | None:
    kinds = []
    for side, value in (("from", pathway.from_), ("to", pathway.to)):
        if value in drugs:
            kinds.append("drug")
        elif value in classes:
            kinds.append("class")
        else:
            if checking and value not in collector.invalid_ids:
                collector.at(relpath, [side], "unknown-drug",
                             f"`{side}`: {value!r} is not a known drug or class"
                             f"{collector.did_you_mean(value, [*drugs, *classes])}")
            kinds.append("?")
    if kinds == ["drug", "drug"]:
        return Layer.DRUG_PAIR
    if kinds == ["class", "class"]:
        return Layer.CLASS_PAIR
    if "?" not in kinds:
        collector.at(relpath, ["to"], "mixed-pathway",
                     "a pathway joins two drugs or two classes, not a drug and a class")
    return None


def _compile_findings(relpath: str, loc: list[str | int], findings: Sequence[Finding],
                      layer: Layer, origin: str, collector: Collector,
                      check_refs: Any, all_rules: dict[str, Rule],
                      rule_locations: dict[str, tuple[str, list[str | int]]]
                      ) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for index, finding in enumerate(findings):
        here: list[str | int] = [*loc, index]
        check_refs(relpath, [*here, "evidence"], finding.evidence)
        check_refs(relpath, [*here, "counter_evidence"], finding.counter_evidence)
        overlap = set(finding.evidence) & set(finding.counter_evidence)
        if overlap:
            collector.at(relpath, [*here, "counter_evidence"], "evidence-both-ways",
                         f"finding `{finding.id}` cites {sorted(overlap)[0]!r} both for and "
                         "against")
        for placeholder in PLACEHOLDER.findall(finding.message):
            if placeholder not in TEMPLATE_FIELDS:
                collector.at(relpath, [*here, "message"], "unknown-placeholder",
                             f"finding `{finding.id}`: unknown placeholder {{{placeholder}}} "
                             f"(known: {', '.join(sorted(TEMPLATE_FIELDS))})")
        condition = None
        if finding.when is not None and _bound_misuse(relpath, here, finding, collector):
            pass
        elif finding.when is not None:
            try:
                condition = compile_condition(finding.when, CONDITION_FACTS,
                                              suggest=collector.may_suggest())
            except ConditionSyntaxError as exc:
                collector.suggestions += 1
                if collector.full:  # counted only: no need to find its position
                    collector.dropped += 1
                else:
                    document = collector.nodes.get(relpath)
                    line, column, style = yamlio.scalar_start(
                        document.node if document else None,
                        collector.remap(relpath, [*here, "when"]))
                    offset = 1 if style in {'"', "'"} else 0
                    collector.add(relpath, (line, column + offset + exc.column - 1),
                                  "condition", f"finding `{finding.id}`: {exc.message}")
        if finding.id in all_rules:
            collector.at(relpath, [*here, "id"], "duplicate-id",
                         f"duplicate finding id {finding.id!r} "
                         f"(also in {collector.display(rule_locations[finding.id][0])})")
            continue
        rule = Rule(finding, layer, origin, condition)
        all_rules[finding.id] = rule
        rule_locations[finding.id] = (relpath, here)
        rules.append(rule)
    return tuple(rules)



_STATISTIC_WORDS = {"median": "a median", "mean": "a mean", "max": "a maximum",
                    "min": "a minimum", "share": "a share of patients",
                    "typical": "a typical time", "range": "a range"}


def _bound_misuse(relpath: str, here: list[str | int], finding: Finding,
                  collector: Collector) -> bool:
    """Report a condition that compares a figure's median, mean, share, … as if it were a
    bound: only ``<from|to>.<figure>.upper`` (a verified upper bound) may be compared."""
    assert finding.when is not None
    found = False
    for match in FIGURE_REFERENCE.finditer(finding.when):
        side, figure, statistic = match.groups()
        if figure not in (*FIGURES, IMMUNE_EFFECT) or statistic == UPPER:
            continue
        found = True
        document = collector.nodes.get(relpath)
        line, column, style = yamlio.scalar_start(
            document.node if document else None, collector.remap(relpath, [*here, "when"]))
        offset = 1 if style in {'"', "'"} else 0
        what = _STATISTIC_WORDS.get(statistic, f"`{statistic}`")
        collector.add(relpath, (line, column + offset + match.start()), "figure-statistic",
                      f"finding `{finding.id}`: `{match.group()}` would compare {what} as "
                      f"if it were a bound; a condition may compare only a verified upper "
                      f"bound (`{side}.{figure}.{UPPER}`), and a drug without one is "
                      "reported as not evaluated")
    return found


def _check_per_drug_bounds(relpath: str, pathway: Pathway, drugs: Mapping[str, Drug],
                           collector: Collector, *, checking: bool) -> None:
    washout = pathway.washout
    assert washout is not None
    for key in ("min", "max"):
        bound = getattr(washout, key)
        if not isinstance(bound, dict):
            continue
        for drug_id in bound:
            drug = drugs.get(drug_id)
            if checking and (drug is None or drug.class_ != pathway.from_):
                collector.at(relpath, ["washout", key, drug_id], "unknown-drug",
                             f"washout {key}: {drug_id!r} is not a drug of class "
                             f"{pathway.from_!r}{collector.did_you_mean(drug_id, drugs)}")


def uncovered_pairs(rulebase: RuleBase, limit: int = MAX_KEPT) -> tuple[list[Problem], int]:
    """Ordered pairs of different drugs that no pathway answers (neither ``FROM--TO.yaml``
    for the drugs nor for their classes): the first ``limit`` as problems, and how many in
    all (counted by class, so a rule base with thousands of drugs costs no pair-by-pair
    walk)."""
    display = f"{rulebase.location.path.name or 'rules'}/pathways/"
    drugs = sorted(rulebase.drugs.values(), key=lambda drug: drug.id)
    by_class: dict[str, list[Drug]] = {}
    for drug in drugs:
        by_class.setdefault(drug.class_, []).append(drug)
    class_targets: dict[str, set[str]] = {}
    drug_targets: dict[str, set[str]] = {}
    for (from_id, to_id), pathway in rulebase.pathways.items():
        targets = drug_targets if pathway.layer is Layer.DRUG_PAIR else class_targets
        targets.setdefault(from_id, set()).add(to_id)
    covered_by_class: dict[str, int] = {}
    problems: list[Problem] = []
    total = 0
    for from_drug in drugs:
        classes = class_targets.get(from_drug.class_, set())
        if from_drug.class_ not in covered_by_class:
            covered_by_class[from_drug.class_] = sum(
                len(by_class.get(name, ())) for name in classes)
        covered = covered_by_class[from_drug.class_] - (from_drug.class_ in classes)
        covered += sum(1 for to_id in drug_targets.get(from_drug.id, ())
                       if to_id != from_drug.id and to_id in rulebase.drugs
                       and rulebase.drugs[to_id].class_ not in classes)
        missing = len(drugs) - 1 - covered
        total += missing
        for to_drug in drugs if missing and len(problems) < limit else ():
            if to_drug.id == from_drug.id or to_drug.class_ in classes or \
                    to_drug.id in drug_targets.get(from_drug.id, ()):
                continue
            problems.append(Problem(
                display, 1, 1, "missing-pathway",
                f"no pathway for {from_drug.id} → {to_drug.id}: add "
                f"{from_drug.id}--{to_drug.id}.yaml or "
                f"{from_drug.class_}--{to_drug.class_}.yaml"))
            if len(problems) >= limit:
                break
    return problems, total
