"""The manifest is checked against its files on every read: each inconsistency is a clear
CacheIntegrityError naming the ticker, what is wrong and the fix; never a traceback, never silent data."""

from __future__ import annotations

import json

import pytest
from yahoo_replay import offline, synthetic_daily  # noqa: F401 - fixture used by name

import frstory
from frstory.cli import main
from frstory.data.cache import write_entries
from frstory.paths import price_cache_dir


def _store(ticker, seed, start="2020-01-02", end="2020-12-31", splits=None):
    frame = synthetic_daily(start, end, seed=seed)
    entry = {"ticker": ticker, "source": "synthetic test data", "retrieved_at": "2024-01-01T00:00:00+00:00",
             "yfinance_version": None, "arguments": {"start": start, "end": end}, "splits": splits or []}
    return write_entries([(entry, frame)])[0]


@pytest.fixture
def cache(offline):
    _store("SYNA", 1)
    _store("SYNB", 2)
    return price_cache_dir() / "manifest.json"


def _edit(path, change):
    data = json.loads(path.read_text())
    change(data["tickers"])
    path.write_text(json.dumps(data))


def _load_error(ticker="SYNA") -> str:
    with pytest.raises(frstory.CacheIntegrityError) as info:
        frstory.load_prices(ticker, "2020-06-01", "2020-06-30")
    return str(info.value)


def test_an_entry_pointing_at_another_tickers_file_is_refused(cache):
    _edit(cache, lambda t: t["SYNA"].update(file=t["SYNB"]["file"], sha256=t["SYNB"]["sha256"]))

    message = _load_error()

    assert f"price cache entry 'SYNA' names file '{json.loads(cache.read_text())['tickers']['SYNB']['file']}'" in message
    assert "but SYNA's file with that checksum is" in message
    assert "frstory data pull --refresh SYNA" in message


def test_an_entry_under_another_tickers_key_is_refused(cache):
    _edit(cache, lambda t: t.__setitem__("SYNA", dict(t["SYNB"])))

    assert "price cache entry 'SYNA' describes ticker 'SYNB'" in _load_error()


@pytest.mark.parametrize("file", ["../outside.csv", "/etc/passwd", "sub/SYNA.csv", ".."])
def test_a_file_outside_the_cache_is_never_read(cache, file):
    (cache.parent.parent / "outside.csv").write_text("date,open,high,low,close,adj_close,volume\n")
    _edit(cache, lambda t: t["SYNA"].update(file=file))

    assert f"names file {file!r}, which is not a plain file name inside the cache" in _load_error()


def test_a_split_ratio_of_zero_is_refused_instead_of_giving_infinite_prices(cache):
    _edit(cache, lambda t: t["SYNA"].update(splits=[{"date": "2020-06-15", "ratio": 0, "method": "inferred"}]))

    assert ("price cache entry 'SYNA' has a split that cannot be right: split ratio 0 is not a plausible split "
            "(between 1/100 and 100, not 1). It is not used.") in _load_error()


@pytest.mark.parametrize("ratio", [-2, "x", 1e9, float("inf")])
def test_other_implausible_split_ratios_are_refused(cache, ratio):
    _edit(cache, lambda t: t["SYNA"].update(splits=[{"date": "2020-06-15", "ratio": ratio}]))

    assert "price cache entry 'SYNA' has a split that cannot be right: split ratio" in _load_error()


@pytest.mark.parametrize("key", ["file", "sha256", "arguments", "splits", "rows", "ticker"])
def test_a_missing_key_is_named_not_a_traceback(cache, key):
    _edit(cache, lambda t: t["SYNA"].pop(key))

    assert f"price cache entry 'SYNA' lacks the field(s) {key}" in _load_error()


def test_a_range_the_file_does_not_hold_is_refused(cache):
    # The manifest claims the file is complete from 2019 on: it is not, so it must not be trusted.
    _edit(cache, lambda t: t["SYNA"]["arguments"].update(start="2019-01-02"))

    message = _load_error()
    assert "is not a complete, plausible series for 2019-01-02 to 2020-12-31" in message
    assert "covers only part of the range: rows for 2020-01-02 to 2020-12-31, none for 252 of 505 sessions" in message


def test_rows_that_differ_from_the_record_are_refused(cache):
    _edit(cache, lambda t: t["SYNA"].update(rows=10))

    assert "holds 253 rows from 2020-01-02 to 2020-12-31, but its record claims 10 rows" in _load_error()


def test_a_manifest_of_another_format_is_refused(cache):
    data = json.loads(cache.read_text())
    data["format"] = 99
    cache.write_text(json.dumps(data))

    assert "its format is 99, this frstory reads format 1" in _load_error()


def test_a_manifest_without_tickers_is_refused(cache):
    cache.write_text("[]")

    assert "the price cache manifest (manifest.json) is unusable: it has no 'tickers' object" in _load_error()


def test_the_cli_reports_a_bad_manifest_in_one_line_without_a_traceback(cache, capsys):
    _edit(cache, lambda t: t["SYNA"].pop("sha256"))

    assert main(["data", "status"]) == 1

    err = capsys.readouterr().err
    assert err.startswith("frstory: error: price cache entry 'SYNA' lacks the field(s) sha256")
    assert "Traceback" not in err
