"""Specification curve: one event study under every reasonable combination of analysis choices.

Simonsohn, Simmons and Nelson (2020), "Specification curve analysis", *Nature Human Behaviour* 4,
1208-1214: instead of reporting one specification (and a robustness table of two others), run all
the defensible ones, sort the estimates, and show which choices produce which result. Each
specification here is one :func:`frstory.event_study` call; its tests come from it, so the curve
and the single-event pages cannot disagree.
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd
from scipy import stats

from frstory import prose
from frstory.analysis.event_study import MODELS, _check_exclude, _offset, event_study
from frstory.analysis.inference import LEVEL
from frstory.errors import AnalysisError

__all__ = ["specifications", "SPECIFICATION_COLUMNS", "CHOICE_COLUMNS"]

#: The analysis choices, one column each in :func:`specifications`' frame.
CHOICE_COLUMNS = ("estimation", "excluded", "model", "benchmark")

#: Columns of :func:`specifications`' frame, in order.
SPECIFICATION_COLUMNS = (
    "spec", "measure", *CHOICE_COLUMNS, "estimate", "sd", "low", "high", "t", "p", "significant",
    "rank_p", "limit", "n_estimation", "estimation_window", "exclude_start", "exclude_end",
)

_MODEL_LABELS = {"market": "Market model", "market_adjusted": "Market-adjusted", "constant_mean": "Constant mean"}


def specifications(
    prices: pd.DataFrame,
    ticker: str,
    event_date,
    *,
    market_session: str = "regular",
    benchmarks: Sequence[str] = ("^GSPC",),
    estimation_windows: Sequence[tuple[int, int]] = ((-250, -11), (-120, -11), (-60, -11)),
    exclude_periods: Iterable[tuple] = (),
    models: Sequence[str] = ("market", "market_adjusted", "constant_mean"),
    car_window: tuple[int, int] = (-1, 1),
    price: str = "close",
    level: float = LEVEL,
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Day-0 abnormal return and CAR under every combination of the analysis choices, as a tidy frame.

    The choices crossed are: the estimation window (``estimation_windows``), whether a period is
    left out of the estimation sample (none, or each of ``exclude_periods``), the normal-return
    model (``models``) and the benchmark (``benchmarks``). The market-adjusted model estimates
    nothing, but its noise estimate still depends on the window, so it is run for each.

    Parameters
    ----------
    prices : pandas.DataFrame
        Tidy price frame holding ``ticker`` and every benchmark.
    ticker : str
        The stock studied.
    event_date : date-like
        Announcement date; day 0 is ``fr.reaction_session(event_date, market_session)``.
    market_session : str
        As in :func:`frstory.event_study`.
    benchmarks : sequence of str
        Indices tried as the market.
    estimation_windows : sequence of (int, int)
        Estimation windows relative to day 0.
    exclude_periods : iterable of (start, end)
        Periods that may be left out of the estimation sample (each tried with and without). No
        default: which period is unusual is the story's choice.
    models : sequence of str
        Normal-return models (``market``, ``market_adjusted``, ``constant_mean``).
    car_window : (int, int)
        Offsets of the CAR (it must contain day 0); it is also the event window.
    price : str
        Price column.
    level : float
        Two-sided level of the intervals, ``significant`` and ``limit``.
    names : mapping of str to str, optional
        Reader names of the benchmarks for this call (``{"^SYNX": "the Synthetic Market Index"}``),
        looked up before the registered ones, as in :func:`frstory.prose.display_name`. The
        ``benchmark`` column is reader text (the curve's dot matrix and hover show it), so a
        benchmark without a name is refused, never shown as its raw ticker.

    A single choice may be given bare: ``benchmarks="^GSPC"``, ``models="market"``,
    ``estimation_windows=(-120, -11)``, ``exclude_periods=("2020-03-01", "2020-03-31")``.

    Returns
    -------
    pandas.DataFrame
        Two rows per specification (``measure`` ``"ar_0"`` then ``"car"``), columns
        :data:`SPECIFICATION_COLUMNS`: ``spec`` numbers the specification; the choice columns
        hold reader labels (``estimation`` the sessions used, "240 sessions", or "180 of 240 sessions"
        when the data held fewer, a range when specifications of one window differ; ``excluded``
        "none" or the dates,
        ``model``, ``benchmark`` as a display name, "none" for the constant-mean model, which is
        run once as it uses no benchmark); ``estimate, sd, low, high`` the estimate, its
        prediction-error standard deviation and the ``1 - level`` interval from Student's t;
        ``t, p, significant, rank_p, limit`` its tests and detection limit. ``attrs`` hold
        ``ticker``, ``day0``, ``car_window`` and ``level``.

    Raises
    ------
    AnalysisError
        For an empty list of choices, an unknown model, or a CAR window without day 0; errors of
        :func:`frstory.event_study` name the specification that failed.
    frstory.prose.UnknownDisplayName
        For a benchmark a model uses that neither ``names`` nor the registry names; raised before
        any specification is estimated.

    Examples
    --------
    >>> import frstory as fr
    >>> prices = fr.synthetic_prices(["SYNA"], benchmark="^SYNX")
    >>> specs = fr.specifications(prices, "SYNA", "2020-06-10", benchmarks=["^SYNX"],
    ...                           models=["market", "market_adjusted"],
    ...                           names={"^SYNX": "the Synthetic Market Index"})
    >>> specs["measure"].value_counts().to_dict()
    {'ar_0': 6, 'car': 6}
    >>> sorted(set(specs["benchmark"]))
    ['Synthetic Market Index']
    """
    # One choice given bare (benchmarks="^GSPC", estimation_windows=(-120, -11)) is that one choice,
    # not a list of characters or of numbers.
    lists = {"benchmarks": [benchmarks] if isinstance(benchmarks, str) else list(benchmarks),
             "estimation_windows": ([estimation_windows] if _is_window(estimation_windows)
                                    else list(estimation_windows)),
             "models": [models] if isinstance(models, str) else list(models)}
    for name, values in lists.items():
        if not values:
            raise AnalysisError(f"fr.specifications: {name}= is empty; give at least one choice")
    unknown = [m for m in lists["models"] if m not in MODELS]
    if unknown:
        raise AnalysisError(f"fr.specifications: model {unknown[0]!r} is not one of {', '.join(MODELS)}")
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0 < level < 1:
        # level=5 (meant as 5%) would give NaN intervals and call every p "significant".
        raise AnalysisError(f"fr.specifications: level={level!r} is not a probability between 0 and 1; "
                            "pass the two-sided significance level as a fraction, e.g. level=0.05 for 5%")
    try:
        c0, c1 = (_offset(v) for v in car_window)
    except (TypeError, ValueError) as exc:
        raise AnalysisError(f"fr.specifications: car_window={car_window!r} is not a pair of session offsets "
                            "such as (-1, 1)") from exc
    if not c0 <= 0 <= c1:
        raise AnalysisError(f"fr.specifications: car_window={car_window!r} must contain day 0, e.g. (-1, 1)")
    exclude_periods = list(exclude_periods)
    if len(exclude_periods) == 2 and not any(hasattr(v, "__len__") and not isinstance(v, str) for v in exclude_periods):
        exclude_periods = [tuple(exclude_periods)]  # one (start, end) pair given bare
    periods: list[tuple | None] = [None, *_check_exclude(exclude_periods)]
    # Named before the first estimate: a missing name should not wait for a grid of event studies.
    # The constant-mean model uses no benchmark ("none"), so a benchmark only it would see needs no name.
    bench_names = ({b: _bench_name(b, names) for b in lists["benchmarks"]}
                   if any(m != "constant_mean" for m in lists["models"]) else {})
    if isinstance(prices, pd.DataFrame) and "ticker" in prices.columns:
        # Only the stock and the benchmarks: every specification aligns a smaller frame.
        prices = prices[prices["ticker"].isin([ticker, *lists["benchmarks"]])]
    combos = [
        (window, period, model, benchmark)
        for window, period, model, benchmark in itertools.product(
            lists["estimation_windows"], periods, lists["models"], lists["benchmarks"])
        # The constant-mean model ignores the benchmark: one specification, not one per index.
        if model != "constant_mean" or benchmark == lists["benchmarks"][0]
    ]
    rows = []
    for spec, (window, period, model, benchmark) in enumerate(combos, start=1):
        try:
            result = event_study(prices, ticker, event_date, market_session=market_session, benchmark=benchmark,
                                 estimation_window=window, event_window=(c0, c1), model=model, price=price,
                                 exclude=[period] if period else None)
        except AnalysisError as exc:
            raise AnalysisError(
                f"fr.specifications, specification {spec} (estimation {window}, model {model}, benchmark "
                f"{benchmark}{', excluding ' + str(period[0].date()) + ' to ' + str(period[1].date()) if period else ''}): {exc}"
            ) from exc
        t_crit = stats.t.ppf(1 - level / 2, result.dof)
        choices = {
            "estimation": tuple(window),  # labelled below, from the sessions its specifications used
            "excluded": prose.date_range(*period) if period else "none",
            "model": _MODEL_LABELS[model],
            "benchmark": bench_names[benchmark] if model != "constant_mean" else "none",
        }
        for measure, tested in (("ar_0", result.car(0, 0)), ("car", result.car(c0, c1))):
            rows.append({
                "spec": spec, "measure": measure, **choices,
                "estimate": tested.car, "sd": tested.sd,
                "low": tested.car - t_crit * tested.sd, "high": tested.car + t_crit * tested.sd,
                "t": tested.t, "p": tested.p, "significant": bool(tested.p < level), "rank_p": tested.rank_p,
                # At this call's level, as the interval (CarResult.limit is at the house 5%).
                "limit": t_crit * tested.sd, "n_estimation": result.n_estimation,
                "estimation_window": f"{window[0]}..{window[1]}",
                "exclude_start": period[0] if period else pd.NaT, "exclude_end": period[1] if period else pd.NaT,
            })
    out = pd.DataFrame(rows, columns=list(SPECIFICATION_COLUMNS))
    used: dict[tuple[int, int], list[int]] = {}
    for row in rows:
        used.setdefault(row["estimation"], []).append(int(row["n_estimation"]))
    labels = {window: _estimation_label(window, min(n), max(n)) for window, n in used.items()}
    out["estimation"] = [labels[row["estimation"]] for row in rows]
    out.attrs.update(ticker=ticker, day0=pd.Timestamp(result.day0), car_window=(c0, c1), level=level)
    return out


def _estimation_label(window: tuple[int, int], fewest: int, most: int) -> str:
    """The estimation choice as a reader sees it: the sessions the window's specifications actually used.

    A window reaching back before the data (or across gaps in it) holds fewer sessions with
    returns than it spans; the label then says how many of them were used, as a range when
    specifications of the same window (another benchmark, another excluded period) used different
    numbers.

    Examples
    --------
    >>> _estimation_label((-250, -11), 240, 240), _estimation_label((-250, -11), 180, 180)
    ('240 sessions', '180 of 240 sessions')
    >>> _estimation_label((-250, -11), 180, 240)
    '180–240 of 240 sessions'
    """
    span = int(window[1]) - int(window[0]) + 1
    if fewest == most == span:
        return prose.plural(span, "session")
    used = prose.number(most) if fewest == most else f"{prose.number(fewest)}\N{EN DASH}{prose.number(most)}"
    return f"{used} of {prose.plural(span, 'session')}"


def _is_window(value) -> bool:
    """Whether ``value`` is one window, a pair of session offsets such as ``(-120, -11)``."""
    try:
        return len(value) == 2 and all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in value)
    except TypeError:
        return False


def _bench_name(ticker: str, names: Mapping[str, str] | None) -> str:
    """The benchmark's reader name (a label, without "the"); a benchmark without one is refused.

    Examples
    --------
    >>> _bench_name("^GSPC", None), _bench_name("^X", {"^X": "the X Index"})
    ('S&P 500', 'X Index')
    """
    try:
        return prose.display_name(ticker, names=names)
    except prose.UnknownDisplayName as exc:
        raise prose.UnknownDisplayName(f"fr.specifications: benchmark {ticker!r}: {exc}") from None
