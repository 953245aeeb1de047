"""``frstory data ...`` sub-commands (import, status, pull)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``data`` command family to the top-level parser."""
    data = sub.add_parser("data", help="manage the price cache (import, status, pull)")
    data.set_defaults(func=lambda args: data.print_help() or 2)
