"""``frstory new SLUG``: start a story notebook that already builds.

Creates ``notebooks/NN-SLUG.ipynb`` and its jupytext pair ``notebooks/NN-SLUG.py`` (percent
format) with the story metadata (title, dek, byline, date, synthetic) in both, a papermill
``parameters`` cell, ``import frstory as fr``, one chart and a sentence with an inline
expression. By default the scaffold is a real story: it loads real prices (``fr.load_prices``)
and the curated event timeline. ``synthetic=True`` (``frstory new --synthetic``) makes an
example on made-up data that runs anywhere and is published under "Synthetic example data".

The title made from the slug and the dek are placeholders: ``frstory build`` warns until the
author replaces them.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

from frstory.errors import FrstoryError

__all__ = ["SLUG_PATTERN", "PLACEHOLDER_DEK", "placeholder_title", "new_story"]

#: The dek a scaffold starts with; the build warns while a story still carries it.
PLACEHOLDER_DEK = "One sentence that tells the reader what they will learn."

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NUMBERED = re.compile(r"^(\d{2,})-(.+)$")

_CHART_CELL = '''\
# frstory.charts draws newsroom charts with the house style and their furniture (title, source,
# alt text and the data behind "Get the data"). Until it is installed, a plain plotly chart with
# the same furniture stands in, so this notebook always builds.
try:
    from frstory.charts import price_with_events
except ImportError:
    price_with_events = None

TITLE = f"{ticker} closing price, {fr.prose.date_range(start, end)}"
SUBTITLE = "Dotted lines mark events on the timeline"
NOTES = __NOTES__
if price_with_events is not None:
    fig = price_with_events(story_prices, events, title=TITLE, subtitle=SUBTITLE, source=SOURCE, notes=NOTES)
else:
    import plotly.graph_objects as go

    fig = go.Figure(go.Scatter(x=story_prices["date"], y=story_prices["close"], mode="lines", name=ticker))
    shown = events[events["date"].between(start, end)]
    for day in shown["date"]:
        fig.add_vline(x=day, line_width=1, line_dash="dot", line_color="#888")
    fig.update_layout(
        template="simple_white",
        yaxis_title="Closing price (USD)",
        meta={"frstory": {
            "kind": "price_with_events",
            "title": TITLE,
            "subtitle": SUBTITLE,
            "source": SOURCE,
            "notes": NOTES,
            "alt": f"Line chart of {ticker}'s daily closing price with {len(shown)} event dates marked.",
            "data": {
                "columns": ["date", "ticker", "close"],
                "rows": [[d.strftime("%Y-%m-%d"), ticker, float(c)]
                         for d, c in zip(story_prices["date"], story_prices["close"])],
            },
        }},
    )
fig
'''


def placeholder_title(slug: str) -> str:
    """The title a scaffold gets from its slug when none is given (a placeholder).

    Examples
    --------
    >>> placeholder_title("city-budget-vote")
    'City budget vote'
    """
    return slug.replace("-", " ").capitalize()


def _cells(synthetic: bool):
    import nbformat

    new_md, new_code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    ticker = "SYNA" if synthetic else "SPY"
    parameters = new_code(
        f"# Parameters: build another page with frstory build THIS.ipynb -p ticker {'SYNB' if synthetic else 'QQQ'}\n"
        f'ticker = "{ticker}"\n'
        'start = "2020-05-01"\n'
        'end = "2020-07-31"\n'
    )
    parameters.metadata["tags"] = ["parameters"]
    if synthetic:
        load = new_code(
            "import frstory as fr\n\n"
            'SOURCE = "Synthetic example data (frstory.examples)"\n\n'
            "# Made-up prices and events, so this example runs anywhere.\n"
            "prices = fr.synthetic_prices([ticker], start, end)\n"
            "events = fr.synthetic_events()\n"
            "# The story's own rows (the made-up market index comes with them).\n"
            'story_prices = prices[prices["ticker"] == ticker]\n'
            "last = story_prices.iloc[-1]"
        )
        notes = "Synthetic example data, not real market data."
    else:
        load = new_code(
            "import frstory as fr\n\n"
            'SOURCE = "Yahoo Finance (daily closing prices); the desk\'s event timeline"\n\n'
            "# Real data: prices from the price cache (frstory data pull fetches them), events from\n"
            "# the curated timeline. Both are listed in the page's methods box with their hashes.\n"
            "prices = fr.load_prices([ticker], start, end)\n"
            "events = fr.load_events()\n"
            'story_prices = prices[prices["ticker"] == ticker]\n'
            "last = story_prices.iloc[-1]"
        )
        notes = ""
    return [
        new_md(
            "Write the top of the story here: what happened, why it matters, and the one number a "
            "reader should remember. Keep code out of the prose; every chart below links to its data."
        ),
        parameters,
        load,
        new_md(
            "## What the prices did\n\n"
            "Describe the chart in words: readers who skip it still get the point. Numbers come from "
            "the analysis as inline expressions, in the house style of frstory.prose, e.g. the last "
            "close was `{python} fr.prose.money(last['close'])` on `{python} fr.prose.date(last['date'])`."
        ),
        new_code(_CHART_CELL.replace("__NOTES__", repr(notes)).rstrip("\n")),
    ]


def _write_new(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, failing if ``path`` already exists."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    try:
        os.link(tmp, path)  # fails with FileExistsError instead of overwriting
    except FileExistsError:
        raise FrstoryError(f"{path} already exists: frstory new never overwrites; choose another slug") from None
    except OSError:  # file systems without hard links
        if path.exists():
            raise FrstoryError(f"{path} already exists: frstory new never overwrites; choose another slug") from None
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def new_story(
    slug: str,
    notebooks_dir: str | os.PathLike | None = None,
    *,
    title: str | None = None,
    byline: str = "",
    today: date | None = None,
    synthetic: bool = False,
) -> tuple[Path, Path]:
    """Create ``NN-SLUG.ipynb`` and its jupytext ``NN-SLUG.py`` pair in ``notebooks_dir``.

    Parameters
    ----------
    slug : str
        Lower-case words joined by hyphens, e.g. ``"city-budget-vote"``.
    notebooks_dir : path-like, optional
        Default ``<repo>/notebooks``. Created when missing.
    title : str, optional
        Story title; default derived from the slug.
    byline : str
        Author(s) for the byline.
    today : datetime.date, optional
        The story date (default: today).
    synthetic : bool
        Scaffold an example on made-up data (published as "Synthetic example data") instead of
        a real story.

    Returns
    -------
    tuple of Path
        ``(notebook, py_pair)``.

    Raises
    ------
    FrstoryError
        For a slug that is not ``[a-z0-9]`` words joined by single hyphens, or when a story with
        this slug (under any number) or either target file already exists.

    Examples
    --------
    >>> import tempfile
    >>> nb, py = new_story("city-budget-vote", tempfile.mkdtemp())
    >>> nb.name, py.name
    ('01-city-budget-vote.ipynb', '01-city-budget-vote.py')
    """
    import jupytext
    import nbformat

    from frstory.publish.site import default_notebooks_dir

    if not isinstance(slug, str) or not SLUG_PATTERN.match(slug) or len(slug) > 60:
        raise FrstoryError(
            f"slug {slug!r} is not valid: use lower-case letters and digits joined by single hyphens, "
            "at most 60 characters, e.g. 'city-budget-vote'"
        )
    folder = Path(notebooks_dir) if notebooks_dir is not None else default_notebooks_dir()
    folder.mkdir(parents=True, exist_ok=True)
    numbers = []
    for existing in sorted(folder.iterdir()):
        match = _NUMBERED.match(existing.stem)
        if existing.suffix in {".ipynb", ".py"} and match:
            numbers.append(int(match.group(1)))
            if match.group(2) == slug:
                raise FrstoryError(f"a story with slug {slug!r} already exists: {existing}; choose another slug")
    stem = f"{max(numbers, default=0) + 1:02d}-{slug}"
    notebook_path, pair_path = folder / f"{stem}.ipynb", folder / f"{stem}.py"

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    # The filter keeps the story metadata in the .py pair, so it survives editing the .py alone.
    nb.metadata["jupytext"] = {"formats": "ipynb,py:percent", "notebook_metadata_filter": "frstory"}
    nb.metadata["frstory"] = {
        "title": title or placeholder_title(slug),
        "dek": PLACEHOLDER_DEK,
        "byline": byline,
        "date": (today or date.today()).isoformat(),
        "synthetic": bool(synthetic),
    }
    nb.cells = _cells(bool(synthetic))
    nbformat.validate(nb)
    _write_new(notebook_path, nbformat.writes(nb) + "\n")
    try:
        _write_new(pair_path, jupytext.writes(nb, fmt="py:percent"))
    except BaseException:
        notebook_path.unlink(missing_ok=True)
        raise
    return notebook_path, pair_path
