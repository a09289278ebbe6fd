"""The card imports what it draws and nothing more (issue 11): no tables, panels or boxes, no
timeline, no full view, no Markdown. Checked in a fresh interpreter through the CLI; how long
an import takes is measured by `benchmarks/startup.py`, never here."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

SWITCH = ["check", "--from", "fingolimod", "--to", "alemtuzumab", "--no-pager"]

NOT_FOR_THE_CARD = {
    "rich.table",  # the card's grids are drawn by render.grid
    "rich.panel",
    "rich.box",
    "rich.markdown",
    "switchadvisor.render.full",
    "switchadvisor.render.timeline",
    "switchadvisor.render.markdown",
    "switchadvisor.render.cds_hooks",
}


def imported_by(args: list[str], columns: int) -> tuple[set[str], str]:
    """The modules a run of the CLI imported, in a fresh interpreter, and what it printed."""
    code = (
        "import contextlib, io, json, sys\n"
        "from switchadvisor.cli import run\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    code = run({args!r})\n"
        "print(json.dumps([code, sorted(sys.modules), out.getvalue()]))\n"
    )
    env = {**os.environ, "COLUMNS": str(columns), "NO_COLOR": "1", "TERM": "dumb"}
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               check=False, env=env)
    assert completed.returncode == 0, completed.stderr
    code, modules, output = json.loads(completed.stdout.splitlines()[-1])
    assert code == 0, output
    return set(modules), output


@pytest.mark.parametrize("columns", [80, 120])
def test_the_card_imports_only_what_it_draws(columns: int) -> None:
    modules, output = imported_by(SWITCH, columns)
    assert "Found" in output and "Sources" in output  # the card, with its grids, was drawn
    assert modules & NOT_FOR_THE_CARD == set()


def test_the_full_view_imports_its_tables_and_panels() -> None:
    """The other side of the test above: --full draws panels and tables, so it imports them
    (the names checked are the ones the card leaves out)."""
    modules, output = imported_by([*SWITCH, "--full"], 100)
    assert "Not a prescription" in output
    assert {"rich.table", "rich.panel", "switchadvisor.render.full"} <= modules
