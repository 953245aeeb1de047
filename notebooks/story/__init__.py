"""What only the facial-recognition story needs, beside its notebooks.

The toolkit (:mod:`frstory`) names no company, place or event; this package holds the story's
choices: the names of its companies, the extra columns of its events file, its vocabulary and
the tables its pages print. Notebooks import it as ``import story`` (their folder is the kernel's
working directory); importing it registers the company names with :mod:`frstory.prose`.
"""

from __future__ import annotations

import pandas as pd

import frstory as fr
from frstory import prose
from frstory.errors import AnalysisError, did_you_mean
from story import names, schema

names.register()

#: The source line of the story's charts.
SOURCE = ("Prices: Yahoo Finance daily data, third-party copies, as traded (see Methods and data); "
          "events: frstory timeline")

#: Categories of events that are announcements or market moves rather than background.
ANNOUNCEMENT_CATEGORIES = ("corporate",)


def load_events() -> pd.DataFrame:
    """The story's events file, validated with the story's extra columns (:mod:`story.schema`)."""
    return fr.load_events(extensions=schema.EVENT_EXTENSIONS)


def load_claims() -> pd.DataFrame:
    """The figures the seed articles reported, with the research desk's verdicts."""
    return fr.load_claims()


def ticker_of(event: pd.Series) -> str:
    """The listed company of ``event``, or a clear error when the event has none.

    Examples
    --------
    >>> ticker_of(pd.Series({"ticker": "SYNA"}, name="syn-a"))
    'SYNA'
    """
    value = event.get("ticker")
    if value is None or pd.isna(value) or not str(value).strip():
        raise AnalysisError(
            f"event {event.name!r} has no ticker, so there is no share price to study; pass "
            "-p ticker TICKER, or choose an event with a listed company (the ticker column of the events file)"
        )
    return str(value).strip()


def event_of(events: pd.DataFrame, event_id: str, parameter: str) -> pd.Series:
    """The event ``event_id`` names, or an error that names the parameter and the ids nearest to it.

    Examples
    --------
    >>> frame = pd.DataFrame({"id": ["syn-pause", "syn-exit"], "headline": ["a", "b"]})
    >>> event_of(frame, "syn-exit", "event_id")["headline"]
    'b'
    >>> event_of(frame, "syn-paus", "event_id")
    Traceback (most recent call last):
    ...
    frstory.errors.AnalysisError: event_id 'syn-paus' is not an event of the timeline (did you mean 'syn-pause'?); choose an id from the id column of data/events.csv
    """
    ids = events["id"].astype(str).tolist()
    if str(event_id) not in ids:
        hint = did_you_mean(event_id, ids, n=3)
        raise AnalysisError(f"{parameter} {event_id!r} is not an event of the timeline{hint}; choose an id from the id "
                            "column of data/events.csv")
    return fr.narrative.event(events, str(event_id))


def pair_parameter(value: object, name: str, example: tuple) -> tuple:
    """A parameter that holds two values (a window of sessions, a period of dates), as a tuple.

    ``-p NAME VALUE`` passes text, so a journalist's ``-p event_window "(-1, 1)"`` or ``"[-1, 1]"``
    is read as the pair it means (the error suggests the brackets: a value that starts with "-"
    would read as an option); a ``--params`` file or a test passes a list or a tuple. The values
    take the type of ``example``'s (int for windows, text for dates).

    Examples
    --------
    >>> pair_parameter("(-1, 1)", "event_window", (-5, 5)), pair_parameter([-120, -6], "estimation_window", (-250, -11))
    ((-1, 1), (-120, -6))
    >>> pair_parameter("2020-06-01, 2020-06-30", "excluded_period", ("2020-02-01", "2020-04-30"))
    ('2020-06-01', '2020-06-30')
    >>> pair_parameter("-1", "event_window", (-5, 5))
    Traceback (most recent call last):
    ...
    frstory.errors.AnalysisError: event_window must hold two values, such as (-5, 5), got '-1'; on the command line write -p event_window "(-5, 5)", or put event_window: [-5, 5] in a --params file
    """
    items = value
    if isinstance(value, str):
        items = [v.strip().strip("'\"") for v in value.strip().strip("()[]").split(",")]
    cast = type(example[0])
    try:
        if isinstance(items, (str, bytes)) or len(items) != 2:
            raise ValueError(value)
        first, second = (cast(v) for v in items)
    except (TypeError, ValueError):
        shown = ", ".join(str(v) for v in example)
        raise AnalysisError(
            f"{name} must hold two values, such as {tuple(example)}, got {value!r}; on the command line write "
            f"-p {name} \"({shown})\", or put {name}: [{shown}] in a --params file"
        ) from None
    return first, second


def list_parameter(value: object) -> list[str]:
    """A parameter that holds a list of names (tickers, event ids), as a list.

    ``-p comparison ^IXIC`` names one; ``-p comparison "[MSFT, IBM]"`` or ``"MSFT, IBM"`` several and
    ``"[]"`` none, as a list in a ``--params`` file does.

    Examples
    --------
    >>> list_parameter("^IXIC"), list_parameter("[MSFT, IBM]"), list_parameter("[]"), list_parameter(("a", "b"))
    (['^IXIC'], ['MSFT', 'IBM'], [], ['a', 'b'])
    """
    if value is None:
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("[") and text.endswith("]"):
            text = text[1:-1]
        return [v.strip().strip("'\"") for v in text.split(",") if v.strip()]
    return [str(v) for v in value]


def name_tickers(tickers: list[str], names: object = None) -> None:
    """Give readers' names to the tickers a re-run brings in (the ``names`` parameter); refuse one without.

    Pages never show raw tickers, and this story names only its own companies and the usual indices.
    A journalist who re-runs it for another company or index names it too: ``names`` is a mapping
    (``names: {ORCL: Oracle}`` in a ``--params`` file) or its text (``-p names "{ORCL: Oracle}"``).

    Examples
    --------
    >>> name_tickers(["SYNNEW", "^GSPC"], {"SYNNEW": "Synnew Inc"})
    >>> fr.prose.display_name("SYNNEW")
    'Synnew Inc'
    >>> name_tickers(["SYNZ"])
    Traceback (most recent call last):
    ...
    frstory.errors.AnalysisError: ticker 'SYNZ' has no name readers know (pages never show raw tickers): give it with the names parameter, e.g. names: {SYNZ: Name readers know} in a --params file, or -p names "{SYNZ: Name readers know}"
    """
    given = names
    if isinstance(given, str):
        import yaml

        try:
            given = yaml.safe_load(given) if given.strip() else {}
        except yaml.YAMLError:
            given = []  # not a mapping: refused below, with how to write one
    if given is None:
        given = {}
    if not isinstance(given, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in given.items()):
        raise AnalysisError(f"names={names!r} is not a list of ticker: name pairs; write it as "
                            "names: {ORCL: Oracle} in a --params file, or -p names \"{ORCL: Oracle}\"")
    if given:
        prose.register_display_names({k.strip(): v.strip() for k, v in given.items()})
    known = prose.display_names()
    unnamed = [t for t in dict.fromkeys(tickers) if t and t not in known]
    if unnamed:
        example = ", ".join(f"{t}: Name readers know" for t in unnamed)
        raise AnalysisError(
            f"ticker{'s' if len(unnamed) > 1 else ''} {', '.join(map(repr, unnamed))} "
            f"{'have' if len(unnamed) > 1 else 'has'} no name readers know (pages never show raw tickers): give "
            f"{'them' if len(unnamed) > 1 else 'it'} with the names parameter, e.g. names: {{{example}}} in a "
            f"--params file, or -p names \"{{{example}}}\""
        )


def history_end(day0: object, event_window: tuple[int, int]) -> pd.Timestamp:
    """The last session whose close a study of ``day0`` needs: the end of its event window.

    Examples
    --------
    >>> history_end("2020-06-11", (-5, 5))
    Timestamp('2020-06-18 00:00:00')
    >>> history_end("2020-06-11", (-5, -1))
    Timestamp('2020-06-11 00:00:00')
    """
    day0 = pd.Timestamp(day0)
    last = max(int(event_window[1]), 0)
    # Generous on purpose, as in history_start: a trading week has five sessions.
    after = fr.nyse_sessions(day0, day0 + pd.Timedelta(days=2 * last + 10))
    return after[min(last, len(after) - 1)]


def require_announcement(event: pd.Series) -> None:
    """Refuse news that is not a company announcement: story 02's sentences speak of an announcement
    and of how the market took it.

    Examples
    --------
    >>> require_announcement(pd.Series({"category": "corporate"}, name="syn-a"))
    >>> require_announcement(pd.Series({"category": "protest"}, name="syn-b"))
    Traceback (most recent call last):
    ...
    frstory.errors.AnalysisError: event_id 'syn-b' is not a company announcement (its category in the events file is protest), and this page is about how the market took an announcement; choose an event of category corporate in the events file, e.g. -p event_id amzn-moratorium (-p ticker TICKER studies another company's share price around it)
    """
    if event.get("category") not in ANNOUNCEMENT_CATEGORIES:
        raise AnalysisError(
            f"event_id {event.name!r} is not a company announcement (its category in the events file is "
            f"{event.get('category')}), and this page is about how the market took an announcement; choose an event of category {' or '.join(ANNOUNCEMENT_CATEGORIES)} "
            "in the events file, e.g. -p event_id amzn-moratorium (-p ticker TICKER studies another company's share "
            "price around it)"
        )


def history_start(day0: object, estimation_window: tuple[int, int],
                  excluded: list[tuple[object, object]] | tuple = ()) -> pd.Timestamp:
    """The first session whose close a study of ``day0`` needs.

    The estimation window starts ``-estimation_window[0]`` sessions before day 0; a study that
    leaves a period out reaches back by as many sessions as it leaves out; and the first return
    needs the close of the session before. Loading exactly this much (not a fixed number of
    days) lets a story study news close to the start of the data it has.

    Examples
    --------
    >>> history_start("2020-06-11", (-5, -1))
    Timestamp('2020-06-03 00:00:00')
    >>> history_start("2020-06-11", (-5, -1), [("2020-06-08", "2020-06-09")])
    Timestamp('2020-06-01 00:00:00')
    """
    day0 = pd.Timestamp(day0)
    first = -int(estimation_window[0])
    # Generous on purpose: trading years have about 252 sessions, and excluded periods are short.
    before = fr.nyse_sessions(day0 - pd.Timedelta(days=2 * 366 + 3 * first), day0 - pd.Timedelta(days=1))
    needed = first + 1
    for start, end in excluded:
        needed += int(((before >= pd.Timestamp(start)) & (before <= pd.Timestamp(end))).sum())
    return before[-min(needed, len(before))]


def check_side_by_side(firm_events: pd.DataFrame, placebo_ticker: str) -> None:
    """Refuse a comparison whose sentences could not be true: fewer than two companies, a company
    named twice, or a placebo that is itself one of the companies that announced.

    ``firm_events`` holds one row per announcement with its ``id`` and ``ticker``.

    Examples
    --------
    >>> firms = pd.DataFrame({"id": ["syn-a", "syn-b"], "ticker": ["SYNA", "SYNB"]})
    >>> check_side_by_side(firms, "SYNC")
    >>> check_side_by_side(firms, "SYNB")
    Traceback (most recent call last):
    ...
    frstory.errors.AnalysisError: placebo_ticker 'SYNB' made one of the announcements compared (syn-b), so it cannot stand for a company without one; choose a placebo_ticker that is not among the companies of firm_event_ids
    """
    if len(firm_events) < 2:
        raise AnalysisError(
            f"firm_event_ids names {prose.plural(len(firm_events), 'announcement')}; this page compares companies side by side, "
            "so it needs at least two (a single company's announcement is story 02's page: -p event_id ID)"
        )
    repeated = firm_events[firm_events["ticker"].duplicated(keep=False)]
    if len(repeated):
        raise AnalysisError(
            f"firm_event_ids names more than one announcement of {', '.join(dict.fromkeys(repeated['ticker']))} "
            f"({', '.join(repeated['id'])}); this page compares different companies, one announcement each: "
            "keep one of them"
        )
    own = firm_events.loc[firm_events["ticker"] == placebo_ticker, "id"]
    if len(own):
        raise AnalysisError(
            f"placebo_ticker {placebo_ticker!r} made one of the announcements compared ({', '.join(own)}), so it "
            "cannot stand for a company without one; choose a placebo_ticker that is not among the companies of "
            "firm_event_ids"
        )


def other_announcements(events: pd.DataFrame, event_id: str, start: object, end: object) -> pd.DataFrame:
    """Company announcements other than ``event_id`` dated from ``start`` to ``end`` (inclusive).

    Examples
    --------
    >>> frame = pd.DataFrame({"id": ["a", "b", "c"], "category": ["corporate", "corporate", "protest"],
    ...     "date": pd.to_datetime(["2020-06-08", "2020-06-10", "2020-06-09"])})
    >>> other_announcements(frame, "b", "2020-06-01", "2020-06-30")["id"].tolist()
    ['a']
    """
    dates = pd.to_datetime(events["date"])
    keep = (events["category"].isin(ANNOUNCEMENT_CATEGORIES) & (events["id"] != event_id)
            & dates.between(pd.Timestamp(start), pd.Timestamp(end)))
    return events[keep].sort_values("date", kind="stable")


def specifications_table(robust: pd.DataFrame, event_window: tuple[int, int]) -> pd.DataFrame:
    """The robustness specifications as a reader's table (numbers in the house style)."""
    return pd.DataFrame({
        "Specification": robust["specification"],
        "Estimation sessions": [
            f"{r.n_estimation}: {prose.date(r.estimation_start)} to {prose.date(r.estimation_end)}"
            for r in robust.itertuples()
        ],
        "Beta": robust["beta"].map(lambda b: "none (fixed at 1)" if pd.isna(b) else f"{b:.2f}"),
        "Expected return, day 0": (robust["ret_0"] - robust["ar_0"]).map(lambda x: prose.percent(x, signed=True)),
        "Abnormal return, day 0": robust["ar_0"].map(lambda x: prose.points(x, short=True)),
        "t": robust["ar_0_t"].map(lambda x: f"{x:.2f}"),
        "p": robust["ar_0_p"].map(lambda p: prose.p_value(p).removeprefix("p ").lstrip("= ")),
        f"Cumulative, {prose.offsets(*event_window)}":
            robust["car"].map(lambda x: prose.points(x, short=True)),
    }).set_index("Specification")


def fact_check_table(checked: pd.DataFrame) -> pd.DataFrame | None:
    """The price claims checked against the data, as a reader's table (``None``, so nothing is shown,
    when there are none: the prose says so)."""
    if checked.empty:
        return None
    in_units = {"usd": lambda v: prose.money(v), "percent": lambda v: prose.percent(v / 100, decimals=2, signed=True)}
    return pd.DataFrame({
        "Claim": checked["claim"],
        "Check": checked["verdict"],
        "Reported": [in_units.get(u, lambda v: f"{v:,}")(v) for u, v in zip(checked["unit"], checked["value"])],
        "In the data": [in_units.get(u, lambda v: f"{v:,.4f}")(v) for u, v in zip(checked["unit"], checked["data_value"])],
        "Desk's verdict": checked["editorial_verdict"],
    }).set_index("Claim")


def background_periods(events: pd.DataFrame, start: object, end: object) -> str:
    """A sentence naming the timeline's protest periods that overlap ``start`` to ``end``.

    The sentence says when, not why: the sources date the periods, they do not make the
    companies' announcements responses to them.

    Examples
    --------
    >>> frame = pd.DataFrame({"category": ["protest"], "headline": ["Synthetic marches spread"],
    ...     "date": pd.to_datetime(["2020-05-26"]), "end_date": pd.to_datetime(["2020-06-07"])})
    >>> background_periods(frame, "2020-06-08", "2020-06-11")
    'The timeline records no protest period overlapping these days.'
    >>> background_periods(frame, "2020-06-01", "2020-06-11")
    'These days overlap a period the timeline records as: Synthetic marches spread (26 May 2020 to 7 June 2020).'
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    periods = events[(events["category"] == "protest") & events["end_date"].notna()]
    overlapping = periods[(pd.to_datetime(periods["date"]) <= end) & (pd.to_datetime(periods["end_date"]) >= start)]
    if overlapping.empty:
        return "The timeline records no protest period overlapping these days."
    items = [f"{row.headline} ({prose.date(row.date)} to {prose.date(row.end_date)})"
             for row in overlapping.itertuples()]
    return f"These days overlap {'a period' if len(items) == 1 else 'periods'} the timeline records as: {prose.join(items)}."


def announcement_label(event: pd.Series) -> str:
    """An event named for a sentence: "IBM's announcement of 8 June 2020", or its headline and date.

    Examples
    --------
    >>> announcement_label(pd.Series({"ticker": "IBM", "headline": "x", "date": pd.Timestamp("2020-06-08")}))
    "IBM's announcement of 8 June 2020"
    >>> announcement_label(pd.Series({"ticker": None, "headline": "Synthetic march", "date": pd.Timestamp("2020-06-08")}))
    'the news of 8 June 2020 (Synthetic march)'
    """
    ticker = event.get("ticker")
    when = prose.date(event["date"])
    if ticker is not None and not pd.isna(ticker) and str(ticker).strip():
        try:
            return f"{prose.display_name(str(ticker))}'s announcement of {when}"
        except prose.UnknownDisplayName:  # no name registered for the ticker: say what happened instead
            pass
    return f"the news of {when} ({event['headline']})"


def news_label(event: pd.Series, ticker: str) -> str:
    """The news a page about ``ticker`` studies, for "<company> and the market after ...".

    "its announcement of 10 June 2020" only when ``ticker`` is the event's own company; for
    another company's share price the label says whose news it was (:func:`announcement_label`).

    Examples
    --------
    >>> syn = pd.Series({"ticker": "SYNA", "headline": "Synthetic Co pauses", "date": pd.Timestamp("2020-06-10")})
    >>> news_label(syn, "SYNA")
    'its announcement of 10 June 2020'
    >>> news_label(syn.drop("ticker"), "SYNB")
    'the news of 10 June 2020 (Synthetic Co pauses)'
    """
    own = event.get("ticker")
    if own is not None and not pd.isna(own) and str(own).strip() == ticker:
        return f"its announcement of {prose.date(event['date'])}"
    return announcement_label(event)


def require_day(event: pd.Series) -> None:
    """Refuse an event known only to the month: a daily event study needs the day of the news.

    Examples
    --------
    >>> require_day(pd.Series({"date_precision": "day", "date": pd.Timestamp("2020-06-10")}, name="syn-a"))
    >>> require_day(pd.Series({"date_precision": "month", "date": pd.Timestamp("2020-12-01")}, name="syn-b"))
    Traceback (most recent call last):
    ...
    frstory.errors.AnalysisError: event 'syn-b' is dated only to the month (December 2020), so there is no day whose share price could show a reaction; choose an event dated to the day (date_precision day in the events file)
    """
    if event.get("date_precision", "day") != "day":
        raise AnalysisError(
            f"event {event.name!r} is dated only to the month ({prose.month(event['date'])}), so there is no day "
            "whose share price could show a reaction; choose an event dated to the day (date_precision day in the "
            "events file)"
        )


def headlines(frame: pd.DataFrame) -> str:
    """Headlines from the timeline as a list inside a sentence, each with its date.

    Examples
    --------
    >>> frame = pd.DataFrame({"headline": ["Synthetic vote", "Mock hearing"], "date_precision": ["day", "month"],
    ...     "date": pd.to_datetime(["2021-03-03", "2021-04-01"])})
    >>> headlines(frame)
    'Synthetic vote (3 March 2021) and Mock hearing (April 2021)'
    """
    return prose.join([
        f"{row.headline} ({prose.month(row.date) if getattr(row, 'date_precision', 'day') == 'month' else prose.date(row.date)})"
        for row in frame.itertuples()])


def place(measure: pd.Series) -> str:
    """The place of a ban or limit as prose names it: "California", not "California (Gov. ...)"."""
    return fr.narrative.actor_name(measure["actor"])



def corrections_table(claims: pd.DataFrame):
    """The research desk's corrections as a reader's table, dates written in the house style, each
    with a link to the source the desk checked it against (a pandas ``Styler``: every cell is
    escaped, the ``Source`` column holds http(s) links only)."""
    from urllib.parse import urlsplit

    from story.corrections import corrections

    table = corrections(claims)
    iso = r"\b(\d{4}-\d{2}-\d{2})\b"
    table["What the record shows"] = table["What the record shows"].str.replace(
        iso, lambda m: prose.date(m.group(1)), regex=True)
    urls = claims.set_index("id")["source_url"] if "source_url" in claims.columns else pd.Series(dtype="string")
    table["Source"] = [str(urls.get(claim_id) or "") if pd.notna(urls.get(claim_id)) else "" for claim_id in table.index]
    table = table.set_index("Publication")

    def link(url: str) -> str:
        # Styler escapes the value before this formatter sees it, so the URL is safe in the attribute.
        if not url.startswith(("http://", "https://")):
            return ""
        site = (urlsplit(url.replace("&amp;", "&")).hostname or "source").removeprefix("www.")
        return f'<a href="{url}">{site}</a>'

    return table.style.format(escape="html").format(link, subset=["Source"], escape="html")
