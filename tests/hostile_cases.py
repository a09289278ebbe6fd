"""Hostile rule bases and environments (issue 8), built at run time in a temporary directory.

Each case overlays the fixture rule base (``tests/fixtures/mini/rules``) and names the command
to run, the exit code it must give and a fragment its stderr must hold. Large files are
generated here, never committed. ``tests/test_hostile.py`` runs every case in-process;
``benchmarks/hostile.py`` runs each in a subprocess and records time and memory.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from helpers import MINI_RULES

PATHWAY = "pathways/fingolimod--alemtuzumab.yaml"
MB = 1024 * 1024


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], list[str]]
    """Writes the case under the given directory; returns the CLI arguments."""
    exit_code: int
    stderr: str
    """A fragment the stderr must contain."""
    needs_non_root: bool = False


def mini(tmp: Path) -> Path:
    target = tmp / "rules"
    shutil.copytree(MINI_RULES, target)
    return target


def _validate(rules: Path) -> list[str]:
    return ["rules", "validate", str(rules)]


def _check(rules: Path) -> list[str]:
    return ["check", "--from", "fingolimod", "--to", "alemtuzumab", "--rules", str(rules)]


def _edit(rules: Path, relpath: str, old: str, new: str) -> None:
    path = rules / relpath
    text = path.read_text(encoding="utf-8")
    assert old in text, (relpath, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# ----------------------------------------------------------------------------- the cases


def symlink_to(target: str) -> Callable[[Path], list[str]]:
    def build(tmp: Path) -> list[str]:
        rules = mini(tmp)
        os.symlink(target, rules / "pathways" / "x--y.yaml")
        return _validate(rules)
    return build


def fifo(tmp: Path) -> list[str]:
    rules = mini(tmp)
    os.mkfifo(rules / "pathways" / "x--y.yaml")
    return _validate(rules)


def directory(tmp: Path) -> list[str]:
    rules = mini(tmp)
    (rules / "pathways" / "x--y.yaml").mkdir()
    return _validate(rules)


def dangling(tmp: Path) -> list[str]:
    rules = mini(tmp)
    os.symlink("does-not-exist.yaml", rules / "pathways" / "x--y.yaml")
    return _validate(rules)


def loop(tmp: Path) -> list[str]:
    rules = mini(tmp)
    os.symlink("b--a.yaml", rules / "pathways" / "a--b.yaml")
    os.symlink("a--b.yaml", rules / "pathways" / "b--a.yaml")
    return _validate(rules)


def big_file(tmp: Path) -> list[str]:
    """A 50 MB drugs.yaml (sparse: costs no disk)."""
    rules = mini(tmp)
    with (rules / "drugs.yaml").open("r+b") as handle:
        handle.truncate(50 * MB)
    return _validate(rules)


def big_total(tmp: Path) -> list[str]:
    """Six pathway files of 4 MB each: under the per-file cap, over the total cap."""
    rules = mini(tmp)
    body = (rules / PATHWAY).read_bytes()
    padding = b"# " + b"x" * 1000 + b"\n"
    for index in range(6):
        path = rules / "pathways" / f"pad{index}--pad.yaml"
        with path.open("wb") as handle:
            handle.write(body)
            handle.write(padding * (4 * MB // len(padding)))
    return _validate(rules)


def alias_bomb(tmp: Path) -> list[str]:
    """The "billion laughs" placed where a severity belongs."""
    rules = mini(tmp)
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 9):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    bomb = "\n".join(lines) + "\n"
    _edit(rules, PATHWAY, "severity: warning", "severity: *i")
    path = rules / PATHWAY
    path.write_text("x-anchors:\n" + "".join(f"  {line}\n" for line in bomb.splitlines())
                    + path.read_text(encoding="utf-8"), encoding="utf-8")
    return _validate(rules)


def aliased_brands(tmp: Path) -> list[str]:
    """A 0.4 MB brands list (40,000 names), repeated through aliases in valid positions."""
    rules = mini(tmp)
    brands = ", ".join(f"Brand{index}" for index in range(40_000))
    _edit(rules, "drugs.yaml", "brands: [Lemtrada]", f"brands: &brands [Lemtrada, {brands}]")
    _edit(rules, "drugs.yaml", "brands: [Mavenclad]", "brands: *brands")
    _edit(rules, "drugs.yaml", "brands: [Gilenya]", "brands: *brands")
    return _check(rules)


def plain_brands(tmp: Path) -> list[str]:
    """A 0.4 MB brands list without aliases (40,000 names): valid, answered in bounds."""
    rules = mini(tmp)
    brands = ", ".join(f"Brand{index}" for index in range(40_000))
    _edit(rules, "drugs.yaml", "brands: [Lemtrada]", f"brands: [Lemtrada, {brands}]")
    return [*_check(rules), "--format", "json"]


def many_findings(tmp: Path) -> list[str]:
    """Twenty pathway files of 3,000 findings each, every condition naming unknown facts:
    over the rule base's total value cap; suggestions and positions only for the first."""
    rules = mini(tmp)
    text = (rules / PATHWAY).read_text(encoding="utf-8")
    for number in range(20):
        findings = "".join(
            f"  - {{id: f{number}-{index}, severity: info, title: Title here, "
            f"when: 'lymphocytez < 1 and agee > 3', message: Message long enough, "
            f"evidence: [willis2017]}}\n" for index in range(3_000))
        (rules / "pathways" / f"p{number}--q.yaml").write_text(
            text.replace("findings:\n", "findings:\n" + findings, 1).replace(
                "fingolimod-to-alemtuzumab", f"x{number}"), encoding="utf-8")
    return _validate(rules)


def huge_list(tmp: Path) -> list[str]:
    """A 4.9 MB list of evidence ids: under the byte cap, over the value cap."""
    rules = mini(tmp)
    items = ", ".join(f"e{index}" for index in range(600_000))[: int(4.9 * MB)]
    items = items.rsplit(",", 1)[0]
    _edit(rules, PATHWAY, "evidence: [willis2017]", f"evidence: [{items}]")
    return _validate(rules)


UNKNOWN_IDS = 45_000


def many_unknown_ids(tmp: Path) -> list[str]:
    """45,000 unknown evidence ids (under the value cap): 45,000 problems, listed 100
    at a time, each found without a fuzzy search beyond the first few."""
    rules = mini(tmp)
    items = ", ".join(f"unknown-{index}" for index in range(UNKNOWN_IDS))
    _edit(rules, PATHWAY, "evidence: [willis2017]", f"evidence: [{items}]")
    return _validate(rules)


def long_value(tmp: Path) -> list[str]:
    """A 4 MB string where a severity belongs: the message quotes a short excerpt."""
    rules = mini(tmp)
    _edit(rules, PATHWAY, "severity: warning", "severity: " + "x" * (4 * MB))
    return _validate(rules)


def deep_parentheses(tmp: Path) -> list[str]:
    rules = mini(tmp)
    _edit(rules, PATHWAY, "when: 'lymphocytes < lymphocytes_lln and disease_activity != \"none\"'",
          "when: '" + "(" * 300 + "age > 1" + ")" * 300 + "'")
    return _validate(rules)


def many_nots(tmp: Path) -> list[str]:
    rules = mini(tmp)
    _edit(rules, PATHWAY, "when: 'lymphocytes < lymphocytes_lln and disease_activity != \"none\"'",
          "when: '" + "not " * 1000 + "age > 1'")
    return _validate(rules)


def deep_yaml(depth: int) -> Callable[[Path], list[str]]:
    def build(tmp: Path) -> list[str]:
        rules = mini(tmp)
        _edit(rules, PATHWAY, "severity: warning", "severity: " + "[" * depth + "]" * depth)
        return _validate(rules)
    return build


def alias_nesting(tmp: Path) -> list[str]:
    """Aliases stacking a 45-deep list ninety times: deep through repetition, not text."""
    rules = mini(tmp)
    lines = ["x-deep:", "  a: &a " + "[" * 45 + "1" + "]" * 45]
    previous = "a"
    for index in range(90):
        lines.append(f"  x{index}: &x{index} " + "[" * 10 + f"*{previous}" + "]" * 10)
        previous = f"x{index}"
    path = rules / PATHWAY
    path.write_text("\n".join(lines) + "\n" + path.read_text(encoding="utf-8"),
                    encoding="utf-8")
    return _validate(rules)


def huge_integer(tmp: Path) -> list[str]:
    rules = mini(tmp)
    _edit(rules, "evidence.yaml", "n: 77", "n: " + "9" * 5000)
    return _validate(rules)


def bad_date(value: str) -> Callable[[Path], list[str]]:
    def build(tmp: Path) -> list[str]:
        rules = mini(tmp)
        _edit(rules, "rulebase.yaml", "reviewed: 2026-11-24", f"reviewed: {value}")
        return _validate(rules)
    return build


def unreadable(tmp: Path) -> list[str]:
    rules = mini(tmp)
    (rules / "classes.yaml").chmod(0)
    return _validate(rules)


def escape_in_file_name(tmp: Path) -> list[str]:
    rules = mini(tmp)
    (rules / "pathways" / "evil\x1b]0;owned\x07\x1b[2J.yaml").write_text("a: [\n",
                                                                        encoding="utf-8")
    return _validate(rules)


def escape_in_title(tmp: Path) -> list[str]:
    rules = mini(tmp)
    _edit(rules, PATHWAY, "title: Retained lymphocytes may escape alemtuzumab",
          'title: "Retained \\e[31mlymphocytes\\e]8;;http://x\\a"')
    return _check(rules)


def scenario_bad_date(tmp: Path) -> list[str]:
    rules = mini(tmp)
    _edit(rules, "scenarios/mini.yaml", "facts: {lymphocytes: 0.7, weeks_since_stop: 10}",
          'facts: {lymphocytes: 0.7, stopped: "2026-02-30"}')
    return ["rules", "test", "--rules", str(rules)]


def scenario_fifo(tmp: Path) -> list[str]:
    rules = mini(tmp)
    os.mkfifo(rules / "scenarios" / "x.yaml")
    return ["rules", "test", "--rules", str(rules)]


CASES = [
    Case("symlink-dev-zero", symlink_to("/dev/zero"), 3, "outside the rule-base directory"),
    Case("symlink-dev-urandom", symlink_to("/dev/urandom"), 3,
         "outside the rule-base directory"),
    Case("fifo", fifo, 3, "x--y.yaml:1:1: a FIFO (named pipe), not a regular file"),
    Case("directory-named-yaml", directory, 3, "x--y.yaml:1:1: a directory, not a regular file"),
    Case("dangling-symlink", dangling, 3, "x--y.yaml:1:1: dangling symlink"),
    Case("symlink-loop", loop, 3, "a--b.yaml:1:1: symlink loop"),
    Case("file-50mb", big_file, 3, "drugs.yaml:1:1: file is larger than 5 MB"),
    Case("total-over-cap", big_total, 3, "larger than 20 MB in all"),
    Case("alias-bomb", alias_bomb, 3, "expands to more than"),
    Case("aliased-brands-40k", aliased_brands, 3, "expands to more than"),
    Case("brands-40k-plain", plain_brands, 0, ""),
    Case("findings-60k", many_findings, 3, "more problems"),
    Case("list-4.9mb", huge_list, 3, "expands to more than"),
    Case("unknown-ids-45k", many_unknown_ids, 3, "and 44,900 more problems"),
    Case("value-4mb", long_value, 3, "is not one of"),
    Case("parentheses-300", deep_parentheses, 3, "nested too deeply"),
    Case("not-1000", many_nots, 3, "nested too deeply"),
    Case("yaml-nesting-60", deep_yaml(60), 3, "nested more than 50 levels deep"),
    Case("yaml-nesting-100k", deep_yaml(100_000), 3, "exceeded maximum nesting depth"),
    Case("alias-nesting", alias_nesting, 3, "nested more than 50 levels deep (through an alias)"),
    Case("integer-5000-digits", huge_integer, 3, "integer of 5,000 digits is too large"),
    Case("date-feb-30", bad_date("2026-02-30"), 3, "rulebase.yaml:3:11: `reviewed`"),
    Case("date-month-13", bad_date("2026-13-01"), 3, "rulebase.yaml:3:11: `reviewed`"),
    Case("date-bad-timezone", bad_date("2026-01-01T10:00:00+25:00"), 3,
         "rulebase.yaml:3:11: `reviewed`"),
    Case("unreadable-file", unreadable, 3, "classes.yaml:1:1: cannot read: Permission denied",
         needs_non_root=True),
    Case("escape-in-file-name", escape_in_file_name, 3, "evil\\x1b]0;owned\\x07\\x1b[2J.yaml"),
    Case("escape-in-title", escape_in_title, 3, "control character U+001B"),
    Case("scenario-bad-date", scenario_bad_date, 3, "scenarios/mini.yaml:"),
    Case("scenario-fifo", scenario_fifo, 3, "scenarios/x.yaml:1:1: a FIFO"),
]
