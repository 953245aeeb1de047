# ---
# jupyter:
#   frstory:
#     byline: frstory data desk
#     date: '2026-11-22'
#     dek: '`{python} dek_companies` announced steps back from police facial recognition
#       within `{python} span_text`. Side by side, and against `{python} dek_placebo`,
#       their share prices show how little a few days of market data can prove.'
#     synthetic: false
#     title: '`{python} title_text`'
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
# # `{python} title_text`

# %% tags=["parameters"]
firm_event_ids = ["ibm-exits-fr", "amzn-moratorium", "msft-police-pledge"]
short_labels = {"ibm-exits-fr": "Quits facial recognition", "amzn-moratorium": "Pauses police use",
                "msft-police-pledge": "No sales to US police"}
placebo_ticker = "GOOGL"
benchmark = "^GSPC"
estimation_window = (-250, -11)
event_window = (-5, 5)
headline_window = (0, 1)
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
# `-p NAME VALUE` passes text: `-p firm_event_ids "[ibm-exits-fr, amzn-moratorium]"`, `-p headline_window "(0, 0)"`.
firm_event_ids = story.list_parameter(firm_event_ids)
estimation_window = story.pair_parameter(estimation_window, "estimation_window", (-250, -11))
event_window = story.pair_parameter(event_window, "event_window", (-5, 5))
headline_window = story.pair_parameter(headline_window, "headline_window", (0, 1))
excluded_period = story.pair_parameter(excluded_period, "excluded_period", ("2020-02-01", "2020-04-30"))
firm_events = pd.DataFrame([story.event_of(events, i, "firm_event_ids") for i in firm_event_ids]).reset_index(drop=True)
firm_events["ticker"] = [story.ticker_of(fr.narrative.event(events, i)) for i in firm_event_ids]
for i in firm_event_ids:
    story.require_day(fr.narrative.event(events, i))
story.check_side_by_side(firm_events, placebo_ticker)
story.name_tickers([*firm_events["ticker"], placebo_ticker, benchmark], names)
firm_day0 = pd.Series([fr.reaction_session(d, s) for d, s in zip(firm_events["date"], firm_events["market_session"])])
sharing_day0 = firm_events["ticker"].map(prose.display_name).groupby(firm_day0.to_numpy()).agg(prose.join)
# The placebo takes each distinct day 0 of the firms (their dates and market sessions), so it
# faces the same market days without an announcement of its own.
placebo_events = firm_events.loc[~firm_day0.duplicated().to_numpy()].assign(
    ticker=placebo_ticker,
    id=lambda f: f"placebo-{placebo_ticker.lower()}-" + f["id"],
    headline=lambda f: [f"Placebo: no announcement (same day 0 as {sharing_day0[d]})" for d in firm_day0[f.index]],
)
labels = {i: short_labels.get(i, fr.narrative.event(events, i)["headline"]) for i in firm_event_ids}
labels.update({i: f"Placebo on {sharing_day0[d]}'s day 0"
               for i, d in zip(placebo_events["id"], firm_day0[placebo_events.index])})
placebo_by_day0 = dict(zip(firm_day0[placebo_events.index], placebo_events["id"]))
placebo_of = dict(zip(firm_events["id"], firm_day0.map(placebo_by_day0)))
study_events = pd.concat([firm_events, placebo_events], ignore_index=True)
first_date, last_date = firm_events["date"].min(), firm_events["date"].max()
# Exactly the history the estimation windows need (with the excluded period skipped), so news close to
# the start of the data can be studied.
history = min(story.history_start(d, estimation_window, [excluded_period]) for d in firm_day0)
prices = fr.load_prices([*dict.fromkeys(study_events["ticker"]), benchmark], history,
                        last_date + pd.Timedelta(days=30))
options = dict(benchmark=benchmark, estimation_window=estimation_window)
side_by_side = fr.event_studies(prices, study_events, event_window=event_window, **options)
results = [fr.event_study(prices, e.ticker, e.date, market_session=e.market_session, event_window=event_window,
                          events=events, label=labels[e.id], event_id=e.id, **options)
           for e in study_events.itertuples()]
robust = pd.concat([fr.robustness(prices, e.ticker, e.date, exclude_period=excluded_period,
                                  market_session=e.market_session, event_window=headline_window,
                                  label=e.headline, event_id=e.id, **options)
                    for e in study_events.itertuples()], ignore_index=True)

# %%
# Facts the prose cites.
rows = side_by_side.set_index("event_id")
firms = rows.loc[firm_events["id"]]
placebos = rows.loc[placebo_events["id"]]
result_of = {r.event_id: r for r in results}
windowed = {r.event_id: r.car(*headline_window) for r in results}
robust["significant"] = robust["ar_0_p"] < 0.05
n_significant = robust.groupby("event_id", sort=False)["significant"].sum()
specifications = list(robust["specification"].unique())
without_crash = robust[(robust["specification"] == specifications[2]) & robust["significant"]]
out_of_band = sum(bool((r.table["car_t"].abs() > 1.96).any()) for r in results)
placebo_name = prose.display_name(placebo_ticker)
market = prose.display_name(benchmark, article=True)
firm_names = [prose.display_name(t) for t in firm_events["ticker"]]
n_firms = prose.spelled(len(firms))
dek_companies = prose.join(firm_names)
span_days = (last_date - first_date).days + 1
span_text = prose.plural(span_days, "day", spell=span_days <= 10)
title_text = prose.sentence(f"{n_firms} companies, {span_text}")
n_firm_significant = int((firms["ar_0_p"] < 0.05).sum())
firm_limits = prose.join([f"{prose.points(f.ar_0_limit, signed=False)} for {prose.display_name(f.ticker)}"
                          for f in firms.itertuples()])
beaten = [prose.display_name(f.ticker) for f in firms.itertuples()
          if abs(rows.loc[placebo_of[f.Index]].ar_0) >= abs(f.ar_0)]
window_dates = pd.concat([r.table["date"] for r in results])
placebo_own = events[(events["ticker"] == placebo_ticker) & events["category"].isin(story.ANNOUNCEMENT_CATEGORIES)
                     & events["date"].between(window_dates.min(), window_dates.max())]
placebo_about = wording.placebo_sentence(placebo_name, placebo_own)
placebo_compared = (
    f"The placebo, {placebo_name}, moved at least as far from its expected return as {prose.join(beaten)} on the "
    "same day." if beaten else
    f"On each of those days the placebo, {placebo_name}, moved less far from its expected return than the company "
    "that announced."
)
without_crash_text = wording.listed([
    f"{prose.display_name(r.ticker)}{' (placebo)' if r.event_id in placebos.index else ''} on "
    f"{prose.date(r.day0, weekday=True)}, {prose.points(r.ar_0)} ({prose.p_value(r.ar_0_p)})"
    for r in without_crash.itertuples()])
n_without_crash = wording.count_of(len(without_crash), len(study_events), "day-0 abnormal return")
placebo_passes = (
    ("A company with no announcement of its own" if placebo_own.empty else "The placebo") + " passes the same "
    "test, which is why one significant specification is weak evidence."
    if without_crash["event_id"].isin(placebos.index).any() else "")
n_tests = len(robust)
by_chance = n_tests * 0.05
# An expected count, so it may be a fraction ("0.75 significant results"); whole ones take the singular.
by_chance_text = (prose.plural(int(by_chance), "significant result") if by_chance == int(by_chance)
                  else f"{prose.number(by_chance, decimals=2)} significant results")
holm = robust[fr.adjust_pvalues(robust["ar_0_p"], method="holm")["reject"].to_numpy()]
n_holm = len(holm)
# Which tests survive matters: a placebo's is no evidence about an announcement.
holm_text = wording.listed([
    f"{prose.display_name(r.ticker)}{' (placebo)' if r.event_id in placebos.index else ''} on "
    f"{prose.date(r.day0, weekday=True)} ({r.specification})" for r in holm.itertuples()])
clean_placebo = placebo_own.empty
dek_placebo = ("a company with no such announcement" if clean_placebo
               else f"{placebo_name}, which had news of its own in those days")
shared_day0 = firm_day0.value_counts()
busiest_day0 = shared_day0.index[0]
busiest_names = sharing_day0[busiest_day0]
busiest_market = rows.loc[rows["day0"] == busiest_day0, "benchmark_ret_0"].iloc[0]
n_clustered = sum(bool(c) for c in side_by_side["clustered_with"])
busiest_clause = (
    f", and {busiest_names} share the same day 0, {prose.date(busiest_day0, weekday=True)}, on which {market} "
    f"{prose.moved(busiest_market)}" if shared_day0.iloc[0] > 1 else "")
unknown_timing = firm_events[firm_events["market_session"] == "unknown"]
headline_text = f"sessions {wording.offset(headline_window[0])} to {wording.offset(headline_window[1])}"
# Whether the next session, where a reaction to news after the close would show, is in the window.
next_session_in = headline_window[0] <= 1 <= headline_window[1]
timing_sentence = (
    f"We could not establish the time of day of {prose.join([prose.display_name(t) + chr(39) + 's announcement' for t in unknown_timing['ticker']])}, "
    + (f"so day 0 is the day itself and the next session belongs in the window (hence {headline_text})."
       if next_session_in else
       f"so day 0 is the day itself; the window here, {headline_text}, leaves out the next session, where part of "
       "a reaction may lie.") if len(unknown_timing) else
    "Every announcement here has a known time of day relative to the close.")
headline_span = {(0, 1): "that session and the next", (0, 0): "that session alone"}.get(
    tuple(headline_window), f"{headline_text} around it")
protests = story.background_periods(events, first_date, last_date)
# The Covid crash is named only when it is the period left out; any other period is named by its dates.
crash = wording.is_covid_crash(excluded_period)
left_out = "the Covid crash" if crash else wording.period_words(excluded_period)
left_out_clause = wording.period_words(excluded_period) + (
    ", the months of the Covid crash, whose extreme days weigh heavily on how a stock's usual relation to the "
    "market is measured" if crash else "")

# %% [markdown]
# **`{python} prose.sentence(wording.count_of(n_firm_significant, len(firms), "company"))` had a
# day-0 abnormal return beyond ordinary daily noise at the 5% level (market model against
# `{python} market`).** With each company's ordinary noise, only a day-0 abnormal return larger than
# `{python} firm_limits` would have counted, so smaller reactions cannot be ruled out. `{python} placebo_compared`
#
# With `{python} left_out` left out of the estimation window, `{python} n_without_crash`
# `{python} "is" if len(without_crash) == 1 else "are"`
# significant at the 5% level`{python} without_crash_text`
# `{python} placebo_passes`
#
# This page runs `{python} prose.spelled(n_tests)` tests of day-0 abnormal returns. At the 5% level one
# test in twenty comes out significant by chance alone: even if no announcement had mattered, these
# tests would give `{python} by_chance_text` on average. Allowing for the number of tests (Holm's method), `{python} wording.how_many(n_holm)`
# `{python} "remains" if n_holm == 1 else "remain"` significant`{python} holm_text`

# %% [markdown]
# ## Why a placebo
#
# `{python} placebo_name` is a large US technology company. `{python} placebo_about` Running the same event study for it on the
# same days shows how large an "abnormal" return a big technology stock could have on those days
# without such an announcement. It is not a perfect control: any news about big technology companies
# as a whole, or about `{python} placebo_name` itself, lands in its numbers too.

# %% [markdown]
# ## The event studies side by side
#
# Each row is a separate single-firm test: the firm's return on its first session that could
# reflect the news, minus what the market model expected, and the cumulative abnormal return over
# `{python} headline_span`. In the second table, "Market" is the index's return on day zero and
# "Clustered with" lists the other rows whose event windows share sessions with this one.

# %%
charts.event_study_table(
    results, window=headline_window,
    title=prose.sentence(
        f"{wording.how_many(sum(w.p < 0.05 for w in windowed.values()))} of the {prose.plural(len(results), 'cumulative abnormal return', spell=True)} "
        f"over sessions {wording.offset(headline_window[0])} to {wording.offset(headline_window[1])} {'is' if sum(w.p < 0.05 for w in windowed.values()) == 1 else 'are'} "
        "significant at the 5% level"),
    subtitle=f"Market model against {market}; the {placebo_name} rows are placebos on the firms' days 0",
    source=story.SOURCE,
    notes=(f"Estimation window: sessions {estimation_window[0]} to {estimation_window[1]} before day 0. "
           "Rows are single-firm tests and must not be pooled (see below)."),
)

# %%
# Two placebo rows share a name: the day tells them apart ("Alphabet (placebo, 9 June)").
who = {r.event_id: prose.display_name(r.ticker)
       + (f" (placebo, {prose.date(r.day0, year=False)})" if r.event_id in placebos.index else "")
       for r in side_by_side.itertuples()}
pd.set_option("display.max_colwidth", None)  # the "Clustered with" lists are read whole
pd.DataFrame({
    "Company": side_by_side["event_id"].map(who),
    "Day 0": side_by_side["day0"].map(prose.date),
    "Return": side_by_side["ret_0"].map(lambda x: prose.percent(x, signed=True)),
    "Market": side_by_side["benchmark_ret_0"].map(lambda x: prose.percent(x, signed=True)),
    "Beta": side_by_side["beta"].map(lambda x: f"{x:.2f}"),
    "Abnormal return": side_by_side["ar_0"].map(lambda x: prose.points(x, short=True)),
    "t": side_by_side["ar_0_t"].map(lambda x: f"{x:.2f}"),
    "p": side_by_side["ar_0_p"].map(lambda p: prose.p_value(p).removeprefix("p ").lstrip("= ")),
    "Clustered with": [prose.join([who[i] for i in c.split(", ")]) if c else "" for c in side_by_side["clustered_with"]],
}).set_index("Company")

# %% [markdown]
# ## Around each day zero
#
# Each panel follows one company's cumulative abnormal return through the sessions around its day
# zero, on shared axes, next to `{python} placebo_name`'s on the same days; the grey band marks, day by
# day, where the running total would fall ninety-five times in a hundred if nothing had happened.

# %%
charts.small_multiples(
    [result_of[i] for f in firm_events["id"] for i in (f, placebo_of[f])], columns=2,
    title=prose.sentence(f"{wording.how_many(out_of_band)} of the running totals of abnormal returns "
                         f"{'leaves' if out_of_band == 1 else 'leave'} the band of ordinary noise"),
    subtitle=f"Cumulative abnormal return, market model against {market}, by session relative to day 0",
    source=story.SOURCE,
    notes=f"Left: the company that announced. Right: {placebo_name}, "
          f"{'with no announcement' if clean_placebo else 'the placebo'}, on the same day 0.",
)

# %% [markdown]
# ## Does the method matter?
#
# The same tests under three specifications: the market model; the market-adjusted model, which
# simply subtracts the index's return and estimates nothing; and the market model estimated
# without `{python} left_out_clause`.

# %%
short_specifications = dict(zip(specifications, ["Market model", "Market-adjusted",
                                                  "Without the crash" if crash else f"Without {left_out}"]))
robust_table = robust.assign(
    Company=[f"{prose.display_name(t)}{' (placebo)' if i.startswith('placebo') else ''}, {prose.date(d)}"
             for t, i, d in zip(robust["ticker"], robust["event_id"], robust["day0"])],
    specification=robust["specification"].map(short_specifications),
    cell_ar=[f"{prose.points(a, short=True)} ({prose.p_value(p)})" for a, p in zip(robust["ar_0"], robust["ar_0_p"])],
    cell_car=[f"{prose.points(c, short=True)} ({prose.p_value(p)})" for c, p in zip(robust["car"], robust["car_p"])],
)
pd.concat({
    "Abnormal return, day 0": robust_table.pivot(index="Company", columns="specification", values="cell_ar"),
    f"Cumulative, sessions {wording.offset(headline_window[0])} to {wording.offset(headline_window[1])}":
        robust_table.pivot(index="Company", columns="specification", values="cell_car"),
}, axis=1).loc[robust_table["Company"].unique()].reindex(columns=list(short_specifications.values()), level=1).rename_axis(
    index="Company, day 0", columns=[None, None])

# %% [markdown]
# ## What `{python} n_firms` companies can and cannot show
#
# * **Tests that share days are not independent.** Each row tests one company against its own history of
#   ordinary noise. Rows whose event windows share sessions are hit by the same market-wide news, so their
#   abnormal returns move together; pooling them as if they were independent would overstate the evidence.
#   Here `{python} wording.count_of(n_clustered, len(side_by_side), "row")` `{python} "shares" if n_clustered == 1 else "share"`
#   event-window sessions with another row`{python} busiest_clause`.
# * **A handful of firms.** `{python} prose.sentence(n_firms)` firms cannot establish a pattern: even a clear
#   result for each would be `{python} n_firms` observations, not a rule.
# * **Other news.** `{python} protests` A daily event study cannot separate the companies' words from
#   everything else in the news on those days.
# * **Timing.** `{python} timing_sentence`
