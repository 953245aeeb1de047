# ---
# jupyter:
#   frstory:
#     byline: frstory
#     date: '2026-11-22'
#     dek: Every chart in frstory.charts, drawn from made-up data so that the house
#       style, furniture and label placement can be checked at a glance.
#     synthetic: true
#     title: Chart gallery
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
# data. The page exists to show every chart in `frstory.charts` in the house style: title, subtitle,
# source and notes drawn on the chart, alt text and the data behind each chart stored with it.

# %% tags=["parameters"]
start = "2019-01-02"
end = "2020-12-31"
window_start = "2020-05-01"
window_end = "2020-07-31"

# %%
import frstory as fr
from frstory import charts

SOURCE = "Synthetic example data (frstory.examples)"
prices = fr.synthetic_prices(
    ["SYNA", "SYNB"], start, end, abnormal={("SYNA", "2020-06-11"): -0.05, ("SYNB", "2020-06-09"): 0.03}
)
events = fr.synthetic_events()

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
                      label="SYNA pauses police sales")
synb = fr.event_study(prices, "SYNB", "2020-06-08", market_session="post", benchmark="^SYNX",
                      label="SYNB exits the business")
charts.abnormal_returns(syna, title="SYNA's abnormal returns around the synthetic announcement", source=SOURCE)

# %%
charts.event_study_table([syna, synb], window=(-1, 1), title="Synthetic event-study results", source=SOURCE,
                         notes="CAR over the session before to the session after day 0.")

# %% [markdown]
# ## A cumulative count

# %%
charts.cumulative_count(events, title="Synthetic bans add up", subtitle="Government bans by level", source=SOURCE)

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
fig = charts.cumulative_count(events, source=SOURCE)
print(fig.layout.meta["frstory"]["alt"])
charts.chart_data(fig)
