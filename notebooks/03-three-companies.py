# ---
# jupyter:
#   frstory:
#     byline: frstory data desk
#     date: '2026-11-22'
#     dek: IBM, Amazon and Microsoft stepped back from police facial recognition in
#       the same week of June 2020. Side by side, and against a company that announced
#       nothing, their share prices show how little a single week of market data can
#       prove.
#     synthetic: false
#     title: Three companies, one week
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
# # Three companies, one week

# %% tags=["parameters"]
firm_event_ids = ["ibm-exits-fr", "amzn-moratorium", "msft-police-pledge"]
short_labels = {"ibm-exits-fr": "Quits facial recognition", "amzn-moratorium": "Pauses police use",
                "msft-police-pledge": "No sales to US police"}
placebo_ticker = "GOOGL"
benchmark = "^GSPC"
estimation_window = (-250, -11)
event_window = (-5, 5)
headline_window = (0, 1)
excluded_period = ("2020-02-01", "2020-04-30")
price_start = "2019-01-01"
price_end = "2020-12-31"

# %%
import pandas as pd
from IPython.display import Markdown

import frstory as fr
from frstory import charts
from frstory.analysis.results import display_name
from frstory.narrative import format_p

SOURCE = ("Prices: Yahoo Finance daily data via frstory's price cache (as traded); "
          "events: frstory timeline (data/events.csv)")
events = fr.load_events()
firm_events = events.set_index("id").loc[firm_event_ids].reset_index()
firm_day0 = pd.Series([fr.reaction_session(d, s) for d, s in zip(firm_events["date"], firm_events["market_session"])])
sharing_day0 = firm_events["ticker"].map(display_name).groupby(firm_day0.to_numpy()).agg(" and ".join)
# The placebo takes each distinct day 0 of the three firms (their dates and market sessions), so it
# faces the same market days without any news of its own.
placebo_events = firm_events.loc[~firm_day0.duplicated().to_numpy()].assign(
    ticker=placebo_ticker,
    id=lambda f: f"placebo-{placebo_ticker.lower()}-" + f["id"],
    headline=lambda f: [f"Placebo: nothing announced (same day 0 as {sharing_day0[d]})"
                        for d in firm_day0[f.index]],
)
short_labels.update({i: f"Placebo on {sharing_day0[d]}'s day 0"
                     for i, d in zip(placebo_events["id"], firm_day0[placebo_events.index])})
placebo_by_day0 = dict(zip(firm_day0[placebo_events.index], placebo_events["id"]))
placebo_of = dict(zip(firm_events["id"], firm_day0.map(placebo_by_day0)))
study_events = pd.concat([firm_events, placebo_events], ignore_index=True)
prices = fr.load_prices([*dict.fromkeys(study_events["ticker"]), benchmark], price_start, price_end)
options = dict(benchmark=benchmark, estimation_window=estimation_window)
side_by_side = fr.event_studies(prices, study_events, event_window=event_window, **options)
results = [fr.event_study(prices, e.ticker, e.date, market_session=e.market_session, event_window=event_window,
                          events=events, label=short_labels[e.id], event_id=e.id, **options)
           for e in study_events.itertuples()]
robust = pd.concat([fr.robustness(prices, e.ticker, e.date, exclude_period=excluded_period,
                                  market_session=e.market_session, event_window=headline_window,
                                  label=e.headline, event_id=e.id, **options)
                    for e in study_events.itertuples()], ignore_index=True)

# %%
# Formatting one-liners: signed percentage points, plain percentages, long dates, rising or falling.
pp = lambda x: f"{100 * x:+.1f} percentage points"  # noqa: E731
pct = lambda x: f"{100 * abs(x):.1f}%"  # noqa: E731
day = lambda d: f"{pd.Timestamp(d):%A} {pd.Timestamp(d).day} {pd.Timestamp(d):%B %Y}"  # noqa: E731
moved = lambda x: ("rose " if x > 0 else "fell ") + pct(x)  # noqa: E731
how_many = lambda k: "None" if k == 0 else str(k)  # noqa: E731
off = lambda k: f"{k:+d}" if k else "0"  # noqa: E731

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
placebo_name = display_name(placebo_ticker)
market = display_name(benchmark)

# %%
firm_lines = "\n".join(
    f"* **{display_name(f.ticker)}** ({f.label}; day 0 {day(f.day0)}): shares {moved(f.ret_0)} as "
    f"{market} {moved(f.benchmark_ret_0)}; abnormal return {pp(f.ar_0)} (t = {f.ar_0_t:.2f}, "
    f"{format_p(f.ar_0_p)}). {placebo_name}, which announced nothing, "
    f"{pp(rows.loc[placebo_of[f.event_id]].ar_0)} ({format_p(rows.loc[placebo_of[f.event_id]].ar_0_p)}) on the same day."
    for f in firms.reset_index().itertuples()
)
beaten = [display_name(f.ticker) for f in firms.itertuples() if abs(rows.loc[placebo_of[f.Index]].ar_0) >= abs(f.ar_0)]
Markdown(f"""
**{how_many((firms['ar_0_p'] < 0.05).sum())} of the
{len(firms)} companies that stepped back from police facial recognition had a day-0 abnormal
return beyond ordinary daily noise at the 5% level (market model against {market}).
{(placebo_name + ', which announced nothing, moved at least as far from its expected return as '
  + ' and '.join(beaten) + ' on the same day.') if beaten else ''}**

Leaving the Covid crash out of the estimation window ({specifications[2]}) pushes
{len(without_crash) or 'none'} of the
{len(study_events)} day-0 abnormal returns past the 5% line:
{'; '.join(f"{display_name(r.ticker)}{' (placebo)' if r.event_id in placebos.index else ''} on {day(r.day0)}, "
           f"{pp(r.ar_0)} ({format_p(r.ar_0_p)})" for r in without_crash.itertuples()) or 'none'}.
{'A company with no news of its own passes the same test, which is why one significant specification is weak evidence.'
 if without_crash['event_id'].isin(placebos.index).any() else ''}

{firm_lines}

{len(firms)} firms announcing within {(firm_events['date'].max() - firm_events['date'].min()).days} days
of each other, in the middle of nationwide protests and a market sell-off, cannot by themselves
show whether investors cared; the robustness table below shows how much each result moves with
the choice of model.
""")

# %% [markdown]
# ## Why a placebo
#
# Alphabet, Google's parent, is a large US technology company with a cloud business that, like
# the three firms, sits in the technology-heavy end of the market, but it announced nothing about
# facial recognition that week: Google had already said it would not sell general-purpose facial
# recognition through its cloud, and told the press it favoured regulation over a ban. Running the
# same event study for Alphabet on the same days shows how large an "abnormal" return a big tech
# stock could have on those days without any news of its own. It is not a perfect control: any
# news about big tech as a whole, or about Google itself, lands in its numbers too.

# %% [markdown]
# ## The event studies side by side
#
# Each row is a separate single-firm test: the firm's return on its first session that could
# reflect the news, minus what the market model expected, and the cumulative abnormal return over
# that session and the next. In the second table, "Market" is the index's return on day zero and
# "Clustered with" lists the other rows whose event windows share sessions with this one.

# %%
charts.event_study_table(
    results, window=headline_window,
    title=(f"{how_many(sum(w.p < 0.05 for w in windowed.values()))} of the {len(results)} cumulative abnormal returns "
           f"over sessions {off(headline_window[0])} to {off(headline_window[1])} are significant at the 5% level"),
    subtitle=(f"Market model against {market}; the {placebo_name} rows are placebos on the firms' days 0"),
    source=SOURCE,
    notes=(f"Estimation window: sessions {estimation_window[0]} to {estimation_window[1]} before day 0. "
           "Rows are single-firm tests and must not be pooled (see below)."),
)

# %%
who = {r.event_id: display_name(r.ticker) + (" (placebo)" if r.event_id in placebos.index else "")
       for r in side_by_side.itertuples()}
pd.DataFrame({
    "Company": side_by_side["event_id"].map(who),
    "Day 0": side_by_side["day0"].dt.strftime("%a %d %b"),
    "Return": side_by_side["ret_0"].map(lambda x: f"{100 * x:+.1f}%"),
    "Market": side_by_side["benchmark_ret_0"].map(lambda x: f"{100 * x:+.1f}%"),
    "Beta": side_by_side["beta"].map(lambda x: f"{x:.2f}"),
    "Abnormal return": side_by_side["ar_0"].map(lambda x: f"{100 * x:+.1f} pp"),
    "t": side_by_side["ar_0_t"].map(lambda x: f"{x:.2f}"),
    "p": side_by_side["ar_0_p"].map(lambda x: f"{x:.3f}"),
    "Clustered with": [", ".join(who[i] for i in c.split(", ")) for c in side_by_side["clustered_with"]],
}).set_index("Company")

# %% [markdown]
# ## Around each day zero
#
# Each panel follows one company's cumulative abnormal return through the sessions around its day
# zero, on shared axes, next to Alphabet's on the same days; the grey band is where the running
# total would stay ninety-five times in a hundred if nothing had happened.

# %%
charts.small_multiples(
    [result_of[i] for f in firm_events["id"] for i in (f, placebo_of[f])], columns=2,
    title=f"{how_many(out_of_band)} of the running totals of abnormal returns leaves the band of ordinary noise",
    subtitle=f"Cumulative abnormal return, market model against {market}, by session relative to day 0",
    source=SOURCE,
    notes=f"Left: the company that announced. Right: {placebo_name}, which announced nothing, on the same day 0.",
)

# %% [markdown]
# ## Does the method matter?
#
# The same tests under three specifications: the market model; the market-adjusted model, which
# simply subtracts the index's return and estimates nothing; and the market model estimated
# without the months of the Covid crash, whose extreme days weigh heavily on how a stock's usual
# relation to the market is measured.

# %%
short_specifications = dict(zip(specifications, ["Market model", "Market-adjusted", "Without the crash"]))
robust_table = robust.assign(
    Company=[f"{display_name(t)}{' (placebo)' if i.startswith('placebo') else ''}, {d:%d %b}"
             for t, i, d in zip(robust["ticker"], robust["event_id"], robust["day0"])],
    specification=robust["specification"].map(short_specifications),
    cell_ar=[f"{100 * a:+.1f} ({format_p(p)})" for a, p in zip(robust["ar_0"], robust["ar_0_p"])],
    cell_car=[f"{100 * c:+.1f} ({format_p(p)})" for c, p in zip(robust["car"], robust["car_p"])],
)
pd.concat({
    "Abnormal return, day 0 (pp)": robust_table.pivot(index="Company", columns="specification", values="cell_ar"),
    f"CAR, sessions {off(headline_window[0])} to {off(headline_window[1])} (pp)":
        robust_table.pivot(index="Company", columns="specification", values="cell_car"),
}, axis=1).loc[robust_table["Company"].unique()].reindex(columns=list(short_specifications.values()), level=1).rename_axis(
    index="Company, day 0", columns=[None, None])

# %%
Markdown("\n".join(
    f"* {display_name(e.ticker)}, day 0 {day(result_of[e.id].day0)}{' (placebo)' if e.id in placebos.index else ''}: "
    f"day-0 abnormal return from {pp(g['ar_0'].min())} to {pp(g['ar_0'].max())}, significant at the 5% level in "
    f"{n_significant[e.id]} of {len(g)} specifications."
    for e in study_events.itertuples() for g in [robust[robust["event_id"] == e.id]]
))

# %% [markdown]
# ## What three companies can and cannot show

# %%
ibm, amzn, msft = (firm_events.set_index("id").loc[i] for i in firm_event_ids)
protests = events.set_index("id").loc["floyd-protests-begin"]
selloff = events.set_index("id").loc["market-selloff"]
shared_day0 = firm_day0.value_counts()
busiest_day0 = shared_day0.index[0]
sell_day = rows.loc[rows["day0"] == busiest_day0, "benchmark_ret_0"].iloc[0]
msft_next = result_of[msft.name].table.set_index("offset").loc[1, "date"]
Markdown(f"""
* **The dates cluster, so the tests are not independent.** {side_by_side.attrs['note']}
  Here {sum(bool(c) for c in side_by_side['clustered_with'])} of the {len(side_by_side)} rows share
  event-window sessions with another row, and {sharing_day0[busiest_day0]} share the same day 0,
  {day(busiest_day0)}, on which {market} {moved(sell_day)}{' (the market-wide sell-off in our timeline)' if busiest_day0 == selloff['date'] else ''}.
* **N = {len(firms)}.** {len(firms)} firms cannot establish a pattern. Even a clear result for
  each would be {len(firms)} correlated observations of one week.
* **The protests.** The announcements were responses to the protests after George Floyd's
  killing, whose peak we date from {day(protests['date'])} to {day(protests['end_date'])}. Whatever
  investors thought of the protests and of policing reform was already in prices, and may still
  have been moving them; a daily event study cannot separate the companies' words from that news.
* **Microsoft's timing is unknown.** Brad Smith spoke at a Washington Post Live event on {day(msft['date'])},
  but its time is not verified, so day 0 is that day and the next session, {day(msft_next)},
  belongs in the window (hence sessions {off(headline_window[0])} to {off(headline_window[1])}). That
  next day has its own news: a tweet, retweeted by President Trump, said Microsoft should lose
  federal contracts.
* **IBM's reaction is unclear even in direction.** Reports at the time disagreed on whether IBM's
  shares rose or fell after its letter. The prices say they {moved(firms.loc[ibm.name, 'ret_0'])} on
  {day(firms.loc[ibm.name, 'day0'])}, an abnormal return of {pp(firms.loc[ibm.name, 'ar_0'])}
  ({format_p(firms.loc[ibm.name, 'ar_0_p'])}), with nothing to tie the move to the letter rather than
  to other news about IBM.
""")
