"""The one way output consoles are made: rule-base text is always printed as written.

A ``str`` handed to rich (a table cell, a rule's title, a panel title) is normally read as
console markup (``[bold red]…[/]``) and emoji codes (``:warning:``). Rule text comes from a
rule base that may be someone else's, so every console the tool prints through is created
here with markup and emoji off: ``[`` and ``:`` in a title stay literal, whichever renderable
carries it. (Control characters never get this far: the loader refuses them.)
"""

from __future__ import annotations

from typing import Any

from rich.console import Console


def new_console(**options: Any) -> Console:
    """A rich ``Console`` that never interprets markup, emoji codes or highlighting."""
    options.setdefault("highlight", False)
    return Console(markup=False, emoji=False, **options)
