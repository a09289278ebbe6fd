"""`switchadvisor demo`: one screen per headline switch, quoting the rule base's evidence.

Without colour the text is plain ASCII, as the timeline in it is."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.rule import Rule
from rich.text import Text

from switchadvisor.demo import Cited, DemoStep
from switchadvisor.render import timeline
from switchadvisor.render.timeline import to_ascii

INTRO = ("switchadvisor demo: {count} switches, one at a time. Each step quotes the rule "
         "base's evidence entries (id, kind, number of people): what case series suggested, "
         "what cohorts and trials found, and why the gap between the two drugs matters, with "
         "the washout timeline. Educational aid, not a prescription.")


def intro(count: int, *, plain: bool) -> RenderableType:
    return Text(INTRO.format(count=count), style="" if plain else "italic")


def build(step: DemoStep, number: int, total: int, *, width: int,
          plain: bool) -> RenderableType:
    assessment = step.assessment
    switch = assessment.switch
    arrow = "->" if plain else "→"
    verdict = assessment.verdict.value.upper()
    if assessment.worst_possible != assessment.verdict:
        verdict += f", could still be {assessment.worst_possible.value.upper()}"
    parts: list[RenderableType] = [
        Rule(f"{number} of {total}: {switch.from_.name} {arrow} {switch.to.name} ({verdict})",
             characters="-" if plain else "─", style="" if plain else "bold"),
        _heading("What the case series suggested", plain),
        *_quotes(step.signals, "no case series or case report is cited about this exact "
                 "switch", plain),
        _heading("What the cohorts and trials found", plain),
        *_quotes(step.studies, "no cohort or trial is cited about this exact switch", plain),
        _heading("Why the gap matters", plain),
    ]
    if assessment.washout is not None:
        basis = Text(to_ascii(assessment.washout.basis) if plain else assessment.washout.basis)
        basis.append(f" [{', '.join(assessment.washout.evidence)}]",
                     style="" if plain else "dim")
        parts.append(Padding(basis, (0, 0, 0, 2)))
    parts.append(Text(""))
    parts.append(timeline.build(assessment, width=width, plain=plain))
    parts.append(Text(f"\nThe full card: switchadvisor check --from {switch.from_.id} "
                      f"--to {switch.to.id}", style="" if plain else "dim"))
    return Group(*parts)


def _heading(title: str, plain: bool) -> Text:
    return Text(f"\n{title}", style="" if plain else "bold underline")


def _quotes(items: tuple[Cited, ...], none: str, plain: bool) -> list[RenderableType]:
    if not items:
        return [Padding(Text(none, style="" if plain else "dim"), (0, 0, 0, 2))]
    quotes: list[RenderableType] = []
    for item in items:
        entry = item.entry
        head = Text()
        head.append(entry.id, style="" if plain else "bold")  # the id only, not the quote
        size = f", n={entry.n}" if entry.n else ""
        side = ("; argues against one finding, supports another" if item.against
                and item.supports else "; argues against" if item.against else "")
        head.append(f" ({entry.kind.value.replace('-', ' ')}{size}, {entry.year}{side}): ")
        head.append(to_ascii(entry.finding) if plain else entry.finding)
        quotes.append(Padding(head, (0, 0, 0, 2)))
    return quotes
