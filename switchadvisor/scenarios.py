"""The rule base's own tests: rules/scenarios/*.yaml, run by `switchadvisor rules test` and
by pytest through the same loader.

A scenario file::

    scenarios:
      - name: lymphocytes-below-lln
        from: fingolimod
        to: cladribine
        facts: {lymphocytes: 0.7}
        expect:
          verdict: critical
          fired: [cladribine-before-start-lymphocytes]
          not_evaluated: []
          not_fired: []
          superseded: []                # replaced by a more specific finding
          washout_position: within      # optional
          worst_possible: critical      # optional
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from switchadvisor import yamlio
from switchadvisor.assessment import Assessment, WashoutPosition
from switchadvisor.engine import Switch, assess
from switchadvisor.errors import Problem, RuleBaseError, SwitchAdvisorError, bounded
from switchadvisor.facts import parse_facts
from switchadvisor.rulebase import KebabId, RuleBase, Severity, files
from switchadvisor.rulebase.problems import MAX_KEPT

SCENARIO_TODAY = dt.date(2026, 11, 24)
"""`stopped` dates in scenarios are read against this fixed day, so results never drift."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Expectation(_Model):
    verdict: Severity
    fired: list[KebabId] = Field(default_factory=list)
    not_evaluated: list[KebabId] = Field(default_factory=list)
    not_fired: list[KebabId] = Field(default_factory=list)
    superseded: list[KebabId] = Field(default_factory=list)
    washout_position: WashoutPosition | None = None
    worst_possible: Severity | None = None


class Scenario(_Model):
    name: KebabId
    description: str | None = None
    from_: str = Field(alias="from")
    to: str
    facts: dict[str, str | float | bool] = Field(default_factory=dict)
    expect: Expectation


class ScenarioFile(_Model):
    scenarios: list[Scenario] = Field(min_length=1)


@dataclass(frozen=True)
class LoadedScenario:
    file: str
    scenario: Scenario

    @property
    def id(self) -> str:
        return f"{Path(self.file).stem}::{self.scenario.name}"


@dataclass(frozen=True)
class ScenarioResult:
    scenario: LoadedScenario
    failures: tuple[str, ...]
    assessment: Assessment | None

    @property
    def passed(self) -> bool:
        return not self.failures


def scenario_dir(rulebase: RuleBase) -> Path:
    return rulebase.location.path / "scenarios"


def load_scenarios(directory: Path) -> list[LoadedScenario]:
    """Every scenario in ``directory``; RuleBaseError lists every malformed file.

    Files are read as the rule base's are (regular files only, size-capped, plain YAML), and
    each scenario's facts are checked here, so a bad date is a positioned problem.
    """
    problems: list[Problem] = []
    loaded: list[LoadedScenario] = []
    if not directory.is_dir():
        return loaded
    root = directory.parent
    try:
        entries = sorted(entry.name for entry in files.list_directory(directory))
    except (files.UnreadableFile, OSError) as exc:
        message = exc.message if isinstance(exc, files.UnreadableFile) else str(exc.strerror)
        raise RuleBaseError([Problem(f"{directory.name}/", 1, 1, "unreadable", message)],
                            summary="invalid scenario files") from None
    budget = files.Budget()
    for name in entries:
        display = f"{directory.name}/{name}"
        if name.startswith("."):
            continue
        if not name.endswith(".yaml"):
            if name.lower().endswith((".yaml", ".yml")):
                problems.append(Problem(display, 1, 1, "unexpected-file",
                                        "scenario files end in .yaml (lower case)"))
            continue
        problems.extend(_load_file(directory / name, root, display, budget, loaded))
        if len(problems) > MAX_KEPT:
            break
    if problems:
        raise RuleBaseError(problems[:MAX_KEPT], summary="invalid scenario files",
                            omitted=max(0, len(problems) - MAX_KEPT))
    return loaded


def _load_file(path: Path, root: Path, display: str, budget: files.Budget,
               loaded: list[LoadedScenario]) -> list[Problem]:
    def problem(position: tuple[int, int], code: str, message: str) -> Problem:
        return Problem(display, position[0], position[1], code, bounded(message, 300))

    try:
        raw = files.read_bounded(path, root, budget=budget)
        text = raw.decode("utf-8")
        document = yamlio.load_document(text)
    except files.UnreadableFile as exc:
        return [problem((1, 1), exc.code, exc.message)]
    except UnicodeDecodeError as exc:
        return [problem((1, 1), "encoding", f"not UTF-8 text ({exc.reason})")]
    except yamlio.YamlSyntaxError as exc:
        return [problem((item.line, item.column), item.code, item.message)
                for item in exc.problems]
    try:
        parsed = ScenarioFile.model_validate(document.data)
    except ValidationError as exc:
        found = []
        for error in exc.errors():
            position = yamlio.locate(document.node, list(error["loc"]))
            where = ".".join(str(part) for part in error["loc"])
            got = ""
            if "input" in error and not isinstance(error["input"], (dict, list)):
                got = f" (got {yamlio.excerpt(error['input'])})"
            found.append(problem(position, "invalid-scenario", f"{where}: {error['msg']}{got}"))
        return found
    found = []
    names = set()
    for index, scenario in enumerate(parsed.scenarios):
        if scenario.name in names:
            found.append(problem(yamlio.locate(document.node, ["scenarios", index, "name"]),
                                 "duplicate-scenario",
                                 f"duplicate scenario name {scenario.name!r}"))
        names.add(scenario.name)
        try:
            parse_facts(scenario.facts, today=SCENARIO_TODAY)
        except SwitchAdvisorError as exc:
            option = getattr(exc, "option", None)
            fact = option.lstrip("-").replace("-", "_") if isinstance(option, str) else None
            loc: list[str | int] = ["scenarios", index, "facts"]
            if fact is not None and fact in scenario.facts:
                loc.append(fact)
            found.append(problem(yamlio.locate(document.node, loc), "invalid-scenario",
                                 f"scenario `{scenario.name}`: {exc}"))
            continue
        loaded.append(LoadedScenario(path.name, scenario))
    return found


def run_scenario(rulebase: RuleBase, loaded: LoadedScenario) -> ScenarioResult:
    scenario = loaded.scenario
    try:
        switch = Switch.resolve(rulebase, scenario.from_, scenario.to)
        facts = parse_facts(scenario.facts, today=SCENARIO_TODAY)
    except SwitchAdvisorError as exc:
        return ScenarioResult(loaded, (f"bad scenario input: {exc}",), None)
    assessment = assess(rulebase, switch, facts=facts)
    return ScenarioResult(loaded, tuple(_compare(rulebase, scenario.expect, assessment)),
                          assessment)


def _compare(rulebase: RuleBase, expect: Expectation, assessment: Assessment) -> list[str]:
    failures: list[str] = []
    if assessment.verdict is not expect.verdict:
        failures.append(f"verdict: expected {expect.verdict.value}, "
                        f"got {assessment.verdict.value}")
    if expect.worst_possible and assessment.worst_possible is not expect.worst_possible:
        failures.append(f"worst_possible: expected {expect.worst_possible.value}, "
                        f"got {assessment.worst_possible.value}")
    outcome: dict[str, str] = {}
    for item in assessment.findings:
        outcome[item.id] = "fired"
    for pending in assessment.not_evaluated:
        outcome[pending.id] = "not evaluated"
    for quiet in assessment.not_fired:
        outcome[quiet.id] = "did not fire"
    for superseded in assessment.superseded:
        outcome[superseded.id] = f"superseded by {superseded.by}"
    superseded_by = {item.id: item.by for item in assessment.superseded}
    for finding_id in expect.superseded:
        if finding_id not in superseded_by:
            failures.append(f"{finding_id}: expected superseded, got "
                            f"{outcome.get(finding_id, 'not part of this switch')}")
    for wanted, ids in (("fired", expect.fired), ("not evaluated", expect.not_evaluated),
                        ("did not fire", expect.not_fired)):
        for finding_id in ids:
            if finding_id not in rulebase.findings:
                failures.append(f"{finding_id}: no such finding in the rule base")
                continue
            actual = outcome.get(finding_id, "not part of this switch")
            if actual != wanted:
                failures.append(f"{finding_id}: expected {wanted}, got {actual}")
    if expect.washout_position is not None:
        actual_position = assessment.washout.position if assessment.washout else None
        if actual_position is not expect.washout_position:
            shown = actual_position.value if actual_position else "no washout window"
            failures.append(f"washout_position: expected {expect.washout_position.value}, "
                            f"got {shown}")
    return failures


@dataclass(frozen=True)
class Coverage:
    total: int
    exercised: frozenset[str]
    missing: tuple[str, ...]

    @property
    def percent(self) -> float:
        return 100.0 if self.total == 0 else 100.0 * (self.total - len(self.missing)) / self.total


def coverage(rulebase: RuleBase, scenarios: list[LoadedScenario]) -> Coverage:
    """A finding is exercised when some scenario asserts it fired or was not evaluated."""
    exercised = {finding_id for loaded in scenarios
                 for finding_id in (*loaded.scenario.expect.fired,
                                    *loaded.scenario.expect.not_evaluated)}
    missing = tuple(sorted(set(rulebase.findings) - exercised))
    return Coverage(len(rulebase.findings), frozenset(exercised), missing)

