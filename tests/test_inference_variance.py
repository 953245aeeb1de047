"""Specification of the abnormal-return variances, t-tests and detection limits (frstory.analysis.inference).

References: Campbell, Lo & MacKinlay (1997), The Econometrics of Financial Markets, ch. 4.4 (eq. 4.4.7-4.4.8:
the prediction-error variance of AR and the covariance V = sigma^2 (I + X*(X'X)^-1 X*') of the event
window); statsmodels' OLS ``get_prediction`` gives the same observation standard errors independently.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

import frstory as fr
from frstory.analysis import inference


@pytest.fixture(scope="module")
def sample():
    rng = np.random.default_rng(11)
    x_est = rng.normal(0.0005, 0.012, 180)
    y_est = 0.0003 + 1.2 * x_est + rng.normal(0, 0.01, 180)
    x_evt = np.array([0.004, -0.059, 0.012, -0.003, 0.02])  # one crash-sized market day
    y_evt = 0.0003 + 1.2 * x_evt + np.array([0.001, 0.03, -0.002, 0.0, 0.004])
    fit = sm.OLS(y_est, sm.add_constant(x_est)).fit()
    ar = y_evt - fit.predict(sm.add_constant(x_evt, has_constant="add"))
    return {"x_est": x_est, "y_est": y_est, "x_evt": x_evt, "y_evt": y_evt, "fit": fit, "ar": ar}


def _market(sample, ar, x, known):
    return inference.car_test(ar[None, :], x[None, :], known[None, :], n=np.array([180.0]),
                              x_mean=np.array([sample["x_est"].mean()]),
                              sxx=np.array([((sample["x_est"] - sample["x_est"].mean()) ** 2).sum()]),
                              sigma=np.array([np.sqrt(sample["fit"].mse_resid)]), n_params=2, model="market")


def test_one_day_sd_is_the_prediction_error_sd_of_statsmodels(sample):
    prediction = sample["fit"].get_prediction(sm.add_constant(sample["x_evt"], has_constant="add"))
    se_obs = np.sqrt(prediction.se_mean**2 + sample["fit"].mse_resid)
    for day in range(5):
        one = _market(sample, sample["ar"][day:day + 1], sample["x_evt"][day:day + 1], np.array([True]))
        assert one["sd"][0] == pytest.approx(se_obs[day], rel=1e-12)


def test_the_estimation_error_term_grows_with_the_markets_distance_from_its_mean(sample):
    days = [_market(sample, sample["ar"][d:d + 1], sample["x_evt"][d:d + 1], np.array([True])) for d in range(5)]
    ratio = [float((d["sd"] / d["sd_simple"])[0] ** 2) for d in days]
    assert ratio[1] == max(ratio) and ratio[1] > 1.05  # the -5.9% day
    assert min(ratio) > 1.0


def test_car_sd_is_the_sum_of_the_prediction_error_covariance(sample):
    x = sm.add_constant(sample["x_evt"], has_constant="add")
    cov = sample["fit"].mse_resid * np.eye(5) + x @ sample["fit"].cov_params() @ x.T
    out = _market(sample, sample["ar"], sample["x_evt"], np.ones(5, bool))
    assert out["sd"][0] == pytest.approx(np.sqrt(cov.sum()), rel=1e-12)
    assert out["t"][0] == pytest.approx(sample["ar"].sum() / np.sqrt(cov.sum()), rel=1e-12)
    assert out["p"][0] == pytest.approx(2 * stats.t.sf(abs(out["t"][0]), 178), rel=1e-12)


def test_missing_days_are_left_out_of_the_car_and_its_variance(sample):
    known = np.array([True, False, True, True, True])
    x = sm.add_constant(sample["x_evt"][known], has_constant="add")
    cov = sample["fit"].mse_resid * np.eye(4) + x @ sample["fit"].cov_params() @ x.T
    ar = np.where(known, sample["ar"], np.nan)
    out = _market(sample, ar, sample["x_evt"], known)
    assert out["days"][0] == 4
    assert out["car"][0] == pytest.approx(sample["ar"][known].sum())
    assert out["sd"][0] == pytest.approx(np.sqrt(cov.sum()), rel=1e-12)


def test_constant_mean_model_variance_matches_statsmodels_intercept_only_ols(sample):
    fit = sm.OLS(sample["y_est"], np.ones(180)).fit()
    prediction = fit.get_prediction(np.ones((1, 1)))
    se_obs = float(np.sqrt(prediction.se_mean[0] ** 2 + fit.mse_resid))
    out = inference.car_test(np.array([[0.01]]), np.array([[0.0]]), np.array([[True]]), n=np.array([180.0]),
                             x_mean=np.array([0.0]), sxx=np.array([1.0]), sigma=np.array([np.sqrt(fit.mse_resid)]),
                             n_params=1, model="constant_mean")
    assert out["sd"][0] == pytest.approx(se_obs, rel=1e-12)


def test_market_adjusted_model_has_no_estimation_error():
    out = inference.car_test(np.array([[0.01, 0.02, -0.01]]), np.zeros((1, 3)), np.ones((1, 3), bool),
                             n=np.array([200.0]), x_mean=np.array([0.0]), sxx=np.array([1.0]),
                             sigma=np.array([0.02]), n_params=0, model="market_adjusted")
    assert out["sd"][0] == pytest.approx(0.02 * np.sqrt(3), rel=1e-15) == out["sd_simple"][0]


def test_an_abnormal_return_at_the_detection_limit_has_p_of_exactly_five_percent(sample):
    one = _market(sample, np.array([0.0]), sample["x_evt"][1:2], np.array([True]))
    at_limit = _market(sample, one["limit"], sample["x_evt"][1:2], np.array([True]))
    assert at_limit["p"][0] == pytest.approx(0.05, abs=1e-12)
    assert one["limit"][0] == pytest.approx(stats.t.ppf(0.975, 178) * one["sd"][0], rel=1e-12)


def test_published_market_model_fixture_of_the_eventstudy_r_package():
    """The golden market-model fixture of the EventStudy R package (sipemu/eventstudy,
    tests/testthat/helper-golden-data.R and test_golden_values.R: 'Market Model AR/CAR t-test matches
    MacKinlay (1997) closed form'). It pins sigma = 0.00166476081508083 and the constant-sigma
    convention ar_t = AR / sigma = (7.6459, 1.3644, 6.0755); frstory adds the prediction-error term,
    so its t-statistics are those divided by sqrt(1 + 1/m + (Rm - mean)^2 / Sxx)."""
    est_index = np.array([-0.02, -0.01, 0.00, 0.01, 0.02, 0.03])
    est_firm = 0.005 + 1.5 * est_index + np.array([0.001, -0.001, 0.002, -0.002, 0.001, -0.001])
    evt_index, evt_firm = np.array([0.015, -0.005, 0.010]), np.array([0.040, 0.000, 0.030])
    fit = sm.OLS(est_firm, sm.add_constant(est_index)).fit()
    sigma = float(np.sqrt(fit.mse_resid))
    assert sigma == pytest.approx(0.00166476081508083, abs=1e-15)
    ar = evt_firm - fit.params[0] - fit.params[1] * evt_index
    np.testing.assert_allclose(ar / sigma, [7.64588601153099, 1.36441736906108, 6.07551885091351], atol=1e-10)
    sxx = ((est_index - est_index.mean()) ** 2).sum()
    for day in range(3):
        out = inference.car_test(ar[None, day:day + 1], evt_index[None, day:day + 1], np.array([[True]]),
                                 n=np.array([6.0]), x_mean=np.array([est_index.mean()]), sxx=np.array([sxx]),
                                 sigma=np.array([sigma]), n_params=2, model="market")
        factor = 1 + 1 / 6 + (evt_index[day] - est_index.mean()) ** 2 / sxx
        assert out["t"][0] == pytest.approx(ar[day] / sigma / np.sqrt(factor), rel=1e-12)


# ---------------------------------------------------------------- through fr.event_study / fr.event_studies


@pytest.fixture(scope="module")
def prices():
    return fr.synthetic_prices(["SYNA", "SYNB"], "2019-01-02", "2020-12-31", benchmark="^SYNX", seed=5,
                               abnormal={("SYNA", "2020-06-11"): -0.04})


def test_single_and_batch_event_studies_report_the_same_tests(prices):
    events = pd.DataFrame({"id": ["a", "b"], "ticker": ["SYNA", "SYNB"], "date": pd.to_datetime(["2020-06-10", "2020-03-02"]),
                           "market_session": ["post", "regular"]})
    table = fr.event_studies(prices, events, benchmark="^SYNX").set_index("event_id")
    for event in events.itertuples():
        single = fr.event_study(prices, event.ticker, event.date, market_session=event.market_session,
                                benchmark="^SYNX").to_frame().iloc[0]
        for column in ("ar_0_t", "ar_0_p", "ar_0_sd", "ar_0_limit", "ar_0_rank_p", "car_t", "car_p", "car_sd",
                       "car_limit", "car_rank_p", "car_sign_p"):
            assert table.loc[event.id, column] == pytest.approx(single[column], rel=1e-10, abs=1e-15), column


def test_degrees_of_freedom_follow_the_model(prices):
    for model, k in (("market", 2), ("constant_mean", 1), ("market_adjusted", 0)):
        res = fr.event_study(prices, "SYNB", "2020-06-10", benchmark="^SYNX", model=model)
        c0 = res.car(0, 0)
        assert res.dof == res.n_estimation - k
        assert c0.p == pytest.approx(2 * stats.t.sf(abs(c0.t), res.n_estimation - k), rel=1e-12)


def test_the_table_band_widens_with_the_running_car(prices):
    res = fr.event_study(prices, "SYNB", "2020-06-10", benchmark="^SYNX")
    assert res.table["car_sd"].is_monotonic_increasing
    assert (res.table["ar_sd"] > res.sigma).all()
