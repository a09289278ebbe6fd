"""`switchadvisor batch`: many switches from JSON Lines (or a JSON array), one line out each."""

from __future__ import annotations

import contextlib
import sys
import time
from typing import TYPE_CHECKING, Annotated, Optional, TextIO

import typer

from switchadvisor.cli.apps import SEVERITIES, RulesOption, app, examples, load
from switchadvisor.errors import ExitCode, InputError
from switchadvisor.paths import input_file, same_file, shown

if TYPE_CHECKING:
    from switchadvisor.batch import BatchAssessor

# ruff: noqa: UP045

_OUTPUT_BUFFER = 1 << 20
"""Bytes of output held before a file is written to (1 MiB)."""

_PROGRESS_EVERY = 2000
"""Records between progress updates (on a terminal only)."""


@app.command(epilog=examples(
    "switchadvisor batch records.jsonl > results.jsonl",
    "cat records.jsonl | switchadvisor batch - --detail full",
    "switchadvisor batch records.jsonl --fail-on critical -q",
    "switchadvisor batch records.jsonl --format cds-hooks",
))
def batch(
    file: Annotated[str, typer.Argument(
        metavar="[FILE|-]", help="JSON Lines (or a JSON array) of records; - or none: stdin.")
    ] = "-",
    output: Annotated[Optional[str], typer.Option(
        "--output", "-o", metavar="FILE", help="Write the records to FILE instead of stdout.")
    ] = None,
    detail: Annotated[Optional[str], typer.Option(
        "--detail", metavar="LEVEL",
        help="summary (verdict, washout, finding ids; the default) | full (the whole "
             "assessment). For --format json.")
    ] = None,
    fail_on: Annotated[Optional[str], typer.Option(
        "--fail-on", metavar="LEVEL",
        help="Exit 1 when any verdict reaches LEVEL (info | warning | critical).")] = None,
    strict: Annotated[bool, typer.Option(
        "--strict", help="With --fail-on, also count the worst severity still possible.")
    ] = False,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="No summary or progress on stderr.")] = False,
    # qa-pipe: CDS Hooks cards per record (issue 10, item 6)
    format_: Annotated[str, typer.Option(
        "--format", "-f", metavar="FORMAT",
        help="json (the assessment, as --detail says) | cds-hooks (a CDS Hooks response "
             "per record, its line and id under extension.switchadvisor).")] = "json",
    rules: RulesOption = None,
) -> None:
    """Assess many switches: one JSON record per input record, in order, streamed.

    Each input line is an object with `from`, `to`, an optional `id` and any facts under the
    names of `check`'s options (`lymphocytes`, `weeks_since_stop` or `weeks-since-stop`, and so on).
    A bad record gives an error record and the batch goes on. Exit 0 when every record was
    assessed, 2 when any was invalid, 1 when --fail-on was reached.
    """
    from switchadvisor.batch import BatchAssessor, Detail, RecordFormat, read_records
    from switchadvisor.facts import parse_choice

    record_format = RecordFormat(parse_choice(format_, option="--format",
                                              choices=("json", "cds-hooks")))
    if detail is not None and record_format is RecordFormat.CDS_HOOKS:
        raise InputError("--detail applies to --format json only (CDS Hooks cards are built "
                         "from the full assessment)", option="--detail")
    level = Detail(parse_choice(detail or "summary", option="--detail",
                                choices=("summary", "full")))
    threshold = (parse_choice(fail_on, option="--fail-on", choices=SEVERITIES)
                 if fail_on is not None else None)
    if strict and threshold is None:
        raise InputError("--strict only has a meaning with --fail-on", option="--strict")
    if output is not None and file != "-" and same_file(file, output):
        raise InputError(f"--output: {shown(output)} is the input FILE: it would be emptied "
                         "before it is read", option="--output", code="unwritable-file",
                         accepted="a file other than the input")
    rulebase = load(rules)
    assessor = BatchAssessor(rulebase, detail=level, format=record_format)
    source = _open_input(file)
    target = _utf8_stdout() if output is None else _open_output(output)
    progress = not quiet and sys.stderr.isatty()
    start = time.perf_counter()
    count = 0
    try:
        write = target.write
        for number, text in read_records(source):
            write(assessor.assess_line(text, number).text + "\n")  # one call, not two
            count += 1
            if progress and count % _PROGRESS_EVERY == 0:
                _progress(count, start)
        target.flush()
    finally:
        if source is not sys.stdin:
            source.close()
        if target is not sys.stdout:
            target.close()
    if progress:
        sys.stderr.write("\r\033[K")
    if not quiet:
        _report(assessor, count, time.perf_counter() - start)
    raise typer.Exit(_exit_code(assessor, threshold, strict=strict))


def _open_input(file: str) -> TextIO:
    if file == "-":
        if _is_terminal(sys.stdin):  # a person, not a pipe: say what is awaited
            print("switchadvisor batch: reading JSON Lines records from the terminal "
                  "(Ctrl-D to end)", file=sys.stderr)
        reconfigure = getattr(sys.stdin, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")
        return sys.stdin
    input_file(file, "FILE")
    try:
        return open(file, encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError(f"FILE: cannot read {shown(file)}: {exc.strerror}", option="FILE",
                         code="unreadable-file") from None


def _utf8_stdout() -> TextIO:
    """stdout, writing UTF-8 whatever the locale (the records carry µ, ×, ⁹)."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        with contextlib.suppress(ValueError, OSError):  # a stream that cannot change
            reconfigure(encoding="utf-8")
    return sys.stdout


def _open_output(path: str) -> TextIO:
    try:
        # a file is read when the batch ends: written in large blocks, fewer system calls
        output = open(path, "w", encoding="utf-8", newline="\n",  # noqa: SIM115 - batch closes it
                      buffering=_OUTPUT_BUFFER)
    except OSError as exc:
        raise InputError(f"--output: cannot write {shown(path)}: {exc.strerror}",
                         option="--output", code="unwritable-file") from None
    with contextlib.suppress(AttributeError, ValueError):  # how much text is encoded at once
        output._CHUNK_SIZE = _OUTPUT_BUFFER // 16  # type: ignore[attr-defined]
    return output


def _progress(count: int, start: float) -> None:
    rate = count / max(time.perf_counter() - start, 1e-9)
    sys.stderr.write(f"\r{count:,} records ({rate:,.0f}/s)…")
    sys.stderr.flush()


def _report(assessor: BatchAssessor, count: int, seconds: float) -> None:
    verdicts = ", ".join(f"{assessor.verdicts[level]} {level}" for level in SEVERITIES)
    rate = count / seconds if seconds > 0 else 0.0
    print(f"switchadvisor batch: {count} record{'' if count == 1 else 's'}: "
          f"{count - assessor.errors} assessed "
          f"({verdicts}), {assessor.errors} invalid; {rate:,.0f} records/s",
          file=sys.stderr)


def _exit_code(assessor: BatchAssessor, threshold: str | None, *, strict: bool) -> int:
    if assessor.errors:
        return ExitCode.USAGE
    if threshold is None:
        return ExitCode.OK
    reached = assessor.worst if strict else assessor.verdicts
    rank = SEVERITIES.index(threshold)
    if any(reached[level] for level in SEVERITIES[rank:]):
        return ExitCode.FAIL_ON
    return ExitCode.OK


def _is_terminal(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except (OSError, ValueError):  # a closed stream
        return False
