"""What a chart's values are, and how axes, hover labels and alt text write them.

A chart is told its unit once (``unit="percent"``) and every place that shows a value follows
from it: tick labels, hover labels (the same format as the axis, with the series' name) and the
numbers in the alt text (written by :mod:`frstory.prose`, the house style for reader text).

Units take values as stored in a tidy frame: fractions for ``percent`` and ``points``
(0.034 is 3.4%, a difference of 0.002 is 0.2 percentage points), amounts for ``currency``,
whole numbers for ``count``, levels for ``index`` (100 = the base) and anything for ``number``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from frstory import prose
from frstory.errors import ChartInputError

__all__ = ["UNITS", "Unit", "UnitName", "get_unit", "series_name", "signed_zero_aliases"]

#: The minus sign plotly writes in tick labels (U+2212), and chart text with it.
MINUS = "\N{MINUS SIGN}"

UnitName = Literal["currency", "percent", "points", "count", "index", "number"]


@dataclass(frozen=True)
class Unit:
    """How one kind of value is scaled and written.

    ``scale`` multiplies stored values for display (points: x100); ``tickformat``/``hoverformat``
    are d3 formats applied to the scaled values; ``prefix``/``suffix`` wrap them.
    """

    name: str
    scale: float
    tickformat: str
    hoverformat: str
    prefix: str = ""
    suffix: str = ""
    axis_word: str = ""
    #: Decimals of the currency's minor unit (0 for yen): no tick or hover label writes finer amounts.
    minor_digits: int = 2
    #: Every value is a whole number (:meth:`fitted`): a plain number is then written without decimals.
    integers: bool = False
    #: ISO 4217 code of a ``currency`` unit: hover labels of millions are written by :func:`frstory.prose.money`.
    currency: str = "USD"

    @property
    def whole(self) -> bool:
        """Whether values are written whole (counts, amounts in yen), so that a tick between two would be misread.

        Examples
        --------
        >>> UNITS["count"].whole, get_unit("bar", "currency", "JPY").whole, UNITS["currency"].whole
        (True, True, False)
        """
        return self.name == "count" or (self.name == "currency" and self.minor_digits == 0)

    def axis(self) -> dict:
        """plotly axis settings for this unit.

        A signed format (points, ``+.1f``) signs zero as well, and d3-format has no "sign all but
        zero": the tick would read "+0.0 pp" where the house style writes "0.0 pp", so plotly's
        ``labelalias`` rewrites it.

        Examples
        --------
        >>> UNITS["points"].axis()["labelalias"]["+0.0 pp"]
        '0.0 pp'
        """
        axis = {"tickformat": self.tickformat, "tickprefix": self.prefix, "ticksuffix": self.suffix,
                "hoverformat": self.hoverformat}
        if self.tickformat.startswith("+") or self.hoverformat.startswith("+"):
            axis["labelalias"] = signed_zero_aliases(self)
        return axis

    def hover(self, axis: str = "y") -> str:
        """A hovertemplate value written like the axis, for values of zero or more: ``$%{y:,.2f}``, ``%{y:.1%}``.

        A hovertemplate's ``%{y:format}`` is d3-format alone, which signs zero ("+0.0 pp") and
        writes a minus as plotly's ASCII hyphen ("-3.4%"): plotly.js builds its d3 locale from a
        fixed list of keys that leaves out d3's ``minus`` (plotly.js #6045), so no config or
        locale sets it. A signed value is therefore a bare ``%{y}``: plotly then writes the
        axis's hover label (its ``hoverformat``, suffix, typographic minus U+2212 and the
        ``labelalias`` of :meth:`axis`, which unsigns zero), so the trace's axis must carry
        :meth:`axis`. Values that can go below zero take :meth:`hover_points`.

        Examples
        --------
        >>> UNITS["currency"].hover(), UNITS["points"].hover("x"), UNITS["percent"].hover()
        ('$%{y:,.2f}', '%{x}', '%{y:.1%}')
        """
        if self.hoverformat.startswith("+"):
            return f"%{{{axis}}}"
        return f"{self.prefix}%{{{axis}:{self.hoverformat}}}{self.suffix}"

    def hover_points(self, values: Sequence[float], axis: str = "y") -> tuple[str, list[str] | None]:
        """A hovertemplate value for a trace of ``values`` (display units) and the per-point texts it reads, if any.

        Below zero, :meth:`hover`'s d3 format would write a hyphen ("-3.4%", "€-5,000.00"). A
        trace that goes there hovers the axis's own label (a bare ``%{y}``, as a signed value
        does), which plotly writes with the minus of its ticks ("−3.4%"), except an amount of
        money: plotly writes the axis's prefix before the sign ("$−5,000.00"), so such a trace
        hovers a text per point, written like the axis ("−$5,000.00"). So does a trace with an
        amount of a million or more, which the axis writes compact ("€12.5M"): d3's
        "€12,500,000.00" beside it would be a different number to read. Such an amount hovers
        compact, to two decimals of its millions (or billions) where they are not zero; smaller
        amounts in the same trace keep the full format. Every other trace keeps the template
        alone, which costs no bytes per point.

        Examples
        --------
        >>> eur = get_unit("line", "currency", "EUR")
        >>> eur.hover_points([-5000.0, 0.001])
        ('%{customdata}', ['−€5,000.00', '€0.00'])
        >>> UNITS["currency"].hover_points([-5000.0]), UNITS["percent"].hover_points([-0.5, 0.2], "x")
        (('%{customdata}', ['−$5,000.00']), ('%{x}', None))
        >>> eur.hover_points([5000.0]), UNITS["percent"].hover_points([0.5])
        (('€%{y:,.2f}', None), ('%{y:.1%}', None))
        >>> eur.hover_points([12_500_000.0, -2_345_678.0, 950_000.0])
        ('%{customdata}', ['€12.5M', '−€2.35M', '€950,000.00'])
        """
        # An amount money() rounds to a million is written as one ("€1M", not "€1,000,000.00").
        millions = bool(self.prefix) and self.name == "currency" and any(abs(v) >= _MILLION for v in values)
        if not millions and not any(v < 0 for v in values):
            return self.hover(axis), None
        if not self.prefix:
            return f"%{{{axis}}}", None
        places = int(self.hoverformat.rsplit(".", 1)[1].rstrip("f"))
        step = Decimal(1).scaleb(-places)
        texts = []
        for v in values:
            if v != v:
                texts.append("")  # a gap: plotly draws and hovers nothing there
                continue
            if millions and abs(v) >= _MILLION:
                texts.append(self._compact(float(v)))
                continue
            # Rounded as d3-format (JavaScript's toFixed) rounds the same float elsewhere in the chart.
            size = Decimal(abs(float(v))).quantize(step, rounding=ROUND_HALF_UP)
            negative = v < 0 and size > 0  # "−€0.00" would sign nothing
            texts.append(f"{MINUS if negative else ''}{self.prefix}{size:,.{places}f}{self.suffix}")
        return "%{customdata}", texts

    def _compact(self, value: float) -> str:
        """An amount of a million or more as the axis writes it, minus first: ``−€2.35M``.

        :func:`frstory.prose.money` writes it in words ("−€2.35 million"), the one rounding of
        large amounts; the word becomes the letter of plotly's ``exponentformat="B"`` ticks.

        Examples
        --------
        >>> UNITS["currency"]._compact(-2_000_000_000.0), UNITS["currency"]._compact(999_999.5)
        ('−$2B', '$1M')
        """
        text = prose.money(value, currency=self.currency, decimals=2, large=True, minus=MINUS)
        number, _, word = text.rpartition(" ")
        return number + _COMPACT_LETTERS[word] + self.suffix

    def fitted(self, values: Sequence[float]) -> Unit:
        """This unit for a chart of ``values``: plain numbers that are all whole are written whole.

        A chart's numbers share one style: "from 3 to 30" when every value is whole, "from 3.50 to
        30.00" when one is not (never "3.50 ... 30" in one sentence).

        Examples
        --------
        >>> UNITS["number"].fitted([30.0, 12.0]).text(30.0), UNITS["number"].fitted([30.0, 3.5]).text(30.0)
        ('30', '30.00')
        """
        if self.name != "number":
            return self
        finite = [float(v) for v in values if v == v]
        return replace(self, integers=bool(finite) and all(v.is_integer() for v in finite))

    def signed(self) -> Unit:
        """This unit with a signed hover value ("+3.4%"): for a change, where the sign is the news.

        Examples
        --------
        >>> UNITS["percent"].signed().hover(), UNITS["points"].signed() == UNITS["points"]
        ('%{y}', True)
        """
        if self.hoverformat.startswith("+"):
            return self
        return replace(self, hoverformat="+" + self.hoverformat)

    def title(self, what: str) -> str:
        """An axis title: ``what`` with the unit's word where the ticks do not say it.

        Examples
        --------
        >>> UNITS["currency"].title("closing price"), UNITS["points"].title("abnormal return")
        ('Closing price (US$)', 'Abnormal return (percentage points)')
        >>> UNITS["count"].title("stories")
        'Stories'
        """
        text = what[:1].upper() + what[1:]
        return f"{text} ({self.axis_word})" if self.name in ("currency", "points") else text

    def text(self, value: float, *, currency: str = "USD", signed: bool = False, short: bool = False,
             decimals: int | None = None, minus: str = "-") -> str:
        """A value for reader text (alt text, tables): ``$2,647.45``, ``3.4%``, ``+0.2 percentage points``, ``2,647``.

        ``short`` writes points as ``pp`` (tables); ``decimals`` overrides the unit's own.

        Examples
        --------
        >>> UNITS["points"].text(-0.0234), UNITS["points"].text(-0.0234, short=True, decimals=2)
        ('-2.3 percentage points', '-2.34 pp')
        >>> UNITS["count"].text(1), UNITS["percent"].text(0.034, signed=True)
        ('1', '+3.4%')
        >>> UNITS["number"].text(12.5), get_unit("bar", "currency", "JPY").text(1234.5, currency="JPY")
        ('12.50', '¥1,235')

        Amounts are given in full (12_500_000 euros, not 12.5 "millions"): the axis writes
        ``€12.5M`` and reader text writes millions in words.

        >>> get_unit("bar", "currency", "EUR").text(12_500_000, currency="EUR")
        '€12.5 million'
        """
        if self.name == "currency":
            # Amounts of a thousand or more round to whole units; never finer than the currency's
            # minor unit (prose.money caps it: "¥1,235"); a million or more in words ("€12.5 million").
            large = decimals is None and abs(value) >= 999_999.5
            places = decimals if decimals is not None or large else (0 if abs(value) >= 1000 else None)
            return prose.money(value, currency=currency, decimals=places, large=large, minus=minus)
        if self.name == "percent":
            return prose.percent(value, decimals=1 if decimals is None else decimals, signed=signed, minus=minus)
        if self.name == "points":
            return prose.points(value, decimals=1 if decimals is None else decimals, signed=True, short=short,
                                minus=minus)
        if self.name == "count":
            return prose.number(value, decimals=0 if decimals is None else decimals, signed=signed, minus=minus)
        if self.name == "index":
            return prose.number(value, decimals=1 if decimals is None else decimals, signed=signed, minus=minus)
        # Whole numbers are written whole ("30", not "30.00"): the decimals would claim a precision they lack.
        places = decimals if decimals is not None else (0 if self.integers or abs(value) >= 100 else 2)
        return prose.number(value, decimals=places, signed=signed, minus=minus)


#: The smallest amount :func:`frstory.prose.money` writes in millions (it rounds to whole units first).
_MILLION = 999_999.5
#: plotly's ``exponentformat="B"`` letters (the axis's "€12.5M") for prose's words.
_COMPACT_LETTERS = {"million": "M", "billion": "B"}


def signed_zero_aliases(unit: Unit) -> dict[str, str]:
    """plotly ``labelalias`` entries that write zero unsigned on an axis whose format signs it.

    Keys are tick labels as plotly writes them, prefix and suffix included: ``+0.0 pp``, and
    ``−0.0 pp`` for a zero that arithmetic left a hair below it; up to six decimals. plotly
    writes hover labels of a bare ``%{y}`` (:meth:`Unit.hover`) the same way, aliases included.

    Examples
    --------
    >>> signed_zero_aliases(UNITS["points"])["+0 pp"], len(signed_zero_aliases(UNITS["points"]))
    ('0 pp', 14)
    >>> signed_zero_aliases(UNITS["percent"].signed())["+0.0%"]
    '0.0%'
    """
    zeros = ["0", *("0." + "0" * places for places in range(1, 7))]
    # A d3 percent format writes its own "%" (no suffix).
    mark = "%" if unit.hoverformat.endswith("%") else ""
    return {f"{unit.prefix}{sign}{zero}{mark}{unit.suffix}": f"{unit.prefix}{zero}{mark}{unit.suffix}"
            for sign in ("+", MINUS) for zero in zeros}


UNITS: dict[str, Unit] = {
    "currency": Unit("currency", 1.0, ",.2f", ",.2f", prefix="$", axis_word="US$"),
    "percent": Unit("percent", 1.0, ".0%", ".1%", axis_word="per cent"),
    "points": Unit("points", 100.0, "+.1f", "+.1f", suffix=" pp", axis_word="percentage points"),
    "count": Unit("count", 1.0, ",d", ",d"),
    "index": Unit("index", 1.0, ",.0f", ",.1f", axis_word="index"),
    "number": Unit("number", 1.0, ",~g", ",.2~f"),
}


def get_unit(kind: str, unit: object, currency: str = "USD") -> Unit:
    """The :class:`Unit` named ``unit``; an unknown name is an error naming the ``unit`` keyword.

    For ``unit="currency"`` the axis, hover and axis title carry the symbol of ``currency`` (an ISO
    4217 code), as the alt text does through :func:`frstory.prose.money`.

    Examples
    --------
    >>> get_unit("line", "percent").hover()
    '%{y:.1%}'
    >>> get_unit("line", "currency", "EUR").hover(), get_unit("line", "currency", "EUR").title("price")
    ('€%{y:,.2f}', 'Price (€)')
    >>> get_unit("line", "currency", "JPY").hover()
    '¥%{y:,.0f}'

    """
    if isinstance(unit, Unit):
        return unit
    if unit not in UNITS:
        raise ChartInputError(
            f"{kind}: unit={unit!r} is not a unit frstory knows. Fix: pass unit= one of "
            f"{', '.join(map(repr, UNITS))} (percent and points take fractions: 0.034 is 3.4%)."
        )
    found = UNITS[str(unit)]
    if found.name != "currency" or currency == "USD":
        return found
    from babel.numbers import get_currency_symbol, is_currency

    if not (isinstance(currency, str) and len(currency) == 3 and currency.isupper() and is_currency(currency)):
        raise ChartInputError(
            f"{kind}: currency={currency!r} is not an ISO 4217 currency code. Fix: pass a code such as "
            "currency='EUR', 'GBP' or 'JPY'."
        )
    from frstory.prose.numbers import DEFAULT_LOCALE

    symbol = get_currency_symbol(currency, locale=DEFAULT_LOCALE)
    # A currency without minor units (yen, won) hovers whole amounts: "¥1,234", never "¥1,234.00".
    minor = prose.numbers.currency_digits(currency)
    hoverformat = found.hoverformat if minor else ",.0f"
    return replace(found, prefix=symbol, axis_word=symbol, hoverformat=hoverformat, minor_digits=minor,
                   currency=currency)


def series_name(value: object, names: Mapping[str, str] | None = None, *, article: bool = False,
                ticker: bool = False) -> str:
    """The reader name of a series: ``names`` first, then a registered display name, else the value itself.

    ``article=True`` gives the name as a sentence writes it, ``the S&P 500``; labels and legends
    take none. A name in ``names`` that starts with a lower-case "the " takes the article, as in
    :func:`frstory.prose.display_name`; a capital "The" is part of the name (``The Example Co``).

    ``ticker=True`` says the value is a ticker (a price frame's ``ticker`` column, an event-study
    result's stock): a ticker has no label of its own for readers, so one without a name is
    :class:`frstory.prose.UnknownDisplayName`, the error ``EventStudyResult.summary()`` raises,
    never the raw ticker. Any other series (a desk, a region) is its own label.

    Raises
    ------
    frstory.prose.UnknownDisplayName
        With ``ticker=True``, when neither ``names`` nor the registry names the ticker.

    Examples
    --------
    >>> series_name("^GSPC"), series_name("City"), series_name("X", {"X": "Ex"})
    ('S&P 500', 'City', 'Ex')
    >>> series_name("^GSPC", article=True), series_name("City", article=True)
    ('the S&P 500', 'City')
    >>> series_name("^X", {"^X": "the X Index"}), series_name("^X", {"^X": "the X Index"}, article=True)
    ('X Index', 'the X Index')
    >>> series_name("XCO", {"XCO": "The Example Co"})
    'The Example Co'
    >>> series_name("NWD.DE", {"NWD.DE": "Northwind AG"}, ticker=True)
    'Northwind AG'
    >>> series_name("NWD.DE", ticker=True)
    Traceback (most recent call last):
    ...
    frstory.prose.errors.UnknownDisplayName: no display name for ticker 'NWD.DE': readers are not shown raw tickers. Register the name readers know in the story's module with frstory.prose.register_display_names({'NWD.DE': 'Name readers know'}), or pass names={'NWD.DE': '...'} to this call
    """
    text = str(value)
    if ticker:
        return prose.display_name(text, article=article, names=dict(names) if names else None)
    if names and text in names:
        name = str(names[text]).strip()
        # The same names= a story gives EventStudyResult.summary ("the synthetic index") label a line without "the".
        if not article and name.startswith("the ") and name[4:].strip():
            return name[4:].strip()
        return name
    try:
        return prose.display_name(text, article=article)
    except prose.UnknownDisplayName:
        return text
    except prose.ProseError:
        return text
