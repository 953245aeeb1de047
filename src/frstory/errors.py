"""Exceptions raised by frstory.

Every error names what was wrong (file, line, column, ticker, ...), the bad value and how to fix it,
so that a journalist re-running an analysis can act on the message without reading a traceback.
"""

from __future__ import annotations

__all__ = [
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
