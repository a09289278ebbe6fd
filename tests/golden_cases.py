"""The outputs kept as golden files: one switch in every format, and the JSON Schema."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from helpers import MINI_RULES
from switchadvisor import Switch, assess, load_rulebase, parse_facts
from switchadvisor.render.card import render_card_plain
from switchadvisor.render.console import render_plain
from switchadvisor.render.markdown import render_markdown

GOLDEN = Path(__file__).parent / "golden"


def golden_outputs() -> dict[str, str]:
    rulebase = load_rulebase(MINI_RULES)
    assessment = assess(rulebase, Switch.resolve(rulebase, "Gilenya", "alemtuzumab"),
                        facts=parse_facts({"lymphocytes": "600/uL", "weeks_since_stop": "6"}))
    # the tool version is not part of the layout under test
    assessment = replace(assessment, tool_version="0.0.0")
    return {
        "fingolimod-alemtuzumab.txt": render_plain(assessment, width=100),
        "fingolimod-alemtuzumab.card.txt": render_card_plain(assessment, width=100),
        "fingolimod-alemtuzumab.md": render_markdown(assessment),
        "fingolimod-alemtuzumab.json": assessment.to_json(),
    }
