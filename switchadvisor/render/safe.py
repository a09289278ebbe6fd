"""The one way output consoles are made: rule-base text is always printed as written.

A ``str`` handed to rich (a table cell, a rule's title, a panel title) is normally read as
console markup (``[bold red]…[/]``) and emoji codes (``:warning:``). Rule text comes from a
rule base that may be someone else's, so every console the tool prints through is created
here with markup and emoji off: ``[`` and ``:`` in a title stay literal, whichever renderable
carries it. (Control characters never get this far: the loader refuses them.) Markdown output goes
through ``neutralise_html`` so rule text cannot open raw HTML.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


def new_console(**options: Any) -> Console:
    """A rich ``Console`` that never interprets markup, emoji codes or highlighting."""
    from rich.console import Console

    options.setdefault("highlight", False)
    return Console(markup=False, emoji=False, **options)


# ------------------------------------------------------------------------------ Markdown

_CODE_SPAN = re.compile(r"(`+).*?\1")
_AUTOLINK = re.compile(r"<https?://[^\s<>]*>")
_HTML_START = re.compile(r"<(?=[A-Za-z/!?])")


def neutralise_html(markdown: str) -> str:
    """Markdown in which rule text cannot open raw HTML.

    Markdown passes ``<script>``, ``<img onerror=…>`` or ``<!--`` through to the HTML it
    renders to (CDS Hooks ``detail`` is rendered by the EHR; notes end up in wikis and
    slides). Outside code spans, a ``<`` that would start a tag, a comment or a declaration
    is written ``\\<`` — shown as ``<``, never read as HTML. Links the renderer itself
    writes (``<https://…>``, percent-encoded) and ``<`` in comparisons (``x < 1``) are kept.
    """
    out: list[str] = []
    for line in markdown.split("\n"):
        parts: list[str] = []
        position = 0
        for span in _CODE_SPAN.finditer(line):
            parts.append(_escape_tags(line[position:span.start()]))
            parts.append(span.group())
            position = span.end()
        parts.append(_escape_tags(line[position:]))
        out.append("".join(parts))
    return "\n".join(out)


def _escape_tags(text: str) -> str:
    pieces: list[str] = []
    position = 0
    for link in _AUTOLINK.finditer(text):
        pieces.append(_HTML_START.sub(r"\\<", text[position:link.start()]))
        pieces.append(link.group())
        position = link.end()
    pieces.append(_HTML_START.sub(r"\\<", text[position:]))
    return "".join(pieces)
