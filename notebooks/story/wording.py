"""Phrases the story's sentences choose between, according to the data.

The sentences themselves live in the notebooks' Markdown cells; where the data decides which words
are true (a stock that rose or fell, a test that found something or not, an announcement made
before or after the close), the choice is made here, once, so every re-run of a notebook with other
parameters reads true. Numbers and dates are written by :mod:`frstory.prose`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from frstory import prose

#: A move is "its worst day since" only when no worse day came within this many sessions before it.
NOTABLE_SESSIONS = 20


@dataclass(frozen=True)
class Timing:
    """How an announcement's time of day relates to the first session that could react.

    Attributes
    ----------
    announced : str
        "announced after the close on Wednesday 10 June 2020".
    day0_role : str
        What day 0 is, for a sentence that names it.
    day0_short : str
        Day 0 in a few words, for chart titles.
    caveat : str
        What the timing means for the reading of day 0 (a whole sentence).
    """

    announced: str
    day0_role: str
    day0_short: str
    caveat: str


def timing(market_session: str, event_date: object, day0: object) -> Timing:
    """The words for an announcement made in ``market_session`` and read on session ``day0``.

    Examples
    --------
    >>> timing("post", "2020-06-10", "2020-06-11").announced
    'announced after the close on Wednesday 10 June 2020'
    >>> timing("unknown", "2020-06-11", "2020-06-11").day0_short
    'the day of the announcement'
    """
    on = prose.date(event_date, weekday=True)
    first = prose.date(day0, weekday=True)
    same_day = pd.Timestamp(event_date).normalize() == pd.Timestamp(day0).normalize()
    if market_session == "post":
        return Timing(
            f"announced after the close on {on}",
            f"the first session after the announcement, which came after the close on {on}",
            "the first session that could react",
            f"The announcement came after the close, so the first session that could react was {first}. "
            "If the news reached some investors earlier, part of any reaction sits on the day before.",
        )
    if market_session == "pre":
        return Timing(
            f"announced before the open on {on}",
            "the day of the announcement, which came before the open",
            "the day of the announcement",
            "The announcement came before the open, so that day's session was the first that could react.",
        )
    if market_session == "regular":
        return Timing(
            f"announced during trading on {on}",
            "the day of the announcement, which came during trading",
            "the day of the announcement",
            "The announcement came during trading, so that day's close mixes hours before and after the news.",
        )
    if market_session == "closed" or not same_day:
        return Timing(
            f"announced on {on}, when the market was closed",
            "the first session after the announcement",
            "the first session that could react",
            f"The market was closed when the news came out, so the first session that could react was {first}.",
        )
    return Timing(
        f"announced on {on}, at a time of day we could not establish",
        "the day of the announcement (its time of day is not known, so the first reaction may have come only "
        "on the next session)",
        "the day of the announcement",
        "We could not establish the time of day of the announcement. If it came after the close, the first "
        "session that could react was the next one, and day 0 holds only the day's other news.",
    )


def dek_news(event: pd.Series, when: Timing) -> str:
    """The news in one sentence: the event's headline and when it was announced.

    Examples
    --------
    >>> dek_news(pd.Series({"headline": "Synthetic Co pauses a product"}), timing("post", "2020-06-10", "2020-06-11"))
    'Synthetic Co pauses a product (announced after the close on Wednesday 10 June 2020).'
    """
    return f"{event['headline']} ({when.announced})."


def worst_since(daily: pd.Series, day: object) -> str:
    """", its worst day since Monday 16 March 2020" (or best), or "" when the day was not notable.

    ``daily`` holds one series' daily returns indexed by date; the clause names the last earlier
    day with a larger move in the same direction, when it lies at least :data:`NOTABLE_SESSIONS`
    sessions back.

    Examples
    --------
    >>> rets = pd.Series([-0.05] + [0.001] * 30 + [-0.04], index=pd.bdate_range("2020-01-01", periods=32))
    >>> worst_since(rets, rets.index[-1])
    ', its worst day since Wednesday 1 January 2020'
    >>> worst_since(rets, rets.index[-2])
    ''
    """
    day = pd.Timestamp(day)
    series = daily.dropna()
    value = series.loc[day]
    earlier = series.loc[:day].iloc[:-1]
    if value == 0 or earlier.empty:
        return ""
    # A day as bad (or as good) as this one counts: a tie is not a record.
    larger = earlier[earlier <= value] if value < 0 else earlier[earlier >= value]
    word = "worst" if value < 0 else "best"
    if larger.empty:
        if len(earlier) < NOTABLE_SESSIONS:
            return ""
        return f", its {word} day since at least {prose.date(earlier.index[0], weekday=True)}"
    since = larger.index.max()
    if len(earlier.loc[since:]) < NOTABLE_SESSIONS:
        return ""
    return f", its {word} day since {prose.date(since, weekday=True)}"


def abnormal_verdict(ar: float, p: float, name: str, detectable: float | None = None) -> str:
    """What a day-0 abnormal return and its p-value show, in words.

    Examples
    --------
    >>> abnormal_verdict(0.002, 0.88, "Synthetic Co")
    'within ordinary daily noise, so this day gives no evidence that investors reacted to the news'
    >>> abnormal_verdict(-0.03, 0.01, "Synthetic Co")
    'beyond ordinary daily noise: Synthetic Co did worse than its usual relation to the index predicts'
    >>> abnormal_verdict(0.018, 0.07, "Synthetic Co", detectable=0.019)
    'borderline: larger than most ordinary days but not clearly beyond the noise, so this day gives at most weak evidence that investors reacted to the news'
    """
    # The same three bands as the event study's own summary (frstory's results), so the lede and
    # the summary paragraph below it never disagree.
    if 0.05 <= p < 0.10:
        return ("borderline: larger than most ordinary days but not clearly beyond the noise, so this day gives at "
                "most weak evidence that investors reacted to the news")
    if p >= 0.05:
        text = "within ordinary daily noise, so this day gives no evidence that investors reacted to the news"
        if detectable is not None:
            text += (f"; only an abnormal return larger than {prose.points(detectable, signed=False)} either way "
                     "would have stood out")
        return text
    direction = "better" if ar > 0 else "worse"
    return f"beyond ordinary daily noise: {name} did {direction} than its usual relation to the index predicts"


def robustness_verdict(robust: pd.DataFrame) -> str:
    """Whether the day-0 verdict survives other reasonable specifications.

    Examples
    --------
    >>> robustness_verdict(pd.DataFrame({"ar_0": [0.01, 0.02, 0.02], "ar_0_p": [0.9, 0.2, 0.03]}))
    'Only one of the three specifications we tried finds a day-0 abnormal return significant at the 5% level: the answer depends on the choices of the method, so the evidence of a reaction is fragile.'
    """
    n = len(robust)
    significant = robust["ar_0_p"] < 0.05
    k = int(significant.sum())
    specs = f"{prose.spelled(n)} specifications we tried"
    if k == 0:
        return prose.sentence(f"none of the {specs} finds a day-0 abnormal return significant at the 5% level.")
    signs = set((robust.loc[significant, "ar_0"] > 0).tolist())
    if k == n:
        same = "all in the same direction" if len(signs) == 1 else "but not all in the same direction"
        return prose.sentence(f"all {specs} find a day-0 abnormal return significant at the 5% level, {same}.")
    return prose.sentence(
        f"only {prose.spelled(k)} of the {specs} {'finds' if k == 1 else 'find'} a day-0 abnormal return "
        "significant at the 5% level: the answer depends on the choices of the method, so the evidence of a "
        "reaction is fragile."
    )


def relative_day(offset: int) -> str:
    """Where a day of the event window lies relative to day 0.

    Examples
    --------
    >>> relative_day(-2), relative_day(0), relative_day(1)
    ('before the news could be priced', 'day 0 itself', 'one session after day 0')
    """
    if offset < 0:
        return "before the news could be priced"
    if offset == 0:
        return "day 0 itself"
    return f"{prose.plural(int(offset), 'session', spell=True)} after day 0"


def ranges(values: pd.Series, across: str) -> str:
    """How far apart estimates lie, in percentage points: "ranges from ... to ... across ...".

    When the lowest and highest round to the same figure the reader is told so, instead of a
    range from a number to itself.

    Examples
    --------
    >>> ranges(pd.Series([-0.003, 0.011]), "them")
    'ranges from -0.3 percentage points to +1.1 percentage points across them'
    >>> ranges(pd.Series([-0.0011, -0.0009]), "these specifications")
    'is -0.1 percentage points in all of these specifications'
    """
    low, high = prose.points(float(values.min())), prose.points(float(values.max()))
    if low == high:
        return f"is {low} in all of {across}"
    return f"ranges from {low} to {high} across {across}"


def listed(items: list[str]) -> str:
    """The end of a sentence that counts things and then lists them: ": a and b." or, with nothing
    to list, just the full stop.

    Examples
    --------
    >>> listed(["Synthetic Co on Monday 8 June 2020", "Example Inc on Tuesday 9 June 2020"])
    ': Synthetic Co on Monday 8 June 2020 and Example Inc on Tuesday 9 June 2020.'
    >>> listed([])
    '.'
    """
    return f": {prose.join(items)}." if items else "."


def by_end(day: object) -> str:
    """Up to when a count runs: "by the end of 2021" only when it runs to 31 December.

    Examples
    --------
    >>> by_end("2021-12-31"), by_end("2020-10-31")
    ('by the end of 2021', 'by 31 October 2020')
    """
    day = pd.Timestamp(day)
    if (day.month, day.day) == (12, 31):
        return f"by the end of {day.year}"
    return f"by {prose.date(day)}"


def measures_note(n_limits: int, n_repeats: int) -> str:
    """The chart note on what the count of bans and limits mixes together.

    Examples
    --------
    >>> measures_note(2, 1)
    '2 of the measures limit rather than ban; 1 place counts twice (a ban, then a stronger one). Measures the research could not date are missing.'
    >>> measures_note(1, 0)
    '1 of the measures limits rather than bans. Measures the research could not date are missing.'
    >>> measures_note(0, 0)
    'Measures the research could not date are missing.'
    """
    parts = []
    if n_limits:
        parts.append(f"{n_limits} of the measures " + ("limits rather than bans" if n_limits == 1 else "limit rather than ban"))
    if n_repeats:
        parts.append(f"{prose.plural(n_repeats, 'place')} {'counts' if n_repeats == 1 else 'count'} twice "
                     "(a ban, then a stronger one)")
    lead = f"{'; '.join(parts)}. " if parts else ""
    return f"{lead}Measures the research could not date are missing."


def overlaps(start: object, end: object, period: tuple[object, object]) -> bool:
    """Whether an estimation period from ``start`` to ``end`` shares any day with ``period``.

    A period that lies wholly after the news (an event before the Covid crash) does not count,
    however far back the estimation reaches.

    Examples
    --------
    >>> crash = ("2020-02-01", "2020-04-30")
    >>> overlaps("2019-06-14", "2020-05-27", crash), overlaps("2019-01-23", "2020-01-03", crash)
    (True, False)
    """
    return pd.Timestamp(start) <= pd.Timestamp(period[1]) and pd.Timestamp(end) >= pd.Timestamp(period[0])


#: The months of the Covid crash, which the stories leave out of the estimation in one specification.
COVID_CRASH = ("2020-02-01", "2020-04-30")


def period_words(period: tuple[object, object]) -> str:
    """A period as prose names it: whole months by their months, any other span by its days.

    Examples
    --------
    >>> period_words(("2020-02-01", "2020-04-30")), period_words(("2020-06-01", "2020-06-30"))
    ('February 2020 to April 2020', 'June 2020')
    >>> period_words(("2020-06-08", "2020-06-12"))
    '8–12 June 2020'
    """
    start, end = pd.Timestamp(period[0]), pd.Timestamp(period[1])
    if start.is_month_start and end.is_month_end:
        if start.to_period("M") == end.to_period("M"):
            return prose.month(start)
        return f"{prose.month(start)} to {prose.month(end)}"
    return prose.date_range(start, end)


def is_covid_crash(period: tuple[object, object]) -> bool:
    """Whether ``period`` is the Covid crash (:data:`COVID_CRASH`), the only period the prose may call so.

    Examples
    --------
    >>> is_covid_crash(["2020-02-01", "2020-04-30"]), is_covid_crash(("2020-06-01", "2020-06-30"))
    (True, False)
    """
    return (pd.Timestamp(period[0]), pd.Timestamp(period[1])) == tuple(pd.Timestamp(d) for d in COVID_CRASH)


def crash_clause(included: bool, period: tuple[str, str]) -> str:
    """Whether the estimation period includes the excluded period of market turmoil.

    The Covid crash is named only when the excluded period is the crash; a journalist who leaves
    out another period reads its dates.

    Examples
    --------
    >>> crash_clause(False, ("2020-02-01", "2020-04-30"))
    'a period that does not include the Covid crash of February 2020 to April 2020'
    >>> crash_clause(True, ("2020-06-01", "2020-06-30"))
    'a period that includes June 2020, the period the third line leaves out'
    """
    verb = "includes" if included else "does not include"
    if is_covid_crash(period):
        return f"a period that {verb} the Covid crash of {period_words(period)}"
    return f"a period that {verb} {period_words(period)}, the period the third line leaves out"


def estimation_span(n_sessions: int, start: object, end: object) -> str:
    """The history an estimation learned from, as it was: "240 sessions before the news, 14 June 2019 to 27 May 2020".

    Examples
    --------
    >>> estimation_span(115, "2019-12-18", "2020-06-03")
    '115 sessions before the news, 18 December 2019 to 3 June 2020'
    """
    return f"{prose.plural(int(n_sessions), 'session')} before the news, {prose.date(start)} to {prose.date(end)}"


def window_sentences(res) -> str:
    """What the abnormal returns of an event window add up to before and after day 0, and its largest day.

    ``res`` is an event study result; a window that starts at day 0, or ends there, has no sessions
    on that side, and a window of day 0 alone has nothing to add up.

    Examples
    --------
    >>> from types import SimpleNamespace as R
    >>> window_sentences(R(event_window=(0, 0)))
    'The event window holds day 0 alone, so its abnormal return is the one above.'
    """
    first, last = (int(v) for v in res.event_window)
    if first == last == 0:
        return "The event window holds day 0 alone, so its abnormal return is the one above."
    parts = []
    if first == -1:
        parts.append(f"on session -1, before the news could be priced, the abnormal return was "
                     f"{prose.points(res.car(-1, -1).car)}")
    elif first < 0:
        before = res.car(first, -1)
        parts.append(f"over sessions {first:+d} to -1, before the news could be priced, the abnormal returns add up to "
                     f"{prose.points(before.car)}")
    if last > 0:
        after = res.car(0, last)
        subject = "they" if first < -1 else "the abnormal returns"
        parts.append(f"from day 0 to {last:+d} {subject} add up to {prose.points(after.car)} ({prose.p_value(after.p)})")
    biggest = res.table.loc[res.table["ar"].abs().idxmax()]
    return (prose.sentence("; ".join(parts)) + ". The largest single abnormal return in the window, "
            f"{prose.points(biggest['ar'])}, came on {prose.date(biggest['date'], weekday=True)}, "
            f"{relative_day(biggest['offset'])}.")


def clustered_sentence(clustered: pd.DataFrame, name: str) -> str:
    """Other company announcements inside the event window, in a sentence.

    Examples
    --------
    >>> clustered_sentence(pd.DataFrame({"headline": [], "date": []}), "Synthetic Co")
    "No other company announcement in the timeline falls within Synthetic Co's event window."
    """
    if clustered.empty:
        return f"No other company announcement in the timeline falls within {name}'s event window."
    items = [f"{row.headline} ({prose.date(row.date)})" for row in clustered.itertuples()]
    return (f"{name}'s event window also holds {prose.plural(len(items), 'other company announcement', spell=True)} "
            f"of the timeline: {prose.join(items)}. No daily window isolates one firm's news.")


def fact_check_sentence(checked: pd.DataFrame, name: str) -> str:
    """How the figures about this share price that daily prices can check fared.

    Examples
    --------
    >>> fact_check_sentence(pd.DataFrame({"verdict": []}), "Synthetic Co")
    "None of the figures in the articles is about Synthetic Co's share price around this announcement, so there is nothing here to check."
    """
    if checked.empty:
        return (f"None of the figures in the articles is about {name}'s share price around this announcement, "
                "so there is nothing here to check.")
    confirmed = int((checked["verdict"] == "confirmed").sum())
    n = len(checked)
    about = f"about {name}'s share price that daily prices can check"
    if confirmed == n:
        subject = {1: f"the one figure {about} is", 2: f"both figures {about} are"}.get(n, f"all {prose.spelled(n)} figures {about} are")
        return prose.sentence(f"{subject} confirmed by the data.")
    text = (f"{prose.spelled(confirmed)} of the {prose.plural(n, 'figure', spell=True)} {about} "
            f"{'is' if confirmed == 1 else 'are'} confirmed by the data")
    contradicted = n - confirmed
    if contradicted:
        text += f"; {prose.spelled(contradicted)} {'is' if contradicted == 1 else 'are'} not"
    return prose.sentence(text + ".")


def repeats_first(crash_in_estimation: bool) -> str:
    """A clause for when leaving the crash out changes nothing, because it was never in.

    Examples
    --------
    >>> repeats_first(True), repeats_first(False)
    ('', '; here the estimation period does not include that period, so the third line repeats the first')
    """
    if crash_in_estimation:
        return ""
    return "; here the estimation period does not include that period, so the third line repeats the first"


def how_many(k: int) -> str:
    """A count that opens a comparison: "none" for zero, else the number spelled out.

    Examples
    --------
    >>> how_many(0), how_many(3)
    ('none', 'three')
    """
    return "none" if k == 0 else prose.spelled(k)


def offset(k: int) -> str:
    """A session relative to day 0: "0", "+1", "-5".

    Examples
    --------
    >>> offset(0), offset(1), offset(-5)
    ('0', '+1', '-5')
    """
    return f"{k:+d}" if k else "0"


def count_of(k: int, n: int, noun: str) -> str:
    """ "none of the three companies", "neither of the two companies", "both companies", "all three ..."

    Examples
    --------
    >>> count_of(0, 3, "company"), count_of(0, 2, "company"), count_of(2, 2, "company"), count_of(1, 3, "company")
    ('none of the three companies', 'neither of the two companies', 'both companies', 'one of the three companies')
    """
    nouns = prose.plural(n, noun, spell=True).split(" ", 1)[1] if n != 1 else noun
    if n == 2 and k in (0, 2):
        return f"neither of the two {nouns}" if k == 0 else f"both {nouns}"
    if k == n and n > 2:
        return f"all {prose.spelled(n)} {nouns}"
    return f"{how_many(k)} of the {prose.spelled(n)} {nouns}"


def placebo_sentence(placebo_name: str, own: pd.DataFrame) -> str:
    """Whether the placebo company had announcements of its own inside the event windows.

    Examples
    --------
    >>> placebo_sentence("Synthetic Co", pd.DataFrame({"headline": [], "date": []}))
    'It announced no step of its own on police facial recognition in our timeline during these event windows.'
    """
    if own.empty:
        return ("It announced no step of its own on police facial recognition in our timeline during "
                "these event windows.")
    items = [f"{row.headline} ({prose.date(row.date)})" for row in own.itertuples()]
    return ("It is not a clean placebo here: inside these event windows the timeline records "
            f"{'its own announcement' if len(items) == 1 else 'announcements of its own'}: {prose.join(items)}.")


def ordinal_word(n: int) -> str:
    """An ordinal in words, as prose writes a rank: "second", "twenty-first".

    Examples
    --------
    >>> ordinal_word(2), ordinal_word(21)
    ('second', 'twenty-first')
    """
    from num2words import num2words  # the words library frstory.prose uses for spelled numbers

    return str(num2words(int(n), to="ordinal"))
