"""Start-up: a run imports what its command needs and nothing more (issue 11).

What is imported is checked in a fresh interpreter; how long it takes is measured by
`benchmarks/`, never here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version

import pytest

import switchadvisor
from helpers import MINI_RULES

SWITCH = ["check", "--from", "fingolimod", "--to", "alemtuzumab"]


def modules_after(*runs: list[str]) -> tuple[list[str], list[str]]:
    """Run the CLI in one fresh interpreter (each run in turn); the modules it imported and
    each run's stdout."""
    code = (
        "import contextlib, io, json, sys\n"
        "from switchadvisor.cli import run\n"
        "outputs = []\n"
        f"for args in {[list(args) for args in runs]!r}:\n"
        "    out = io.StringIO()\n"
        "    with contextlib.redirect_stdout(out):\n"
        "        code = run(args)\n"
        "    assert code == 0, (args, code)\n"
        "    outputs.append(out.getvalue())\n"
        "print(json.dumps([sorted(sys.modules), outputs]))\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               check=False)
    assert completed.returncode == 0, completed.stderr
    modules, outputs = json.loads(completed.stdout.splitlines()[-1])
    return modules, outputs


def warm_modules_after(*runs: list[str]) -> list[str]:
    """``modules_after`` on a warm start: a first run may compile and cache the rule base."""
    modules_after(*runs)
    return modules_after(*runs)[0]


def command_modules(modules: list[str]) -> set[str]:
    return {name for name in modules if name.startswith("switchadvisor.cli.")}


def roots(modules: list[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_the_version_constant_is_the_installed_distributions() -> None:
    """`--version` reads a constant (importlib.metadata costs ~14 ms at start-up); the
    constant is what the build wrote into the distribution."""
    assert switchadvisor.__version__ == version("switchadvisor")


@pytest.mark.parametrize(("args", "module"), [
    ([*SWITCH, "-f", "json", "--rules", str(MINI_RULES)], "check"),
    (["drugs", "--rules", str(MINI_RULES)], "lookup"),
    (["rules", "validate"], "rules"),
    (["schema", "summary"], "schema"),
])
def test_a_command_imports_only_its_own_module(args: list[str], module: str) -> None:
    modules, _ = modules_after(args)
    shared = {"switchadvisor.cli.apps", "switchadvisor.cli.commands",
              "switchadvisor.cli.errordata"}
    assert command_modules(modules) - shared == {f"switchadvisor.cli.{module}"}


def test_version_imports_no_command() -> None:
    modules, (output,) = modules_after(["--version"])
    assert output.startswith(f"switchadvisor {switchadvisor.__version__}\n")
    assert command_modules(modules) == {"switchadvisor.cli.apps", "switchadvisor.cli.commands",
                                        "switchadvisor.cli.errordata"}


def test_help_lists_the_commands_in_order_whatever_ran_first() -> None:
    """A run registers only its command; help afterwards still lists every command in the
    documented order, as in a fresh process."""
    _, (_, after_check, after_rules_diff) = modules_after(
        [*SWITCH, "-f", "json", "--rules", str(MINI_RULES)], ["--help"], ["rules", "--help"])
    _, (fresh, fresh_rules) = modules_after(["--help"], ["rules", "--help"])
    assert after_check == fresh
    assert after_rules_diff == fresh_rules
    commands = fresh.split("Commands:")[1]
    assert commands.index("  batch ") < commands.index("  check ") < commands.index("  rules ")


def test_the_json_path_imports_neither_rich_nor_the_text_renderer() -> None:
    modules, (output,) = modules_after([*SWITCH, "-f", "json"])
    assert json.loads(output)["verdict"]
    assert "rich" not in roots(modules)
    assert "switchadvisor.render.console" not in modules


def test_the_json_path_does_not_import_pydantic() -> None:
    modules = warm_modules_after([*SWITCH, "-f", "json"])
    assert "pydantic" not in roots(modules)
    assert "pydantic_core" not in roots(modules)
    assert "yaml" not in roots(modules)  # a warm start reads the compiled rule base


def test_the_text_card_does_not_import_pydantic() -> None:
    modules = warm_modules_after(SWITCH)
    assert "pydantic" not in roots(modules)


@pytest.mark.parametrize(("args", "off"), [
    ([*SWITCH, "-f", "json"], True),
    ([*SWITCH, "--what-if", "lymphocytes=0.2..2.0:0.2"], True),
    (["--debug", *SWITCH], True),
    (["batch", "records.jsonl"], False),
    (["replay", "saved.jsonl"], False),
    (["matrix"], False),
    (["rules", "diff", "old", "new"], False),
    (["--help"], False),
    (["chek"], False),
])
def test_only_bounded_commands_run_without_the_cycle_collector(args: list[str],
                                                               off: bool) -> None:
    """The console script turns the cyclic garbage collector off for start-up; only `check`
    (bounded work) keeps it off, so batch and replay memory stays flat."""
    from switchadvisor.cli.commands import keeps_collector_off

    assert keeps_collector_off(args, {}) is off
    assert keeps_collector_off(args, {"_SWITCHADVISOR_COMPLETE": "bash_complete"}) is False


def test_the_entry_point_leaves_the_collector_as_it_found_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    import switchadvisor.cli as cli
    import switchadvisor.entry as entry

    seen: list[bool] = []
    monkeypatch.setattr(cli, "main", lambda argv: seen.append(gc.isenabled()))
    monkeypatch.setattr(gc, "freeze", lambda: None)  # keep this test process's objects
    entry.main(["check", "--from", "a", "--to", "b"])
    entry.main(["batch"])
    assert seen == [False, True]
    assert gc.isenabled()
