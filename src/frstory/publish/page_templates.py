"""A plotly template that several charts of a page repeat travels once per page.

Every chart carries its template (the house template of :mod:`frstory.charts.theme` is about
2 KB of JSON; plotly's own default about 9 KB), and a page of twenty charts carried it twenty
times. :func:`share_templates` keeps one copy of each template used by two or more of a page's
figures in a ``<script type="application/json" id="fr-templates">`` element and leaves a
reference (``{"frstory:template": "t1"}``) in each figure; ``frstory.js`` puts the template back
before plotly draws the figure. Nothing else of a figure changes, and a figure whose template
is its own keeps it.

It runs on the finished page body, after the static images and embed pages were made from the
whole figures, so both stay self-contained.
"""

from __future__ import annotations

import json
import re

from frstory.publish.render import figure_json_for_script

__all__ = ["TEMPLATE_REF", "share_templates", "restore_templates"]

#: The key of a figure's ``layout.template`` that names a shared template instead of holding it.
TEMPLATE_REF = "frstory:template"
_FIGURE = re.compile(r'(<script type="application/json" data-fr-figure="[^"]*"[^>]*>)(.*?)(</script>)', re.S)
_SHARED = re.compile(r'<script type="application/json" id="fr-templates">(.*?)</script>', re.S)


def _key(template: object) -> str:
    return json.dumps(template, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def share_templates(body_html: str) -> str:
    """``body_html`` with each template that two or more figures repeat written once.

    Examples
    --------
    >>> from frstory.publish.render import figure_json_for_script as js
    >>> fig = {"data": [], "layout": {"template": {"layout": {"font": {"size": 15}}}}}
    >>> one = '<script type="application/json" data-fr-figure="fr-fig-1">' + js(fig) + '</script>'
    >>> two = one.replace("fr-fig-1", "fr-fig-2")
    >>> print(share_templates(one + two))  # doctest: +NORMALIZE_WHITESPACE
    <script type="application/json" id="fr-templates">{"t1":{"layout":{"font":{"size":15}}}}</script><script
    type="application/json" data-fr-figure="fr-fig-1">{"data":[],"layout":{"template":{"frstory:template":"t1"}}}</script><script
    type="application/json" data-fr-figure="fr-fig-2">{"data":[],"layout":{"template":{"frstory:template":"t1"}}}</script>
    >>> share_templates(one) == one
    True
    """
    matches = list(_FIGURE.finditer(body_html))
    if len(matches) < 2 or _SHARED.search(body_html):
        return body_html
    figures: list[dict | None] = []
    counts: dict[str, int] = {}
    for match in matches:
        try:
            figure = json.loads(match.group(2))
        except ValueError:
            figure = None
        template = figure.get("layout", {}).get("template") if isinstance(figure, dict) else None
        if not isinstance(template, dict) or not template or TEMPLATE_REF in template:
            figure = None
        figures.append(figure)
        if figure is not None:
            key = _key(template)
            counts[key] = counts.get(key, 0) + 1
    names: dict[str, str] = {}
    shared: dict[str, object] = {}
    for key, count in counts.items():
        if count >= 2:
            names[key] = f"t{len(names) + 1}"
            shared[names[key]] = json.loads(key)
    if not shared:
        return body_html
    pieces, last = [], 0
    for match, figure in zip(matches, figures, strict=True):
        pieces.append(body_html[last:match.start()])
        name = names.get(_key(figure["layout"]["template"])) if figure is not None else None
        if name is None:
            pieces.append(match.group(0))
        else:
            figure["layout"]["template"] = {TEMPLATE_REF: name}
            pieces.append(match.group(1) + figure_json_for_script(figure) + match.group(3))
        last = match.end()
    pieces.append(body_html[last:])
    first = matches[0].start()
    table = '<script type="application/json" id="fr-templates">' + figure_json_for_script(shared) + "</script>"
    text = "".join(pieces)
    # Before the first figure, so the table is parsed by the time any figure is read.
    return text[:first] + table + text[first:]


def restore_templates(page_html: str) -> list[dict]:
    """The figures of a page written by :func:`share_templates`, with their templates put back
    (what ``frstory.js`` does before drawing them): for checks and tools that read a page.

    Examples
    --------
    >>> from frstory.publish.render import figure_json_for_script as js
    >>> fig = {"data": [], "layout": {"template": {"layout": {"font": {"size": 15}}}}}
    >>> one = '<script type="application/json" data-fr-figure="fr-fig-1">' + js(fig) + '</script>'
    >>> restore_templates(share_templates(one + one.replace("fr-fig-1", "fr-fig-2"))) == [fig, fig]
    True
    """
    table_match = _SHARED.search(page_html)
    table = json.loads(table_match.group(1)) if table_match else {}
    figures = []
    for match in _FIGURE.finditer(page_html):
        figure = json.loads(match.group(2))
        template = figure.get("layout", {}).get("template")
        if isinstance(template, dict) and TEMPLATE_REF in template:
            figure["layout"]["template"] = table[template[TEMPLATE_REF]]
        figures.append(figure)
    return figures
