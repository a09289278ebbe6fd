"""The card's side-by-side layouts, drawn as rich's ``Table.grid`` draws them, without it.

The card lays out three kinds of grid: the header (title left, rule base right), label and
content ("Facts", "Washout", …), and severity, title, detail. ``Table`` measures every cell
to size its columns and costs a few milliseconds to import (``rich.table`` pulls in
``fractions`` and ``decimal``); the card's columns are sized by simple rules, so the card
states them (``widths``) and draws each cell the way ``Table`` does (each cell padded, then
rendered at its column's width with the column's style, justify, no_wrap and overflow, and
every cell of a row given the row's height). The output is the same, byte for byte, in
colour and without.

When ``widths`` cannot say (a width too narrow for its rules), the grid is drawn by a real
``Table.grid`` built by ``table``, so the output never depends on which path was taken.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from rich.cells import cell_len
from rich.padding import Padding
from rich.segment import Segment
from rich.text import Text

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
    from rich.table import Table

Overflow = Literal["fold", "crop", "ellipsis", "ignore"]
Justify = Literal["default", "left", "center", "right", "full"]


@dataclass(frozen=True)
class Column:
    """One column: as ``Table.add_column`` takes it, with the padding it gets in a grid."""

    style: str = ""
    justify: Justify = "left"
    no_wrap: bool = False
    overflow: Overflow = "ellipsis"
    pad_right: int = 0
    """Spaces after the cell: 1 between columns of ``Table.grid(padding=(0, 1))``."""


class Grid:
    """Rows of cells under ``columns``, at the widths ``widths(max_width)`` gives (None:
    draw ``table()`` instead)."""

    def __init__(self, columns: Sequence[Column], rows: Sequence[Sequence[RenderableType]],
                 widths: Callable[[int], list[int] | None], *, padded: bool,
                 table: Callable[[], Table]) -> None:
        self.columns = list(columns)
        self.rows = [list(row) for row in rows]
        self.widths = widths
        self.padded = padded
        """Whether the cells are wrapped in Padding (a grid with padding, even zero)."""
        self.table = table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        widths = self.widths(options.max_width)
        if widths is None:
            yield self.table()
            return
        new_line = Segment.line()
        get_style = console.get_style
        for row in self.rows:
            cells: list[list[list[Segment]]] = []
            styles = []
            for width, column, renderable in zip(widths, self.columns, row, strict=True):
                if self.padded:
                    renderable = Padding(renderable, (0, column.pad_right, 0, 0))
                style = get_style(column.style)
                render_options = options.update(width=width, justify=column.justify,
                                                no_wrap=column.no_wrap,
                                                overflow=column.overflow, height=None,
                                                highlight=False)
                cells.append(console.render_lines(renderable, render_options, style=style))
                styles.append(style)
            height = max(len(lines) for lines in cells)
            shaped = [Segment.set_shape(Segment.align_top(lines, width, height, style), width,
                                        height)
                      for lines, width, style in zip(cells, widths, styles, strict=True)]
            for line_no in range(height):
                for lines in shaped:
                    yield from lines[line_no]
                yield new_line


def text_width(renderable: RenderableType) -> int:
    """The widest line of a Text or a str, in cells (what Table measures as its maximum)."""
    plain = renderable.plain if isinstance(renderable, Text) else str(renderable)
    lines = plain.splitlines()
    return max(cell_len(line) for line in lines) if lines else 0
