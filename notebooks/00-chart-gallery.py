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
# # The frstory chart gallery
#
# **Everything on this page is synthetic.** The companies (SYNA, SYNB), the market index and the events are made up
# by `frstory.synthetic_prices()` and `frstory.synthetic_events()`, and the newsroom numbers (stories
# per month by desk, weekday readers of two sections, corrections, newsroom events) are made up in the
# cells below; no chart here shows real data. The page exists to show every chart function in
# `frstory.charts` in the house style, each on prices and on other data, at every screen width from
# 320 px: title, subtitle, source and notes around the chart, alt text and the data behind each chart
# stored with it. Each headline is checked against the data by an `assert` before its chart.

# %% tags=["parameters"]
start = "2019-01-02"
end = "2020-12-31"
window_start = "2020-05-01"
window_end = "2020-07-31"

# %%
import numpy as np
import pandas as pd

import frstory as fr
from frstory import charts

SOURCE = "Synthetic example data (frstory.examples)"
prices = fr.synthetic_prices(
    ["SYNA", "SYNB"], start, end, abnormal={("SYNA", "2020-06-11"): -0.05, ("SYNB", "2020-06-09"): 0.03}
)
events = fr.synthetic_events()
# Readers see names, never raw tickers: the made-up index gets one, and the made-up companies are
# called by their made-up tickers (charts refuse a ticker without a registered name).
fr.prose.register_display_names({"^SYNX": "the Synthetic Market Index", "SYNA": "SYNA", "SYNB": "SYNB"})

# Non-price data: made-up monthly story counts for two desks, and a share in per cent.
months = pd.date_range("2019-07-01", "2020-12-01", freq="MS")
stories = pd.DataFrame({
    "month": list(months) * 2,
    "desk": ["Metro"] * len(months) + ["Business"] * len(months),
    "stories": [12, 14, 11, 15, 13, 16, 14, 18, 22, 25, 41, 38, 30, 27, 24, 26, 23, 25,
                8, 9, 10, 9, 11, 10, 12, 15, 14, 13, 19, 17, 16, 15, 14, 16, 15, 14],
})
stories["share_online"] = [0.40 + 0.01 * i for i in range(len(months))] * 2
metro = stories[stories["desk"] == "Metro"]

# Made-up weekday readers of two sections and of the whole site: the metro section gains readers
# with a newsletter launched on 11 June 2020, the business section with nothing.
weekdays = fr.nyse_sessions("2019-06-03", "2020-08-31")
rng = np.random.default_rng(7)
site = 50_000 * np.exp(np.cumsum(rng.normal(0, 0.02, len(weekdays))))
readers = {"SITE": site}
for section, jump in (("METRO", 0.25), ("BUSINESS", 0.0)):
    own = 8_000 * np.exp(np.cumsum(rng.normal(0, 0.01, len(weekdays)))) * (site / site[0]) ** 0.9
    own[weekdays.get_loc(pd.Timestamp("2020-06-11")):] *= 1 + jump
    readers[section] = own
readers = pd.DataFrame({"date": np.tile(weekdays, len(readers)), "ticker": np.repeat(list(readers), len(weekdays)),
                        "readers": np.concatenate(list(readers.values()))})
section_names = {"METRO": "Metro section", "BUSINESS": "Business section", "SITE": "Whole site"}

# Made-up corrections by desk, and newsroom events for a timeline.
corrections = pd.DataFrame({
    "date": pd.to_datetime(["2020-01-14", "2020-02-03", "2020-02-20", "2020-03-09", "2020-04-22", "2020-05-05",
                            "2020-06-16", "2020-07-01", "2020-09-08", "2020-10-27"]),
    "headline": [f"Correction {i}" for i in range(1, 11)],
    "desk": ["metro", "business", "metro", "metro", "business", "metro", "metro", "business", "metro", "metro"],
})
newsroom = pd.DataFrame({
    "date": pd.to_datetime(["2020-01-20", "2020-03-02", "2020-03-16", "2020-06-11", "2020-06-15", "2020-09-01",
                            "2020-10-05"]),
    "category": ["staffing", "product", "staffing", "product", "award", "product", "award"],
    "headline": ["Two reporters join the metro desk", "Comment section closes", "Newsroom works from home",
                 "Metro newsletter launches", "Metro desk wins a regional award", "New app launches",
                 "Business desk shortlisted for a prize"],
})

# %% [markdown]
# ## A price with events
#
# Three made-up announcements fall within four days (8, 10 and 11 June). Their labels sit in lanes
# above the chart so that none overlaps (on a narrow screen, close events share one number, with
# the events named in the key below); the shaded band is a made-up protest period.

# %%
syna_close = prices[prices["ticker"] == "SYNA"].set_index("date")["close"]
assert syna_close["2020-06-11"] < syna_close["2020-06-10"]
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
# Any categories get lanes and keep their colour on every chart; a view with few events is labelled.

# %%
assert (newsroom["category"] == "product").sum() == 3
charts.timeline(newsroom, title="Three product launches and closures in a year",
                subtitle="Made-up newsroom events of 2020, by kind", source=SOURCE)

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
# The same method on a series that is not a price: made-up weekday readers of the metro section
# against those of the whole site. The "abnormal return" is then the growth in readers beyond what
# the site's growth predicts, here in per cent.

# %%
metro_study = fr.event_study(readers, "METRO", "2020-06-11", market_session="pre", benchmark="SITE",
                             price="readers", label="the metro newsletter launch")
business_study = fr.event_study(readers, "BUSINESS", "2020-06-11", market_session="pre", benchmark="SITE",
                                price="readers", label="no launch, same day")
assert metro_study.car(0, 0).p < 0.05
charts.abnormal_returns(metro_study, unit="percent", names=section_names, step="weekday",
                        title="The metro section gained readers the day its newsletter launched",
                        subtitle="Growth in weekday readers beyond the site's, per cent", source=SOURCE)

# %%
assert business_study.car(-1, 1).p >= 0.05
charts.event_study_table([metro_study, business_study], window=(-1, 1), unit="percent", names=section_names,
                         title="Only the metro section's readers moved", source=SOURCE,
                         notes="Growth in readers beyond the site's, from the weekday before to the weekday after.")

# %% [markdown]
# ## Any data: line and bar charts
#
# `charts.line` and `charts.bar` take a tidy frame and column keywords, as plotly.express does; the
# `unit` formats the axis, the hover labels and the alt text. Events can be marked on a date axis.

# %%
assert metro.loc[metro["stories"].idxmax(), "month"] == pd.Timestamp("2020-05-01")
charts.line(stories, x="month", y="stories", color="desk", unit="count", events=events,
            title="Metro stories peaked in May 2020", subtitle="Stories published per month, by desk",
            source=SOURCE)

# %%
charts.bar(stories[stories["desk"] == "Metro"], x="month", y="stories", unit="count",
           title="Metro published most in May 2020", subtitle="Stories per month", source=SOURCE)

# %%
by_desk = stories.groupby("desk", as_index=False)["stories"].sum()
assert by_desk.set_index("desk")["stories"].idxmax() == "Metro"
by_desk["desk"] = by_desk["desk"].map({"Metro": "Metro and regional news desk", "Business": "Business and markets desk"})
charts.bar(by_desk, x="desk", y="stories", unit="count", text=True,
           title="The metro desk wrote most", subtitle="Stories, July 2019 to December 2020", source=SOURCE)

# %%
assert metro["share_online"].is_monotonic_increasing
charts.line(metro, x="month", y="share_online", unit="percent",
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
after_june = stories[stories["month"] >= "2020-06-01"].groupby("desk")["stories"].agg(lambda s: s.iloc[-1] / s.iloc[0] - 1)
assert after_june["Business"] < 0 and after_june["Metro"] < after_june["Business"]
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

# %%
assert (corrections["desk"] == "metro").sum() == 7
charts.cumulative_count(corrections, by="desk", noun="corrections", title="Seven of the ten corrections were the metro desk's",
                        subtitle="Made-up corrections in 2020, cumulative, by desk", source=SOURCE)

# %% [markdown]
# ## Small multiples
#
# Each company around its own day 0, on shared axes: first prices, then cumulative abnormal returns.

# %%
charts.small_multiples(prices, day0={"SYNB": synb.day0, "SYNA": syna.day0},
                       title="Two synthetic reactions", source=SOURCE)

# %%
charts.small_multiples([syna, synb], title="Cumulative abnormal returns, synthetic", source=SOURCE)

# %%
charts.small_multiples([metro_study, business_study], unit="percent", names=section_names, step="weekday",
                       title="Readers beyond the site's growth, by section",
                       subtitle="Cumulative growth in weekday readers beyond the site's, per cent", source=SOURCE)

# %% [markdown]
# ## A specification curve
#
# The same estimate under every combination of analysis choices (estimation window, model), sorted:
# first SYNA's synthetic day-0 abnormal return, then the metro section's readers.

# %%
syna_specs = fr.specifications(prices, "SYNA", "2020-06-10", market_session="post", benchmarks=("^SYNX",))
assert syna_specs.loc[syna_specs["measure"] == "ar_0", "estimate"].lt(0).all()
charts.specification_curve(syna_specs, measure="ar_0", title="Every specification finds SYNA fell on day 0",
                           subtitle="SYNA's day-0 abnormal return with its 95% interval, by specification",
                           source=SOURCE)

# %%
reader_specs = fr.specifications(readers, "METRO", "2020-06-11", market_session="pre", benchmarks=("SITE",),
                                 price="readers", names=section_names)
assert reader_specs.loc[reader_specs["measure"] == "ar_0", "significant"].all()
charts.specification_curve(reader_specs, measure="ar_0", unit="percent", names=section_names,
                           y_title="Growth in readers beyond the site's",
                           title="Every specification finds the metro section gained readers",
                           subtitle="Day-0 growth in metro readers beyond the site's, per cent, by specification",
                           source=SOURCE)

# %% [markdown]
# ## The data behind a chart
#
# `charts.chart_data(fig)` returns the tidy table stored with each chart (the "Get the data" CSV).

# %%
fig = charts.cumulative_count(events, by="level", noun="measures", source=SOURCE)
print(fig.layout.meta["frstory"]["alt"])
charts.chart_data(fig)
