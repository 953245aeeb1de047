"""What a page's "Data missing" banner tells readers, from the messages of missing price data.

A notebook that lacks prices shows a :class:`~frstory.errors.PriceDataUnavailable` message, which
is written for whoever builds the site: the ticker as Yahoo spells it, ISO dates and the command
that fixes it. Readers are told only which series and which days are missing, in the house style
(names they know, dates in words); the message itself goes to the build's warnings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["reader_missing_data"]

# frstory's messages name the series as "... for TICKER from YYYY-MM-DD to YYYY-MM-DD" (the range is
# left out by some); a message in another form is still announced by the banner's own sentence.
_SERIES = re.compile(r"\bfor (?P<ticker>\^?[A-Z0-9][A-Z0-9.\-=]{0,19})\b"
                     r"(?: from (?P<start>\d{4}-\d{2}-\d{2}) to (?P<end>\d{4}-\d{2}-\d{2}))?")


def reader_missing_data(messages: Iterable[str]) -> list[str]:
    """One line per missing price series, in reader words: ``"S&P 500, 1–30 June 2020"``.

    Parameters
    ----------
    messages : iterable of str
        Messages of missing price data as the notebook showed them.

    Returns
    -------
    list of str
        Plain text (the page escapes it), each series and range once, in the order first named.
        A series without a registered name is given by its ticker without Yahoo's ``^``.

    Examples
    --------
    >>> reader_missing_data(["PriceDataUnavailable: no prices for ^GSPC from 2020-06-01 to 2020-06-30: "
    ...                      "they are not in the price cache (run `frstory data pull`)"])
    ['S&P 500, 1–30 June 2020']
    >>> reader_missing_data(["no cached prices for SYNQ: run frstory data pull", "something else went wrong"])
    ['SYNQ']
    """
    from frstory import prose  # the one owner of names and dates in words

    lines: list[str] = []
    for message in messages:
        found = _SERIES.search(str(message))
        if found is None:
            continue
        ticker = found["ticker"]
        try:
            name = prose.display_name(ticker)
        except (prose.UnknownDisplayName, prose.ProseError):  # a company the story registers in its kernel
            name = ticker.lstrip("^")
        try:
            span = prose.date_range(found["start"], found["end"]) if found["start"] else ""
        except prose.ProseError:  # an end before the start: the series alone is still true
            span = ""
        line = f"{name}, {span}" if span else name
        if line not in lines:
            lines.append(line)
    return lines
