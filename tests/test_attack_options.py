"""Attack review: option values of the picture commands. ``--what-if`` is bounded before its
regex runs, and its number pattern cannot match ``..`` (the old ``[\\d.]+`` made
``age=1..1..1..…`` try every split: 40,000 characters took 17 s, 130,000 took 195 s)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import MINI_RULES, RunCli
from switchadvisor import whatif
from switchadvisor.errors import ExitCode, InputError

MINI = ("--rules", str(MINI_RULES))
CHECK = ("check", "--from", "fingolimod", "--to", "cladribine", *MINI)


@pytest.mark.parametrize("text", ["1..1", "1..", "..1", ".", "1.2.3", "1e5.5"])
def test_a_number_never_spans_dots(text: str) -> None:
    assert re.fullmatch(whatif._NUMBER, text, re.IGNORECASE) is None


@pytest.mark.parametrize("text", ["0", "0.2", ".5", "2.", "+1", "-1e3", "1E-2"])
def test_numbers_still_read(text: str) -> None:
    assert re.fullmatch(whatif._NUMBER, text, re.IGNORECASE) is not None


def test_a_long_spec_is_refused_before_the_regex(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    real = whatif._SPEC

    class Spy:
        def match(self, text: str) -> re.Match[str] | None:
            seen.append(len(text))
            return real.match(text)

    monkeypatch.setattr(whatif, "_SPEC", Spy())
    with pytest.raises(InputError, match="longer than 100 characters"):
        whatif.parse_spec("age=1" + "..1" * 40_000 + ":x")
    whatif.parse_spec("age=20..30:5")
    assert seen == [len("age=20..30:5")]


@pytest.mark.parametrize("spec", [
    "age=1" + "..1" * 32 + ":x",          # under the length cap, many dots
    "age=" + "." * 95 + "..2:1",
    "lymphocytes=1e400..1e401:1",
    "age=0..1e-320:1e-320",
    "weeks_since_stop=0..1:0",
    "age=30..20:1",
    "nope=1..2:1",
    "age=1..2:1" + " " * 200,
], ids=["dots", "only-dots", "overflow", "denormal", "zero-step", "reversed",
        "unknown-fact", "padded"])
def test_hostile_what_if_is_one_line_naming_the_option(spec: str, run_cli: RunCli) -> None:
    result = run_cli(*CHECK, "--what-if", spec)
    assert result.exit_code == ExitCode.USAGE, result
    assert result.stderr.startswith("switchadvisor: error: --what-if: "), result
    assert len(result.stderr.splitlines()) == 1 and len(result.stderr) < 600


@pytest.mark.parametrize("args", [
    ("matrix", "-f", "json", *MINI),
    ("matrix", "--by-class", *MINI),
    ("rules", "diff", str(MINI_RULES), str(MINI_RULES)),
], ids=["matrix", "matrix-by-class", "rules-diff"])
def test_every_pair_views_refuse_a_rule_base_with_too_many_drugs(
        args: tuple[str, ...], run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: 1,500 drugs (9,000 of a rule base's 100,000 values) made `matrix` assess 2.2
    million switches and `rules diff` 14 times that — hours. The limit is lowered here so the
    fixture's 3 drugs exceed it."""
    from switchadvisor.cli import apps

    monkeypatch.setattr(apps, "MAX_GRID_DRUGS", 2)
    result = run_cli(*args)
    assert result.exit_code == ExitCode.USAGE, result
    assert "the rule base has 3 drugs, 6 switches; at most 2 drugs" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("command", ['less "unclosed', "/nonexistent/pager", "", "cat"])
def test_an_unusable_pager_means_printing_directly(command: str) -> None:
    """Before: PAGER='less "' raised ValueError from shlex: exit 70 on a terminal."""
    from switchadvisor.render.console import page

    assert page("text\n", command) is False


def test_an_absurd_figure_draws_a_bounded_timeline(tmp_path: Path, run_cli: RunCli,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: a rule base figure of 99,999,999 years made the axis loop over ~10 million
    ticks (`timeline` and `demo` never finished). Counted: the axis has ≤ columns/5 ticks."""
    import shutil

    from switchadvisor.render import timeline

    rules = tmp_path / "rules"
    shutil.copytree(MINI_RULES, rules)
    drugs = rules / "drugs.yaml"
    drugs.write_text(drugs.read_text().replace("time: 2 months", "time: 99999999 years", 1))
    ticks: list[float] = []
    real_axis = timeline._axis

    def counting_axis(columns: int, end: float, step: int, glyphs: object) -> tuple[str, str]:
        ticks.append(end / step)
        assert end / step <= columns / 5 + 1  # checked before the loop runs
        return real_axis(columns, end, step, glyphs)  # type: ignore[arg-type]

    monkeypatch.setattr(timeline, "_axis", counting_axis)
    result = run_cli("timeline", "--from", "fingolimod", "--to", "alemtuzumab", "--width", "80",
                     "--rules", str(rules))
    assert result.exit_code == ExitCode.OK, result
    assert ticks and "up to 1e+08 years" in result.stdout
