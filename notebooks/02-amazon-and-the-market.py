# ---
# jupyter:
#   frstory:
#     byline: frstory data desk
#     date: '2026-11-22'
#     dek: Amazon paused police use of its face recognition after the close on a Wednesday
#       in June 2020, hours before the worst day for US stocks since the spring crash.
#       What Amazon's share price can and cannot tell us about how investors took the
#       news.
#     synthetic: false
#     title: Amazon's Rekognition pause and the market
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
# # Amazon's Rekognition pause and the market

# %% tags=["parameters"]
ticker = "AMZN"
benchmark = "^GSPC"
comparison = ["^GSPC", "^IXIC"]
event_id = "amzn-moratorium"
base_event_id = "ibm-exits-fr"
marked_events = ["george-floyd-killed", "floyd-protests-begin", "ibm-exits-fr", "amzn-moratorium",
                 "msft-police-pledge", "market-selloff"]
chart_start = "2020-05-01"
chart_end = "2020-07-31"
price_start = "2019-01-01"
price_end = "2020-12-31"
estimation_window = (-250, -11)
event_window = (-5, 5)
excluded_period = ("2020-02-01", "2020-04-30")

# %%
import pandas as pd
from IPython.display import Markdown

import frstory as fr
from frstory import charts
from frstory.analysis.results import display_name

SOURCE = ("Prices: Yahoo Finance daily data via frstory's price cache (as traded); "
          "events: frstory timeline (data/events.csv)")
events = fr.load_events()
claims = fr.load_claims()
prices = fr.load_prices(list(dict.fromkeys([ticker, benchmark, *comparison])), price_start, price_end)
by_id = events.set_index("id")
event = by_id.loc[event_id]
study_options = dict(market_session=event["market_session"], benchmark=benchmark,
                     estimation_window=estimation_window, event_window=event_window,
                     events=events, label=event["headline"], event_id=event_id)
res = fr.event_study(prices, ticker, event["date"], **study_options)
robust = fr.robustness(prices, ticker, event["date"], exclude_period=excluded_period, **study_options)
checks = fr.check_claims(claims, prices)

# %%
# Formatting one-liners: signed percentage points, plain percentages, long dates, rising or falling.
pp = lambda x: f"{100 * x:+.1f} percentage points"  # noqa: E731
pct = lambda x: f"{100 * abs(x):.1f}%"  # noqa: E731
day = lambda d: f"{pd.Timestamp(d):%A} {pd.Timestamp(d).day} {pd.Timestamp(d):%B %Y}"  # noqa: E731
month = lambda d: f"{pd.Timestamp(d):%B %Y}"  # noqa: E731
moved = lambda x: ("rose " if x > 0 else "fell ") + pct(x)  # noqa: E731

name, market = display_name(ticker), display_name(benchmark)
day0 = res.table.set_index("offset").loc[0]
daily = fr.returns(prices).pivot(index="date", columns="ticker", values="ret")
# The last session before day 0 on which the benchmark fell further: "its worst day since ...".
worse_before = daily.loc[:res.day0 - pd.Timedelta(days=1), benchmark]
worst_since = worse_before[worse_before < day0["benchmark_ret"]].index.max()
default, adjusted, no_crash = (robust.iloc[i] for i in range(3))
crash = fr.rebase(prices[prices["date"] <= excluded_period[1]], excluded_period[0])
crash_change = crash.groupby("ticker")["rebased"].last() / 100 - 1
crash_in_estimation = default["estimation_start"] <= pd.Timestamp(excluded_period[0])
significant = robust["ar_0_p"] < 0.05
verdict = (
    f"None of the {len(robust)} specifications finds a day-0 reaction significant at the 5% level: "
    "there is no evidence that investors reacted to the pause." if not significant.any() else
    f"All {len(robust)} specifications find a day-0 reaction significant at the 5% level." if significant.all() else
    f"Only {significant.sum()} of {len(robust)} specifications finds a day-0 reaction significant at the 5% "
    "level. The answer depends on the estimation window, so the evidence that investors reacted to the "
    "pause is fragile."
)
biggest = res.table.loc[res.table["ar"].abs().idxmax()]
peak_protests = by_id.loc["floyd-protests-begin"]
ibm, msft = by_id.loc["ibm-exits-fr"], by_id.loc["msft-police-pledge"]
ibm_day0 = fr.reaction_session(ibm["date"], ibm["market_session"])
msft_day0 = fr.reaction_session(msft["date"], msft["market_session"])
checked = checks[checks["verdict"] != "not checkable"]
needs_intraday = checks["check_measure"].eq("after_hours")
no_price_check = checks["check_measure"].isna()

# %%
Markdown(f"""
**{name}'s shares {moved(day0['ret'])} on {day(res.day0)}, the first session after it paused police
use of Rekognition (announced after the close on {day(event['date'])}). But {market}
{moved(day0['benchmark_ret'])} that day, its worst day since {day(worst_since)}: the fall was the
market's.**

Whether {name} did better than the market explains depends on how "the market explains" is
measured. The standard market model learns how {name} usually moves with the market from the
{default['n_estimation']} sessions before the news, from {day(default['estimation_start'])} to
{day(default['estimation_end'])}. That period {'includes' if crash_in_estimation else 'does not include'}
the Covid crash of {month(excluded_period[0])} to {month(excluded_period[1])}, when {name}
{moved(crash_change[ticker])} while {market} {moved(crash_change[benchmark])}, so the model gives
{name} a beta of only {default['beta']:.2f}. By that yardstick {name}'s abnormal return on day 0
was {pp(default['ar_0'])} (t = {default['ar_0_t']:.2f}, p = {default['ar_0_p']:.2f}),
{"no more than an ordinary day's noise" if default['ar_0_p'] >= 0.05 else "beyond an ordinary day's noise"}. Leaving
the crash months out of the estimation window raises beta to {no_crash['beta']:.2f} and the
abnormal return to {pp(no_crash['ar_0'])} (t = {no_crash['ar_0_t']:.2f}, p = {no_crash['ar_0_p']:.2f});
simply subtracting the index's move gives {pp(adjusted['ar_0'])} (t = {adjusted['ar_0_t']:.2f},
p = {adjusted['ar_0_p']:.2f}).

**{verdict}** On a day when the whole market {moved(day0['benchmark_ret'])}, a gap of this size
between {name} and its expected return is decided by the choice of model, not by the news.
{name}'s largest abnormal return in the event window, {pp(biggest['ar'])} on {day(biggest['date'])},
{'came before the announcement could be priced' if biggest['offset'] < 0 else 'came on or after day 0'}.

{"The figures reported at the time hold up" if (checked["verdict"] == "confirmed").all() else "Not every figure reported at the time holds up"}: of the {len(claims)} claims our fact-checkers took from
the seed articles, {len(checked)} can be checked with daily prices and
{(checked['verdict'] == 'confirmed').sum()} of them are confirmed by the data.
""")

# %% [markdown]
# ## Amazon's share price around the announcements
#
# The protests after George Floyd's killing (their peak is shaded), the three companies'
# announcements and the market-wide sell-off, against Amazon's closing price as traded at the time.

# %%
charts.price_with_events(
    prices, events[events["id"].isin(marked_events)], tickers=ticker, start=chart_start, end=chart_end,
    max_label_chars=64,
    title=f"{name} {moved(day0['ret'])} the day after its pause, as {market} {moved(day0['benchmark_ret'])}",
    subtitle=f"{ticker} closing price, US$ as traded; shaded: the peak of the protests",
    source=SOURCE,
    notes=(f"Amazon announced its pause after the close on {day(event['date'])}; the first session that "
           f"could react was {day(res.day0)}."),
)

# %% [markdown]
# ## Against the market
#
# Amazon against the S&P 500 and the tech-heavy Nasdaq Composite, each rebased to its last close
# before IBM's letter, the first of the three companies' announcements.

# %%
base_day0 = fr.reaction_session(by_id.loc[base_event_id, "date"], by_id.loc[base_event_id, "market_session"])
base_date = fr.nyse_sessions(pd.Timestamp(base_day0) - pd.Timedelta(days=10), base_day0)[-2]
window_prices = prices[(prices["date"] >= chart_start) & (prices["date"] <= chart_end)]
rebased = fr.rebase(window_prices, base_date).pivot(index="date", columns="ticker", values="rebased")
change = rebased.iloc[-1] / 100 - 1
others = " and ".join(f"{display_name(t)} {moved(change[t])}" for t in comparison)
Markdown(f"""From the close on {day(base_date)} to {day(rebased.index[-1])}, {name}'s shares
{moved(change[ticker])}; {others}. On {day(res.day0)}, {name} stood at
{rebased.loc[res.day0, ticker]:.1f} on this scale, {market} at {rebased.loc[res.day0, benchmark]:.1f}.""")

# %%
charts.rebased_comparison(
    window_prices, base_date, highlight=ticker, tickers=[ticker, *comparison],
    title=f"{name} {moved(change[ticker])} from the last close before IBM's letter to {day(rebased.index[-1])}",
    subtitle=f"Closing prices, {day(base_date)} = 100",
    source=SOURCE,
    notes=f"For comparison: {' and '.join(display_name(t) for t in comparison)}.",
)

# %% [markdown]
# ## The event study
#
# An event study asks how far a stock moved beyond what its usual relation to the market
# predicts. The bars are the daily abnormal returns; the line adds them up; the grey band is where
# that running total would fall ninety-five times in a hundred if the news had no effect.

# %%
Markdown(res.summary())

# %%
charts.abnormal_returns(
    res,
    title=(f"{name}'s abnormal return on {day(res.day0)}: {pp(day0['ar'])}, "
           + ("within ordinary daily noise" if res.car(0, 0).p >= 0.05 else "beyond ordinary daily noise")),
    subtitle=f"Market model against {market}; day 0 = the first session after the announcement",
    source=SOURCE,
    notes=(f"Model estimated on {res.n_estimation} sessions, {day(res.estimation_start)} to "
           f"{day(res.estimation_end)} (beta {res.beta:.2f})."),
)

# %% [markdown]
# ## How much does the answer depend on the method?
#
# The same event study under three reasonable choices. The market model learns how Amazon usually
# moves with the market from the year before the news, a year that contains the Covid crash. The
# market-adjusted model assumes Amazon moves one-for-one with the index and estimates nothing. The
# third line re-estimates the market model without the crash months.

# %%
pd.DataFrame({
    "Specification": robust["specification"],
    "Estimation sessions": [f"{r.n_estimation}: {r.estimation_start:%d %b %Y} to {r.estimation_end:%d %b %Y}"
                            for r in robust.itertuples()],
    "Beta": robust["beta"].map(lambda b: "none (fixed at 1)" if pd.isna(b) else f"{b:.2f}"),
    "Expected return, day 0": (robust["ret_0"] - robust["ar_0"]).map(lambda x: f"{100 * x:+.1f}%"),
    "Abnormal return, day 0": robust["ar_0"].map(lambda x: f"{100 * x:+.1f} pp"),
    "t": robust["ar_0_t"].map(lambda x: f"{x:.2f}"),
    "p": robust["ar_0_p"].map(lambda x: f"{x:.3f}"),
    f"CAR {res.event_window[0]:+d} to {res.event_window[1]:+d}": robust["car"].map(lambda x: f"{100 * x:+.1f} pp"),
}).set_index("Specification")

# %%
before, after = res.car(res.event_window[0], -1), res.car(0, res.event_window[1])
Markdown(f"""The day-0 abnormal return ranges from {pp(robust['ar_0'].min())} to
{pp(robust['ar_0'].max())} depending on the specification, and the cumulative abnormal return over
sessions {res.event_window[0]:+d} to {res.event_window[1]:+d} from {pp(robust['car'].min())} to
{pp(robust['car'].max())} (smallest p = {robust['car_p'].min():.2f}).
{'More' if before.car > after.car else 'Less'} of that cumulative figure came before the announcement
could be priced: {pp(before.car)} over sessions {before.start:+d} to {before.end:+d}, against
{pp(after.car)} from day 0 to {after.end:+d} (market model).""")

# %% [markdown]
# ## What this cannot show

# %%
Markdown(f"""
* **The market crash on day 0.** {res.warnings[0] if res.warnings else ''}
* **The protests.** The announcements came out of the protests that followed George Floyd's
  killing, whose peak we date from {day(peak_protests['date'])} to {day(peak_protests['end_date'])}.
  Investors were weighing the protests, the pandemic and the Federal Reserve's outlook at the same
  time; a daily event study cannot separate the pause from everything else in the news.
* **Clustered announcements.** IBM ({day(ibm['date'])}, after the close), Amazon
  ({day(event['date'])}, after the close) and Microsoft ({day(msft['date'])}, time of day unknown)
  spoke within {(msft['date'] - ibm['date']).days} days of each other.
  {"Amazon's day 0 is also the first session that could reflect Microsoft's pledge. " if msft_day0 == res.day0 else ""}
  {"Amazon's event window contains IBM's day 0. " if (res.table["date"] == ibm_day0).any() else ""}
  No daily window isolates one firm's news.
* **Timing.** Amazon's blog post carries no time stamp; every time-stamped report found came after
  the close, so the first session that could react is {day(res.day0)}. If the news reached some
  investors earlier, part of any reaction sits on the day before.
* **One stock, one day.** A single abnormal return is one draw from a noisy distribution: on an
  ordinary day {name}'s abnormal return is within about ±{100 * res.sigma:.1f}% (one standard
  deviation).
""")

# %% [markdown]
# ## Checking the figures reported at the time
#
# The seed articles quote Amazon's closing price and daily change on the day of the announcement.
# frstory checks every figure that daily prices can check against the as-traded close; the
# tolerance is half a unit of the last decimal reported.

# %%
in_units = {"usd": lambda v: f"${v:,.2f}", "percent": lambda v: f"{v:+.2f}%"}
pd.DataFrame({
    "Claim": checked["claim"],
    "Verdict": checked["verdict"],
    "Reported": [in_units[u](v) for u, v in zip(checked["unit"], checked["value"])],
    "In the data": [f"{v:,.4f}" for v in checked["data_value"]],
    "Difference": [f"{d:+.4f} (±{t:.3f} allowed)" for d, t in zip(checked["difference"], checked["tolerance"])],
    "Desk's verdict": checked["editorial_verdict"],
}).set_index("Claim")

# %%
Markdown(f"""{len(checked)} of the {len(claims)} claims can be checked with daily prices.
{int(needs_intraday.sum())} more are about prices but cannot be checked with daily data: they
quote after-hours trading on {day(checks.loc[needs_intraday, 'check_date'].iloc[0])} (after the
close, when the news broke), which needs intraday prices. The remaining {int(no_price_check.sum())}
are dates, counts or words that no price can check; the research desk's verdicts on them are in
data/claims.csv.""")
