"""Every ordered pair of drugs, assessed with the same facts: the data behind `matrix`.

The grid is built by calling the engine once per pair; nothing here evaluates a rule.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from switchadvisor.assessment import Assessment, FactReading
from switchadvisor.engine import Switch, assess
from switchadvisor.facts import Facts
from switchadvisor.rulebase import RuleBase, Severity


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class MatrixCell(_Out):
    from_: str = Field(alias="from", serialization_alias="from")
    to: str
    verdict: Severity
    worst_possible: Severity
    specific: bool = Field(description="A drug→drug pathway applies: evidence about this "
                           "exact switch; false = class-level inference only.")


class MatrixRuleBase(_Out):
    id: str
    version: str


class Matrix(_Out):
    """The grid: rows are the drugs stopped, columns the drugs started."""

    rulebase: MatrixRuleBase
    facts: list[FactReading]
    by_class: bool
    rows: list[str]
    columns: list[str]
    classes: dict[str, str] = Field(description="Each drug's mechanism class id.")
    cells: list[MatrixCell] = Field(description="Every ordered pair of different drugs, once.")

    def cell(self, from_id: str, to_id: str) -> MatrixCell | None:
        return next((cell for cell in self.cells
                     if cell.from_ == from_id and cell.to == to_id), None)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2, by_alias=True) + "\n"


def drug_order(rulebase: RuleBase, *, by_class: bool = False) -> list[str]:
    """Drug ids alphabetically, or grouped by mechanism class (classes in file order)."""
    ids = sorted(rulebase.drugs)
    if not by_class:
        return ids
    class_order = {class_id: index for index, class_id in enumerate(rulebase.classes)}
    return sorted(ids, key=lambda drug_id: (
        class_order.get(rulebase.drugs[drug_id].class_, len(class_order)), drug_id))


def is_specific(assessment: Assessment) -> bool:
    """Whether a drug→drug pathway (evidence about this exact switch) applies."""
    switch = assessment.switch
    return f"{switch.from_.id}→{switch.to.id}" in switch.pathways


def build_matrix(rulebase: RuleBase, facts: Facts, *, by_class: bool = False) -> Matrix:
    order = drug_order(rulebase, by_class=by_class)
    cells: list[MatrixCell] = []
    readings: list[FactReading] = []
    for from_id in order:
        for to_id in order:
            if from_id == to_id:
                continue
            assessment = assess(rulebase, Switch.resolve(rulebase, from_id, to_id),
                                facts=facts)
            readings = assessment.facts
            cells.append(MatrixCell(from_=from_id, to=to_id, verdict=assessment.verdict,
                                    worst_possible=assessment.worst_possible,
                                    specific=is_specific(assessment)))
    return Matrix(
        rulebase=MatrixRuleBase(id=rulebase.meta.id, version=rulebase.meta.version),
        facts=[reading for reading in readings if reading.source == "given"],
        by_class=by_class, rows=order, columns=order,
        classes={drug_id: rulebase.drugs[drug_id].class_ for drug_id in order},
        cells=cells,
    )
