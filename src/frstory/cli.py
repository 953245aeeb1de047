"""The ``frstory`` command line.

Each command family registers its own sub-commands (``frstory.data.commands``,
``frstory.publish.commands``) so this file stays a thin dispatcher.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from frstory import __version__
from frstory.errors import FrstoryError


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    from frstory.data import commands as data_commands
    from frstory.publish import commands as publish_commands

    parser = argparse.ArgumentParser(
        prog="frstory",
        description="Data stories from a sourced event timeline and cached market data.",
    )
    parser.add_argument("--version", action="version", version=f"frstory {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    data_commands.register(sub)
    publish_commands.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``frstory`` console script; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except FrstoryError as exc:
        # Our own errors carry their fix; a traceback would only bury it.
        print(f"frstory: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader went away (e.g. `frstory data status | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
