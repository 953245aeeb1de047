# ---
# jupyter:
#   frstory:
#     byline: frstory data desk
#     date: '2026-11-22'
#     dek: Amazon made its pause on police use of Rekognition indefinite. The market
#       barely noticed; the policy landscape had moved a long way, Congress much less.
#     synthetic: false
#     title: A year later, Amazon's pause becomes indefinite
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
# Events are named by their id in data/events.csv; their dates and timing come from there.
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

# %%
import pandas as pd
from IPython.display import Markdown

import frstory as fr
from frstory import charts, narrative
import dataclasses

from frstory.analysis.results import display_name
from frstory.narrative import escape_markdown as md, long_date
from story import measures
from story.federal import is_federal

pd.set_option("display.max_colwidth", None)  # tables show whole sentences
events = fr.load_events()
extension = narrative.event(events, extension_event)
moratorium = narrative.event(events, moratorium_event)

# Enough history for the estimation window (250 sessions is about a year) and a month after the news.
prices = fr.load_prices(
    [ticker, benchmark, alternative_benchmark],
    extension["date"] - pd.Timedelta(days=450),
    extension["date"] + pd.Timedelta(days=days_after),
)
name, market_name = display_name(ticker), display_name(benchmark)
common = dict(market_session=extension["market_session"], estimation_window=estimation_window,
              event_window=event_window, events=events, event_id=extension_event)
study = fr.event_study(prices, ticker, extension["date"], benchmark=benchmark,
                       label="the extension", **common)
vs_alternative = fr.event_study(prices, ticker, extension["date"], benchmark=alternative_benchmark,
                                label=f"Market model, {display_name(alternative_benchmark)}", **common)
# The estimation year contains Amazon's own June 2020 news and the 11 June crash; leave them out.
moratorium_day0 = fr.reaction_session(moratorium["date"], moratorium["market_session"])
without_june = fr.event_study(prices, ticker, extension["date"], benchmark=benchmark,
                              exclude=[(moratorium["date"], moratorium_day0 + pd.Timedelta(days=1))],
                              label=f"Market model, {market_name}, without {moratorium['date']:%B %Y}",
                              **common)
market_adjusted = fr.event_study(prices, ticker, extension["date"], benchmark=benchmark, model="market_adjusted",
                                 label=f"Market-adjusted, {market_name}", **common)
specifications = [dataclasses.replace(study, label=f"Market model, {market_name}"), vs_alternative, without_june,
                  market_adjusted]

car = study.car(*car_window)
covered = study.table.set_index("offset").loc[range(car_window[0], car_window[1] + 1), "date"]
day_by_day = {offset: study.car(offset, offset) for offset in covered.index}
all_within_noise = all(s.car(*car_window).p >= 0.10 for s in specifications)
due = moratorium["date"] + pd.DateOffset(years=1)

# The policy landscape: bans and limits in force at the pause and at the extension.
at_pause = measures.tally_bans(events, until=moratorium["date"])
at_extension = measures.tally_bans(events, until=extension["date"])
new_in_year = measures.tally_bans(events, after=moratorium["date"], until=extension["date"])
year = events[(events["date"] > moratorium["date"]) & (events["date"] <= extension["date"])]
federal = year[is_federal(year)]
federal_measures = at_extension.measures["id"].isin(events.loc[is_federal(events), "id"]).sum()
incidents = year[year["category"] == "incident"]
after = events[(events["date"] > extension["date"])
               & (events["date"] <= extension["date"] + pd.Timedelta(days=days_after))]


def place(measure):  # "California", not "California (Gov. Gavin Newsom)"
    return md(narrative.actor_name(measure["actor"]))


def quoted(frame):  # headlines from data, as a readable list inside a sentence
    return "; ".join(f"“{md(h)}” ({long_date(d, precision=p)})"
                     for h, d, p in zip(frame["headline"], frame["date"], frame["date_precision"]))


def offset(day):  # "0", "+1", "-5"
    return f"{day:+d}" if day else "0"


# %%
verdict = ("left no measurable mark on its share price" if car.p >= 0.10
           else "coincided with a share-price move larger than ordinary noise")
Markdown(
    f"**Amazon's decision to keep police away from Rekognition indefinitely {verdict}.** Reuters reported "
    f"the extension on {long_date(extension['date'], weekday=True)}, {(due - extension['date']).days} days "
    f"before the one-year pause announced on {long_date(moratorium['date'])} was due to end. The hour of "
    f"the report is not known, so the first session that could react is either "
    f"{long_date(covered.iloc[0], weekday=True, year=False)} or {long_date(covered.iloc[-1], weekday=True)}; we "
    f"measure over both. Over those {len(covered)} sessions {name}'s shares did {abs(car.car) * 100:.1f} "
    f"percentage points {'better' if car.car > 0 else 'worse'} than their usual relation to {market_name} "
    f"predicts (t = {car.t:.2f}, p = {car.p:.2f}); on an ordinary day that gap moves by about "
    f"±{study.sigma:.1%}. "
    + ("Against another benchmark and with other models the answer is the same, nothing beyond ordinary "
       f"noise (against {display_name(alternative_benchmark)}: {vs_alternative.car(*car_window).car:+.1%})."
       if all_within_noise else
       "The other benchmarks and models do not all agree; see the table below.")
    + "\n\n"
    f"The policy landscape had moved more than the stock. When Amazon paused, our timeline counted "
    f"{at_pause.n_measures} government bans or limits on facial recognition ({at_pause.levels_phrase()}); "
    f"at the extension it counted {at_extension.n_measures} in {at_extension.n_jurisdictions} places "
    f"({at_extension.levels_phrase()}), {new_in_year.n_measures} of them passed during the pause. Congress, "
    f"which Amazon had asked to use the year to write rules, saw {len(federal)} steps in our timeline "
    f"({quoted(federal)}) and passed {'no' if federal_measures == 0 else federal_measures} federal ban or limit."
)

# %% [markdown]
# ## Did the market react?
#
# An event study compares a stock's return with what its usual relation to the market predicts.
# The difference, the abnormal return, is tested against how much that difference moves on
# ordinary days in the year before the news.

# %%
Markdown(
    f"The events file records the extension's market session as “{md(extension['market_session'])}”: the "
    f"hour of the report was not recorded, so the news may have come before the close of "
    f"{long_date(covered.iloc[0], weekday=True)} or after it. Day 0 is therefore the day of the report, and "
    f"the headline window runs from day {offset(car_window[0])} to day {offset(car_window[1])}, so that it "
    f"contains the reaction whichever day it came on. Day by day: "
    + "; ".join(f"{long_date(covered[o], year=False)} {r.car:+.1%} (p = {r.p:.2f})" for o, r in day_by_day.items())
    + ".\n\n" + md(study.summary())
)

# %%
band = "inside" if car.p >= 0.05 else "outside"
charts.abnormal_returns(
    study,
    title=(f"{name}'s shares moved with the market when the extension was reported" if car.p >= 0.10
           else f"{name}'s shares moved more than the market explains when the extension was reported"),
    subtitle=f"Daily abnormal return of {name} against {market_name} (market model), sessions "
             f"{offset(event_window[0])} to {offset(event_window[1])} around {long_date(study.day0)}; "
             f"{offset(car_window[0])} to {offset(car_window[1])}: {car.car:+.1%}, {band} the 95% band",
    source=f"Prices: Yahoo Finance daily data via frstory's price cache ({ticker}, {benchmark}); "
           "events: frstory timeline (data/events.csv)",
    notes=f"Estimated over {study.n_estimation} sessions, {long_date(study.estimation_start)} to "
          f"{long_date(study.estimation_end)}. The time of day of the report is unknown.",
)

# %%
charts.event_study_table(
    specifications,
    window=car_window,
    title="No specification finds a reaction beyond ordinary noise" if all_within_noise
          else "The specifications disagree on whether the shares reacted",
    subtitle=f"Cumulative abnormal return of {name}, sessions {offset(car_window[0])} to {offset(car_window[1])} "
             f"around {long_date(study.day0)}, under {len(specifications)} specifications",
    source=f"Prices: Yahoo Finance daily data via frstory's price cache ({ticker}, {benchmark}, "
           f"{alternative_benchmark}); events: frstory timeline (data/events.csv)",
    notes="Each row tests the same firm on the same days, so the rows are not independent evidence.",
)

# %% [markdown]
# ## What changed during the pause
#
# Between Amazon's pause and its extension, cities and states kept legislating, wrongful arrests
# based on face matches came to light, and Congress debated police reform.

# %%
Markdown(
    f"From {long_date(moratorium['date'])} to {long_date(extension['date'])} our timeline has {len(year)} "
    f"events. {new_in_year.n_measures} were bans or limits ({new_in_year.levels_phrase()}), from "
    f"{place(new_in_year.first)} on {long_date(new_in_year.first['date'])} to {place(new_in_year.latest)} on "
    f"{long_date(new_in_year.latest['date'])}. {len(incidents)} revealed harm from face matching: "
    f"{quoted(incidents)}. In Congress: {quoted(federal)}; "
    f"{'none of it' if federal_measures == 0 else f'{federal_measures} of them'} became a federal ban or limit.\n\n"
    f"In the {days_after} days after the extension: {quoted(after) if len(after) else 'nothing in our timeline'}."
    if new_in_year.n_measures else "No ban or limit was passed between the two dates in our timeline."
)

# %%
charts.timeline(
    events[(events["date"] >= moratorium["date"]) & (events["date"] <= extension["date"] + pd.Timedelta(days=days_after))],
    title=f"{new_in_year.n_measures} local and state bans or limits during the pause, "
          f"{'no federal one' if federal_measures == 0 else f'{federal_measures} federal'}",
    subtitle=f"Events from Amazon's pause on {long_date(moratorium['date'])} to {days_after} days after its "
             f"extension on {long_date(extension['date'])}, by kind",
    source="Events: frstory timeline (data/events.csv), each event sourced in its hover text",
    notes="Hollow markers: only the month is known. Long headlines are shortened; hover for the full "
          "headline, date and source.",
    labels=True,
)

# %% [markdown]
# ## Caveats

# %%
market_returns = fr.returns(prices[prices["ticker"] == benchmark]).set_index("date")["ret"]
caveats = [
    f"The hour of Reuters' report is not known, which is why the window covers {len(covered)} sessions; a "
    f"{len(covered)}-session window is also noisier than a single day.",
    f"The year used to estimate {name}'s usual relation to the market contains its own pause of "
    f"{long_date(moratorium['date'])} and the first session after it, {long_date(moratorium_day0)}, when "
    f"{market_name} moved {market_returns.loc[moratorium_day0]:+.1%}. The table above "
    f"also shows the result with those days left out ({without_june.car(*car_window).car:+.1%}).",
    "A single firm's share price answers a narrow question: whether investors treated the news as material "
    f"to a company of {name}'s size. A null result says nothing about whether the policy mattered to the "
    "people it was meant to protect.",
    f"In the price snapshot behind this page, {name}'s prices from shortly before the extension were converted "
    "back to traded prices from a split-adjusted copy of Yahoo Finance's series; daily returns do not depend "
    "on that conversion.",
    "The timeline is not a census of local bans; it leaves out bans the research could not date.",
    *(f"From the event study: {md(w)}" for w in study.warnings),
]
Markdown("\n".join(f"* {c}" for c in caveats))
