"""The library API: assess() records its input; assess_many() gives batch's records."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path

from helpers import MINI_RULES, RunCli
from switchadvisor import assess, assess_many, load_rulebase, summarize
from switchadvisor.rulebase import RuleBase

RECORDS: list[object] = [
    {"id": 1, "from": "Gilenya", "to": "alemtuzumab", "lymphocytes": "600/uL"},
    {"id": 2, "from": "fingolimod", "to": "nothing"},
    [1, 2],
    {"from": "fingolimod", "to": "cladribine", "weeks-since-stop": 3},
]


def test_assess_records_the_input_as_received(mini_rulebase: RuleBase) -> None:
    assessment = assess(mini_rulebase, "Gilenya", "alemtuzumab", lymphocytes="600/uL",
                        weeks_since_stop=6)
    assert assessment.input == {"from": "Gilenya", "to": "alemtuzumab",
                                "lymphocytes": "600/uL", "weeks_since_stop": 6}
    assert summarize(assessment).input == assessment.input


def test_assess_many_yields_what_batch_writes(tmp_path: Path, run_cli: RunCli) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(record) for record in RECORDS) + "\n",
                    encoding="utf-8")
    rulebase = load_rulebase(MINI_RULES)
    for detail in ("summary", "full"):
        lines = run_cli("batch", str(path), "--detail", detail, "--rules",
                        str(MINI_RULES)).stdout.splitlines()
        records = list(assess_many(rulebase, RECORDS, detail=detail))
        assert records == [json.loads(line) for line in lines]
    assert [record.get("id") for record in records] == [1, 2, None, None]
    assert records[1]["error"]["code"] == "unknown-drug"
    assert records[2]["error"]["code"] == "not-an-object"


def test_assess_many_is_lazy(mini_rulebase: RuleBase) -> None:
    def endless() -> Iterator[dict[str, object]]:
        for number in itertools.count():
            yield {"id": number, "from": "fingolimod", "to": "alemtuzumab"}

    first = list(itertools.islice(assess_many(mini_rulebase, endless()), 3))
    assert [record["id"] for record in first] == [0, 1, 2]


def test_assess_many_takes_json_text_too(mini_rulebase: RuleBase) -> None:
    records = list(assess_many(mini_rulebase, ['{"from": "fingolimod", "to": "cladribine"}',
                                               b"{oops"]))
    assert records[0]["switch"] == {"from": "fingolimod", "to": "cladribine"}
    assert records[1] == {**records[1], "line": 2, "id": None}
    assert records[1]["error"]["code"] == "not-json"


def test_readme_library_example_runs() -> None:
    import subprocess
    import sys

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("### Library API", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    completed = subprocess.run([sys.executable, "-c", block], capture_output=True, text=True,
                               check=False)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines() == ["1 info", "2 unknown-key", "info"]
