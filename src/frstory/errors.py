"""Exceptions raised by frstory.

Every error names what was wrong (file, line, column, ticker, ...), the bad value and how to fix it,
so that a journalist re-running an analysis can act on the message without reading a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "did_you_mean",
    "FrstoryError",
    "DataValidationError",
    "PriceDataUnavailable",
    "CacheIntegrityError",
    "AnalysisError",
    "ChartInputError",
    "BuildError",
]


class FrstoryError(Exception):
    """Base class for every error frstory raises on purpose."""


class DataValidationError(FrstoryError, ValueError):
    """A data file (events, claims, an imported price CSV) failed validation.

    Attributes
    ----------
    problems : list of dict
        One entry per problem with keys ``file``, ``line``, ``column``, ``value``, ``message``
        and ``fix`` (any may be ``None`` when it does not apply).
    """

    def __init__(self, message: str, problems: list[dict] | None = None):
        super().__init__(message)
        self.problems = list(problems or [])


class PriceDataUnavailable(FrstoryError, LookupError):
    """Prices for a ticker and range are neither in the cache nor obtainable from the source."""


class CacheIntegrityError(FrstoryError):
    """A cache file no longer matches the checksum recorded in its manifest."""


class AnalysisError(FrstoryError, ValueError):
    """An analysis cannot be computed from the data given (missing ticker, window beyond data, ...)."""


class ChartInputError(FrstoryError, ValueError):
    """A chart function received data it cannot draw (missing column, empty frame, bad dates)."""


class BuildError(FrstoryError):
    """The site build failed; the message names the notebook, cell, source line and exception."""


def did_you_mean(value: object, choices: Iterable[object], *, n: int = 1, cutoff: float = 0.6) -> str:
    """The hint an error message gives for a misspelt name: ``" (did you mean 'policy'?)"``, else ``""``.

    The one wording of every "did you mean" in frstory's messages (tickers, event ids, categories,
    parameters): up to ``n`` of the closest ``choices`` (``difflib``'s ratio at least ``cutoff``).

    Examples
    --------
    >>> did_you_mean("polcy", ["policy", "protest"])
    " (did you mean 'policy'?)"
    >>> did_you_mean("syn-a-paus", ["syn-a-pause", "syn-b-pause", "other"], n=2)
    " (did you mean 'syn-a-pause' or 'syn-b-pause'?)"
    >>> did_you_mean("zzz", ["policy"])
    ''
    """
    close = difflib.get_close_matches(str(value), [str(c) for c in choices], n=n, cutoff=cutoff)
    return f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""
