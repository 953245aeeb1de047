# ---
# jupyter:
#   frstory:
#     byline: frstory data desk
#     date: '2026-11-22'
#     dek: '`{python} name` made its pause on police use of Rekognition indefinite.
#       Its share price `{python} finding`; the policy landscape had moved a long way,
#       Congress `{python} congress_moved`.'
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

# %% tags=["parameters"]
# Events are named by their id in the story's events file; their dates and timing come from there.
ticker = "AMZN"
benchmark = "^GSPC"
alternative_benchmark = "^IXIC"
extension_event = "amzn-moratorium-extended"
moratorium_event = "amzn-moratorium"
# Sessions relative to day 0. The hour of the news is unknown, so the headline window covers day 0
# and the session after it: whichever of the two was the first to react is inside.
estimation_window = (-250, -11)
event_window = (-5, 5)
car_window = (0, 1)
# What came right after the extension: events up to this many days later.
days_after = 31
# Names readers know for tickers this story does not name (another company or index in a re-run).
names = {}  # e.g. {"ORCL": "Oracle"}; in a --params file: names: {ORCL: Oracle}

# %%
import dataclasses

import pandas as pd

import frstory as fr
from frstory import charts, prose
import story
from story import measures, wording
from story.federal import is_federal

pd.set_option("display.max_colwidth", None)  # tables show whole sentences
events = story.load_events()
# `-p NAME VALUE` passes text: `-p car_window "(0, 0)"` means the pair.
estimation_window = story.pair_parameter(estimation_window, "estimation_window", (-250, -11))
event_window = story.pair_parameter(event_window, "event_window", (-5, 5))
car_window = story.pair_parameter(car_window, "car_window", (0, 1))
if not (car_window[0] <= 0 and car_window[1] >= 1):  # the prose says the window holds either first session
    raise fr.errors.AnalysisError(
        f"car_window {car_window} must hold day 0 and the session after it: the hour of the report is unknown, so "
        "either could be the first to react; choose a window such as (0, 1) or (-1, 2)")
extension = story.event_of(events, extension_event, "extension_event")
moratorium = story.event_of(events, moratorium_event, "moratorium_event")
# The prose speaks of the company's own pause and its extension: the stock must be that company's.
for own in (extension, moratorium):
    if story.ticker_of(own) != ticker:
        raise fr.errors.AnalysisError(
            f"ticker {ticker!r} is not the company of event {own.name!r} ({story.ticker_of(own)}); this page is "
            f"about the company that paused and extended its pause: pass -p ticker {story.ticker_of(own)}, "
            "or study another company's share price with story 02 (-p event_id ID -p ticker TICKER)")
story.name_tickers([ticker, benchmark, alternative_benchmark], names)

# Enough history for the estimation window (with the pause's days left out in one specification), and
# up to the end of the event window and the days after the news.
extension_day0 = fr.reaction_session(extension["date"], extension["market_session"])
prices = fr.load_prices(
    [ticker, benchmark, alternative_benchmark],
    # ... and the pause itself, whose first session a caveat below names.
    min(story.history_start(extension_day0, estimation_window,
                            [(moratorium["date"], fr.reaction_session(moratorium["date"], moratorium["market_session"]))]),
        moratorium["date"] - pd.Timedelta(days=7)),
    max(extension["date"] + pd.Timedelta(days=days_after), story.history_end(extension_day0, event_window)),
)
name, market = prose.display_name(ticker), prose.display_name(benchmark, article=True)
alternative = prose.display_name(alternative_benchmark, article=True)
common = dict(market_session=extension["market_session"], estimation_window=estimation_window,
              event_window=event_window, events=events, event_id=extension_event)
study = fr.event_study(prices, ticker, extension["date"], benchmark=benchmark, label="the extension", **common)
vs_alternative = fr.event_study(prices, ticker, extension["date"], benchmark=alternative_benchmark,
                                label=f"Market model, {prose.display_name(alternative_benchmark)}", **common)
# The estimation year contains the company's own pause and the crash day after it; leave them out
# (both ends included), and say which days the label leaves out.
moratorium_day0 = fr.reaction_session(moratorium["date"], moratorium["market_session"])
without_pause = fr.event_study(prices, ticker, extension["date"], benchmark=benchmark,
                               exclude=[(moratorium["date"], moratorium_day0)],
                               label=f"Market model, {prose.display_name(benchmark)}, without "
                                     f"{prose.date_range(moratorium['date'], moratorium_day0)}", **common)
market_adjusted = fr.event_study(prices, ticker, extension["date"], benchmark=benchmark, model="market_adjusted",
                                 label=f"Market-adjusted, {prose.display_name(benchmark)}", **common)
specifications = [dataclasses.replace(study, label=f"Market model, {prose.display_name(benchmark)}"),
                  vs_alternative, without_pause, market_adjusted]

# %%
# Facts the prose cites.
car = study.car(*car_window)
detectable = car.limit
covered = study.table.set_index("offset").loc[range(car_window[0], car_window[1] + 1), "date"]
first_two = covered.loc[[0, 1]]  # either could be the first session to react
measured_over = "both" if len(covered) == 2 else f"sessions {wording.offset(car_window[0])} to {wording.offset(car_window[1])}, which hold both"
pause_in_estimation = study.estimation_start <= moratorium_day0 and moratorium["date"] <= study.estimation_end
without_pause_text = (prose.points(without_pause.car(*car_window).car, short=True)
                      + ("" if pause_in_estimation else ", the same: there was nothing to leave out"))
all_within_noise = all(s.car(*car_window).p >= 0.05 for s in specifications)
due = moratorium["date"] + pd.DateOffset(years=1)
days_early = prose.plural((due - extension["date"]).days, "day")
finding = ("shows no reaction beyond ordinary noise" if car.p >= 0.05
           else "moved more than its usual relation to the market predicts")
gap_words = f"{prose.points(abs(car.car), signed=False)} {'better' if car.car > 0 else 'worse'}"
others_agree = (
    f"Against {alternative} and with the other models the answer is the same: nothing beyond ordinary noise."
    if all_within_noise else "The other benchmarks and models do not all agree; see the table below.")
window_text = f"{wording.offset(car_window[0])} to {wording.offset(car_window[1])}"
day_by_day = prose.join([f"{prose.date(covered[o])} {prose.points(study.car(o, o).car, short=True)} "
                         f"({prose.p_value(study.car(o, o).p)})" for o in covered.index])

# The policy landscape: bans and limits in force at the pause and at the extension.
at_pause = measures.tally_bans(events, until=moratorium["date"])
at_extension = measures.tally_bans(events, until=extension["date"])
new_in_year = measures.tally_bans(events, after=moratorium["date"], until=extension["date"])
year = events[(events["date"] > moratorium["date"]) & (events["date"] <= extension["date"])]
federal = year[is_federal(year)]
federal_measures = int(at_extension.measures["id"].isin(events.loc[is_federal(events), "id"]).sum())
federal_passed = "no" if federal_measures == 0 else prose.spelled(federal_measures)
congress_moved = "much less" if federal_measures < new_in_year.n_measures else "as far"
title_text = f"A year later, {name}'s pause becomes indefinite"
incidents = year[year["category"] == "incident"]
after = events[(events["date"] > extension["date"])
               & (events["date"] <= extension["date"] + pd.Timedelta(days=days_after))]
federal_steps = story.headlines(federal)
incident_list = story.headlines(incidents)
after_list = story.headlines(after) if len(after) else "nothing in our timeline"
first_new = story.place(new_in_year.first) if new_in_year.n_measures else ""
latest_new = story.place(new_in_year.latest) if new_in_year.n_measures else ""
market_returns = fr.returns(prices[prices["ticker"] == benchmark]).set_index("date")["ret"]

# %% [markdown]
# **`{python} name`'s share price `{python} finding` when its pause on police use of Rekognition
# became indefinite.** Reuters reported the extension on `{python} prose.date(extension["date"], weekday=True)`,
# `{python} days_early` before the one-year pause announced on `{python} prose.date(moratorium["date"])` was
# due to end. The hour of the report is not known, so the first session that could react is either
# `{python} prose.date(first_two.iloc[0], weekday=True)` or `{python} prose.date(first_two.iloc[1], weekday=True)`;
# we measure over `{python} measured_over`. Over those sessions `{python} name`'s shares did `{python} gap_words` than their usual
# relation to `{python} market` predicts (`{python} prose.t_stat(car.t)`, `{python} prose.p_value(car.p)`).
# That test could only have detected a gap of more than `{python} prose.points(detectable, signed=False)` either way:
# a smaller reaction cannot be ruled out. `{python} others_agree`
#
# The policy landscape had moved more than the stock. When `{python} name` paused, our timeline counted
# `{python} prose.plural(at_pause.n_measures, "government ban or limit", plural_form="government bans or limits")`
# on facial recognition (`{python} at_pause.levels_phrase()`); at the extension it counted
# `{python} at_extension.n_measures` in `{python} at_extension.n_jurisdictions` places
# (`{python} at_extension.levels_phrase()`), `{python} new_in_year.n_measures` of them passed during the pause.
# The timeline is not a census, so these are the measures it records, not all there were. Congress, which
# `{python} name` had asked to use the year to write rules, took `{python} prose.plural(len(federal), "step")` in our
# timeline (`{python} federal_steps`) and passed `{python} federal_passed` federal ban or limit.

# %% [markdown]
# ## Did the market react?
#
# An event study compares a stock's return with what its usual relation to the market predicts.
# The difference, the abnormal return, is tested against how much that difference moves on
# ordinary days in the
# `{python} wording.estimation_span(study.n_estimation, study.estimation_start, study.estimation_end)`.
#
# The hour of the report was not recorded, so the news may have come before the close of
# `{python} prose.date(first_two.iloc[0], weekday=True)` or after it. Day 0 is therefore the day of the report,
# and the headline window runs from day `{python} wording.offset(car_window[0])` to day
# `{python} wording.offset(car_window[1])`, so that it contains the reaction whichever day it came on. Day by
# day: `{python} day_by_day`.
#
# `{python} study.summary()`

# %%
charts.abnormal_returns(
    study,
    title=(f"{name}'s shares moved with the market when the extension was reported" if car.p >= 0.05
           else f"{name}'s shares moved more than the market explains when the extension was reported"),
    subtitle=f"Daily abnormal return of {name} against {market} (market model), sessions "
             f"{wording.offset(event_window[0])} to {wording.offset(event_window[1])} around "
             f"{prose.date(study.day0)}; {window_text}: {prose.points(car.car, short=True)}",
    source=story.SOURCE,
    notes=f"Estimated over {study.n_estimation} sessions, {prose.date(study.estimation_start)} to "
          f"{prose.date(study.estimation_end)}. The time of day of the report is unknown.",
)

# %%
charts.event_study_table(
    specifications,
    window=car_window,
    title="No specification finds a reaction beyond ordinary noise" if all_within_noise
          else "The specifications disagree on whether the shares reacted",
    subtitle=f"Cumulative abnormal return of {name}, sessions {window_text} around {prose.date(study.day0)}, "
             f"under {prose.plural(len(specifications), 'specification', spell=True)}",
    source=story.SOURCE,
    notes="Each row tests the same firm on the same days, so the rows are not independent evidence.",
)

# %% [markdown]
# ## What changed during the pause
#
# From `{python} prose.date(moratorium["date"])` to `{python} prose.date(extension["date"])` our timeline has
# `{python} prose.plural(len(year), "event")`. `{python} prose.sentence(prose.plural(new_in_year.n_measures, "ban or limit", plural_form="bans or limits"))`
# passed (`{python} new_in_year.levels_phrase()`), from `{python} first_new` on
# `{python} prose.date(new_in_year.first["date"])` to `{python} latest_new` on
# `{python} prose.date(new_in_year.latest["date"])`. `{python} prose.sentence(prose.plural(len(incidents), "event"))`
# revealed harm from face matching: `{python} incident_list`. In Congress: `{python} federal_steps`;
# `{python} "none of it" if federal_measures == 0 else prose.spelled(federal_measures) + " of them"` became a
# federal ban or limit.
#
# In the `{python} days_after` days after the extension: `{python} after_list`.

# %%
charts.timeline(
    events[(events["date"] >= moratorium["date"]) & (events["date"] <= extension["date"] + pd.Timedelta(days=days_after))],
    title=f"{new_in_year.n_measures} local and state bans or limits during the pause, "
          f"{'no federal one' if federal_measures == 0 else f'{federal_measures} federal'}",
    subtitle=f"Events from {name}'s pause on {prose.date(moratorium['date'])} to {days_after} days after its "
             f"extension on {prose.date(extension['date'])}, by kind",
    source="Events: frstory timeline, each event sourced in its hover text",
    notes="Hollow markers: only the month is known. Tap or hover over an event for its whole headline, date and source.",
    labels=True,
)

# %% [markdown]
# ## Caveats
#
# * The hour of Reuters' report is not known, which is why the window covers
#   `{python} prose.plural(len(covered), "session", spell=True)`; a longer window is also noisier than a
#   single day.
# * The `{python} prose.plural(study.n_estimation, "session")` used to estimate `{python} name`'s usual relation
#   to the market `{python} "contain" if pause_in_estimation else "do not contain"` its own pause of
#   `{python} prose.date(moratorium["date"])` and the first session after it,
#   `{python} prose.date(moratorium_day0)`, when `{python} market` `{python} prose.moved(market_returns.loc[moratorium_day0])`.
#   The table above also shows the result with those days left out
#   (`{python} without_pause_text`).
# * A single firm's share price answers a narrow question: whether investors treated the news as material
#   to a company of `{python} name`'s size. A null result says nothing about whether the policy mattered to
#   the people it was meant to protect.
# * In the price data behind this page, `{python} name`'s prices from shortly before the extension were
#   converted back to traded prices from a split-adjusted copy of Yahoo Finance's series; daily returns do
#   not depend on that conversion. Returns are computed from prices as traded, without dividends.
# * The timeline is not a census of local bans; it leaves out bans the research could not date.
