"""Attack review: JSON input to ``batch`` and ``replay`` (files a pipeline or a stranger
wrote). Deep nesting, NaN/Infinity, duplicate keys, enormous lines and documents, escape
sequences: each is an error of its record or one line naming FILE — never exit 70, never
unbounded reading, never a control character reaching the terminal."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from helpers import MINI_RULES, RunCli
from switchadvisor import replay as replay_module
from switchadvisor.errors import ExitCode
from switchadvisor.jsonin import DuplicateKeyError, JsonInputError, loads

MINI = ("--rules", str(MINI_RULES))
SAVED = {"verdict": "warning", "input": {"from": "fingolimod", "to": "alemtuzumab"}}

HOSTILE_JSON = [
    ("deep-arrays", "[" * 100_000, "nested too deeply"),
    ("deep-objects", '{"a":' * 100_000 + "1" + "}" * 100_000, "nested too deeply"),
    ("nan", '{"from": "fingolimod", "to": "alemtuzumab", "age": NaN}', "NaN is not a JSON"),
    ("infinity", '{"age": -Infinity}', "-Infinity is not a JSON"),
    ("huge-integer", '{"age": ' + "9" * 5000 + "}", "digits"),
    ("duplicate-key", '{"from": "fingolimod", "to": "alemtuzumab", "from": "x"}',
     "'from' is given twice"),
    ("truncated", '{"from": "fingolimod"', "delimiter at line"),
]


@pytest.mark.parametrize(("text", "message"), [(t, m) for _, t, m in HOSTILE_JSON],
                         ids=[name for name, _, _ in HOSTILE_JSON])
def test_loads_refuses_what_is_not_plain_json(text: str, message: str) -> None:
    with pytest.raises(JsonInputError) as caught:
        loads(text)
    assert message in str(caught.value)
    assert len(str(caught.value)) <= 200


def test_duplicate_key_names_the_key() -> None:
    with pytest.raises(DuplicateKeyError) as caught:
        loads('[{"a": 1}, {"b": {"c": 1, "c": 2}}]')
    assert caught.value.key == "c" and caught.value.code == "duplicate-key"


DUPLICATES_IN_HIDING = [
    '{"id": "a:b", "from": "x", "from": "y"}',  # a colon in a value makes up for the pair
    '{"a": {"b": 1, "b": 2}}',
    '{"a": [{"b": 1, "b": 2}]}',
    '[{"a": 1, "a": 1}]',
    '{"a": "NaN", "a": 1}',
    '{"a" : 1 , "a" : 1}',
]


@pytest.mark.parametrize("text", DUPLICATES_IN_HIDING)
def test_a_duplicate_key_is_found_wherever_it_is(text: str) -> None:
    with pytest.raises(DuplicateKeyError):
        loads(text)


@pytest.mark.parametrize("text", [
    '{"from": "fingolimod", "to": "Gilenya", "lymphocytes": 0.6}', '{"on": "10:30 NaN"}',
    '{"a": {"b": [1, {"c": "Infinity"}]}}', "[1, 2.5, \"x\"]", '"a:b"', "12", "null",
    '{"text": "\\":\\""}', '{"a": 1, "b": 2}', ' {"a": 1} ', '\t[1]\n', "  7", "true  ",
])
def test_plain_json_reads_as_the_standard_decoder_reads_it(text: str) -> None:
    assert loads(text) == json.loads(text)


@pytest.mark.parametrize("text", ['{"a": 1} x', '{"a": 1}{"b": 2}', "1 2", "", "   ", "[1,]"])
def test_text_beyond_one_value_is_not_json(text: str) -> None:
    with pytest.raises(JsonInputError):
        loads(text)


@pytest.mark.parametrize(("text", "message"), [(t, m) for _, t, m in HOSTILE_JSON],
                         ids=[name for name, _, _ in HOSTILE_JSON])
def test_replay_reports_hostile_json_as_a_record_error(text: str, message: str,
                                                       tmp_path: Path,
                                                       run_cli: RunCli) -> None:
    """Before: deep nesting was exit 70 (RecursionError), NaN and duplicate keys passed."""
    saved = tmp_path / "saved.jsonl"
    saved.write_text(text + "\n" + json.dumps(SAVED) + "\n")
    result = run_cli("replay", str(saved), "-f", "json", *MINI)
    assert result.exit_code == ExitCode.USAGE, result
    report = json.loads(result.stdout)
    assert message in report["records"][0]["message"]
    assert "Traceback" not in result.stderr


def test_batch_duplicate_key_is_an_error_record(tmp_path: Path, run_cli: RunCli) -> None:
    """Before: the last 'from' silently won."""
    records = tmp_path / "records.jsonl"
    records.write_text('{"from": "fingolimod", "to": "alemtuzumab", "to": "cladribine"}\n')
    result = run_cli("batch", str(records), "-q", *MINI)
    assert result.exit_code == ExitCode.USAGE, result
    error = json.loads(result.stdout)["error"]
    assert (error["code"], error["field"]) == ("duplicate-key", "to")


class CountingStream(io.StringIO):
    """Counts the characters the reader asked for (the bound is checked by counting)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.served = 0

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        line = super().readline(size)
        self.served += len(line)
        return line

    def read(self, size: int | None = -1) -> str:
        text = super().read(size)
        self.served += len(text)
        return text


def test_replay_never_holds_a_line_over_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replay_module, "MAX_RECORD_CHARS", 1000)
    stream = CountingStream(json.dumps(SAVED) + "\n" + '{"pad": "' + "a" * 50_000 + '"}\n'
                            + json.dumps(SAVED) + "\n")
    records = list(replay_module.read_records(stream))
    assert [line for line, _ in records] == [1, 2, 3]
    assert isinstance(records[1][1], ValueError) and "longer than" in str(records[1][1])
    assert records[2][1] == SAVED


def test_replay_document_over_the_cap_is_one_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replay_module, "MAX_DOCUMENT_CHARS", 10_000)
    stream = CountingStream("[\n" + ",\n".join([json.dumps(SAVED)] * 5_000) + "\n]\n")
    records = list(replay_module.read_records(stream))
    assert len(records) == 1 and "give one record per line" in str(records[0][1])
    assert stream.served <= 10_001 + 2


def test_replay_text_escapes_control_characters(tmp_path: Path, run_cli: RunCli) -> None:
    """Before: a saved record's drug name set the terminal title (OSC) and its rule-base
    version drew in colour."""
    saved = tmp_path / "saved.jsonl"
    saved.write_text(json.dumps({
        "verdict": "info", "input": {"from": "fingolimod\x1b]0;PWNED\x07", "to": "alemtuzumab"},
        "rulebase": {"id": "\x1b[5mblink", "version": "\x9b1m", "sha256": "\x1b" * 20}}) + "\n")
    result = run_cli("replay", str(saved), *MINI)
    assert result.exit_code == ExitCode.FAIL_ON, result
    assert "\\x1b]0;PWNED\\x07" in result.stdout
    assert not any(char in result.stdout for char in "\x1b\x07\x9b")


def test_batch_error_records_quote_a_bounded_excerpt(tmp_path: Path, run_cli: RunCli) -> None:
    """Before: a 60,000-character drug name came back whole in the error message (and an
    unknown key in both message and field): output twice the input. Messages are cut in
    the middle to 1,000 characters, keeping the "did you mean" at the end."""
    from switchadvisor.errors import MAX_MESSAGE

    records = tmp_path / "records.jsonl"
    records.write_text(json.dumps({"from": "fingolimodx" * 5_000, "to": "alemtuzumab"}) + "\n")
    result = run_cli("batch", str(records), "-q", *MINI)
    assert result.exit_code == ExitCode.USAGE, result
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "unknown-drug"
    assert len(error["message"]) == MAX_MESSAGE and "…" in error["message"]
    assert error["message"].startswith("unknown drug 'fingolimodx")
    assert len(result.stdout) < 2_000
