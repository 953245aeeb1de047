# ---
# jupyter:
#   frstory:
#     byline: frstory
#     date: '2026-11-22'
#     dek: Every chart in frstory.charts, drawn from made-up data so that the house
#       style, furniture and label placement can be checked at a glance.
#     synthetic: true
#     title: The frstory chart gallery
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
# # Chart gallery
#
# **Everything on this page is synthetic.** The tickers (SYNA, SYNB, ^SYNX) and events are made up
# by `frstory.synthetic_prices()` and `frstory.synthetic_events()`; no chart here shows real market
# data. The page exists to show every chart in `frstory.charts` in the house style, on prices and on
# other data (made-up monthly story counts by desk), at every screen width from 320 px: title,
# subtitle, source and notes around the chart, alt text and the data behind each chart stored with it.

# %% tags=["parameters"]
start = "2019-01-02"
end = "2020-12-31"
window_start = "2020-05-01"
window_end = "2020-07-31"

# %%
import pandas as pd

import frstory as fr
from frstory import charts

SOURCE = "Synthetic example data (frstory.examples)"
prices = fr.synthetic_prices(
    ["SYNA", "SYNB"], start, end, abnormal={("SYNA", "2020-06-11"): -0.05, ("SYNB", "2020-06-09"): 0.03}
)
events = fr.synthetic_events()

# Non-price data: made-up monthly story counts for two desks, and a share in per cent.
months = pd.date_range("2019-07-01", "2020-12-01", freq="MS")
stories = pd.DataFrame({
    "month": list(months) * 2,
    "desk": ["Metro"] * len(months) + ["Business"] * len(months),
    "stories": [12, 14, 11, 15, 13, 16, 14, 18, 22, 25, 41, 38, 30, 27, 24, 26, 23, 25,
                8, 9, 10, 9, 11, 10, 12, 15, 14, 13, 19, 17, 16, 15, 14, 16, 15, 14],
})
stories["share_online"] = [0.40 + 0.01 * i for i in range(len(months))] * 2

# %% [markdown]
# ## A price with events
#
# Three made-up announcements fall within four days (8, 10 and 11 June). Their labels sit in lanes
# above the chart so that none overlaps; the shaded band is a made-up protest period.

# %%
charts.price_with_events(
    prices, events, tickers="SYNA", start=window_start, end=window_end,
    title="SYNA fell after the synthetic pause announcement",
    subtitle="Closing price of a made-up stock, US$",
    source=SOURCE, notes="Shaded: a synthetic protest period.",
)

# %% [markdown]
# ## A rebased comparison
#
# The subject is highlighted; a peer and the synthetic market index are grey.

# %%
charts.rebased_comparison(
    prices, "2020-06-05", highlight="SYNA", start=window_start, end=window_end,
    title="SYNA against a peer and the market", source=SOURCE,
)

# %% [markdown]
# ## A timeline
#
# Hollow markers are events known only to the month.

# %%
charts.timeline(events, title="Two years of synthetic events", subtitle="By category", source=SOURCE)

# %% [markdown]
# ## Event studies
#
# `fr.event_study` on the synthetic prices: the abnormal returns around each announcement, with the
# band where the cumulative abnormal return would fall 95% of the time if the news had no effect.

# %%
syna = fr.event_study(prices, "SYNA", "2020-06-10", market_session="post", benchmark="^SYNX",
                      label="SYNA pauses a product line")
synb = fr.event_study(prices, "SYNB", "2020-06-08", market_session="post", benchmark="^SYNX",
                      label="SYNB exits the business")
charts.abnormal_returns(syna, title="SYNA's abnormal returns around the synthetic announcement", source=SOURCE)

# %%
charts.event_study_table([syna, synb], window=(-1, 1), title="Synthetic event-study results", source=SOURCE,
                         notes="CAR over the session before to the session after day 0.")

# %% [markdown]
# ## Any data: line and bar charts
#
# `charts.line` and `charts.bar` take a tidy frame and column keywords, as plotly.express does; the
# `unit` formats the axis, the hover labels and the alt text. Events can be marked on a date axis.

# %%
charts.line(stories, x="month", y="stories", color="desk", unit="count", events=events,
            title="Metro stories peaked in May 2020", subtitle="Stories published per month, by desk",
            source=SOURCE)

# %%
charts.bar(stories[stories["desk"] == "Metro"], x="month", y="stories", unit="count",
           title="Metro published most in May 2020", subtitle="Stories per month", source=SOURCE)

# %%
by_desk = stories.groupby("desk", as_index=False)["stories"].sum()
by_desk["desk"] = by_desk["desk"].map({"Metro": "Metro and regional news desk", "Business": "Business and markets desk"})
charts.bar(by_desk, x="desk", y="stories", unit="count", text=True,
           title="The metro desk wrote most", subtitle="Stories, July 2019 to December 2020", source=SOURCE)

# %%
charts.line(stories[stories["desk"] == "Metro"], x="month", y="share_online", unit="percent",
            y_title="Share read online", title="More of the metro desk's stories are read online",
            subtitle="Share of readers online, per cent", source=SOURCE)

# %% [markdown]
# ## The price charts on other data
#
# The price charts take column keywords too; US dollars are only the price chart's default.

# %%
charts.price_with_events(stories, events, x="month", y="stories", color="desk", unit="count",
                         title="Story counts with the synthetic events", subtitle="Stories per month, by desk",
                         source=SOURCE)

# %%
charts.rebased_comparison(stories, "2020-06-01", x="month", y="stories", color="desk", highlight="Metro",
                          title="Business fell less than Metro after June", subtitle="Stories per month, June 2020 = 100",
                          source=SOURCE)

# %%
charts.small_multiples(stories, day0="2020-07-01", x="month", y="stories", color="desk", window=(-4, 4),
                       title="Both desks around July 2020", subtitle="Stories per month, indexed to the month before",
                       source=SOURCE)

# %% [markdown]
# ## A cumulative count

# %%
events["level"] = events["id"].map({"syn-rule-1": "city", "syn-rule-2": "city", "syn-rule-3": "state", "syn-rule-4": "county"})
charts.cumulative_count(events, by="level", noun="measures", title="Synthetic measures add up",
                        subtitle="Synthetic measures by level of government", source=SOURCE)

# %% [markdown]
# ## Small multiples
#
# Each company around its own day 0, on shared axes: first prices, then cumulative abnormal returns.

# %%
charts.small_multiples(prices, day0={"SYNB": synb.day0, "SYNA": syna.day0},
                       title="Two synthetic reactions", source=SOURCE)

# %%
charts.small_multiples([syna, synb], title="Cumulative abnormal returns, synthetic", source=SOURCE)

# %% [markdown]
# ## The data behind a chart
#
# `charts.chart_data(fig)` returns the tidy table stored with each chart (the "Get the data" CSV).

# %%
fig = charts.cumulative_count(events, by="level", noun="measures", source=SOURCE)
print(fig.layout.meta["frstory"]["alt"])
charts.chart_data(fig)
