"""Issue 11: the compiled rule base is cached so a warm start parses no YAML, and the cache
can never change a result: the same JSON cached or not, a damaged, planted or foreign file
ignored and rebuilt, a changed rule file a new key, and validation always reading YAML."""

from __future__ import annotations

import itertools
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import MINI_RULES, RunCli
from switchadvisor import Switch, assess, load_rulebase
from switchadvisor.rulebase import compiled, loader


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv(compiled.CACHE_DIR_ENV, str(directory))
    monkeypatch.delenv(compiled.NO_CACHE_ENV, raising=False)
    return directory


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    copy = tmp_path / "rules"
    shutil.copytree(MINI_RULES, copy)
    return copy


def _cache_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("rulebase-*.pickle")) if directory.is_dir() else []


def _no_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, reading YAML fails the test: only the cache can answer."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the rule base was read from YAML")
    monkeypatch.setattr(loader, "compile_rulebase", refuse)


def test_a_warm_start_reads_the_cache_not_the_yaml(
        cache_dir: Path, rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = load_rulebase(rules)
    assert len(_cache_files(cache_dir)) == 1
    _no_yaml(monkeypatch)
    warm = load_rulebase(rules)
    assert warm.sha256 == cold.sha256
    assert warm.location == cold.location
    assert warm.findings.keys() == cold.findings.keys()


def test_cached_and_uncached_results_are_byte_identical_for_every_pair(
        cache_dir: Path, shipped_rulebase: object) -> None:
    load_rulebase()  # writes the cache
    warm, cold = load_rulebase(), load_rulebase(cache=False)
    assert len(_cache_files(cache_dir)) == 1
    facts = {"lymphocytes": "0.6", "weeks_since_stop": "6"}
    for from_id, to_id in itertools.permutations(sorted(cold.drugs), 2):
        for given in ({}, facts):
            expected = assess(cold, Switch.resolve(cold, from_id, to_id), **given).to_json()
            assert assess(warm, Switch.resolve(warm, from_id, to_id), **given).to_json() \
                == expected, (from_id, to_id, given)


def test_the_cli_prints_the_same_json_cold_warm_and_uncached(cache_dir: Path) -> None:
    command = [sys.executable, "-m", "switchadvisor.entry", "check", "--from", "fingolimod",
               "--to", "alemtuzumab", "--lymphocytes", "600/uL", "--format", "json"]
    environment = {**os.environ, compiled.CACHE_DIR_ENV: str(cache_dir)}
    outputs = []
    for extra in ({}, {}, {compiled.NO_CACHE_ENV: "1"}):
        result = subprocess.run(command, capture_output=True, env={**environment, **extra},
                                check=False)
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(_cache_files(cache_dir)) == 1


@pytest.mark.parametrize("damage", [
    b"", b"garbage", b"\x80\x05", pickle.dumps(("another key", {})),
    pickle.dumps({"not": "a tuple"}),
])
def test_a_damaged_cache_is_ignored_and_rebuilt_silently(
        cache_dir: Path, rules: Path, damage: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = load_rulebase(rules, cache=False)
    load_rulebase(rules)
    [path] = _cache_files(cache_dir)
    path.write_bytes(damage)
    rebuilt = load_rulebase(rules)
    assert rebuilt.sha256 == expected.sha256
    assert rebuilt.findings.keys() == expected.findings.keys()
    _no_yaml(monkeypatch)  # and the file was rewritten whole
    assert load_rulebase(rules).sha256 == expected.sha256


def test_a_truncated_cache_is_ignored(cache_dir: Path, rules: Path) -> None:
    load_rulebase(rules)
    [path] = _cache_files(cache_dir)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert load_rulebase(rules).findings


class _Planted:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("touch planted-by-cache",))


def test_a_planted_pickle_naming_other_code_is_never_run(
        cache_dir: Path, rules: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    load_rulebase(rules)
    [path] = _cache_files(cache_dir)
    path.write_bytes(pickle.dumps(_Planted()))
    assert load_rulebase(rules).findings
    assert not (tmp_path / "planted-by-cache").exists()


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_a_cache_file_others_may_write_is_not_trusted(
        cache_dir: Path, rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_rulebase(rules)
    [path] = _cache_files(cache_dir)
    path.chmod(0o666)
    _no_yaml(monkeypatch)
    with pytest.raises(AssertionError, match="read from YAML"):
        load_rulebase(rules)


def test_a_changed_rule_file_is_a_new_key(cache_dir: Path, rules: Path) -> None:
    before = load_rulebase(rules)
    drugs = rules / "drugs.yaml"
    drugs.write_text(drugs.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    after = load_rulebase(rules)
    assert after.sha256 != before.sha256
    assert len(_cache_files(cache_dir)) == 2


def test_a_changed_message_is_seen_at_once(cache_dir: Path, rules: Path) -> None:
    rulebase = load_rulebase(rules)
    rule = next(rule for rule in rulebase.findings.values() if rule.finding.message in
                (rules / "drugs.yaml").read_text(encoding="utf-8"))
    drugs = rules / "drugs.yaml"
    drugs.write_text(drugs.read_text(encoding="utf-8").replace(
        rule.finding.message, rule.finding.message + " Edited."), encoding="utf-8")
    assert load_rulebase(rules).findings[rule.finding.id].finding.message.endswith(" Edited.")


def test_no_cache_is_written_when_disabled(
        cache_dir: Path, rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_rulebase(rules, cache=False)
    monkeypatch.setenv(compiled.NO_CACHE_ENV, "1")
    load_rulebase(rules)
    assert _cache_files(cache_dir) == []


def test_an_unusable_cache_directory_only_costs_speed(
        tmp_path: Path, rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv(compiled.CACHE_DIR_ENV, str(blocker / "cache"))
    assert load_rulebase(rules).findings
    assert load_rulebase(rules).findings


def test_old_cache_files_are_pruned(cache_dir: Path, rules: Path) -> None:
    drugs = rules / "drugs.yaml"
    text = drugs.read_text(encoding="utf-8")
    for version in range(compiled.KEEP_FILES + 3):
        drugs.write_text(text + f"\n# version {version}\n", encoding="utf-8")
        load_rulebase(rules)
    assert len(_cache_files(cache_dir)) == compiled.KEEP_FILES


def test_rules_validate_and_test_read_the_yaml_even_with_a_warm_cache(
        cache_dir: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    load_rulebase()
    assert _cache_files(cache_dir)

    def refuse(*args: object) -> None:
        raise AssertionError("the cache was consulted")
    monkeypatch.setattr(compiled, "_read", refuse)
    assert run_cli("rules", "validate", "-q").exit_code == 0
    assert run_cli("rules", "test", "-q").exit_code == 0
    # the guard itself works: a command that may use the cache trips it
    assert run_cli("check", "--from", "fingolimod", "--to", "alemtuzumab").exit_code != 0


@pytest.mark.parametrize("where", ["before", "after"])
def test_the_no_cache_option_reads_yaml_and_writes_nothing(
        cache_dir: Path, run_cli: RunCli, where: str) -> None:
    switch = ["check", "--from", "fingolimod", "--to", "alemtuzumab", "-f", "json"]
    args = ["--no-cache", *switch] if where == "before" else [*switch, "--no-cache"]
    uncached = run_cli(*args)
    assert uncached.exit_code == 0, uncached
    assert _cache_files(cache_dir) == []
    cached = run_cli(*switch)
    assert len(_cache_files(cache_dir)) == 1
    assert cached.stdout == uncached.stdout
