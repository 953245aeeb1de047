"""``frstory build`` and ``frstory new`` sub-commands."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the publishing commands to the top-level parser."""
