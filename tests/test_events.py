"""Specification of the sourced event timeline (data/events.csv), frstory.load_events and the
extensions a story declares for its own columns.

The first part checks the real, curated timeline (loaded with the story's declared extension,
notebooks/story/schema.py) against the story's requirements; the rest feeds small synthetic CSV
files to the loader and checks that every kind of bad input, in the generic columns and in
declared extension columns, is reported with the file, the CSV line (header = line 1), the column,
the bad value and a fix.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import frstory as fr
from csv_validation import assert_reported, write_rows
from frstory.data.events import (
    EVENT_COLUMNS,
    EVENTS_SCHEMA,
    EventExtension,
    ExtensionColumn,
    ExtensionRule,
    event_columns,
    events_schema,
    validate_events,
)

ROOT = Path(__file__).resolve().parents[1]
RESEARCH = ROOT.parent / "shared" / "research" / "events-factsheet.md"
SEEDS = ROOT.parent / "shared" / "seeds"

# The story's package lives beside its notebooks; the notebooks import it as ``story``.
sys.path.insert(0, str(ROOT / "notebooks"))
from story import schema as story_schema  # noqa: E402

STORY = story_schema.EVENT_EXTENSIONS
STORY_COLUMNS = event_columns(STORY)


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return fr.load_events(extensions=STORY)


def row(events: pd.DataFrame, event_id: str) -> pd.Series:
    match = events[events["id"] == event_id]
    assert len(match) == 1, f"expected exactly one event with id {event_id!r}"
    return match.iloc[0]


# --- the real timeline --------------------------------------------------------------------------


def test_timeline_has_the_generic_columns_then_the_storys_in_order(events):
    assert list(events.columns) == [*EVENT_COLUMNS, "ban", "measure", "place"]


def test_the_timeline_cannot_be_loaded_without_the_storys_declaration():
    with pytest.raises(fr.DataValidationError) as err:
        fr.load_events()
    assert {p["column"] for p in err.value.problems} == {"ban", "measure", "place"}


def test_dates_are_tz_naive_midnight_datetimes(events):
    for column in ("date", "end_date"):
        assert events[column].dtype == np.dtype("datetime64[ns]")
    assert (events["date"] == events["date"].dt.normalize()).all()


def test_text_columns_are_pandas_string_dtype(events):
    text_columns = [c for c in STORY_COLUMNS if c not in ("date", "end_date")]
    for column in text_columns:
        assert isinstance(events[column].dtype, pd.StringDtype), column
        assert events[column].dtype.na_value is pd.NA, column


def test_timeline_has_at_least_45_events(events):
    assert len(events) >= 45


def test_timeline_spans_2016_to_2021(events):
    years = events["date"].dt.year
    assert years.min() == 2016
    assert years.max() == 2021


def test_rows_come_back_in_date_order(events):
    assert events["date"].is_monotonic_increasing


def test_killing_of_george_floyd_is_dated_25_may_2020(events):
    killed = row(events, "george-floyd-killed")
    assert killed["date"] == pd.Timestamp("2020-05-25")
    assert killed["category"] == "incident"
    # Memorial Day: the NYSE was shut
    assert killed["market_session"] == "closed"


def test_protests_begin_26_may_2020_and_shade_a_sourced_peak(events):
    protests = row(events, "floyd-protests-begin")
    assert protests["date"] == pd.Timestamp("2020-05-26")
    assert protests["category"] == "protest"
    assert protests["end_date"] == pd.Timestamp("2020-06-07")
    assert "peak" in protests["notes"], "the notes must say the end date marks the peak, not the end"


def test_curfews_in_200_cities_by_3_june_2020(events):
    curfews = row(events, "floyd-curfews-200-cities")
    assert curfews["date"] == pd.Timestamp("2020-06-03")
    assert "200" in curfews["headline"]


@pytest.mark.parametrize(
    ("event_id", "date", "level", "place"),
    [
        ("sf-ban", "2019-05-14", "city", "San Francisco, CA"),
        ("somerville-ban", "2019-06-27", "city", "Somerville, MA"),
        ("oakland-ban", "2019-07-16", "city", "Oakland, CA"),
        ("ca-ab1215", "2019-10-08", "state", "California"),
        ("berkeley-ban", "2019-10-15", "city", "Berkeley, CA"),
        ("brookline-ban", "2019-12-01", "city", "Brookline, MA"),
        ("northampton-ban", "2019-12-19", "city", "Northampton, MA"),
        ("cambridge-ban", "2020-01-13", "city", "Cambridge, MA"),
        ("springfield-moratorium", "2020-02-24", "city", "Springfield, MA"),
        ("wa-sb6280", "2020-03-31", "state", "Washington"),
        ("boston-ban", "2020-06-24", "city", "Boston, MA"),
        ("portland-me-council-ban", "2020-08-03", "city", "Portland, ME"),
        ("portland-or-ban", "2020-09-09", "city", "Portland, OR"),
        ("vermont-s124", "2020-10-07", "state", "Vermont"),
        ("portland-me-ballot", "2020-11-03", "city", "Portland, ME"),
        ("ma-police-reform-law", "2020-12-31", "state", "Massachusetts"),
        ("minneapolis-ban", "2021-02-12", "city", "Minneapolis, MN"),
        ("virginia-hb2031", "2021-04-07", "state", "Virginia"),
        ("king-county-ban", "2021-06-01", "county", "King County, WA"),
    ],
)
def test_every_government_ban_or_limit_is_counted_with_its_place(events, event_id, date, level, place):
    ban = row(events, event_id)
    assert ban["date"] == pd.Timestamp(date)
    assert ban["category"] == "policy"
    assert ban["ban"] == level
    assert ban["place"] == place


def test_only_the_listed_bans_are_counted(events):
    assert events["ban"].notna().sum() == 19


def test_ten_measures_came_before_amazons_pause_and_nine_after_george_floyds_killing(events):
    # The sentence "most came after Floyd" depends on the earlier bans having rows.
    measures = events[events["ban"].notna()]
    assert (measures["date"] < pd.Timestamp("2020-06-10")).sum() == 10
    assert (measures["date"] > pd.Timestamp("2020-05-25")).sum() == 9


def test_every_massachusetts_place_with_a_ban_before_boston_has_a_row(events):
    # Boston's row says Springfield, Cambridge, Northampton, Brookline and Somerville came first.
    earlier = events[(events["ban"].notna()) & (events["date"] < row(events, "boston-ban")["date"])]
    for town in ("Springfield", "Cambridge", "Northampton", "Brookline", "Somerville"):
        assert f"{town}, MA" in set(earlier["place"]), town


def test_every_ban_row_has_a_measure_and_a_place_and_no_other_row_does(events):
    has_ban = events["ban"].notna()
    assert events.loc[has_ban, "measure"].isin(["ban", "limit"]).all()
    assert (events.loc[has_ban, "place"].str.strip() != "").all()
    assert events.loc[~has_ban, ["measure", "place"]].isna().all().all()


def test_the_three_laws_that_restrict_rather_than_ban_are_the_only_limits(events):
    limits = events.loc[events["measure"] == "limit", "id"]
    assert set(limits) == {"ca-ab1215", "wa-sb6280", "ma-police-reform-law"}


@pytest.mark.parametrize("event_id", ["ca-ab1215", "wa-sb6280", "ma-police-reform-law"])
def test_the_notes_of_a_limit_still_explain_it_to_readers(events, event_id):
    assert row(events, event_id)["notes"].startswith("Restricts rather than bans")


def test_portland_maines_council_ban_and_ballot_measure_share_one_place(events):
    council, ballot = row(events, "portland-me-council-ban"), row(events, "portland-me-ballot")
    assert council["place"] == ballot["place"] == "Portland, ME"
    assert events.loc[events["place"] == "Portland, ME", "id"].tolist() == ["portland-me-council-ban", "portland-me-ballot"]


def test_the_19_measures_cover_18_places(events):
    assert events["place"].nunique() == 18


def test_notes_no_longer_carry_machine_conventions(events):
    notes = events["notes"].fillna("")
    assert not notes.str.contains("counted as a state limit in ban").any()
    assert not notes[events["ban"].notna()].str.contains(r"\brow [a-z0-9-]+", regex=True).any()


def test_bills_that_never_became_law_are_not_counted_as_bans(events):
    for event_id in ("justice-in-policing-act", "fr-moratorium-act", "ma-legislature-passes-ban", "house-passes-hr1280"):
        assert pd.isna(row(events, event_id)["ban"]), event_id


def test_the_houses_2021_vote_during_amazons_pause_has_its_own_row(events):
    vote = row(events, "house-passes-hr1280")
    assert vote["date"] == pd.Timestamp("2021-03-03")
    assert vote["actor"] == "US House of Representatives"
    assert pd.Timestamp("2020-06-10") < vote["date"] < row(events, "amzn-moratorium-extended")["date"]


def test_ibms_first_session_is_settled_by_the_prices(events):
    session = row(events, "ibm-first-session")
    assert session["confidence"] == "high"
    assert "2.9%" in session["headline"]
    assert "conflict" not in session["headline"].lower()


def test_amazons_close_on_the_announcement_day_is_sourced_to_the_prices_not_a_day_old_article(events):
    close = row(events, "amzn-close-2020-06-10")
    assert "$2,647.45" in close["description"]
    assert "github.com" in close["source_url"]
    assert "benzinga.com/news/20/06/16218615" not in close["source_url"]
    assert "amzn-after-hours" not in set(events["id"])


def test_urls_in_notes_carry_no_copied_typo(events):
    assert not events["notes"].fillna("").str.contains("susset").any()
    assert "facial-recognition-sunset-racial-justice-reforms" in row(events, "ibm-exits-fr")["notes"]


def test_no_text_names_a_seed_instead_of_its_publication(events):
    text = events[["headline", "description", "notes"]].fillna("").agg(" ".join, axis=1)
    assert not text.str.contains(r"\bseed\b", case=False, regex=True).any()


@pytest.mark.parametrize(
    ("event_id", "date", "session", "ticker", "reaction"),
    [
        ("ibm-exits-fr", "2020-06-08", "post", "IBM", "2020-06-09"),
        ("amzn-moratorium", "2020-06-10", "post", "AMZN", "2020-06-11"),
        ("msft-police-pledge", "2020-06-11", "unknown", "MSFT", "2020-06-11"),
    ],
)
def test_june_2020_announcements_carry_their_market_sessions(events, event_id, date, session, ticker, reaction):
    announcement = row(events, event_id)
    assert announcement["date"] == pd.Timestamp(date)
    assert announcement["market_session"] == session
    assert announcement["ticker"] == ticker
    assert fr.reaction_session(announcement["date"], announcement["market_session"]) == pd.Timestamp(reaction)


def test_amazons_moratorium_is_first_reflected_in_the_close_of_11_june_2020(events):
    amazon = row(events, "amzn-moratorium")
    assert fr.reaction_session(amazon.date, amazon.market_session) == pd.Timestamp("2020-06-11")


def test_microsofts_unknown_session_is_justified_in_the_notes(events):
    assert "not verified" in row(events, "msft-police-pledge")["notes"]


def test_amazons_extension_has_an_unknown_session(events):
    extension = row(events, "amzn-moratorium-extended")
    assert extension["date"] == pd.Timestamp("2021-05-18")
    assert extension["market_session"] == "unknown"
    assert extension["ticker"] == "AMZN"


def test_news_on_a_weekend_or_holiday_is_marked_closed(events):
    dated = events[events["date_precision"] == "day"]
    shut = dated[[not fr.is_session(day) for day in dated["date"]]]
    assert len(shut) >= 2  # a Saturday story and Memorial Day
    assert (shut["market_session"] == "closed").all()


def test_month_precision_dates_are_the_first_of_the_month(events):
    months = events[events["date_precision"] == "month"]
    assert len(months) >= 2
    assert (months["date"].dt.day == 1).all()
    assert row(events, "wcso-adopts-rekognition")["date"] == pd.Timestamp("2016-12-01")


def test_tickers_are_only_the_story_companies(events):
    assert set(events["ticker"].dropna()) <= {"AMZN", "IBM", "MSFT", "GOOGL"}


@pytest.mark.parametrize(
    ("event_id", "ticker"),
    [
        ("rekognition-launch", "AMZN"),
        ("msft-fr-principles", "MSFT"),
        ("google-no-fr-api", "GOOGL"),
        ("aws-legislation-guidelines", "AMZN"),
        ("ibm-exits-fr", "IBM"),
        ("amzn-moratorium", "AMZN"),
        ("msft-police-pledge", "MSFT"),
        ("amzn-moratorium-extended", "AMZN"),
    ],
)
def test_corporate_events_of_the_story_companies_name_their_ticker(events, event_id, ticker):
    assert row(events, event_id)["ticker"] == ticker


def test_every_event_links_an_http_source(events):
    assert events["source_url"].str.match(r"^https?://[^\s/]+").all()


def test_headlines_fit_in_90_characters(events):
    assert events["headline"].str.len().max() <= 90


def _shingles(text: str, size: int) -> set[str]:
    words = [w.strip(".,") for w in re.findall(r"[a-z0-9$%.,'-]+", text.lower())]
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


# Official names may be quoted verbatim.
PROPER_NAMES = ("Facial Recognition and Biometric Technology Moratorium Act",)


def test_headlines_and_descriptions_are_in_our_own_words(events):
    if not RESEARCH.is_file():
        pytest.skip(f"research fact sheet not found at {RESEARCH}")
    sources = RESEARCH.read_text(encoding="utf-8") + "\n".join(
        p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))
    )
    borrowed = _shingles(sources, 8)
    copied = {}
    for event_id, headline, description in zip(events["id"], events["headline"], events["description"]):
        text = f"{headline}\n{description}"
        for name in PROPER_NAMES:
            text = text.replace(name, "")
        shared = _shingles(text, 8) & borrowed
        if shared:
            copied[event_id] = sorted(shared)[0]
    assert not copied, f"runs of 8+ words copied from the research or seeds: {copied}"


def test_notes_paraphrase_the_research_caveats(events):
    if not RESEARCH.is_file():
        pytest.skip(f"research fact sheet not found at {RESEARCH}")
    borrowed = _shingles(RESEARCH.read_text(encoding="utf-8"), 10)
    copied = {i: sorted(_shingles(n, 10) & borrowed)[0] for i, n in zip(events["id"], events["notes"].fillna(""))
              if _shingles(n, 10) & borrowed}
    assert not copied, f"runs of 10+ words copied from the research: {copied}"


def test_loading_records_the_read_in_the_provenance_log(tmp_path, monkeypatch):
    log = tmp_path / "reads.jsonl"
    monkeypatch.setenv("FRSTORY_READ_LOG", str(log))
    events = fr.load_events(extensions=STORY)
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert [e["kind"] for e in entries] == ["events"]
    assert entries[0]["path"] == str((ROOT / "data" / "events.csv").resolve())
    assert entries[0]["sha256"] == events.attrs["sha256"]


# --- synthetic events follow the same schema ----------------------------------------------------


def test_synthetic_events_pass_the_events_schema():
    synthetic = fr.synthetic_events()
    assert validate_events(synthetic) is synthetic
    EVENTS_SCHEMA.validate(synthetic)


def test_synthetic_events_have_the_loaders_generic_columns_and_dtypes(events):
    synthetic = fr.synthetic_events()
    assert list(synthetic.columns) == list(EVENT_COLUMNS)
    assert synthetic.dtypes.to_dict() == events[list(EVENT_COLUMNS)].dtypes.to_dict()


def test_the_toolkits_synthetic_events_carry_no_story_columns():
    assert not {"ban", "measure", "place"} & set(fr.synthetic_events().columns)


def test_the_storys_example_events_pass_the_story_extension(events):
    example = story_schema.example_events()
    assert validate_events(example, extensions=STORY) is example
    assert example.dtypes.to_dict() == events.dtypes.to_dict()


def test_a_frame_with_plain_object_columns_breaks_the_frame_contract():
    frame = fr.synthetic_events()
    frame["category"] = frame["category"].astype(object)
    with pytest.raises(fr.DataValidationError) as err:
        validate_events(frame, source="my frame")
    assert "my frame, column 'category': 'object' is not the pandas 'string' dtype" in str(err.value)
    assert "astype('string')" in str(err.value)


def test_a_frame_ban_row_without_a_place_is_reported_by_row():
    frame = story_schema.example_events()
    position = frame.index[frame["id"] == "syn-rule-3"][0]
    frame.loc[position, "place"] = pd.NA
    with pytest.raises(fr.DataValidationError) as err:
        validate_events(frame, source="my frame", extensions=STORY)
    [problem] = err.value.problems
    assert (problem["column"], problem["value"]) == ("place", None)
    assert f"is empty although ban is set (row {position})" in str(err.value)
    assert "fill in place: the jurisdiction" in problem["fix"]


def test_a_frame_measure_on_a_non_ban_row_is_reported_by_row():
    frame = story_schema.example_events()
    position = frame.index[frame["id"] == "syn-a-pause"][0]
    frame.loc[position, "measure"] = "ban"
    with pytest.raises(fr.DataValidationError) as err:
        validate_events(frame, extensions=STORY)
    [problem] = err.value.problems
    assert (problem["column"], problem["value"]) == ("measure", "ban")
    assert f"(row {position})" in problem["message"]


def test_a_frame_month_date_that_is_not_the_first_is_reported_by_row():
    frame = fr.synthetic_events()
    position = frame.index[frame["id"] == "syn-rule-3"][0]
    frame.loc[position, "date"] = pd.Timestamp("2019-12-15")
    with pytest.raises(fr.DataValidationError) as err:
        validate_events(frame)
    [problem] = err.value.problems
    assert problem["column"] == "date"
    assert problem["value"] == "2019-12-15"
    assert f"(row {position})" in problem["message"]


# --- bad input: synthetic CSV files -------------------------------------------------------------

SYNTHETIC_ROWS = [
    {
        "id": "syn-ban", "date": "2019-05-14", "date_precision": "day", "time_et": "",
        "market_session": "unknown", "category": "policy", "actor": "Synthetic City",
        "headline": "Synthetic city bans the tool", "description": "A made-up ban (synthetic test row).",
        "source_url": "https://example.org/syn-ban", "confidence": "high", "notes": "Synthetic.",
        "ticker": "", "end_date": "", "ban": "city", "measure": "ban", "place": "Synthville, ZZ",
    },
    {
        "id": "syn-pause", "date": "2020-06-10", "date_precision": "day", "time_et": "17:43",
        "market_session": "post", "category": "corporate", "actor": "SYNA Inc",
        "headline": "SYNA pauses a product line", "description": "A made-up announcement (synthetic test row).",
        "source_url": "https://example.org/syn-pause", "confidence": "medium", "notes": "",
        "ticker": "SYNA", "end_date": "", "ban": "", "measure": "", "place": "",
    },
    {
        "id": "syn-protest", "date": "2020-05", "date_precision": "month", "time_et": "",
        "market_session": "unknown", "category": "protest", "actor": "Synthetic marchers",
        "headline": "Synthetic protests", "description": "A made-up protest period (synthetic test row).",
        "source_url": "http://example.org/syn-protest", "confidence": "low", "notes": "",
        "ticker": "", "end_date": "2020-06-20", "ban": "", "measure": "", "place": "",
    },
]


def write_events(tmp_path: Path, edits: dict[int, dict] | None = None, *, rows=None, columns=STORY_COLUMNS) -> Path:
    """Write the synthetic rows (row i is on CSV line i + 2), with ``edits[i]`` applied to row i."""
    return write_rows(tmp_path / "synthetic-events.csv", SYNTHETIC_ROWS if rows is None else rows, edits, columns)


def load_error(path: Path) -> fr.DataValidationError:
    with pytest.raises(fr.DataValidationError) as err:
        fr.load_events(path, extensions=STORY)
    return err.value


def test_the_synthetic_file_itself_is_valid(tmp_path):
    events = fr.load_events(write_events(tmp_path), extensions=STORY)
    assert list(events["id"]) == ["syn-ban", "syn-protest", "syn-pause"]  # date order
    assert events.loc[events["id"] == "syn-protest", "date"].item() == pd.Timestamp("2020-05-01")


def test_unknown_category(tmp_path):
    path = write_events(tmp_path, {1: {"category": "business"}})
    assert_reported(load_error(path), path, line=3, column="category", value="business",
                    fix="use one of corporate, policy, protest, research, incident, market")


def test_a_misspelled_category_is_told_the_closest_one(tmp_path):
    path = write_events(tmp_path, {1: {"category": "polcy"}})
    assert_reported(load_error(path), path, line=3, column="category", value="polcy",
                    fix="(did you mean 'policy'?)")


def test_a_date_that_is_not_a_real_date(tmp_path):
    path = write_events(tmp_path, {0: {"date": "2019-02-30"}})
    assert_reported(load_error(path), path, line=2, column="date", value="2019-02-30", fix="YYYY-MM-DD")


def test_a_date_in_another_format(tmp_path):
    path = write_events(tmp_path, {0: {"date": "14/05/2019"}})
    assert_reported(load_error(path), path, line=2, column="date", value="14/05/2019", fix="YYYY-MM-DD")


def test_a_month_date_with_day_precision(tmp_path):
    path = write_events(tmp_path, {0: {"date": "2019-05"}})
    problem = assert_reported(load_error(path), path, line=2, column="date", value="2019-05",
                              fix="YYYY-MM with date_precision 'month'")
    assert "does not match date_precision" in problem["message"]


def test_a_full_date_with_month_precision(tmp_path):
    path = write_events(tmp_path, {2: {"date": "2020-05-26"}})
    assert_reported(load_error(path), path, line=4, column="date", value="2020-05-26",
                    fix="YYYY-MM-DD for date_precision 'day'")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/file", "example.org/no-scheme", "https://"])
def test_a_source_that_is_not_http(tmp_path, url):
    path = write_events(tmp_path, {1: {"source_url": url}})
    assert_reported(load_error(path), path, line=3, column="source_url", value=url, fix="https://")


def test_a_duplicate_id_names_both_lines(tmp_path):
    path = write_events(tmp_path, {2: {"id": "syn-ban"}})
    error = load_error(path)
    first = assert_reported(error, path, line=2, column="id", value="syn-ban", fix="own id")
    second = assert_reported(error, path, line=4, column="id", value="syn-ban", fix="own id")
    assert "line 4" in first["message"]
    assert "line 2" in second["message"]


@pytest.mark.parametrize("bad_id", ["SYN-BAN", "syn ban", "syn_ban", "syn-ban!"])
def test_an_id_that_is_not_a_slug(tmp_path, bad_id):
    path = write_events(tmp_path, {0: {"id": bad_id}})
    assert_reported(load_error(path), path, line=2, column="id", value=bad_id, fix="lowercase letters a-z, digits and '-'")


def test_a_headline_over_90_characters(tmp_path):
    headline = "Synthetic " + "x" * 81
    assert len(headline) == 91
    path = write_events(tmp_path, {1: {"headline": headline}})
    assert_reported(load_error(path), path, line=3, column="headline", value=headline, fix="90 characters or fewer")


def test_a_headline_of_exactly_90_characters_is_fine(tmp_path):
    path = write_events(tmp_path, {1: {"headline": "Synthetic " + "x" * 80}})
    assert len(fr.load_events(path, extensions=STORY)) == 3


# Invisible characters that garble or spoof a page, each with how the message must name it.
CONTROL_CHARACTERS = [
    ("\u202e", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    ("\u2067", "U+2067 (RIGHT-TO-LEFT ISOLATE)"),
    ("\x00", "U+0000 (NULL)"),
    ("\x1b", "U+001B (ESCAPE)"),
    ("\x85", "U+0085 (NEXT LINE)"),
]


@pytest.mark.parametrize(("char", "named"), CONTROL_CHARACTERS)
def test_an_invisible_control_character_in_a_headline_is_named_with_where_it_is(tmp_path, char, named):
    headline = "Synthetic " + char + "headline"
    path = write_events(tmp_path, {1: {"headline": headline}})
    problem = assert_reported(load_error(path), path, line=3, column="headline", value=headline, fix="delete it")
    assert problem["message"] == f"contains the invisible control character {named} at character 11"


@pytest.mark.parametrize("column", ["actor", "description", "notes", "place"])
def test_every_free_text_column_refuses_control_characters(tmp_path, column):
    text = "Synthetic\u202e text"
    path = write_events(tmp_path, {0: {column: text}})
    assert_reported(load_error(path), path, line=2, column=column, value=text, fix="delete it")


def test_direction_marks_tabs_and_line_breaks_in_text_are_fine(tmp_path):
    # LRM/RLM steer only their neighbours (right-to-left names need them); a quoted cell may span lines.
    path = write_events(tmp_path, {0: {"actor": "Synthetic \u200fCity\u200e",
                                       "description": "A made-up ban,\r\nwritten over two lines.\tSynthetic."}})
    events = fr.load_events(path, extensions=STORY).set_index("id")
    assert events.loc["syn-ban", "actor"] == "Synthetic \u200fCity\u200e"


def test_a_frame_with_a_control_character_in_its_text_is_reported_by_row():
    frame = fr.synthetic_events()
    frame.loc[0, "headline"] = "Synthetic \u202eheadline"
    with pytest.raises(fr.DataValidationError) as err:
        validate_events(frame, source="my frame")
    [problem] = err.value.problems
    assert problem["column"] == "headline"
    assert problem["message"] == "contains the invisible control character U+202E (RIGHT-TO-LEFT OVERRIDE) at character 11 (row 0)"


@pytest.mark.parametrize("time_et", ["5:43 pm", "24:00", "17.43", "1743"])
def test_a_time_that_is_not_24_hour_hh_mm(tmp_path, time_et):
    path = write_events(tmp_path, {1: {"time_et": time_et}})
    assert_reported(load_error(path), path, line=3, column="time_et", value=time_et, fix="HH:MM")


@pytest.mark.parametrize(
    ("column", "value", "fix"),
    [
        ("market_session", "after-hours", "use one of pre, regular, post, closed, unknown"),
        ("confidence", "certain", "use high, medium or low"),
        ("ban", "town", "use one of city, county, state, or leave it empty (declared by the extension 'government measures'"),
        ("measure", "moratorium", "use one of ban, limit, or leave it empty"),
        ("date_precision", "year", "use 'day' or 'month'"),
    ],
)
def test_a_value_outside_its_allowed_set(tmp_path, column, value, fix):
    path = write_events(tmp_path, {0: {column: value}})
    assert_reported(load_error(path), path, line=2, column=column, value=value, fix=fix)


def test_an_end_date_before_the_date(tmp_path):
    path = write_events(tmp_path, {2: {"end_date": "2020-04-30"}})
    assert_reported(load_error(path), path, line=4, column="end_date", value="2020-04-30", fix="on or after date")


def test_a_closed_session_on_a_trading_day(tmp_path):
    path = write_events(tmp_path, {1: {"market_session": "closed", "time_et": ""}})
    assert_reported(load_error(path), path, line=3, column="market_session", value="closed",
                    fix="'pre', 'regular' or 'post'")


def test_a_trading_session_on_a_saturday(tmp_path):
    path = write_events(tmp_path, {1: {"date": "2020-06-13", "time_et": ""}})
    assert_reported(load_error(path), path, line=3, column="market_session", value="post", fix="use 'closed'")


def test_a_session_that_contradicts_the_time(tmp_path):
    path = write_events(tmp_path, {1: {"time_et": "11:15"}})  # during the session, not after it
    assert_reported(load_error(path), path, line=3, column="market_session", value="post",
                    fix="set market_session from time_et")


def test_news_after_a_half_day_close_is_post_session(tmp_path):
    # 2020-11-27, the day after Thanksgiving, closed at 13:00 ET
    path = write_events(tmp_path, {1: {"date": "2020-11-27", "time_et": "14:00", "market_session": "post"}})
    assert fr.load_events(path, extensions=STORY).loc[lambda e: e["id"] == "syn-pause", "market_session"].item() == "post"


def test_a_ban_on_an_event_that_is_not_policy(tmp_path):
    path = write_events(tmp_path, {1: {"ban": "city"}})
    assert_reported(load_error(path), path, line=3, column="ban", value="city", fix="set category to 'policy' on this row")


def test_a_measure_without_a_ban_level(tmp_path):
    path = write_events(tmp_path, {1: {"measure": "limit"}})
    problem = assert_reported(load_error(path), path, line=3, column="measure", value="limit",
                              fix="set ban (the level of government that enacted a ban or limit: city, county, state) as well")
    assert problem["message"] == "is set but ban is empty"


def test_a_ban_level_without_a_measure(tmp_path):
    path = write_events(tmp_path, {0: {"measure": ""}})
    problem = assert_reported(load_error(path), path, line=2, column="measure", value=None,
                              fix="fill in measure: 'ban' for an outright ban or 'limit'")
    assert problem["message"] == "is empty although ban is set"


def test_a_ban_level_without_a_place(tmp_path):
    path = write_events(tmp_path, {0: {"place": ""}})
    problem = assert_reported(load_error(path), path, line=2, column="place", value=None,
                              fix="fill in place: the jurisdiction that enacted it")
    assert problem["message"] == "is empty although ban is set"


def test_a_place_without_a_ban_level(tmp_path):
    path = write_events(tmp_path, {2: {"place": "Synthville, ZZ"}})
    assert_reported(load_error(path), path, line=4, column="place", value="Synthville, ZZ",
                    fix="as well, or leave place empty")


def test_a_blank_place(tmp_path):
    path = write_events(tmp_path, {0: {"place": "   "}})
    [problem] = load_error(path).problems
    assert (problem["line"], problem["column"], problem["value"]) == (2, "place", "   ")
    assert problem["message"] == "is blank"
    assert "the jurisdiction that enacted it" in problem["fix"]


def second_measure(**changes) -> list[dict]:
    """The synthetic rows plus a second synthetic measure (CSV line 5) with ``changes``."""
    extra = dict(SYNTHETIC_ROWS[0], id="syn-rule-again", date="2020-09-09", headline="Synthetic city bans it again")
    return [*SYNTHETIC_ROWS, {**extra, **changes}]


def test_two_measures_of_one_place_share_its_place(tmp_path):
    events = fr.load_events(write_events(tmp_path, rows=second_measure()), extensions=STORY)
    assert events.loc[events["ban"].notna(), "place"].tolist() == ["Synthville, ZZ", "Synthville, ZZ"]


def test_one_place_at_two_ban_levels(tmp_path):
    path = write_events(tmp_path, rows=second_measure(ban="state"))
    error = load_error(path)
    for line in (2, 5):
        problem = assert_reported(error, path, line=line, column="place", value="Synthville, ZZ",
                                  fix="give all measures of one place the same ban level")
        assert problem["message"] == "has measures at more than one ban level"


def test_one_place_spelled_two_ways(tmp_path):
    path = write_events(tmp_path, rows=second_measure(place="synthville,  ZZ"))
    error = load_error(path)
    assert_reported(error, path, line=2, column="place", value="Synthville, ZZ", fix="exactly the same way")
    assert_reported(error, path, line=5, column="place", value="synthville,  ZZ", fix="exactly the same way")


def test_a_known_session_for_a_month_precision_date(tmp_path):
    path = write_events(tmp_path, {2: {"market_session": "regular"}})
    assert_reported(load_error(path), path, line=4, column="market_session", value="regular", fix="'unknown'")


def test_an_empty_required_cell(tmp_path):
    path = write_events(tmp_path, {0: {"actor": ""}})
    problem = [p for p in load_error(path).problems if p["column"] == "actor"][0]
    assert problem["line"] == 2
    assert problem["value"] is None
    assert problem["message"] == "is empty"
    assert "who acted" in problem["fix"]


def test_a_missing_column(tmp_path):
    path = write_events(tmp_path, columns=[c for c in STORY_COLUMNS if c != "confidence"])
    error = load_error(path)
    assert_reported(error, path, line=1, column="confidence", value="confidence", fix="add the column 'confidence'")
    assert "id,date,date_precision,time_et,market_session" in str(error)


def test_an_unknown_extra_column(tmp_path):
    rows = [dict(r, source="x") for r in SYNTHETIC_ROWS]
    path = write_events(tmp_path, rows=rows, columns=[*STORY_COLUMNS, "source"])
    problem = assert_reported(load_error(path), path, line=1, column="source", value="source", fix="remove the column")
    assert "declare it in an EventExtension" in problem["fix"]
    assert "'government measures'" in problem["fix"]  # the extensions passed, which do not declare it


def test_a_row_with_the_wrong_number_of_fields(tmp_path):
    path = write_events(tmp_path)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("syn-extra,2020-06-11,day\n")
    [problem] = load_error(path).problems
    assert problem["line"] == 5
    assert "has 3 fields but the header has 17" in problem["message"]
    assert "double quotes" in problem["fix"]


def test_all_problems_are_listed_at_once(tmp_path):
    path = write_events(tmp_path, {0: {"id": "Bad Id"}, 1: {"confidence": "certain"}, 2: {"category": "business"}})
    error = load_error(path)
    assert [(p["line"], p["column"]) for p in error.problems] == [(2, "id"), (3, "confidence"), (4, "category")]
    assert str(error).startswith(f"{path}: 3 problems in the events file:")


def test_line_numbers_count_quoted_line_breaks(tmp_path):
    path = write_events(tmp_path, {0: {"description": "A made-up ban,\nwritten over\nthree lines."},
                                   1: {"category": "business"}})
    # Row 0 fills lines 2-4, so row 1 starts on line 5.
    assert_reported(load_error(path), path, line=5, column="category", value="business", fix="use one of")


def test_a_file_that_does_not_exist(tmp_path):
    path = tmp_path / "no-such-events.csv"
    error = load_error(path)
    assert str(path) in str(error)
    assert "does not exist" in str(error)
    assert "Fix:" in str(error)


def test_an_empty_file(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("", encoding="utf-8")
    error = load_error(path)
    assert f"{path}: the events file is empty" in str(error)
    assert "id,date,date_precision" in str(error)


def test_a_header_without_rows(tmp_path):
    path = write_events(tmp_path, rows=[])
    assert "has a header but no rows" in str(load_error(path))


def test_a_file_that_is_not_utf8(tmp_path):
    path = write_events(tmp_path, {0: {"actor": "Synthetic Café"}})
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    error = load_error(path)
    assert f"{path}, line 2" in str(error)
    assert "UTF-8" in str(error)


def test_a_byte_order_mark_is_not_part_of_the_header(tmp_path):
    path = write_events(tmp_path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert list(fr.load_events(path, extensions=STORY).columns) == list(STORY_COLUMNS)


# --- extensions: columns and rules a story declares ----------------------------------------------

GENERIC_ROWS = [{c: v for c, v in r.items() if c in EVENT_COLUMNS} for r in SYNTHETIC_ROWS]

COLOUR = ExtensionColumn("colour", "the paint colour of a synthetic event", values=("red", "blue"))
SIZE = ExtensionColumn("size", "its size in synthetic units", dtype="float64")
DUE = ExtensionColumn("due", "the day it is due", dtype="date")
SIZE_POSITIVE = ExtensionRule(
    "size_positive", "size", ("size", "colour"),
    lambda f: ~(f["colour"].notna() & ~(f["size"] > 0)),
    "is not above 0 although colour is set", "give a size above 0 for a painted event",
)
PAINT = EventExtension("synthetic paint", (COLOUR, SIZE, DUE), (SIZE_POSITIVE,))
PAINT_COLUMNS = [*EVENT_COLUMNS, "colour", "size", "due"]
PAINTED = [dict(GENERIC_ROWS[0], colour="red", size="2.5", due="2019-06-01"),
           dict(GENERIC_ROWS[1], colour="", size="", due=""),
           dict(GENERIC_ROWS[2], colour="blue", size="1", due="")]


def write_painted(tmp_path: Path, edits: dict[int, dict] | None = None, *, columns=PAINT_COLUMNS) -> Path:
    return write_rows(tmp_path / "painted-events.csv", PAINTED, edits, columns)


def paint_error(path: Path, extensions=(PAINT,)) -> fr.DataValidationError:
    with pytest.raises(fr.DataValidationError) as err:
        fr.load_events(path, extensions=extensions)
    return err.value


def test_declared_columns_follow_the_generic_ones_with_their_dtypes(tmp_path):
    events = fr.load_events(write_painted(tmp_path), extensions=[PAINT])
    assert list(events.columns) == PAINT_COLUMNS
    assert isinstance(events["colour"].dtype, pd.StringDtype)
    assert events["size"].dtype == np.dtype("float64")
    assert events["due"].dtype == np.dtype("datetime64[ns]")
    assert events.set_index("id").loc["syn-ban", ["colour", "size", "due"]].tolist() == ["red", 2.5, pd.Timestamp("2019-06-01")]


def test_one_extension_may_be_passed_without_a_list(tmp_path):
    assert list(fr.load_events(write_painted(tmp_path), extensions=PAINT).columns) == PAINT_COLUMNS


def test_a_value_outside_a_declared_set_names_the_extension(tmp_path):
    path = write_painted(tmp_path, {2: {"colour": "green"}})
    problem = assert_reported(paint_error(path), path, line=4, column="colour", value="green",
                              fix="use one of red, blue, or leave it empty")
    assert "declared by the extension 'synthetic paint'" in problem["fix"]


def test_a_declared_number_column_rejects_text(tmp_path):
    path = write_painted(tmp_path, {0: {"size": "2,5"}})
    assert_reported(paint_error(path), path, line=2, column="size", value="2,5", fix="write digits with a '.'")


def test_a_declared_date_column_rejects_a_date_that_does_not_exist(tmp_path):
    path = write_painted(tmp_path, {0: {"due": "2019-02-30"}})
    assert_reported(paint_error(path), path, line=2, column="due", value="2019-02-30", fix="YYYY-MM-DD")


def test_an_extension_rule_names_file_line_column_value_and_fix(tmp_path):
    path = write_painted(tmp_path, {2: {"size": "0"}})
    problem = assert_reported(paint_error(path), path, line=4, column="size", value="0",
                              fix="give a size above 0 for a painted event")
    assert problem["message"] == "is not above 0 although colour is set"


def test_an_extension_rule_sees_typed_columns_on_the_csv_text(tmp_path):
    # "10" > 0 as text would fail to compare; the rule gets float64 and passes.
    assert len(fr.load_events(write_painted(tmp_path, {2: {"size": "10"}}), extensions=[PAINT])) == 3


def test_an_extension_rule_that_changes_its_view_changes_nothing_the_next_rule_or_the_loader_sees(tmp_path):
    def scribbles(view):  # a careless rule: it overwrites the sizes it was given
        view["size"] = -1.0
        return view["size"] < 0

    careless = ExtensionRule("scribbles", "size", ("size",), scribbles, "m", "f")
    paint = EventExtension("synthetic paint", (COLOUR, SIZE, DUE), (careless, SIZE_POSITIVE))
    events = fr.load_events(write_painted(tmp_path), extensions=[paint])
    assert events.set_index("id").loc["syn-ban", "size"] == 2.5


def test_an_undeclared_column_is_an_error_that_says_how_to_declare_it(tmp_path):
    path = write_painted(tmp_path)
    error = paint_error(path, extensions=())
    for column in ("colour", "size", "due"):
        problem = assert_reported(error, path, line=1, column=column, value=column, fix="remove the column")
        assert problem["message"] == "is not a known column"
        assert "declare it in an EventExtension (frstory.data.events)" in problem["fix"]
        assert "fr.load_events(path, extensions=[...])" in problem["fix"]


def test_a_declared_column_missing_from_the_file_is_reported(tmp_path):
    path = write_painted(tmp_path, columns=[c for c in PAINT_COLUMNS if c != "due"])
    assert_reported(paint_error(path), path, line=1, column="due", value="due", fix="add the column 'due'")


def test_a_frame_is_validated_against_its_extensions():
    frame = fr.synthetic_events().assign(colour=pd.array(["red"] * 10, dtype="string"), size=1.0,
                                         due=pd.NaT).astype({"due": "datetime64[ns]"})
    assert validate_events(frame, extensions=[PAINT]) is frame
    frame["size"] = frame["size"].astype(object)
    with pytest.raises(fr.DataValidationError) as err:
        validate_events(frame, extensions=[PAINT])
    assert "column 'size': 'object' is not float64" in str(err.value)


def test_events_schema_without_extensions_is_the_generic_contract():
    assert events_schema() is EVENTS_SCHEMA
    assert list(events_schema([PAINT]).columns) == PAINT_COLUMNS


def test_an_extension_cannot_redeclare_a_generic_column():
    clash = EventExtension("clash", (ExtensionColumn("ticker", "a second ticker"),))
    with pytest.raises(ValueError, match="'ticker', which the generic events contract already has"):
        event_columns([clash])


def test_two_extensions_cannot_declare_one_column():
    again = EventExtension("more paint", (ExtensionColumn("colour", "another colour"),))
    with pytest.raises(ValueError, match="'colour', which another extension already has"):
        event_columns([PAINT, again])


def test_a_rule_cannot_read_a_column_nobody_declared():
    stray = EventExtension("stray", (COLOUR,), (ExtensionRule("k", "colour", ("shade",), lambda f: f["shade"].isna(), "m", "f"),))
    with pytest.raises(ValueError, match="reads 'shade'"):
        event_columns([stray])


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"name": "Colour"}, "lowercase"),
    ({"name": "colour", "dtype": "int"}, "dtype 'int'"),
    ({"name": "colour", "dtype": "float64", "values": ("1",)}, "need dtype 'string'"),
])
def test_a_malformed_column_declaration_is_refused_when_written(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ExtensionColumn(help="h", **kwargs)


# --- market rows agree with the prices they cite ---------------------------------------------------

MARKET = ROOT.parent / "shared" / "market"


def _closes(ticker: str) -> pd.Series:
    path = MARKET / f"{ticker}.csv"
    if not path.is_file():
        pytest.skip(f"the market snapshot is not available ({path} missing)")
    return pd.read_csv(path, index_col="date")["close"]


@pytest.mark.parametrize(("event_id", "ticker", "before", "day"), [
    ("ibm-first-session", "IBM", "2020-06-08", "2020-06-09"),
    ("amzn-close-2020-06-10", "AMZN", "2020-06-09", "2020-06-10"),
])
def test_a_market_rows_closes_and_change_are_the_snapshots(events, event_id, ticker, before, day):
    closes = _closes(ticker)
    text = row(events, event_id)["description"]
    assert f"${closes[day]:,.2f}" in text
    assert f"${closes[before]:,.2f}" in text
    assert f"{abs(closes[day] / closes[before] - 1):.1%}" in text


def test_ibms_first_session_names_the_sp500s_move_from_the_snapshot(events):
    closes = _closes("GSPC")
    change = closes["2020-06-09"] / closes["2020-06-08"] - 1
    assert f"S&P 500 fell {abs(change):.1%}" in row(events, "ibm-first-session")["description"]


def test_extensions_that_are_not_declarations_are_refused_with_what_to_pass(tmp_path):
    with pytest.raises(TypeError, match="extensions=story.schema.EVENT_EXTENSIONS"):
        fr.load_events(write_painted(tmp_path), extensions=story_schema)
