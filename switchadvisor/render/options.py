"""`switchadvisor options`: the ranked next drugs, each with the findings that place it.

A finding that places every option alike (one about stopping the drug, say) is said once above
the table rather than on every row; the rows keep what tells the options apart."""

from __future__ import annotations

import textwrap

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from switchadvisor.ranking import Driver, Ranking
from switchadvisor.render.card import short_options
from switchadvisor.render.console import fact_label
from switchadvisor.render.timeline import to_ascii
from switchadvisor.rulebase import Severity

PLAIN_HEAD = box.Box("    \n    \n -- \n    \n    \n    \n    \n    \n", ascii=True)
"""rich's SIMPLE_HEAD (a rule under the heading) in ASCII, for output without colour."""

SEVERITY_STYLE = {Severity.INFO: "cyan", Severity.WARNING: "bold yellow",
                  Severity.CRITICAL: "bold white on red"}


def build(ranking: Ranking, *, plain: bool, width: int = 100) -> RenderableType:
    facts = "; ".join(f"{fact_label(fact.name)}: {fact.read_as}" for fact in ranking.facts)
    given = f"facts: {facts}" if facts else "no facts given"
    title = [Text(part, style="" if plain else "bold") for part in textwrap.wrap(
        f"Options after {ranking.name} ({given})", width, subsequent_indent="  ",
        break_on_hyphens=False)]
    drivers = [[_key(driver) for driver in option.drivers] for option in ranking.options]
    common = [key for key in drivers[0] if all(key in keys for keys in drivers)] \
        if len(drivers) > 1 else []
    shared: list[Text] = []
    for option in ranking.options[:1]:
        for driver in option.drivers:
            if _key(driver) in common:
                words = f"Every option: {_driver(driver, plain=plain).plain}"
                shared += [Text(part, style="" if plain else "italic")
                           for part in textwrap.wrap(words, width, subsequent_indent="  ",
                                                     break_on_hyphens=False)]
    table = Table(box=PLAIN_HEAD if plain else box.SIMPLE_HEAD, pad_edge=False,
                  show_edge=False)
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
            if _key(driver) not in common:
                why.append_text(_driver(driver, plain=plain))
                why.append("\n")
        if not option.drivers:
            why.append("no finding fired\n")
        why.append(f"evidence: {option.strength.words()}", style="" if plain else "dim")
        table.add_row(str(option.rank), Text(option.name, style="" if plain else "bold"),
                      verdict, why)
    footer = Text(f"Ranked by {ranking.order}. `switchadvisor check --from {ranking.from_} "
                  "--to DRUG` explains one.", style="" if plain else "dim")
    parts: list[RenderableType] = [*title, *shared, table, footer]
    if plain:  # words from the rule base must be ASCII too
        return Group(*(Text(to_ascii(part.plain)) if isinstance(part, Text) else part
                       for part in parts))
    return Group(*parts)


def _key(driver: Driver) -> tuple[str, bool]:
    return driver.id, driver.fired


def _driver(driver: Driver, *, plain: bool) -> Text:
    """"warning: Title", or "could be critical: Title (give --option)"."""
    if driver.fired:
        return Text(f"{driver.severity.value}: {driver.title}")
    return Text(f"could be {driver.severity.value}: {driver.title} "
                f"(give {' or '.join(short_options(driver.needs))})",
                style="" if plain else "italic")
