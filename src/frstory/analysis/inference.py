"""Tests of abnormal returns: one place for every standard error, statistic and p-value.

Single firm (Campbell, Lo & MacKinlay 1997, ch. 4.4; MacKinlay 1997):

* Under the null the abnormal returns of the event window have covariance
  ``V = sigma^2 (I + X* (X'X)^-1 X*')``, with ``X`` the estimation-window design (a column of ones
  and the benchmark's returns for the market model) and ``X*`` the event window's. Its diagonal is
  the prediction-error variance of one day,
  ``sigma^2 [1 + 1/L1 + (Rm_t - mean Rm)^2 / sum (Rm - mean Rm)^2]``, and ``1' V 1`` that of a
  CAR over ``L`` days, ``sigma^2 [L + L^2/L1 + (sum_t (Rm_t - mean Rm))^2 / sum (Rm - mean Rm)^2]``.
  The constant-mean model drops the last term; the market-adjusted model estimates nothing, so
  ``V = sigma^2 I``. t-statistics divide by ``sqrt`` of these and are compared with Student's t
  on ``L1 - k`` degrees of freedom (``k`` parameters estimated: 2, 1, 0).
* The detection limit is the smallest abnormal return the two-sided test would call significant:
  ``t_(1 - level/2, L1 - k) * sd``. Print it beside every "no evidence" sentence.
* Non-parametric: the rank of day 0's abnormal return among the estimation window's (an exact
  permutation p-value, Corrado 1989 for one firm; the sample-quantile test of Gelbach, Helland and
  Klick 2013), and for a window the Corrado-Cowan rank statistic and a sign test against the share
  of positive abnormal returns in the estimation window (Cowan 1992, for one firm).

Several firms (:func:`cross_section_tests`): the standardised cross-sectional test of Boehmer,
Musumeci and Poulsen (1991), robust to event-induced variance, with the Kolari and Pynnönen (2010)
adjustment for cross-correlation when event windows share sessions; the Corrado (1989) rank test
in Kolari and Pynnönen's (2011) standardised form; Cowan's (1992) generalised sign test, refused
when the events cluster in calendar time (it assumes independent firms). :func:`adjust_pvalues`
corrects a page's many p-values for multiple testing (Holm, Benjamini-Hochberg) with statsmodels.

Formulas follow the documentation of the EventStudy R package (eventstudytools,
https://eventstudy.de/statistics/aar_caar_statistics.html) and estudy2
(https://rdrr.io/cran/estudy2/man/boehmer.html); the tests in tests/test_inference_*.py cross-check
them against statsmodels and scipy.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from frstory.errors import AnalysisError

__all__ = [
    "variance_factor",
    "car_test",
    "rank_test_day",
    "standardised_ranks",
    "cumulative_sd",
    "rank_test_window",
    "sign_test_window",
    "cross_section_tests",
    "adjust_pvalues",
    "LEVEL",
]

#: Significance level of the detection limits (two-sided).
LEVEL = 0.05


def variance_factor(count, sum_dx, n, sxx, model: str):
    """``Var(CAR) / sigma^2`` for a sum of ``count`` abnormal returns under the null.

    Parameters
    ----------
    count : array-like
        Abnormal returns summed (``L``; 1 for a single day).
    sum_dx : array-like
        ``sum_t (Rm_t - mean Rm)`` over those days (the benchmark's returns minus their
        estimation-window mean); only the market model uses it.
    n : array-like
        Estimation sessions used (``L1``).
    sxx : array-like
        ``sum (Rm - mean Rm)^2`` over the estimation window.
    model : {"market", "constant_mean", "market_adjusted"}

    Returns
    -------
    numpy.ndarray
        ``L + L^2/L1 + sum_dx^2/sxx`` (market), ``L + L^2/L1`` (constant mean) or ``L``
        (market-adjusted: nothing estimated, no estimation error).

    Examples
    --------
    >>> float(variance_factor(1, 0.0, 240, 0.05, "market"))  # a day when the market moved by its mean
    1.0041666666666667
    """
    count = np.asarray(count, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        if model == "market":
            return count + count**2 / n + np.asarray(sum_dx, float) ** 2 / np.asarray(sxx, float)
        if model == "constant_mean":
            return count + count**2 / n
    return count + 0.0 * n


def car_test(ar, x, known, *, n, x_mean, sxx, sigma, n_params: int, model: str, level: float = LEVEL):
    """CAR, its prediction-error standard deviation, t, p and detection limit, row by row.

    Each row is one event (or one sub-window); columns are sessions. Missing abnormal returns
    (``known`` False) are skipped, as in the CAR itself.

    Parameters
    ----------
    ar, x : numpy.ndarray, shape (events, sessions)
        Abnormal returns and the benchmark's returns of the window.
    known : numpy.ndarray of bool
        Which abnormal returns exist.
    n, x_mean, sxx, sigma : numpy.ndarray, shape (events,)
        Estimation sessions, the benchmark's mean return and sum of squared deviations there, and
        the residual standard deviation.
    n_params : int
        Parameters the model estimates; the t-distribution has ``n - n_params`` degrees of freedom.
    model : str
    level : float
        Two-sided level of the detection limit.

    Returns
    -------
    dict of numpy.ndarray
        ``car, sd, t, p, limit, days``; ``sd_simple`` is ``sigma * sqrt(days)``, the standard
        deviation without the estimation-error term (for comparison only).

    Examples
    --------
    >>> out = car_test(np.array([[0.02]]), np.array([[0.0]]), np.array([[True]]), n=np.array([240]),
    ...                x_mean=np.array([0.0]), sxx=np.array([0.05]), sigma=np.array([0.01]), n_params=2,
    ...                model="market")
    >>> round(float(out["t"][0]), 3), round(float(out["limit"][0]), 4)
    (1.996, 0.0197)
    """
    ar = np.atleast_2d(np.asarray(ar, float))
    x = np.atleast_2d(np.asarray(x, float))
    known = np.atleast_2d(np.asarray(known, bool)) & np.isfinite(ar)
    n = np.asarray(n, float)
    days = known.sum(axis=1)
    dof = n - n_params
    with np.errstate(invalid="ignore", divide="ignore"):
        car = np.where(days > 0, np.where(known, ar, 0.0).sum(axis=1), np.nan)
        sum_dx = np.where(known, x - np.asarray(x_mean, float)[:, None], 0.0).sum(axis=1)
        sd = np.asarray(sigma, float) * np.sqrt(variance_factor(days, sum_dx, n, sxx, model))
        sd = np.where(days > 0, sd, np.nan)
        t = car / sd
        p = 2 * stats.t.sf(np.abs(t), dof)
        limit = stats.t.ppf(1 - level / 2, dof) * sd
        sd_simple = np.asarray(sigma, float) * np.sqrt(days)
    return {"car": car, "sd": sd, "t": t, "p": p, "limit": limit, "days": days, "sd_simple": sd_simple}


def cumulative_sd(x, known, *, n, x_mean, sxx, sigma, model: str):
    """Standard deviation of the running CAR at each session of the window (row by row).

    The same variance as :func:`car_test`, accumulated from the window's first session; charts
    draw their no-effect band from it.
    """
    x = np.atleast_2d(np.asarray(x, float))
    known = np.atleast_2d(np.asarray(known, bool))
    days = np.cumsum(known, axis=1)
    sum_dx = np.cumsum(np.where(known, x - np.asarray(x_mean, float)[:, None], 0.0), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = variance_factor(days, sum_dx, np.asarray(n, float)[:, None], np.asarray(sxx, float)[:, None],
                                 model)
        return np.where(days > 0, np.asarray(sigma, float)[:, None] * np.sqrt(factor), np.nan)


def _finite(values) -> np.ndarray:
    values = np.asarray(values, dtype=float).ravel()
    return values[np.isfinite(values)]


def rank_test_day(estimation_ar, day_ar) -> np.ndarray:
    """Exact two-sided p-value of one day's abnormal return ranked among the estimation window's.

    With ``T`` estimation abnormal returns, day 0 is as extreme as it looks when few of the
    ``T + 1`` values lie at or beyond it: ``p = min(1, 2 * min(#{AR >= AR0}, #{AR <= AR0}) / (T + 1))``
    (both counts include day 0). For one firm this is Corrado's (1989) rank test without its
    normal approximation, which cannot reach 5% for a single day; it is the sample-quantile test
    of Gelbach, Helland and Klick (2013) and makes no assumption about the shape of the returns.

    Parameters
    ----------
    estimation_ar : numpy.ndarray, shape (events, T)
        Estimation-window abnormal returns (``NaN`` where missing); a 1-D array is one event.
    day_ar : numpy.ndarray, shape (events,)
        The day's abnormal return.

    Returns
    -------
    numpy.ndarray
        One p-value per event (``NaN`` without data).

    Examples
    --------
    >>> rank_test_day(np.linspace(-0.01, 0.01, 239), -0.05).round(4).tolist()  # below 239 ordinary days
    [0.0083]
    """
    est = np.atleast_2d(np.asarray(estimation_ar, float))
    day = np.atleast_1d(np.asarray(day_ar, float))[:, None]
    ok = np.isfinite(est)
    above = (ok & (est >= day)).sum(axis=1) + 1
    below = (ok & (est <= day)).sum(axis=1) + 1
    size = ok.sum(axis=1) + 1
    p = np.minimum(1.0, 2 * np.minimum(above, below) / size)
    return np.where(np.isfinite(day[:, 0]) & (size > 1), p, np.nan)


def standardised_ranks(estimation_ar, window_ar) -> tuple[np.ndarray, np.ndarray]:
    """Kolari-Pynnönen (2011) ranks ``K / (M + 1) - 1/2`` over the estimation and event windows.

    Row by row: ``K`` ranks each abnormal return among the row's ``M`` non-missing ones
    (``scipy.stats.rankdata``, ties averaged); ``NaN`` stays ``NaN``.
    """
    est = np.atleast_2d(np.asarray(estimation_ar, float))
    window = np.atleast_2d(np.asarray(window_ar, float))
    pool = np.concatenate([est, window], axis=1)
    ranks = stats.rankdata(pool, axis=1, nan_policy="omit")
    m = np.isfinite(pool).sum(axis=1, keepdims=True)
    u = ranks / (m + 1) - 0.5
    return u[:, : est.shape[1]], u[:, est.shape[1]:]


def rank_test_window(estimation_ar, window_ar) -> tuple[np.ndarray, np.ndarray]:
    """Corrado-Cowan rank statistic for a CAR window of one firm: ``(z, p)`` (normal, two-sided).

    ``z = sum_(t in window) U_t / (sqrt(L) * S_U)`` with standardised ranks
    ``U_t = K_t / (M + 1) - 1/2`` over the estimation and event windows and
    ``S_U = sqrt(mean U_t^2)`` over all ``M`` of them (Cowan 1992; Kolari and Pynnönen 2011).
    Rows are events.

    Examples
    --------
    >>> z, p = rank_test_window(np.linspace(-0.01, 0.01, 240), [0.02, 0.03, 0.025])
    >>> z.round(2).tolist()
    [2.96]
    """
    # The ranks of standardised_ranks, from one sorted copy of each row: np.sort is several times
    # faster than the argsort behind scipy.stats.rankdata, which dominated a market-wide batch
    # (15,000 events); the tests check this against rankdata, ties and missing values included.
    est = np.atleast_2d(np.asarray(estimation_ar, float))
    win = np.atleast_2d(np.asarray(window_ar, float))
    pool = np.concatenate([est, win], axis=1)
    m = np.isfinite(pool).sum(axis=1)
    ordered = np.sort(pool, axis=1)  # NaN last
    # A window value's average rank among the row's M values: (#smaller + #smaller-or-equal + 1) / 2.
    smaller, at_most = _count_below(ordered, win, np.less), _count_below(ordered, win, np.less_equal)
    win_u = np.where(np.isfinite(win), (smaller + at_most + 1) / 2 / (m[:, None] + 1) - 0.5, np.nan)
    # Mean square of all M standardised ranks U = K / (M + 1) - 1/2 in closed form: the ranks
    # 1..M have sum M (M + 1) / 2 and sum of squares M (M + 1) (2M + 1) / 6, less t (t^2 - 1) / 12
    # for each group of t tied values (they share their mean rank). Ties are rare in returns, so
    # only rows that have them are counted, one by one.
    m_float = m.astype(float)
    squares = m_float * (m_float + 1) * (2 * m_float + 1) / 6
    for row in np.flatnonzero((ordered[:, 1:] == ordered[:, :-1]).any(axis=1)):
        _, size = np.unique(ordered[row, : m[row]], return_counts=True)
        squares[row] -= float((size * (size * size - 1)).sum()) / 12
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # rows without data give NaN
        s = np.sqrt((squares / (m_float + 1) ** 2 - m_float / 4) / m_float)
        days = np.isfinite(win_u).sum(axis=1)
        z = np.where(days > 0, np.nansum(win_u, axis=1) / (np.sqrt(days) * s), np.nan)
    return z, 2 * stats.norm.sf(np.abs(z))


def _count_below(ordered: np.ndarray, values: np.ndarray, below) -> np.ndarray:
    """How many of each row's sorted values ``v`` have ``below(v, value)``: a binary search per cell.

    ``numpy.searchsorted`` takes one sorted array; this runs the same bisection on every row at
    once (``NaN`` sorts last and is never below, so it is not counted).
    """
    lo = np.zeros(values.shape, np.int64)
    hi = np.full(values.shape, ordered.shape[1], np.int64)
    for _ in range(int(ordered.shape[1]).bit_length()):
        mid = (lo + hi) // 2
        probe = np.take_along_axis(ordered, np.minimum(mid, ordered.shape[1] - 1), axis=1)
        go = (mid < hi) & below(probe, values)
        lo, hi = np.where(go, mid + 1, lo), np.where(go, hi, mid)
    return lo


def sign_test_window(estimation_ar, window_ar) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sign test of a window of one firm: ``(positive, days, p)``, exact binomial, two-sided.

    The null share of positive abnormal returns is the estimation window's (Cowan 1992 uses it so
    that a skewed distribution does not masquerade as an effect); ``scipy.stats.binomtest`` gives
    the exact p-value. A single day can never reject (``p`` near 1): use it for windows. Rows are
    events.

    Examples
    --------
    >>> sign_test_window(np.tile([-0.01, 0.01], 120), [0.01] * 11)[2] < 0.01
    array([ True])
    """
    est = np.atleast_2d(np.asarray(estimation_ar, float))
    win = np.atleast_2d(np.asarray(window_ar, float))
    est_ok, win_ok = np.isfinite(est), np.isfinite(win)
    positive = (win_ok & (win > 0)).sum(axis=1)
    days = win_ok.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.clip((est_ok & (est > 0)).sum(axis=1) / est_ok.sum(axis=1), 1e-9, 1 - 1e-9)
    p = _binomial_two_sided(positive, days, share)
    p = np.where((days > 0) & (est_ok.sum(axis=1) > 0), p, np.nan)
    return positive, days, p


def _binomial_two_sided(k: np.ndarray, n: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Exact two-sided binomial p-values, row by row, as ``scipy.stats.binomtest`` computes them.

    The p-value sums the probabilities of every count no more likely than the one observed (the
    "minlike" rule of binomtest, with its relative tolerance 1 + 1e-7). Written out because
    binomtest takes one row at a time and a batch of 500 events would spend seconds in it; the
    tests check it against binomtest.
    """
    k, n, share = (np.asarray(v) for v in (k, n, share))
    grid = np.arange(int(n.max(initial=0)) + 1)[None, :]
    with np.errstate(invalid="ignore"):
        pmf = stats.binom.pmf(grid, np.maximum(n, 0)[:, None], np.nan_to_num(share, nan=0.5)[:, None])
    pmf = np.where(grid <= n[:, None], pmf, 0.0)
    observed = np.take_along_axis(pmf, np.clip(k, 0, grid.shape[1] - 1)[:, None], axis=1)
    return np.minimum(1.0, np.where(pmf <= observed * (1 + 1e-7), pmf, 0.0).sum(axis=1))


def cross_section_tests(
    standardized: np.ndarray,
    *,
    estimation_residuals: pd.DataFrame | None = None,
    rank_estimation: np.ndarray | None = None,
    rank_window: np.ndarray | None = None,
    rank_tested: np.ndarray | None = None,
    positive_share: np.ndarray | None = None,
    window_positive: np.ndarray | None = None,
    clustered: bool = False,
    level: float = LEVEL,
) -> pd.DataFrame:
    """Tests that pool several firms' abnormal returns: one row per test.

    Parameters
    ----------
    standardized : numpy.ndarray, shape (N,)
        Each firm's abnormal return (or CAR) divided by its prediction-error standard deviation.
    estimation_residuals : pandas.DataFrame, optional
        Estimation-window residuals in calendar time (sessions x firms); their average pairwise
        correlation ``r`` drives the Kolari-Pynnönen (2010) adjustment
        ``t * sqrt((1 - r) / (1 + (N - 1) r))`` when ``clustered``.
    rank_estimation, rank_window : numpy.ndarray, shape (N, T) and (N, L)
        Standardised ranks (``K / (M + 1) - 1/2``) of each firm's estimation and window abnormal
        returns, aligned in event time; the rank test's denominator is the time series of their
        cross-sectional means over all ``T + L`` days, which carries any cross-correlation of
        same-day events.
    rank_tested : numpy.ndarray of bool, shape (L,), optional
        Which event-window days the rank test sums (default all: the CAR window).
    positive_share, window_positive : numpy.ndarray, shape (N,)
        Share of positive estimation abnormal returns per firm, and whether each firm's window
        abnormal return (or CAR) is positive.
    clustered : bool
        Whether event windows share calendar sessions.
    level : float
        Two-sided level for ``significant``.

    Returns
    -------
    pandas.DataFrame
        Columns ``test, statistic, p, n, significant, note``; rows ``BMP standardised
        cross-section``, ``BMP with Kolari-Pynnönen adjustment``, ``Corrado rank``, ``Generalised
        sign``. A test that cannot be computed or would be invalid has ``NaN`` and says why in
        ``note``.

    Examples
    --------
    >>> out = cross_section_tests(np.array([2.1, 1.4, 2.8, 1.9]))
    >>> out.loc[0, "test"], round(float(out.loc[0, "statistic"]), 2)
    ('BMP standardised cross-section', 7.07)
    """
    scar = _finite(standardized)
    n = scar.size
    rows = []
    if n >= 2 and np.std(scar, ddof=1) > 0:
        bmp = float(scar.mean() * np.sqrt(n) / np.std(scar, ddof=1))
        rows.append(("BMP standardised cross-section", bmp, float(2 * stats.t.sf(abs(bmp), n - 1)), n,
                     "Robust to event-induced variance; assumes the firms' abnormal returns are independent."
                     + (" They are not (the event windows share sessions): read the adjusted row." if clustered else "")))
        r = float("nan")
        if estimation_residuals is not None and estimation_residuals.shape[1] >= 2:
            corr = estimation_residuals.corr(min_periods=30).to_numpy()
            upper = corr[np.triu_indices_from(corr, k=1)]
            r = float(np.nanmean(upper)) if np.isfinite(upper).any() else float("nan")
        if np.isfinite(r):
            kp = bmp * np.sqrt((1 - r) / (1 + (n - 1) * r))
            rows.append(("BMP with Kolari-Pynnönen adjustment", float(kp), float(2 * stats.t.sf(abs(kp), n - 1)), n,
                         f"Adjusted for the average correlation of the firms' estimation residuals (r = {r:.2f})."))
        else:
            rows.append(("BMP with Kolari-Pynnönen adjustment", np.nan, np.nan, n,
                         "Not computed: the firms' estimation windows share too few sessions to measure their correlation."))
    else:
        rows.append(("BMP standardised cross-section", np.nan, np.nan, n,
                     "Not computed: it needs at least two firms with different standardised abnormal returns."))
    if rank_estimation is not None and rank_window is not None and n >= 1:
        est_mean = np.nanmean(rank_estimation, axis=0) if np.size(rank_estimation) else np.array([])
        win_mean = np.nanmean(rank_window, axis=0)
        series = _finite(np.concatenate([est_mean, win_mean]))
        tested = np.ones(win_mean.shape, bool) if rank_tested is None else np.asarray(rank_tested, bool)
        win = _finite(win_mean[tested])
        if series.size >= 3 and win.size:
            s = np.sqrt(np.mean(series**2))
            z = float(win.sum() / (np.sqrt(win.size) * s))
            rows.append(("Corrado rank", z, float(2 * stats.norm.sf(abs(z))), n,
                         "Non-parametric; its denominator uses the cross-sectional mean ranks, which carry any "
                         "correlation of events on the same days."))
    if positive_share is not None and window_positive is not None and n >= 1:
        if clustered:
            rows.append(("Generalised sign", np.nan, np.nan, n,
                         "Not computed: the event windows share sessions, so the firms' signs are not independent "
                         "draws, which the sign test assumes."))
        else:
            share = float(np.clip(np.nanmean(positive_share), 1e-9, 1 - 1e-9))
            w = int(np.nansum(window_positive))
            z = (w - n * share) / np.sqrt(n * share * (1 - share))
            p_sign = float(_binomial_two_sided(np.array([w]), np.array([n]), np.array([share]))[0])
            rows.append(("Generalised sign", float(z), p_sign, n,
                         f"{w} of {n} positive against an expected share of {share:.2f} (Cowan 1992; exact binomial p)."))
    out = pd.DataFrame(rows, columns=["test", "statistic", "p", "n", "note"])
    out["significant"] = out["p"] < level
    return out[["test", "statistic", "p", "n", "significant", "note"]]


def adjust_pvalues(
    pvalues: Sequence[float] | pd.Series,
    *,
    method: Literal["holm", "fdr_bh", "bonferroni"] = "holm",
    level: float = LEVEL,
) -> pd.DataFrame:
    """Correct many p-values for multiple testing (statsmodels ``multipletests``).

    Parameters
    ----------
    pvalues : sequence of float or pandas.Series
        The raw p-values of all tests a page reports (``NaN`` are kept out of the correction and
        stay ``NaN``).
    method : {"holm", "fdr_bh", "bonferroni"}
        ``holm`` controls the chance of any false positive (family-wise error); ``fdr_bh``
        (Benjamini-Hochberg) the expected share of false positives among the rejections.
    level : float
        Level of the ``reject`` column.

    Returns
    -------
    pandas.DataFrame
        Columns ``p, p_adjusted, reject`` with the index of ``pvalues``; ``attrs`` hold
        ``method``, ``level``, ``n_tests`` and ``expected_false`` (tests times level: how many
        raw p-values below ``level`` chance alone gives).

    Examples
    --------
    >>> out = adjust_pvalues([0.01, 0.04, 0.30, 0.02])
    >>> out["p_adjusted"].round(2).tolist(), out["reject"].tolist()
    ([0.04, 0.08, 0.3, 0.06], [True, False, False, False])
    """
    from statsmodels.stats.multitest import multipletests

    if method not in ("holm", "fdr_bh", "bonferroni"):
        raise AnalysisError(f"method {method!r} is not 'holm', 'fdr_bh' or 'bonferroni': choose a correction")
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0 < level < 1:
        # level=5 (meant as 5%) would reject every test.
        raise AnalysisError(f"level={level!r} is not a probability between 0 and 1; pass the significance "
                            "level as a fraction, e.g. level=0.05 for 5%")
    series = pd.Series(pvalues, dtype="float64") if not isinstance(pvalues, pd.Series) else pvalues.astype("float64")
    bad = series[(series < 0) | (series > 1)]
    if len(bad):
        raise AnalysisError(f"p-value {float(bad.iloc[0])!r} at {bad.index[0]!r} is outside 0..1; pass p-values, "
                            "not statistics")
    ok = series.notna()
    adjusted = pd.Series(np.nan, index=series.index)
    reject = pd.Series(False, index=series.index)
    if ok.any():
        rej, padj, _, _ = multipletests(series[ok].to_numpy(), alpha=level, method=method)
        adjusted[ok] = padj
        reject[ok] = rej
    out = pd.DataFrame({"p": series, "p_adjusted": adjusted, "reject": reject})
    out.attrs.update(method=method, level=level, n_tests=int(ok.sum()), expected_false=float(ok.sum() * level))
    return out
