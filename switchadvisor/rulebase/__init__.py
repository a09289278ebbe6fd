"""The rule base: its types (``models``), finding and reading its files (``files``),
problems in plain words with positions (``collector``, ``problems``), cross-references
(``checks``), the loader that reads YAML and runs them in order (``loader``) and the cache
of compiled rule bases in front of it (``compiled``).

Public names are re-exported here: ``from switchadvisor.rulebase import load_rulebase``.
"""

from switchadvisor.rulebase.compiled import load_rulebase
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
