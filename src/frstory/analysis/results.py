"""Result objects of the event-study functions (kept separate so charts can import them cheaply)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["CarResult", "Caveat", "EventStudyResult", "TABLE_COLUMNS", "SUMMARY_COLUMNS", "reader_name"]

#: Columns of :attr:`EventStudyResult.table`, in order. ``ar_sd`` is the prediction-error standard
#: deviation of each day's abnormal return, ``car_sd`` that of the running CAR (from the window's
#: first session); ``ar_t`` and ``car_t`` divide by them.
TABLE_COLUMNS = ("offset", "date", "ret", "benchmark_ret", "expected", "ar", "car", "ar_sd", "car_sd", "ar_t",
                 "car_t")

#: Columns of :meth:`EventStudyResult.to_frame` and of :func:`frstory.event_studies`, in order.
#: ``*_limit`` is the detection limit (the smallest abnormal return the t-test calls significant at
#: 5%, two-sided); ``*_rank_p`` the rank test's p-value, ``car_sign_p`` the sign test's.
SUMMARY_COLUMNS = (
    "ticker", "event_id", "label", "event_date", "market_session", "day0", "benchmark", "model",
    "price", "estimation_start", "estimation_end", "alpha", "beta", "r2", "sigma", "n_estimation",
    "ret_0", "benchmark_ret_0", "ar_0", "ar_0_t", "ar_0_p", "ar_0_sd", "ar_0_limit", "ar_0_rank_p",
    "car_start", "car_end", "car", "car_t", "car_p", "car_sd", "car_limit", "car_rank_p", "car_sign_p",
    "n_warnings", "warnings",
)


def reader_name(ticker: str, *, article: bool = False) -> str:
    """The reader's name for ``ticker`` (:func:`frstory.prose.display_name`), else the ticker.

    Caveats are produced for any ticker, including ones a story has not named; they fall back to
    the ticker instead of failing. Summaries use :func:`frstory.prose.display_name` strictly.

    Examples
    --------
    >>> reader_name("^GSPC", article=True), reader_name("SYNQ")
    ('the S&P 500', 'SYNQ')
    """
    from frstory import prose

    # Look first: an unknown name's error searches for close matches, too slow for 500 events.
    if ticker not in prose.display_names():
        return ticker
    return prose.display_name(ticker, article=article)


class Caveat(str):
    """A caveat's text that can be written again with the reader names a summary uses.

    The caveats of an event study are written when it is computed, before anyone has said what
    the stock and the benchmark are called: ``str(caveat)`` names them as :func:`reader_name` does
    (the registered name, else the ticker). :meth:`named` writes the same caveat with the names
    the summary's own sentences use, so ``summary(names=...)`` never shows a raw ticker in a
    caveat when its caller gave a name. Everything else in the text is fixed at computation.

    Parameters
    ----------
    template : str
        :meth:`str.format` template: ``{name}`` the stock, ``{bench}`` the benchmark with its
        article, ``{Bench}`` the same opening a sentence; every other field comes from ``values``.
    name, bench : str
        The names written into ``str(caveat)``.
    **values : str
        The template's other fields (dates, numbers already in words). They are inserted, never
        parsed, so a headline with braces stays as it is.

    Examples
    --------
    >>> c = Caveat("{name} fell on {day} while {bench} rose.", "SYNQ", "^SYNX", day="11 June 2020")
    >>> c
    'SYNQ fell on 11 June 2020 while ^SYNX rose.'
    >>> c.named("Synq Corp", "the synthetic index")
    'Synq Corp fell on 11 June 2020 while the synthetic index rose.'
    """

    template: str
    values: dict[str, str]

    def __new__(cls, template: str, name: str, bench: str, **values: str) -> Caveat:
        self = str.__new__(cls, _fill(template, name, bench, values))
        self.template, self.values = template, values
        return self

    @staticmethod
    def text(template: str, name: str, bench: str, **values: str) -> str:
        """The same text as a plain ``str``, for a table that keeps only text (cheaper, for big batches).

        Examples
        --------
        >>> Caveat.text("{Bench} did not move.", "SYNQ", "the synthetic index")
        'The synthetic index did not move.'
        """
        return _fill(template, name, bench, values)

    def named(self, name: str, bench: str) -> str:
        """The caveat with ``name`` for the stock and ``bench`` (with its article) for the benchmark."""
        return _fill(self.template, name, bench, self.values)

    def __reduce__(self):
        # str's own pickling would call __new__ with the text alone, and a pickled result
        # (multiprocessing, joblib, a notebook cache) could not be loaded.
        return _restore_caveat, (str(self), self.template, self.values)


def _fill(template: str, name: str, bench: str, values: dict[str, str]) -> str:
    if "{Bench}" not in template:
        return template.format(name=name, bench=bench, **values)
    from frstory import prose

    return template.format(name=name, bench=bench, Bench=prose.sentence(bench), **values)


def _restore_caveat(text: str, template: str, values: dict[str, str]) -> Caveat:
    self = str.__new__(Caveat, text)
    self.template, self.values = template, values
    return self


def _decimals_for(x: float) -> int:
    """Decimals of a percentage for a small daily figure: one, or two when one would show "0.0%".

    A typical average daily return, or the expected move on a quiet day, is a few hundredths of
    a percent: :func:`frstory.prose.percent`'s one decimal would write it as zero.
    """
    from frstory.prose._checks import rounded

    return 1 if rounded(x, 1, 2) != 0 else 2


def _small_percent(x: float) -> str:
    """A small daily percentage (an average daily return) with as many decimals as it needs to show.

    Two decimals where one would read "0.0%", which says nothing; one that rounds to zero even
    then is "about zero".

    Examples
    --------
    >>> _small_percent(0.0012), _small_percent(-0.0003), _small_percent(0.00001)
    ('+0.1%', '-0.03%', 'about zero')
    """
    from frstory import prose
    from frstory.prose._checks import rounded

    if rounded(x, 2, 2) == 0:
        return "about zero"
    return prose.percent(x, decimals=_decimals_for(x), signed=True)


def _significance(t: float, p: float) -> str:
    from frstory import prose

    if not np.isfinite(p):
        return "of unknown significance"
    stats_text = f"{prose.t_stat(t)}; {prose.p_value(p)}"
    if p < 0.01:
        return f"far outside the range of ordinary daily noise ({stats_text})"
    if p < 0.05:
        return f"outside the range of ordinary daily noise, statistically significant at the 5% level ({stats_text})"
    if p < 0.10:
        return f"borderline: larger than most ordinary days, but not clearly beyond the noise ({stats_text})"
    return f"within the range of ordinary daily noise ({stats_text})"


@dataclass(frozen=True)
class CarResult:
    """Cumulative abnormal return over sessions ``start..end`` (inclusive, relative to day 0)."""

    start: int
    end: int
    car: float
    t: float
    p: float
    #: Prediction-error standard deviation of the CAR (includes the estimation-error term).
    sd: float = math.nan
    #: Detection limit: the smallest |CAR| the two-sided 5% t-test calls significant.
    limit: float = math.nan
    #: ``sigma * sqrt(days)``: the standard deviation without the estimation-error term.
    sd_simple: float = math.nan
    #: Rank test p-value (exact for one day, Corrado-Cowan for a window).
    rank_p: float = math.nan
    #: Sign test p-value (exact binomial; ``NaN`` for one day, where it cannot reject).
    sign_p: float = math.nan
    #: Abnormal returns summed.
    days: int = 0


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
        Columns :data:`TABLE_COLUMNS`, one row per event-window session that lies inside the data.
    alpha, beta, r2, sigma : float
        Model estimates (``nan`` where the model has none); ``sigma`` is the residual standard
        deviation over the estimation window (the t-statistics add the estimation error to it).
    n_estimation : int
        Sessions in the estimation window with returns for both series.
    warnings : list of str
        Plain-language caveats a reader must see next to the result. Those of
        :func:`frstory.event_study` are :class:`Caveat` strings naming the stock and the benchmark
        as :func:`reader_name` does; :meth:`summary` writes them with its own names.
    label : str
        Short description of the event, for tables and charts.
    event_id : str
        Identifier of the event (the events file's ``id``), or ``""``.
    price : str
        Price column the returns come from (``close`` or ``adj_close``).
    n_params : int
        Parameters the model estimates (market 2, constant mean 1, market-adjusted 0); the
        t-distribution of the tests has ``n_estimation - n_params`` degrees of freedom.
    estimation_start, estimation_end : pandas.Timestamp or None
        First and last session of the estimation sample actually used.
    excluded : tuple of (Timestamp, Timestamp)
        Date ranges left out of the estimation sample (see ``exclude=`` of
        :func:`frstory.event_study`).
    excluded_sessions : int
        Sessions of the plain estimation window that ``excluded`` removed (the window was
        extended back by as many sessions).
    x_mean, sxx : float
        The benchmark's mean return over the estimation sample and its sum of squared
        deviations: with ``n_estimation`` they give the prediction-error variance of every
        abnormal return and CAR (:mod:`frstory.analysis.inference`).
    estimation_ar : numpy.ndarray
        The estimation sample's abnormal returns (residuals), for the rank and sign tests.
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
    event_id: str = ""
    price: str = "close"
    n_params: int = 2
    estimation_start: pd.Timestamp | None = None
    estimation_end: pd.Timestamp | None = None
    excluded: tuple = ()
    excluded_sessions: int = 0
    x_mean: float = math.nan
    sxx: float = math.nan
    estimation_ar: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def dof(self) -> int:
        """Degrees of freedom of the t-tests: ``n_estimation - n_params``."""
        return int(self.n_estimation) - int(self.n_params)

    def car(self, start: int | None = None, end: int | None = None) -> CarResult:
        """Cumulative abnormal return over sessions ``start..end`` relative to day 0 (inclusive), tested.

        The t-statistic divides by the prediction-error standard deviation of the CAR
        (:func:`frstory.analysis.inference.car_test`: it includes the estimation error of the
        model); the p-value is two-sided from Student's t with :attr:`dof` degrees of freedom.
        Beside it: the detection limit, a rank test and (for more than one day) a sign test.
        Missing abnormal returns are skipped.

        Parameters
        ----------
        start, end : int, optional
            Offsets inside the event window; default the whole window.

        Returns
        -------
        CarResult

        Raises
        ------
        frstory.AnalysisError
            When the sub-window is empty or reaches outside the event window.

        Examples
        --------
        >>> import frstory as fr
        >>> prices = fr.synthetic_prices(["SYNA"], benchmark="^SYNX")
        >>> res = fr.event_study(prices, "SYNA", "2020-06-10", benchmark="^SYNX")
        >>> c = res.car(0, 1)
        >>> (c.start, c.end, c.days), bool(c.sd > c.sd_simple)
        ((0, 1, 2), True)
        """
        from frstory.analysis import inference
        from frstory.errors import AnalysisError

        lo, hi = self.event_window
        start = lo if start is None else int(start)
        end = hi if end is None else int(end)
        if not (lo <= start <= end <= hi):
            raise AnalysisError(
                f"car({start}, {end}) of {self.ticker}: the sub-window must lie inside the event "
                f"window {lo}..{hi} with start <= end; widen event_window= or choose offsets in it"
            )
        rows = self.table[(self.table["offset"] >= start) & (self.table["offset"] <= end)]
        ar = rows["ar"].to_numpy(dtype="float64")
        known = np.isfinite(ar)
        if not known.any():
            return CarResult(start, end, math.nan, math.nan, math.nan)
        # A result built by hand (e.g. a chart fixture) may lack the estimation inputs; it then gets
        # sigma * sqrt(L), the variance without the estimation-error term.
        complete = "benchmark_ret" in rows.columns and np.isfinite(self.x_mean) and np.isfinite(self.sxx)
        bench = rows["benchmark_ret"].to_numpy(dtype="float64") if complete else np.zeros(ar.size)
        out = inference.car_test(
            ar[None, :], bench[None, :], known[None, :],
            n=np.array([self.n_estimation]), x_mean=np.array([self.x_mean]), sxx=np.array([self.sxx]),
            sigma=np.array([self.sigma]), n_params=self.n_params, model=self.model if complete else "market_adjusted",
        )
        est = np.asarray(self.estimation_ar, dtype="float64")[None, :]
        if known.sum() == 1:
            rank_p, sign_p = float(inference.rank_test_day(est, ar[known])[0]), math.nan
        else:
            rank_p = float(inference.rank_test_window(est, ar[None, :])[1][0])
            sign_p = float(inference.sign_test_window(est, ar[None, :])[2][0])
        first = {key: float(value[0]) for key, value in out.items()}
        return CarResult(start, end, first["car"], first["t"], first["p"], sd=first["sd"], limit=first["limit"],
                         sd_simple=first["sd_simple"], rank_p=rank_p, sign_p=sign_p, days=int(first["days"]))

    def _day0_row(self) -> pd.Series | None:
        rows = self.table[self.table["offset"] == 0]
        return rows.iloc[0] if len(rows) else None

    def _timing(self) -> str:
        from frstory import prose

        event = pd.Timestamp(self.event_date)
        # Plain text, as every value of this paragraph: whoever puts it into Markdown or HTML escapes
        # it once (the publisher's inline values do); escaping here too put a backslash before each hyphen.
        about = f" ({self.label})" if self.label else ""
        if pd.Timestamp(self.day0) == event:
            return {
                "pre": f"the day of the announcement{about}, which came before the market opened",
                "regular": f"the day of the announcement{about}, made during trading hours",
            }.get(
                self.market_session,
                f"the day of the announcement{about}; its time of day is not known, so part of the "
                "reaction may only show the next session",
            )
        from frstory.data.calendar import nyse_calendar

        # "After the close" is only true of a day that had a close: on a weekend or holiday the
        # market was closed whatever the hour.
        if self.market_session == "post" and nyse_calendar().is_session(event):
            return (f"the first session after the announcement{about}, made after the close on "
                    f"{prose.date(event, weekday=True)}")
        return (f"the first session after the announcement{about} on {prose.date(event, weekday=True)}, "
                "when the market was closed")

    def _model_clause(self, name: str, bench: str) -> str:
        from frstory import prose

        period = ""
        if self.estimation_start is not None and self.estimation_end is not None:
            period = (f" over {prose.plural(self.n_estimation, 'session')} from "
                      f"{prose.date(self.estimation_start)} to {prose.date(self.estimation_end)}")
            if self.excluded_sessions:
                ranges = prose.join([prose.date_range(a, b) for a, b in self.excluded])
                period += f", leaving out {ranges}"
        if self.model == "market":
            beta = prose.number(self.beta, decimals=2)
            return (f"Given how {name} usually moves with the market (beta {beta}: on average "
                    f"{beta}% for each 1% move of {bench}, estimated{period})")
        if self.model == "market_adjusted":
            return (f"Assuming {name} simply moves one-for-one with {bench} (the market-adjusted model; "
                    f"daily noise measured{period})")
        return f"Judged against its average daily return ({_small_percent(self.alpha)}, measured{period})"

    def _sd_clause(self, c: CarResult) -> str:
        """What the standard deviation ``c.sd`` is: with the model's estimation error only when it has one.

        The market model adds the error of its estimated alpha and beta, the constant-mean model
        that of its estimated average; the market-adjusted model estimates nothing, so its standard
        deviation is the abnormal returns' own over the estimation sessions (``sd == sd_simple``).
        """
        if not c.sd > c.sd_simple:
            return "one standard deviation of its abnormal returns over the estimation sessions"
        what = {"market": "its estimated relationship with the market", "constant_mean": "its estimated average"}
        return f"one standard deviation, including the uncertainty of {what.get(self.model, 'the estimated model')}"

    def _evidence(self, c: CarResult, what: str) -> str:
        """The tests beside the t-test and, when nothing is significant, what could have been detected."""
        from frstory import prose

        parts = []
        if np.isfinite(c.rank_p):
            parts.append(f"a rank test, which assumes nothing about the shape of returns, gives {prose.p_value(c.rank_p)}")
        if np.isfinite(c.sign_p):
            parts.append(f"a sign test gives {prose.p_value(c.sign_p)}")
        text = (prose.sentence(prose.join(parts)) + ".") if parts else ""
        if np.isfinite(c.p) and c.p >= 0.05 and np.isfinite(c.limit):
            text += (f" With this noise the test would only have called {what} of at least "
                     f"{prose.points(c.limit, signed=False)} either way significant at the 5% level.")
        return text.strip()

    def summary(self, names: dict[str, str] | None = None) -> str:
        """One plain-language paragraph with the numbers, their uncertainty and the caveats.

        Numbers, dates and p-values are written by :mod:`frstory.prose`; names come from ``names``
        or :func:`frstory.prose.display_name` (register a company's name with
        ``prose.register_display_names``). Beside the t-test it reports the rank (and sign) test
        and, where the verdict is "no evidence", the detection limit. Warnings are appended,
        naming the stock and the benchmark as the paragraph does.

        Parameters
        ----------
        names : dict, optional
            Reader names by ticker, e.g. ``{"SYNA": "Synthetic A"}``, used before the registry.

        Raises
        ------
        frstory.FrstoryError
            When a ticker has no reader name (the message says how to register one).

        Examples
        --------
        >>> import frstory as fr
        >>> prices = fr.synthetic_prices(["SYNA"], benchmark="^SYNX")
        >>> res = fr.event_study(prices, "SYNA", "2020-06-10", benchmark="^SYNX")
        >>> res.summary(names={"SYNA": "Synthetic A", "^SYNX": "the synthetic index"}).startswith("Synthetic A's shares")
        True
        """
        from frstory import prose

        name = prose.display_name(self.ticker, names=names)
        bench = prose.display_name(self.benchmark, article=True, names=names)
        parts: list[str] = []
        row = self._day0_row()
        if row is not None and np.isfinite(row["ret"]) and np.isfinite(row["ar"]):
            c0 = self.car(0, 0)
            parts.append(prose.sentence(
                f"{name}'s shares {prose.moved(row['ret'], flat='were unchanged')} on "
                f"{prose.date(self.day0, weekday=True)}, "
                f"{self._timing()}; {bench} {prose.moved(row['benchmark_ret'])} that day."
            ))
            # The direction is in "better"/"worse": the gap is written without its sign.
            gap = prose.points(abs(row["ar"]), signed=False)
            if round(abs(float(row["ar"])) * 100, 1) == 0:  # what prose.points shows as 0.0
                outcome = "it did about that"
            else:
                outcome = f"it did {gap} {'better' if row['ar'] > 0 else 'worse'} than that"
            expected_move = prose.moved(row["expected"], decimals=_decimals_for(row["expected"]), up="rise",
                                        down="fall", flat="stay unchanged")
            parts.append(
                f"{self._model_clause(name, bench)}, {name} would have been expected to {expected_move}; "
                f"{outcome}. "
                f"That abnormal return is {_significance(c0.t, c0.p)}: on an ordinary day "
                f"{name}'s abnormal return is within about ±{prose.percent(c0.sd)} ({self._sd_clause(c0)})."
            )
            evidence = self._evidence(c0, "a day-0 abnormal return")
            if evidence:
                parts.append(evidence)
        elif not self.event_window[0] <= 0 <= self.event_window[1]:
            # A window such as (1, 5) leaves day 0 out by choice: nothing is missing from the data.
            parts.append(
                f"Day 0 is {prose.date(self.day0, weekday=True)}, {self._timing()}; the event window "
                f"({prose.offsets(*self.event_window, one='session', many='sessions')}) leaves it out, so no day-0 "
                "abnormal return is reported."
            )
        else:
            parts.append(
                f"The abnormal return of {name} on day 0 ({prose.date(self.day0, weekday=True)}) cannot be "
                "computed from the data given."
            )
        whole = self.car()
        lo, hi = self.event_window
        if np.isfinite(whole.car) and (lo, hi) != (0, 0):
            first, last = self.table["date"].iloc[0], self.table["date"].iloc[-1]
            start, end = int(self.table["offset"].iloc[0]), int(self.table["offset"].iloc[-1])
            covered = end - start + 1
            # Say which sessions the sum covers when the data cut the window or left days without a return.
            span = f"{prose.offsets(start, end, one='session', many='sessions')} around day 0, {prose.date_range(first, last)}"
            if whole.days < covered:
                span += (f"; only {whole.days} of these {covered} sessions "
                         f"{'has' if whole.days == 1 else 'have'} an abnormal return")
            where = (f"the event window ({span})" if (start, end) == (lo, hi)
                     else f"the part of the event window inside the data ({span})")
            parts.append(
                f"Over {where} the cumulative abnormal return is "
                f"{prose.points(whole.car)}, {_significance(whole.t, whole.p)}."
            )
            evidence = self._evidence(whole, "a cumulative abnormal return")
            if evidence:
                parts.append(evidence)
        if self.warnings:
            # Caveats name the firm and the index as the sentences above do (a hand-made result's
            # plain strings are shown as they are).
            parts.append("Caveats: " + " ".join(w.named(name, bench) if isinstance(w, Caveat) else w
                                                for w in self.warnings))
        return " ".join(parts)

    def to_frame(self) -> pd.DataFrame:
        """The result as one tidy row (columns :data:`SUMMARY_COLUMNS`), as in ``fr.event_studies``.

        ``ar_0``/``ret_0`` are day 0's values (``nan`` when day 0 is outside the event window),
        ``car`` covers the whole event window (``car_start..car_end``) and ``warnings`` joins the
        warnings with newlines (``n_warnings`` counts them).

        Examples
        --------
        >>> import frstory as fr
        >>> prices = fr.synthetic_prices(["SYNA"], benchmark="^SYNX")
        >>> fr.event_study(prices, "SYNA", "2020-06-10", benchmark="^SYNX").to_frame().shape[0]
        1
        """
        row = self._day0_row()
        c0 = self.car(0, 0) if row is not None else CarResult(0, 0, math.nan, math.nan, math.nan)
        whole = self.car()
        record = {
            "ticker": self.ticker,
            "event_id": self.event_id,
            "label": self.label,
            "event_date": pd.Timestamp(self.event_date),
            "market_session": self.market_session,
            "day0": pd.Timestamp(self.day0),
            "benchmark": self.benchmark,
            "model": self.model,
            "price": self.price,
            "estimation_start": self.estimation_start,
            "estimation_end": self.estimation_end,
            "alpha": self.alpha,
            "beta": self.beta,
            "r2": self.r2,
            "sigma": self.sigma,
            "n_estimation": int(self.n_estimation),
            "ret_0": float(row["ret"]) if row is not None else math.nan,
            "benchmark_ret_0": float(row["benchmark_ret"]) if row is not None else math.nan,
            "ar_0": c0.car,
            "ar_0_t": c0.t,
            "ar_0_p": c0.p,
            "ar_0_sd": c0.sd,
            "ar_0_limit": c0.limit,
            "ar_0_rank_p": c0.rank_p,
            "car_start": self.event_window[0],
            "car_end": self.event_window[1],
            "car": whole.car,
            "car_t": whole.t,
            "car_p": whole.p,
            "car_sd": whole.sd,
            "car_limit": whole.limit,
            "car_rank_p": whole.rank_p,
            "car_sign_p": whole.sign_p,
            "n_warnings": len(self.warnings),
            "warnings": "\n".join(self.warnings),
        }
        return pd.DataFrame([record], columns=list(SUMMARY_COLUMNS))
