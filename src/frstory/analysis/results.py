"""Result objects of the event-study functions (kept separate so charts can import them cheaply)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = ["CarResult", "EventStudyResult", "TABLE_COLUMNS"]

#: Columns of :attr:`EventStudyResult.table`, in order.
TABLE_COLUMNS = ("offset", "date", "ret", "benchmark_ret", "expected", "ar", "car", "ar_t", "car_t")


@dataclass(frozen=True)
class CarResult:
    """Cumulative abnormal return over sessions ``start..end`` (inclusive, relative to day 0)."""

    start: int
    end: int
    car: float
    t: float
    p: float


@dataclass
class EventStudyResult:
    """One firm, one event: abnormal returns around day 0 against a benchmark.

    Attributes
    ----------
    ticker, benchmark : str
        The stock studied and the index its expected return comes from.
    event_date : pandas.Timestamp
        The announcement's calendar date.
    market_session : str
        When the news came out (``pre``, ``regular``, ``post``, ``closed``, ``unknown``).
    day0 : pandas.Timestamp
        First NYSE session whose close can reflect the news.
    model : str
        ``market``, ``market_adjusted`` or ``constant_mean``.
    estimation_window, event_window : tuple of int
        Inclusive windows in sessions relative to day 0.
    table : pandas.DataFrame
        Columns :data:`TABLE_COLUMNS`, one row per event-window session.
    alpha, beta, r2, sigma : float
        Model estimates (``nan`` where the model has none); ``sigma`` is the residual standard
        deviation over the estimation window, used for the t-statistics.
    n_estimation : int
        Sessions in the estimation window with returns for both series.
    warnings : list of str
        Plain-language caveats a reader must see next to the result.
    label : str
        Short description of the event, for tables and charts.
    """

    ticker: str
    benchmark: str
    event_date: pd.Timestamp
    market_session: str
    day0: pd.Timestamp
    model: str
    estimation_window: tuple[int, int]
    event_window: tuple[int, int]
    table: pd.DataFrame
    alpha: float
    beta: float
    r2: float
    sigma: float
    n_estimation: int
    warnings: list[str] = field(default_factory=list)
    label: str = ""
