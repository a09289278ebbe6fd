"""The rule base: models of its YAML files (``models``), finding and reading them
(``files``), problems in plain words with positions (``problems``), cross-references
(``checks``) and the loader that runs them in order (``loader``).

Public names are re-exported here: ``from switchadvisor.rulebase import load_rulebase``.
"""

from switchadvisor.rulebase.loader import load_rulebase
from switchadvisor.rulebase.models import (
    CONDITION_FACTS,
    FIGURE_MEASURES,
    FIGURE_WORDS,
    FIGURES,
    ID_PATTERN,
    IMMUNE_EFFECT,
    IMMUNE_MEASURES,
    KEBAB_PATTERN,
    TEMPLATE_FIELDS,
    UPPER,
    AfterStopping,
    Alternative,
    BeforeStarting,
    Drug,
    DrugClass,
    DrugFigure,
    Duration,
    EvidenceEntry,
    EvidenceKind,
    Finding,
    Id,
    KebabId,
    Layer,
    LymphocyteEffect,
    Measure,
    Pathway,
    PathwayRules,
    Route,
    Rule,
    RuleBase,
    RuleBaseMeta,
    Severity,
    Statistic,
    Washout,
    condition_facts,
)

__all__ = [
    "CONDITION_FACTS", "FIGURES", "FIGURE_MEASURES", "FIGURE_WORDS", "ID_PATTERN",
    "IMMUNE_EFFECT", "IMMUNE_MEASURES", "KEBAB_PATTERN", "TEMPLATE_FIELDS", "UPPER",
    "AfterStopping", "Alternative", "BeforeStarting", "Drug", "DrugClass", "DrugFigure",
    "Duration", "EvidenceEntry", "EvidenceKind", "Finding", "Id", "KebabId", "Layer",
    "LymphocyteEffect", "Measure", "Pathway", "PathwayRules", "Route", "Rule", "RuleBase",
    "RuleBaseMeta", "Severity", "Statistic", "Washout", "condition_facts",
    "load_rulebase",
]
