"""Words around numbers: ordinals, spelled-out numbers, plurals, lists and sentence openings.

Spelled numbers come from num2words, plurals from inflection (the Rails inflector), ordinals from
humanize. Not inflect: it type-checks itself with typeguard, which re-parses its own source for each
of 23 methods at import, so ``import inflect`` took 3.6-6.2 s on the shared 2-core machine (45 s
under a profiler), a cost every notebook that writes "3 events" would pay; num2words and inflection
give the same words and import in about a tenth of a second each, and only when first used.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any

import humanize

from frstory.prose._checks import integer
from frstory.prose.errors import ProseError
from frstory.prose.numbers import DEFAULT_LOCALE, number

__all__ = ["ordinal", "spelled", "plural", "join", "sentence"]


@functools.cache
def _num2words() -> Any:
    from num2words import num2words

    return num2words


@functools.cache
def _pluralize() -> Any:
    from inflection import pluralize

    return pluralize


def ordinal(n: int) -> str:
    """A rank as a numeral with its suffix: ``1st``, ``2nd``, ``3rd``, ``11th``, ``21st``.

    Parameters
    ----------
    n : int
        A whole number, 0 or more.

    Returns
    -------
    str

    Raises
    ------
    ProseError
        When ``n`` is missing, negative or not a whole number.

    Examples
    --------
    >>> [ordinal(n) for n in (1, 2, 3, 11, 12, 13, 21, 112)]
    ['1st', '2nd', '3rd', '11th', '12th', '13th', '21st', '112th']
    """
    value = integer(n, "n", "ordinal")
    if value < 0:
        raise ProseError(f"ordinal: n is {value}; a rank is 0 or more")
    return humanize.ordinal(value)


def spelled(n: int) -> str:
    """A whole number in words: ``3`` -> ``"three"``, ``21`` -> ``"twenty-one"``.

    Parameters
    ----------
    n : int
        A whole number (``3.0`` is accepted as ``3``).

    Returns
    -------
    str

    Raises
    ------
    ProseError
        When ``n`` is missing or not a whole number.

    Examples
    --------
    >>> spelled(3), spelled(21), spelled(0), spelled(140)
    ('three', 'twenty-one', 'zero', 'one hundred and forty')
    """
    return _spelled(integer(n, "n", "spelled"))


@functools.lru_cache(maxsize=4096)
def _spelled(n: int) -> str:
    # num2words takes about 40 us a number, and a table of caveats spells the same few counts
    # thousands of times; the words of a number never change.
    return str(_num2words()(n, lang="en"))


def plural(n: int, noun: str, *, spell: bool = False, plural_form: str | None = None,
           locale: str = DEFAULT_LOCALE) -> str:
    """A count and its noun, agreeing: ``"1 event"``, ``"0 events"``, ``"3 events"``.

    Parameters
    ----------
    n : int
        The count (``3.0`` is accepted as ``3``).
    noun : str
        The noun in the singular (``"event"``, ``"company"``).
    spell : bool, default False
        Spell the count out: ``"three events"``.
    plural_form : str, optional
        The plural when the inflector's is wrong for your noun (it pluralises the last word:
        ``"rule or limit"`` would give ``"rule or limits"``).
    locale : str, default "en_US"
        Babel locale of the numeral (``"2,647 events"``).

    Returns
    -------
    str

    Raises
    ------
    ProseError
        When ``n`` is missing or not a whole number, or ``noun`` is empty.

    Examples
    --------
    >>> plural(1, "event"), plural(0, "event"), plural(3, "company"), plural(3, "event", spell=True)
    ('1 event', '0 events', '3 companies', 'three events')
    >>> plural(2647, "session"), plural(2, "rule or limit", plural_form="rules or limits")
    ('2,647 sessions', '2 rules or limits')
    """
    count = integer(n, "n", "plural")
    if not isinstance(noun, str) or not noun.strip():
        raise ProseError(f"plural: noun is {noun!r}; pass the noun in the singular, e.g. 'event'")
    if abs(count) == 1:
        word = noun
    else:
        word = plural_form if plural_form is not None else str(_pluralize()(noun))
    return f"{spelled(count) if spell else number(count, locale=locale)} {word}"


def join(items: Iterable[object], *, conj: str = "and") -> str:
    """Items as a list in a sentence: ``"a, b and c"`` (no serial comma), ``"a or b"``.

    Parameters
    ----------
    items : iterable of str
        The items, in order; each is converted with ``str``.
    conj : str, default "and"
        The word before the last item.

    Returns
    -------
    str

    Raises
    ------
    ProseError
        When there are no items, or an item is missing (None or NaN).

    Examples
    --------
    >>> join(["a"]), join(["a", "b"]), join(["a", "b", "c"]), join(["a", "b", "c"], conj="or")
    ('a', 'a and b', 'a, b and c', 'a, b or c')
    """
    # Written here: no kept library joins without the serial comma the house style leaves out
    # (inflect's join adds it by default and costs seconds to import, see the module docstring).
    words = []
    for position, item in enumerate(items):
        if item is None or item != item:  # NaN is the one value unequal to itself
            raise ProseError(f"join: item {position} is missing ({item!r}); drop it or name it before joining")
        words.append(str(item))
    if not words:
        raise ProseError("join: there are no items; word the sentence for the empty case before calling")
    if len(words) == 1:
        return words[0]
    return f"{', '.join(words[:-1])} {conj} {words[-1]}"


# A numeral opening a sentence, after any opening quote, bracket or Markdown emphasis. A bare
# four-digit number is a year ("2020 ended..."), which style guides let open a sentence.
# The numeral must end the word: "21st" or "5G" is left as written.
_OPENING = re.compile(
    r"^(?P<lead>[\s\"'“‘(*_]*)"
    r"(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?)(?!\w)"
    r"(?P<rest>.*)$",
    re.DOTALL,
)
_YEAR = re.compile(r"^[12]\d{3}$")


def sentence(text: str) -> str:
    """``text`` as a sentence: first letter capitalised, an opening count spelled out.

    ``"14 measures took effect"`` becomes ``"Fourteen measures took effect"``; a year may open a
    sentence as a numeral (``"2020 ended..."``). A decimal or a percentage cannot be spelled
    readably, so a sentence opening with one is an error: rewrite it to open with a word.

    Parameters
    ----------
    text : str
        The sentence.

    Returns
    -------
    str

    Raises
    ------
    ProseError
        When ``text`` is not a string or opens with a decimal, a sign or a percentage.

    Examples
    --------
    >>> sentence("14 measures took effect."), sentence("the S&P 500 fell."), sentence("1 event")
    ('Fourteen measures took effect.', 'The S&P 500 fell.', 'One event')
    >>> sentence("2020 ended with 21 rules.")
    '2020 ended with 21 rules.'
    """
    if not isinstance(text, str):
        raise ProseError(f"sentence: text is {text!r} ({type(text).__name__}); pass the sentence as a string")
    match = _OPENING.match(text)
    if match:
        lead, num, rest = match["lead"], match["num"], match["rest"]
        if _YEAR.match(num):
            return text
        if not re.fullmatch(r"\d{1,3}(?:,\d{3})*|\d+", num):
            raise ProseError(
                f"sentence: {text[:40]!r} opens with {num!r}, which cannot be spelled out readably; "
                "rewrite the sentence to open with a word (e.g. 'Shares rose 3.4%' rather than '3.4% ...')"
            )
        words = spelled(int(num.replace(",", "")))
        return lead + words[:1].upper() + words[1:] + rest
    lead = re.match(r"[\s\"'“‘(*_]*", text).end()
    if re.match(r"[$€£¥]\s?\d", text[lead:]):
        raise ProseError(
            f"sentence: {text[:40]!r} opens with an amount of money, which cannot be spelled out readably; "
            "rewrite the sentence to open with a word"
        )
    return text[:lead] + text[lead:lead + 1].upper() + text[lead + 1:]
