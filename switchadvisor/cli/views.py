"""Pictures: `timeline`, `matrix`, `options`, `demo`, and `check --what-if`.

Each command parses its options, calls one core function (the engine, ``matrix``,
``ranking``, ``whatif``, ``demo``) and hands the typed result to a renderer; ``--export``
saves what was shown as SVG or HTML (``render.export``).
"""

from __future__ import annotations

import datetime as dt
import enum
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Optional, TextIO

import typer

from switchadvisor.cli.apps import RulesOption, app, check_grid_size, examples, load
from switchadvisor.render import OutputFormat

if TYPE_CHECKING:
    from rich.console import RenderableType

    from switchadvisor.engine import Switch
    from switchadvisor.facts import Facts
    from switchadvisor.rulebase import RuleBase

# ruff: noqa: UP045


class ViewFormat(str, enum.Enum):
    TEXT = "text"
    JSON = "json"


FromOption = Annotated[str, typer.Option(
    "--from", metavar="DRUG", help="The drug being stopped (generic, brand or alias).")]
ToOption = Annotated[str, typer.Option("--to", metavar="DRUG", help="The drug being started.")]
Lymphocytes = Annotated[Optional[str], typer.Option(
    "--lymphocytes", metavar="COUNT",
    help="Absolute lymphocyte count with its unit, as for check: 0.6 K/uL, 600/uL, 0.6 G/L.")]
LymphocytesLln = Annotated[Optional[str], typer.Option(
    "--lymphocytes-lln", metavar="COUNT",
    help="Your lab's lower limit of normal [default: 1.0 ×10⁹/L].")]
WeeksSinceStop = Annotated[Optional[str], typer.Option(
    "--weeks-since-stop", metavar="WEEKS", help="Time since the last dose: 6, 6w, 42d, 2 months.")]
Stopped = Annotated[Optional[str], typer.Option(
    "--stopped", metavar="YYYY-MM-DD", help="Date of the last dose.")]
On = Annotated[Optional[str], typer.Option(
    "--on", metavar="YYYY-MM-DD", help="Assessment date for --stopped [default: today].")]
DiseaseActivity = Annotated[Optional[str], typer.Option(
    "--disease-activity", metavar="LEVEL", help="none | active | highly-active.")]
Age = Annotated[Optional[str], typer.Option("--age", metavar="YEARS", help="Age in years.")]
PregnancyPlanned = Annotated[Optional[bool], typer.Option(
    "--pregnancy-planned/--no-pregnancy-planned", show_default=False,
    help="Whether a pregnancy is planned.")]
Jcv = Annotated[Optional[str], typer.Option(
    "--jcv", metavar="STATUS", help="Anti-JCV antibody status: positive | negative.")]
Width = Annotated[Optional[int], typer.Option(
    "--width", metavar="COLUMNS", min=40, max=300, show_default=False,
    help="Text width in columns [default: the terminal's].")]
Export = Annotated[Optional[str], typer.Option(
    "--export", metavar="FILE", help="Also save what is shown as FILE.svg or FILE.html.")]
Format = Annotated[ViewFormat, typer.Option(
    "--format", "-f", case_sensitive=False, help="Output format.")]


def _facts(**raw: object) -> Facts:
    from switchadvisor.facts import parse_facts

    return parse_facts(raw, today=dt.date.today())


def show(draw: Callable[[int, bool], RenderableType], *, file: TextIO,
         width: int | None, minimum: int = 0) -> None:
    """Print what ``draw(width, plain)`` returns: ASCII and no styles without colour.

    Without ``--width``, the terminal's width, but at least ``minimum`` columns."""
    from rich.segment import Segment, Segments

    from switchadvisor.render.safe import new_console

    console = new_console(file=file, highlight=False, soft_wrap=False)
    if width is not None or console.width < minimum:
        console.width = width or minimum
    plain = console.no_color or console.color_system is None
    lines = console.render_lines(draw(console.width, plain), pad=False)
    for line in lines:  # no trailing spaces (tables pad their cells)
        while line and not line[-1].control and not line[-1].text.rstrip():
            line.pop()
        if line:
            last = line[-1]
            line[-1] = Segment(last.text.rstrip(), last.style, last.control)
        console.print(Segments([*line, Segment.line()]), end="")


@app.command(short_help="Draw the weeks after the last dose, and where the person stands.",
             epilog=examples(
                 "switchadvisor timeline --from fingolimod \\\n"
                 "      --to cladribine --weeks-since-stop 7.7",
                 "switchadvisor timeline --from natalizumab \\\n"
                 "      --to ocrelizumab --export timeline.svg"))
def timeline(
    from_: FromOption, to: ToOption,
    lymphocytes: Lymphocytes = None, lymphocytes_lln: LymphocytesLln = None,
    weeks_since_stop: WeeksSinceStop = None, stopped: Stopped = None, on: On = None,
    disease_activity: DiseaseActivity = None, age: Age = None,
    pregnancy_planned: PregnancyPlanned = None, jcv: Jcv = None,
    width: Width = None, export: Export = None, rules: RulesOption = None,
) -> None:
    """Draw the weeks after the last dose: the drug still present, recovery, rebound risk,
    the window to start the next drug, and where the person stands (--weeks-since-stop).
    """
    from switchadvisor.engine import Switch, assess
    from switchadvisor.render import timeline as render
    from switchadvisor.render.export import exporting

    facts = _facts(lymphocytes=lymphocytes, lymphocytes_lln=lymphocytes_lln,
                   weeks_since_stop=weeks_since_stop, stopped=stopped, on=on,
                   disease_activity=disease_activity, age=age,
                   pregnancy_planned=pregnancy_planned, jcv=jcv)
    rulebase = load(rules)
    assessment = assess(rulebase, Switch.resolve(rulebase, from_, to), facts=facts)
    with exporting(export, title="switchadvisor timeline") as out:
        show(lambda columns, plain: render.build(assessment, width=columns, plain=plain),
             file=out, width=width)


@app.command(short_help="The verdict of every switch as a grid.",
             epilog=examples("switchadvisor matrix --by-class",
                             "switchadvisor matrix --lymphocytes 0.6 --format json"))
def matrix(
    lymphocytes: Lymphocytes = None, lymphocytes_lln: LymphocytesLln = None,
    weeks_since_stop: WeeksSinceStop = None, stopped: Stopped = None, on: On = None,
    disease_activity: DiseaseActivity = None, age: Age = None,
    pregnancy_planned: PregnancyPlanned = None, jcv: Jcv = None,
    by_class: Annotated[bool, typer.Option(
        "--by-class", help="Group rows and columns by mechanism class.")] = False,
    output_format: Format = ViewFormat.TEXT,
    width: Width = None, export: Export = None, rules: RulesOption = None,
) -> None:
    """The verdict of every switch as a grid (rows: drug stopped, columns: drug started),
    with the same facts for all; marks drug-specific evidence versus class-level inference.
    """
    from switchadvisor.matrix import build_matrix
    from switchadvisor.render import matrix as render
    from switchadvisor.render.export import exporting

    facts = _facts(lymphocytes=lymphocytes, lymphocytes_lln=lymphocytes_lln,
                   weeks_since_stop=weeks_since_stop, stopped=stopped, on=on,
                   disease_activity=disease_activity, age=age,
                   pregnancy_planned=pregnancy_planned, jcv=jcv)
    rulebase = load(rules)
    check_grid_size(rulebase, "matrix", "--rules")
    grid = build_matrix(rulebase, facts, by_class=by_class)
    names = {class_id: drug_class.name for class_id, drug_class in rulebase.classes.items()}
    with exporting(export, title="switchadvisor matrix") as out:
        if output_format is ViewFormat.JSON:
            out.write(grid.to_json())
            return
        show(lambda columns, plain: render.build(grid, width=columns, plain=plain,
                                                 class_names=names),
             file=out, width=width)


@app.command(short_help="Every possible next drug, ranked, with the reasons.",
             epilog=examples("switchadvisor options --from fingolimod",
                             "switchadvisor options --from natalizumab \\\n"
                             "      --weeks-since-stop 10 --format json"))
def options(
    from_: FromOption,
    lymphocytes: Lymphocytes = None, lymphocytes_lln: LymphocytesLln = None,
    weeks_since_stop: WeeksSinceStop = None, stopped: Stopped = None, on: On = None,
    disease_activity: DiseaseActivity = None, age: Age = None,
    pregnancy_planned: PregnancyPlanned = None, jcv: Jcv = None,
    output_format: Format = ViewFormat.TEXT,
    width: Width = None, export: Export = None, rules: RulesOption = None,
) -> None:
    """Every possible next drug, ranked: verdict, then what could still make it worse, then
    the strength of the evidence; each with the findings that set its place.
    """
    from switchadvisor.ranking import rank_options
    from switchadvisor.render import options as render
    from switchadvisor.render.export import exporting

    facts = _facts(lymphocytes=lymphocytes, lymphocytes_lln=lymphocytes_lln,
                   weeks_since_stop=weeks_since_stop, stopped=stopped, on=on,
                   disease_activity=disease_activity, age=age,
                   pregnancy_planned=pregnancy_planned, jcv=jcv)
    rulebase = load(rules)
    ranking = rank_options(rulebase, from_, facts)
    with exporting(export, title="switchadvisor options") as out:
        if output_format is ViewFormat.JSON:
            out.write(ranking.to_json())
            return
        show(lambda columns, plain: render.build(ranking, plain=plain, width=columns), file=out,
             width=width)


@app.command(short_help="Walk through the headline switches, step by step.",
             epilog=examples("switchadvisor demo", "switchadvisor demo --no-pause > demo.txt"))
def demo(
    no_pause: Annotated[bool, typer.Option(
        "--no-pause", help="Do not wait for Enter between steps (never waits when the input "
        "is not a terminal).")] = False,
    width: Width = None, rules: RulesOption = None,
) -> None:
    """Walk through the headline switches: what case series suggested, what cohorts found,
    and why the gap matters, quoting the rule base's evidence.
    """
    from switchadvisor.demo import demo_steps
    from switchadvisor.render import demo as render

    steps = demo_steps(load(rules))
    pause = not no_pause and sys.stdin.isatty() and sys.stdout.isatty()
    show(lambda columns, plain: render.intro(len(steps), plain=plain),
         file=sys.stdout, width=width)
    for number, step in enumerate(steps, start=1):
        if pause:
            try:
                input("\n[Enter: next switch] ")
            except EOFError:
                return
        show(lambda columns, plain, step=step, number=number: render.build(  # type: ignore[misc]
            step, number, len(steps), width=columns, plain=plain), file=sys.stdout, width=width)


def check_what_if(rulebase: RuleBase, switch: Switch, facts: Facts, spec: str,
                  output_format: OutputFormat, *, file: TextIO, width: int | None) -> None:
    """`check --what-if`: the switch across a range of one fact, as a table or JSON."""
    from switchadvisor.errors import InputError
    from switchadvisor.render import whatif as render
    from switchadvisor.whatif import parse_spec, run_what_if

    result = run_what_if(rulebase, switch, facts, parse_spec(spec), text=spec)
    if output_format is OutputFormat.JSON:
        file.write(result.to_json())
    elif output_format is OutputFormat.TEXT:
        show(lambda columns, plain: render.build(result, width=columns, plain=plain),
             file=file, width=width)
    else:
        raise InputError("--what-if gives text or json", option="--format",
                         accepted="text | json")
