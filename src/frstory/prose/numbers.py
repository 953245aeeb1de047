"""Numbers in reader text: percentages, percentage points, moves, plain numbers and money.

Fractions in, words out: ``0.034`` is written ``3.4%``. Formatting (grouping, decimal mark,
currency symbol) comes from babel's CLDR data for ``locale`` (``en_US`` by default),
so a story in another locale changes one keyword, not its f-strings.
"""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency, format_decimal, format_percent, get_currency_precision

from frstory.prose._checks import exact, real, rounded, rounding
from frstory.prose.errors import ProseError

__all__ = ["DEFAULT_LOCALE", "percent", "points", "moved", "number", "money", "currency_digits", "offsets"]

#: Locale of numbers unless a call passes ``locale=``.
DEFAULT_LOCALE = "en_US"


def _pattern(decimals: int, func: str, suffix: str = "") -> str:
    """The babel pattern for ``decimals`` decimals, e.g. ``#,##0.0%``."""
    if not isinstance(decimals, int) or isinstance(decimals, bool) or decimals < 0:
        raise ProseError(f"{func}: decimals is {decimals!r}; pass a whole number of decimals, 0 or more")
    return "#,##0" + ("." + "0" * decimals if decimals else "") + suffix


def _rounds_to_zero(value: float, decimals: int, scale: int = 0) -> bool:
    return rounded(value, decimals, scale) == 0


def _signed_pattern(pattern: str) -> str:
    return f"+{pattern};-{pattern}"


def _minus(text: str, minus: str) -> str:
    # Babel writes an explicit pattern's minus as ASCII "-" whatever the locale.
    return minus + text[1:] if text.startswith("-") else text


def _decimal(value: float | Decimal, pattern: str, signed: bool, locale: str, minus: str) -> str:
    with rounding():
        text = format_decimal(value, format=_signed_pattern(pattern) if signed else pattern, locale=locale)
    return _minus(text, minus)


def percent(x: float, *, decimals: int = 1, signed: bool = False, locale: str = DEFAULT_LOCALE,
            minus: str = "-") -> str:
    """A fraction as a percentage: ``0.034`` -> ``"3.4%"``.

    Parameters
    ----------
    x : float
        The fraction (0.034 for 3.4%).
    decimals : int, default 1
        Decimals shown.
    signed : bool, default False
        Show ``+`` for a rise; a value that rounds to zero never gets a sign.
    locale : str, default "en_US"
        Babel locale for the decimal mark and grouping.
    minus : str, default "-"
        The character written for a negative sign: ASCII in prose, ``"\N{MINUS SIGN}"`` (U+2212) in
        chart text, which sets numbers in a typeface where the hyphen is too short.

    Returns
    -------
    str

    Raises
    ------
    ProseError
        When ``x`` is missing (NaN), infinite or not a number.

    Examples
    --------
    >>> percent(0.034), percent(-0.034), percent(0.034, signed=True), percent(-0.00004, signed=True)
    ('3.4%', '-3.4%', '+3.4%', '0.0%')
    >>> percent(0.12345, decimals=2)
    '12.35%'
    """
    value = real(x, "x", "percent")
    pattern = _pattern(decimals, "percent", "%")
    if _rounds_to_zero(value, decimals, 2):
        with rounding():
            return format_percent(0, format=pattern, locale=locale)
    with rounding():
        text = format_percent(value, format=_signed_pattern(pattern) if signed else pattern, locale=locale)
    return _minus(text, minus)


def points(x: float, *, decimals: int = 1, signed: bool = True, short: bool = False,
           locale: str = DEFAULT_LOCALE, minus: str = "-") -> str:
    """A difference of two fractions in percentage points: ``0.002`` -> ``"+0.2 percentage points"``.

    Use it for the gap between two percentages (a stock's return minus the index's), never
    :func:`percent`: 5% against 3% is 2 percentage points, not 2%.

    Parameters
    ----------
    x : float
        The difference of two fractions (0.002 for 0.2 points).
    decimals : int, default 1
        Decimals shown.
    signed : bool, default True
        Show ``+`` for a positive difference (zero never gets a sign).
    short : bool, default False
        ``pp`` instead of ``percentage points`` (for tables and chart notes).
    locale : str, default "en_US"
        Babel locale of the number.
    minus : str, default "-"
        The character written for a negative sign: ASCII in prose, ``"\N{MINUS SIGN}"`` (U+2212) in
        chart text, which sets numbers in a typeface where the hyphen is too short.

    Returns
    -------
    str

    Raises
    ------
    ProseError
        When ``x`` is missing (NaN), infinite or not a number.

    Examples
    --------
    >>> points(0.002), points(-0.0215, short=True), points(0.01, decimals=0, signed=False)
    ('+0.2 percentage points', '-2.2 pp', '1 percentage point')
    """
    value = exact(real(x, "x", "points"), 2)
    pattern = _pattern(decimals, "points")
    if _rounds_to_zero(value, decimals):
        with rounding():
            text = format_decimal(0, format=pattern, locale=locale)
    else:
        text = _decimal(value, pattern, signed, locale, minus)
    if short:
        return f"{text} pp"
    one = decimals == 0 and abs(rounded(value, 0)) == 1
    return f"{text} percentage {'point' if one else 'points'}"


def moved(x: float, *, decimals: int = 1, up: str = "rose", down: str = "fell", flat: str = "was unchanged",
          locale: str = DEFAULT_LOCALE) -> str:
    """A return as a verb and a size: ``"rose 3.4%"``, ``"fell 3.4%"`` or ``"was unchanged"``.

    A move that rounds to zero at ``decimals`` is ``flat``, so the sentence never reads
    "fell 0.0%".

    Parameters
    ----------
    x : float
        The return as a fraction.
    decimals : int, default 1
        Decimals of the percentage.
    up, down, flat : str
        The words for a rise, a fall and no visible move (e.g. ``"gained"``, ``"lost"``, ``"held steady"``).
    locale : str, default "en_US"
        Babel locale of the number.

    Returns
    -------
    str

    Raises
    ------
    ProseError
        When ``x`` is missing (NaN), infinite or not a number.

    Examples
    --------
    >>> moved(0.034), moved(-0.0345), moved(0.0004), moved(-0.0004, decimals=2)
    ('rose 3.4%', 'fell 3.5%', 'was unchanged', 'fell 0.04%')
    """
    value = real(x, "x", "moved")
    _pattern(decimals, "moved")
    if _rounds_to_zero(value, decimals, 2):
        return flat
    return f"{up if value > 0 else down} {percent(abs(value), decimals=decimals, locale=locale)}"


def number(x: float, *, decimals: int = 0, signed: bool = False, locale: str = DEFAULT_LOCALE,
           minus: str = "-") -> str:
    """A number with grouping: ``2647`` -> ``"2,647"``.

    Parameters
    ----------
    x : float
        The number.
    decimals : int, default 0
        Decimals shown (halves round away from zero).
    signed : bool, default False
        Show ``+`` for a positive number; zero never gets a sign.
    locale : str, default "en_US"
        Babel locale for grouping and decimal mark.
    minus : str, default "-"
        The character written for a negative sign: ASCII in prose, ``"\N{MINUS SIGN}"`` (U+2212) in
        chart text, which sets numbers in a typeface where the hyphen is too short.

    Returns
    -------
    str

    Raises
    ------
    ProseError
        When ``x`` is missing (NaN), infinite or not a number.

    Examples
    --------
    >>> number(2647), number(2647.456, decimals=2), number(-0.2), number(1234.5, locale="de_DE", decimals=1)
    ('2,647', '2,647.46', '0', '1.234,5')
    >>> number(12, signed=True), number(-1234.5, decimals=1, minus="\N{MINUS SIGN}")
    ('+12', '−1,234.5')
    """
    value = real(x, "x", "number")
    pattern = _pattern(decimals, "number")
    if _rounds_to_zero(value, decimals):
        value, signed = 0, False
    return _decimal(value, pattern, signed, locale, minus)


def currency_digits(currency: str) -> int:
    """Decimals of ``currency``'s minor unit, from CLDR: 2 for US dollars and euros, 0 for yen and won.

    The one source of a currency's decimals for prose and charts alike: no amount is written finer
    than its currency's smallest coin ("¥1,235", never "¥1,234.50").

    Parameters
    ----------
    currency : str
        ISO 4217 code.

    Returns
    -------
    int

    Raises
    ------
    ProseError
        When ``currency`` is not an ISO 4217 code.

    Examples
    --------
    >>> currency_digits("USD"), currency_digits("JPY"), currency_digits("KRW")
    (2, 0, 0)
    """
    if not (isinstance(currency, str) and len(currency) == 3 and currency.isalpha() and currency.isupper()):
        raise ProseError(f"money: currency {currency!r} is not an ISO 4217 code; pass one such as 'USD' or 'EUR'")
    return int(get_currency_precision(currency))


#: Words for large amounts written with ``money(..., large=True)``, largest first.
_LARGE = ((Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million"))


def money(x: float, *, currency: str = "USD", decimals: int | None = None, large: bool = False,
          locale: str = DEFAULT_LOCALE, minus: str = "-") -> str:
    """An amount of money: ``2647.45`` -> ``"$2,647.45"``; ``1234.5`` yen -> ``"¥1,235"``.

    Parameters
    ----------
    x : float
        The amount, in the currency's own units (12_500_000 for 12.5 million euros).
    currency : str, default "USD"
        ISO 4217 code; babel gives its symbol in ``locale`` (``€`` for EUR in en_US).
    decimals : int, optional
        Decimals shown (0 for round figures such as "$2,647"); default the currency's minor unit
        (:func:`currency_digits`: 2 for dollars, 0 for yen). Never more than that: a yen amount
        has no decimals to show.
    large : bool, default False
        Write an amount of a million or more in words, as a reader says it: ``"€12.5 million"``,
        ``"$1.2 billion"``, with up to ``decimals`` decimals (default 1) of the millions.
        The words are English.
    locale : str, default "en_US"
        Babel locale for the symbol's place, grouping and decimal mark.
    minus : str, default "-"
        The character written for a negative sign: ASCII in prose, ``"\N{MINUS SIGN}"`` (U+2212) in
        chart text, which sets numbers in a typeface where the hyphen is too short.

    Returns
    -------
    str

    Raises
    ------
    ProseError
        When ``x`` is missing (NaN), infinite or not a number, or ``currency`` is not an ISO code.

    Examples
    --------
    >>> money(2647.45), money(2647.45, decimals=0), money(-12.5, currency="EUR")
    ('$2,647.45', '$2,647', '-€12.50')
    >>> money(1234.5, currency="JPY"), money(1234.5, currency="JPY", decimals=2)
    ('¥1,235', '¥1,235')
    >>> money(12_500_000, currency="EUR", large=True), money(-2_000_000_000, large=True), money(950, large=True)
    ('€12.5 million', '-$2 billion', '$950.00')
    """
    value = real(x, "x", "money")
    digits = currency_digits(currency)
    if large:
        for size, word in _LARGE:
            if abs(rounded(value, 0)) >= size:
                places = 1 if decimals is None else decimals
                _pattern(places, "money")
                # "#" decimals: "€12 million", never "€12.0 million".
                pattern = "¤#,##0" + ("." + "#" * places if places else "")
                with rounding():
                    text = format_currency(exact(value) / size, currency, format=pattern, locale=locale,
                                           currency_digits=False)
                return f"{_minus(text, minus)} {word}"
    if decimals is not None:
        _pattern(decimals, "money")
    places = digits if decimals is None else min(decimals, digits)
    pattern = "¤" + _pattern(places, "money")
    if _rounds_to_zero(value, places):
        value = 0
    with rounding():
        return _minus(format_currency(value, currency, format=pattern, locale=locale, currency_digits=False), minus)


def offsets(first: int, last: int, *, one: str = "day", many: str = "days", minus: str = "-") -> str:
    """Sessions (or days) counted from day 0, in words: ``days -5 to +5``; one of them once, ``day 0``.

    The one way reader text names an event window or part of one: signed offsets (day 0 unsigned)
    after the word for them, never "days 0 to 0".

    Parameters
    ----------
    first, last : int
        The first and last offset from day 0.
    one, many : str, default "day", "days"
        The word for one offset and for several ("session", "sessions"; "trading day", ...).
    minus : str, default "-"
        The negative sign, as in :func:`number` (U+2212 in chart text).

    Examples
    --------
    >>> offsets(-5, 5), offsets(0, 0), offsets(0, 1, one="session", many="sessions")
    ('days -5 to +5', 'day 0', 'sessions 0 to +1')
    >>> offsets(-1, -1, minus="\N{MINUS SIGN}")
    'day −1'
    """
    start, end = (number(int(k), signed=True, minus=minus) for k in (first, last))
    return f"{one} {start}" if int(first) == int(last) else f"{many} {start} to {end}"
