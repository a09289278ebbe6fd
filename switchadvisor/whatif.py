"""`check --what-if FACT=FROM..TO:STEP`: the same switch assessed across a range of one fact.

Shows where a threshold sits: each row is one value of the fact with the verdict and the
findings that fire. The engine is run once per value; nothing here evaluates a rule.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from switchadvisor.assessment import FiredFinding, NotEvaluated
from switchadvisor.engine import Switch, assess
from switchadvisor.errors import InputError
from switchadvisor.facts import Facts, parse_facts
from switchadvisor.rulebase import RuleBase, Severity

OPTION = "--what-if"
FORM = "FACT=FROM..TO:STEP, e.g. lymphocytes=0.2..2.0:0.2 or weeks_since_stop=0..24:2"
NUMERIC_FACTS = ("lymphocytes", "lymphocytes_lln", "weeks_since_stop", "age")
MAX_STEPS = 200
MAX_SPEC_CHARS = 100
"""A spec longer than this is refused before any parsing (like every fact value)."""
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?"
# A number cannot contain "..": with ``[\d.]+`` a spec such as "age=1..1..1..…" made the
# regex try every split (40,000 characters took 17 s).
_SPEC = re.compile(
    rf"^\s*(?P<fact>[a-z_-]+)\s*=\s*(?P<start>{_NUMBER})\s*\.\.\s*"
    rf"(?P<stop>{_NUMBER})\s*:\s*(?P<step>{_NUMBER})\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class WhatIfSpec:
    fact: str
    start: float
    stop: float
    step: float

    def values(self) -> list[float]:
        count = math.floor((self.stop - self.start) / self.step + 1e-9) + 1
        return [round(self.start + index * self.step, 10) for index in range(count)]


def _error(message: str) -> InputError:
    return InputError(f"{OPTION}: {message}", option=OPTION,
                      accepted=f"{FORM}; FACT one of {', '.join(NUMERIC_FACTS)}; at most "
                      f"{MAX_STEPS} values")


def parse_spec(text: str) -> WhatIfSpec:
    """Read ``FACT=FROM..TO:STEP``; InputError naming --what-if on anything else."""
    if len(text) > MAX_SPEC_CHARS:
        raise _error(f"the spec is longer than {MAX_SPEC_CHARS} characters")
    match = _SPEC.match(text)
    if match is None:
        raise _error(f"cannot read {text!r}")
    fact = match.group("fact").lower().replace("-", "_")
    if fact not in NUMERIC_FACTS:
        raise _error(f"{fact!r} cannot be varied; choose one of {', '.join(NUMERIC_FACTS)}")
    try:
        start, stop, step = (float(match.group(name)) for name in ("start", "stop", "step"))
    except ValueError:
        raise _error(f"cannot read the numbers in {text!r}") from None
    if not all(math.isfinite(value) for value in (start, stop, step)):
        raise _error("the numbers must be finite")
    if step <= 0:
        raise _error(f"the step must be above 0 (got {step:g})")
    if stop < start:
        raise _error(f"FROM ({start:g}) must not be above TO ({stop:g})")
    spec = WhatIfSpec(fact, start, stop, step)
    if (stop - start) / step + 1 > MAX_STEPS + 1e-9:
        raise _error(f"{text!r} gives more than {MAX_STEPS} values; use a larger step")
    return spec


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class WhatIfRow(_Out):
    value: float
    read_as: str = Field(description="How the value was read (with its unit).")
    verdict: Severity
    worst_possible: Severity
    fired: list[str] = Field(description="Ids of the findings that fire at this value.")
    not_evaluated: list[str]
    changed: bool = Field(description="The verdict or the fired findings differ from the "
                          "row before.")


class WhatIf(_Out):
    from_: str = Field(alias="from", serialization_alias="from")
    to: str
    fact: str
    spec: str
    rulebase: dict[str, str]
    titles: dict[str, str] = Field(description="Title of every finding id in the rows.")
    severities: dict[str, Severity]
    rows: list[WhatIfRow]

    def always(self) -> list[str]:
        """Findings that fire at every value."""
        if not self.rows:
            return []
        common = set(self.rows[0].fired).intersection(*(row.fired for row in self.rows))
        return [finding for finding in self.rows[0].fired if finding in common]

    def to_json(self) -> str:
        return self.model_dump_json(indent=2, by_alias=True) + "\n"


def run_what_if(rulebase: RuleBase, switch: Switch, facts: Facts, spec: WhatIfSpec,
                text: str = "") -> WhatIf:
    """Assess ``switch`` once per value of ``spec.fact``, the other facts as given."""
    if spec.fact in facts.read_as:
        option = "--" + spec.fact.replace("_", "-")
        raise InputError(f"{OPTION} varies {spec.fact}; do not also give {option}"
                         + (" or --stopped" if spec.fact == "weeks_since_stop" else ""),
                         option=OPTION)
    rows: list[WhatIfRow] = []
    titles: dict[str, str] = {}
    severities: dict[str, Severity] = {}
    previous: tuple[Severity, list[str]] | None = None
    for value in spec.values():
        try:
            one = parse_facts({spec.fact: value})
        except InputError as exc:
            limits = f" ({exc.accepted})" if exc.accepted else ""
            raise _error(f"{value:g} is not a possible {spec.fact}{limits}") from None
        varied = facts.replace(**{
            spec.fact: one.value(spec.fact),
            "read_as": {**facts.read_as, spec.fact: one.read_as.get(spec.fact, f"{value:g}")},
        })
        assessment = assess(rulebase, switch, facts=varied)
        fired = [item.id for item in assessment.findings]
        items: list[FiredFinding | NotEvaluated] = [*assessment.findings,
                                                    *assessment.not_evaluated]
        for item in items:
            titles[item.id] = item.title
            severities[item.id] = item.severity
        current = (assessment.verdict, fired)
        rows.append(WhatIfRow(value=value, read_as=varied.read_as[spec.fact],
                              verdict=assessment.verdict,
                              worst_possible=assessment.worst_possible, fired=fired,
                              not_evaluated=[item.id for item in assessment.not_evaluated],
                              changed=previous is not None and current != previous))
        previous = current
    return WhatIf(from_=switch.from_.drug.id, to=switch.to.drug.id, fact=spec.fact,
                  spec=text, rulebase={"id": rulebase.meta.id,
                                       "version": rulebase.meta.version},
                  titles=titles, severities=severities, rows=rows)
