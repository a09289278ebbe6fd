"""The full text view (`check --full`) and the output path (pager, trailing spaces), from
Assessments built by hand, at fixed widths."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from render_cases import LONG_URL, hand_built
from rich.console import Console
from rich.text import Text

from switchadvisor.render import console as console_module
from switchadvisor.render.console import build, output, page, render_plain

WIDTHS = [60, 80, 120]


def section(text: str, heading: str) -> list[str]:
    """The lines under ``heading`` up to the next blank line followed by a heading."""
    lines = text.splitlines()
    start = lines.index(heading) + 1
    block: list[str] = []
    for line in lines[start:]:
        if not line.strip():
            break
        block.append(line)
    return block


@pytest.mark.parametrize("width", WIDTHS)
def test_full_view_has_no_trailing_spaces(width: int) -> None:
    text = render_plain(hand_built(), width)
    assert all(line == line.rstrip() for line in text.splitlines())


@pytest.mark.parametrize("width", WIDTHS)
def test_full_view_prints_everything(width: int) -> None:
    flat = " ".join(render_plain(hand_built(), width).split())
    for fragment in ("finding-one", "finding-two", "pending-critical",  # ids are in --full
                     "Case series describe early activity.",             # messages
                     "why: lymphocytes 600 cells/µL = 0.60 ×10⁹/L is below your lab's lower "
                     "limit 1.00 ×10⁹/L (default)",                      # reasoning in words
                     "Facts as read", "lymphocytes: 600 cells/µL = 0.60 ×10⁹/L",
                     "lower limit: 1.00 ×10⁹/L (default)",
                     "Rule base test-rules 2026.1.0, reviewed 2026-01-15",
                     "Basis: Expert opinion.", "doi:10.1000/series-a · PMID 12345678",
                     "Not a prescription"):
        assert fragment in flat, fragment
    for absent in ("why: always applies", "[unknown]", "→ true", "lymphocytes_lln"):
        assert absent not in flat, absent


@pytest.mark.parametrize("width", WIDTHS)
def test_each_source_is_printed_once(width: int) -> None:
    flat = " ".join(render_plain(hand_built(), width).split())
    for ident in ("series-a", "cohort-a", "cohort-b", "cohort-c", "label-a"):
        assert flat.count(f"The {ident} study") == 1, ident


@pytest.mark.parametrize("width", WIDTHS)
def test_urls_are_never_split(width: int) -> None:
    lines = render_plain(hand_built(), width).splitlines()
    assert any(line.strip() == LONG_URL for line in lines)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("heading", "indent"), [
    ("Not evaluated — these facts would decide them", 13),
    ("Superseded", 4),
    ("Alternatives worth considering", 4),
])
def test_wrapped_lines_keep_their_indent(width: int, heading: str, indent: int) -> None:
    block = section(render_plain(hand_built(), width), heading)
    starts = [line for line in block if line.startswith("  •") or line.startswith("  ✓")]
    rest = [line for line in block if line not in starts]
    assert starts and rest, block
    for line in rest:
        assert line.startswith(" " * indent), repr(line)


def test_titles_stand_out_but_messages_are_not_bold() -> None:
    buffer = io.StringIO()
    Console(file=buffer, width=120, force_terminal=True, color_system="standard").print(
        build(hand_built()))
    lines = buffer.getvalue().splitlines()
    title = next(line for line in lines if "Early breakthrough" in line)
    message = next(line for line in lines if "Case series describe early activity." in line)
    assert "\x1b[1m" in title
    assert "\x1b[1m" not in message


# ------------------------------------------------------------------------- the output path


def test_output_to_a_file_has_no_trailing_spaces() -> None:
    buffer = io.StringIO()
    output(build(hand_built()), Console(file=buffer, width=80))
    text = buffer.getvalue()
    assert "Not a prescription" in text
    assert all(line == line.rstrip() for line in text.splitlines())


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("pager", "paged"), [(True, True), (False, False)])
def test_long_output_on_a_terminal_is_paged_unless_no_pager(
        monkeypatch: pytest.MonkeyPatch, pager: bool, paged: bool) -> None:
    calls: list[str] = []
    monkeypatch.setattr(console_module, "page", lambda text: calls.append(text) or True)
    buffer = FakeTerminal()
    terminal = Console(file=buffer, width=80, height=10, force_terminal=True)
    output(build(hand_built()), terminal, pager=pager)
    assert bool(calls) is paged
    assert bool(buffer.getvalue()) is not paged


def test_short_output_is_not_paged(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(console_module, "page", lambda text: calls.append(text) or True)
    terminal = Console(file=io.StringIO(), width=80, height=50, force_terminal=True)
    output(Text("one line"), terminal)
    assert calls == []


def test_forced_colour_into_a_pipe_is_not_paged(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(console_module, "page", lambda text: calls.append(text) or True)
    piped = Console(file=io.StringIO(), width=80, height=5, force_terminal=True)
    output(build(hand_built()), piped)
    assert calls == []


def test_output_never_pages_when_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(console_module, "page", lambda text: calls.append(text) or True)
    output(build(hand_built()), Console(file=io.StringIO(), width=80, height=5))
    assert calls == []


def test_page_pipes_the_text_through_the_pager_command(tmp_path: Path) -> None:
    target = tmp_path / "paged.txt"
    script = f"import sys; open({str(target)!r}, 'w', encoding='utf-8').write(sys.stdin.read())"
    command = f"{sys.executable} -c \"{script}\""
    assert page("every line\nof the view\n", command) is True
    assert target.read_text(encoding="utf-8") == "every line\nof the view\n"


@pytest.mark.parametrize("command", ["", "cat"])
def test_no_pager_means_the_caller_prints(command: str) -> None:
    assert page("text", command) is False


def test_a_missing_pager_falls_back_to_printing() -> None:
    assert page("text", "no-such-pager-program") is False


def test_figures_of_one_name_share_a_line_with_their_statistics() -> None:
    from switchadvisor.assessment import Figure

    base = hand_built()
    rebound = [Figure(name="rebound_onset", drug="fingolimod", measure="rebound-onset",
                      statistic="typical", weeks=12.0, text="usually within 12 weeks",
                      evidence=["label-a"]),
               Figure(name="rebound_onset", drug="fingolimod", measure="rebound-onset",
                      statistic="upper-bound", weeks=24.0, text="up to 24 weeks",
                      evidence=["label-a"])]
    text = render_plain(hand_built(figures=[*base.figures, *rebound]), 100)
    block = section(text, "After stopping Fingolimod:")
    assert [line.split(":")[0].strip() for line in block] == ["still present", "rebound onset"]
    assert block[1].split(":", 1)[1].split() == [
        "usually", "within", "12", "weeks;", "up", "to", "24", "weeks", "[label-a]"]
