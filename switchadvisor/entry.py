"""The console-script entry point: Ctrl-C is handled from its first instruction.

Importing the CLI (typer, pydantic, the models) takes a noticeable fraction of a second; an
interrupt during that time would otherwise print a KeyboardInterrupt traceback. So this
module imports nothing heavy: it installs a SIGINT handler that prints one line and exits
130, then imports the CLI and hands over to ``switchadvisor.cli.main``.

The cyclic garbage collector is off while the process starts: imports make only objects
that live until exit (modules, classes, the rule base), and collecting over and over while
they are made, then once more at exit, cost ``check --format json`` about 50 of its 310 ms
(measured with the pydantic models of November 2026). A command whose work is bounded
(``check``: one switch, or at most 200 for --what-if) runs with it off; every other command
gets it back, with what start-up made frozen (never scanned again), before it runs. At exit
everything is frozen, so the interpreter's last collections scan nothing: the operating
system frees the memory anyway. Only this console-script path does this: ``switchadvisor.cli``
used in-process leaves the collector as its caller set it.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
from types import FrameType

_INTERRUPTED = 130


def _interrupted(signum: int, frame: FrameType | None) -> None:
    try:
        os.write(2, b"switchadvisor: interrupted\n")
    finally:
        os._exit(_INTERRUPTED)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; an interrupt at any point is one line and exit 130."""
    collecting = gc.isenabled()
    gc.disable()
    try:  # noqa: SIM105 - contextlib would cost an import before the handler is in place
        signal.signal(signal.SIGINT, _interrupted)
    except ValueError:  # not the main thread: keep Python's default
        pass
    try:
        try:
            from switchadvisor.cli import main as cli_main
            from switchadvisor.cli.commands import keeps_collector_off
        except KeyboardInterrupt:  # pragma: no cover - only without the handler above
            sys.stderr.write("switchadvisor: interrupted\n")
            sys.exit(_INTERRUPTED)
        args = sys.argv[1:] if argv is None else argv
        if collecting and not keeps_collector_off(args, os.environ):
            gc.freeze()
            gc.enable()
        cli_main(argv)
    except SystemExit:
        gc.freeze()  # exiting: nothing left is worth a collection
        raise
    finally:
        if collecting:
            gc.enable()


if __name__ == "__main__":
    main()
