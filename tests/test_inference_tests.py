"""Specification of the rank, sign and pooled tests and of the multiple-testing helper.

Worked example: the golden multi-event fixture of the EventStudy R package (sipemu/eventstudy,
tests/testthat/helper-golden-data.R, values pinned in tests/testthat/test_golden_values.R; formulas
documented at https://eventstudy.de/statistics/aar_caar_statistics.html): three market-model events,
m = 8 estimation days, L = 3 event days, with published AAR, BMP t, Corrado mean ranks and z, and
generalised sign z.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.multitest import multipletests

import frstory as fr
from frstory.analysis import inference

GOLDEN = {
    "E1": ([-0.02, -0.01, 0.00, 0.01, 0.02, 0.03, -0.015, 0.005],
           [0.001, -0.001, 0.002, -0.002, 0.0015, -0.0015, 0.0005, -0.0005], 0.004, 1.2,
           [0.015, -0.005, 0.010], [0.040, 0.000, 0.030]),
    "E2": ([-0.018, -0.008, 0.002, 0.012, 0.022, 0.028, -0.012, 0.008],
           [0.0012, -0.0008, 0.0018, -0.0016, 0.0010, -0.0012, 0.0006, -0.0010], 0.003, 1.0,
           [0.012, -0.004, 0.009], [0.030, -0.010, 0.020]),
    "E3": ([-0.025, -0.012, 0.001, 0.010, 0.020, 0.030, -0.010, 0.006],
           [0.0008, -0.0012, 0.0016, -0.0014, 0.0012, -0.0010, 0.0004, -0.0004], 0.005, 1.4,
           [0.018, -0.006, 0.011], [0.050, -0.005, 0.035]),
}


@pytest.fixture(scope="module")
def golden():
    est, evt, sigma = [], [], []
    for x, resid, alpha, beta, x_evt, y_evt in GOLDEN.values():
        x = np.array(x)
        fit = sm.OLS(alpha + beta * x + np.array(resid), sm.add_constant(x)).fit()
        est.append(fit.resid)
        evt.append(np.array(y_evt) - fit.params[0] - fit.params[1] * np.array(x_evt))
        sigma.append(np.sqrt(fit.mse_resid))
    return np.array(est), np.array(evt), np.array(sigma)


def test_published_average_abnormal_returns_are_reproduced(golden):
    _, evt, _ = golden
    np.testing.assert_allclose(evt.mean(axis=0), [0.017858427448395411, -0.003055141803282022, 0.012352491200872388],
                               atol=1e-10)


def test_bmp_statistic_matches_the_published_values(golden):
    # EventStudy standardises by the model sigma in this fixture; the BMP statistic is the
    # cross-sectional t of whatever standardised returns it is given.
    _, evt, sigma = golden
    published = [9.262881651878164, -0.99419205506945918, 5.6244379647718095]
    for day in range(3):
        out = inference.cross_section_tests(evt[:, day] / sigma)
        assert out.loc[0, "statistic"] == pytest.approx(published[day], abs=1e-10)


def test_bmp_is_the_one_sample_t_test_of_the_standardised_returns():
    scar = np.array([1.2, -0.3, 2.5, 0.9, 1.7])
    out = inference.cross_section_tests(scar)
    reference = stats.ttest_1samp(scar, 0.0)
    assert out.loc[0, "statistic"] == pytest.approx(reference.statistic, rel=1e-12)
    assert out.loc[0, "p"] == pytest.approx(reference.pvalue, rel=1e-12)


def test_corrado_mean_ranks_match_and_z_differs_only_by_the_published_variance_convention(golden):
    est, evt, _ = golden
    u_est, u_win = inference.standardised_ranks(est, evt)
    np.testing.assert_allclose(u_win.mean(axis=0), [0.41666666666666663, -0.25, 0.33333333333333337], atol=1e-12)
    published_z = np.array([1.586435792425881, -0.95186147545552868, 1.269148633940705])
    for day in range(3):
        out = inference.cross_section_tests(np.ones(3), rank_estimation=u_est, rank_window=u_win,
                                            rank_tested=np.arange(3) == day)
        z = out.set_index("test").loc["Corrado rank", "statistic"]
        # Corrado (1989) and Kolari-Pynnonen (2011) divide by sqrt(mean of squares over T = 11 days);
        # EventStudy uses the sample standard deviation (T - 1): the ratio is exactly sqrt(10 / 11).
        assert z * np.sqrt(10 / 11) == pytest.approx(published_z[day], abs=1e-10)


def test_generalised_sign_matches_the_published_z(golden):
    est, evt, _ = golden
    share = (est > 0).mean(axis=1)
    for day, published in enumerate([1.7320508075688774, -0.57735026918962584, 1.7320508075688774]):
        out = inference.cross_section_tests(np.ones(3), positive_share=share, window_positive=evt[:, day] > 0)
        row = out.set_index("test").loc["Generalised sign"]
        assert row["statistic"] == pytest.approx(published, abs=1e-10)
        assert row["p"] == pytest.approx(stats.binomtest(int((evt[:, day] > 0).sum()), 3, 0.5).pvalue)


def test_clustered_events_get_the_kolari_pynnonen_adjustment_and_no_sign_test():
    rng = np.random.default_rng(2)
    common = rng.normal(0, 0.01, 200)
    residuals = pd.DataFrame({f"f{i}": common + rng.normal(0, 0.01, 200) for i in range(4)})
    r = residuals.corr().to_numpy()[np.triu_indices(4, 1)].mean()
    scar = np.array([2.0, 1.5, 2.4, 1.1])
    out = inference.cross_section_tests(scar, estimation_residuals=residuals, positive_share=np.full(4, 0.5),
                                         window_positive=scar > 0, clustered=True).set_index("test")
    bmp = out.loc["BMP standardised cross-section", "statistic"]
    assert out.loc["BMP with Kolari-Pynnönen adjustment", "statistic"] == pytest.approx(
        bmp * np.sqrt((1 - r) / (1 + 3 * r)), rel=1e-12)
    assert np.isnan(out.loc["Generalised sign", "p"]) and "not independent" in out.loc["Generalised sign", "note"]


def test_one_firm_cannot_be_pooled_and_says_why():
    out = inference.cross_section_tests(np.array([2.3]))
    assert np.isnan(out.loc[0, "p"]) and "at least two firms" in out.loc[0, "note"]


# ------------------------------------------------------------------------- one firm


def test_day_rank_p_is_the_exact_share_of_days_at_least_as_extreme():
    est = np.arange(1, 240) / 10_000.0  # 239 distinct ordinary days
    day = -0.5
    assert inference.rank_test_day(est, day)[0] == pytest.approx(2 * 1 / 240)
    middle = est[119]
    assert inference.rank_test_day(est, middle)[0] == 1.0


def test_window_rank_statistic_follows_corrado_and_cowan():
    rng = np.random.default_rng(4)
    est, win = rng.normal(size=200), rng.normal(0.8, 1, size=5)
    ranks = stats.rankdata(np.concatenate([est, win])) / 206 - 0.5
    expected = ranks[200:].sum() / (np.sqrt(5) * np.sqrt(np.mean(ranks**2)))
    z, p = inference.rank_test_window(est, win)
    assert z[0] == pytest.approx(expected, rel=1e-12)
    assert p[0] == pytest.approx(2 * stats.norm.sf(abs(expected)), rel=1e-12)


def test_window_sign_test_is_an_exact_binomial_against_the_estimation_share():
    est = np.r_[np.full(150, 0.01), np.full(90, -0.01)]  # 62.5% positive
    win = np.array([0.01, 0.02, -0.01, 0.03, 0.01, 0.02, 0.01])
    positive, days, p = inference.sign_test_window(est, win)
    assert (positive[0], days[0]) == (6, 7)
    assert p[0] == pytest.approx(stats.binomtest(6, 7, 0.625).pvalue, rel=1e-12)


def test_a_fat_tailed_day_is_judged_by_its_rank_not_only_by_t():
    res_prices = fr.synthetic_prices(["SYNA"], "2019-01-02", "2020-12-31", benchmark="^SYNX", seed=9,
                                     abnormal={("SYNA", "2020-06-11"): -0.2})
    res = fr.event_study(res_prices, "SYNA", "2020-06-10", market_session="post", benchmark="^SYNX")
    c0 = res.car(0, 0)
    assert c0.rank_p == pytest.approx(2 / (res.n_estimation + 1))  # below every estimation day
    assert np.isnan(c0.sign_p)  # one day cannot be sign-tested


# ------------------------------------------------------------------------- pooled, through fr.pooled_tests


@pytest.fixture(scope="module")
def prices():
    return fr.synthetic_prices(["SYNA", "SYNB", "SYNC", "SYND"], "2019-01-02", "2020-12-31", benchmark="^SYNX", seed=8,
                               abnormal={(t, "2020-06-11"): -0.03 for t in ("SYNA", "SYNB", "SYNC", "SYND")})


def test_same_day_events_are_pooled_with_the_dependence_adjustment(prices):
    events = pd.DataFrame({"id": list("abcd"), "ticker": ["SYNA", "SYNB", "SYNC", "SYND"],
                           "date": pd.to_datetime(["2020-06-11"] * 4), "market_session": ["regular"] * 4})
    out = fr.pooled_tests(prices, events, benchmark="^SYNX")
    assert out.attrs["clustered"] is True
    tests = out.set_index("test")
    assert tests.loc["BMP standardised cross-section", "significant"]
    assert np.isfinite(tests.loc["BMP with Kolari-Pynnönen adjustment", "statistic"])
    assert np.isnan(tests.loc["Generalised sign", "p"])
    assert out.attrs["mean_ar"] == pytest.approx(-0.03, abs=0.01)


def test_separate_dates_are_pooled_without_refusing_the_sign_test(prices):
    events = pd.DataFrame({"id": list("abcd"), "ticker": ["SYNA", "SYNB", "SYNC", "SYND"],
                           "date": pd.to_datetime(["2020-06-11", "2020-08-03", "2020-09-14", "2020-10-19"]),
                           "market_session": ["regular"] * 4})
    out = fr.pooled_tests(prices, events, benchmark="^SYNX", window=(0, 1)).set_index("test")
    assert np.isfinite(out.loc["Generalised sign", "p"])


def test_no_events_pool_to_no_average_without_a_numpy_warning(prices):
    events = pd.DataFrame({"id": [], "ticker": [], "date": pd.to_datetime([]), "market_session": []})
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # not "Mean of empty slice" from deep in numpy
        out = fr.pooled_tests(prices, events, benchmark="^SYNX")
    assert np.isnan(out.attrs["mean_ar"])


# ------------------------------------------------------------------------- multiple testing


def test_holm_and_benjamini_hochberg_are_statsmodels_corrections():
    p = [0.01, 0.04, 0.03, 0.20, 0.002]
    for method in ("holm", "fdr_bh"):
        out = fr.adjust_pvalues(p, method=method)
        reject, adjusted, _, _ = multipletests(p, alpha=0.05, method=method)
        np.testing.assert_allclose(out["p_adjusted"], adjusted)
        assert out["reject"].tolist() == reject.tolist()


def test_thirty_tests_report_how_many_chance_alone_would_pass():
    out = fr.adjust_pvalues(pd.Series(np.linspace(0.001, 0.99, 30)), method="holm")
    assert out.attrs["n_tests"] == 30 and out.attrs["expected_false"] == pytest.approx(1.5)


def test_missing_p_values_stay_missing_and_out_of_the_correction():
    out = fr.adjust_pvalues(pd.Series([0.01, np.nan, 0.04], index=["a", "b", "c"]))
    assert np.isnan(out.loc["b", "p_adjusted"]) and out.attrs["n_tests"] == 2
    assert out.loc["c", "p_adjusted"] == pytest.approx(0.04)


def test_a_statistic_passed_as_a_p_value_is_refused():
    with pytest.raises(fr.AnalysisError, match=r"p-value 2.3 at 1 is outside 0..1"):
        fr.adjust_pvalues([0.01, 2.3])


@pytest.mark.parametrize(("k", "n", "share"), [(6, 7, 0.625), (0, 11, 0.5), (11, 11, 0.48), (3, 11, 0.52), (1, 1, 0.5),
                                               (2, 9, 0.3), (5, 10, 0.5)])
def test_the_vectorised_exact_binomial_p_equals_scipy_binomtest(k, n, share):
    est = np.r_[np.ones(int(share * 1000)), -np.ones(1000 - int(share * 1000))]
    win = np.r_[np.ones(k), -np.ones(n - k)]
    assert inference.sign_test_window(est, win)[2][0] == pytest.approx(stats.binomtest(k, n, share).pvalue, rel=1e-12)
