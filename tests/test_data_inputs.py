"""Inputs the data loaders were not built for, as a newsroom reusing them for another story would
give them: another story's timeline, a spreadsheet's export habits, dates written the local way,
tickers the committed data does not hold, a price folder with holes. Each is loaded correctly or
refused with the file, line, column or ticker, what is wrong and the fix; nothing wrong is cached.

Every file here is synthetic (made-up companies ``SYN...``, made-up prices from ``synthetic_daily``).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from yahoo_replay import offline, synthetic_daily  # noqa: F401 - fixture

import frstory as fr
from frstory.data.cache import read_manifest
from frstory.data.claims import CLAIM_COLUMNS
from frstory.data.events import EventExtension, ExtensionColumn, event_columns
from frstory.data.importer import import_directory

HEADER = ",".join(event_columns())
# A synthetic event of another story: after the close on Wednesday 10 June 2020.
EVENT = ("syn-launch,2020-06-10,day,17:43,post,corporate,Synthetic Co,Synthetic launch,"
         "A made-up event.,https://example.org/syn,high,,SYNA,")
PRICE_HEADER = "date,open,high,low,close,adj_close,volume"


def _price_rows(start="2021-06-01", end="2021-06-30") -> list[str]:
    frame = synthetic_daily(start, end)
    return [f"{r.date:%Y-%m-%d},{r.open},{r.high},{r.low},{r.close},{r.adj_close},{r.volume}"
            for r in frame.itertuples()]


def _import(tmp_path, rows, name="SYNA.csv"):
    folder = tmp_path / "synthetic-market"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text("\n".join([PRICE_HEADER, *rows]) + "\n")
    return import_directory(folder)


# --- another story's timeline -------------------------------------------------------------------


def test_a_spreadsheet_export_with_bom_crlf_blank_lines_and_quoted_line_breaks_loads_as_written(tmp_path):
    # Spreadsheets end rows with CRLF but a line break inside a cell with LF alone.
    quoted = EVENT.replace("A made-up event.", '"Société Générale, ça coûte 5 € —\na second line."')
    path = tmp_path / "events.csv"
    path.write_bytes(("\ufeff" + HEADER + "\r\n\r\n" + quoted + "\r\n\r\n").encode("utf-8"))
    events = fr.load_events(path)
    assert events["id"].tolist() == ["syn-launch"]
    assert events.loc[0, "description"] == "Société Générale, ça coûte 5 € —\na second line."


def test_a_10000_row_timeline_with_a_time_on_every_row_loads(tmp_path):
    # Every row has a time of day, so every row's session is checked against the NYSE hours (at once:
    # one lookup per row took 15 s here; speed itself is for benchmarks, not tests).
    days = fr.nyse_sessions("1995-01-01", "2024-12-31")
    rows = [f"syn-{i},{days[i % len(days)]:%Y-%m-%d},day,10:{i % 60:02d},regular,corporate,Synthetic Co {i},"
            f"Synthetic launch {i},\"A made-up, event {i}.\",https://example.org/{i},high,,SYNA," for i in range(10_000)]
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    events = fr.load_events(path)
    assert len(events) == 10_000 and events["market_session"].eq("regular").all()


def test_the_time_check_still_names_every_row_whose_session_contradicts_its_time(tmp_path):
    rows = [EVENT, EVENT.replace("syn-launch", "syn-two").replace("17:43,post", "11:15,post"),
            EVENT.replace("syn-launch", "syn-three").replace("2020-06-10", "2020-11-27").replace("17:43", "14:00")]
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(fr.DataValidationError) as info:
        fr.load_events(path)
    # line 3: 11:15 is during the session; line 4: 14:00 is after the 13:00 close of a half day.
    assert [(p["line"], p["column"]) for p in info.value.problems] == [(3, "market_session")]


@pytest.mark.parametrize("ticker", ["7203.T", "CL=F", "BRK.B", "^GSPC"])
def test_an_event_may_name_any_ticker_the_price_loader_accepts(tmp_path, ticker):
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "\n" + EVENT.replace(",SYNA,", f",{ticker},") + "\n", encoding="utf-8")
    assert fr.load_events(path)["ticker"].tolist() == [ticker]


def test_a_number_in_full_width_digits_is_reported_not_loaded_as_missing(tmp_path):
    size = EventExtension("size", (ExtensionColumn("size", "the size in metres", dtype="float64"),))
    path = tmp_path / "events.csv"
    path.write_text(HEADER + ",size\n" + EVENT + ",１２.５\n", encoding="utf-8")
    with pytest.raises(fr.DataValidationError) as info:
        fr.load_events(path, extensions=[size])
    [problem] = info.value.problems
    assert (problem["line"], problem["column"], problem["value"]) == (2, "size", "１２.５")
    assert "write digits" in problem["fix"]


@pytest.mark.parametrize("day", ["２０２０-06-10", "٢٠٢٠-٠٦-١٠"])
def test_a_date_in_other_scripts_digits_is_reported(tmp_path, day):
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "\n" + EVENT.replace("2020-06-10", day) + "\n", encoding="utf-8")
    with pytest.raises(fr.DataValidationError) as info:
        fr.load_events(path)
    assert [(p["line"], p["column"], p["value"]) for p in info.value.problems] == [(2, "date", day)]


@pytest.mark.parametrize(("column", "typo"), [("date", "3020-06-10"), ("date", "0202-06-10"), ("end_date", "2999-01-01")])
def test_a_date_whose_year_is_a_typo_is_reported_at_its_line(tmp_path, column, typo):
    # Years outside 1677-2262 do not fit a datetime64[ns]: they were reported without a line,
    # with the value 'object' and as "before the event's date".
    row = EVENT.replace("2020-06-10", typo) if column == "date" else EVENT + typo
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "\n" + row + "\n", encoding="utf-8")
    with pytest.raises(fr.DataValidationError) as info:
        fr.load_events(path)
    assert [(p["line"], p["column"], p["value"]) for p in info.value.problems] == [(2, column, typo)]


def test_a_month_whose_year_is_a_typo_is_reported_at_its_line(tmp_path):
    row = EVENT.replace("2020-06-10,day,17:43,post", "3020-06,month,,unknown")
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "\n" + row + "\n", encoding="utf-8")
    with pytest.raises(fr.DataValidationError) as info:
        fr.load_events(path)
    assert [(p["line"], p["column"], p["value"]) for p in info.value.problems] == [(2, "date", "3020-06")]


# --- claims -------------------------------------------------------------------------------------

CLAIM = ("syn-close,syn-wire,Synthetic Wire,A synthetic headline,https://example.org/a,The stock closed at a "
         "made-up price.,,12.5,usd,SYNA,2020-06-10,close,confirmed,A synthetic note.,https://example.org/b")


@pytest.mark.parametrize("value", ["１２.５", "9" * 400])
def test_a_claim_value_that_is_no_plain_float_is_reported_at_its_line(tmp_path, value):
    path = tmp_path / "claims.csv"
    path.write_text(",".join(CLAIM_COLUMNS) + "\n" + CLAIM.replace(",12.5,", f",{value},") + "\n", encoding="utf-8")
    with pytest.raises(fr.DataValidationError) as info:  # was a bare ValueError / OverflowError
        fr.load_claims(path)
    assert [(p["line"], p["column"]) for p in info.value.problems] == [(2, "value")]


# --- dates given to the price and calendar functions --------------------------------------------


@pytest.mark.parametrize(("start", "said"), [
    ("10/06/2020", "is it 10 June or 6 October?"),
    (20200610, "is a number, not a date"),
    ("2020-06", "is a month, not a day"),
])
def test_a_date_pandas_would_guess_at_is_refused_before_any_lookup(offline, start, said):
    with pytest.raises(fr.DataValidationError, match=r"start .*" + said.replace("?", r"\?") + ".*'2020-06-10'"):
        fr.load_prices("SYNA", start, "2020-06-30")


def test_the_calendar_refuses_a_date_written_day_first_naming_both_readings():
    with pytest.raises(fr.AnalysisError, match=r"'10/06/2020' .*is it 10 June or 6 October\?"):
        fr.reaction_session("10/06/2020", "post")


@pytest.mark.parametrize("start", ["2021-06-07", pd.Timestamp("2021-06-07"), dt.date(2021, 6, 7),
                                   dt.datetime(2021, 6, 7, 15, 30), np.datetime64("2021-06-07")])
def test_iso_text_timestamps_and_dates_name_the_same_day(tmp_path, offline, start):
    _import(tmp_path, _price_rows())
    assert fr.load_prices("syna", start, "2021-06-08")["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2021-06-07", "2021-06-08"]


# --- tickers and ranges nothing offline holds ----------------------------------------------------


def test_a_range_beyond_the_offline_data_says_what_is_held(tmp_path, offline):
    _import(tmp_path, _price_rows())
    with pytest.raises(fr.PriceDataUnavailable) as info:
        fr.load_prices("SYNA", "2021-06-01", "2021-07-30")
    message = str(info.value)
    assert "frstory data pull" in message and "frstory data import" in message
    assert "The price cache holds SYNA from 2021-06-01 to 2021-06-30: a range within that loads without network" in message
    assert read_manifest()["SYNA"]["arguments"]["end"] == "2021-06-30"  # nothing new cached


def test_an_index_asked_for_without_its_caret_suggests_the_index(tmp_path, offline):
    _import(tmp_path, _price_rows(), name="%5ESYNX.csv")
    with pytest.raises(fr.PriceDataUnavailable, match=r"Did you mean the index \^SYNX\?"):
        fr.load_prices("SYNX", "2021-06-01", "2021-06-30")


# --- frstory data import -------------------------------------------------------------------------


def test_a_price_file_that_skips_sessions_is_refused_at_the_line_after_the_gap(tmp_path):
    rows = _price_rows()
    before = _import(tmp_path, rows)  # a good import, which the refused one must leave alone
    gapped = rows[:5] + rows[8:]  # lines 2-6, then line 7 jumps over three sessions
    with pytest.raises(fr.DataValidationError) as info:
        _import(tmp_path, gapped)
    [problem] = info.value.problems
    assert (problem["file"], problem["line"], problem["column"]) == ("SYNA.csv", 7, "date")
    assert "skipping 3 NYSE session(s): 2021-06-08, 2021-06-09, 2021-06-10" in problem["message"]
    assert "add the missing rows" in problem["fix"]
    assert read_manifest()["SYNA"]["sha256"] == before[0]["sha256"]


def test_a_row_with_a_bad_date_is_not_reported_again_as_a_gap(tmp_path):
    rows = _price_rows()
    rows[3] = "2021-06-31" + rows[3][10:]
    with pytest.raises(fr.DataValidationError) as info:
        _import(tmp_path, rows)
    assert [(p["line"], p["column"]) for p in info.value.problems] == [(5, "date")]


def test_an_unclosed_quote_is_reported_where_it_opens(tmp_path):
    rows = _price_rows()
    rows[3] = rows[3].replace(",", ',"', 1)  # line 5 opens a quote that never closes
    with pytest.raises(fr.DataValidationError) as info:
        _import(tmp_path, rows)
    [problem] = info.value.problems
    assert problem["line"] == 5
    assert "close the double quote opened on this line" in problem["fix"]
    assert read_manifest() == {}


def test_a_file_broken_on_every_line_gives_a_readable_message_and_keeps_every_problem(tmp_path):
    bad = EVENT.replace("2020-06-10", "2020-13-01")
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "\n" + "\n".join(bad.replace("syn-launch", f"syn-{i}") for i in range(500)) + "\n",
                    encoding="utf-8")
    with pytest.raises(fr.DataValidationError) as caught:
        fr.load_events(path)
    message = str(caught.value)
    assert len(caught.value.problems) >= 500
    assert message.count("\n  - ") == 50 and "more (every one is in the error's .problems)" in message
    assert "line 2" in message


def test_a_source_address_with_an_invisible_character_is_reported(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "\n" + EVENT.replace("https://example.org/syn", "https://example.org/\u200bsyn") + "\n",
                    encoding="utf-8")
    with pytest.raises(fr.DataValidationError, match="source_url"):
        fr.load_events(path)


def test_a_semicolon_separated_timeline_gets_one_use_commas_error(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(HEADER.replace(",", ";") + "\n" + EVENT.replace(",", ";") + "\n", encoding="utf-8")
    with pytest.raises(fr.DataValidationError, match=r"line 1: .*separated by semicolons, not commas") as caught:
        fr.load_events(path)
    assert len(caught.value.problems) == 1


def test_a_range_without_a_trading_session_is_refused_before_anything_is_fetched():
    # SYNA is held nowhere: the refusal comes before the loader looks for it.
    with pytest.raises(fr.DataValidationError, match=r"no trading session from Saturday 6 June 2020 to Sunday 7 June "
                       r"2020.*nearest sessions are Friday 5 June 2020 and Monday 8 June 2020.*start='2020-06-05'"):
        fr.load_prices(["SYNA"], "2020-06-06", "2020-06-07")


def test_an_exchange_holiday_alone_is_refused_as_one_day():
    with pytest.raises(fr.DataValidationError, match=r"no trading session on Friday 3 July 2020: .* closed that day"):
        fr.load_prices(["SYNA"], "2020-07-03", "2020-07-03")
