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


def emit(assessment: Assessment, fmt: OutputFormat, *, file: TextIO,
         width: int | None = None, detail: str = "full", compact: bool = False) -> None:
    """Write ``assessment`` to ``file`` in ``fmt`` (text is coloured only on a terminal).

    JSON: ``detail`` "full" (the Assessment) or "summary" (its Summary record); ``compact``
    writes one line instead of indented JSON.
    """
    if fmt is OutputFormat.JSON:
        file.write(json_text(assessment, detail=detail, compact=compact))
    elif fmt is OutputFormat.MARKDOWN:
        from switchadvisor.render.markdown import render_markdown

        file.write(render_markdown(assessment))
    elif fmt is OutputFormat.TEXT:
        from switchadvisor.render.console import print_assessment

        print_assessment(assessment, file=file, width=width)
    else:
        assert_never(fmt)


def json_text(assessment: Assessment, *, detail: str = "full", compact: bool = False) -> str:
    """The JSON of an assessment (full or summary), indented or on one line, with a newline."""
    if detail == "summary":
        from switchadvisor.assessment import summarize

        record: Assessment | Summary = summarize(assessment)
    else:
        record = assessment
    if compact:
        return record.model_dump_json(by_alias=True) + "\n"
    return record.model_dump_json(indent=2, by_alias=True) + "\n"


def assert_never(value: object) -> NoReturn:
    """Exhaustiveness guard (typing.assert_never is 3.11+)."""
    raise AssertionError(f"unhandled value: {value!r}")
