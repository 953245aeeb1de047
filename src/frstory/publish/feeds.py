"""The site's Atom feed (feedgen), its sitemap and its search index (Pagefind).

* ``feed.xml``: one entry per published story, newest story date first, in the site's language
  (``xml:lang``); a story written in another says so on its entry. Atom wants an absolute
  IRI as each ``id``: with a base URL the ids and links are the pages' canonical URLs; without
  one the links are relative (RFC 4287 resolves them against the feed's own address) and the ids
  are stable ``urn:uuid:`` names made from the site title and page slug.
* ``sitemap.xml``: sitemaps.org requires fully qualified URLs, so it is written only when the site
  has a base URL (``frstory build --base-url URL`` or ``base_url`` in frstory.toml); the build
  says when it left it out.
* ``pagefind/``: a static search index over every story's body, built by the Pagefind binary
  (PyPI ``pagefind[extended]``); without it the build leaves search out and says so.
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Sequence
from datetime import datetime, time, timezone
from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import escape

__all__ = ["page_url", "atom_feed", "sitemap", "pagefind_binary", "build_search_index"]

FEED_FILE = "feed.xml"
SITEMAP_FILE = "sitemap.xml"
SEARCH_DIR = "pagefind"


def page_url(base_url: str, page: str) -> str:
    """A page's address: absolute under ``base_url`` (ending in ``/``), else the page itself.

    Examples
    --------
    >>> page_url("https://example.org/stories/", "01-a.html"), page_url("", "01-a.html")
    ('https://example.org/stories/01-a.html', '01-a.html')
    """
    return f"{base_url}{page}" if base_url else page


def _entry_id(base_url: str, site_title: str, slug: str, page: str) -> str:
    if base_url:
        return page_url(base_url, page)
    # A name that stays the same from build to build, so feed readers do not show a story twice.
    return uuid.uuid5(uuid.NAMESPACE_URL, f"frstory:{site_title}:{slug}").urn


def _story_time(story: dict, built_at: datetime) -> datetime:
    when = getattr(story["meta"], "date", None)
    if when:
        return datetime.combine(datetime.fromisoformat(when).date(), time(0), tzinfo=timezone.utc)
    return built_at


def _entry_language() -> type:
    """A feedgen entry extension that gives an entry its own ``xml:lang`` (feedgen sets it on the feed only)."""
    from feedgen.ext.base import BaseEntryExtension

    class EntryLanguage(BaseEntryExtension):
        lang = ""

        def extend_atom(self, entry):  # noqa: ANN001, ANN201 - feedgen's lxml element
            if self.lang:
                entry.set("{http://www.w3.org/XML/1998/namespace}lang", self.lang)
            return entry

    return EntryLanguage


def atom_feed(stories: Sequence[dict], *, site_title: str, site_description: str, base_url: str,
              built_at: datetime, site_lang: str = "en") -> bytes:
    """The Atom feed of the published stories (unavailable pages are left out).

    Parameters
    ----------
    stories : sequence of dict
        Index cards: ``meta`` (:class:`~frstory.publish.render.StoryMeta`), ``page`` (URL-quoted
        file name), ``slug`` and ``unavailable``.
    site_title, site_description : str
        The feed's title and subtitle.
    base_url : str
        ``""`` or the site's address ending in ``/``.
    built_at : datetime
        The feed's ``updated`` time (``SOURCE_DATE_EPOCH`` when set, so builds are reproducible).
    site_lang : str
        The language the site's title and description are written in (a BCP 47 tag): the feed's
        ``xml:lang``. An entry whose story is in another (``StoryMeta.lang``) carries its own.

    Examples
    --------
    >>> from frstory.publish.render import StoryMeta
    >>> xml = atom_feed([{"meta": StoryMeta("A <b>", date="2020-06-10"), "page": "01-a.html", "slug": "01-a",
    ...                   "unavailable": False}], site_title="Desk", site_description="News",
    ...                  base_url="https://example.org/", built_at=datetime(2020, 6, 11, tzinfo=timezone.utc))
    >>> b"<title>A &lt;b&gt;</title>" in xml, b'href="https://example.org/01-a.html"' in xml, b'xml:lang="en"' in xml
    (True, True, True)
    """
    from feedgen.feed import FeedGenerator

    feed = FeedGenerator()
    feed.id(base_url or uuid.uuid5(uuid.NAMESPACE_URL, f"frstory:{site_title}").urn)
    feed.title(site_title)
    feed.subtitle(site_description or site_title)
    feed.link(href=page_url(base_url, "index.html"), rel="alternate")
    feed.link(href=page_url(base_url, FEED_FILE), rel="self")
    feed.language(site_lang or "en")
    entry_language = _entry_language()
    feed.updated(built_at)
    feed.generator("frstory")
    published = [s for s in stories if not s.get("unavailable") and s.get("page")]
    # feedgen lists entries in the reverse order of adding them: add oldest first.
    for story in sorted(published, key=lambda s: (_story_time(s, built_at), s["slug"])):
        meta = story["meta"]
        entry = feed.add_entry()
        lang = getattr(meta, "lang", "") or ""
        if lang and lang != (site_lang or "en"):
            entry.register_extension("frstory_lang", entry_language, atom=True, rss=False)
            entry.frstory_lang.lang = lang
        entry.id(_entry_id(base_url, site_title, story["slug"], story["page"]))
        entry.title(meta.title)
        entry.link(href=page_url(base_url, story["page"]), rel="alternate")
        if meta.dek:
            entry.summary(meta.dek)
        if meta.byline:
            entry.author({"name": meta.byline})
        moment = _story_time(story, built_at)
        entry.published(moment)
        entry.updated(moment)
    if not any(s["meta"].byline for s in published):
        feed.author({"name": site_title})  # Atom needs an author on the feed or on every entry
    return feed.atom_str(pretty=True)


def sitemap(pages: Sequence[str], base_url: str, built_at: datetime) -> str:
    """A sitemaps.org ``urlset`` of ``pages`` (URL-quoted file names) under ``base_url``.

    Examples
    --------
    >>> print(sitemap(["index.html"], "https://example.org/", datetime(2020, 1, 2, tzinfo=timezone.utc)))
    ... # doctest: +NORMALIZE_WHITESPACE
    <?xml version="1.0" encoding="UTF-8"?>
    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url><loc>https://example.org/index.html</loc><lastmod>2020-01-02</lastmod></url>
    </urlset>
    """
    if not base_url:
        raise ValueError("a sitemap needs the site's base URL: its addresses must be absolute")
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    # Written by hand: the format is four elements; the only data, the URLs, are XML-escaped.
    for page in pages:
        lines.append(f"<url><loc>{escape(page_url(base_url, quote(page, safe='%/')))}</loc>"
                     f"<lastmod>{built_at.date().isoformat()}</lastmod></url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def pagefind_binary() -> Path | None:
    """The Pagefind executable of the installed ``pagefind`` package, or ``None``.

    Examples
    --------
    >>> pagefind_binary() is None or pagefind_binary().is_file()
    True
    """
    try:
        from pagefind.service import get_executable
    except ImportError:
        return None
    try:
        binary = get_executable()
    except Exception:  # the wrapper found no binary package for this platform
        return None
    return binary if binary is not None and Path(binary).is_file() else None


def build_search_index(site: Path, binary: Path, timeout: float = 300) -> str | None:
    """Index the pages of ``site`` into ``site/pagefind/``; ``None`` on success, else what went wrong."""
    try:
        # Folded code and chart data are not what readers search for.
        result = subprocess.run([str(binary), "--site", str(site), "--output-subdir", SEARCH_DIR,
                                 "--exclude-selectors", "details.fr-code", "--exclude-selectors", "script"],
                                capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"the Pagefind binary could not run ({type(exc).__name__})"
    if result.returncode != 0:
        last = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no message"]
        return f"Pagefind failed ({last[0][:200]})"
    return None
