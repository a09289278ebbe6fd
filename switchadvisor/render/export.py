"""`--export FILE.svg|FILE.html`: save exactly what a command wrote to the terminal.

Every command writes its output through ``exporting(path)``: without ``--export`` that is
stdout itself and nothing is recorded; with it, the text (and its colours, when the terminal
shows them) is copied as it is written and, once the command has finished, saved as a
self-contained SVG or HTML file through rich's recording console.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO, cast

from switchadvisor.errors import InputError, OutputError
from switchadvisor.paths import open_output, output_file, shown

EXTENSIONS = (".svg", ".html")
OPTION = "--export"
_FONT_FACE = re.compile(r"@font-face\s*\{[^{}]*\}\s*")
"""rich's SVG loads a web font from a CDN; dropped so the file needs nothing else."""


class _Tee(io.TextIOBase):
    """A text stream that writes through to ``target`` and keeps a copy."""

    def __init__(self, target: TextIO) -> None:
        super().__init__()
        self.target = target
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return self.target.write(text)

    def flush(self) -> None:
        self.target.flush()

    def isatty(self) -> bool:
        return self.target.isatty()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.target, "encoding", None) or "utf-8"

    def getvalue(self) -> str:
        return "".join(self.parts)


def check_export_path(path: str) -> Path:
    """The export target, or InputError naming --export for an unknown extension."""
    if Path(path).suffix.lower() not in EXTENSIONS:
        raise InputError(f"{OPTION}: cannot export to {shown(path)}: the name must end in .svg "
                         "or .html", option=OPTION, accepted="FILE.svg | FILE.html")
    # a directory, FIFO, device or symlink is refused before anything is printed
    return output_file(path, OPTION, accepted="FILE.svg | FILE.html in an existing directory")


@contextmanager
def exporting(path: str | None, *, title: str = "switchadvisor",
              stream: TextIO | None = None) -> Iterator[TextIO]:
    """Yield the stream to write to; with ``path``, save what was written when done."""
    out = stream if stream is not None else sys.stdout
    if path is None:
        yield out
        return
    target = check_export_path(path)
    tee = _Tee(out)
    yield cast(TextIO, tee)
    save(tee.getvalue(), target, title=title)


def save(text: str, target: Path, *, title: str = "switchadvisor") -> None:
    """Write ``text`` (plain or with ANSI colours) to ``target`` as SVG or HTML."""
    from rich.text import Text

    from switchadvisor.render.safe import new_console

    lines = text.rstrip("\n").split("\n")
    width = max([40, *(Text.from_ansi(line).cell_len for line in lines)])
    # An explicit height too: rich would otherwise use 80 columns under TERM=dumb.
    console = new_console(record=True, width=width, height=max(25, len(lines)),
                      file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", highlight=False, soft_wrap=True)
    for line in lines:
        console.print(Text.from_ansi(line), soft_wrap=True)
    if target.suffix.lower() == ".svg":
        content = _FONT_FACE.sub("", console.export_svg(title=title))
        # rich writes the spaces of a line as no-break spaces; without this, viewers that trim
        # them (librsvg, so image previews and slide tools) shift every bar and marker of a
        # chart to the left
        content = content.replace("<svg ", '<svg xml:space="preserve" ', 1)
    else:
        content = console.export_html()
    descriptor = open_output(target, OPTION)
    try:
        with open(descriptor, "w", encoding="utf-8") as stream:
            stream.write(content)
    except OSError as exc:  # a full disk, an I/O error: the output could not be written
        raise OutputError(f"{OPTION}: cannot write {shown(target)}: {exc.strerror or exc}",
                          option=OPTION) from None
