"""Output formats: each renderer turns an Assessment into text and never evaluates.

Renderer modules are imported only when chosen, so the JSON path never imports rich.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, NoReturn, TextIO

if TYPE_CHECKING:
    from switchadvisor.assessment import Assessment, Summary


class OutputFormat(str, enum.Enum):
    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    CDS_HOOKS = "cds-hooks"

    @classmethod
    def parse(cls, text: str | OutputFormat) -> OutputFormat:
        """Any case; ``md`` for markdown. Raises InputError naming --format."""
        if isinstance(text, OutputFormat):
            return text
        value = str(text).strip().lower()
        value = FORMAT_ALIASES.get(value, value)
        for member in cls:
            if member.value == value:
                return member
        from switchadvisor.errors import InputError

        raise InputError(f"--format: {text!r} is not a format", option="--format",
                         accepted=" | ".join(member.value for member in cls))

    @classmethod
    def metavar(cls) -> str:
        return "|".join(member.value for member in cls)


FORMAT_ALIASES = {"md": "markdown"}


def emit(assessment: Assessment, fmt: OutputFormat, *, file: TextIO,
         width: int | None = None, full: bool = False, pager: bool = True,
         detail: str = "full", compact: bool = False) -> None:
    """Write ``assessment`` to ``file`` in ``fmt`` (text is coloured only on a terminal).

    Text is the card unless ``full``; on a terminal, long text goes through a pager unless
    ``pager`` is False. JSON: ``detail`` "full" (the Assessment) or "summary" (its Summary
    record); ``compact`` writes one line instead of indented JSON.
    """
    if fmt is OutputFormat.JSON:
        file.write(json_text(assessment, detail=detail, compact=compact))
    elif fmt is OutputFormat.MARKDOWN:
        from switchadvisor.render.markdown import render_markdown

        file.write(render_markdown(assessment))
    elif fmt is OutputFormat.TEXT:
        from switchadvisor.render.console import print_assessment

        print_assessment(assessment, file=file, width=width, full=full, pager=pager)
    elif fmt is OutputFormat.CDS_HOOKS:
        from switchadvisor.render.cds_hooks import render_cds_hooks

        file.write(render_cds_hooks(assessment))
    else:
        assert_never(fmt)


def options_text(options: list[str]) -> str:
    """What would supply the missing facts: "give --weeks-since-stop", or, for a figure the
    rule base does not have, why none can be given (options starting "none: ")."""
    give = [option for option in options if not option.startswith("none: ")]
    none = [option.removeprefix("none: ") for option in options if option.startswith("none: ")]
    parts = [f"give {', '.join(give)}"] if give else []
    return "; ".join([*parts, *none])


def json_text(assessment: Assessment, *, detail: str = "full", compact: bool = False) -> str:
    """The JSON of an assessment (full or summary), indented or on one line, with a newline."""
    if detail == "summary":
        from switchadvisor.assessment import summarize

        record: Assessment | Summary = summarize(assessment)
    else:
        record = assessment
    from switchadvisor import jsonout

    return (jsonout.compact(record) if compact else jsonout.indented(record)) + "\n"


def assert_never(value: object) -> NoReturn:
    """Exhaustiveness guard (typing.assert_never is 3.11+)."""
    raise AssertionError(f"unhandled value: {value!r}")
