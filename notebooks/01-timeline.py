# ---
# jupyter:
#   frstory:
#     byline: frstory data desk
#     date: '2026-11-22'
#     dek: IBM, Amazon and Microsoft stepped back from police facial recognition within
#       days of one another. The audits, protests and city bans that came first, and
#       what the first reports got wrong.
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
# Events are named by their id in data/events.csv; every date in the story comes from there.
audit_event = "gender-shades"
floyd_event = "george-floyd-killed"
protests_event = "floyd-protests-begin"
ibm_event = "ibm-exits-fr"
amazon_event = "amzn-moratorium"
microsoft_event = "msft-police-pledge"
selloff_event = "market-selloff"
extension_event = "amzn-moratorium-extended"
# The zoomed view of the week of the announcements.
week_start = "2020-05-18"
week_end = "2020-07-03"
# Bans and limits are counted up to the end of this year.
count_until = "2021-12-31"
benchmark = "^GSPC"

# %%
import pandas as pd
from IPython.display import Markdown

import frstory as fr
from frstory import charts, narrative
from frstory.narrative import escape_markdown as md, long_date
from story import corrections, measures

pd.set_option("display.max_colwidth", None)  # tables show whole sentences
events = fr.load_events()
claims = fr.load_claims()
audit, floyd, protests = (narrative.event(events, e) for e in (audit_event, floyd_event, protests_event))
ibm, amazon, microsoft = (narrative.event(events, e) for e in (ibm_event, amazon_event, microsoft_event))
selloff, extension = narrative.event(events, selloff_event), narrative.event(events, extension_event)
companies = [ibm, amazon, microsoft]

# The first session whose close could reflect Amazon's after-the-close news, and the market that day.
amazon_day0 = fr.reaction_session(amazon["date"], amazon["market_session"])
market = fr.returns(fr.load_prices(benchmark, amazon_day0 - pd.Timedelta(days=10), amazon_day0))
market_move_day0 = float(market.set_index("date").loc[amazon_day0, "ret"])

amazon_timing = "after the close" if amazon["market_session"] == "post" else "with its time of day unknown"
microsoft_same_day = "the day Microsoft spoke, and " if microsoft["date"] == amazon_day0 else ""
retreat_days = (max(c["date"] for c in companies) - min(c["date"] for c in companies)).days
days_after_floyd = (ibm["date"] - floyd["date"]).days
audit_years = (ibm["date"] - audit["date"]).days / 365.25

total = measures.tally_bans(events, until=count_until)
before_pause = measures.tally_bans(events, until=amazon["date"])
after_floyd = measures.tally_bans(events, after=floyd["date"], until=count_until)


def place(measure):  # "California", not "California (Gov. Gavin Newsom)"
    return md(narrative.actor_name(measure["actor"]))



# Where the seed articles went wrong, checked against the sourced timeline.
claim = claims.set_index("id")
verdict_counts = claims["editorial_verdict"].value_counts()
aclu_test = narrative.event(events, "aclu-congress-28")
shareholder_meeting = narrative.event(events, "amzn-agm-2019")
city_order = total.measures.loc[total.measures["level"] == "city", "id"].tolist()
somerville, oakland = narrative.event(events, "somerville-ban"), narrative.event(events, "oakland-ban")
ordinal = {1: "first", 2: "second", 3: "third", 4: "fourth"}


def seed_of(claim_id):  # "Seed 004" for a claim from 004_....txt
    return "Seed " + claim.loc[claim_id, "seed_file"].split("_")[0]

# %%
Markdown(
    f"**{len(companies)} of the biggest US technology companies stepped back from police facial "
    f"recognition within {retreat_days} days in {ibm['date']:%B %Y}**: IBM on {long_date(ibm['date'], weekday=True)}, "
    f"Amazon on {long_date(amazon['date'], weekday=True, year=False)} and Microsoft on "
    f"{long_date(microsoft['date'], weekday=True, year=False)}. The first came {days_after_floyd} days after "
    f"George Floyd was killed by a Minneapolis police officer, and {audit_years:.1f} years after the Gender "
    f"Shades audit showed that commercial face analysis failed darker-skinned women most.\n\n"
    f"The companies followed rather than led. When Amazon paused police use of Rekognition, our timeline "
    f"already counted {before_pause.n_measures} government bans or limits on facial recognition "
    f"({before_pause.levels_phrase()}), starting with the {place(total.first)} on "
    f"{long_date(total.first['date'])}. By the end of {pd.Timestamp(count_until).year} the timeline counts "
    f"{total.n_measures} such measures ({total.levels_phrase()}) in {total.n_jurisdictions} places; "
    f"{after_floyd.n_measures} of them came after Floyd's killing, the latest from {place(total.latest)} on "
    f"{long_date(total.latest['date'])}. Amazon's one-year pause became an indefinite one on "
    f"{long_date(extension['date'])}.\n\n"
    f"The week is hard to read in share prices. Amazon announced {amazon_timing}, so the first session "
    f"that could react was {long_date(amazon_day0, weekday=True)}: {microsoft_same_day}the day "
    f"the S&P 500 fell {abs(market_move_day0):.1%} ({md(selloff['headline'])}). Protests, a market crash and "
    f"three announcements overlap, so none of them can be credited with a price move on its own.\n\n"
    f"The first reports got parts of this history wrong: the research desk rates "
    f"{verdict_counts.get('wrong', 0)} claims in the seed articles wrong and "
    f"{verdict_counts.get('imprecise', 0)} imprecise. The ACLU's test of Rekognition came out in "
    f"{aclu_test['date']:%B %Y} and falsely matched {claim.loc['s004-aclu-28-politicians', 'value']:.0f} "
    f"members of Congress to arrest photos; it did not fail to identify them. Somerville, not Oakland, was "
    f"the {ordinal[city_order.index('somerville-ban') + 1]} city to ban the technology, "
    f"{(oakland['date'] - somerville['date']).days} days before Oakland. And the "
    f"{claim.loc['s001-shareholder-vote-2-4-percent', 'value']:g}% support for a ban at Amazon's "
    f"{shareholder_meeting['date']:%Y} shareholder meeting was a share of votes cast, not of shareholders."
)

# %% [markdown]
# ## Years of warnings, then a week of retreats
#
# The timeline starts with Amazon's launch of Rekognition, a cloud service that can search
# collections of faces. Audits by Joy Buolamwini, Timnit Gebru and Deborah Raji, tests by the ACLU
# and letters from employees, shareholders and researchers followed, while cities began to ban
# government use. Hover over a marker for the event, its date and its source.

# %%
research_and_protest = events[events["category"].isin(["research", "protest"]) & (events["date"] < ibm["date"])]
charts.timeline(
    events,
    title=f"Audits and protests came {audit_years:.1f} years before the companies stepped back",
    subtitle=f"{len(events)} events in frstory's timeline, {events['date'].min():%Y} to "
             f"{events['date'].max():%Y}, by kind; {len(research_and_protest)} audits, tests and protests "
             f"came before IBM's exit",
    source="Events: frstory timeline (data/events.csv), each event sourced in its hover text",
    notes="Hollow markers: only the month is known. The bar in the protest lane is the peak of the Floyd protests.",
)

# %% [markdown]
# ## The week the companies stepped back
#
# The announcements came within days of one another, after the peak of the protests that
# followed George Floyd's killing and in the middle of a national debate about policing.

# %%
in_week = events[(events["date"] >= week_start) & (events["date"] <= week_end)]
same_day_as_ibm = events[(events["date"] == ibm["date"]) & (events["id"] != ibm_event)]
protest_peak = f"{long_date(protests['date'], year=False)} to {long_date(protests['end_date'], year=False)}"
Markdown(
    f"Between {long_date(week_start)} and {long_date(week_end)} our timeline has {len(in_week)} events. "
    f"The bar in the protest lane marks the peak of the unrest, {protest_peak}, as the events file dates it; "
    f"protests went on after that. IBM's chief executive wrote to members of Congress on "
    f"{long_date(ibm['date'], weekday=True, year=False)}, the same day as "
    f"{'; '.join('“' + md(h) + '”' for h in same_day_as_ibm['headline'])}. Amazon followed "
    f"{(amazon['date'] - ibm['date']).days} days later and Microsoft {(microsoft['date'] - amazon['date']).days} "
    f"day after that, on the day of the sell-off."
)

# %%
charts.timeline(
    in_week,
    start=week_start,
    end=week_end,
    labels=True,  # few enough events to name each one on the chart
    title=f"{len(companies)} companies stepped back within {retreat_days} days, {days_after_floyd} days after Floyd was killed",
    subtitle=f"All {len(in_week)} events from {long_date(week_start, year=False)} to {long_date(week_end)}, by kind",
    source="Events: frstory timeline (data/events.csv), each event sourced in its hover text",
    notes=f"Bar: the peak of the protests ({protest_peak}); they continued afterwards. Long headlines are "
          "shortened; hover over an event for the whole headline, its date and its source.",
)

# %% [markdown]
# ## The bans spread, before and after Floyd
#
# Cities, counties and states banned or limited government use of facial recognition.
# The chart counts each measure in our timeline on the day it was passed or signed.

# %%
limits = total.measures[total.measures["is_limit"]]
repeats = total.measures[total.measures["jurisdiction"].duplicated()]  # a second measure in the same place
Markdown(
    f"{place(total.first)} went first, on {long_date(total.first['date'])}. By Amazon's pause "
    f"{before_pause.n_measures} measures were in place ({before_pause.levels_phrase()}); by the end of "
    f"{pd.Timestamp(count_until).year}, {total.n_measures} ({total.levels_phrase()}), the latest from "
    f"{place(total.latest)} on {long_date(total.latest['date'])}. {after_floyd.n_measures} of the "
    f"{total.n_measures} came after Floyd's killing.\n\n"
    f"Not all of them are bans: {len(limits)} ({', '.join(place(m) for _, m in limits.iterrows())}) restrict "
    f"rather than ban, and the {total.n_measures} measures cover {total.n_jurisdictions} places"
    + (f": {len(repeats)} replaced its ban with a stronger one ({'; '.join(md(h) for h in repeats['headline'])}). "
       if len(repeats) else ". ")
    + "The timeline is not a census either: it leaves out bans the research could not date, so the real "
    "count is higher."
)

# %%
charts.cumulative_count(
    events[events["date"] <= count_until],
    by="ban",
    noun="bans and limits",
    end=count_until,
    title=f"{total.n_measures} city, county and state measures by the end of {pd.Timestamp(count_until).year}, "
          f"{after_floyd.n_measures} after Floyd's killing",
    subtitle="Government bans and limits on facial recognition in frstory's timeline, cumulative, by level",
    source="Events: frstory timeline (data/events.csv)",
    notes=f"{len(limits)} of the measures limit rather than ban; {len(repeats)} place "
          f"counts twice (a ban, then a stronger one). Bans the research could not date are missing.",
)

# %% [markdown]
# ## What the first reports got wrong
#
# The story began with a handful of articles (the seeds). The research desk checked every claim in
# them against sources; the table lists the ones it found wrong or imprecise.

# %%
Markdown(
    f"{seed_of('s004-aclu-test-june-2018')} said: “{md(claim.loc['s004-aclu-test-june-2018', 'claim'])}” and “"
    f"{md(claim.loc['s004-aclu-28-politicians', 'claim'])}” The ACLU published its test on "
    f"{long_date(aclu_test['date'], weekday=True)}. {md(aclu_test['description'])}\n\n"
    f"{seed_of('s002-oakland-soon-after')} implied that Oakland came right after San Francisco; Somerville voted "
    f"on {long_date(somerville['date'])} and Oakland on {long_date(oakland['date'])}. "
    f"{seed_of('s001-shareholder-vote-2-4-percent')} said "
    f"“{md(claim.loc['s001-shareholder-vote-2-4-percent', 'claim'])}” "
    f"{md(claim.loc['s001-shareholder-vote-2-4-percent', 'editorial_note'])}"
)

# %%
corrections.seed_corrections(claims).set_index("Article")

# %% [markdown]
# ## How we did this
#
# Every event comes from frstory's sourced timeline (`data/events.csv`), built by the research desk
# from public reporting; each row has a source link, a confidence rating and notes on disputed dates.
# Some dates are known only to the month, and for several announcements the time of day is not known.
# The counts of bans and limits use the `ban` column of the timeline; a measure that restricts rather
# than bans is counted with the bans. The market move comes from Yahoo Finance daily closes in
# frstory's price cache. The claims and verdicts come from `data/claims.csv`.
