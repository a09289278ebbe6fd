"""Attack review: rule text from an untrusted rule base reaches every view literally.

Rich reads a ``str`` as console markup (``[red]…[/red]``) and emoji codes (``:warning:``);
every console is made by ``render.safe.new_console`` with both off, so a title or a drug
name is printed as written by every command, and exported SVG/HTML escape it.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from helpers import MINI_RULES, RunCli

MARK = "[red]MK[/red]:warning:<script>alert(1)</script>"
_TEXT_LINE = re.compile(
    r"^(?P<head>\s*(?:- )?(?:title|message|summary|finding|description|name|source): )"
    r"(?P<value>[^>|\"'\n][^\n]*)$", re.MULTILINE)


def _mangle(match: re.Match[str]) -> str:
    value = match.group("value").strip()
    if match.group("head").strip().endswith("name:") and value.islower():
        return match.group()  # a figure's name is a fixed vocabulary, not display text
    return match.group("head") + json.dumps(f"{value} {MARK}")


@pytest.fixture(scope="module")
def hostile_rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture rule base with MARK after every one-line title, name, message, …"""
    root = tmp_path_factory.mktemp("hostile") / "rules"
    shutil.copytree(MINI_RULES, root)
    shutil.rmtree(root / "scenarios")
    for path in root.rglob("*.yaml"):
        path.write_text(_TEXT_LINE.sub(_mangle, path.read_text(encoding="utf-8")),
                        encoding="utf-8")
    return root


VIEWS = [
    ("check", "--from", "fingolimod", "--to", "alemtuzumab", "--width", "300"),
    ("check", "--from", "fingolimod", "--to", "alemtuzumab", "--full", "--width", "300"),
    ("check", "--from", "fingolimod", "--to", "cladribine", "--what-if",
     "lymphocytes=0.2..1.2:0.5", "--width", "300"),
    ("timeline", "--from", "fingolimod", "--to", "alemtuzumab", "--weeks-since-stop", "3",
     "--width", "300"),
    ("matrix", "--by-class", "--width", "300"),
    ("options", "--from", "fingolimod", "--width", "300"),
    ("explain", "fingolimod", "--width", "300", "--no-pager"),
    ("explain", "fingolimod--alemtuzumab", "--width", "300", "--no-pager"),
    ("explain", "s1p-modulator", "--width", "300", "--no-pager"),
    ("evidence", "--width", "300", "--no-pager"),
    ("demo", "--no-pause", "--width", "300"),
]


@pytest.mark.parametrize("args", VIEWS, ids=[" ".join(args[:2]) for args in VIEWS])
def test_rule_text_is_printed_literally(args: tuple[str, ...], hostile_rules: Path,
                                        run_cli: RunCli) -> None:
    result = run_cli(*args, "--rules", str(hostile_rules))
    assert result.exit_code == 0, result
    assert "[red]MK[/red]" in result.stdout, result
    assert "⚠" not in result.stdout  # the emoji code stayed text
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("command", "suffix"), [
    (("check", "--from", "fingolimod", "--to", "alemtuzumab"), ".svg"),
    (("options", "--from", "fingolimod"), ".html"),
], ids=["check-svg", "options-html"])
def test_export_escapes_rule_text(command: tuple[str, ...], suffix: str, hostile_rules: Path,
                                  tmp_path: Path, run_cli: RunCli) -> None:
    target = tmp_path / f"out{suffix}"
    result = run_cli(*command, "--width", "300", "--export", str(target),
                     "--rules", str(hostile_rules))
    assert result.exit_code == 0, result
    saved = target.read_text(encoding="utf-8")
    assert "<script" not in saved
    assert "&lt;script&gt;" in saved


# ------------------------------------------------------------------------- Markdown / HTML


def _html_of(markdown: str) -> str:
    from markdown_it import MarkdownIt  # rich's own Markdown parser: CommonMark, raw HTML on

    return MarkdownIt("commonmark", {"html": True}).render(markdown)


@pytest.mark.parametrize("output_format", ["md", "cds-hooks"])
def test_rule_text_cannot_open_raw_html_in_markdown(output_format: str, hostile_rules: Path,
                                                     run_cli: RunCli) -> None:
    """Before: ``<script>`` from a title went into the Markdown (and each CDS card's
    ``detail``, which the EHR renders) as raw HTML."""
    result = run_cli("check", "--from", "fingolimod", "--to", "alemtuzumab", "-f",
                     output_format, "--rules", str(hostile_rules))
    assert result.exit_code == 0, result
    if output_format == "md":
        documents = [result.stdout]
    else:
        documents = [card["detail"] for card in json.loads(result.stdout)["cards"]]
    assert any("MK" in document for document in documents)
    for document in documents:
        html = _html_of(document)
        assert "<script" not in html and "<img" not in html
        if "MK" in document:
            assert "&lt;script&gt;" in html


@pytest.mark.parametrize(("markdown", "kept"), [
    ("x < 1 and y <= 2", "x < 1 and y <= 2"),
    ("see <https://doi.org/10.1/a%3Cb>", "see <https://doi.org/10.1/a%3Cb>"),
    ("`a<b` and ``x`<y``", "`a<b` and ``x`<y``"),
    ("a <b>bold</b>", "a \\<b>bold\\</b>"),
    ("<!-- hidden -->", "\\<!-- hidden -->"),
    ("<javascript:alert(1)>", "\\<javascript:alert(1)>"),
])
def test_neutralise_html_table(markdown: str, kept: str) -> None:
    from switchadvisor.render.safe import neutralise_html

    assert neutralise_html(markdown) == kept
