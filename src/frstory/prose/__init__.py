"""Prose: the house style for numbers, dates and names in reader text.

Fractions in, words out. Every sentence a story publishes formats its values here, so a page has
one date style, one way of writing a p-value and never a raw ticker::

    from frstory import prose
    f"{prose.display_name('^GSPC', article=True)} {prose.moved(-0.0586)} on {prose.date(day, weekday=True)}"
    # 'the S&P 500 fell 5.9% on Thursday 11 June 2020'

Modules, one job each: :mod:`~frstory.prose.numbers` (percent, points, moved, number, money, offsets),
:mod:`~frstory.prose.stats` (p_value, t_stat), :mod:`~frstory.prose.dates` (date, month,
date_range), :mod:`~frstory.prose.words` (ordinal, spelled, plural, join, sentence),
:mod:`~frstory.prose.names` (display names) and :mod:`~frstory.prose.markdown` (escape_markdown).
Bad values (NaN, text where a number belongs, a missing date) raise :class:`ProseError` with what
was wrong and how to fix it, never print "nan%".

Examples
--------
>>> from frstory import prose
>>> prose.sentence(f"{prose.plural(14, 'measure')} took effect by {prose.month('2020-12-31')}.")
'Fourteen measures took effect by December 2020.'
"""

from __future__ import annotations

from frstory.prose.dates import date, date_range, month
from frstory.prose.errors import ProseError, UnknownDisplayName
from frstory.prose.markdown import escape_markdown
from frstory.prose.names import INDEX_NAMES, display_name, display_names, register_display_names
from frstory.prose.numbers import money, moved, number, offsets, percent, points
from frstory.prose.stats import p_value, t_stat
from frstory.prose.words import join, ordinal, plural, sentence, spelled

__all__ = [
    "INDEX_NAMES",
    "ProseError",
    "UnknownDisplayName",
    "date",
    "date_range",
    "display_name",
    "display_names",
    "escape_markdown",
    "join",
    "money",
    "month",
    "moved",
    "number",
    "offsets",
    "ordinal",
    "p_value",
    "percent",
    "plural",
    "points",
    "register_display_names",
    "sentence",
    "spelled",
    "t_stat",
]
