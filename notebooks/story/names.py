"""The names readers know for the companies in this story.

Market indices (the S&P 500, the Nasdaq Composite) are general knowledge and named by the toolkit
(:func:`frstory.prose.display_name`); the companies are this story's choice, so they are
registered here, with the colour each company keeps on every chart. Importing :mod:`story`
registers them.
"""

from __future__ import annotations

#: Ticker -> the name prose and charts use for the company.
COMPANY_NAMES: dict[str, str] = {
    "AMZN": "Amazon",
    "MSFT": "Microsoft",
    "IBM": "IBM",
    "GOOGL": "Alphabet",
}


#: Ticker -> the company's colour on every chart of the site (Okabe-Ito hues the event categories
#: of the price charts do not use; the indices in greys, so the companies stand out).
COMPANY_COLORS: dict[str, str] = {
    "AMZN": "#E69F00",
    "IBM": "#CC79A7",
    "MSFT": "#56B4E9",
    "GOOGL": "#000000",
    "^GSPC": "#666666",
    "^IXIC": "#999999",
}


def register() -> None:
    """Teach :func:`frstory.prose.display_name` this story's company names, and the charts their colours."""
    from frstory import charts, prose

    prose.register_display_names(COMPANY_NAMES)
    charts.register_colors(COMPANY_COLORS)
