"""The price cache on its own: file names, manifest, checksums, coverage, atomic writes (no network)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from yahoo_replay import offline, synthetic_daily  # noqa: F401 - fixtures are used by name

import frstory
from frstory.data.cache import (
    cache_file_name,
    cache_status,
    normalize_ticker,
    read_manifest,
    ticker_from_file_name,
    write_entries,
)
from frstory.data.prices import PROVENANCE_COLUMNS
from frstory.paths import price_cache_dir


def _store_synthetic(ticker="SYNA", start="2020-01-02", end="2020-12-31", splits=None, seed=0):
    """Put a synthetic as-traded series in the cache as if it had been imported."""
    frame = synthetic_daily(start, end, seed=seed, splits={s["date"]: s["ratio"] for s in splits or []})
    entry = {
        "ticker": ticker, "source": "synthetic test data", "retrieved_at": "2024-01-01T00:00:00+00:00",
        "yfinance_version": None, "arguments": {"start": start, "end": end}, "splits": splits or [],
    }
    (written,) = write_entries([(entry, frame)])
    return written, frame


@pytest.mark.parametrize("ticker", ["^GSPC", "AMZN", "BRK-B", "EURUSD=X", "0700.HK"])
def test_cache_file_names_round_trip(ticker):
    assert ticker_from_file_name(cache_file_name(ticker)) == ticker


def test_index_and_stock_of_the_same_letters_get_different_files():
    assert cache_file_name("^GSPC") != cache_file_name("GSPC")


@pytest.mark.parametrize("bad", ["", "AM ZN", "../etc", "A" * 30, None, 42])
def test_malformed_tickers_are_rejected_naming_the_value(bad):
    with pytest.raises(frstory.DataValidationError) as info:
        normalize_ticker(bad)
    assert repr(bad) in str(info.value)


def test_a_covered_request_is_served_without_network(offline):
    _store_synthetic()

    prices = frstory.load_prices("SYNA", "2020-06-01", "2020-06-30")

    assert len(prices) == 22 and set(prices["ticker"]) == {"SYNA"}


def test_a_request_starting_on_a_holiday_is_covered_by_data_from_the_next_session(offline):
    _store_synthetic(start="2020-01-02")

    prices = frstory.load_prices("SYNA", "2020-01-01", "2020-01-10")

    assert prices["date"].iloc[0] == pd.Timestamp("2020-01-02")


def test_a_range_without_sessions_inside_the_cache_is_refused_not_returned_empty(offline):
    # An empty table would only fail later, far from the dates that caused it (a chart "with no values").
    _store_synthetic()

    with pytest.raises(frstory.DataValidationError, match="no trading session from Saturday 4 July 2020"):
        frstory.load_prices("SYNA", "2020-07-04", "2020-07-05")


def test_adjusted_divides_prices_before_each_split_by_its_ratio(offline):
    _, frame = _store_synthetic(splits=[{"date": "2020-08-31", "ratio": 4.0, "method": "inferred"}])

    adjusted = frstory.load_prices("SYNA", "2020-08-27", "2020-09-01", adjusted=True)

    as_traded = frame.set_index("date").loc["2020-08-27":"2020-09-01"]
    assert adjusted["close"].tolist() == pytest.approx(
        [as_traded["close"].iloc[0] / 4, as_traded["close"].iloc[1] / 4, *as_traded["close"].iloc[2:]]
    )
    assert adjusted["volume"].iloc[0] == as_traded["volume"].iloc[0] * 4
    assert adjusted["adj_close"].tolist() == as_traded["adj_close"].tolist()


def test_a_changed_cache_file_raises_cache_integrity_error_naming_file_hashes_and_fix(offline):
    entry, _ = _store_synthetic()
    path = price_cache_dir() / entry["file"]
    path.write_text(path.read_text().replace("2020-06-10,", "2020-06-10,1", 1))

    with pytest.raises(frstory.CacheIntegrityError) as info:
        frstory.load_prices("SYNA", "2020-06-01", "2020-06-30")

    message = str(info.value)
    assert entry["file"] in message and entry["sha256"] in message
    assert str(price_cache_dir()) not in message  # no machine path in what the user reads
    assert "frstory data import" in message and "frstory data pull --refresh SYNA" in message


def test_a_changed_cache_file_is_reported_even_when_the_request_needs_a_fetch(offline):
    entry, _ = _store_synthetic(end="2020-06-30")
    with open(price_cache_dir() / entry["file"], "a") as fh:
        fh.write("2020-07-01,1,2,0.5,1,1,10\n")

    with pytest.raises(frstory.CacheIntegrityError):
        frstory.load_prices("SYNA", "2020-06-01", "2020-07-31")


def test_a_missing_cache_file_raises_cache_integrity_error(offline):
    entry, _ = _store_synthetic()
    (price_cache_dir() / entry["file"]).unlink()

    with pytest.raises(frstory.CacheIntegrityError, match="missing"):
        frstory.load_prices("SYNA", "2020-06-01", "2020-06-30")


def test_an_unreadable_manifest_raises_cache_integrity_error_naming_it(offline):
    _store_synthetic()
    manifest = price_cache_dir() / "manifest.json"
    manifest.write_text("{not json")

    with pytest.raises(frstory.CacheIntegrityError) as info:
        frstory.load_prices("SYNA", "2020-06-01", "2020-06-30")
    assert "manifest.json" in str(info.value) and "not valid JSON" in str(info.value)
    assert str(manifest) not in str(info.value)


def test_status_reports_ok_mismatch_missing_and_untracked_files():
    entry_a, _ = _store_synthetic("SYNA")
    entry_b, _ = _store_synthetic("SYNB", seed=1)
    _store_synthetic("SYNC", seed=2)
    (price_cache_dir() / entry_a["file"]).write_text("date,open,high,low,close,adj_close,volume\n")
    (price_cache_dir() / entry_b["file"]).unlink()
    (price_cache_dir() / "SYNSTRAY.csv").write_text("date\n")

    status = cache_status().set_index("ticker")["state"].to_dict()

    assert status == {"SYNA": "MISMATCH", "SYNB": "missing file", "SYNC": "ok", "SYNSTRAY": "not in manifest"}


def test_writes_leave_no_temporary_files_behind():
    a, _ = _store_synthetic("SYNA")
    b, _ = _store_synthetic("SYNB", seed=1)

    names = sorted(p.name for p in price_cache_dir().iterdir())
    assert names == sorted([".lock", a["file"], b["file"], "manifest.json"])


def test_a_write_that_fails_half_way_leaves_the_manifest_unchanged():
    _store_synthetic("SYNA")
    manifest_before = (price_cache_dir() / "manifest.json").read_bytes()
    broken = synthetic_daily("2020-01-02", "2020-01-31").drop(columns="volume")
    entry = {"ticker": "SYNB", "source": "synthetic", "retrieved_at": None, "yfinance_version": None,
             "arguments": {"start": "2020-01-02", "end": "2020-01-31"}, "splits": []}

    with pytest.raises(KeyError):
        write_entries([(entry, broken)])

    assert (price_cache_dir() / "manifest.json").read_bytes() == manifest_before
    assert not (price_cache_dir() / "SYNB.csv").exists()


def test_the_manifest_is_json_with_the_contract_fields():
    _store_synthetic("SYNA")

    data = json.loads((price_cache_dir() / "manifest.json").read_text())

    assert data["format"] == 1
    assert tuple(data["tickers"]["SYNA"]) == PROVENANCE_COLUMNS


def test_price_provenance_is_the_manifest_as_a_frame():
    entry, _ = _store_synthetic("SYNA")

    provenance = frstory.price_provenance()

    assert list(provenance.columns) == list(PROVENANCE_COLUMNS)
    assert provenance.iloc[0].to_dict() == entry


def test_price_provenance_of_an_empty_cache_has_the_columns_and_no_rows():
    provenance = frstory.price_provenance()
    assert provenance.empty and list(provenance.columns) == list(PROVENANCE_COLUMNS)


@pytest.mark.parametrize(
    ("start", "end", "needle"),
    [("2020-13-01", "2020-06-30", "start '2020-13-01'"), ("2020-06-01", "soon", "end 'soon'"),
     ("2020-06-30", "2020-06-01", "end 2020-06-01 is before start 2020-06-30")],
)
def test_bad_dates_are_rejected_naming_the_value(offline, start, end, needle):
    with pytest.raises(frstory.DataValidationError) as info:
        frstory.load_prices("SYNA", start, end)
    assert needle in str(info.value)


def test_read_manifest_of_an_empty_cache_is_empty():
    assert read_manifest() == {}
