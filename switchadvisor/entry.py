"""The console-script entry point: Ctrl-C is handled from its first instruction.

Importing the CLI (typer, pydantic, the models) takes a noticeable fraction of a second; an
interrupt during that time would otherwise print a KeyboardInterrupt traceback. So this
module imports nothing heavy: it installs a SIGINT handler that prints one line and exits
130, then imports the CLI and hands over to ``switchadvisor.cli.main``.
"""

from __future__ import annotations

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
    try:  # noqa: SIM105 - contextlib would cost an import before the handler is in place
        signal.signal(signal.SIGINT, _interrupted)
    except ValueError:  # not the main thread: keep Python's default
        pass
    try:
        from switchadvisor.cli import main as cli_main
    except KeyboardInterrupt:  # pragma: no cover - only without the handler above
        sys.stderr.write("switchadvisor: interrupted\n")
        sys.exit(_INTERRUPTED)
    cli_main(argv)


if __name__ == "__main__":
    main()
