"""Hostile inputs to the data layer, second round: invisible characters in curated text, tickers
Windows cannot use as file names, two processes filling one ticker's cache at once, and a very
large events file.

Every file and price series here is synthetic (made-up companies ``SYN...``, made-up prices from
``synthetic_daily``, made-up events).
"""

from __future__ import annotations

import multiprocessing
import os

import pandas as pd
import pytest
from csv_validation import assert_reported
from test_claims import load_error as claims_error
from test_claims import write_claims
from test_events import STORY, SYNTHETIC_ROWS, load_error, write_events
from yahoo_replay import ReplayServer, synthetic_chart, synthetic_daily

import frstory as fr
from frstory.data.cache import (
    cache_file_name,
    read_cached_prices,
    read_manifest,
    ticker_from_file_name,
    write_entries,
)
from frstory.data.events import event_columns, validate_events
from frstory.paths import price_cache_dir

# --- 1. invisible characters in text a page prints ------------------------------------------------

# Characters nobody sees that still change the text, each with how the message must name it.
INVISIBLE_CHARACTERS = [
    ("\u200b", "U+200B (ZERO WIDTH SPACE)"),
    ("\u2060", "U+2060 (WORD JOINER)"),
    ("\ufeff", "U+FEFF (ZERO WIDTH NO-BREAK SPACE)"),
]
SEPARATORS = [
    ("\u2028", "U+2028 (LINE SEPARATOR)"),
    ("\u2029", "U+2029 (PARAGRAPH SEPARATOR)"),
]


@pytest.mark.parametrize(("char", "named"), INVISIBLE_CHARACTERS)
def test_an_invisible_character_in_a_headline_is_named_with_where_it_is_and_deleted(tmp_path, char, named):
    headline = "Synthetic " + char + "headline"
    path = write_events(tmp_path, {1: {"headline": headline}})
    problem = assert_reported(load_error(path), path, line=3, column="headline", value=headline, fix="delete it")
    assert problem["message"] == f"contains the invisible character {named} at character 11"



@pytest.mark.parametrize("word", ["\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian "I want"
                                  "\U0001f469\u200d\U0001f4bb"])  # emoji: woman technologist
def test_joiners_that_scripts_and_emoji_spell_with_are_accepted(tmp_path, word):
    # Synthetic headline: a Persian word written with a zero-width non-joiner, and an emoji joined by U+200D.
    path = write_events(tmp_path, {1: {"headline": "Synthetic " + word}})
    assert ("Synthetic " + word) in set(fr.load_events(path, extensions=STORY)["headline"])

@pytest.mark.parametrize(("char", "named"), SEPARATORS)
def test_a_line_or_paragraph_separator_in_a_description_is_replaced_by_an_ordinary_break(tmp_path, char, named):
    text = "A made-up event." + char + "Synthetic."
    path = write_events(tmp_path, {0: {"description": text}})
    problem = assert_reported(load_error(path), path, line=2, column="description", value=text,
                              fix="replace it with an ordinary line break or a space")
    assert problem["message"] == f"contains the invisible character {named} at character 17"


@pytest.mark.parametrize("column", ["actor", "description", "notes", "place"])
def test_every_free_text_column_of_the_timeline_refuses_a_zero_width_space(tmp_path, column):
    text = "Synthetic\u200b text"
    path = write_events(tmp_path, {0: {column: text}})
    assert_reported(load_error(path), path, line=2, column=column, value=text, fix="delete it")


@pytest.mark.parametrize("column", ["publication", "article_title", "claim", "quote", "editorial_note"])
@pytest.mark.parametrize(("char", "named"), [("\u2060", "U+2060 (WORD JOINER)"), ("\u2028", "U+2028 (LINE SEPARATOR)")])
def test_every_free_text_column_of_the_claims_refuses_invisible_characters(tmp_path, column, char, named):
    text = "Synthetic" + char + " text"
    # publication and article_title must agree across an article's rows: edit the article's only row.
    path = write_claims(tmp_path, {2: {column: text}})
    problem = assert_reported(claims_error(path), path, line=4, column=column, value=text, fix="it")
    assert problem["message"] == f"contains the invisible character {named} at character 10"


def test_a_typed_frame_with_a_word_joiner_is_reported_by_row():
    frame = fr.synthetic_events()
    frame.loc[0, "actor"] = "Synthetic\u2060Co"
    with pytest.raises(fr.DataValidationError) as err:
        validate_events(frame, source="my frame")
    [problem] = err.value.problems
    assert (problem["column"], problem["value"]) == ("actor", "Synthetic\u2060Co")
    assert problem["message"] == "contains the invisible character U+2060 (WORD JOINER) at character 10 (row 0)"


def test_a_byte_order_mark_at_the_start_of_an_events_file_is_an_encoding_marker_not_text(tmp_path):
    # Spreadsheets save "CSV UTF-8" with a byte-order mark before the header.
    path = write_events(tmp_path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    events = fr.load_events(path, extensions=STORY)
    assert sorted(events["id"]) == sorted(r["id"] for r in SYNTHETIC_ROWS)


def test_a_byte_order_mark_at_the_start_of_a_claims_file_is_an_encoding_marker_not_text(tmp_path):
    path = write_claims(tmp_path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert list(fr.load_claims(path)["id"]) == ["syn-close", "syn-count", "syn-date"]


# --- 2. tickers Windows reserves as file names ----------------------------------------------------

WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}


def windows_refuses(name: str) -> bool:
    """Windows refuses a device name as a file name, in any case and with any extension."""
    return name.split(".")[0].upper() in WINDOWS_DEVICES


@pytest.mark.parametrize("ticker", ["CON", "PRN", "AUX", "NUL", "COM1", "COM9", "LPT1", "LPT9", "CON.B", "NUL.TO"])
def test_a_ticker_windows_reserves_gets_a_cache_file_name_windows_accepts(ticker):
    for name in (cache_file_name(ticker), cache_file_name(ticker, "0123456789abcdef" * 4)):
        assert not windows_refuses(name), name
        assert ticker_from_file_name(name) == ticker


@pytest.mark.parametrize(("ticker", "name"), [
    ("SYNA", "SYNA.0123456789abcdef.csv"), ("^GSPC", "%5EGSPC.0123456789abcdef.csv"),
    ("BRK.B", "BRK.B.0123456789abcdef.csv"), ("EURUSD=X", "EURUSD%3DX.0123456789abcdef.csv"),
    ("CONN", "CONN.0123456789abcdef.csv"), ("COM", "COM.0123456789abcdef.csv"), ("^NUL", "%5ENUL.0123456789abcdef.csv"),
])
def test_ordinary_tickers_keep_the_cache_file_names_existing_caches_use(ticker, name):
    assert cache_file_name(ticker, "0123456789abcdef" * 4) == name


def _synthetic_entry(ticker, start, end, **extra):
    return {"ticker": ticker, "source": "synthetic test data", "retrieved_at": "2024-01-01T00:00:00+00:00",
            "yfinance_version": None, "arguments": {"start": start, "end": end}, "splits": [], **extra}


def test_prices_of_a_ticker_windows_reserves_are_stored_and_read_back():
    frame = synthetic_daily("2020-01-02", "2020-01-31")
    (written,) = write_entries([(_synthetic_entry("PRN", "2020-01-02", "2020-01-31"), frame)])

    assert not windows_refuses(written["file"])
    assert (price_cache_dir() / written["file"]).is_file()
    assert read_cached_prices(read_manifest()["PRN"])["close"].tolist() == frame["close"].tolist()


def test_a_cache_an_older_frstory_wrote_for_a_windows_device_name_still_reads():
    frame = synthetic_daily("2020-01-02", "2020-01-31")
    (written,) = write_entries([(_synthetic_entry("CON", "2020-01-02", "2020-01-31"), frame)])
    # What frstory wrote before device names were encoded (valid where it was written).
    legacy = f"CON.{written['sha256'][:16]}.csv"
    os.replace(price_cache_dir() / written["file"], price_cache_dir() / legacy)
    manifest = price_cache_dir() / "manifest.json"
    manifest.write_text(manifest.read_text().replace(written["file"], legacy))

    assert read_cached_prices(read_manifest()["CON"])["close"].tolist() == frame["close"].tolist()


# --- 3. two processes fetching different ranges of one ticker at once -----------------------------

SERIES = dict(start="2021-01-04", end="2021-12-31", seed=1)  # synthetic SYNA the replay server serves


def _fetch_in_child(barrier, start, end, results):
    """In a child process: load SYNA from Yahoo (the replay server); hold the write until the other
    child has fetched too, so both decide what to fetch from the same empty cache."""
    import frstory
    from frstory.data import prices

    real_write = prices.write_entries

    def write_after_both_fetched(items):
        barrier.wait(timeout=60)
        return real_write(items)

    prices.write_entries = write_after_both_fetched
    try:
        loaded = frstory.load_prices("SYNA", start, end)
        results.put((start, len(loaded), loaded["close"].tolist()))
    except Exception as exc:  # reported by the parent, which cannot see a child's traceback
        results.put((start, None, f"{type(exc).__name__}: {exc}"))


def test_two_processes_fetching_different_ranges_at_once_leave_both_ranges_cached(monkeypatch):
    series = synthetic_daily(**SERIES)
    with ReplayServer({"SYNA": synthetic_chart("SYNA", series)}) as server:
        monkeypatch.setenv("FRSTORY_YAHOO_BASE_URL", server.base_url)
        monkeypatch.setenv("FRSTORY_YAHOO_TIMEOUT", "20")
        ctx = multiprocessing.get_context("spawn")  # children start clean: no copy of the server thread
        barrier, results = ctx.Barrier(2), ctx.Queue()
        ranges = [("2021-01-04", "2021-06-30"), ("2021-06-01", "2021-12-30")]
        children = [ctx.Process(target=_fetch_in_child, args=(barrier, start, end, results)) for start, end in ranges]
        for child in children:
            child.start()
        outcomes = {start: (rows, closes) for start, rows, closes in (results.get(timeout=120) for _ in children)}
        for child in children:
            child.join(timeout=60)

    for start, end in ranges:  # each process got exactly what it asked for
        expected = series[(series["date"] >= start) & (series["date"] <= end)]
        assert outcomes[start] == (len(expected), expected["close"].tolist())
    entry = read_manifest()["SYNA"]
    assert (entry["arguments"]["start"], entry["arguments"]["end"]) == ("2021-01-04", "2021-12-30")
    cached = read_cached_prices(entry)
    assert cached["close"].tolist() == series.loc[series["date"] <= "2021-12-30", "close"].tolist()


def _fetched(start, end, retrieved_at="2024-01-01T00:00:00+00:00", splits=()):
    """A synthetic Yahoo fetch of SYNA as _resolve hands it to the cache."""
    entry = {"ticker": "SYNA", "source": "yfinance (Yahoo Finance chart API)", "retrieved_at": retrieved_at,
             "yfinance_version": "0.2.synthetic", "arguments": {"start": start, "end": end}, "splits": list(splits)}
    return entry, synthetic_daily(**SERIES).pipe(lambda f: f[(f["date"] >= start) & (f["date"] <= end)])


def test_a_fetch_committed_meanwhile_outside_the_new_range_is_kept_with_its_retrieval_recorded():
    write_entries([_fetched("2021-06-01", "2021-12-30", retrieved_at="2024-01-01T10:00:01+00:00")])
    (written,) = write_entries([_fetched("2021-01-04", "2021-06-30", retrieved_at="2024-01-01T10:00:00+00:00")])

    assert (written["first_date"], written["last_date"]) == ("2021-01-04", "2021-12-30")
    assert written["retrieved_at"] == "2024-01-01T10:00:00+00:00"  # the older part's: nothing is older
    assert [(p["start"], p["end"], p["retrieved_at"]) for p in written["arguments"]["parts"]] == [
        ("2021-01-04", "2021-06-30", "2024-01-01T10:00:00+00:00"),
        ("2021-06-01", "2021-12-30", "2024-01-01T10:00:01+00:00"),
    ]
    assert read_manifest()["SYNA"] == written


def test_a_fetch_committed_meanwhile_with_a_gap_to_the_new_range_is_replaced_not_merged():
    # The two ranges together would not be a complete series: the later write wins, as before.
    write_entries([_fetched("2021-09-01", "2021-12-30")])
    (written,) = write_entries([_fetched("2021-01-04", "2021-03-31")])

    assert (written["arguments"]["start"], written["arguments"]["end"]) == ("2021-01-04", "2021-03-31")
    assert "parts" not in written["arguments"]


def test_an_import_of_a_narrower_range_replaces_the_cached_ticker():
    # An import is one file, one source: it is never merged with what was cached.
    frame = synthetic_daily(**SERIES)
    write_entries([(_synthetic_entry("SYNA", "2021-01-04", "2021-12-31"), frame)])
    (written,) = write_entries([(_synthetic_entry("SYNA", "2021-03-01", "2021-03-31"),
                                 frame[(frame["date"] >= "2021-03-01") & (frame["date"] <= "2021-03-31")])])

    assert (written["first_date"], written["last_date"]) == ("2021-03-01", "2021-03-31")


# --- 4. a very large events file ------------------------------------------------------------------


def write_large_events(path, rows: int, *, seed: int = 0):
    """Write a valid synthetic events file of ``rows`` rows with the story's columns (about 300
    bytes a row: 150,000 rows make 45 MB). Every kind of row the rules treat differently occurs:
    timed events on session days, news on days the NYSE was shut, month-precision periods with an
    end date, and measures of made-up places."""
    import csv

    import numpy as np

    from frstory.data.calendar import nyse_sessions

    rng = np.random.default_rng(seed)
    days = pd.date_range("2016-01-01", "2021-12-31", freq="D")
    sessions = set(nyse_sessions(days[0], days[-1]))
    times = ["08:15", "09:29", "09:30", "12:00", "15:59", "16:00", "17:43"]
    columns = event_columns(STORY)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for i in range(rows):
            day = days[rng.integers(len(days))]
            kind = i % 4
            time_et, session, precision, date, end_date = "", "unknown", "day", f"{day:%Y-%m-%d}", ""
            if kind == 0 and day in sessions:
                time_et = times[i % len(times)]
                session = "pre" if time_et < "09:30" else "regular" if time_et < "16:00" else "post"
                if day.month == 11 and day.day >= 23 or day.month == 12 and day.day in (24, 31) or \
                        day.month == 7 and day.day == 3:
                    time_et, session = "", "unknown"  # half days close early: keep the sample simple
            elif day not in sessions:
                session = "closed"
            if kind == 3:
                precision, date, session = "month", f"{day:%Y-%m}", "unknown"
                end_date = f"{day + pd.Timedelta(days=40):%Y-%m-%d}"
            policy = kind == 2
            place = f"Synthville {i % 500}, ZZ" if policy else ""
            writer.writerow([
                f"syn-event-{i}", date, precision, time_et, session, "policy" if policy else "corporate",
                f"Synthetic actor {i % 997}", f"Synthetic headline number {i} about a made-up company",
                f"A made-up event, number {i}, described in one synthetic sentence of ordinary length for a timeline.",
                f"https://example.org/synthetic/{i}", ("high", "medium", "low")[i % 3],
                "Synthetic note." if i % 5 == 0 else "", "SYNA" if i % 7 == 0 else "", end_date,
                ("city", "county", "state")[(i % 500) % 3] if policy else "", ("ban", "limit")[i % 2] if policy else "",
                place,
            ])
    return path


def test_a_large_generated_timeline_loads_every_row(tmp_path):
    path = write_large_events(tmp_path / "synthetic-large-events.csv", 4_000)
    events = fr.load_events(path, extensions=STORY)
    assert len(events) == 4_000 and events["date"].is_monotonic_increasing


def test_a_problem_deep_in_a_large_timeline_is_reported_at_its_line(tmp_path):
    path = write_large_events(tmp_path / "synthetic-large-events.csv", 4_000)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3_500] = lines[3_500].replace("Synthetic headline", "Synthetic\u200b headline", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [problem] = load_error(path).problems
    assert (problem["line"], problem["column"]) == (3_501, "headline")


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_a_problem_after_a_multi_line_cell_is_reported_at_its_line_whatever_the_line_ends(tmp_path, line_end):
    # Row 0's description spans lines 2-3 (a quoted line break), so row 1 starts on line 4.
    path = write_events(tmp_path, {0: {"description": "A made-up ban,\nwritten over two lines."},
                                   1: {"category": "protests"}})
    text = path.read_text(encoding="utf-8").replace("\n", line_end)
    path.write_bytes(text.encode("utf-8"))
    assert_reported(load_error(path), path, line=4, column="category", value="protests", fix="use one of")


def test_a_row_with_every_cell_empty_is_reported_for_each_required_cell_and_nothing_else(tmp_path):
    path = write_events(tmp_path, rows=[*SYNTHETIC_ROWS, {column: "" for column in SYNTHETIC_ROWS[0]}])
    problems = load_error(path).problems
    assert {(p["line"], p["message"]) for p in problems} == {(5, "is empty")}
    assert {p["column"] for p in problems} == {
        "id", "date", "date_precision", "market_session", "category", "actor", "headline", "description",
        "source_url", "confidence",
    }


@pytest.mark.parametrize(("address", "ok"), [
    ("https://example.org/synthetic/1?a=b#c", True), ("http://sub.example.org", True),
    ("HTTPS://EXAMPLE.ORG/", True), ("https://example.org:8080/x", True), ("https://[::1]/x", True),
    ("https://example.org/\u200bx", False), ("https://exa mple.org", False), ("https:///path", False),
    ("ftp://example.org", False), ("https://example.org/\x00", False), ("https://[::1/x", False),
])
def test_source_addresses_are_judged_the_same_whatever_path_the_check_takes(tmp_path, address, ok):
    path = write_events(tmp_path, {0: {"source_url": address}})
    if ok:
        assert len(fr.load_events(path, extensions=STORY)) == len(SYNTHETIC_ROWS)
    else:
        assert_reported(load_error(path), path, line=2, column="source_url", value=address, fix="https://")
