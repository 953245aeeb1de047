"""What a story page used, as a reader's list of sources with links (the page's "Sources" section).

A page learns what it used from three records the build already keeps, so a notebook declares
nothing extra:

* **charts**: the rows of each chart's data (``fig.layout.meta["frstory"]["data"]``) that carry an
  http(s) ``source_url`` (the events a timeline marks, for example) and the chart's own
  ``source_url``;
* **claims files** the notebook read (the kernel's read log, kind ``claims``): every claim with
  its article and the source the desk checked it against;
* **datasets** the notebook read: the curated files (published with the site) and, for prices,
  the original copies named in a Frictionless ``datapackage.json`` (``resources[].sources``).

Only http(s) links are kept (:func:`http_url`); everything else is shown as text. The templates
escape every value.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from frstory.publish.escaping import plain_text

__all__ = ["http_url", "link_text", "chart_sources", "claim_sources", "dataset_sources", "page_sources"]

_HTTP_URL = re.compile(r"^https?://[^\s<>\"'`]+$", re.IGNORECASE)
#: Columns of a chart's data whose rows are sources: the URL, then the text shown for it.
URL_COLUMN = "source_url"
TEXT_COLUMNS = ("headline", "title", "label", "claim")
#: At most this many sources listed for one chart (a chart of thousands of linked rows would
#: bury the page; the chart's CSV still has all of them).
MAX_PER_CHART = 500


def http_url(value: Any) -> str:
    """``value`` when it is an absolute http(s) URL, else ``""`` (no ``javascript:``, no paths).

    Examples
    --------
    >>> http_url("https://example.org/a?b=1"), http_url("javascript:alert(1)"), http_url(None)
    ('https://example.org/a?b=1', '', '')
    """
    text = str(value or "").strip()
    return text if _HTTP_URL.match(text) else ""


def link_text(url: str) -> str:
    """The site a URL points to, as a reader names it (``www.`` dropped).

    Examples
    --------
    >>> link_text("https://www.example.org/news/1")
    'example.org'
    """
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def chart_sources(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[dict]:
    """The rows of a chart's data that link to a source: ``{"date", "when", "text", "url", "site"}`` each.

    Rows without an http(s) ``source_url`` are skipped; a row repeated (same URL, text and date)
    is listed once.

    Examples
    --------
    >>> chart_sources(["date", "headline", "source_url"],
    ...               [["2020-01-02", "A thing", "https://www.example.org/a"], ["2020-01-03", "B", None]])
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'date': '2020-01-02', 'when': '2 January 2020', 'text': 'A thing', 'url': 'https://www.example.org/a',
      'site': 'example.org'}]
    """
    columns = [str(c) for c in columns]
    if URL_COLUMN not in columns:
        return []
    at = {name: i for i, name in enumerate(columns)}
    text_at = next((at[c] for c in TEXT_COLUMNS if c in at), None)
    found: list[dict] = []
    seen: set[tuple[str, str, str]] = set()
    for row in rows:
        url = http_url(row[at[URL_COLUMN]])
        if not url:
            continue
        text = str(row[text_at] or "").strip() if text_at is not None else ""
        date = str(row[at["date"]] or "")[:10] if "date" in at else ""
        # Two events with one source and one headline on different days are two entries (a council
        # that votes twice); the same event repeated in a chart's rows is listed once.
        key = (url, text, date)
        if key in seen:
            continue
        seen.add(key)
        precision = str(row[at["date_precision"]] or "day") if "date_precision" in at else "day"
        found.append({"date": date, "when": _when(date, precision), "text": text or link_text(url), "url": url,
                      "site": link_text(url)})
        if len(found) >= MAX_PER_CHART:
            break
    return sorted(found, key=lambda s: (s["date"], s["text"]))


def _when(iso: str, precision: str) -> str:
    """A row's date as prose writes it (``10 June 2020``, ``June 2020`` when only the month is known)."""
    from frstory import prose  # the one owner of dates in words

    try:
        return prose.date(iso, precision="month" if precision == "month" else "day")
    except Exception:  # a date the chart kept as text is shown as it is
        return iso


def _read_csv(path: Path) -> list[dict]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error):
        return []


def claim_sources(path: Path) -> list[dict]:
    """Every claim of a claims file (``frstory.load_claims``'s columns) with its article and source.

    Returns ``{"claim", "publication", "article_title", "article_url", "verdict", "source_url",
    "source_site"}`` per claim; URLs that are not http(s) become ``""``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "claims.csv"
    >>> _ = p.write_text("claim,publication,article_url,editorial_verdict,source_url\\n"
    ...                  "X rose,Paper,javascript:x,confirmed,https://example.org/s\\n")
    >>> claim_sources(p)[0]["source_url"], claim_sources(p)[0]["article_url"]
    ('https://example.org/s', '')
    """
    claims = []
    for row in _read_csv(path):
        text = (row.get("claim") or "").strip()
        if not text:
            continue
        claims.append({
            "claim": text,
            "publication": (row.get("publication") or "").strip(),
            "article_title": (row.get("article_title") or "").strip(),
            "article_url": http_url(row.get("article_url")),
            "verdict": (row.get("editorial_verdict") or "").strip(),
            "source_url": http_url(row.get("source_url")),
        })
        claims[-1]["source_site"] = link_text(claims[-1]["source_url"]) if claims[-1]["source_url"] else ""
    return claims


def dataset_sources(datapackage: Path, tickers: Iterable[str] = ()) -> list[dict]:
    """The original sources of a Frictionless data package's resources: ``{"title", "url", "of"}``.

    Only resources of the given tickers (``resources[].frstory.ticker`` or the resource name) are
    listed when ``tickers`` is not empty. A source path that is not an http(s) URL is kept as text.

    Examples
    --------
    >>> import tempfile, pathlib, json
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "datapackage.json"
    >>> _ = p.write_text(json.dumps({"resources": [{"name": "syna", "frstory": {"ticker": "SYNA"},
    ...     "sources": [{"title": "A copy", "path": "https://example.org/SYNA.csv"}]}]}))
    >>> dataset_sources(p, ["SYNA"])
    [{'title': 'A copy', 'url': 'https://example.org/SYNA.csv', 'of': 'SYNA'}]
    """
    try:
        package = json.loads(datapackage.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    wanted = {str(t) for t in tickers}
    found: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for resource in package.get("resources", []) if isinstance(package, dict) else []:
        if not isinstance(resource, dict):
            continue
        extra = resource.get("frstory") if isinstance(resource.get("frstory"), dict) else {}
        of = str(extra.get("ticker") or resource.get("name") or "")
        if wanted and of not in wanted:
            continue
        for source in resource.get("sources") or []:
            if not isinstance(source, dict):
                continue
            title, url = str(source.get("title") or "").strip(), http_url(source.get("path"))
            if (of, url or title) in seen or not (title or url):
                continue
            seen.add((of, url or title))
            found.append({"title": title or link_text(url), "url": url, "of": of})
    return found


def _plain_text(body_html: str) -> str:
    """The words of a page body, tags dropped, entities decoded, runs of white space made one space."""
    return " ".join(plain_text(body_html, tags_as=" ").split())


def page_sources(figures: Sequence[dict], reads: Sequence[dict], prices: Sequence[dict],
                 body_html: str | None = None) -> dict:
    """Everything one page's "Sources" section lists.

    Parameters
    ----------
    figures : sequence of dict
        The renderer's figure records (``number``, ``title``, ``sources``, ``source``, ``source_url``).
    reads : sequence of dict
        The kernel's read log (``kind``, ``path``, ...): claims files and data packages are opened
        here (their bytes were checked against the log's checksum when they were published).
    prices : sequence of dict
        The price provenance rows (``ticker`` each): which resources of a data package to list.
    body_html : str, optional
        The page body. A claims file holds every claim a desk checked, most of them about other
        stories; with the body, ``claims`` are the claims the page quotes and ``other_claims`` the
        rest of the files it read (without it every claim is in ``claims``).

    Returns
    -------
    dict
        ``charts`` (per chart: number, title, source, source_url, sources), ``claims``,
        ``other_claims``, ``datasets`` and ``count`` (links listed).

    Examples
    --------
    >>> page_sources([{"number": 1, "title": "T", "sources": [], "source": "S",
    ...                "source_url": "https://example.org"}], [], [])["count"]
    1
    """
    charts = [
        {"number": f.get("number"), "title": f.get("title") or f"Chart {f.get('number')}",
         "source": f.get("source") or "", "source_url": http_url(f.get("source_url")),
         "sources": list(f.get("sources") or [])}
        for f in figures if f.get("sources") or http_url(f.get("source_url"))
    ]
    claims: list[dict] = []
    datasets: list[dict] = []
    tickers = [str(p.get("ticker")) for p in prices if p.get("ticker")]
    # Readers see the name a price row carries (recorded where the story registered it), not the ticker.
    labels = {str(p.get("ticker")): str(p.get("label") or p.get("name") or p.get("ticker")) for p in prices
              if p.get("ticker")}
    for read in reads:
        path = Path(str(read.get("path", "")))
        if read.get("kind") == "claims" and path.is_file():
            claims.extend(claim_sources(path))
        elif path.name == "datapackage.json" and path.is_file():
            datasets.extend({**d, "of": labels.get(d["of"], d["of"])} for d in dataset_sources(path, tickers))
    other_claims: list[dict] = []
    if body_html is not None:
        # A claim counts as the page's when its words appear on the page (a fact-check table, a quote).
        shown = _plain_text(body_html)
        quoted = [c for c in claims if " ".join(c["claim"].split()) in shown]
        other_claims = [c for c in claims if c not in quoted]
        claims = quoted
    count = sum(len(c["sources"]) + bool(c["source_url"]) for c in charts)
    count += sum(bool(c["article_url"]) + bool(c["source_url"]) for c in [*claims, *other_claims])
    count += sum(bool(d["url"]) for d in datasets)
    return {"charts": charts, "claims": claims, "other_claims": other_claims, "datasets": datasets, "count": count}
