"""`--export FILE.svg|FILE.html`: exactly what the terminal shows, in one self-contained file."""

from __future__ import annotations

import html
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from helpers import RunCli
from switchadvisor.errors import ExitCode
from switchadvisor.render.export import exporting

ROOT = Path(__file__).parent.parent
COMMANDS = {
    "check": ("check", "--from", "fingolimod", "--to", "alemtuzumab"),
    "check-what-if": ("check", "--from", "fingolimod", "--to", "cladribine", "--what-if",
                      "lymphocytes=0.6..1.2:0.2"),
    "timeline": ("timeline", "--from", "fingolimod", "--to", "cladribine",
                 "--weeks-since-stop", "7.7"),
    "matrix": ("matrix",),
    "options": ("options", "--from", "natalizumab"),
}
VERDICT = {"check": "WARNING", "check-what-if": "CRITICAL", "timeline": "WARNING",
           "matrix": "240 switches", "options": "INFO"}


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("\xa0", " "))


def svg_text(path: Path) -> str:
    root = ET.parse(path).getroot()  # raises if it is not well-formed XML
    return "".join(root.itertext())


def html_text(path: Path) -> str:
    body = path.read_text(encoding="utf-8").split("<body", 1)[1]
    return html.unescape(re.sub(r"<[^>]+>", "", body))


@pytest.mark.parametrize("command", COMMANDS)
def test_svg_and_html_hold_exactly_what_was_shown(run_cli: RunCli, tmp_path: Path,
                                                  command: str) -> None:
    shown = None
    for suffix, read in ((".svg", svg_text), (".html", html_text)):
        target = tmp_path / f"out{suffix}"
        result = run_cli(*COMMANDS[command], "--width", "100", "--export", str(target))
        assert result.exit_code == ExitCode.OK, result
        assert shown is None or result.stdout == shown  # exporting does not change the output
        shown = result.stdout
        text = read(target).replace("\xa0", " ")
        assert VERDICT[command] in text
        assert squeeze(result.stdout) in squeeze(text)


def test_svg_needs_no_other_file(run_cli: RunCli, tmp_path: Path) -> None:
    target = tmp_path / "matrix.svg"
    assert run_cli("matrix", "--export", str(target)).exit_code == ExitCode.OK
    svg = target.read_text(encoding="utf-8")
    assert not re.search(r"url\(\s*['\"]?(https?:|//)", svg)
    assert "@font-face" not in svg and "<image" not in svg


def test_svg_keeps_the_leading_spaces_that_place_a_chart(run_cli: RunCli,
                                                        tmp_path: Path) -> None:
    """A marker's column is set by the spaces before it; the SVG asks viewers to keep them
    (librsvg, hence image previews, trims leading no-break spaces otherwise)."""
    target = tmp_path / "timeline.svg"
    result = run_cli(*COMMANDS["timeline"], "--width", "80", "--export", str(target))
    assert result.exit_code == ExitCode.OK, result
    root = ET.parse(target).getroot()
    assert root.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"


@pytest.mark.parametrize("name", ["out.pdf", "out", "out.svg.txt"])
def test_unknown_extension_exits_2_and_writes_nothing(run_cli: RunCli, tmp_path: Path,
                                                       name: str) -> None:
    result = run_cli(*COMMANDS["timeline"], "--export", str(tmp_path / name))
    assert result.exit_code == ExitCode.USAGE, result
    assert "--export" in result.stderr and ".svg" in result.stderr
    assert result.stdout == "" and list(tmp_path.iterdir()) == []


def test_missing_directory_exits_2(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("matrix", "--export", str(tmp_path / "no" / "m.svg"))
    assert result.exit_code == ExitCode.USAGE and "--export" in result.stderr


def test_nothing_is_recorded_without_export() -> None:
    with exporting(None) as out:
        assert out is sys.stdout


def test_readme_pictures_exist_parse_and_are_regenerated_by_the_script() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    pictures = re.findall(r"\]\((docs/[^)]+\.svg)\)", readme)
    assert "docs/matrix.svg" in pictures
    assert "docs/timeline-fingolimod-cladribine.svg" in pictures
    script = (ROOT / "docs" / "regenerate.sh").read_text(encoding="utf-8")
    assert "sh docs/regenerate.sh" in readme
    for picture in pictures:
        assert picture in script
        assert svg_text(ROOT / picture)
