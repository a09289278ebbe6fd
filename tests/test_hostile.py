"""Issue 8: a rule base cannot exhaust the machine or fool the loader, and the exit-code
contract holds in every environment. Bounds are asserted by counting (bytes read, problems
listed, characters per line), never by wall time; ``benchmarks/hostile.py`` measures time
and memory of the same cases."""

from __future__ import annotations

import dataclasses
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import MINI_RULES, RunCli
from hostile_cases import CASES, PATHWAY, Case, many_findings, many_unknown_ids, mini
from switchadvisor.errors import ExitCode, Problem, RuleBaseError, printable
from switchadvisor.rulebase import files, load_rulebase
from switchadvisor.rulebase.collector import MAX_KEPT, MAX_SUGGESTIONS, Collector

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
MAX_STDERR_LINES = 110  # 100 problems, "and K more", the summary


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_case(case: Case, tmp_path: Path, run_cli: RunCli) -> None:
    if case.needs_non_root and IS_ROOT:
        pytest.skip("root reads any file")
    result = run_cli(*case.build(tmp_path))
    assert result.exit_code == case.exit_code, result
    assert case.stderr in result.stderr, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) <= MAX_STDERR_LINES
    assert all(len(line) <= 500 for line in lines), max(map(len, lines))
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr


# ------------------------------------------------------------------ bounded reading


class ReadCounter:
    def __init__(self) -> None:
        self.total = 0
        self.calls = 0

    def __call__(self, descriptor: int, size: int) -> bytes:
        chunk = REAL_READ(descriptor, size)
        self.total += len(chunk)
        self.calls += 1
        return chunk


REAL_READ = os.read


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> ReadCounter:
    counter = ReadCounter()
    monkeypatch.setattr(files.os, "read", counter)
    return counter


def test_a_file_over_the_cap_is_not_read(tmp_path: Path, reads: ReadCounter) -> None:
    rules = mini(tmp_path)
    with (rules / "drugs.yaml").open("r+b") as handle:
        handle.truncate(files.MAX_FILE_BYTES + 10)
    with pytest.raises(RuleBaseError) as caught:
        load_rulebase(rules)
    assert "rules/drugs.yaml:1:1: file is larger than 5 MB [too-large]" in map(
        str, caught.value.problems)
    assert reads.total < 200_000  # the other files only: nothing of drugs.yaml


def test_a_file_that_grows_past_its_size_is_read_to_cap_plus_one(
        tmp_path: Path, reads: ReadCounter, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"a" * 10_000)
    real_lstat = os.lstat

    def lying_lstat(target: object) -> os.stat_result:  # reports 0 bytes, like /proc
        result = list(real_lstat(target))  # type: ignore[arg-type]
        result[stat.ST_SIZE] = 0
        return os.stat_result(result)

    monkeypatch.setattr(files.os, "lstat", lying_lstat)
    with pytest.raises(files.UnreadableFile, match="larger than"):
        files.read_bounded(path, tmp_path, limit=1000)
    assert reads.total == 1001


def test_the_total_cap_holds_across_files(tmp_path: Path, reads: ReadCounter) -> None:
    rules = mini(tmp_path)
    for index in range(6):
        with (rules / "pathways" / f"pad{index}--pad.yaml").open("wb") as handle:
            handle.truncate(4 * 1024 * 1024)
    with pytest.raises(RuleBaseError) as caught:
        load_rulebase(rules)
    assert any("larger than 20 MB in all" in problem.message for problem in caught.value.problems)
    assert reads.total <= files.MAX_TOTAL_BYTES + 1


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_devices_are_never_opened(device: str, reads: ReadCounter) -> None:
    with pytest.raises(files.UnreadableFile, match="a device, not a regular file"):
        files.read_bounded(Path(device), Path("/dev"))
    assert reads.calls == 0


def test_a_symlink_inside_the_rule_base_is_followed(tmp_path: Path, run_cli: RunCli) -> None:
    rules = mini(tmp_path)
    (rules / "shared").mkdir()
    (rules / PATHWAY).rename(rules / "shared" / "pathway.yaml")
    os.symlink("../shared/pathway.yaml", rules / PATHWAY)
    result = run_cli("check", "--from", "fingolimod", "--to", "alemtuzumab", "--rules",
                     str(rules), "-f", "json")
    assert result.exit_code == ExitCode.OK, result


def test_an_unreadable_file_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    rules = mini(tmp_path)
    real_open = os.open

    def refuse(path: object, flags: int, *args: int) -> int:
        if str(path).endswith("classes.yaml"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(files.os, "open", refuse)
    with pytest.raises(RuleBaseError) as caught:
        load_rulebase(rules)
    assert [str(problem) for problem in caught.value.problems] == [
        "rules/classes.yaml:1:1: cannot read: Permission denied [unreadable]"]


# ------------------------------------------------------------------------------ layout


def test_missing_pathways_directory(tmp_path: Path, run_cli: RunCli) -> None:
    rules = mini(tmp_path)
    (rules / "pathways").rename(rules / "Pathways")
    result = run_cli("rules", "validate", str(rules))
    assert result.exit_code == ExitCode.RULEBASE, result
    assert ("rules/pathways/:1:1: required directory pathways/ is missing (did you mean "
            "pathways?) [missing-directory]") in result.stderr.splitlines()


def test_a_required_file_that_is_a_directory(tmp_path: Path) -> None:
    rules = mini(tmp_path)
    (rules / "classes.yaml").unlink()
    (rules / "classes.yaml").mkdir()
    with pytest.raises(RuleBaseError) as caught:
        load_rulebase(rules)
    assert "rules/classes.yaml:1:1: a directory, not a regular file [not-a-file]" in map(
        str, caught.value.problems)


def test_rules_validate_needs_a_pathway_for_every_ordered_pair(tmp_path: Path,
                                                                run_cli: RunCli) -> None:
    rules = mini(tmp_path)
    result = run_cli("rules", "validate", str(rules))
    assert result.exit_code == ExitCode.RULEBASE, result
    missing = [line for line in result.stderr.splitlines() if "[missing-pathway]" in line]
    assert len(missing) == 4  # 3 drugs: 6 ordered pairs, fingolimod → both answered
    assert ("rules/pathways/:1:1: no pathway for cladribine → fingolimod: add "
            "cladribine--fingolimod.yaml or purine-analogue--s1p-modulator.yaml "
            "[missing-pathway]") in missing
    for from_class, to_class in (("anti-cd52", "purine-analogue"),
                                 ("anti-cd52", "s1p-modulator"),
                                 ("purine-analogue", "anti-cd52"),
                                 ("purine-analogue", "s1p-modulator")):
        text = (rules / "pathways" / "s1p-modulator--anti-cd52.yaml").read_text(encoding="utf-8")
        text = text.replace("from: s1p-modulator", f"from: {from_class}").replace(
            "to: anti-cd52", f"to: {to_class}").replace(
            "class-s1p-modulator-to-anti-cd52", f"class-{from_class}-to-{to_class}")
        (rules / "pathways" / f"{from_class}--{to_class}.yaml").write_text(text,
                                                                           encoding="utf-8")
    result = run_cli("rules", "validate", str(rules))
    assert result.exit_code == ExitCode.OK, result
    assert result.stdout.startswith("rule base OK: 3 drugs, 7 pathways")


def test_the_shipped_rule_base_answers_every_pair(run_cli: RunCli) -> None:
    result = run_cli("rules", "validate")
    assert result.exit_code == ExitCode.OK, result


# -------------------------------------------------------------------------- problems


def test_problem_lists_are_capped_and_max_problems_is_honoured(tmp_path: Path,
                                                                run_cli: RunCli) -> None:
    rules_args = many_unknown_ids(tmp_path)
    result = run_cli(*rules_args, "--max-problems", "5")
    assert result.exit_code == ExitCode.RULEBASE
    lines = result.stderr.splitlines()
    assert len(lines) == 7
    assert lines[5] == "… and 44,995 more problems"
    assert lines[6].endswith(": 45,000 problems")


def test_collector_keeps_a_bounded_number_of_problems_and_suggestions() -> None:
    collector = Collector("rules")
    for index in range(MAX_KEPT + 50):
        collector.add("x.yaml", (1, 1), "code", f"problem {index}")
    assert len(collector.problems) == MAX_KEPT and collector.dropped == 50
    hints = [collector.did_you_mean("frau2018", ["frau2019"]) for _ in range(30)]
    assert hints.count(" (did you mean 'frau2019'?)") == MAX_SUGGESTIONS
    assert RuleBaseError(collector.problems, omitted=collector.dropped).count == MAX_KEPT + 50


def test_the_rule_base_has_a_total_value_cap(tmp_path: Path) -> None:
    from switchadvisor.rulebase.loader import MAX_TOTAL_VALUES

    rules = Path(many_findings(tmp_path)[2])
    with pytest.raises(RuleBaseError) as caught:
        load_rulebase(rules)
    messages = {problem.message for problem in caught.value.problems if problem.code in
                {"yaml-limit", "too-large"}}
    assert messages == {
        f"the rule base expands to more than {MAX_TOTAL_VALUES:,} values in all (aliases "
        "count as what they repeat)",
        f"not read: the rule base already holds {MAX_TOTAL_VALUES:,} values"}


def test_a_problem_line_is_bounded() -> None:
    line = str(Problem("rules/" + "p" * 10_000 + ".yaml", 1, 1, "code", "m" * 1_000_000))
    assert len(line) <= 400 and line.endswith("[code]")


def test_parse_problems_of_every_file_are_reported(tmp_path: Path) -> None:
    rules = mini(tmp_path)
    (rules / "classes.yaml").write_text("classes: [\n", encoding="utf-8")
    (rules / "drugs.yaml").write_text("drugs:\n  - id: x\n    id: y\n", encoding="utf-8")
    (rules / PATHWAY).write_text("from: [\n", encoding="utf-8")
    with pytest.raises(RuleBaseError) as caught:
        load_rulebase(rules)
    codes = {(Path(problem.path).name, problem.code) for problem in caught.value.problems}
    assert {("classes.yaml", "yaml-syntax"), ("drugs.yaml", "duplicate-key"),
            ("fingolimod--alemtuzumab.yaml", "yaml-syntax")} <= codes


# ----------------------------------------------------------------------------- escapes


def test_printable_escapes_control_characters() -> None:
    assert printable("a\x1b[31mb\x07\nc\u202ed\x9b") == "a\\x1b[31mb\\x07\\x0ac\\u202ed\\x9b"
    assert printable("tab\tand ×10⁹/L") == "tab\tand ×10⁹/L"


def test_user_input_echoed_on_stderr_is_escaped(run_cli: RunCli) -> None:
    result = run_cli("check", "--from", "fingo\x1b[2Jlimod", "--to", "alemtuzumab",
                     "--rules", str(MINI_RULES))
    assert result.exit_code == ExitCode.USAGE, result
    assert "\x1b" not in result.stderr and "fingo\\x1b[2Jlimod" in result.stderr
    result = run_cli("check", "--\x1b]0;x\x07", "--from", "fingolimod")
    assert result.exit_code == ExitCode.USAGE, result
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr


def test_rich_markup_in_rule_text_stays_literal(tmp_path: Path, run_cli: RunCli) -> None:
    rules = mini(tmp_path)
    path = rules / PATHWAY
    path.write_text(path.read_text(encoding="utf-8").replace(
        "title: Retained lymphocytes may escape alemtuzumab",
        'title: "[bold red]Retained[/] lymphocytes [link=http://x]may[/link] escape"'),
        encoding="utf-8")
    result = run_cli("check", "--from", "fingolimod", "--to", "alemtuzumab", "--full", "--rules",
                     str(rules))
    assert result.exit_code == ExitCode.OK, result
    assert "[bold red]Retained[/] lymphocytes [link=http://x]may[/link] escape" in " ".join(
        result.stdout.split())


@pytest.mark.parametrize("url", [
    "https://example.org/a>b)c](d) e",
    "https://example.org/x)<script>alert(1)</script>",
])
def test_an_evidence_url_cannot_break_out_of_a_markdown_link(url: str, tmp_path: Path) -> None:
    from switchadvisor.engine import assess
    from switchadvisor.render.markdown import render_markdown

    rules = mini(tmp_path)
    rulebase = load_rulebase(rules)
    entry = rulebase.evidence["willis2017"]
    rulebase.evidence["willis2017"] = dataclasses.replace(entry, doi=None, pmid=None, url=url)
    text = render_markdown(assess(rulebase, "fingolimod", "alemtuzumab"))
    line = next(line for line in text.splitlines() if line.startswith("- **willis2017**"))
    link = line[line.index("<https://"):]
    target = link[1:link.index(">")]
    assert not set(target) & set(" <>()[]\""), target
    assert target.startswith("https://example.org/")


def test_a_doi_cannot_break_out_of_a_markdown_link(tmp_path: Path) -> None:
    from switchadvisor.render.markdown import _href, _link_text

    assert _href("10.1002/(SICI)x](y) z") == "10.1002/%28SICI%29x%5D%28y%29%20z"
    assert _link_text("10.1/a](b)") == "10.1/a\\]\\(b\\)"


# ---------------------------------------------------------------------- options, env


def test_empty_rules_option_is_a_usage_error(run_cli: RunCli) -> None:
    for args in (("check", "--from", "fingolimod", "--to", "alemtuzumab", "--rules", ""),
                 ("rules", "validate", ""), ("drugs", "--rules", " ")):
        result = run_cli(*args)
        assert result.exit_code == ExitCode.USAGE, result
        assert "--rules needs a directory" in result.stderr


@pytest.mark.parametrize(("value", "expected"), [
    ("1", True), ("true", True), ("YES", True), ("on", True),
    ("0", False), ("false", False), ("no", False), ("", False), (None, False), ("off", False),
])
def test_only_a_true_debug_value_enables_tracebacks(value: str | None, expected: bool,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import switchadvisor.cli as cli

    seen: list[bool] = []
    monkeypatch.setattr(cli, "run", lambda args, *, debug: seen.append(debug) or 0)
    if value is None:
        monkeypatch.delenv("SWITCHADVISOR_DEBUG", raising=False)
    else:
        monkeypatch.setenv("SWITCHADVISOR_DEBUG", value)
    with pytest.raises(SystemExit):
        cli.main(["drugs"])
    assert seen == [expected]


# ----------------------------------------------- the output environment (subprocesses)

CHECK = [sys.executable, "-m", "switchadvisor", "check", "--from", "fingolimod", "--to",
         "alemtuzumab", "--lymphocytes", "600/uL", "--rules", str(MINI_RULES)]


def _env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("SWITCHADVISOR_", "PYTHONIOENCODING"))}
    env.update(extra)
    return env


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_a_narrow_output_encoding_never_fails(encoding: str, fmt: str) -> None:
    completed = subprocess.run([*CHECK, "-f", fmt], capture_output=True, check=False,
                               env=_env(PYTHONIOENCODING=encoding))
    assert completed.returncode == ExitCode.OK, completed.stderr
    assert completed.stderr == b""
    text = completed.stdout.decode(encoding)
    assert "Alemtuzumab" in text or "alemtuzumab" in text


def test_a_full_disk_is_a_one_line_io_error() -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    with open("/dev/full", "wb") as full:
        completed = subprocess.run(CHECK, stdout=full, stderr=subprocess.PIPE, check=False,
                                   env=_env())
    assert completed.returncode == ExitCode.IO_ERROR
    assert completed.stderr.decode().splitlines() == [
        "switchadvisor: error: cannot write the output: No space left on device"]


def test_a_closed_stdout_is_a_one_line_io_error() -> None:
    completed = subprocess.run(CHECK, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               check=False, env=_env(),
                               preexec_fn=lambda: os.close(1))
    assert completed.returncode == ExitCode.IO_ERROR
    assert completed.stderr.decode().splitlines() == [
        "switchadvisor: error: cannot write the output: standard output is closed"]


@pytest.mark.parametrize("args", [["-f", "json"], ["-f", "text"], ["--help"]])
def test_a_reader_gone_before_the_first_write_exits_quietly(args: list[str]) -> None:
    command = [*CHECK[:4], "--help"] if args == ["--help"] else [*CHECK, *args]
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written
    try:
        completed = subprocess.run(command, stdout=write_end, stderr=subprocess.PIPE,
                                   check=False, env=_env())
    finally:
        os.close(write_end)
    assert completed.returncode == ExitCode.BROKEN_PIPE, completed.stderr
    assert completed.stderr == b""


def test_an_interrupt_during_start_up_is_one_line_and_130() -> None:
    # Deterministic: the interrupt arrives while the CLI's heavy imports are running.
    code = (
        "import builtins, os, signal\n"
        "real = builtins.__import__\n"
        "def interrupting(name, *args, **kwargs):\n"
        "    if name == 'typer':\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "    return real(name, *args, **kwargs)\n"
        "builtins.__import__ = interrupting\n"
        "from switchadvisor.entry import main\n"
        "main(['--version'])\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False,
                               env=_env())
    assert completed.returncode == ExitCode.INTERRUPTED
    assert completed.stderr.decode() == "switchadvisor: interrupted\n"
    assert completed.stdout == b""


def test_an_interrupt_in_a_command_is_one_line_and_130(run_cli: RunCli,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import switchadvisor.engine

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(switchadvisor.engine, "assess", interrupted)
    result = run_cli("check", "--from", "fingolimod", "--to", "alemtuzumab", "--rules",
                     str(MINI_RULES))
    assert result.exit_code == ExitCode.INTERRUPTED
    assert result.stderr == "switchadvisor: interrupted\n"


def test_the_console_script_points_at_the_light_entry_point() -> None:
    pyproject = (Path(__file__).parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert '\nswitchadvisor = "switchadvisor.entry:main"\n' in pyproject
    code = ("import sys, switchadvisor.entry; "
            "print(sorted({'typer', 'pydantic'} & set(sys.modules)))")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               check=True, env=_env())
    assert completed.stdout.strip() == "[]"


def test_sigint_handler_is_installed_by_the_entry_point(monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    import gc

    import switchadvisor.cli as cli
    import switchadvisor.entry as entry

    handlers: list[object] = []
    monkeypatch.setattr(cli, "main", lambda argv: handlers.append(signal.getsignal(
        signal.SIGINT)))
    monkeypatch.setattr(gc, "freeze", lambda: None)  # keep this test process's objects
    previous = signal.getsignal(signal.SIGINT)
    try:
        entry.main(["--version"])
    finally:
        signal.signal(signal.SIGINT, previous)
    assert handlers == [entry._interrupted]


@pytest.mark.parametrize("removed", [0, 5, 20, 74])
def test_uncovered_pairs_are_counted_like_a_pair_by_pair_walk(removed: int) -> None:
    import dataclasses

    from switchadvisor.rulebase.checks import uncovered_pairs

    shipped = load_rulebase()
    kept = dict(sorted(shipped.pathways.items())[removed:])
    rulebase = dataclasses.replace(shipped, pathways=kept)
    expected = [(a.id, b.id) for a in rulebase.drugs.values() for b in rulebase.drugs.values()
                if a.id != b.id and (a.id, b.id) not in kept
                and (a.class_, b.class_) not in kept]
    problems, count = uncovered_pairs(rulebase, limit=50)
    assert count == len(expected)
    assert len(problems) == min(50, count)
    listed = {tuple(problem.message.split(":")[0].removeprefix("no pathway for ").split(" → "))
              for problem in problems}
    assert listed <= set(expected)


def test_directories_outside_the_rule_base_are_refused(tmp_path: Path, run_cli: RunCli) -> None:
    import shutil

    rules = mini(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    shutil.move(str(rules / "scenarios"), elsewhere / "scenarios")
    os.symlink(elsewhere / "scenarios", rules / "scenarios")
    result = run_cli("rules", "test", "--rules", str(rules))
    assert result.exit_code == ExitCode.RULEBASE, result
    assert ("scenarios/mini.yaml:1:1: file outside the rule-base directory (refused) "
            "[outside]") in result.stderr
    shutil.move(str(rules / "pathways"), elsewhere / "pathways")
    os.symlink(elsewhere / "pathways", rules / "pathways")
    with pytest.raises(RuleBaseError) as caught:
        load_rulebase(rules)
    assert ("rules/pathways/:1:1: directory outside the rule-base directory (refused) "
            "[outside]") in map(str, caught.value.problems)
