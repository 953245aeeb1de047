"""Helpers shared by the story specifications: how a story runs in a test, and how a reader reads it."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = ROOT / "notebooks"
COMMITTED_MARKET = ROOT / "data" / "market"
if str(NOTEBOOKS_DIR) not in sys.path:
    sys.path.insert(0, str(NOTEBOOKS_DIR))  # the story's own package, beside its notebooks

_SHARED_CACHE: list[Path] = []


def story_environment(tmp_path_factory) -> pytest.MonkeyPatch:
    """Environment of a story run: the committed market data, as a fresh clone has it, and one empty
    price cache of the test session's own (never the developer's). Call ``.undo()`` when done."""
    if not _SHARED_CACHE:
        _SHARED_CACHE.append(tmp_path_factory.mktemp("story-cache"))
    mp = pytest.MonkeyPatch()
    mp.setenv("FRSTORY_COMMITTED_DATA", str(COMMITTED_MARKET))
    mp.setenv("FRSTORY_DATA_DIR", str(_SHARED_CACHE[0]))
    return mp


def reader_paragraphs(nb) -> list[str]:
    """The Markdown cells as a reader reads them: tags, Markdown escapes and line breaks gone."""
    out = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for block in re.split(r"\n\s*\n", cell.source):
            text = re.sub(r"<[^>]+>", "", block)
            text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)
            text = " ".join(text.split()).replace("&amp;", "&")
            if text:
                out.append(text)
    return out


def reader_text(nb) -> str:
    return " ".join(reader_paragraphs(nb))


def lede(nb) -> str:
    """The findings paragraph: the first paragraph that opens in bold."""
    return next(p for p in reader_paragraphs(nb) if p.startswith("**"))


def lede_and_next(nb) -> str:
    """The findings paragraph and the one after it."""
    paragraphs = reader_paragraphs(nb)
    i = paragraphs.index(lede(nb))
    return " ".join(paragraphs[i:i + 2])
