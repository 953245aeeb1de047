"""The names readers know for the companies in this story.

Market indices (the S&P 500, the Nasdaq Composite) are general knowledge and named by the toolkit
(:func:`frstory.prose.display_name`); the companies are this story's choice, so they are
registered here. Importing :mod:`story` registers them.
"""

from __future__ import annotations

#: Ticker -> the name prose and charts use for the company.
COMPANY_NAMES: dict[str, str] = {
    "AMZN": "Amazon",
    "MSFT": "Microsoft",
    "IBM": "IBM",
    "GOOGL": "Alphabet",
}


def register() -> None:
    """Teach :func:`frstory.prose.display_name` this story's company names."""
    from frstory import prose

    prose.register_display_names(COMPANY_NAMES)
