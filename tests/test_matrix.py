"""`switchadvisor matrix`: every ordered pair once, each cell the engine's verdict."""

from __future__ import annotations

import json
from itertools import groupby
from typing import Any

import pytest

from helpers import RunCli
from switchadvisor.engine import assess
from switchadvisor.errors import ExitCode
from switchadvisor.facts import parse_facts
from switchadvisor.matrix import build_matrix
from switchadvisor.render.matrix import abbreviations, render_plain
from switchadvisor.rulebase import RuleBase


def grid(run_cli: RunCli, *args: str) -> dict[str, Any]:
    result = run_cli("matrix", "--format", "json", *args)
    assert result.exit_code == ExitCode.OK, result
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_json_has_every_ordered_pair_exactly_once(run_cli: RunCli,
                                                  shipped_rulebase: RuleBase) -> None:
    data = grid(run_cli)
    drugs = sorted(shipped_rulebase.drugs)
    pairs = [(cell["from"], cell["to"]) for cell in data["cells"]]
    assert len(pairs) == len(set(pairs)) == len(drugs) * (len(drugs) - 1)
    assert set(pairs) == {(a, b) for a in drugs for b in drugs if a != b}
    assert data["rows"] == data["columns"] == drugs
    assert data["rulebase"] == {"id": shipped_rulebase.meta.id,
                                "version": shipped_rulebase.meta.version}
    assert set(data["cells"][0]) == {"from", "to", "verdict", "worst_possible", "specific"}


@pytest.mark.parametrize(("from_", "to", "facts"), [
    ("fingolimod", "alemtuzumab", {}),
    ("ozanimod", "dimethyl-fumarate", {}),
    ("fingolimod", "cladribine", {"lymphocytes": "0.5"}),
    ("natalizumab", "fingolimod", {"weeks_since_stop": "12"}),
])
def test_each_cell_is_the_engines_answer(run_cli: RunCli, shipped_rulebase: RuleBase,
                                         from_: str, to: str, facts: dict[str, str]) -> None:
    options = [arg for name, value in facts.items()
               for arg in (f"--{name.replace('_', '-')}", value)]
    data = grid(run_cli, *options)
    cell = next(cell for cell in data["cells"] if (cell["from"], cell["to"]) == (from_, to))
    expected = assess(shipped_rulebase, from_, to, **facts)
    assert cell["verdict"] == expected.verdict.value
    assert cell["worst_possible"] == expected.worst_possible.value
    assert cell["specific"] is (f"{from_}→{to}" in expected.switch.pathways)


def test_specific_marks_a_drug_to_drug_pathway(run_cli: RunCli,
                                               shipped_rulebase: RuleBase) -> None:
    data = grid(run_cli)
    specific = {(cell["from"], cell["to"]) for cell in data["cells"] if cell["specific"]}
    assert specific == {pair for pair in shipped_rulebase.pathways
                        if pair[0] in shipped_rulebase.drugs}


def test_by_class_groups_rows_and_columns(run_cli: RunCli, shipped_rulebase: RuleBase) -> None:
    data = grid(run_cli, "--by-class")
    classes = [shipped_rulebase.drugs[drug].class_ for drug in data["rows"]]
    runs = [key for key, _ in groupby(classes)]
    assert len(runs) == len(set(runs))  # each class is one contiguous block
    assert data["columns"] == data["rows"]


def test_facts_change_cells(run_cli: RunCli) -> None:
    low = grid(run_cli, "--lymphocytes", "0.5")
    into_cladribine = [cell for cell in low["cells"] if cell["to"] == "cladribine"]
    assert all(cell["verdict"] == "critical" for cell in into_cladribine)
    assert low["facts"][0]["name"] == "lymphocytes"


@pytest.mark.parametrize("by_class", [False, True])
def test_text_fits_100_columns_with_a_key(shipped_rulebase: RuleBase, by_class: bool) -> None:
    matrix = build_matrix(shipped_rulebase, parse_facts({}), by_class=by_class)
    text = render_plain(matrix, width=100)
    assert all(len(line) <= 100 and line == line.rstrip() for line in text.splitlines())
    assert "drug-specific evidence" in text and "class-level inference" in text
    short = abbreviations(matrix.rows)
    assert len(set(short.values())) == len(short)
    for drug_id, name in short.items():
        assert f"{name} {drug_id}" in text.replace("\n  ", " ")


def test_cli_text_marks_specific_cells(run_cli: RunCli) -> None:
    result = run_cli("matrix", "--width", "100")
    assert result.exit_code == ExitCode.OK, result
    fin = next(line for line in result.stdout.splitlines() if line.startswith("FIN "))
    assert "*" in fin  # fingolimod → alemtuzumab has its own pathway


@pytest.mark.parametrize("by_class", [False, True])
def test_at_80_columns_the_grid_drops_the_question_mark_and_still_fits(
        shipped_rulebase: RuleBase, by_class: bool) -> None:
    matrix = build_matrix(shipped_rulebase, parse_facts({}), by_class=by_class)
    lines = render_plain(matrix, width=80).splitlines()
    assert all(len(line) <= 80 and line.isascii() for line in lines)
    fin = next(line for line in lines if line.startswith("FIN "))
    assert "WC*" in fin.split() or any("WC*" in cell for cell in fin.split("|"))
    assert "?" not in "".join(line for line in lines if line[:3].isupper())
    assert "IW, IC, WC: the verdict, then what it could still be" in " ".join(
        " ".join(lines).split())
    wide = render_plain(matrix, width=100)
    assert "W?C*" in wide and "IW, IC, WC" not in wide  # 100 columns keep the full notation


def test_the_title_names_the_facts_in_words(shipped_rulebase: RuleBase) -> None:
    matrix = build_matrix(shipped_rulebase, parse_facts({"weeks_since_stop": "10"}),
                          by_class=False)
    lines = render_plain(matrix, width=80).splitlines()
    title = " ".join(line.strip() for line in lines[:2])
    assert "facts: since the last dose: 10 weeks" in title and "weeks_since_stop" not in title
    assert lines[1].startswith("  ")  # the wrapped title keeps an indent
