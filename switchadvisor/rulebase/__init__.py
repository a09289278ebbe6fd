"""The rule base: models of its YAML files (``models``), finding and reading them
(``files``), problems in plain words with positions (``problems``), cross-references
(``checks``) and the loader that runs them in order (``loader``).

Public names are re-exported here: ``from switchadvisor.rulebase import load_rulebase``.
"""

from switchadvisor.rulebase.loader import load_rulebase
from switchadvisor.rulebase.models import (
    BOUNDS,
    CONDITION_FACTS,
    FIGURE_WORDS,
    FIGURES,
    ID_PATTERN,
    KEBAB_PATTERN,
    LASTING_EFFECT,
    TEMPLATE_FIELDS,
    AfterStopping,
    Alternative,
    BeforeStarting,
    Drug,
    DrugClass,
    Duration,
    EvidenceEntry,
    EvidenceKind,
    Finding,
    Id,
    KebabId,
    Layer,
    LymphocyteEffect,
    Pathway,
    PathwayRules,
    Period,
    Route,
    Rule,
    RuleBase,
    RuleBaseMeta,
    Severity,
    Washout,
    condition_facts,
)

__all__ = [
    "BOUNDS", "CONDITION_FACTS", "FIGURES", "FIGURE_WORDS", "ID_PATTERN", "KEBAB_PATTERN",
    "LASTING_EFFECT", "TEMPLATE_FIELDS", "AfterStopping", "Alternative", "BeforeStarting",
    "Drug", "DrugClass", "Duration", "EvidenceEntry", "EvidenceKind", "Finding", "Id",
    "KebabId", "Layer", "LymphocyteEffect", "Pathway", "PathwayRules", "Period", "Route",
    "Rule", "RuleBase", "RuleBaseMeta", "Severity", "Washout", "condition_facts",
    "load_rulebase",
]
