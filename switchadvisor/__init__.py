"""switchadvisor: explains the risks of switching between MS disease-modifying therapies.

Public API::

    from switchadvisor import load_rulebase, assess
    rulebase = load_rulebase()
    assessment = assess(rulebase, "Gilenya", "Lemtrada", lymphocytes="600/uL")
    print(assessment.verdict, assessment.to_json())
    for record in assess_many(rulebase, [{"id": 1, "from": "Gilenya", "to": "Ocrevus"}]):
        print(record["verdict"])          # the same records as `switchadvisor batch`

Attributes are imported on first use so that ``switchadvisor --version`` and the JSON path
pay only for what they touch.
"""

from __future__ import annotations

from importlib import import_module

TYPE_CHECKING = False  # not typing's: importing typing here would delay the Ctrl-C handler
if TYPE_CHECKING:
    from typing import Any

# The single source of the version (hatch reads it at build time); a constant, because
# importlib.metadata costs ~20 ms at start-up.
__version__ = "0.1.0"

_EXPORTS = {
    "load_rulebase": "switchadvisor.rulebase",
    "RuleBase": "switchadvisor.rulebase",
    "assess": "switchadvisor.engine",
    "assess_summary": "switchadvisor.engine",
    "Switch": "switchadvisor.engine",
    "Assessment": "switchadvisor.assessment",
    "Facts": "switchadvisor.facts",
    "parse_facts": "switchadvisor.facts",
    "assess_many": "switchadvisor.batch",
    "Summary": "switchadvisor.assessment",
    "summarize": "switchadvisor.assessment",
}

__all__ = ["Assessment", "Facts", "RuleBase", "Summary", "Switch", "__version__", "assess",
           "assess_many", "assess_summary", "load_rulebase", "parse_facts", "summarize"]

if TYPE_CHECKING:
    from switchadvisor.assessment import Assessment, Summary, summarize
    from switchadvisor.batch import assess_many
    from switchadvisor.engine import Switch, assess, assess_summary
    from switchadvisor.facts import Facts, parse_facts
    from switchadvisor.rulebase import RuleBase, load_rulebase


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'switchadvisor' has no attribute {name!r}")
    return getattr(import_module(module), name)
