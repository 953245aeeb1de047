"""Event studies: did a stock move more than the market explains when the news came out?

Method (Campbell, Lo & MacKinlay 1997, ch. 4; MacKinlay 1997):

* Returns are simple daily close-to-close returns of one price column, aligned to the NYSE
  calendar. A session without a price makes that day's and the next day's return missing; missing
  returns are dropped (and reported), never filled.
* Day 0 is :func:`frstory.reaction_session` of the announcement date and its ``market_session``
  (an after-close announcement reacts the next session). Windows count NYSE sessions relative to
  day 0, both ends inclusive.
* The normal-return model is estimated on the estimation window and held fixed over the event
  window: ``market`` (OLS of the stock's returns on the benchmark's), ``market_adjusted``
  (expected return = the benchmark's; nothing estimated) or ``constant_mean`` (expected return =
  the stock's mean return in the estimation window).
* ``sigma`` is the residual standard deviation, ``sqrt(SSR / (n - k))`` with ``k`` estimated
  parameters (2, 1, 0). Every test, standard error and detection limit comes from
  :mod:`frstory.analysis.inference`: the full prediction-error variance of AR and CAR (the
  estimation-error term matters when the benchmark moves far from its mean, e.g. a -6% day judged
  with a window of calm days), Student's t on ``n - k`` degrees of freedom, a rank test and a
  sign test beside the t-test, and, for several firms, :func:`pooled_tests`.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from frstory import prose
from frstory.analysis import inference
from frstory.analysis.results import SUMMARY_COLUMNS, TABLE_COLUMNS, Caveat, EventStudyResult, reader_name
from frstory.analysis.returns import _check_price_frame
from frstory.data.calendar import _as_day, reaction_problems, reaction_session, reaction_sessions, session_positions
from frstory.errors import AnalysisError, did_you_mean

__all__ = ["event_study", "event_studies", "robustness", "pooled_tests", "MODELS", "CLUSTER_NOTE"]

#: Normal-return models and the number of parameters each estimates.
MODELS = {"market": 2, "market_adjusted": 0, "constant_mean": 1}
#: Fewer estimation sessions than this is an error; fewer than RECOMMENDED_ESTIMATION a warning.
MIN_ESTIMATION = 30
RECOMMENDED_ESTIMATION = 100
#: A residual standard deviation at or below this (0.0000001% a day) is no noise at all: float error.
MIN_SIGMA = 1e-9
#: A daily move of more than this (as a fraction) in a stock looks like an unadjusted split.
SPLIT_LIKE_JUMP = 0.40
#: A rise of the adjusted close relative to the as-traded close (``adj_close / close`` against the
#: session before) beyond this (as a fraction) marks a distribution bigger than a dividend: a
#: spin-off or a special dividend going ex that day, on which as-traded close returns are too low.
#: An ordinary quarterly dividend moves the ratio by its quarterly yield, 0.2-1% for most stocks
#: and about 1.5% for a 6%-a-year payer, so 2% stays above those; yet a 2% error is already as
#: large as a day's typical noise (a large stock's residual standard deviation is 1-2%), enough
#: to change a verdict. A spin-off of a unit worth a few percent of the parent moves it by that much.
DISTRIBUTION_JUMP = 0.02
#: Day 0's benchmark move beyond this many robust standard deviations gets a warning.
MARKET_MOVE_SIGMAS = 3.0
CLUSTER_NOTE = (
    "Each row is a single-firm test: its t and p use only that firm's own estimation-window noise. "
    "Rows listed in 'clustered_with' share event-window sessions, so the same market-wide news hits "
    "all of them and their abnormal returns are correlated (cross-sectional dependence). Averaging "
    "them or pooling their t-statistics as if independent would overstate the evidence; "
    "fr.pooled_tests pools them with the Kolari-Pynnonen adjustment and a rank test whose "
    "denominator carries the correlation, and refuses the sign test for clustered events."
)


# --------------------------------------------------------------------------------------------
# Returns panel: all tickers aligned to the NYSE calendar


@dataclass
class _Panel:
    sessions: pd.DatetimeIndex
    tickers: list[str]
    rets: np.ndarray  # sessions x tickers, simple returns of the price column
    overnight: np.ndarray | None  # open / previous price - 1, for the split check
    payout: np.ndarray | None  # change of adj_close / close from the session before (as-traded closes only)
    first: np.ndarray  # per ticker: first position with a return
    last: np.ndarray  # per ticker: last position with a price
    off_calendar: int  # rows dropped because their date is not an NYSE session
    price: str
    missing: list[str]  # tickers asked for but absent (only with skip_missing)
    #: Calendar position of ``sessions[0]``. ``first`` and ``last`` count from there too, and lie
    #: outside ``0 .. len(sessions) - 1`` when the panel was cut to the sessions a batch needs.
    offset: int = 0

    def col(self, ticker: str) -> int:
        return self.tickers.index(ticker)

    def session_at(self, position: int) -> pd.Timestamp:
        """The session at panel ``position``, also outside a panel cut to a batch's sessions."""
        return _calendar_day(self.offset + int(position))

    def _split_like(self) -> np.ndarray:
        """Sessions x tickers: a close-to-close or overnight move beyond :data:`SPLIT_LIKE_JUMP`."""
        jumpy = self.__dict__.get("_jumpy")
        if jumpy is None:
            with np.errstate(invalid="ignore"):
                size = np.abs(self.rets) if self.overnight is None else np.fmax(np.abs(self.rets),
                                                                                np.abs(self.overnight))
                jumpy = self.__dict__["_jumpy"] = size > SPLIT_LIKE_JUMP
        return jumpy

    def jumps(self, usable: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray] | None:
        """Split-like jumps (a close-to-close or overnight move beyond :data:`SPLIT_LIKE_JUMP`).

        Returns ``(count, first)``, both sessions x tickers: ``count[p, j]`` jumps of ticker ``j``
        before position ``p`` (one extra row at the end) and ``first[p, j]`` the first jump at or
        after ``p`` (a huge number if none), counting only ``usable`` sessions when given;
        ``None`` when there is no jump at all (most panels).
        """
        return self._runs("jumps", self._split_like, usable)

    def distributions(self, usable: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray] | None:
        """Ex-dates of distributions bigger than a dividend, as :meth:`jumps` counts jumps.

        A session whose ``payout`` exceeds :data:`DISTRIBUTION_JUMP`, unless it is a split-like
        jump: a split moves the ratio too, and has its own caveat. ``None`` without ``payout``, or
        without any such session.
        """
        if self.payout is None:
            return None

        def flags() -> np.ndarray:
            with np.errstate(invalid="ignore"):
                return (self.payout > DISTRIBUTION_JUMP) & ~self._split_like()

        return self._runs("distributions", flags, usable)

    def _runs(self, kind: str, flags, usable: np.ndarray | None) -> tuple[np.ndarray, np.ndarray] | None:
        """Running counts and next positions of the sessions ``flags()`` marks (made once per kind and mask).

        ``None`` when no session is marked: the running sums would be zeros, at the cost of two
        passes over every session and ticker.
        """
        key = (kind, None if usable is None or usable.all() else usable.tobytes())
        cache = self.__dict__.setdefault("_runs_cache", {})
        if key not in cache:
            marked = flags()
            if key[1] is not None:
                marked = marked & usable[:, None]
            if not marked.any():
                cache[key] = None
                return None
            count = np.zeros((marked.shape[0] + 1, marked.shape[1]), np.int64)
            np.cumsum(marked, axis=0, out=count[1:])
            never = np.iinfo(np.int64).max
            at = np.where(marked, np.arange(marked.shape[0])[:, None], never)
            cache[key] = count, np.minimum.accumulate(at[::-1], axis=0)[::-1]
        return cache[key]

    def day_text(self) -> _DayWords:
        """Session ``i`` in words (``day_text()[i]``), as the caveats tell readers; each written once."""
        text = self.__dict__.get("_day_text")
        if text is None:
            text = self.__dict__["_day_text"] = _DayWords(self)
        return text


class _DayWords:
    """The sessions' dates as prose writes them, made on first use: a market-wide batch names few of them."""

    def __init__(self, panel: _Panel) -> None:
        self._panel = panel
        self._days: np.ndarray | None = None
        self._text: dict[int, str] = {}

    def __getitem__(self, position) -> str:
        position = int(position)
        text = self._text.get(position)
        if text is None:
            # Outside the panel's own sessions from the calendar: a panel cut to a batch's
            # sessions still names where a ticker's prices begin or end beyond the cut.
            days = self._days
            if days is None:
                days = self._days = self._panel.sessions.to_numpy("datetime64[D]")
            # A datetime.date, not a pandas Timestamp: boxing one costs more than writing its words.
            day = days[position].item() if 0 <= position < len(days) else self._panel.session_at(position).date()
            text = self._text[position] = prose.date(day)
        return text


def _available(prices: pd.DataFrame) -> str:
    names = sorted(map(str, pd.unique(prices["ticker"].dropna())))
    shown = ", ".join(names[:20]) + (f" and {len(names) - 20} more" if len(names) > 20 else "")
    return shown or "none"


def _build_panel(prices: pd.DataFrame, tickers: Sequence[str], price: str, *, what: str,
                 skip_missing: bool = False, benchmark: str | None = None,
                 span: tuple[int | None, int] | None = None) -> _Panel:
    """Align ``tickers`` to the NYSE calendar: one column per ticker, one row per session.

    With ``skip_missing`` a ticker absent from ``prices`` is left out (listed in ``missing``)
    instead of raising. With ``span`` (first and last calendar position; ``None``: from the
    first price) the panel holds only those sessions: a batch of event studies around one date
    needs a year of a multi-year frame, and every matrix below scales with the sessions kept.
    Every row is still checked, and ``first``/``last`` still say where each ticker's prices
    begin and end (counted from ``offset``), so messages about missing history are unchanged.
    """
    _check_price_frame(prices, ("date", "ticker", price), what=what)
    wanted = list(dict.fromkeys(tickers))
    row_codes, uniques = _ticker_codes(prices["ticker"])
    index_of = {str(u): j for j, u in enumerate(uniques)}
    missing = [t for t in wanted if t not in index_of]
    if missing and not skip_missing:
        present = [str(u) for u in uniques if isinstance(u, str)]
        # " (did you mean 'SYNA' for 'SYNAX'?)": several tickers may be missing at once.
        hints = {t: did_you_mean(t, present) for t in missing}
        hint = "".join(f"{h[:-2]} for {t!r}?)" for t, h in hints.items() if h)
        # The fix depends on which ticker is absent: the benchmark can be swapped for one present.
        fix = ("pass benchmark= one of the tickers present, or load it with fr.load_prices([...])"
               if benchmark is not None and missing == [benchmark]
               else "check the ticker's spelling, or load its prices with fr.load_prices([...])")
        raise AnalysisError(
            f"{what}: no prices for {', '.join(missing)} in the price frame (it has {_available(prices)}){hint}; {fix}"
        )
    wanted = [t for t in wanted if t in index_of]
    lookup = np.full(len(uniques) + 1, -1, dtype=np.int64)  # the extra -1 slot catches missing tickers
    for j, t in enumerate(wanted):
        lookup[index_of[t]] = j
    codes = lookup[row_codes]
    keep = codes >= 0
    dates = pd.DatetimeIndex(prices["date"])
    if dates.tz is not None:
        dates = dates.tz_convert("America/New_York").tz_localize(None)
    day_ns = dates.to_numpy("datetime64[ns]")
    day_ns = day_ns if keep.all() else day_ns[keep]
    if np.isnat(day_ns).any():
        raise AnalysisError(f"{what}: the price frame has rows without a date (NaT); drop or fix them")
    cal_pos, on_calendar = _calendar_positions(day_ns)
    if not on_calendar.any():
        raise AnalysisError(f"{what}: none of the price rows falls on an NYSE session; check the date column")
    first_pos, last_pos = int(cal_pos[on_calendar].min()), int(cal_pos[on_calendar].max())
    all_on_calendar = bool(on_calendar.all())
    # Boolean selections copy every column they touch: skipped when every row is kept.
    rows = None if all_on_calendar and keep.all() else np.flatnonzero(keep)[on_calendar]
    pos = cal_pos[on_calendar] - first_pos if not all_on_calendar else cal_pos - first_pos
    codes = codes[rows] if rows is not None else codes

    def column(name: str) -> np.ndarray:
        series = prices[name]
        # na_value= makes pandas copy even a float column without gaps: asked only where needed.
        values = (series.to_numpy() if series.dtype == np.float64
                  else series.to_numpy(dtype="float64", na_value=np.nan))
        return np.take(values, rows) if rows is not None else values

    values = column(price)
    n_tickers = len(wanted)
    # Each row's cell of the sessions x tickers matrices, flattened: numpy scatters a flat index
    # several times faster than a (row, column) pair.
    cell = pos * n_tickers + codes
    counts = np.bincount(cell, minlength=(last_pos - first_pos + 1) * n_tickers)
    if counts.max(initial=0) > 1:
        where = int(np.argmax(counts))
        raise AnalysisError(
            f"{what}: ticker {wanted[where % n_tickers]} has {int(counts[where])} rows for "
            f"{_calendar_day(first_pos + where // n_tickers).date()}; "
            "keep one row per ticker and session"
        )
    bad = (values <= 0) | np.isinf(values)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise AnalysisError(
            f"{what}: ticker {wanted[codes[i]]} has {price} = {float(values[i]):g} on "
            f"{_calendar_day(first_pos + int(pos[i])).date()}; prices must be positive "
            "and finite, so fix or drop that row"
        )
    offset, ends = first_pos, None
    if span is not None:
        start = first_pos if span[0] is None else max(first_pos, int(span[0]))
        end = min(last_pos, int(span[1]))
        if start <= end and (start, end) != (first_pos, last_pos):
            # Where each ticker's prices begin and end, from every row (the cut hides them): the
            # rows per session and ticker counted above, unless some rows have no price.
            priced = np.isfinite(values)
            if not priced.all():
                counts = np.bincount(cell[priced], minlength=counts.size)
            has_price = counts.reshape(-1, n_tickers) > 0
            never = ~has_price.any(axis=0)
            ends = (np.where(never, np.iinfo(np.int64).max // 2, has_price.argmax(axis=0)),
                    np.where(never, -1, has_price.shape[0] - 1 - has_price[::-1].argmax(axis=0)))
            inside = np.flatnonzero((pos >= start - first_pos) & (pos <= end - first_pos))
            cell = np.take(cell, inside) - (start - first_pos) * n_tickers
            rows = inside if rows is None else np.take(rows, inside)
            values = np.take(values, inside)
            offset, last_pos = start, end
    sessions = _sessions_between(offset, last_pos)
    n_sessions = len(sessions)
    level = np.full((n_sessions, n_tickers), np.nan)
    level.reshape(-1)[cell] = values
    rets = np.full_like(level, np.nan)
    rets[1:] = level[1:] / level[:-1] - 1.0
    overnight = None
    if "open" in prices.columns and price == "close":
        opens = np.full_like(level, np.nan)
        opens.reshape(-1)[cell] = column("open")
        overnight = np.full_like(level, np.nan)
        overnight[1:] = opens[1:] / level[:-1] - 1.0
    payout = None
    if "adj_close" in prices.columns and price == "close":
        # On an ex-date the adjusted close keeps what shareholders received and the as-traded close
        # does not, so their ratio rises by the distribution's size that day.
        adjusted = column("adj_close")
        ratio = np.full_like(level, np.nan)
        ratio.reshape(-1)[cell] = np.where(adjusted > 0, adjusted, np.nan) / values
        payout = np.full_like(level, np.nan)
        payout[1:] = ratio[1:] / ratio[:-1] - 1.0
    if ends is None:
        has_price = np.isfinite(level)
        empty = ~has_price.any(axis=0)
        first = has_price.argmax(axis=0) + 1
        last = n_sessions - 1 - has_price[::-1].argmax(axis=0)
    else:
        empty = ends[1] < 0
        first = ends[0] - (offset - first_pos) + 1
        last = ends[1] - (offset - first_pos)
    if empty.any():
        raise AnalysisError(
            f"{what}: ticker {wanted[int(np.flatnonzero(empty)[0])]} has no {price} values at all; "
            "choose another price= column or reload its prices"
        )
    return _Panel(sessions, wanted, rets, overnight, payout, first, last, int((~on_calendar).sum()), price, missing,
                  offset)


def _ticker_codes(tickers: pd.Series) -> tuple[np.ndarray, list]:
    """``pd.factorize`` of a ticker column: codes per row (-1 for a missing ticker), and uniques.

    A tidy frame keeps each ticker's rows together, so for an Arrow-backed column its runs are
    found first (a linear scan in pyarrow) and only one value per run is hashed: half the time
    of hashing all half-million rows of a 500-ticker frame. Other columns, and frames whose
    tickers do not come in runs, are factorized directly.
    """
    arrow = getattr(tickers.array, "__arrow_array__", None)
    if arrow is not None and len(tickers) > 10_000:
        import pyarrow as pa
        import pyarrow.compute as pc

        array = arrow()
        array = array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
        runs = pc.run_end_encode(array)
        if len(runs.values) * 8 <= len(array):
            run_codes, uniques = pd.factorize(runs.values.to_numpy(zero_copy_only=False))
            lengths = np.diff(runs.run_ends.to_numpy(), prepend=0)
            return np.repeat(run_codes, lengths), list(uniques)
    codes, uniques = pd.factorize(tickers)
    return codes, list(uniques)


_DAY_NS = 86_400_000_000_000


def _calendar_positions(day_ns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's position on the NYSE session axis, and whether its date is a session at all.

    A tidy frame repeats each date once per ticker, so the calendar is looked up once per day
    of the frame's range (a time of day does not move a price to another session) and each row
    reads its day's answer; a range far longer than the rows are many looks up the distinct dates.
    """
    day = day_ns.view("int64") // _DAY_NS
    first = int(day.min())
    index = day - first
    n_days = int(index.max()) + 1
    if n_days > 4 * len(day) + 1_000:
        codes, distinct = pd.factorize(day)
        return tuple(values[codes] for values in session_positions((distinct * _DAY_NS).view("datetime64[ns]")))
    days = ((np.arange(n_days, dtype=np.int64) + first) * _DAY_NS).view("datetime64[ns]")
    return tuple(values[index] for values in session_positions(days))


def _calendar_day(position: int) -> pd.Timestamp:
    from frstory.data.calendar import _session_grid

    return pd.Timestamp(_session_grid()[position])


def _sessions_between(first: int, last: int) -> pd.DatetimeIndex:
    from frstory.data.calendar import _session_grid

    return pd.DatetimeIndex(_session_grid()[first: last + 1], name="date")


# --------------------------------------------------------------------------------------------
# Windows, day 0 and options


def _check_windows(estimation_window, event_window, model: str) -> tuple[tuple[int, int], tuple[int, int]]:
    if model not in MODELS:
        raise AnalysisError(f"model {model!r} is not one of {', '.join(MODELS)}: choose a normal-return model")
    try:
        s0, s1 = (_offset(v) for v in estimation_window)
        e0, e1 = (_offset(v) for v in event_window)
    except (TypeError, ValueError) as exc:
        raise AnalysisError(
            f"windows must be pairs of integers such as (-250, -11) and (-5, 5), got "
            f"estimation_window={estimation_window!r}, event_window={event_window!r}"
        ) from exc
    for name, (first, last) in (("estimation_window", (s0, s1)), ("event_window", (e0, e1))):
        if first > last:
            raise AnalysisError(f"{name}={first, last} runs backwards: give (first, last) session offsets with "
                                f"first <= last, i.e. {name}={last, first}")
    if not (s0 <= s1 < 0 and s1 < e0 <= e1):
        raise AnalysisError(
            f"estimation_window={s0, s1} and event_window={e0, e1} do not fit: the estimation window "
            "must end before day 0 and before the event window starts (e.g. (-250, -11) and (-5, 5))"
        )
    return (s0, s1), (e0, e1)


def _offset(value) -> int:
    """A window end as a whole number of sessions; ``int()`` alone would read 0.5 as 0 and "5" as 5."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.number)):
        raise TypeError(value)
    if not float(value).is_integer():
        raise ValueError(value)
    return int(value)


def _check_exclude(exclude) -> tuple[tuple[pd.Timestamp, pd.Timestamp], ...]:
    out = []
    for item in exclude or ():
        try:
            start, end = item
        except (TypeError, ValueError) as exc:
            raise AnalysisError(
                f"exclude= needs (start, end) pairs such as [('2020-02-01', '2020-04-30')], got {item!r}"
            ) from exc
        start, end = _as_day(start, "exclude start"), _as_day(end, "exclude end")
        if end < start:
            raise AnalysisError(f"exclude range {start.date()} to {end.date()} ends before it starts; swap the dates")
        out.append((start, end))
    return tuple(out)


def _estimation_positions(p0: np.ndarray, window: tuple[int, int], allowed: np.ndarray):
    """Positions of each event's estimation sessions: the ``n`` allowed sessions ending at ``p0 + s1``.

    Without exclusions that is simply ``p0+s0 .. p0+s1``. Sessions before the start of the
    calendar axis come back as -1 (the window is truncated there).
    """
    s0, s1 = window
    n = s1 - s0 + 1
    allowed_pos = np.flatnonzero(allowed)
    running = np.cumsum(allowed)
    end = p0 + s1
    last_allowed = np.where(end >= 0, running[np.clip(end, 0, len(allowed) - 1)] - 1, -1)
    idx = last_allowed[:, None] + np.arange(-n + 1, 1)[None, :]
    exists = idx >= 0
    if allowed_pos.size == 0:
        return np.full(idx.shape, -1), np.zeros(idx.shape, bool)
    return np.where(exists, allowed_pos[np.clip(idx, 0, None)], -1), exists


# --------------------------------------------------------------------------------------------
# The computation, vectorised over events; the fit is pluggable (per event or closed form)


@dataclass
class _Core:
    """Everything computed for a batch of events, as arrays with one row per event."""

    p0: np.ndarray
    lo: np.ndarray  # first position where both series have a return
    hi: np.ndarray  # last position where both have a price
    est_pos: np.ndarray
    est_in: np.ndarray  # inside both series' data
    est_use: np.ndarray  # ... and both returns present
    evt_pos: np.ndarray
    evt_in: np.ndarray
    y_est: np.ndarray
    x_est: np.ndarray
    y_evt: np.ndarray
    x_evt: np.ndarray
    n: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    r2: np.ndarray
    sigma: np.ndarray
    x_mean: np.ndarray  # the benchmark's mean return over the estimation sample
    sxx: np.ndarray  # ... and its sum of squared deviations (prediction-error variance)
    expected: np.ndarray
    ar: np.ndarray
    car: np.ndarray
    days: np.ndarray  # abnormal returns summed so far
    excluded_sessions: np.ndarray
    # diagnostics behind the warnings
    market0: np.ndarray
    market_z: np.ndarray
    market_robust_sd: np.ndarray
    market_plain_z: np.ndarray
    jump_count: np.ndarray
    jump_pos: np.ndarray
    payout_count: np.ndarray  # distributions bigger than a dividend in the windows (as-traded closes only)
    payout_pos: np.ndarray
    est_gaps: np.ndarray  # returns missing inside the estimation window's data range
    evt_gaps: np.ndarray  # ... and inside the event window's
    allowed: np.ndarray  # per session: may it enter an estimation window (not excluded)


def _fit(y: np.ndarray, x: np.ndarray, use: np.ndarray, model: str):
    """Every event's normal-return model at once: closed-form OLS on masked matrices (events x sessions).

    The one OLS path of frstory (a single event is a batch of one); the tests check it against
    statsmodels. Returns ``alpha, beta, r2, sigma, x_mean, sxx`` per event.
    """
    n = use.sum(axis=1).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        y0 = np.where(use, y, 0.0)
        x0 = np.where(use, x, 0.0)
        my = y0.sum(axis=1) / n
        mx = x0.sum(axis=1) / n
        dy = np.where(use, y - my[:, None], 0.0)
        dx = np.where(use, x - mx[:, None], 0.0)
        syy = (dy * dy).sum(axis=1)
        sxx = (dx * dx).sum(axis=1)
        nan = np.full(len(n), np.nan)
        if model == "market":
            beta = (dx * dy).sum(axis=1) / sxx
            alpha = my - beta * mx
            resid = dy - beta[:, None] * dx
            ssr = (resid * resid).sum(axis=1)
            return alpha, beta, 1.0 - ssr / syy, np.sqrt(ssr / (n - 2)), mx, sxx
        if model == "constant_mean":
            return my, nan, nan, np.sqrt(syy / (n - 1)), mx, sxx
        resid = np.where(use, y - x, 0.0)
        return nan, nan, nan, np.sqrt((resid * resid).sum(axis=1) / n), mx, sxx


def _core(panel: _Panel, k: np.ndarray, b: np.ndarray, p0: np.ndarray, estimation_window, event_window,
          model: str, exclude) -> _Core:
    n_sessions = len(panel.sessions)
    allowed = np.ones(n_sessions, bool)
    for start, end in exclude:
        allowed &= ~((panel.sessions >= start) & (panel.sessions <= end))
    est_pos, exists = _estimation_positions(p0, estimation_window, allowed)
    s0, s1 = estimation_window
    plain = p0[:, None] + np.arange(s0, s1 + 1)[None, :]
    plain_allowed = np.where(plain >= 0, allowed[np.clip(plain, 0, n_sessions - 1)], True)
    excluded_sessions = (~plain_allowed).sum(axis=1)

    lo = np.maximum(panel.first[k], panel.first[b])
    hi = np.minimum(panel.last[k], panel.last[b])
    est_in = exists & (est_pos >= lo[:, None]) & (est_pos <= hi[:, None])
    safe_est = np.clip(est_pos, 0, None)
    y_est = panel.rets[safe_est, k[:, None]]
    x_est = panel.rets[safe_est, b[:, None]]
    est_use = est_in & np.isfinite(y_est) & np.isfinite(x_est)

    e0, e1 = event_window
    evt_pos = p0[:, None] + np.arange(e0, e1 + 1)[None, :]
    evt_in = (evt_pos >= lo[:, None]) & (evt_pos <= hi[:, None])
    safe_evt = np.clip(evt_pos, 0, n_sessions - 1)
    y_evt = np.where(evt_in, panel.rets[safe_evt, k[:, None]], np.nan)
    x_evt = np.where(evt_in, panel.rets[safe_evt, b[:, None]], np.nan)

    alpha, beta, r2, sigma, x_mean, sxx = _fit(y_est, x_est, est_use, model)
    if model == "market":
        expected = alpha[:, None] + beta[:, None] * x_evt
    elif model == "constant_mean":
        expected = np.broadcast_to(alpha[:, None], y_evt.shape) + 0.0 * x_evt
    else:
        expected = x_evt.copy()
    ar = y_evt - expected
    known = np.isfinite(ar)
    car = np.cumsum(np.where(known, ar, 0.0), axis=1)
    days = np.cumsum(known, axis=1)
    car = np.where(days > 0, car, np.nan)

    # The benchmark's day-0 move against its estimation-window spread. The robust spread
    # (1.4826 x median absolute deviation) is what an ordinary day looks like even when the window
    # holds a crash (Feb-Mar 2020 inflates the plain standard deviation almost threefold).
    p0_in = (p0 >= lo) & (p0 <= hi)
    market0 = np.where(p0_in, panel.rets[np.clip(p0, 0, n_sessions - 1), b], np.nan)
    # The benchmark's estimation sample depends only on day 0 and on which sessions are used, so
    # events of the same day share it: the medians (a sort per row, the dearest step of a market-wide
    # batch) are taken once per distinct sample and copied, which changes no number.
    first, shared = _distinct_rows(p0, est_use)
    x_used = np.where(est_use[first], x_est[first], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows belong to blocked events
        centre = _row_medians(x_used)
        robust = 1.4826 * _row_medians(np.abs(x_used - centre[:, None]))
        mean, sd = np.nanmean(x_used, axis=1), np.nanstd(x_used, axis=1, ddof=1)
        centre, robust, mean, sd = centre[shared], robust[shared], mean[shared], sd[shared]
        plain_z = np.abs(market0 - mean) / sd
        market_z = np.abs(market0 - centre) / robust

    # Split-like jumps and distributions of the stock inside either window (earliest first). Each
    # window is one run of sessions on the stock's column (the estimation window skipping excluded
    # sessions), so running counts over the panel give every event's count without gathering its windows.
    never = np.iinfo(np.int64).max
    jump_count, payout_count = np.zeros(len(p0), np.int64), np.zeros(len(p0), np.int64)
    jump_pos, payout_pos = np.full(len(p0), never), np.full(len(p0), never)
    for positions, inside, usable in ((evt_pos, evt_in, None), (est_pos, est_in, allowed)):
        some = inside.any(axis=1)
        rows = np.arange(len(p0))
        start = positions[rows, inside.argmax(axis=1)]
        end = positions[rows, inside.shape[1] - 1 - inside[:, ::-1].argmax(axis=1)]
        start, end = np.where(some, start, 0), np.where(some, end, -1)
        runs = panel.jumps(usable)
        if runs is not None:
            count, first = runs
            jump_count += np.where(some, count[end + 1, k] - count[start, k], 0)
            nearest = first[start, k]
            jump_pos = np.where(some & (nearest <= end), nearest, jump_pos)  # the estimation window comes first
        runs = panel.distributions(usable)
        if runs is not None:
            count, first = runs
            payout_count += np.where(some, count[end + 1, k] - count[start, k], 0)
            nearest = first[start, k]
            payout_pos = np.where(some & (nearest <= end), nearest, payout_pos)

    return _Core(p0, lo, hi, est_pos, est_in, est_use, evt_pos, evt_in, y_est, x_est, y_evt, x_evt,
                 est_use.sum(axis=1), alpha, beta, r2, sigma, x_mean, sxx, expected, ar, car, days, excluded_sessions,
                 market0, market_z, robust, plain_z, jump_count, jump_pos, payout_count, payout_pos,
                 (est_in & ~est_use).sum(axis=1), (evt_in & ~known).sum(axis=1), allowed)


def _row_medians(values: np.ndarray) -> np.ndarray:
    """``np.nanmedian(values, axis=1)``, the same numbers, by one sort of each row.

    For rows shorter than 600 numpy takes its median through masked arrays, ten times slower
    than a sort here (NaN sorts last, so each row's ``n`` numbers come first).

    Examples
    --------
    >>> _row_medians(np.array([[3.0, np.nan, 1.0, 2.0], [4.0, 1.0, np.nan, np.nan], [np.nan] * 4])).tolist()
    [2.0, 2.5, nan]
    """
    if values.shape[1] == 0:
        return np.full(len(values), np.nan)
    ordered = np.sort(values, axis=1)
    n = (~np.isnan(ordered)).sum(axis=1)
    rows = np.arange(len(ordered))
    low = ordered[rows, np.maximum((n - 1) // 2, 0)]
    high = ordered[rows, np.minimum(n // 2, ordered.shape[1] - 1)]
    middle = np.where(n % 2 == 1, low, (low + high) / 2)
    return np.where(n > 0, middle, np.nan)


def _distinct_rows(p0: np.ndarray, use: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Events with the same day 0 and the same sessions used: one representative row each.

    Returns ``(first, shared)``: the index of each distinct (day 0, mask) pair's first event and,
    per event, which pair it has, so that ``values[first][shared]`` spreads per-pair values back.
    """
    if len(p0) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    key = np.concatenate([p0.astype(np.int64)[:, None].view(np.uint8), np.packbits(use, axis=1)], axis=1)
    key = np.ascontiguousarray(key).view(np.dtype((np.void, key.shape[1])))[:, 0]
    _, first, shared = np.unique(key, return_index=True, return_inverse=True)
    return first, shared.reshape(-1)


def _blocked(core: _Core, event_window, model: str) -> np.ndarray:
    """Which events cannot be computed at all (see :func:`_blocking_error` for the reason)."""
    e0, e1 = event_window
    day0_outside = (core.p0 < 0) | ((e0 <= 0 <= e1) & ~((core.p0 >= core.lo) & (core.p0 <= core.hi)))
    blocked = day0_outside | ~core.evt_in.any(axis=1) | (core.n < MIN_ESTIMATION)
    if model == "market":
        blocked |= ~np.isfinite(core.beta)
    # No residual noise (a stock that never moves, a benchmark that copies it): every t would be
    # infinite or 0/0, so there is nothing to test against.
    return blocked | ~(core.sigma > MIN_SIGMA)


def _blocking_error(panel: _Panel, core: _Core, i: int, ticker: str, benchmark: str,
                    day0: pd.Timestamp, event_window, model: str, estimation_window=None) -> str | None:
    """Why event ``i`` cannot be computed at all, or ``None``."""
    e0, e1 = event_window
    p0, lo, hi = int(core.p0[i]), int(core.lo[i]), int(core.hi[i])
    span = f"{panel.session_at(lo).date()} to {panel.session_at(hi).date()}" if lo <= hi else "no common sessions"
    if p0 < 0 or (e0 <= 0 <= e1 and not lo <= p0 <= hi):
        return (f"day 0 of {ticker} ({day0.date()}) is outside the returns available for {ticker} and "
                f"{benchmark} ({span}); load prices that cover the event window {e0:+d}..{e1:+d} sessions")
    if not core.evt_in[i].any():
        return (f"the event window {e0:+d}..{e1:+d} around {day0.date()} lies entirely outside the returns "
                f"available for {ticker} and {benchmark} ({span}); load prices that cover it")
    n = int(core.n[i])
    if n < MIN_ESTIMATION:
        return (f"only {n} estimation sessions with returns for both {ticker} and {benchmark} before "
                f"{day0.date()} (at least {MIN_ESTIMATION} are needed, {RECOMMENDED_ESTIMATION}+ recommended); "
                + _short_estimation_fix(panel, core, i, estimation_window))
    if model == "market" and not np.isfinite(core.beta[i]):
        return (f"the benchmark {benchmark} does not move in the estimation window before {day0.date()}, "
                "so beta cannot be estimated; check its prices or use model='constant_mean'")
    if not core.sigma[i] > MIN_SIGMA:
        used = core.y_est[i][core.est_use[i]]
        if np.ptp(used) <= MIN_SIGMA:
            why = (f"the {_price_words(panel.price)} of {ticker} does not move in the {n} estimation sessions before "
                   f"{day0.date()} (a trading halt, or prices carried forward over missing days)")
            fix = "check its prices or move estimation_window= to sessions in which it traded"
        else:
            why = (f"{benchmark} explains every estimation-window return of {ticker} exactly before {day0.date()} "
                   f"(is {benchmark} a copy of {ticker}?)")
            fix = "pass benchmark= a market index such as '^GSPC'"
        return (f"{why}, so the abnormal returns have no noise to be judged against (residual standard "
                f"deviation 0); {fix}")
    return None


def _short_estimation_fix(panel: _Panel, core: _Core, i: int, estimation_window) -> str:
    """What to change when an estimation sample is too small: the window itself, the data or the gaps."""
    if estimation_window is None:
        return "load earlier prices or widen estimation_window"
    s0, s1 = estimation_window
    length = s1 - s0 + 1
    if length < MIN_ESTIMATION:
        return (f"estimation_window={s0, s1} holds only {length} sessions, so widen it, "
                f"e.g. estimation_window=({s1 - 239}, {s1})")
    before = int(length - core.est_in[i].sum())
    if before:
        first = panel.session_at(int(core.lo[i])).date()
        # With exclude=, the window reaches back by the sessions left out.
        less = " or leave out fewer sessions with exclude=" if core.excluded_sessions[i] else ""
        return (f"{before} of its {length} sessions lie before the first return of both series ({first}), "
                f"so load prices from earlier{less}; if the stock did not trade before then (a recent listing), "
                "it has too little history for an event study this soon after it")
    return (f"{int(core.est_gaps[i])} of its returns are missing (a missing price also removes the next "
            "session's return), so fill in the missing prices")


def _price_words(price: str) -> str:
    """A price column as words (readers never see column names)."""
    return {"close": "close", "adj_close": "adjusted close"}.get(price, price)


def _caveats(panel: _Panel, core: _Core, k: np.ndarray, tickers: Sequence[str], benchmark: str,
             day0: pd.DatetimeIndex, estimation_window, event_window, in_est: Sequence[list[str]],
             in_evt: Sequence[list[str]], skip: np.ndarray | None = None,
             renamable: bool = False) -> list[list[str] | None]:
    """Plain-language caveats for every event of a batch, each list in a fixed order.

    The conditions are tested on whole arrays; Python only writes the sentences that apply, so a
    market-wide batch (thousands of events) spends its time on text it shows. ``skip`` marks
    events that cannot be computed: they get ``None``. With ``renamable`` each caveat is a
    :class:`~frstory.analysis.results.Caveat` that a summary can write with its own names;
    otherwise plain text, as a table keeps it.
    """
    make = Caveat if renamable else Caveat.text
    n_events = len(tickers)
    skip = np.zeros(n_events, bool) if skip is None else skip
    bench = reader_name(benchmark, article=True)
    day_text = panel.day_text()
    names: dict[str, str] = {}
    registered = prose.display_names()
    spelled: dict[int, str] = {}  # counts in words, made once each (num2words is slow per call)
    weekdays: dict[pd.Timestamp, str] = {}
    s0, s1 = estimation_window
    e0, _ = event_window
    n_window = s1 - s0 + 1
    # A zero robust spread (the benchmark unchanged on half the estimation sessions) measures no
    # typical move: its z would be infinite, so it gets a caveat of its own instead.
    stale = core.market_robust_sd == 0
    shock = (core.market_z > MARKET_MOVE_SIGMAS) & ~stale
    est_missing = n_window - core.est_in.sum(axis=1)
    evt_cut = ~core.evt_in.all(axis=1)
    # Two sessions in a row without any change of the stock's price: a trading halt or filled-in prices.
    unchanged = core.evt_in & (core.y_evt == 0)
    halted = (unchanged[:, 1:] & unchanged[:, :-1]).any(axis=1)
    lo, hi, n, est_gaps, evt_gaps, jumps, payouts = (v.tolist() for v in (core.lo, core.hi, core.n, core.est_gaps,
                                                                           core.evt_gaps, core.jump_count,
                                                                           core.payout_count))
    fix = ("use price='adj_close' or fr.load_prices(..., adjusted=True)" if panel.price == "close"
           else "check the prices for a data error")
    out: list[list[str] | None] = []
    for i in range(n_events):
        if skip[i]:
            out.append(None)
            continue
        caveats: list[str] = []
        ticker = tickers[i]
        name = names.get(ticker)
        if name is None:
            # A ticker no story has named is called by itself (as reader_name does), without a
            # lookup per event: a market-wide batch has hundreds of them.
            name = names[ticker] = reader_name(ticker) if ticker in registered else ticker
        # 1. a market-wide shock on day 0
        if shock[i]:
            when = weekdays.get(day0[i])
            if when is None:
                when = weekdays[day0[i]] = prose.date(day0[i], weekday=True)
            caveats.append(make(
                "On day 0 ({when}) {bench} {moved}, {z} times its typical daily move in the estimation window "
                "(robust standard deviation {robust}; {plain_z} times "
                "the plain standard deviation, which large past swings inflate). A market-wide move this big "
                "dominates the day: {name}'s abnormal return then depends heavily on the estimated beta and on "
                "other news that hit the whole market, so read it with care.",
                name, bench, when=when, moved=prose.moved(core.market0[i]),
                z=prose.number(core.market_z[i], decimals=1), robust=prose.percent(core.market_robust_sd[i]),
                plain_z=prose.number(core.market_plain_z[i], decimals=1),
            ))
        elif stale[i]:
            caveats.append(make(
                "{Bench} did not move on at least half of the {n} estimation sessions, which "
                "looks like prices carried forward over missing days rather than trading; check its prices, as "
                "the model and its noise estimate rest on them.",
                name, bench, n=str(n[i]),
            ))
        # 2. windows cut short by the data
        if est_missing[i]:
            caveats.append(make(
                "The estimation window is cut short: {missing} of its {n_window} sessions lie before "
                "the first return available for {name} and {bench} ({first}).",
                name, bench, missing=str(est_missing[i]), n_window=str(n_window), first=day_text[lo[i]],
            ))
        if evt_cut[i]:
            cut = np.flatnonzero(~core.evt_in[i])
            caveats.append(make(
                "The event window is truncated: sessions {cut} lie outside the "
                "returns available for {name} and {bench} ({first} to {last}); "
                "the cumulative abnormal return covers only the sessions inside the data.",
                name, bench, cut=", ".join(f"{o:+d}" for o in cut + e0), first=day_text[lo[i]], last=day_text[hi[i]],
            ))
        # 3. few estimation days
        if n[i] < RECOMMENDED_ESTIMATION:
            caveats.append(
                f"Only {n[i]} estimation sessions were available (fewer than the {RECOMMENDED_ESTIMATION} "
                "recommended), so the model and its noise estimate are imprecise."
            )
        # 4. missing returns
        if est_gaps[i]:
            caveats.append(make(
                "{count} estimation-window {returns} missing for "
                "{name} or {bench} and dropped (a missing price also removes the next session's return).",
                name, bench, count=str(est_gaps[i]), returns="returns were" if est_gaps[i] > 1 else "return was",
            ))
        if evt_gaps[i]:
            evt_nan = np.flatnonzero(core.evt_in[i] & ~np.isfinite(core.ar[i]))
            dates = ", ".join(f"{o:+d} ({day_text[core.evt_pos[i, j]]})" for j, o in zip(evt_nan, evt_nan + e0))
            caveats.append(make(
                "No abnormal return on {sessions} {dates}: a price of {name} or "
                "{bench} is missing there or on the session before (a return needs both); cumulative "
                "returns skip {them}.",
                name, bench, sessions="sessions" if evt_nan.size > 1 else "session", dates=dates,
                them="them" if evt_nan.size > 1 else "it",
            ))
        if halted[i]:
            flat = np.flatnonzero(unchanged[i])
            caveats.append(make(
                "{name}'s {price} did not change on {count} sessions of the event window "
                "(first {first}, last {last}), as happens "
                "during a trading halt or when missing prices are carried forward: on those sessions the abnormal "
                "return is only the expected move with its sign reversed, and a reaction delayed by a halt shows "
                "only when trading resumes.",
                name, bench, price=_price_words(panel.price), count=str(flat.size),
                first=day_text[core.evt_pos[i, flat[0]]], last=day_text[core.evt_pos[i, flat[-1]]],
            ))
        # 5. split-like jumps (as-traded prices are wrong across a split)
        if jumps[i]:
            first = int(core.jump_pos[i])
            caveats.append(make(
                "{name}'s {price} jumps by more than {limit} on {count} {sessions} in the windows (first {first}, "
                "{size} close to close): that looks like a stock split, and as-traded "
                "close returns are wrong across a split day; {fix}.",
                name, bench, price=_price_words(panel.price), limit=f"{SPLIT_LIKE_JUMP:.0%}", count=str(jumps[i]),
                sessions="sessions" if jumps[i] > 1 else "session", first=day_text[first],
                size=prose.percent(panel.rets[first, k[i]], signed=True), fix=fix,
            ))
        # 6. a spin-off or special dividend (as-traded closes count the distribution as a loss)
        if payouts[i]:
            first = int(core.payout_pos[i])
            more = payouts[i] - 1
            caveats.append(make(
                "{name}'s adjusted close rose {size} relative to its as-traded close on {first}{more}, more than "
                "an ordinary dividend moves it: the mark of a distribution such as a spin-off or a special "
                "dividend going ex that day. As-traded close returns count what shareholders received as a loss, "
                "so they are too low by about as much on {that}; use price='adj_close'.",
                name, bench, size=prose.percent(panel.payout[first, k[i]]), first=day_text[first],
                more=(f" (and by more than {prose.percent(DISTRIBUTION_JUMP, decimals=0)} on "
                      f"{prose.plural(more, 'other session')} in the windows)") if more else "",
                that="those days" if more else "that day",
            ))
        # 7. other news of the same firm
        if in_est[i]:
            n_est = _listed_count(in_est[i])
            if n_est not in spelled:
                spelled[n_est] = prose.spelled(n_est)
            caveats.append(make(
                "The estimation window contains another listed event of {name}, {events}; its news moves the "
                "price, which can bias the model and inflate its noise estimate." if n_est == 1 else
                "The estimation window contains {count} other listed events of {name}: {events}. Their news "
                "moves the price, which can bias the model and inflate its noise estimate.",
                name, bench, events="; ".join(in_est[i]), count=spelled[n_est],
            ))
        if in_evt[i]:
            n_evt = _listed_count(in_evt[i])
            if n_evt not in spelled:
                spelled[n_evt] = prose.spelled(n_evt)
            caveats.append(make(
                "Another listed event of {name} falls inside the event window, {events}; its news is mixed "
                "into the cumulative abnormal return." if n_evt == 1 else
                "{count} other listed events of {name} fall inside the event window: {events}. Their news is "
                "mixed into the cumulative abnormal return.",
                name, bench, events="; ".join(in_evt[i]), count=prose.sentence(spelled[n_evt]),
            ))
        if panel.off_calendar:
            caveats.append(f"{panel.off_calendar} price rows on dates that are not NYSE sessions were ignored.")
        out.append(caveats)
    return out


_SHOWN_EVENTS = 5


def _listed_count(items: list[str]) -> int:
    """How many events a list of :func:`_event_overlaps` names: the ones shown plus its "and N more"."""
    last = items[-1] if items else ""
    if last.startswith("and ") and last.endswith(" more") and last[4:-5].isdigit():
        return len(items) - 1 + int(last[4:-5])
    return len(items)


@dataclass
class _Others:
    """Listed events with a ticker in the panel and a day 0 on it, sorted by (column, day 0).

    Overlap warnings look them up by ``key = column * sessions + position``; readers see them by
    their headline and date (:meth:`name`), written only for the few events a warning shows.
    """

    key: np.ndarray
    pos: np.ndarray
    date_ns: np.ndarray  # the announcement date, to recognise the event itself
    headlines: list[str]
    dates: pd.DatetimeIndex

    def __post_init__(self) -> None:
        self._names: dict[int, str] = {}
        self._dated: dict[int, str] = {}
        self._days: dict[int, str] = {}

    def _announced(self, j: int) -> str:
        ns = int(self.date_ns[j])
        day = self._days.get(ns)
        if day is None:
            day = self._days[ns] = prose.date(np.datetime64(ns, "ns").astype("datetime64[D]").item())
        return day

    def name(self, j: int) -> str:
        """``headline (11 June 2020)``, or ``an event of 11 June 2020`` without a headline."""
        text = self._names.get(j)
        if text is None:
            text = self._names[j] = self._named(j, self._announced(j))
        return text

    def _named(self, j: int, when: str) -> str:
        return f"{self.headlines[j]} ({when})" if self.headlines[j] else f"an event of {when}"

    def dated_name(self, j: int, day_text: _DayWords) -> str:
        """:meth:`name` with its day 0 when that is another day, as an estimation-window warning lists it:
        ``headline (10 June 2020; day 0 11 June 2020)``."""
        text = self._dated.get(j)
        if text is None:
            announced, day0 = self._announced(j), day_text[self.pos[j]]
            text = self._dated[j] = self._named(j, announced if day0 == announced else f"{announced}; day 0 {day0}")
        return text


def _event_overlaps(panel: _Panel, core: _Core, k: np.ndarray, self_dates: np.ndarray, others: _Others,
                    event_window) -> tuple[list[list[str]], list[list[str]]]:
    """For each event, the other same-firm events whose day 0 lies in its estimation/event window.

    Each window covers a run of its firm's column, so two binary searches among the sorted
    listed events find every hit (no sessions x tickers matrix, which a whole market would make
    large); only the first few are named (with a count of the rest), so many overlapping events
    stay cheap.
    """
    n_events = len(k)
    in_est: list[list[str]] = [[] for _ in range(n_events)]
    in_evt: list[list[str]] = [[] for _ in range(n_events)]
    if others.key.size == 0 or n_events == 0:
        return in_est, in_evt
    n_sessions = len(panel.sessions)
    day_text = panel.day_text()
    rows_all = np.arange(n_events)
    for positions, inside, target, is_event_window in ((core.est_pos, core.est_in, in_est, False),
                                                        (core.evt_pos, core.evt_in, in_evt, True)):
        # The sessions inside the data form one run of columns (positions increase along a row).
        some = inside.any(axis=1)
        first = positions[rows_all, inside.argmax(axis=1)]
        last = positions[rows_all, inside.shape[1] - 1 - inside[:, ::-1].argmax(axis=1)]
        left = np.searchsorted(others.key, k * n_sessions + first, "left")
        reps = np.where(some, np.searchsorted(others.key, k * n_sessions + last, "right") - left, 0)
        if not reps.any():
            continue
        other = np.repeat(left, reps) + (np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps))
        rows = np.repeat(rows_all, reps)
        if not is_event_window:
            # An excluded session inside the run is not part of the estimation window.
            kept = core.allowed[others.pos[other]]
            rows, other = rows[kept], other[kept]
        listed = np.bincount(rows, minlength=n_events)
        not_self = others.date_ns[other] != self_dates[rows]  # same column, so same ticker: same event
        rows, other = rows[not_self], other[not_self]
        count = np.bincount(rows, minlength=n_events)
        rank = np.arange(rows.size) - (np.cumsum(count) - count)[rows]
        shown = rank < _SHOWN_EVENTS
        rows, other = rows[shown].tolist(), other[shown].tolist()
        if is_event_window:
            offsets = (others.pos[other] - core.p0[rows]).tolist()
            said: dict[int, str] = {}  # a few distinct offsets among thousands of overlaps: words once each
            for i, j, offset in zip(rows, other, offsets):
                words = said.get(offset)
                if words is None:
                    words = said[offset] = prose.offsets(offset, offset)
                target[i].append(f"{others.name(j)} on {words}")
        else:
            for i, j in zip(rows, other):
                target[i].append(others.dated_name(j, day_text))
        total = count
        if not is_event_window:
            # Once the estimation window shows its quota, every listed event in it is counted.
            total = np.where(count >= _SHOWN_EVENTS, listed, count)
        for i in np.flatnonzero(total > np.minimum(count, _SHOWN_EVENTS)):
            target[i].append(f"and {int(total[i]) - len(target[i])} more")
    return in_est, in_evt


def _other_events(events: pd.DataFrame | None, panel: _Panel, day0: pd.DatetimeIndex | None = None,
                  column: np.ndarray | None = None) -> _Others:
    """The listed events that have a ticker in the panel (for overlap warnings).

    ``day0``, when given, holds the reaction sessions already computed for every row of ``events``;
    ``column`` each row's panel column (-1: not in the panel).
    """
    empty = _Others(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64), [], pd.DatetimeIndex([]))
    if events is None or len(events) == 0:
        return empty
    if not isinstance(events, pd.DataFrame) or not {"ticker", "date"} <= set(events.columns):
        raise AnalysisError("events= needs the events frame of fr.load_events() (columns ticker, date, market_session)")
    # One hash lookup per row gives both membership and the panel column (isin on string
    # columns is several times slower, and the column is needed below anyway).
    if column is None:
        column = pd.Index(panel.tickers).get_indexer(events["ticker"].to_numpy(object, na_value=None))
    usable = (column >= 0) & events["date"].notna().to_numpy(bool)
    if "date_precision" in events.columns:
        usable = usable & (events["date_precision"].fillna("day") != "month").to_numpy(bool)
    rows = events.loc[usable]
    if len(rows) == 0:
        return empty
    dates = pd.DatetimeIndex(rows["date"]).normalize()
    sess = (rows["market_session"].fillna("unknown").astype(str).to_numpy(object)
            if "market_session" in rows.columns else np.full(len(rows), "unknown", object))
    # An inconsistent row (bad or 'closed' market_session) must not block a warning about it:
    # 'unknown' maps it to the date itself or the next session, which is what 'closed' means anyway.
    ok_sessions = np.where(np.isin(sess, ("pre", "regular", "post")), sess, "unknown")
    tickers = rows["ticker"].astype(str)
    ids = (rows["id"].astype(str).tolist() if "id" in rows.columns
           else [f"{t}-{d.date()}" for t, d in zip(tickers, dates)])
    day0 = reaction_sessions(dates, ok_sessions, ids) if day0 is None else day0[usable]
    pos = panel.sessions.get_indexer(day0).astype(np.int64)
    codes = column[usable].astype(np.int64)
    # Readers see these in warnings: the headline and a date in words, never an internal id.
    headlines = (rows["headline"].astype("string").fillna("").to_numpy(object) if "headline" in rows.columns
                 else np.full(len(rows), "", object))
    on_axis = pos >= 0
    key = codes[on_axis] * len(panel.sessions) + pos[on_axis]
    order = np.argsort(key, kind="stable")  # stable: listed order within a session, as before
    date_ns = dates.as_unit("ns").asi8[on_axis][order]
    return _Others(key[order], pos[on_axis][order], date_ns, headlines[on_axis][order].tolist(),
                   dates[on_axis][order])


# --------------------------------------------------------------------------------------------
# Public API


def event_study(
    prices: pd.DataFrame,
    ticker: str,
    event_date,
    *,
    market_session: str = "regular",
    benchmark: str = "^GSPC",
    estimation_window: tuple[int, int] = (-250, -11),
    event_window: tuple[int, int] = (-5, 5),
    model: Literal["market", "market_adjusted", "constant_mean"] = "market",
    price: str = "close",
    events: pd.DataFrame | None = None,
    exclude: Iterable[tuple] | None = None,
    label: str = "",
    event_id: str = "",
) -> EventStudyResult:
    """Abnormal returns of one stock around one announcement, against a benchmark index.

    Parameters
    ----------
    prices : pandas.DataFrame
        Tidy price frame of :func:`frstory.load_prices` holding ``ticker`` and ``benchmark``.
    ticker : str
        The stock studied, e.g. ``"SYNA"``.
    event_date : date-like
        Calendar date (US Eastern) of the announcement.
    market_session : {"pre", "regular", "post", "closed", "unknown"}
        When the news came out; day 0 is ``fr.reaction_session(event_date, market_session)``
        (``post``: the next session).
    benchmark : str
        Index for the market's return (``^GSPC``, the S&P 500, by default).
    estimation_window : tuple of int
        Inclusive sessions relative to day 0 on which the model is estimated; must end before the
        event window.
    event_window : tuple of int
        Inclusive sessions relative to day 0 for abnormal returns.
    model : {"market", "market_adjusted", "constant_mean"}
        Normal-return model (see the module docstring).
    price : str
        ``close`` (as traded) or ``adj_close``. Prices must be as traded or adjusted consistently;
        a split-like jump (>40%) inside the windows gets a warning, and so, with ``close`` and an
        ``adj_close`` column beside it, does an ex-date of a spin-off or special dividend (the
        adjusted close rising more than :data:`DISTRIBUTION_JUMP` against the as-traded close).
    events : pandas.DataFrame, optional
        The events frame (``fr.load_events()``); listed events of the same ``ticker`` inside the
        estimation or event window get a warning.
    exclude : iterable of (start, end), optional
        Date ranges (inclusive) left out of the estimation sample. The window is extended back by
        as many sessions as are left out, so it keeps ``s1 - s0 + 1`` sessions, e.g.
        ``exclude=[("2020-02-01", "2020-04-30")]`` leaves out February to April 2020.
    label, event_id : str
        Description and identifier of the event, for the summary and tables.

    Returns
    -------
    EventStudyResult
        ``table`` (``offset, date, ret, benchmark_ret, expected, ar, car, ar_t, car_t``), the
        estimates, ``warnings``, ``car(start, end)`` and ``summary()``.

    Raises
    ------
    AnalysisError
        When ``ticker`` or ``benchmark`` is not in ``prices`` (the message lists the tickers
        present), day 0 or the whole event window lies outside the data, fewer than 30
        estimation sessions have returns, or an argument is invalid.

    Warns (in ``result.warnings``)
    ------------------------------
    The benchmark's day-0 move beyond 3 robust standard deviations of its estimation-window
    returns (robust: 1.4826 x median absolute deviation, so that a crash inside the estimation
    window does not hide one on day 0); windows cut short by the data; fewer than 100 estimation
    sessions; missing returns dropped; split-like jumps; with as-traded closes, distributions
    bigger than an ordinary dividend; other events of the same firm inside the windows.

    Examples
    --------
    >>> import frstory as fr
    >>> prices = fr.synthetic_prices(["SYNA"], benchmark="^SYNX", abnormal={("SYNA", "2020-06-11"): -0.05})
    >>> res = fr.event_study(prices, "SYNA", "2020-06-10", market_session="post", benchmark="^SYNX")
    >>> res.day0.date()
    datetime.date(2020, 6, 11)
    >>> round(float(res.table.set_index("offset").loc[0, "ar"]), 2)
    -0.05
    """
    estimation_window, event_window = _check_windows(estimation_window, event_window, model)
    exclude = _check_exclude(exclude)
    event_day = _as_day(event_date, "event_date")
    day0 = reaction_session(event_day, market_session)
    if ticker == benchmark:
        raise AnalysisError(f"ticker and benchmark are both {ticker!r}: choose an index such as '^GSPC' as benchmark")
    panel = _build_panel(prices, [ticker, benchmark], price, what=f"fr.event_study({ticker!r})", benchmark=benchmark)
    k, b = np.array([0]), np.array([1])
    p0 = int(panel.sessions.get_indexer([day0])[0])
    core = _core(panel, k, b, np.array([p0]), estimation_window, event_window, model, exclude)
    if _blocked(core, event_window, model)[0]:
        raise AnalysisError(_blocking_error(panel, core, 0, ticker, benchmark, day0, event_window, model,
                                            estimation_window))
    in_est, in_evt = _event_overlaps(panel, core, k, np.array([event_day.as_unit("ns").value]),
                                     _other_events(events, panel), event_window)
    caveats = _caveats(panel, core, k, [ticker], benchmark, pd.DatetimeIndex([day0]), estimation_window,
                       event_window, in_est, in_evt, renamable=True)[0]
    return _result(panel, core, 0, ticker=ticker, benchmark=benchmark, event_date=event_day,
                   market_session=market_session, day0=day0, model=model, estimation_window=estimation_window,
                   event_window=event_window, caveats=caveats, label=label, event_id=event_id,
                   exclude=exclude)


def _estimation_ar(core: _Core, model: str) -> np.ndarray:
    """Abnormal returns (residuals) of the estimation sample, ``NaN`` outside it (events x sessions)."""
    if model == "market":
        expected = core.alpha[:, None] + core.beta[:, None] * core.x_est
    elif model == "constant_mean":
        expected = np.broadcast_to(core.alpha[:, None], core.y_est.shape)
    else:
        expected = core.x_est
    return np.where(core.est_use, core.y_est - expected, np.nan)


def _result(panel: _Panel, core: _Core, i: int, *, ticker, benchmark, event_date, market_session, day0, model,
            estimation_window, event_window, caveats, label, event_id, exclude) -> EventStudyResult:
    keep = core.evt_in[i]
    sigma = float(core.sigma[i])
    known = keep & np.isfinite(core.ar[i])
    fit = dict(n=core.n[i:i + 1], x_mean=core.x_mean[i:i + 1], sxx=core.sxx[i:i + 1], sigma=core.sigma[i:i + 1])
    # Each day alone: a one-day CAR (same variance formula, same code path as every test).
    ar_sd = np.sqrt(sigma**2 * inference.variance_factor(np.ones(core.x_evt.shape[1]), core.x_evt[i] - core.x_mean[i], core.n[i], core.sxx[i],
                                                          model))
    car_sd = inference.cumulative_sd(core.x_evt[i:i + 1], known[None, :], model=model, **fit)[0]
    table = pd.DataFrame(
        {
            "offset": (np.arange(event_window[0], event_window[1] + 1))[keep].astype("int64"),
            "date": panel.sessions[core.evt_pos[i][keep]],
            "ret": core.y_evt[i][keep],
            "benchmark_ret": core.x_evt[i][keep],
            "expected": core.expected[i][keep],
            "ar": core.ar[i][keep],
            "car": core.car[i][keep],
            "ar_sd": ar_sd[keep],
            "car_sd": car_sd[keep],
            "ar_t": core.ar[i][keep] / ar_sd[keep],
            "car_t": core.car[i][keep] / car_sd[keep],
        },
        columns=list(TABLE_COLUMNS),
    )
    used = core.est_pos[i][core.est_use[i]]
    est_ar = _estimation_ar(core, model)[i]
    return EventStudyResult(
        ticker=ticker, benchmark=benchmark, event_date=event_date, market_session=market_session, day0=day0,
        model=model, estimation_window=estimation_window, event_window=event_window, table=table,
        alpha=float(core.alpha[i]), beta=float(core.beta[i]), r2=float(core.r2[i]), sigma=sigma,
        n_estimation=int(core.n[i]), warnings=caveats, label=label, event_id=event_id, price=panel.price,
        n_params=MODELS[model], estimation_start=panel.sessions[used.min()] if used.size else None,
        estimation_end=panel.sessions[used.max()] if used.size else None, excluded=exclude,
        excluded_sessions=int(core.excluded_sessions[i]), x_mean=float(core.x_mean[i]), sxx=float(core.sxx[i]),
        estimation_ar=est_ar[np.isfinite(est_ar)],
    )


# --------------------------------------------------------------------------------------------
# Blocks of event dates: what one worker computes (locally or on a Dask cluster)

#: Events per block in :func:`event_studies`. A block's (events x window) matrices take about
#: 20 KB per event with the default windows (tracemalloc, benchmarks/bench_event_study.py), so
#: 2,000 events add some 40 MB at most; larger blocks are no faster.
BLOCK_SIZE = 2000


@dataclass(frozen=True)
class _BlockSpec:
    """The settings every block shares."""

    benchmark: str
    estimation_window: tuple[int, int]
    event_window: tuple[int, int]
    model: str
    exclude: tuple


def _blocks(p0: np.ndarray, block_size: int) -> list[np.ndarray]:
    """Event indices cut into blocks of at most ``block_size``, ordered by day 0.

    Ordered by date, a block covers a run of consecutive event dates, so events of the same day
    share their benchmark statistics (see :func:`_distinct_rows`) and a block touches a narrow
    band of the returns matrix. There is always at least one block, possibly empty.
    """
    order = np.argsort(p0, kind="stable")
    if order.size == 0:
        return [order]
    return [np.sort(order[start:start + block_size]) for start in range(0, order.size, block_size)]


def _study_block(panel: _Panel, others: _Others, spec: _BlockSpec, k: np.ndarray, p0: np.ndarray,
                 tickers: list[str], day0: pd.DatetimeIndex, self_dates: np.ndarray,
                 pre_failed: np.ndarray) -> dict:
    """Everything :func:`event_studies` reports for one block of events.

    A pure function of its arguments (no shared state), so a Dask worker can run it on a copy of
    the panel. Returns the summary columns, which events cannot be computed and why (in block
    order), and each event's caveats (``None`` for those that failed).
    """
    core = _core(panel, k, np.zeros(len(k), np.int64), p0, spec.estimation_window, spec.event_window, spec.model,
                 spec.exclude)
    blocked = _blocked(core, spec.event_window, spec.model)
    errors = [_blocking_error(panel, core, i, tickers[i], spec.benchmark, day0[i], spec.event_window, spec.model,
                              spec.estimation_window)
              for i in np.flatnonzero(blocked)]
    failed = blocked | pre_failed
    in_est, in_evt = _event_overlaps(panel, core, k, self_dates, others, spec.event_window)
    caveats = _caveats(panel, core, k, tickers, spec.benchmark, day0, spec.estimation_window, spec.event_window,
                       in_est, in_evt, skip=failed)
    return {"columns": _summary_arrays(panel, core, spec.model, spec.event_window), "blocked": blocked,
            "errors": errors, "caveats": caveats}


def event_studies(
    prices: pd.DataFrame,
    events: pd.DataFrame,
    *,
    benchmark: str = "^GSPC",
    estimation_window: tuple[int, int] = (-250, -11),
    event_window: tuple[int, int] = (-5, 5),
    model: Literal["market", "market_adjusted", "constant_mean"] = "market",
    price: str = "close",
    exclude: Iterable[tuple] | None = None,
    on_error: Literal["raise", "record"] = "raise",
    block_size: int = BLOCK_SIZE,
    client=None,
) -> pd.DataFrame:
    """Event studies for many tickers x events at once, vectorised, one tidy row per pair.

    All estimation windows are gathered into matrices with numpy fancy indexing and every
    regression is solved at once with closed-form OLS slopes; the numbers equal
    :func:`event_study` on each pair (to floating-point precision). Events are processed in
    blocks of consecutive event dates, so memory stays bounded by one block however many events
    there are; with a Dask ``client`` (or a Dask DataFrame as ``prices``) the blocks run on the
    cluster's workers and the table is the same.

    Parameters
    ----------
    prices : pandas.DataFrame or dask.dataframe.DataFrame
        Tidy price frame holding every ticker of ``events`` and the ``benchmark``. A Dask
        DataFrame with the same columns is filtered to those tickers on the cluster and then
        aligned into one returns matrix (sessions x tickers) that every worker receives.
    events : pandas.DataFrame
        The events contract: at least ``ticker, date, market_session``; ``id`` and ``headline``
        are used when present. Rows without a ticker are skipped (they are not firm events).
    benchmark, estimation_window, event_window, model, price, exclude
        As in :func:`event_study`.
    on_error : {"raise", "record"}
        ``raise``: the first event that cannot be computed raises :class:`AnalysisError`.
        ``record``: its row has ``NaN`` numbers and the reason in ``warnings``.
    block_size : int
        Events per block (default :data:`BLOCK_SIZE`, about 40 MB of working memory with the
        default windows). Smaller blocks use less memory; the numbers do not depend on it.
    client : dask.distributed.Client, optional
        Run the blocks on this Dask cluster (``pip install 'frstory[dask]'``). Without it the
        work stays in this process and Dask is not imported, unless ``prices`` is a Dask
        DataFrame: then the current client is used if there is one, else Dask's local scheduler.

    Returns
    -------
    pandas.DataFrame
        One row per event with a ticker, columns :data:`frstory.analysis.results.SUMMARY_COLUMNS`
        (``ticker, event_id, label, event_date, market_session, day0, ..., alpha, beta, r2,
        sigma, n_estimation, ..., ar_0, ..., car, car_t, car_p, n_warnings, warnings``) plus
        ``clustered_with`` (other firms' events whose event windows share sessions with this
        one). ``car`` covers the whole event window. ``attrs["note"]`` explains why the rows are
        reported side by side as single-firm tests and not pooled: clustered event dates share
        the same market shock (cross-sectional dependence).

    Examples
    --------
    >>> import frstory as fr
    >>> prices = fr.synthetic_prices(["SYNA", "SYNB"], benchmark="^SYNX")
    >>> table = fr.event_studies(prices, fr.synthetic_events(), benchmark="^SYNX")
    >>> table[["ticker", "event_id"]].values.tolist()
    [['SYNB', 'syn-a-exits'], ['SYNA', 'syn-a-pause']]
    """
    estimation_window, event_window = _check_windows(estimation_window, event_window, model)
    exclude = _check_exclude(exclude)
    if on_error not in ("raise", "record"):
        raise AnalysisError(f"on_error {on_error!r} is not 'raise' or 'record'")
    if not isinstance(events, pd.DataFrame):
        raise AnalysisError("fr.event_studies needs the events frame of fr.load_events() as events=")
    if isinstance(block_size, bool) or not isinstance(block_size, (int, np.integer)) or block_size < 1:
        raise AnalysisError(f"block_size={block_size!r} is not a positive whole number of events per block, "
                            f"e.g. {BLOCK_SIZE}")
    # Recognised by module name so that the local path never imports Dask.
    dask_panel = type(prices).__module__.split(".")[0] == "dask"
    missing = [c for c in ("ticker", "date", "market_session") if c not in events.columns]
    if missing:
        raise AnalysisError(
            f"fr.event_studies: the events frame has no column {', '.join(missing)}; pass the frame of "
            "fr.load_events() (columns ticker, date, market_session; id and headline optional)"
        )
    rows = events.loc[events["ticker"].notna()].reset_index(drop=True)
    n_events = len(rows)
    dates = _event_dates(rows)
    ids = (rows["id"].astype(str).tolist() if "id" in rows.columns
           else [f"{t}-{d.date()}" for t, d in zip(rows["ticker"], dates)])
    labels = rows["headline"].fillna("").astype(str).tolist() if "headline" in rows.columns else ids
    tickers = rows["ticker"].astype(str).tolist()
    pairs = pd.Series(list(zip(ids, tickers)))
    if pairs.duplicated().any():
        # The same event twice is the same abnormal return twice: pooled, it would count as two firms.
        event_id, ticker = pairs[pairs.duplicated()].iloc[0]
        raise AnalysisError(
            f"fr.event_studies: event {event_id!r} of {ticker} is listed {int((pairs == (event_id, ticker)).sum())} "
            "times in the events frame; keep one row per event and ticker, e.g. "
            f"events.drop_duplicates({['id', 'ticker'] if 'id' in rows.columns else ['ticker', 'date']})"
        )
    if benchmark in tickers:
        i = tickers.index(benchmark)
        raise AnalysisError(f"event {ids[i]!r} studies the benchmark {benchmark} itself; choose another benchmark")
    sessions = rows["market_session"].fillna("unknown").astype(str).to_numpy(object)
    errors: list[str | None] = [None] * n_events
    if "date_precision" in rows.columns:
        for i in np.flatnonzero((rows["date_precision"].fillna("day") == "month").to_numpy(bool)):
            errors[i] = (f"event {ids[i]!r} is dated only to the month ({dates[i]:%Y-%m}); an event study "
                         "needs the day, so give a day-precision date")
    if dates.hasnans:
        for i in np.flatnonzero(dates.isna()):
            errors[i] = f"event {ids[i]!r} has no date; fill in its date"
    ok_dates = dates.fillna(pd.Timestamp("2000-01-03"))
    ok_sessions = sessions
    no_day0 = np.array(dates.isna(), dtype=bool)  # rows whose day 0 is a stand-in, shown as missing
    if on_error == "record":
        # One row's impossible timing (an unknown market_session, a date off the calendar) is that
        # row's failure, not the batch's: it is recorded, and a harmless stand-in takes its place.
        problems = reaction_problems(ok_dates, sessions)
        bad = [i for i, why in enumerate(problems) if why is not None]
        if bad:
            ok_sessions, stand_in = sessions.copy(), ok_dates.to_numpy(copy=True)
            for i in bad:
                if errors[i] is None:
                    errors[i] = f"{problems[i]}; correct the event's row"
                ok_sessions[i], stand_in[i] = "unknown", np.datetime64("2000-01-03")
                no_day0[i] = True
            ok_dates = pd.DatetimeIndex(stand_in)
    day0 = reaction_sessions(ok_dates, ok_sessions, ids)

    if dask_panel:
        from frstory.analysis._dask import collect_prices

        prices = collect_prices(prices, [benchmark, *dict.fromkeys(tickers)], price, client)
    # The panel needs only the sessions from the earliest estimation window to the last event
    # window (exclude= reaches back by the sessions it leaves out, so it keeps the earlier ones).
    dated = ~no_day0
    span = None
    if dated.any():
        calendar_pos = session_positions(day0[dated])[0]
        span = (None if exclude else int(calendar_pos.min()) + estimation_window[0] - 1,
                int(calendar_pos.max()) + event_window[1])
    panel = _build_panel(prices, [benchmark, *dict.fromkeys(tickers)], price, what="fr.event_studies",
                         skip_missing=True, span=span)
    if benchmark in panel.missing:
        raise AnalysisError(
            f"fr.event_studies: no prices for the benchmark {benchmark} in the price frame (it has "
            f"{_available(prices)}); load it with fr.load_prices([...]) or pass benchmark= a ticker present"
        )
    if panel.missing and on_error == "raise":
        raise AnalysisError(
            f"fr.event_studies: no prices for {', '.join(panel.missing)} in the price frame (it has "
            f"{_available(prices)}); load them with fr.load_prices([...])"
        )
    for i, t in enumerate(tickers):
        if t in panel.missing and errors[i] is None:
            errors[i] = f"no prices for {t} in the price frame"
    col = {t: j for j, t in enumerate(panel.tickers)}
    column = np.array([col.get(t, -1) for t in tickers], dtype=np.int64)
    k = np.maximum(column, 0)
    p0 = panel.sessions.get_indexer(day0).astype(np.int64)
    clustered = _clusters(p0, k, event_window, ids)
    others = _other_events(rows, panel, day0, column)
    spec = _BlockSpec(benchmark, estimation_window, event_window, model, exclude)
    pre_failed = np.array([e is not None for e in errors], dtype=bool)
    self_dates = dates.as_unit("ns").asi8
    blocks = _blocks(p0, block_size)
    jobs = [(k[idx], p0[idx], [tickers[i] for i in idx], day0[idx], self_dates[idx], pre_failed[idx])
            for idx in blocks]
    if client is not None or dask_panel:
        from frstory.analysis._dask import run_blocks

        outs = run_blocks(_study_block, panel, others, spec, jobs, client)
    else:
        outs = [_study_block(panel, others, spec, *job) for job in jobs]

    columns: dict[str, np.ndarray] = {}
    caveats: list[list[str] | None] = [None] * n_events
    for idx, out in zip(blocks, outs):
        for name, values in out["columns"].items():
            if name not in columns:
                columns[name] = np.empty(n_events, dtype=values.dtype)
            columns[name][idx] = values
        for i, text in zip(idx[out["blocked"]].tolist(), out["errors"]):
            if errors[i] is None:
                errors[i] = text
        for i, listed in zip(idx.tolist(), out["caveats"]):
            caveats[i] = listed
    failed = np.array([e is not None for e in errors], dtype=bool)
    if on_error == "raise" and failed.any():
        i = int(np.flatnonzero(failed)[0])
        raise AnalysisError(f"fr.event_studies, event {ids[i]!r} ({tickers[i]}): {errors[i]}")
    caveats = [[f"Not computed: {errors[i]}"] if failed[i] else caveats[i] for i in range(n_events)]
    table = pd.DataFrame({
        "ticker": pd.array(tickers, dtype="string"),
        "event_id": pd.array(ids, dtype="string"),
        "label": pd.array(labels, dtype="string"),
        "event_date": dates,
        "market_session": pd.array(sessions, dtype="string"),
        "day0": day0.where(~no_day0),
        "benchmark": benchmark,
        "model": model,
        "price": price,
        **columns,
        "n_warnings": np.array([len(c) for c in caveats], dtype="int64"),
        "warnings": pd.array(["\n".join(c) for c in caveats], dtype="string"),
    }, columns=list(SUMMARY_COLUMNS))
    numeric = [c for c in SUMMARY_COLUMNS if c in columns and c not in ("estimation_start", "estimation_end",
                                                                       "n_estimation", "car_start", "car_end")]
    if failed.any():
        table.loc[failed, numeric] = np.nan
        table.loc[failed, ["estimation_start", "estimation_end"]] = pd.NaT
        table.loc[failed, "n_estimation"] = 0
    table["clustered_with"] = pd.array(clustered, dtype="string")
    table.attrs["note"] = CLUSTER_NOTE
    table.attrs["model"] = model
    table.attrs["estimation_window"] = estimation_window
    table.attrs["event_window"] = event_window
    return table


def _event_dates(rows: pd.DataFrame) -> pd.DatetimeIndex:
    """The events' dates as midnights; text is read as the calendar reads a day (ISO only).

    A frame built by hand may hold text such as "10/06/2020", which pandas would either refuse
    with a parser error or read month first; the message names the event and the fix.
    """
    column = rows["date"]
    if pd.api.types.is_datetime64_any_dtype(column):
        return pd.DatetimeIndex(column).normalize()
    out = []
    for i, value in enumerate(column):
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            out.append(pd.NaT)
            continue
        try:
            out.append(_as_day(value, "date"))
        except AnalysisError as exc:
            name = repr(rows["id"].iloc[i]) if "id" in rows.columns else f"of {rows['ticker'].iloc[i]} in row {i}"
            raise AnalysisError(f"fr.event_studies: event {name}: {exc}") from None
    return pd.DatetimeIndex(out)


def _summary_arrays(panel: _Panel, core: _Core, model: str, event_window) -> dict[str, np.ndarray]:
    """The numeric columns of the summary table for every event at once (as in ``to_frame``).

    Day 0 and the whole window go through the same :mod:`frstory.analysis.inference` functions as
    :meth:`EventStudyResult.car`, so the batch and the single-event numbers agree.
    """
    n_events = len(core.n)
    e0, e1 = event_window
    nan = np.full(n_events, np.nan)
    fit = dict(n=core.n, x_mean=core.x_mean, sxx=core.sxx, sigma=core.sigma, n_params=MODELS[model], model=model)
    known = np.isfinite(core.ar)
    est_ar = _estimation_ar(core, model)
    ar0 = ret0 = bench0 = nan
    day0 = {key: nan for key in ("t", "p", "sd", "limit")}
    rank0 = nan
    if e0 <= 0 <= e1:
        at0 = -e0
        inside = core.evt_in[:, at0]
        ar0 = np.where(inside, core.ar[:, at0], np.nan)
        ret0 = np.where(inside, core.y_evt[:, at0], np.nan)
        bench0 = np.where(inside, core.x_evt[:, at0], np.nan)
        day0 = inference.car_test(ar0[:, None], core.x_evt[:, at0:at0 + 1], known[:, at0:at0 + 1], **fit)
        rank0 = inference.rank_test_day(est_ar, ar0)
    whole = inference.car_test(core.ar, core.x_evt, known, **fit)
    _, rank_p = inference.rank_test_window(est_ar, core.ar)
    _, _, sign_p = inference.sign_test_window(est_ar, core.ar)
    one_day = whole["days"] == 1  # as in EventStudyResult.car: a single day gets the exact rank test
    if one_day.any():
        rank_p = np.where(one_day, inference.rank_test_day(est_ar, np.where(known, core.ar, 0.0).sum(axis=1)), rank_p)
    big = np.iinfo(np.int64).max
    first = np.where(core.est_use, core.est_pos, big).min(axis=1)
    last = np.where(core.est_use, core.est_pos, -1).max(axis=1)
    dates = panel.sessions.to_numpy("datetime64[ns]")
    has = core.n > 0
    return {
        "estimation_start": np.where(has, dates[np.clip(first, 0, len(dates) - 1)], np.datetime64("NaT")),
        "estimation_end": np.where(has, dates[np.clip(last, 0, None)], np.datetime64("NaT")),
        "alpha": core.alpha, "beta": core.beta, "r2": core.r2, "sigma": core.sigma,
        "n_estimation": core.n.astype("int64"),
        "ret_0": ret0, "benchmark_ret_0": bench0, "ar_0": ar0, "ar_0_t": day0["t"], "ar_0_p": day0["p"],
        "ar_0_sd": day0["sd"], "ar_0_limit": day0["limit"], "ar_0_rank_p": rank0,
        "car_start": np.full(n_events, e0), "car_end": np.full(n_events, e1),
        "car": whole["car"], "car_t": whole["t"], "car_p": whole["p"], "car_sd": whole["sd"],
        "car_limit": whole["limit"], "car_rank_p": rank_p,
        "car_sign_p": np.where(whole["days"] > 1, sign_p, np.nan),
    }


def _clusters(p0: np.ndarray, k: np.ndarray, event_window, ids: list[str]) -> list[str]:
    """For each event, other firms' events whose event windows share at least one session.

    Windows of equal length overlap when their days 0 are at most ``e1 - e0`` sessions apart, so
    events are grouped by day 0 and each group looks only at its neighbours (an events x events
    matrix would take gigabytes for a whole market). Hits are listed in the events' order.
    """
    e0, e1 = event_window
    out = [""] * len(p0)
    on_axis = np.flatnonzero(p0 >= 0)
    firms = k[on_axis]
    if on_axis.size == 0 or (firms == firms[0]).all():
        return out  # one firm's events (a company's own history) have no other firm to share with
    order = on_axis[np.argsort(p0[on_axis], kind="stable")]
    day = p0[order]
    days, starts = np.unique(day, return_index=True)
    ends = np.append(starts[1:], day.size)
    near_lo = np.searchsorted(day, days - (e1 - e0), "left")
    near_hi = np.searchsorted(day, days + (e1 - e0), "right")
    for g in range(days.size):
        near = np.sort(order[near_lo[g]:near_hi[g]])
        same_firm = np.bincount(k[near])
        # The first hits of any member are among the first _SHOWN_EVENTS + (its own firm's) events.
        head = near[:_SHOWN_EVENTS + int(same_firm.max())]
        head_firms, head_ids = k[head].tolist(), [ids[j] for j in head]
        texts: dict[int, str] = {}  # by firm: a market-wide day has one text for most of its firms
        for i in order[starts[g]:ends[g]].tolist():
            firm = int(k[i])
            # Outside the head only the count of the firm's own events changes the text.
            key = firm if firm in head_firms else -1 - int(same_firm[firm])
            text = texts.get(key)
            if text is None:
                shown = [name for name, f in zip(head_ids, head_firms) if f != firm][:_SHOWN_EVENTS]
                total = near.size - int(same_firm[firm])
                text = texts[key] = ", ".join(shown) + (f" and {total - _SHOWN_EVENTS} more"
                                                        if total > _SHOWN_EVENTS else "")
            out[i] = text
    return out


def robustness(
    prices: pd.DataFrame,
    ticker: str,
    event_date,
    *,
    exclude_period: tuple,
    **kwargs,
) -> pd.DataFrame:
    """The same event study under three specifications, side by side, in one call.

    (a) the market model; (b) the market-adjusted model (nothing estimated, so immune to an
    unusual estimation period); (c) the market model with ``exclude_period`` left out of the
    estimation sample and the window extended back to keep its length (see ``exclude=`` of
    :func:`event_study`). For the full grid of choices see :func:`frstory.specifications`.

    Parameters
    ----------
    prices : pandas.DataFrame
        Tidy price frame.
    ticker : str
        The stock studied.
    event_date : date-like
        Announcement date.
    exclude_period : tuple of (start, end)
        Dates left out of the estimation window in specification (c), e.g. a crash that would
        inflate the noise estimate. Required: which period is unusual is the story's choice.
    **kwargs
        Passed to :func:`event_study` (``market_session``, ``benchmark``, windows, ``price``,
        ``events``, ``label``...); not ``model`` or ``exclude``, which this function varies.

    Returns
    -------
    pandas.DataFrame
        One row per specification: ``specification`` then the columns of
        :meth:`EventStudyResult.to_frame`.

    Examples
    --------
    >>> import frstory as fr
    >>> prices = fr.synthetic_prices(["SYNA"], benchmark="^SYNX")
    >>> fr.robustness(prices, "SYNA", "2020-06-10", benchmark="^SYNX",
    ...               exclude_period=("2020-03-01", "2020-03-31"))["model"].tolist()
    ['market', 'market_adjusted', 'market']
    """
    for name in ("model", "exclude"):
        if name in kwargs:
            raise AnalysisError(f"fr.robustness varies {name}= itself; leave it out of the call")
    start, end = _check_exclude([exclude_period])[0]
    specs = [
        ("market model", {"model": "market"}),
        ("market-adjusted model", {"model": "market_adjusted"}),
        (f"market model, estimation without {prose.date_range(start, end)}",
         {"model": "market", "exclude": [(start, end)]}),
    ]
    frames = []
    for description, extra in specs:
        frame = event_study(prices, ticker, event_date, **kwargs, **extra).to_frame()
        frame.insert(0, "specification", description)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def pooled_tests(
    prices: pd.DataFrame,
    events: pd.DataFrame,
    *,
    window: tuple[int, int] = (0, 0),
    benchmark: str = "^GSPC",
    estimation_window: tuple[int, int] = (-250, -11),
    model: Literal["market", "market_adjusted", "constant_mean"] = "market",
    price: str = "close",
    exclude: Iterable[tuple] | None = None,
) -> pd.DataFrame:
    """Is the average abnormal return of several firms' events different from zero? One row per test.

    Each firm's abnormal return over ``window`` (day 0 by default, or a CAR) is standardised by
    its own prediction-error standard deviation, then pooled with
    :func:`frstory.analysis.inference.cross_section_tests`: Boehmer-Musumeci-Poulsen (robust to
    event-induced variance), the same with the Kolari-Pynnönen adjustment for cross-correlated
    residuals, the Corrado rank test and Cowan's generalised sign test (refused when the event
    windows share sessions: clustered events are not independent draws).

    Parameters
    ----------
    prices, events, benchmark, estimation_window, model, price, exclude
        As in :func:`event_studies` (every event with a ticker takes part).
    window : (int, int)
        Offsets of the abnormal return tested; it is also the event window.

    Returns
    -------
    pandas.DataFrame
        Columns ``test, statistic, p, n, significant, note``; ``attrs["clustered"]`` says whether
        the windows share sessions and ``attrs["mean_ar"]`` is the average abnormal return.

    Examples
    --------
    >>> import frstory as fr
    >>> prices = fr.synthetic_prices(["SYNA", "SYNB"], benchmark="^SYNX")
    >>> out = fr.pooled_tests(prices, fr.synthetic_events(), benchmark="^SYNX")
    >>> out["test"].tolist()[:2]
    ['BMP standardised cross-section', 'BMP with Kolari-Pynnönen adjustment']
    """
    estimation_window, window = _check_windows(estimation_window, window, model)
    table = event_studies(prices, events, benchmark=benchmark, estimation_window=estimation_window,
                          event_window=window, model=model, price=price, exclude=exclude)
    rows = events.loc[events["ticker"].notna()].reset_index(drop=True)
    tickers = rows["ticker"].astype(str).tolist()
    day0 = pd.DatetimeIndex(table["day0"])
    same = table.duplicated(["ticker", "day0"], keep=False) & table["day0"].notna()
    if same.any():
        # Two announcements of one firm on one day 0 have one abnormal return, not two observations.
        shown = table.loc[same, ["ticker", "event_id", "day0"]].iloc[:2]
        raise AnalysisError(
            f"fr.pooled_tests: events {' and '.join(map(repr, shown['event_id']))} of {shown['ticker'].iloc[0]} "
            f"share day 0 ({pd.Timestamp(shown['day0'].iloc[0]).date()}), so their abnormal return would be "
            "counted twice; keep one of them in the events passed"
        )
    panel = _build_panel(prices, [benchmark, *dict.fromkeys(tickers)], price, what="fr.pooled_tests",
                         benchmark=benchmark)
    col = {t: j for j, t in enumerate(panel.tickers)}
    k = np.array([col[t] for t in tickers], dtype=np.int64)
    p0 = panel.sessions.get_indexer(day0).astype(np.int64)
    core = _core(panel, k, np.zeros(len(k), np.int64), p0, estimation_window, window, model,
                 _check_exclude(exclude))
    est_ar = _estimation_ar(core, model)
    known = np.isfinite(core.ar)
    tested = inference.car_test(core.ar, core.x_evt, known, n=core.n, x_mean=core.x_mean, sxx=core.sxx,
                                sigma=core.sigma, n_params=MODELS[model], model=model)
    residuals = pd.DataFrame(
        {f"{i}": pd.Series(est_ar[i][core.est_use[i]], index=core.est_pos[i][core.est_use[i]])
         for i in range(len(k))}
    )
    rank_est, rank_win = inference.standardised_ranks(est_ar, core.ar)
    clustered = bool(table["clustered_with"].fillna("").ne("").any())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        positive_share = np.nanmean(np.where(core.est_use, est_ar > 0, np.nan), axis=1)
    out = inference.cross_section_tests(
        tested["car"] / tested["sd"], estimation_residuals=residuals, rank_estimation=rank_est,
        rank_window=rank_win, positive_share=positive_share, window_positive=tested["car"] > 0,
        clustered=clustered,
    )
    cars = tested["car"][np.isfinite(tested["car"])]
    # No firm computed (an empty events frame): no average, and no "mean of empty slice" warning.
    out.attrs.update(clustered=clustered, mean_ar=float(cars.mean()) if cars.size else float("nan"), window=window)
    return out
