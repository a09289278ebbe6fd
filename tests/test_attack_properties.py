"""Attack review, property-based: random option combinations on the picture and lookup
commands, and random batch records, end only with a documented exit code — never a
traceback, an internal error or a control character on stderr. CI runs the fixed ``ci``
profile (tests/conftest.py); ``HYPOTHESIS_PROFILE=long`` explores further."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import MINI_RULES, RunCli
from switchadvisor.errors import ExitCode

DOCUMENTED = {int(code) for code in ExitCode} - {ExitCode.INTERNAL}
FACTS: dict[str, list[str | None]] = {
    "--lymphocytes": ["0.6", "600/uL", "45", "-1", "1e400", "", "\x1b[31m", "0,6 G/L"],
    "--lymphocytes-lln": ["1.0", "0", "x"],
    "--weeks-since-stop": ["6", "42d", "2 months", "-1", "999 years", "nan"],
    "--stopped": ["2026-10-01", "2026-02-30", "yesterday"],
    "--on": ["2026-11-24", "1900-01-01"],
    "--disease-activity": ["none", "highly-active", "[red]x"],
    "--age": ["40", "-3", "forty"],
    "--jcv": ["positive", "maybe"],
    "--pregnancy-planned": [None],
    "--width": ["40", "300", "39", "100000000000000000000", "abc"],
    "--rules": [str(MINI_RULES), "/nonexistent-switchadvisor", "", "a" * 300],
    "--export": ["EXPORT/out.svg", "EXPORT/out.html", "EXPORT", "EXPORT/out.png",
                 "EXPORT/missing/out.svg"],
}
COMMANDS: dict[str, tuple[list[str], dict[str, list[str | None]]]] = {
    "timeline": (["timeline"], {
        **FACTS, "--from": ["fingolimod", "Gilenya", "x", ""],
        "--to": ["alemtuzumab", "cladribine", "fingolimod", ":warning:"]}),
    "options": (["options"], {
        **FACTS, "--from": ["fingolimod", "cladribine", "nosuch", "\x07"],
        "--format": ["text", "json", "JSON", "xml"]}),
    "matrix": (["matrix"], {
        **FACTS, "--by-class": [None], "--format": ["text", "json", "md"]}),
    "check-what-if": (["check", "--from", "fingolimod", "--to", "cladribine"], {
        **FACTS, "--what-if": ["lymphocytes=0.2..2:0.2", "age=20..30:5", "age=1..1000:1",
                               "weeks_since_stop=0..4:0", "age=1" + "..1" * 30 + ":x",
                               "jcv=1..2:1"],
        "--format": ["text", "json", "md", "cds-hooks"], "--fail-on": ["warning"],
        "--detail": ["summary"], "--compact": [None]}),
    "explain": (["explain"], {
        "ID": ["fingolimod", "fingolimod--alemtuzumab", "s1p-modulator", "frau2019",
               "cladribine-before-start-lymphocytes", "nosuch", "", "\x1b]0;x\x07",
               "a" * 5000, "--"],
        "--width": ["40", "10"], "--no-pager": [None],
        "--rules": [str(MINI_RULES), "/nonexistent-switchadvisor"]}),
}


def _arguments(command: str, chosen: dict[str, int], export_dir: Path) -> list[str]:
    base, table = COMMANDS[command]
    args = list(base)
    chosen.setdefault("--rules", 0)
    for option, pick in sorted(chosen.items()):
        values = table[option]
        value = values[pick % len(values)]
        if isinstance(value, str):
            value = value.replace("EXPORT", str(export_dir))
        if option == "ID":
            args.insert(1, value or "")
        elif value is None:
            args.append(option)
        else:
            args.append(f"{option}={value}")
    return args


@pytest.mark.parametrize("command", sorted(COMMANDS))
@given(data=st.data())
def test_random_options_exit_with_a_documented_code(command: str, data: st.DataObject,
                                                    run_cli: RunCli,
                                                    tmp_path_factory: pytest.TempPathFactory,
                                                    ) -> None:
    table = COMMANDS[command][1]
    chosen = data.draw(st.dictionaries(st.sampled_from(sorted(table)), st.integers(0, 20),
                                       max_size=6), label="options")
    export_dir = tmp_path_factory.mktemp("export")
    result = run_cli(*_arguments(command, chosen, export_dir))
    assert result.exit_code in DOCUMENTED, result
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result
    assert not any(char in result.stderr for char in "\x1b\x07\x9b"), result
    if result.exit_code == ExitCode.USAGE:
        assert result.stderr.strip(), result


# --------------------------------------------------------------------------- batch records

RECORD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**30, 10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["fingolimod", "Lemtrada", "cladribine", "600/uL", "0,6", "42d",
                     "2026-02-30", "2026-10-01", "highly-active", "positive", "", "\x1b[2J",
                     "[red]x[/red]"]),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=2),
)
RECORD_KEYS = ["from", "to", "id", "lymphocytes", "lymphocytes_lln", "weeks-since-stop",
               "weeks_since_stop", "stopped", "on", "disease_activity", "age", "jcv",
               "pregnancy_planned", "lymfocytes", ""]
RAW_LINES = st.sampled_from(["[" * 5000, "NaN", '{"from": "fingolimod", "from": "x"}',
                             '{"age": Infinity}', "{", '"just a string"', "  ", "\x00"])
records = st.one_of(
    st.dictionaries(st.sampled_from(RECORD_KEYS), RECORD_VALUES, max_size=6).map(
        lambda record: json.dumps(record, ensure_ascii=False)),
    st.fixed_dictionaries({"from": st.sampled_from(["fingolimod", "Gilenya", "nosuch"]),
                           "to": st.sampled_from(["alemtuzumab", "cladribine", "fingolimod"])},
                          optional={"lymphocytes": RECORD_VALUES, "age": RECORD_VALUES,
                                    "id": RECORD_VALUES}).map(json.dumps),
    RAW_LINES,
)


@given(lines=st.lists(records, min_size=1, max_size=6),
       detail=st.sampled_from(["summary", "full"]))
def test_random_batch_records_give_one_line_each(lines: list[str], detail: str,
                                                 run_cli: RunCli,
                                                 tmp_path_factory: pytest.TempPathFactory,
                                                 ) -> None:
    path = tmp_path_factory.mktemp("batch") / "records.jsonl"
    lines = [json.dumps({"from": "fingolimod", "to": "cladribine"}), *lines]  # JSON Lines
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("batch", str(path), "--detail", detail, "-q", "--rules", str(MINI_RULES))
    assert result.exit_code in (ExitCode.OK, ExitCode.USAGE), result
    assert "Traceback" not in result.stderr, result
    written = [json.loads(line) for line in result.stdout.split("\n") if line]
    assert len(written) == sum(1 for line in lines if line.strip())
    for record in written:
        assert ("verdict" in record) != ("error" in record), record
    assert (result.exit_code == ExitCode.USAGE) == any("error" in record for record in written)
