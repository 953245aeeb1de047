"""``frstory new SLUG``: start a story notebook that already builds.

Creates ``notebooks/NN-SLUG.ipynb`` and its jupytext pair ``notebooks/NN-SLUG.py`` (percent
format) with the story metadata (title, dek, byline, date, synthetic) in both, a papermill
``parameters`` cell, ``import frstory as fr``, one chart and a sentence with an inline
expression. By default the scaffold is a real story: it loads the project's own event timeline
(``data/events.csv`` of the project, see :func:`frstory.paths.project_root`) and real prices
(``fr.load_prices``); until the project has them, the build stops with an error naming the file
to add (and its header) or the prices to pull or import. ``synthetic=True`` (``frstory new
--synthetic``) makes an example on made-up data that runs anywhere and is published under
"Synthetic example data". ``frstory new`` also writes a commented ``frstory.toml`` into the
project folder (the notebooks folder's parent) when it has none (:func:`ensure_project_file`).

The title made from the slug (recorded as ``frstory.placeholder_title``), the dek and the body
paragraphs are placeholders: ``frstory build`` warns until the author replaces them.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

from frstory.errors import FrstoryError

__all__ = ["SLUG_PATTERN", "PLACEHOLDER_DEK", "PLACEHOLDER_PARAGRAPHS", "PLACEHOLDER_TITLE_KEY",
           "placeholder_title", "new_story", "ensure_project_file"]

#: The dek a scaffold starts with; the build warns while a story still carries it.
PLACEHOLDER_DEK = "One sentence that tells the reader what they will learn."
#: The metadata key (``frstory.placeholder_title``) where the scaffold records the title it made
#: from the slug: the build warns while ``frstory.title`` still equals it. An author who keeps
#: that title on purpose deletes the key.
PLACEHOLDER_TITLE_KEY = "placeholder_title"

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NUMBERED = re.compile(r"^(\d{2,})-(.+)$")

_CHART_CELL = '''\
from frstory.charts import price_with_events

# frstory.charts draws newsroom charts in the house style with their furniture: title, source,
# alt text and the data behind "Get the data".
fig = price_with_events(
    story_prices,
    events,
    names={ticker: name},
    title=f"{name} closing price, {fr.prose.date_range(start, end)}",
    subtitle="Dotted lines mark events on the timeline",
    source=SOURCE,__NOTES__
)
fig
'''

#: The scaffold's body paragraphs begin with these; the build warns while a page still has one.
PLACEHOLDER_PARAGRAPHS = (
    "Write the top of the story here:",
    "Describe the chart in words:",
)

#: The ``frstory.toml`` that ``frstory new`` writes where a project has none (see
#: :func:`frstory.paths.project_root`).
PROJECT_FILE_TEXT = '''\
# Site settings for `frstory build` (every key is optional). This file also marks the project:
# fr.load_events() and fr.load_claims() read data/events.csv and data/claims.csv next to it, and
# `frstory data lock` commits prices to data/market.
# title = "The Data Desk"
# description = "Stories from the data, every number traceable to its source."
# base_url = "https://example.org/stories/"   # canonical links, sitemap and embed codes
'''


def placeholder_title(slug: str) -> str:
    """The title a scaffold gets from its slug when none is given (a placeholder).

    Examples
    --------
    >>> placeholder_title("city-budget-vote")
    'City budget vote'
    """
    return slug.replace("-", " ").capitalize()


def _cells(synthetic: bool, notebook: str):
    import nbformat

    new_md, new_code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    # A made-up company is called by its made-up ticker; a real one by the name readers know.
    ticker, name = ("SYNA", "SYNA") if synthetic else ("SPY", "SPDR S&P 500 ETF")
    other = "-p ticker SYNB -p name SYNB" if synthetic else '-p ticker QQQ -p name "Invesco QQQ"'
    parameters = new_code(
        "# Parameters: build another page, from the project folder (where frstory.toml is), with\n"
        f"#   frstory build {notebook} {other}\n"
        f'ticker = "{ticker}"\n'
        f"name = {name!r}  # the name readers know: pages never show a raw ticker\n"
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
        notes = "Synthetic example data, not real data."
    else:
        load = new_code(
            "import frstory as fr\n\n"
            'SOURCE = "Yahoo Finance (daily closing prices); the desk\'s event timeline"\n\n'
            "# Real data, both listed in the page's methods box with their hashes: the project's event\n"
            "# timeline, data/events.csv next to frstory.toml (the error says which columns it needs), and\n"
            "# prices from the project's committed data or the price cache (`frstory data pull TICKER`\n"
            "# fetches them; `frstory data import DIR` reads CSV files, offline).\n"
            "events = fr.load_events()\n"
            "prices = fr.load_prices([ticker], start, end)\n"
            'story_prices = prices[prices["ticker"] == ticker]\n'
            "last = story_prices.iloc[-1]"
        )
        notes = ""
    return [
        new_md(
            f"{PLACEHOLDER_PARAGRAPHS[0]} what happened, why it matters, and the one number a "
            "reader should remember. Keep code out of the prose; every chart below links to its data."
        ),
        parameters,
        load,
        new_md(
            "## What the prices did\n\n"
            f"{PLACEHOLDER_PARAGRAPHS[1]} readers who skip it still get the point. Numbers come from "
            "the analysis as inline expressions, in the house style of frstory.prose, e.g. the last "
            "close was `{python} fr.prose.money(last['close'])` on `{python} fr.prose.date(last['date'])`."
        ),
        new_code(_CHART_CELL.replace("__NOTES__", f"\n    notes={notes!r}," if notes else "").rstrip("\n")),
    ]


def ensure_project_file(project_dir: str | os.PathLike) -> Path | None:
    """Write a commented ``frstory.toml`` into ``project_dir`` unless it has one; return it if written.

    The file marks the project (:func:`frstory.paths.project_root`), so a notebook run outside
    ``frstory build`` (in Jupyter, with the notebooks folder as working directory) reads the same
    ``data/`` as the build does.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> ensure_project_file(folder).name, ensure_project_file(folder)
    ('frstory.toml', None)
    """
    from frstory.paths import PROJECT_FILE

    path = Path(project_dir) / PROJECT_FILE
    if path.exists():
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        _write_new(path, PROJECT_FILE_TEXT)
    except FrstoryError:  # written meanwhile by someone else: theirs stands
        return None
    return path


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
        **({} if title else {PLACEHOLDER_TITLE_KEY: placeholder_title(slug)}),
        "dek": PLACEHOLDER_DEK,
        "byline": byline,
        "date": (today or date.today()).isoformat(),
        "synthetic": bool(synthetic),
    }
    nb.cells = _cells(bool(synthetic), f"{folder.name or '.'}/{stem}.ipynb")
    nbformat.validate(nb)
    _write_new(notebook_path, nbformat.writes(nb) + "\n")
    try:
        _write_new(pair_path, jupytext.writes(nb, fmt="py:percent"))
    except BaseException:
        notebook_path.unlink(missing_ok=True)
        raise
    return notebook_path, pair_path
