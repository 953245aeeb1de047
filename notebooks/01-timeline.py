# ---
# jupyter:
#   frstory:
#     byline: frstory data desk
#     date: '2026-11-22'
#     dek: '`{python} company_names` stepped back from police facial recognition within
#       `{python} retreat_span` of one another. The audits, protests and government
#       bans that came first, and what the first reports got wrong.'
#     synthetic: false
#     title: From Gender Shades to an indefinite moratorium
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
# Events are named by their id in the story's events file; every date in the story comes from there.
audit_event = "gender-shades"
floyd_event = "george-floyd-killed"
protests_event = "floyd-protests-begin"
company_events = ["ibm-exits-fr", "amzn-moratorium", "msft-police-pledge"]
amazon_event = "amzn-moratorium"
selloff_event = "market-selloff"
extension_event = "amzn-moratorium-extended"
# The zoomed view of the weeks around the announcements.
week_start = "2020-05-18"
week_end = "2020-07-03"
# Bans and limits are counted up to the end of this year.
count_until = "2021-12-31"
benchmark = "^GSPC"
# Names readers know for tickers this story does not name (another company or index in a re-run).
names = {}  # e.g. {"ORCL": "Oracle"}; in a --params file: names: {ORCL: Oracle}

# %%
import pandas as pd

import frstory as fr
from frstory import charts, prose
import story
from story import corrections, measures, wording

pd.set_option("display.max_colwidth", None)  # tables show whole sentences
events = story.load_events()
claims = story.load_claims()
story.name_tickers([benchmark], names)
event = lambda event_id: fr.narrative.event(events, event_id)  # noqa: E731
audit, floyd, protests = event(audit_event), event(floyd_event), event(protests_event)
amazon, selloff, extension = event(amazon_event), event(selloff_event), event(extension_event)
companies = [event(e) for e in story.list_parameter(company_events)]  # `-p company_events "[a, b]"` is text
if len(companies) < 2:  # the page is about companies stepping back within days of one another
    raise fr.errors.AnalysisError(
        f"company_events names {prose.plural(len(companies), 'event')}; this page needs at least two company announcements "
        "to say how many days apart they came")

# The first session whose close could reflect Amazon's news, and the market that day.
amazon_day0 = fr.reaction_session(amazon["date"], amazon["market_session"])
market = fr.returns(fr.load_prices(benchmark, amazon_day0 - pd.Timedelta(days=10), amazon_day0))
market_move_day0 = float(market.set_index("date").loc[amazon_day0, "ret"])

total = measures.tally_bans(events, until=count_until)
before_pause = measures.tally_bans(events, until=amazon["date"])
after_floyd = measures.tally_bans(events, after=floyd["date"], until=count_until)
before_floyd = measures.tally_bans(events, until=floyd["date"])

# %%
# Facts the prose cites.
first_date = min(c["date"] for c in companies)
retreat_days = (max(c["date"] for c in companies) - first_date).days
retreat_span = prose.plural(retreat_days, "day", spell=True)
company_names = prose.join([prose.display_name(story.ticker_of(c)) for c in companies])
company_dates = prose.join([f"{prose.display_name(story.ticker_of(c))} on {prose.date(c['date'], weekday=True)}"
                            for c in companies])
days_after_floyd = prose.plural((first_date - floyd["date"]).days, "day")
audit_years = prose.number((first_date - audit["date"]).days / 365.25, decimals=1)
by_count_end = wording.by_end(count_until)  # "by the end of 2021", or the exact day when it is not 31 December
amazon_timing = wording.timing(amazon["market_session"], amazon["date"], amazon_day0)
same_day_news = story.headlines(events[(events["date"] == amazon_day0) & (events["category"] == "corporate")])
# Every company announcement of the week up to that session, whichever of them the page lists.
week_announcements = events[(events["category"].isin(story.ANNOUNCEMENT_CATEGORIES))
                            & events["date"].between(amazon_day0 - pd.Timedelta(days=6), amazon_day0)]
verdicts = claims["editorial_verdict"].value_counts()
claim = claims.set_index("id")
aclu_test = event("aclu-congress-28")
aclu_claim = claim.loc["s004-aclu-test-june-2018"]
somerville, oakland = event("somerville-ban"), event("oakland-ban")
city_order = total.measures.loc[total.measures["level"] == "city", "id"].tolist()
somerville_rank = wording.ordinal_word(city_order.index("somerville-ban") + 1)
vote_claim = claim.loc["s001-shareholder-vote-2-4-percent"]
shareholder_meeting = event("amzn-agm-2019")
first_measure = story.place(total.first)
latest_measure = story.place(total.latest)
events_before_ibm = events[events["category"].isin(["research", "protest"]) & (events["date"] < first_date)]
in_week = events[(events["date"] >= week_start) & (events["date"] <= week_end)]
limits = total.measures[total.measures["is_limit"]]
limit_places = prose.join([story.place(m) for _, m in limits.iterrows()])
repeats = total.measures[total.measures["jurisdiction"].duplicated()]  # a second measure in the same place
repeat_sentence = (f" {prose.sentence(prose.plural(len(repeats), 'place', spell=True))} replaced its ban with a "
                   f"stronger one: {story.headlines(repeats)}." if len(repeats) else "")

# %% [markdown]
# **`{python} prose.sentence(prose.spelled(len(companies)))` of the biggest US technology companies stepped
# back from police facial recognition within `{python} retreat_span` in `{python} prose.month(first_date)`**:
# `{python} company_dates`. The first came `{python} days_after_floyd` after George Floyd was killed by a
# Minneapolis police officer, and `{python} audit_years` years after the Gender Shades audit showed that
# commercial face analysis failed darker-skinned women most.
#
# Government bans came first. When `{python} prose.display_name(story.ticker_of(amazon))` paused police use
# of Rekognition, our timeline already recorded
# `{python} prose.plural(before_pause.n_measures, "government ban or limit", plural_form="government bans or limits")`
# on facial recognition (`{python} before_pause.levels_phrase()`), starting with `{python} first_measure` on
# `{python} prose.date(total.first["date"])`. `{python} prose.sentence(by_count_end)` the timeline records
# `{python} total.n_measures` such measures (`{python} total.levels_phrase()`) in
# `{python} total.n_jurisdictions` places: `{python} before_floyd.n_measures` before Floyd's killing and
# `{python} after_floyd.n_measures` after it, the latest from `{python} latest_measure` on
# `{python} prose.date(total.latest["date"])`. The timeline is not a census: it records the measures the
# research could date and source. The one-year pause became an indefinite one on
# `{python} prose.date(extension["date"])`.
#
# The week is hard to read in share prices. The pause was `{python} amazon_timing.announced`, so the first
# session that could react was `{python} prose.date(amazon_day0, weekday=True)`: the day
# `{python} prose.display_name(benchmark, article=True)` `{python} prose.moved(market_move_day0)`
# (`{python} selloff["headline"]`). Protests, a market `{python} "fall" if market_move_day0 < 0 else "rise"` and
# `{python} prose.plural(len(week_announcements), "announcement", spell=True)` overlap, so none of
# them can be credited with a price move on its own.
#
# The first reports got parts of this history wrong: of the claims the research desk checked in five
# articles, it rates `{python} prose.plural(int(verdicts.get("wrong", 0)), "claim")` wrong and
# `{python} int(verdicts.get("imprecise", 0))` imprecise. The ACLU published its test of Rekognition on
# `{python} prose.date(aclu_test["date"], weekday=True)`, not in the month `{python} aclu_claim["publication"]`
# gave; the test falsely matched members of Congress to arrest photos rather than failing to identify
# them. Somerville, not Oakland, was the `{python} somerville_rank` city in our timeline to ban the
# technology, `{python} prose.plural((oakland["date"] - somerville["date"]).days, "day")` before Oakland.
# And the share of support for a ban at `{python} prose.display_name(story.ticker_of(amazon))`'s
# `{python} shareholder_meeting["date"].year` shareholder meeting that `{python} vote_claim["publication"]`
# reported was a share of votes cast, not of shareholders.

# %% [markdown]
# ## Years of warnings, then a week of retreats
#
# The timeline starts with Amazon's launch of Rekognition, a cloud service that can search
# collections of faces. Audits by Joy Buolamwini, Timnit Gebru and Deborah Raji, tests by the ACLU
# and letters from employees, shareholders and researchers followed, while cities began to ban
# government use. Tap or hover over a marker for the event, its date and its source.

# %%
charts.timeline(
    events,
    title=f"Audits and protests came {audit_years} years before the companies stepped back",
    subtitle=f"{len(events)} events in frstory's timeline, {events['date'].min().year} to "
             f"{events['date'].max().year}, by kind; {len(events_before_ibm)} audits, tests and protests "
             "came before the first company stepped back",
    source="Events: frstory timeline, each event sourced in its hover text",
    notes="Hollow markers: only the month is known. The bar in the protest lane is the period of protest the "
          "timeline records.",
)

# %% [markdown]
# ## The week the companies stepped back
#
# Between `{python} prose.date(week_start)` and `{python} prose.date(week_end)` our timeline has
# `{python} prose.plural(len(in_week), "event")`. The bar in the protest lane marks the period of protest
# the timeline records, `{python} prose.date(protests["date"])` to `{python} prose.date(protests["end_date"])`;
# protests went on after that. `{python} company_dates` stepped back within `{python} retreat_span`.

# %%
charts.timeline(
    in_week,
    start=week_start,
    end=week_end,
    labels=True,  # few enough events to name each one on the chart
    title=f"{prose.sentence(prose.spelled(len(companies)))} companies stepped back within {retreat_span}, "
          f"{days_after_floyd} after Floyd was killed",
    subtitle=f"All {len(in_week)} events from {prose.date(week_start)} to {prose.date(week_end)}, by kind",
    source="Events: frstory timeline, each event sourced in its hover text",
    notes="Tap or hover over an event for its whole headline, its date and its source.",
)

# %% [markdown]
# ## The bans spread, before and after Floyd
#
# Cities, counties and states banned or limited government use of facial recognition. The chart counts
# each measure in our timeline on the day it was passed or signed.
#
# `{python} first_measure` went first, on `{python} prose.date(total.first["date"])`. By the pause
# `{python} prose.plural(before_pause.n_measures, "measure")` were in place (`{python} before_pause.levels_phrase()`);
# `{python} by_count_end`, `{python} total.n_measures` (`{python} total.levels_phrase()`), the latest
# from `{python} latest_measure` on `{python} prose.date(total.latest["date"])`. Not all of them are bans:
# `{python} prose.plural(len(limits), "measure")` (`{python} limit_places`) restrict rather than ban, and the
# `{python} total.n_measures` measures cover `{python} total.n_jurisdictions` places.`{python} repeat_sentence`
# The timeline is not a census either: it leaves out measures the research could not date, so the real
# count is higher.

# %%
charts.cumulative_count(
    events[events["date"] <= count_until],
    by="ban",
    noun="bans and limits",
    end=count_until,
    title=f"{total.n_measures} city, county and state measures in our timeline {by_count_end}, "
          f"{before_floyd.n_measures} of them before Floyd's killing",
    subtitle="Government bans and limits on facial recognition in frstory's timeline, cumulative, by level",
    source="Events: frstory timeline",
    notes=wording.measures_note(len(limits), len(repeats)),
)

# %% [markdown]
# ## What the first reports got wrong
#
# The story began with a handful of articles. The research desk checked every claim in them against
# sources; the table lists the ones it found wrong or imprecise, with the publication that made them.

# %%
story.corrections_table(claims)

# %% [markdown]
# ## How we did this
#
# Every event comes from frstory's sourced timeline, built by the research desk from public reporting;
# each row has a source link, a confidence rating and notes on disputed dates. Some dates are known only
# to the month, and for several announcements the time of day is not known. A measure that restricts
# rather than bans is counted with the bans. The market move comes from daily closing prices; the methods
# box below lists the data files and their provenance.
