"""load_prices through yfinance's real code, against a synthetic Yahoo replay server on 127.0.0.1."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from yahoo_replay import (  # noqa: F401 - fixtures are used by name
    SYNTHETIC_SPLIT_DAY,
    SilentServer,
    offline,
    replay,
    synthetic_series,
    unused_base_url,
)

import frstory
from frstory.data.cache import read_manifest
from frstory.paths import price_cache_dir
from frstory.provenance import sha256_file


def _expected(symbol: str, start: str, end: str) -> pd.DataFrame:
    frame = synthetic_series(symbol)
    return frame[(frame["date"] >= start) & (frame["date"] <= end)].reset_index(drop=True)


def _unavailable_message_parts(ticker: str, start: str, end: str) -> list[str]:
    return [ticker, f"{start} to {end}", "frstory data pull", "frstory data import DIR"]


def test_first_request_fills_the_cache_with_csv_and_manifest_entry(replay):
    prices = frstory.load_prices("SYNA", "2021-06-01", "2021-06-30")

    entry = read_manifest()["SYNA"]
    csv_path = price_cache_dir() / entry["file"]
    assert csv_path.read_text().splitlines()[0] == "date,open,high,low,close,adj_close,volume"
    assert entry["sha256"] == sha256_file(csv_path)
    assert entry["source"].startswith("yfinance")
    assert entry["yfinance_version"] == __import__("yfinance").__version__
    assert pd.Timestamp(entry["retrieved_at"]).tzinfo is not None
    assert entry["arguments"]["start"] == "2021-06-01" and entry["arguments"]["end"] == "2021-06-30"
    assert entry["arguments"]["history_kwargs"]["auto_adjust"] is False
    assert (entry["rows"], entry["first_date"], entry["last_date"]) == (len(prices), "2021-06-01", "2021-06-30")
    assert prices.attrs["provenance"] == [entry]


def test_prices_follow_the_contract_columns_and_dtypes(replay):
    prices = frstory.load_prices(["SYNA"], "2021-06-01", "2021-06-30")

    assert list(prices.columns) == ["date", "ticker", "open", "high", "low", "close", "adj_close", "volume"]
    assert str(prices["date"].dtype) == "datetime64[ns]"
    assert (prices["date"] == prices["date"].dt.normalize()).all()
    assert prices["ticker"].dtype == "string"
    assert prices["volume"].dtype == "int64"
    assert prices[["open", "high", "low", "close", "adj_close"]].dtypes.eq("float64").all()


def test_values_match_the_served_series_and_end_is_inclusive(replay):
    prices = frstory.load_prices("SYNA", "2021-06-01", "2021-06-30")

    expected = _expected("SYNA", "2021-06-01", "2021-06-30")
    assert prices["date"].iloc[-1] == pd.Timestamp("2021-06-30")
    pd.testing.assert_frame_equal(
        prices.drop(columns="ticker").reset_index(drop=True), expected, check_dtype=False
    )


def test_a_covered_request_is_served_with_the_server_stopped(replay):
    first = frstory.load_prices("SYNA", "2021-06-01", "2021-06-30")
    fetches = len(replay.chart_requests())
    replay.stop()

    again = frstory.load_prices("SYNA", "2021-06-07", "2021-06-18")

    assert len(replay.chart_requests()) == fetches
    expected = first[(first["date"] >= "2021-06-07") & (first["date"] <= "2021-06-18")].reset_index(drop=True)
    pd.testing.assert_frame_equal(again, expected)


def test_split_is_undone_so_prices_are_as_traded(replay):
    prices = frstory.load_prices("SYNSPLIT", "2021-06-01", "2021-06-30")

    expected = _expected("SYNSPLIT", "2021-06-01", "2021-06-30")
    assert prices["close"].tolist() == expected["close"].tolist()
    assert prices["volume"].tolist() == expected["volume"].tolist()
    before = prices[prices["date"] < SYNTHETIC_SPLIT_DAY]["close"].iloc[-1]
    after = prices[prices["date"] == SYNTHETIC_SPLIT_DAY]["close"].iloc[0]
    assert before / after > 15  # the as-traded price really fell about 20-fold


def test_split_event_is_recorded_in_the_manifest(replay):
    frstory.load_prices("SYNSPLIT", "2021-06-01", "2021-06-30")

    assert read_manifest()["SYNSPLIT"]["splits"] == [
        {"date": SYNTHETIC_SPLIT_DAY, "ratio": 20.0, "method": "reported by Yahoo"}
    ]


def test_a_split_after_the_range_is_still_undone(replay):
    # Yahoo adjusts history for splits after the requested range too; they must be known.
    prices = frstory.load_prices("SYNSPLIT", "2021-03-01", "2021-03-31")

    assert prices["close"].tolist() == _expected("SYNSPLIT", "2021-03-01", "2021-03-31")["close"].tolist()


def test_adjusted_true_returns_split_adjusted_prices(replay):
    adjusted = frstory.load_prices("SYNSPLIT", "2021-06-10", "2021-06-15", adjusted=True)

    as_traded = _expected("SYNSPLIT", "2021-06-10", "2021-06-15")
    factor = [20.0 if d < pd.Timestamp(SYNTHETIC_SPLIT_DAY) else 1.0 for d in as_traded["date"]]
    assert adjusted["close"].tolist() == pytest.approx((as_traded["close"] / factor).tolist())
    assert adjusted["volume"].tolist() == (as_traded["volume"] * factor).astype("int64").tolist()
    assert adjusted.attrs["adjusted"] is True


def test_index_ticker_keeps_its_caret_and_gets_a_safe_file_name(replay):
    prices = frstory.load_prices("^SYNX", "2021-06-01", "2021-06-04")

    assert set(prices["ticker"]) == {"^SYNX"}
    entry = read_manifest()["^SYNX"]
    assert entry["file"] == f"%5ESYNX.{entry['sha256'][:16]}.csv"
    assert (price_cache_dir() / entry["file"]).is_file()


def test_several_tickers_come_back_sorted_by_ticker_then_date(replay):
    prices = frstory.load_prices(["SYNSPLIT", "SYNA"], "2021-06-01", "2021-06-04")

    assert prices["ticker"].tolist() == ["SYNA"] * 4 + ["SYNSPLIT"] * 4
    assert [e["ticker"] for e in prices.attrs["provenance"]] == ["SYNSPLIT", "SYNA"]


def test_an_uncovered_request_fetches_and_the_cache_then_covers_both(replay):
    frstory.load_prices("SYNA", "2021-06-01", "2021-06-30")
    fetches = len(replay.chart_requests())

    wider = frstory.load_prices("SYNA", "2021-05-03", "2021-07-30")

    assert len(replay.chart_requests()) == fetches + 1
    entry = read_manifest()["SYNA"]
    assert (entry["arguments"]["start"], entry["arguments"]["end"]) == ("2021-05-03", "2021-07-30")
    assert wider["close"].tolist() == _expected("SYNA", "2021-05-03", "2021-07-30")["close"].tolist()


def test_refresh_refetches_a_covered_request(replay):
    frstory.load_prices("SYNA", "2021-06-01", "2021-06-30")
    fetches = len(replay.chart_requests())

    frstory.load_prices("SYNA", "2021-06-01", "2021-06-30", refresh=True)

    assert len(replay.chart_requests()) == fetches + 1


def test_refresh_replaces_a_tampered_cache_file(replay):
    frstory.load_prices("SYNA", "2021-06-01", "2021-06-30")
    path = price_cache_dir() / read_manifest()["SYNA"]["file"]
    path.write_text(path.read_text().replace("2021-06-10,", "2021-06-10,9", 1))

    prices = frstory.load_prices("SYNA", "2021-06-01", "2021-06-30", refresh=True)

    assert read_manifest()["SYNA"]["sha256"] == sha256_file(path)
    assert prices["close"].tolist() == _expected("SYNA", "2021-06-01", "2021-06-30")["close"].tolist()


def test_every_served_ticker_is_recorded_in_the_read_log(replay, tmp_path, monkeypatch):
    log = tmp_path / "reads.jsonl"
    monkeypatch.setenv("FRSTORY_READ_LOG", str(log))

    frstory.load_prices(["SYNA", "^SYNX"], "2021-06-01", "2021-06-04")

    reads = [json.loads(line) for line in log.read_text().splitlines()]
    manifest = read_manifest()
    assert [r["kind"] for r in reads] == ["prices:SYNA", "prices:^SYNX"]
    assert reads[1]["path"] == str((price_cache_dir() / manifest["^SYNX"]["file"]).resolve())
    assert reads[1]["sha256"] == manifest["^SYNX"]["sha256"]


def test_unknown_ticker_404_raises_unavailable_with_ticker_range_and_both_fixes(replay):
    with pytest.raises(frstory.PriceDataUnavailable) as info:
        frstory.load_prices("SYNNONE", "2021-06-01", "2021-06-30")

    message = str(info.value)
    for part in _unavailable_message_parts("SYNNONE", "2021-06-01", "2021-06-30"):
        assert part in message
    assert "HTTP 404" in message


def test_a_range_without_rows_raises_unavailable(replay):
    # The synthetic series ends on 2021-12-31, so Yahoo returns an empty result for 2022.
    with pytest.raises(frstory.PriceDataUnavailable) as info:
        frstory.load_prices("SYNA", "2022-03-01", "2022-03-31")

    message = str(info.value)
    for part in _unavailable_message_parts("SYNA", "2022-03-01", "2022-03-31"):
        assert part in message
    assert "no price rows" in message


def test_an_unreachable_source_raises_unavailable_with_the_cause(offline):
    with pytest.raises(frstory.PriceDataUnavailable) as info:
        frstory.load_prices("SYNA", "2021-06-01", "2021-06-30")

    message = str(info.value)
    for part in _unavailable_message_parts("SYNA", "2021-06-01", "2021-06-30"):
        assert part in message
    assert "network error" in message and "Could not connect" in message


def test_a_server_that_never_answers_fails_with_a_timeout_error(monkeypatch):
    with SilentServer() as silent:
        monkeypatch.setenv("FRSTORY_YAHOO_BASE_URL", silent.base_url)
        monkeypatch.setenv("FRSTORY_YAHOO_TIMEOUT", "1")
        with pytest.raises(frstory.PriceDataUnavailable) as info:
            frstory.load_prices("SYNA", "2021-06-01", "2021-06-30")

    message = str(info.value)
    assert "timeout" in message and "1 s" in message and "FRSTORY_YAHOO_TIMEOUT" in message
    assert "frstory data import DIR" in message


def test_a_failed_fetch_leaves_the_cache_files_unchanged(replay):
    frstory.load_prices("SYNA", "2021-06-01", "2021-06-30")
    cache = price_cache_dir()
    before = {p.name: p.read_bytes() for p in cache.iterdir() if p.is_file()}

    # SYNA needs a wider range (fetchable) but SYNNONE fails: nothing may be written.
    with pytest.raises(frstory.PriceDataUnavailable):
        frstory.load_prices(["SYNA", "SYNNONE"], "2021-03-01", "2021-06-30")

    after = {p.name: p.read_bytes() for p in cache.iterdir() if p.is_file()}
    assert after == before


def test_a_failed_multi_ticker_fetch_writes_nothing_at_all(replay):
    with pytest.raises(frstory.PriceDataUnavailable):
        frstory.load_prices(["SYNSPLIT", "SYNNONE"], "2021-06-01", "2021-06-30")

    assert not price_cache_dir().exists() or not any(price_cache_dir().glob("*.csv"))
    assert read_manifest() == {}


def test_a_fetch_after_the_server_stops_raises_instead_of_returning_partial_data(replay, monkeypatch):
    frstory.load_prices("SYNA", "2021-06-01", "2021-06-30")
    replay.stop()
    monkeypatch.setenv("FRSTORY_YAHOO_BASE_URL", unused_base_url())

    with pytest.raises(frstory.PriceDataUnavailable):
        frstory.load_prices("SYNA", "2021-06-01", "2021-07-30")

    assert read_manifest()["SYNA"]["arguments"]["end"] == "2021-06-30"
