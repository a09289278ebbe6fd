"""Terminal output with rich: the styles and words both text views share, and ``output``,
which writes a view through a pager on a terminal when it is longer than the screen, without
trailing spaces to a file or a pipe. The default view is the card (``render.card``); the full
view (`check --full`) is ``render.full``, imported only when it is drawn.

Readable at 80 columns; colour only on a terminal; NO_COLOR is honoured (rich reads it).
"""

from __future__ import annotations

import io
import os
from typing import IO, TYPE_CHECKING, TextIO

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.text import Text

from switchadvisor.assessment import Assessment, WashoutPosition
from switchadvisor.render.safe import new_console
from switchadvisor.rulebase import Severity

if TYPE_CHECKING:
    from switchadvisor.assessment import EvidenceOut
    from switchadvisor.rulebase import EvidenceEntry

SEVERITY_STYLE = {
    Severity.INFO: "bold cyan",
    Severity.WARNING: "bold yellow",
    Severity.CRITICAL: "bold white on red",
}
POSITION_STYLE = {
    WashoutPosition.TOO_EARLY: "yellow",
    WashoutPosition.WITHIN: "green",
    WashoutPosition.LATE: "yellow",
    WashoutPosition.UNKNOWN: "dim",
}
POSITION_WORDS = {
    WashoutPosition.TOO_EARLY: "too early",
    WashoutPosition.WITHIN: "within the window",
    WashoutPosition.LATE: "later than the window",
    WashoutPosition.UNKNOWN: "not placed",
}
FACT_WORDS = {
    "lymphocytes_lln": "lower limit",
    "weeks_since_stop": "since the last dose",
    "disease_activity": "disease activity",
    "pregnancy_planned": "pregnancy planned",
    "jcv": "anti-JCV antibodies",
}
"""Patient facts in words (the fact names are for conditions, not for readers)."""


def fact_label(name: str) -> str:
    return FACT_WORDS.get(name, name.replace("_", " "))


def in_words(name: str) -> str:
    """A drug's name inside a sentence: generic names are not capitalised ("dimethyl
    fumarate"); a name written with capitals inside it (a brand) is kept as it is."""
    return name[:1].lower() + name[1:] if name[1:] == name[1:].lower() else name


NEED_WORDS = {
    "lymphocytes": "the lymphocyte count",
    "lymphocytes_lln": "your lab's lower limit",
    "weeks_since_stop": "the time since the last dose",
    "disease_activity": "the disease activity",
    "age": "the age",
    "pregnancy_planned": "whether a pregnancy is planned",
    "jcv": "the anti-JCV antibody status",
}


def need_words(name: str) -> str:
    """A fact a finding needs, in words (a drug figure the rule base lacks, for a figure)."""
    if "." in name:
        return "a drug figure the rule base has not verified"
    return NEED_WORDS.get(name, name.replace("_", " "))


def print_assessment(assessment: Assessment, *, file: TextIO, width: int | None = None,
                     full: bool = False, pager: bool = True) -> None:
    """The card (default) or the full view (``full``), paged on a terminal if ``pager``."""
    console = new_console(file=file, width=width, highlight=False, soft_wrap=False)
    if full:
        from switchadvisor.render.full import build

        renderable = build(assessment)
    else:
        from switchadvisor.render.card import build_card

        renderable = build_card(assessment, width=console.width)
    output(renderable, console, pager=pager)


def output(renderable: RenderableType, console: Console, *, pager: bool = True) -> None:
    """Print through ``console``: paged on a terminal when longer than the screen (``PAGER``,
    default ``less -FRX``), and without trailing spaces when not on a terminal."""
    with console.capture() as capture:
        console.print(renderable, crop=False)  # a URL longer than the line is never cut
    text = capture.get()
    if not console.is_terminal:
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    elif pager and _isatty(console.file) and text.count("\n") > console.height and page(text):
        return  # paged only on a real terminal (FORCE_COLOR into a pipe is not one)
    console.file.write(text)
    console.file.flush()


def _isatty(file: IO[str]) -> bool:
    try:
        return file.isatty()
    except (AttributeError, ValueError):
        return False


DEFAULT_PAGER = "less -FRX"


def page(text: str, command: str | None = None) -> bool:
    """Show ``text`` through the pager (``command``, else ``PAGER``, else ``less -FRX``).

    Returns False when there is no pager to run (an empty ``PAGER`` means none), so the caller
    prints the text itself.
    """
    import shlex
    import subprocess

    command = os.environ.get("PAGER", DEFAULT_PAGER) if command is None else command
    try:
        args = shlex.split(command)
    except ValueError:  # PAGER='less "' : an unusable pager is no pager, not a crash
        return False
    if not args or args == ["cat"]:
        return False
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    try:
        process = subprocess.Popen(args, stdin=subprocess.PIPE, env=env)
    except OSError:
        return False
    assert process.stdin is not None
    try:
        process.stdin.write(text.encode("utf-8"))
        process.stdin.close()
    except BrokenPipeError:  # the reader quit the pager early
        pass
    process.wait()
    return True


def plain(renderable: RenderableType, width: int) -> str:
    """A renderable as plain text at ``width`` columns, without trailing spaces."""
    console = new_console(record=True, width=width, color_system=None, highlight=False,
                      file=io.StringIO())
    console.print(renderable, crop=False)
    return "\n".join(line.rstrip() for line in console.export_text().splitlines()) + "\n"


def hanging(text: Text, width: int, indent: int = 2) -> Text:
    """``text`` wrapped at ``width``, its continuation lines indented (styles kept)."""
    if len(text) <= width:
        return text
    console = Console(width=width)
    lines = list(text.wrap(console, width))
    first = lines[0]
    rest = list(Text(" ").join(lines[1:]).wrap(console, width - indent))
    result = first.copy()
    for line in rest:
        result.append("\n" + " " * indent)
        result.append_text(line)
    return result


class Hanging:
    """A Text wrapped at the width it is given, continuation lines indented."""

    def __init__(self, text: Text, indent: int = 2) -> None:
        self.text = text
        self.indent = indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield hanging(self.text, options.max_width, self.indent)


def severity_label(severity: Severity) -> Text:
    return Text(f" {severity.value.upper()} ", style=SEVERITY_STYLE[severity])


# The full view, for the callers that name it here (imported when called).


def build(assessment: Assessment) -> RenderableType:
    """The full view (``render.full.build``)."""
    from switchadvisor.render import full

    return full.build(assessment)


def render_plain(assessment: Assessment, width: int = 100) -> str:
    """The full text output without colour (for tests and docs)."""
    from switchadvisor.render import full

    return full.render_plain(assessment, width)


def citation(entry: EvidenceOut | EvidenceEntry) -> list[RenderableType]:
    """One source in full (``render.full.citation``)."""
    from switchadvisor.render import full

    return full.citation(entry)
