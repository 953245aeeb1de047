"""Reader names for tickers: ``S&P 500`` for ``^GSPC``, never a raw ticker in a sentence.

The toolkit knows only the names of widely followed market indices (general knowledge, not any
story's choice). Company names belong to a story, which registers them once, beside its
notebooks::

    from frstory import prose
    prose.register_display_names({"ACME": "Acme Corp"})

or passes ``names=`` for a single call.
"""

from __future__ import annotations

from collections.abc import Mapping

from frstory.errors import did_you_mean
from frstory.prose.errors import ProseError, UnknownDisplayName

__all__ = ["INDEX_NAMES", "display_name", "display_names", "register_display_names"]

_ARTICLE = "the "

#: Market indices by Yahoo ticker. Written with "the " when prose puts an article before them.
INDEX_NAMES: Mapping[str, str] = {
    "^GSPC": "the S&P 500",
    "^IXIC": "the Nasdaq Composite",
    "^NDX": "the Nasdaq-100",
    "^DJI": "the Dow Jones Industrial Average",
    "^RUT": "the Russell 2000",
    "^NYA": "the NYSE Composite",
    "^VIX": "the Cboe Volatility Index",
    "^SOX": "the PHLX Semiconductor Index",
    "^FTSE": "the FTSE 100",
    "^GDAXI": "the DAX",
    "^FCHI": "the CAC 40",
    "^STOXX50E": "the Euro Stoxx 50",
    "^N225": "the Nikkei 225",
    "^HSI": "the Hang Seng Index",
}

# ticker -> name as registered ("the " marks a name that takes an article). Process-wide, like a
# matplotlib style: a story registers its companies once, on import of its own module.
_registry: dict[str, str] = dict(INDEX_NAMES)


def _check_pair(ticker: object, name: object, where: str) -> None:
    if not isinstance(ticker, str) or not ticker.strip():
        raise ProseError(
            f"{where}: ticker {ticker!r} is not a ticker; use the Yahoo ticker as text, e.g. 'ACME' or '^GSPC'"
        )
    if not isinstance(name, str) or not name.strip() or name.strip().lower() == _ARTICLE.strip():
        raise ProseError(f"{where}: the name for {ticker!r} is {name!r}; give the name readers know, e.g. 'Acme Corp'")


def register_display_names(names: Mapping[str, str]) -> None:
    """Register reader names for tickers, for every later :func:`display_name` call in this process.

    A name that takes an article starts with ``"the "`` (``"the Technology Select Sector SPDR"``);
    :func:`display_name` leaves it out unless asked for with ``article=True``. Registering a ticker
    again replaces its name.

    Parameters
    ----------
    names : mapping of str to str
        Ticker -> name, e.g. ``{"ACME": "Acme Corp"}``.

    Raises
    ------
    ProseError
        When a ticker or a name is empty or not text (nothing is registered then).

    Examples
    --------
    >>> register_display_names({"XMPL": "Example Holdings"})
    >>> display_name("XMPL")
    'Example Holdings'
    """
    if not isinstance(names, Mapping):
        raise ProseError(
            f"register_display_names: pass a mapping of ticker to name such as {{'ACME': 'Acme Corp'}}, "
            f"not {type(names).__name__}"
        )
    for ticker, name in names.items():
        _check_pair(ticker, name, "register_display_names")
    _registry.update({ticker: name.strip() for ticker, name in names.items()})


def display_names() -> dict[str, str]:
    """Every registered name by ticker (a copy), with ``"the "`` on names that take an article.

    Examples
    --------
    >>> display_names()["^GSPC"]
    'the S&P 500'
    """
    return dict(_registry)


def display_name(ticker: str, *, article: bool = False, names: Mapping[str, str] | None = None) -> str:
    """The name readers know for ``ticker``: ``S&P 500`` for ``^GSPC``.

    Parameters
    ----------
    ticker : str
        The Yahoo ticker.
    article : bool, default False
        Put "the" before names that take it: ``the S&P 500``. Company names take none
        (``Acme Corp`` either way).
    names : mapping of str to str, optional
        Names for this call only, looked up before the registered ones.

    Returns
    -------
    str

    Raises
    ------
    UnknownDisplayName
        When no name is known for ``ticker``; the message says how to register one.

    Examples
    --------
    >>> display_name("^GSPC"), display_name("^GSPC", article=True), display_name("^IXIC")
    ('S&P 500', 'the S&P 500', 'Nasdaq Composite')
    >>> display_name("ACME", names={"ACME": "Acme Corp"}, article=True)
    'Acme Corp'
    >>> display_name("TTD", names={"TTD": "The Trade Desk"}), display_name("TTD", names={"TTD": "The Trade Desk"}, article=True)
    ('The Trade Desk', 'The Trade Desk')
    """
    if names is not None:
        if not isinstance(names, Mapping):
            raise ProseError(f"display_name: names must be a mapping of ticker to name, not {type(names).__name__}")
        if ticker in names:
            _check_pair(ticker, names[ticker], "display_name")
    name = names[ticker].strip() if names is not None and ticker in names else _registry.get(ticker)
    if name is None:
        known = sorted(set(_registry) | set(names or ()))
        hint = did_you_mean(ticker, known, n=3)
        raise UnknownDisplayName(
            f"no display name for ticker {ticker!r}{hint}: readers are not shown raw tickers. Register the "
            f"name readers know in the story's module with "
            f"frstory.prose.register_display_names({{{str(ticker)!r}: 'Name readers know'}}), or pass "
            f"names={{{str(ticker)!r}: '...'}} to this call"
        )
    # Only a lower-case "the " is the article convention: "The Trade Desk" or "The Home Depot" is
    # the company's own name, capital and all, in every sentence.
    if name.startswith(_ARTICLE):
        return name if article else name[len(_ARTICLE):]
    return name
