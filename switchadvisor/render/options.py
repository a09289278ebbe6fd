"""`switchadvisor options`: the ranked next drugs, each with the findings that place it."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from switchadvisor.ranking import Ranking
from switchadvisor.rulebase import Severity

SEVERITY_STYLE = {Severity.INFO: "cyan", Severity.WARNING: "bold yellow",
                  Severity.CRITICAL: "bold white on red"}


def build(ranking: Ranking, *, plain: bool) -> RenderableType:
    facts = "; ".join(f"{fact.name} {fact.read_as}" for fact in ranking.facts)
    given = f"facts: {facts}" if facts else "no facts given"
    title = Text(f"Options after {ranking.name} ({given})", style="" if plain else "bold")
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("#", no_wrap=True, justify="right")
    table.add_column("next drug", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    table.add_column("why it ranks here")
    for option in ranking.options:
        verdict = Text(option.verdict.value.upper(),
                       style="" if plain else SEVERITY_STYLE[option.verdict])
        if option.worst_possible != option.verdict:
            verdict.append(f"\n?{option.worst_possible.value}")
        why = Text()
        for driver in option.drivers:
            if driver.fired:
                why.append(f"{driver.severity.value}: {driver.title}\n")
            else:
                why.append(f"could be {driver.severity.value}: {driver.title} "
                           f"(give {', '.join(driver.needs)})\n",
                           style="" if plain else "italic")
        if not option.drivers:
            why.append("no finding fired\n")
        why.append(f"evidence: {option.strength.words()}", style="" if plain else "dim")
        table.add_row(str(option.rank), Text(option.name, style="" if plain else "bold"),
                      verdict, why)
    footer = Text(f"Ranked by {ranking.order}. `switchadvisor check --from {ranking.from_} "
                  "--to DRUG` explains one.", style="" if plain else "dim")
    return Group(title, table, footer)
