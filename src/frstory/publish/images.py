"""Build-time static images of every chart: shown at once, downloadable, printable, shareable.

For chart ``n`` (1-based order on the page) of page ``stem`` the site gets::

    img/<stem>/chart-<n>.svg, .png         the chart with its furniture (title, subtitle, source,
                                            notes) and alt text (charts.export: SVG <title>/<desc>,
                                            PNG text chunks); for downloads, print and social cards
    img/<stem>/chart-<n>-<w>.svg            the plot alone as the page lays it out at ``w`` px
    img/<stem>/chart-<n>-<w>-dark.svg       the same in the dark house style
                                            (``.png`` at 2x for a page's first chart, which
                                            shows sooner; see :func:`stand_in_format`)

The plot-only images stand in for the interactive chart until ``frstory.js`` hydrates it (and
for good with JavaScript off): the page shows them in a ``<picture>`` that picks the phone or
the wide layout and the light or dark scheme.

All images of a build are drawn in ONE headless browser (kaleido), started on the first image
the cache does not hold: starting it costs seconds, each image then a fraction of one. Images
are cached by content (the exact figure JSON drawn, size, format, plotly version) in
``<build cache>/images``, so an unchanged chart is never drawn again. Without a usable browser
the build still succeeds: charts simply have no static image, and the page's warnings say which.

Each of frstory's charts is drawn three times, as SVG (with its furniture, and the plot at the
two widths); its other images are made from those: the PNGs are the SVGs painted on a canvas (as
plotly.js paints its own PNGs) and the dark stand-ins are the light ones with the house colours
swapped (:func:`frstory.charts.theme.dark_svg`). They are the same bytes as drawing each (specs in
``tests/test_charts_gallery.py`` compare every gallery chart). Other plotly figures have every
image drawn.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import html
import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frstory.publish.escaping import plain_text

__all__ = ["ChartImages", "PageCharts", "PHONE_WIDTH", "static_widths"]

#: Width of the phone layout of the stand-in images (fits 320-560 px screens once scaled).
PHONE_WIDTH = 350
#: Below this viewport width the page shows the phone image.
PHONE_MEDIA = "(max-width: 559px)"
#: Width the furniture images are drawn at when the chart does not say.
DEFAULT_WIDTH = 800
#: Bump to redraw every cached image (a change of how images are made that the key cannot see).
_FORMAT_VERSION = "2"
_SCRIPT = re.compile(r'<script\b[^>]*\bdata-fr-figure="(fr-fig-(\d+))"[^>]*>(.*?)</script>', re.S)
_SECONDS_PER_IMAGE = 120
#: Browser tabs (kaleido ``n``); see :class:`_Browser`.
_TABS = 1


def stand_in_format(number: int) -> str:
    """The format of chart ``number``'s stand-in images: PNG for a page's first chart, SVG after.

    A PNG shows at once; Chromium parses an SVG image as a document of its own, 0.3-0.4 s for a
    six-panel chart on a 4x-throttled phone, which made such a first chart miss 1 s. Later
    charts keep the lighter, sharper SVG: they load lazily, as the reader nears them.

    Examples
    --------
    >>> stand_in_format(1), stand_in_format(2)
    ('png', 'svg')
    """
    return "png" if number == 1 else "svg"


def static_widths(figure: dict) -> list[int]:
    """The widths the page's stand-in images are drawn at: the phone width and the chart's own.

    Examples
    --------
    >>> static_widths({"layout": {"meta": {"frstory": {"width": 800}}}})
    [350, 800]
    >>> static_widths({"layout": {}})
    [350, 800]
    """
    return sorted({PHONE_WIDTH, design_width(figure)})


def design_width(figure: dict) -> int:
    """The width a chart was made for (``layout.meta.frstory.width``), else 800 px."""
    layout = figure.get("layout") or {}
    info = (layout.get("meta") or {}).get("frstory") if isinstance(layout.get("meta"), dict) else None
    width = (info or {}).get("width") if isinstance(info, dict) else None
    return int(width) if isinstance(width, (int, float)) and width >= 200 else DEFAULT_WIDTH


class _Browser:
    """One kaleido session (one headless Chromium) on an event loop of its own thread.

    kaleido's own ``start_sync_server`` is a process-wide singleton whose thread never ends when
    the browser is missing (the interpreter then hangs at exit), so the session is held here.
    """

    def __init__(self) -> None:
        import kaleido

        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="frstory-images", daemon=True)
        self._thread.start()
        # No MathJax: kaleido would fetch it from a CDN (the build is offline), and the charts
        # drawn here carry their math as text already (math.figure_math_to_text).
        self._kaleido = _kaleido_class(kaleido)(n=_TABS, mathjax=False)
        try:
            self._call(self._kaleido.open())
        except BaseException:
            self.close()
            raise

    def _call(self, coroutine, timeout: float = _SECONDS_PER_IMAGE):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def draw(self, figure: dict, fmt: str, width: int, height: int, scale: float) -> bytes:
        return self.draw_many([(figure, fmt, width, height, scale)])[0]

    def draw_many(self, jobs: list[tuple[dict, str, int, int, float]]) -> list[bytes]:
        """Draw several images at once on the session's tabs; raises the first failure."""
        async def all_of():
            return await asyncio.gather(*(
                self._kaleido.calc_fig(_with_uids(figure), {"format": fmt, "width": width, "height": height, "scale": scale})
                for figure, fmt, width, height, scale in jobs))

        return self._call(all_of(), timeout=_SECONDS_PER_IMAGE * max(1, len(jobs)))

    def rasterize(self, svg: bytes, width: int, height: int, scale: float) -> bytes | None:
        """A PNG painted from an SVG drawn by :meth:`draw` (``None`` with a kaleido this cannot hook)."""
        paint = getattr(self._kaleido, "frstory_rasterize", None)
        if paint is None:
            return None
        return self._call(paint(svg.decode("utf-8"), width, height, scale))

    def close(self) -> None:
        try:
            self._call(self._kaleido.close(), timeout=30)
        except BaseException:  # closing a browser that never started: nothing to close
            pass
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)


#: A tab is reloaded after this many images (kaleido reloads after every one).
_IMAGES_PER_RELOAD = 200


@functools.cache
def _kaleido_class(kaleido: Any) -> type:
    """kaleido's session class, made to reuse a tab for many images instead of reloading it after each.

    kaleido reloads its page (and with it the 4.8 MB plotly.js) after every image, to start each
    one clean; that reload was three quarters of an image's cost here (1.8 s -> 0.45 s for a chart's
    six images). Each image is drawn in a fresh ``div`` that plotly purges afterwards and traces
    carry fixed uids (:func:`_with_uids`), so a reused tab draws the same bytes; a reload every
    ``_IMAGES_PER_RELOAD`` images still bounds what a long build can leak. A kaleido without the
    hook this overrides is used as it is (slower, same images).
    """
    base = kaleido.Kaleido
    if not callable(getattr(base, "_return_kaleido_tab", None)):
        return base

    class _ReusingKaleido(base):  # type: ignore[misc, valid-type]
        _frstory_drawn = 0

        async def _return_kaleido_tab(self, tab: Any) -> None:
            self._frstory_drawn += 1
            if self._frstory_drawn % _IMAGES_PER_RELOAD == 0:
                await super()._return_kaleido_tab(tab)
            else:
                await self.tabs_ready.put(tab)

        async def frstory_rasterize(self, svg: str, width: int, height: int, scale: float) -> bytes:
            """A PNG of an SVG plotly.js drew, made as plotly.js makes its PNGs (``Snapshot.svgToImg``).

            plotly.js draws a PNG by drawing the chart's SVG and painting it on a canvas; painting
            the SVG already drawn skips the second drawing (the same pixels: a test compares them).
            """
            from kaleido._kaleido_tab import _devtools_utils as devtools

            tab = await self._get_kaleido_tab()
            try:
                response = await devtools.exec_js_fn(tab.tab, tab._current_js_id, _RASTERIZE_JS, svg, width, height, scale)
            finally:
                await self._return_kaleido_tab(tab)
            value = ((response or {}).get("result") or {}).get("result", {}).get("value")
            if not isinstance(value, str) or not value.startswith(_PNG_PREFIX):
                raise RuntimeError(f"the browser did not turn the SVG into a PNG: {str(response)[:200]}")
            return base64.b64decode(value[len(_PNG_PREFIX):])

    return _ReusingKaleido


_PNG_PREFIX = "data:image/png;base64,"
# plotly.js's own rasteriser (Plotly.Snapshot.svgToImg, what Plotly.toImage calls for a PNG).
_RASTERIZE_JS = (
    "function(svg, width, height, scale) {"
    "return Plotly.Snapshot.svgToImg({svg: svg, format: 'png', width: width, height: height,"
    " scale: scale, canvas: document.createElement('canvas'), promise: true});}"
)


def _with_uids(figure: dict) -> dict:
    """The figure with a fixed ``uid`` on every trace that has none.

    plotly.js names each trace's SVG group after its uid, random unless given, so without this
    the same chart drawn twice (or after other charts in the same tab) gives different bytes.
    """
    data = figure.get("data")
    if not isinstance(data, list):
        return figure
    return {**figure, "data": [{"uid": f"fr{i}", **t} if isinstance(t, dict) and "uid" not in t else t
                               for i, t in enumerate(data)]}


@dataclass
class PageCharts:
    """What :meth:`ChartImages.page` made of one page: its body with the images, files, warnings."""

    body_html: str
    files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Site-relative path of each chart's furniture PNG (``None`` where none could be drawn).
    pngs: list[str | None] = field(default_factory=list)


class ChartImages:
    """Draws, caches and places the static images of every chart of a build.

    Parameters
    ----------
    cache_dir : path-like or None
        The build cache; images are kept in ``<cache_dir>/images``. ``None``: no cache.
    base_url : str
        The site's public URL (``frstory build --base-url``), for absolute embed codes.

    Examples
    --------
    >>> images = ChartImages(None)
    >>> images.page("01-x", "<p>No chart here</p>", Path("site")).body_html
    '<p>No chart here</p>'
    >>> images.close()
    """

    def __init__(self, cache_dir: Path | None, base_url: str = "") -> None:
        self.cache = Path(cache_dir) / "images" if cache_dir is not None else None
        self.base_url = base_url
        self._browser: _Browser | None = None
        #: Why no browser could be started (then only cached images are published).
        self.unavailable: str | None = None
        self.drawn = 0
        self.reused = 0
        # What each figure JSON gave this build (its files, or the error to raise again), so that
        # images drawn ahead by :meth:`prepare` are placed by :meth:`page` without a second look.
        self._done: dict[tuple[str, str], dict[str, bytes | None] | Exception] = {}
        self._lock = threading.Lock()
        self._browser_lock = threading.Lock()
        self._warming: threading.Thread | None = None

    # -- drawing ---------------------------------------------------------------------------------
    def warm_up(self) -> None:
        """Start the browser now, in a thread, when images will probably be needed.

        A cold build spends its first seconds on one core, starting its kernels; the browser's
        own start (about 2.5 s here) then costs nothing, instead of holding up the first page's
        images while both cores execute notebooks. Without a browser nothing changes: the first
        image finds it unavailable, as it would have.
        """
        if self._warming is None and self._browser is None and not self.unavailable:
            self._warming = threading.Thread(target=self._ensure_browser, name="frstory-images-start", daemon=True)
            self._warming.start()

    def _ensure_browser(self) -> _Browser | None:
        """The build's browser, started on first use (once, whichever thread asks first)."""
        with self._browser_lock:
            if self._browser is None and not self.unavailable:
                try:
                    self._browser = _Browser()
                except Exception as exc:  # no browser, or one that does not start: build on without images
                    self.unavailable = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".strip()
            return self._browser

    def _draw_many(self, jobs: list[tuple[dict, str, int, int, float]]) -> list[bytes | None]:
        """Images from the build's browser (started on first use), drawn at once; ``None``s without a browser."""
        browser = None if self.unavailable else self._ensure_browser()
        if browser is None:
            return [None] * len(jobs)
        try:
            payloads = browser.draw_many(jobs)
        except Exception as exc:  # one figure kaleido cannot draw must not stop the build
            raise self._browser_failed(browser, exc) from None
        if not all(payloads):
            raise _DrawError("the browser returned an empty image")
        self.drawn += len(payloads)
        return list(payloads)

    def _browser_failed(self, browser: _Browser, exc: Exception) -> _DrawError:
        """Close a browser that failed an image and say why (the error to raise).

        Its tab is reused without a reload (:func:`_kaleido_class`): after a failure (a timeout
        may leave it mid-drawing) the next chart gets a new browser instead.
        """
        with self._browser_lock:
            browser.close()
            if self._browser is browser:
                self._browser = None
        return _DrawError(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")

    def _paint(self, svg: bytes | None, figure: dict, width: int, height: int, scale: float) -> bytes | None:
        """The PNG of ``figure`` from its SVG as drawn (``svg``), else drawn anew; ``None`` without a browser."""
        if svg is None:
            return None
        browser = self._browser
        if browser is not None:
            try:
                png = browser.rasterize(svg, width, height, scale)
            except Exception as exc:  # one image the browser cannot paint must not stop the build
                raise self._browser_failed(browser, exc) from None
            if png:
                self.drawn += 1
                return png
        return self._draw_many([(figure, "png", width, height, scale)])[0]

    def close(self) -> None:
        """Stop the browser (if one was started, or is starting)."""
        if self._warming is not None:
            self._warming.join()
            self._warming = None
        with self._browser_lock:
            if self._browser is not None:
                self._browser.close()
                self._browser = None

    def __enter__(self) -> ChartImages:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- one chart ---------------------------------------------------------------------------------
    def _chart_files(self, figure_json: str, stand_in: str = "svg") -> dict[str, bytes | None]:
        """:meth:`_chart_of` once per figure a build meets (thread-safe: :meth:`prepare` runs beside the build)."""
        with self._lock:
            done = self._done.get((figure_json, stand_in))
            if done is None:
                try:
                    done = self._chart_of(figure_json, stand_in)
                except Exception as exc:  # kept, and raised again to whoever asks for this chart
                    done = exc
                self._done[(figure_json, stand_in)] = done
        if isinstance(done, Exception):
            raise done
        return done

    def _chart_of(self, figure_json: str, stand_in: str = "svg") -> dict[str, bytes | None]:
        """Every image of one chart by file-name suffix, from the cache or drawn now.

        The cache key is the figure JSON the page holds plus the code that draws it, so the
        slow part (plotly's figure validation, the browser) is skipped for an unchanged chart.
        ``None`` marks an image that could not be drawn (no browser); nothing incomplete is cached.
        """
        key = hashlib.sha256("\0".join((_FORMAT_VERSION, _drawing_code_hash(), stand_in, figure_json))
                             .encode("utf-8")).hexdigest()
        folder = self.cache / key[:2] / key if self.cache is not None else None
        done = folder / "sizes.json" if folder is not None else None
        if done is not None and done.is_file():
            try:
                sizes = json.loads(done.read_text(encoding="utf-8"))
                cached = {suffix: (folder / f"chart{suffix}").read_bytes() for suffix in sizes["files"]}
                cached.update({f"@{w}": str(h).encode() for w, h in sizes["heights"].items()})
                self.reused += 1
                return cached
            except (OSError, ValueError, KeyError, TypeError):
                pass  # a damaged entry is drawn again (and replaced)
        files = self._draw_chart(json.loads(figure_json), stand_in)
        if folder is not None and all(v is not None for v in files.values()):
            from frstory.publish.freeze import write_atomic

            names = [s for s in files if not s.startswith("@")]
            for suffix in names:
                write_atomic(folder / f"chart{suffix}", files[suffix])  # type: ignore[arg-type]
            heights = {s[1:]: int(files[s].decode()) for s in files if s.startswith("@")}  # type: ignore[union-attr]
            write_atomic(done, json.dumps({"files": names, "heights": heights}))  # written last: marks it complete
        return files


    def _draw_chart(self, figure: dict, stand_in: str = "svg") -> dict[str, bytes | None]:
        from frstory.charts.export import _png_with_text, _svg_with_text, furniture_figure
        from frstory.charts.responsive import figure_for_width
        from frstory.charts.theme import dark_figure, dark_svg

        plain = {k: figure[k] for k in ("data", "layout") if k in figure}
        layout = plain.get("layout") or {}
        info = (layout.get("meta") or {}).get("frstory") if isinstance(layout.get("meta"), dict) else None
        files: dict[str, bytes | None] = {}
        width = design_width(figure)
        if isinstance(info, dict):
            # frstory's own figures are laid out as plain dicts: plotly's object model (validating
            # every value) cost more than the rest of this method, and the images are the same bytes.
            url = str(info.get("source_url") or "")
            if url and not re.match(r"^https?://[^\s<>\"']+$", url, re.IGNORECASE):
                # As on the page: a source link that is not http(s) is shown as text, not linked.
                meta = {**layout["meta"], "frstory": {**info, "source_url": None}}
                plain = {**plain, "layout": {**layout, "meta": meta}}
            full = furniture_figure(plain, width)
            shown_from: Any = plain
            title, alt = str(info.get("title") or ""), str(info.get("alt") or "")
        else:  # a plain plotly figure (validated, invalid properties dropped): drawn as it is
            import plotly.graph_objects as go

            shown_from = go.Figure(plain, skip_invalid=True)
            full = figure_for_width(shown_from, width)
            title = plain_text(layout.get("title"))
            alt = f"Chart: {title}" if title else "Chart"
        height = int(full["layout"].get("height") or 500)
        names = [".svg"]
        jobs = [(full, "svg", width, height, 1.0)]
        # frstory's own charts are drawn once per width, as SVG: the dark stand-in is the light one
        # with the house colours swapped (theme.dark_svg) and a PNG stand-in is the SVG painted at
        # 2x (as plotly.js paints its PNGs): the same bytes as drawing each, half the drawings.
        # Other figures have each image drawn.
        derive = isinstance(info, dict)
        shown_at: dict[int, dict] = {}
        for w in static_widths(figure):
            shown = shown_at[w] = figure_for_width(shown_from, w)
            h = int(shown["layout"].get("height") or 500)
            scale = 2.0 if stand_in == "png" else 1.0  # sharp on phones' 2x screens
            names.append(f"-{w}")
            jobs.append((shown, "svg" if derive else stand_in, w, h, 1.0 if derive else scale))
            if not derive:
                names.append(f"-{w}-dark")
                jobs.append((dark_figure(shown), stand_in, w, h, scale))
            files[f"@{w}"] = str(h).encode()  # the height, for the page's width/height attributes
        for name, image in zip(names, self._draw_many(jobs)):
            if name == ".svg":
                # The download PNG (2x) is the furniture SVG painted on a canvas, as plotly.js
                # itself would paint it after drawing the chart a second time.
                files[".png"] = self._paint(image, full, width, height, 2.0)
                files[".svg"] = _stable_ids(image) if image is not None else None
            elif not derive:
                files[f"{name}.{stand_in}"] = _stable_ids(image) if image is not None and stand_in == "svg" else image
            else:
                w = int(name[1:])
                dark = dark_svg(image.decode("utf-8")).encode("utf-8") if image is not None else None
                if stand_in == "svg":
                    files[f"{name}.svg"] = _stable_ids(image) if image is not None else None
                    files[f"{name}-dark.svg"] = _stable_ids(dark) if dark is not None else None
                else:
                    h = int(files[f"@{w}"])
                    files[f"{name}.png"] = self._paint(image, shown_at[w], w, h, 2.0)
                    files[f"{name}-dark.png"] = self._paint(dark, dark_figure(shown_at[w]), w, h, 2.0)
        svg, png = files[".svg"], files[".png"]
        files[".svg"] = _svg_with_text(svg.decode("utf-8"), title, alt).encode("utf-8") if svg else None
        files[".png"] = _png_with_text(png, title, alt) if png else None
        return files

    # -- one page ----------------------------------------------------------------------------------
    def prepare(self, body_html: str) -> None:
        """Draw the images of every chart in ``body_html`` now, for :meth:`page` to place later.

        The build calls this in a thread of its own as each page is rendered, so that drawing
        overlaps the execution of the other notebooks. Errors are kept for :meth:`page` to report.
        """
        for match in _SCRIPT.finditer(body_html):
            try:
                self._chart_files(match.group(3), stand_in_format(int(match.group(2))))
            except Exception:  # noqa: BLE001 - reported by page(), which meets the same error
                pass

    def prepare_figures(self, figures: list[tuple[dict, int]]) -> None:
        """Draw the images of plotly outputs ``(figure, number on the page)`` now, before their page exists.

        The build calls this (in its image thread) as each cell of a notebook finishes, so that a
        long notebook's charts are drawn while it still runs instead of after it. The images are
        keyed by the text the page will embed (:func:`frstory.publish.render.page_figure_json`), so
        :meth:`page` finds them; an output the page does not show (a removed cell, a cut output)
        was drawn for nothing, and errors are left for :meth:`page` to meet again.
        """
        from frstory.publish.render import page_figure_json

        for figure, number in figures:
            try:
                self._chart_files(page_figure_json(figure), stand_in_format(number))
            except Exception:  # noqa: BLE001 - reported by page(), which meets the same error
                pass

    def page(self, stem: str, body_html: str, staging: Path, *, title: str = "", lang: str = "") -> PageCharts:
        """Draw the images of every chart in ``body_html`` into ``staging/img/<stem>/`` and show them.

        Each chart with all its images gets its stand-in ``<picture>``, download links and embed
        code (and its embed page, :mod:`frstory.publish.embeds`); a chart missing an image keeps
        the page's interactive-only markup and is named in the warnings.

        Parameters
        ----------
        stem : str
            The page's file stem.
        body_html : str
            The rendered story body (:class:`frstory.publish.render.StoryRenderer`).
        staging : pathlib.Path
            The site folder being written.
        title : str
            The story's title (for the embed pages' titles).
        lang : str
            The story's language, for the embed pages' ``<html lang>`` (empty: English).
        """
        from frstory.publish import embeds

        result = PageCharts(body_html)
        missing: list[int] = []
        failures: list[str] = []
        for match in list(_SCRIPT.finditer(body_html)):
            fid, number = match.group(1), int(match.group(2))
            try:
                figure = json.loads(match.group(3))
            except ValueError:
                failures.append(f"chart {number}: its figure JSON could not be read")
                result.pngs.append(None)
                continue
            try:
                files = self._chart_files(match.group(3), stand_in_format(number))
            except _DrawError as exc:
                failures.append(f"chart {number}: {exc}")
                result.pngs.append(None)
                continue
            except Exception as exc:  # a figure the exporter rejects: the page keeps its live chart
                failures.append(f"chart {number}: {type(exc).__name__}: {exc}")
                result.pngs.append(None)
                continue
            if any(v is None for v in files.values()):
                missing.append(number)
                result.pngs.append(None)
                continue
            folder = f"img/{stem}"
            for suffix, payload in files.items():
                if suffix.startswith("@"):
                    continue
                rel = f"{folder}/chart-{number}{suffix}"
                publish_file(staging / rel, payload)  # type: ignore[arg-type]
                result.files.append(rel)
            sizes = {w: int(files[f"@{w}"].decode()) for w in static_widths(figure)}  # type: ignore[union-attr]
            result.pngs.append(f"{folder}/chart-{number}.png")
            result.body_html = _add_static(result.body_html, fid, stem, number, sizes)
            embed = embeds.write_embed(staging, result.body_html, fid, stem, number, title, self.base_url, lang)
            if embed is not None:
                result.files.append(embed.file)
                result.body_html = _add_tools(result.body_html, fid, stem, number, embed)
        if missing:
            why = self.unavailable or "the browser could not draw them"
            result.warnings.append(
                f"{stem}: no static images for chart{'s' if len(missing) > 1 else ''} "
                f"{', '.join(map(str, missing))} ({why}): those charts show only once JavaScript draws them, "
                "and have no image download, embed page or print image. Install Chromium "
                "(apt-get install chromium) or set BROWSER_PATH, then build again")
        result.warnings += [f"{stem}: no static image for {f}" for f in failures]
        return result


def _stable_ids(svg: bytes) -> bytes:
    """The SVG in canonical form (W3C C14N 2.0) with plotly's random per-drawing id (``defs-8d727d``,
    ``clip8d727dxy``, ``legend8d727d``...) replaced by one taken from the SVG's own content.

    So the same chart always gives the same bytes (SOURCE_DATE_EPOCH builds, content-keyed
    caches): plotly.js sets some attributes in another order when its tab drew other charts
    before (it caches text measurements), which canonical XML, with its sorted attributes, undoes.
    """
    from xml.etree.ElementTree import canonicalize

    try:
        svg = canonicalize(svg.decode("utf-8")).encode("utf-8")
    except Exception:  # noqa: BLE001 - not well-formed XML: kept as drawn
        pass
    found = re.search(rb'id="defs-([0-9a-f]{6})"', svg)
    if not found:
        return svg
    uid = found.group(1)
    stable = hashlib.sha256(svg.replace(uid, b"")).hexdigest()[:6].encode()
    # Wherever the id names something (defs-, clip, legend..., url(#...)): after two letters, as an
    # id's prefix has, and never inside a path's numbers ("M123456" has one letter).
    return re.sub(rb"(?<=[A-Za-z]{2}-|[A-Za-z]{3})" + uid, stable, svg)


def publish_file(path: Path, data: str | bytes) -> None:
    """Write a site file atomically, readable by the web server (not the temporary file's 0600)."""
    import os

    from frstory.publish.freeze import write_atomic

    write_atomic(path, data)
    os.chmod(path, 0o644)


class _DrawError(Exception):
    pass


@functools.cache
def _drawing_code_hash() -> str:
    """SHA-256 of the code that lays out and draws chart images (frstory.charts and this module)."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted([*(package / "charts").glob("*.py"), Path(__file__).resolve()]):
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _picture(stem: str, number: int, sizes: dict[int, int]) -> str:
    """The stand-in ``<picture>``: phone or wide layout, light or dark scheme."""
    base = f"img/{html.escape(stem)}/chart-{number}"
    ext = stand_in_format(number)
    widths = sorted(sizes)
    wide, phone = widths[-1], widths[0]
    sources = []
    for dark in (True, False):
        suffix = "-dark" if dark else ""
        scheme = "(prefers-color-scheme: dark)" if dark else ""
        if phone != wide:
            media = f"{scheme} and {PHONE_MEDIA}" if scheme else PHONE_MEDIA
            sources.append(f'<source media="{media}" srcset="{base}-{phone}{suffix}.{ext}">')
        if dark:
            sources.append(f'<source media="{scheme}" srcset="{base}-{wide}-dark.{ext}">')
    # The chart's accessible name is on its role="img" container: the picture is presentation.
    # Only the page's first chart loads at once: before the first paint, Chromium parsed every
    # SVG image of the page (each an SVG document of its own), 0.9 s of the gallery's 1.5 s to
    # its first chart on a 4x-throttled phone; later charts load as the reader nears them.
    loading = "" if number == 1 else ' loading="lazy" decoding="async"'
    img = f'<img src="{base}-{wide}.{ext}" alt="" width="{wide}" height="{sizes[wide]}"{loading}>'
    return f'<picture class="fr-chart-static">{"".join(sources)}{img}</picture>'


def _chart_open_tag(body: str, fid: str) -> re.Match | None:
    return re.search(r'<div\b[^>]*\bid="' + re.escape(fid) + r'"[^>]*>', body)


def _add_static(body: str, fid: str, stem: str, number: int, sizes: dict[int, int]) -> str:
    tag = _chart_open_tag(body, fid)
    if tag is None:
        return body
    opening = tag.group(0)
    # The image gives the box its height now: no reserved design height (it would leave a gap
    # under a phone-sized image); frstory.js reserves the live chart's height when it draws.
    opening = re.sub(r'\sstyle="min-height:\s*\d+px"', "", opening)
    opening = opening.replace(' id="', ' data-fr-static="" id="', 1)
    return body[:tag.start()] + opening + _picture(stem, number, sizes) + body[tag.end():]


def _add_tools(body: str, fid: str, stem: str, number: int, embed: Any) -> str:
    """Download links and the embed code, at the end of the chart's caption."""
    tag = _chart_open_tag(body, fid)
    if tag is None:
        return body
    end = body.find("</figure>", tag.end())
    if end < 0:
        return body
    e = html.escape
    base = f"img/{e(stem)}/chart-{number}"
    tools = (
        f'<div class="fr-figure__tools">'
        f'<p class="fr-figure__downloads">Download this chart: '
        f'<a href="{base}.png" download>PNG</a> · <a href="{base}.svg" download>SVG</a> · '
        f'<a href="{e(embed.href)}">embeddable page</a></p>'
        # Without the site's address (--base-url) there is no code that works once pasted elsewhere.
        + (f'<details class="fr-embed"><summary>Embed this chart</summary>'
           f'<label class="fr-embed__label" for="{fid}-embed">Copy this code into your page; '
           f'the frame resizes itself to the chart.</label>'
           f'<textarea class="fr-embed__code" id="{fid}-embed" readonly rows="4" spellcheck="false">'
           f'{e(embed.code)}</textarea></details>' if embed.code else "")
        + '</div>'
    )
    # Inside the caption: a <figure> allows other content only before its <figcaption>.
    caption_end = body.rfind("</figcaption>", tag.end(), end)
    if caption_end >= 0:
        return body[:caption_end] + tools + body[caption_end:]
    return body[:end] + f'<figcaption class="fr-figure__caption">{tools}</figcaption>' + body[end:]
