"""Embeddable chart pages (``embed/<stem>-<n>.html``) and their responsive embed code.

An embed page holds one chart and nothing else: its title and subtitle, the chart (stand-in
image, then the interactive chart), notes, the source with its link, and the alt text as the
chart's name. It posts its height to the page that frames it, and the embed code's small
script resizes the frame to match, as Datawrapper's responsive embed does: the host page needs
no library, and a chart that reflows on a phone never shows a scroll bar or a gap.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from frstory.publish.escaping import plain_text

__all__ = ["Embed", "write_embed", "embed_code", "HEIGHT_MESSAGE"]

#: The key of the ``postMessage`` an embed page sends (``{"frstory-embed-height": px}``).
HEIGHT_MESSAGE = "frstory-embed-height"

# The host page's listener: sets the height of the frame the message came from (and no other),
# and accepts only a finite number. Kept this small so it can be pasted anywhere.
_RESIZER = (
    '<script>window.addEventListener("message",function(e){var h=e.data&&e.data["' + HEIGHT_MESSAGE + '"];'
    'if(typeof h!=="number"||!isFinite(h))return;var f=document.getElementsByTagName("iframe");'
    'for(var i=0;i<f.length;i++){if(f[i].contentWindow===e.source){f[i].style.height=Math.ceil(h)+"px";}}});'
    "</script>"
)
_RELATIVE = re.compile(r'\b(src|srcset|href)="(img|data|assets)/')


@dataclass
class Embed:
    """One chart's embed page: its site-relative file, the link to it and the code to paste.

    ``code`` is empty when the site has no base URL: a frame whose address is relative to
    the site would show nothing once pasted into another site, so none is offered.
    """

    file: str
    href: str
    code: str


def embed_code(url: str, title: str, height: int = 500) -> str:
    """The HTML a reader pastes to embed a chart: a frame that resizes itself to the chart.

    Examples
    --------
    >>> code = embed_code("https://example.org/embed/01-x-1.html", "Prices & events")
    >>> code.startswith('<iframe src="https://example.org/embed/01-x-1.html" title="Prices &amp; events"')
    True
    >>> "postMessage" in code or "addEventListener" in code
    True
    """
    e = html.escape
    return (f'<iframe src="{e(url)}" title="{e(title)}" style="width:100%;border:0" height="{int(height)}" '
            f'scrolling="no" loading="lazy"></iframe>{_RESIZER}')


def _figure_fragment(body: str, fid: str) -> str | None:
    tag = re.search(r'<div\b[^>]*\bid="' + re.escape(fid) + r'"[^>]*>', body)
    if tag is None:
        return None
    start = body.rfind("<figure", 0, tag.start())
    end = body.find("</figure>", tag.end())
    if start < 0 or end < 0:
        return None
    return body[start:end + len("</figure>")]


def _fragment_title(fragment: str, fallback: str) -> str:
    found = re.search(r'class="fr-figure__title"[^>]*>(.*?)</p>', fragment, re.S)
    text = plain_text(found.group(1)) if found else ""
    return text or fallback


def write_embed(staging: Path, body: str, fid: str, stem: str, number: int, story_title: str,
                base_url: str = "", lang: str = "") -> Embed | None:
    """Write ``embed/<stem>-<number>.html`` for chart ``fid`` of a page body; ``None`` if not found.

    Parameters
    ----------
    staging : pathlib.Path
        The site folder being written.
    body : str
        The page body, with the chart's stand-in image already in place.
    fid : str
        The chart's element id (``fr-fig-<n>``).
    stem, number
        The page's stem and the chart's number on the page.
    story_title : str
        The story's title (the embed page's title when the chart has none).
    base_url : str
        The site's public URL, which the embed code points to. Without it there is no embed code
        (``Embed.code`` is empty): only the embeddable page, linked from the chart.
    lang : str
        The story's language (``StoryMeta.lang``, already checked as a BCP 47 tag); empty for English.
    """
    from frstory.publish.images import publish_file

    fragment = _figure_fragment(body, fid)
    if fragment is None:
        return None
    fragment = _RELATIVE.sub(lambda m: f'{m.group(1)}="../{m.group(2)}/', fragment)
    title = _fragment_title(fragment, story_title or stem)
    name = f"{stem}-{number}.html"
    e = html.escape
    page = (
        f'<!DOCTYPE html>\n<html lang="{e(lang or "en")}" data-fr-embed="">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n'
        f"<title>{e(title)}</title>\n"
        '<meta name="robots" content="noindex">\n'
        '<link rel="stylesheet" href="../assets/frstory.css">\n'
        '<script defer src="../assets/frstory.js"></script>\n'
        '</head>\n<body class="fr-embed-page">\n<main>\n'
        # The page's one heading, for screen readers' heading navigation (the chart shows its title).
        f'<h1 class="fr-visually-hidden">{e(title)}</h1>\n'
        f"{fragment}\n</main>\n</body>\n</html>\n"
    )
    publish_file(staging / "embed" / name, page)
    href = "embed/" + quote(name)
    if not base_url:
        return Embed(file=f"embed/{name}", href=href, code="")
    heights = [int(h) for h in re.findall(r'<img\b[^>]*\bheight="(\d+)"', fragment)]
    return Embed(file=f"embed/{name}", href=href,
                 code=embed_code(base_url + href, title, (heights[0] if heights else 400) + 160))
