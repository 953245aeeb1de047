# ---
# jupyter:
#   frstory:
#     byline: frstory data desk
#     date: '2026-11-22'
#     dek: '`{python} dek_news` What the share price can and cannot tell us about how
#       investors took the news.'
#     synthetic: false
#     title: '`{python} name` and the market after `{python} news`'
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: frstory
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # `{python} name` and the market after `{python} news`

# %% tags=["parameters"]
# Any company announcement of the timeline with a ticker can be studied: re-run with
# `frstory build notebooks/02-amazon-and-the-market.py -p event_id msft-police-pledge`.
event_id = "amzn-moratorium"
ticker = ""  # empty: the listed company of the event
benchmark = "^GSPC"
comparison = ["^IXIC"]
# The comparison chart is rebased to the last close before this event when it lies in the chart's
# window (the first of a cluster of announcements), else to the last close before event_id.
base_event_id = "ibm-exits-fr"
chart_days = 45  # calendar days shown either side of the announcement
estimation_window = (-250, -11)
event_window = (-5, 5)
excluded_period = ("2020-02-01", "2020-04-30")  # the Covid crash, left out in one specification
# Names readers know for tickers this story does not name (another company or index in a re-run).
names = {}  # e.g. {"ORCL": "Oracle"}; in a --params file: names: {ORCL: Oracle}

# %%
import pandas as pd

import frstory as fr
from frstory import charts, prose
import story
from story import wording

events = story.load_events()
claims = story.load_claims()
event = story.event_of(events, event_id, "event_id")
story.require_announcement(event)
story.require_day(event)
ticker = ticker or story.ticker_of(event)
# `-p NAME VALUE` passes text: `-p comparison ^IXIC` names one index and `-p event_window "(-1, 1)"` a pair.
comparison = story.list_parameter(comparison)
story.name_tickers([ticker, benchmark, *comparison], names)
estimation_window = story.pair_parameter(estimation_window, "estimation_window", (-250, -11))
event_window = story.pair_parameter(event_window, "event_window", (-5, 5))
excluded_period = story.pair_parameter(excluded_period, "excluded_period", ("2020-02-01", "2020-04-30"))
if not event_window[0] <= 0 <= event_window[1]:  # every sentence below reads day 0 in the window
    raise fr.errors.AnalysisError(
        f"event_window {event_window} does not contain day 0, the first session that could react; "
        "choose a window such as (-5, 5), (0, 1) or (0, 0)")
event_date = pd.Timestamp(event["date"])
chart_start, chart_end = event_date - pd.Timedelta(days=chart_days), event_date + pd.Timedelta(days=chart_days)
# Exactly the history the estimation windows need (with the excluded period skipped), so news close to
# the start of the data can be studied, and the chart after the news.
reaction_day = fr.reaction_session(event_date, event["market_session"])
history = story.history_start(reaction_day, estimation_window, [excluded_period])
# ... and up to the end of the event window, which may reach past the chart.
prices = fr.load_prices(list(dict.fromkeys([ticker, benchmark, *comparison])), min(history, chart_start),
                        max(chart_end, story.history_end(reaction_day, event_window)))
study_options = dict(market_session=event["market_session"], benchmark=benchmark,
                     estimation_window=estimation_window, event_window=event_window,
                     events=events, label=event["headline"], event_id=event_id)
res = fr.event_study(prices, ticker, event_date, **study_options)
robust = fr.robustness(prices, ticker, event_date, exclude_period=excluded_period, **study_options)
# Only indices (Yahoo's "^" tickers) may stand for the market; companies to compare with are only charted.
specs = fr.specifications(prices, ticker, event_date, market_session=event["market_session"],
                          benchmarks=list(dict.fromkeys([benchmark, *[t for t in comparison if t.startswith("^")]])),
                          exclude_periods=[excluded_period], car_window=(-1, 1))
checks = fr.check_claims(claims, prices)

# %%
# Facts the prose cites; every sentence that depends on them is chosen from the data here.
name, market = prose.display_name(ticker), prose.display_name(benchmark, article=True)
Market = prose.sentence(market)
news = story.news_label(event, ticker)  # "its announcement of ..." only when the company made the news
day0 = res.table.set_index("offset").loc[0]
timing = wording.timing(event["market_session"], event_date, res.day0)
dek_news = wording.dek_news(event, timing)
daily = fr.returns(prices).pivot(index="date", columns="ticker", values="ret")
worst_since = wording.worst_since(daily[benchmark], res.day0)
default, adjusted, no_crash = (robust.iloc[i] for i in range(3))
verdict = wording.abnormal_verdict(default["ar_0"], default["ar_0_p"], name, detectable=res.car(0, 0).limit)
crash_in_estimation = wording.overlaps(default["estimation_start"], default["estimation_end"], excluded_period)
day0_specs = specs[specs["measure"] == "ar_0"]
robust_verdict = wording.robustness_verdict(day0_specs.rename(columns={"estimate": "ar_0", "p": "ar_0_p"}))
clustered = story.other_announcements(events, event_id, res.table["date"].min(), res.table["date"].max())
own_checks = checks[(checks["check_ticker"] == ticker) & (checks["verdict"] != "not checkable")
                    & (pd.to_datetime(checks["check_date"]).between(chart_start, chart_end))]

# %% [markdown]
# **`{python} name`'s shares `{python} prose.moved(day0["ret"])` on `{python} prose.date(res.day0, weekday=True)`,
# `{python} timing.day0_role`. `{python} Market` `{python} prose.moved(day0["benchmark_ret"])` that
# day`{python} worst_since`.** Measured against how `{python} name` usually moves with the index, its
# abnormal return that day was `{python} prose.points(default["ar_0"])` (`{python} prose.t_stat(default["ar_0_t"])`,
# `{python} prose.p_value(default["ar_0_p"])`): `{python} verdict`.
#
# `{python} robust_verdict`

# %% [markdown]
# ## `{python} name`'s share price around the announcement
#
# Company announcements and market events of the timeline, against `{python} name`'s closing price
# as traded at the time.

# %%
# The news studied is always marked, whatever its category, so the chart is never without it.
shown = events[events["date"].between(chart_start, chart_end)
               & (events["category"].isin(["corporate", "market", "protest"]) | (events["id"] == event_id))]
charts.price_with_events(
    prices, shown, tickers=ticker, start=chart_start, end=chart_end, max_label_chars=64,
    title=f"{name} {prose.moved(day0['ret'])} on {timing.day0_short}, as {market} "
          f"{prose.moved(day0['benchmark_ret'])}",
    subtitle=f"{name} closing price, US$ as traded; shaded: periods of protest in the timeline",
    source=story.SOURCE,
    notes=f"{prose.sentence(timing.announced)}; day 0 is {prose.date(res.day0, weekday=True)}, "
          f"{timing.day0_short}.",
)

# %% [markdown]
# ## Against the market
#
# `{python} name` against `{python} prose.join([prose.display_name(t, article=True) for t in comparison_all])`,
# each rebased to its last close before `{python} base_event_label`.

# %%
comparison_all = list(dict.fromkeys([benchmark, *comparison]))
base_event = story.event_of(events, base_event_id, "base_event_id")
if not (chart_start <= pd.Timestamp(base_event["date"]) <= event_date):
    base_event = event
base_day0 = fr.reaction_session(base_event["date"], base_event["market_session"])
base_date = fr.nyse_sessions(pd.Timestamp(base_day0) - pd.Timedelta(days=10), base_day0)[-2]
base_event_label = story.announcement_label(base_event)
window_prices = prices[(prices["date"] >= chart_start) & (prices["date"] <= chart_end)]
rebased = fr.rebase(window_prices, base_date).pivot(index="date", columns="ticker", values="rebased")
change = rebased.iloc[-1] / 100 - 1
charts.rebased_comparison(
    window_prices, base_date, highlight=ticker, tickers=[ticker, *comparison_all],
    title=f"{name} {prose.moved(change[ticker])} from {prose.date(base_date)} to {prose.date(rebased.index[-1])}",
    subtitle=f"Closing prices, {prose.date(base_date)} = 100",
    source=story.SOURCE,
    notes=f"For comparison: {prose.join([prose.display_name(t, article=True) for t in comparison_all])}.",
)

# %% [markdown]
# From the close on `{python} prose.date(base_date, weekday=True)` to `{python} prose.date(rebased.index[-1], weekday=True)`,
# `{python} name`'s shares `{python} prose.moved(change[ticker])`;
# `{python} prose.join([prose.display_name(t, article=True) + " " + prose.moved(change[t]) for t in comparison_all])`.

# %% [markdown]
# ## The event study
#
# An event study asks how far a stock moved beyond what its usual relation to the market
# predicts. The bars are the daily abnormal returns; the line adds them up; the grey band marks,
# day by day, where that running total would fall ninety-five times in a hundred if the news had no
# effect.
#
# `{python} res.summary()`

# %%
charts.abnormal_returns(
    res,
    title=f"{name}'s abnormal return on {timing.day0_short}: {prose.points(day0['ar'])}",
    subtitle=f"Market model against {market}; day 0 = {prose.date(res.day0, weekday=True)}",
    source=story.SOURCE,
    notes=(f"Model estimated on {res.n_estimation} sessions, {prose.date(res.estimation_start)} to "
           f"{prose.date(res.estimation_end)}."),
)

# %% [markdown]
# `{python} wording.window_sentences(res)`

# %% [markdown]
# ## How much does the answer depend on the method?
#
# An event study rests on choices: how long a stretch of history teaches the model what is normal,
# whether to leave a period of turmoil out of it, which model, and which index stands for the market.
# The chart runs the day-0 test under every combination of the reasonable choices, sorted by the
# estimate; dots below mark the choices behind each estimate. `{python} robust_verdict` The day-0
# estimate `{python} wording.ranges(day0_specs["estimate"], "them")`.

# %%
charts.specification_curve(
    specs, measure="ar_0",
    title=prose.sentence(f"{wording.count_of(int(day0_specs['significant'].sum()), len(day0_specs), 'specification')} "
                         f"{'finds' if int(day0_specs['significant'].sum()) <= 1 else 'find'} a day-0 abnormal return "
                         "significant at the 5% level"),
    subtitle=f"{name}'s day-0 abnormal return with its 95% interval, under each combination of choices",
    source=story.SOURCE,
    notes=f"Excluded period: {wording.period_words(excluded_period)}.",
)

# %% [markdown]
# Three of those specifications in detail. The market model learns how
# `{python} name` usually moves with the market from the
# `{python} wording.estimation_span(default["n_estimation"], default["estimation_start"], default["estimation_end"])`
# (`{python} wording.crash_clause(crash_in_estimation, excluded_period)`). The market-adjusted model
# assumes `{python} name` moves one-for-one with the index and estimates nothing. The third line
# re-estimates the market model without
# `{python} wording.period_words(excluded_period) + wording.repeats_first(crash_in_estimation)`.

# %%
story.specifications_table(robust, res.event_window)

# %% [markdown]
# The day-0 abnormal return `{python} wording.ranges(robust["ar_0"], "these specifications")`.

# %% [markdown]
# ## What this cannot show
#
# * **One stock, one day.** A single abnormal return is one draw from a noisy distribution: on an
#   ordinary day `{python} name`'s abnormal return is within about ±`{python} prose.percent(res.car(0, 0).sd)`
#   (one standard deviation, including the uncertainty of the model).
# * **The timing.** `{python} timing.caveat`
# * **Other news.** `{python} wording.clustered_sentence(clustered, name)` Investors weigh everything in
#   the news at once; a daily event study cannot separate one announcement from the rest.
# * **Dividends.** Returns are computed from closing prices as traded, so a dividend paid in the
#   window would count as a fall in price.

# %% [markdown]
# ## Checking the figures reported at the time
#
# frstory checks every figure in the articles that daily prices can check against the as-traded
# close; the tolerance is half a unit of the last decimal reported.
# `{python} wording.fact_check_sentence(own_checks, name)`

# %%
story.fact_check_table(own_checks)
