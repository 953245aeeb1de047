"""Market data committed with the project: loads resolve cache -> committed data -> Yahoo, and
`frstory data lock` writes cached prices into the committed folder with a Frictionless datapackage."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from conftest import COMMITTED_MARKET_DIR, MARKET_DIR
from yahoo_replay import ReplayServer, offline, replay, synthetic_chart, synthetic_daily  # noqa: F401

import frstory
from frstory.cli import main
from frstory.data.cache import read_manifest, write_entries
from frstory.data.committed import lock
from frstory.data.importer import import_directory
from frstory.provenance import reads

SOURCES_HEADER = "ticker,start,end,source,url,vintage,treatment"


def _synthetic_folder(folder, tickers=("SYNA",), start="2021-01-04", end="2021-03-31"):
    folder.mkdir(parents=True, exist_ok=True)
    for seed, ticker in enumerate(tickers):
        frame = synthetic_daily(start, end, seed=seed)
        frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")
        frame.to_csv(folder / f"{ticker}.csv", index=False)
    return folder


def _locked_folder(tmp_path, monkeypatch, rows=None):
    """A committed folder holding synthetic SYNA (2021-01-04..03-31), locked from the cache."""
    import_directory(_synthetic_folder(tmp_path / "synthetic-market"))
    committed = tmp_path / "committed"
    committed.mkdir()
    (committed / "sources.csv").write_text("\n".join([SOURCES_HEADER, *(rows or [
        "SYNA,2021-01-04,2021-02-12,Synthetic copy A,https://example.org/a.csv,2021 vintage,unchanged",
        "SYNA,2021-02-16,2021-03-31,Synthetic copy B,https://example.org/b.csv,2023 vintage,"
        "reconstructed: prices x20"])]) + "\n")
    lock(folder=committed)
    monkeypatch.setenv("FRSTORY_COMMITTED_DATA", str(committed))
    return committed


def _empty_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("FRSTORY_DATA_DIR", str(tmp_path / "fresh-cache"))


def test_a_fresh_clone_loads_the_committed_prices_without_network(committed_market, offline):
    prices = frstory.load_prices(["AMZN", "^GSPC"], "2020-06-09", "2020-06-10")

    assert prices[prices.ticker == "AMZN"]["close"].tolist() == [2600.86, 2647.45]
    assert read_manifest() == {}  # served from the committed data, nothing cached


def test_committed_splits_serve_adjusted_prices(committed_market, offline):
    prices = frstory.load_prices("IBM", "2020-06-10", "2020-06-10", adjusted=True)

    assert round(prices["close"].iloc[0], 2) == 124.16


def test_the_read_log_carries_the_reader_facing_origin_of_the_stretch_read(committed_market, offline):
    frstory.load_prices("AMZN", "2021-06-01", "2021-06-30")

    read = reads()[-1]
    assert read["origin"] == "committed"
    assert read["source"].startswith("13 May 2021 – 3 June 2022: Yahoo Finance daily prices, a copy a third party "
                                     "committed to GitHub (Sicheng-Wang1999/SP500) (downloaded in 2023, data up to "
                                     "27 October 2023)")
    assert "Reconstructed: the copy is adjusted for the 20-for-1 split" in read["source"]
    assert "Caparisun" not in read["source"]  # only the stretches the read used
    assert "/" + "work" not in read["source"] and str(COMMITTED_MARKET_DIR) not in read["source"]


def test_the_cache_comes_before_the_committed_data(committed_market, offline):
    frame = synthetic_daily("2020-06-01", "2020-06-30", seed=9)
    entry = {"ticker": "AMZN", "source": "synthetic test data", "retrieved_at": None, "yfinance_version": None,
             "arguments": {"start": "2020-06-01", "end": "2020-06-30"}, "splits": []}
    write_entries([(entry, frame)])

    prices = frstory.load_prices("AMZN", "2020-06-09", "2020-06-10")

    assert prices["close"].tolist() == frame.set_index("date").loc["2020-06-09":"2020-06-10", "close"].tolist()
    assert reads()[-1]["origin"] == "cache"


def test_a_range_the_committed_data_lacks_is_fetched_from_yahoo(tmp_path, monkeypatch, replay):
    _locked_folder(tmp_path, monkeypatch)
    _empty_cache(monkeypatch, tmp_path)

    frstory.load_prices("SYNA", "2021-06-01", "2021-06-30")

    assert len(replay.chart_requests()) == 1 and read_manifest()["SYNA"]["arguments"]["end"] == "2021-06-30"


def test_a_range_the_committed_data_holds_never_asks_yahoo(tmp_path, monkeypatch, replay):
    _locked_folder(tmp_path, monkeypatch)
    _empty_cache(monkeypatch, tmp_path)

    frstory.load_prices("SYNA", "2021-02-01", "2021-02-26")

    assert replay.chart_requests() == []


def test_lock_writes_csvs_and_a_frictionless_datapackage(tmp_path, monkeypatch):
    committed = _locked_folder(tmp_path, monkeypatch)

    package = json.loads((committed / "datapackage.json").read_text())
    (resource,) = package["resources"]
    assert package["profile"] == "tabular-data-package"
    assert resource["path"] == "SYNA.csv" and resource["profile"] == "tabular-data-resource"
    assert resource["hash"] == "sha256:" + frstory.provenance.sha256_file(committed / "SYNA.csv")
    assert [f["name"] for f in resource["schema"]["fields"]] == ["date", "open", "high", "low", "close",
                                                                "adj_close", "volume"]
    assert resource["sources"] == [{"title": "Synthetic copy A", "path": "https://example.org/a.csv"},
                                   {"title": "Synthetic copy B", "path": "https://example.org/b.csv"}]
    assert resource["description"] == ("2021-01-04 to 2021-02-12: Synthetic copy A (2021 vintage). Unchanged. "
                                       "2021-02-16 to 2021-03-31: Synthetic copy B (2023 vintage). "
                                       "Reconstructed: prices x20.")
    assert str(tmp_path) not in json.dumps(package)


def test_locked_prices_load_unchanged_from_an_empty_cache(tmp_path, monkeypatch, offline):
    _locked_folder(tmp_path, monkeypatch)
    before = frstory.load_prices("SYNA", "2021-01-04", "2021-03-31")
    _empty_cache(monkeypatch, tmp_path)

    after = frstory.load_prices("SYNA", "2021-01-04", "2021-03-31")

    pd.testing.assert_frame_equal(before, after, check_like=True)
    assert reads()[-1]["origin"] == "committed"


@pytest.mark.parametrize("ticker", ["AMZN", "GOOGL", "IBM", "MSFT", "^GSPC", "^IXIC"])
def test_the_committed_data_tells_readers_where_prices_came_from_in_words(committed_market, offline, ticker):
    """Readers see this text as it is (the methods box): no ISO date, ticker symbol, file or column name."""
    import re

    frstory.load_prices(ticker, "2019-01-02", "2022-12-30")

    source = reads()[-1]["source"]
    assert "Yahoo Finance daily" in source
    assert [p for p in (r"\d{4}-\d{2}-\d{2}", r"\^[A-Z]", r"\w\.csv", "adj_close") if re.search(p, source)] == []


def test_a_committed_folder_imported_into_the_cache_tells_readers_its_stretches_in_words(tmp_path, monkeypatch, offline):
    committed = _locked_folder(tmp_path, monkeypatch)
    _empty_cache(monkeypatch, tmp_path)
    import_directory(committed)

    frstory.load_prices("SYNA", "2021-03-01", "2021-03-05")

    read = reads()[-1]
    assert read["origin"] == "cache"
    assert read["source"] == ("imported from a price file. 16 February – 31 March 2021: Synthetic copy B (2023 vintage). "
                              "Reconstructed: prices x20.")


def test_a_plain_imported_file_is_described_to_readers_without_its_file_name(tmp_path, monkeypatch, offline):
    _empty_cache(monkeypatch, tmp_path)
    import_directory(_synthetic_folder(tmp_path / "synthetic-market"))

    frstory.load_prices("SYNA", "2021-03-01", "2021-03-05")

    assert reads()[-1]["source"] == "imported from a price file"


def test_lock_refuses_a_source_text_readers_would_see_with_an_iso_date_or_a_file_name(tmp_path, monkeypatch):
    with pytest.raises(frstory.DataValidationError) as info:
        _locked_folder(tmp_path, monkeypatch, rows=[
            "SYNA,2021-01-04,2021-03-31,Synthetic copy (data/SYNA.csv),https://example.org/a.csv,committed 2021-04-01,"
            "unchanged"])

    message = str(info.value)
    assert ("sources.csv:2: column source value 'data/SYNA.csv' is a file name, which readers see as it is. "
            "Fix: leave the file to the url column") in message
    assert ("sources.csv:2: column vintage value '2021-04-01' is an ISO date, which readers see as it is. "
            "Fix: write the date in words, e.g. 13 May 2021.") in message
    assert not (tmp_path / "committed" / "datapackage.json").exists()


def test_lock_refuses_a_stretch_without_a_source(tmp_path, monkeypatch):
    with pytest.raises(frstory.DataValidationError) as info:
        _locked_folder(tmp_path, monkeypatch, rows=[
            "SYNA,2021-01-04,2021-02-12,Synthetic copy A,https://example.org/a.csv,2021,unchanged"])

    assert str(info.value).startswith(
        "no source is recorded for SYNA on 32 session(s) (2021-02-16, 2021-02-17, 2021-02-18, 2021-02-19, "
        "2021-02-22 and 27 more) of the range 2021-01-04 to 2021-03-31; nothing was locked. Fix: add rows to "
        "sources.csv")
    assert not (tmp_path / "committed" / "datapackage.json").exists()


def test_lock_refuses_a_malformed_sources_file(tmp_path, monkeypatch):
    with pytest.raises(frstory.DataValidationError) as info:
        _locked_folder(tmp_path, monkeypatch, rows=["SYNA,2021-01-04,someday,copy,ftp://example.org/a.csv,,x"])

    message = str(info.value)
    assert "sources.csv:2: column start/end value '2021-01-04..someday' are not ISO dates" in message


def test_lock_of_pulled_prices_records_yahoo_as_their_source(tmp_path, replay):
    frstory.data.prices.pull(["SYNA"], "2021-06-01", "2021-06-30")

    (resource,) = lock(folder=tmp_path / "committed")

    (segment,) = resource["frstory"]["segments"]
    assert segment["source"].startswith("Yahoo Finance chart API, fetched with yfinance")
    assert segment["treatment"].startswith("as traded: Yahoo's split-adjusted prices multiplied back")
    assert (segment["start"], segment["end"]) == ("2021-06-01", "2021-06-30")


def test_lock_of_a_ticker_that_is_not_cached_names_the_fix(tmp_path, capsys):
    assert main(["data", "lock", "SYNA", "--to", str(tmp_path / "committed")]) == 1

    assert "SYNA is not in the price cache, so it cannot be locked. Fix: `frstory data pull SYNA" in capsys.readouterr().err


def test_a_changed_committed_file_is_refused_naming_the_fix(tmp_path, monkeypatch, offline):
    committed = _locked_folder(tmp_path, monkeypatch)
    _empty_cache(monkeypatch, tmp_path)
    path = committed / "SYNA.csv"
    path.write_text(path.read_text().replace("2021-03-01,", "2021-03-01,1", 1))

    with pytest.raises(frstory.CacheIntegrityError) as info:
        frstory.load_prices("SYNA", "2021-03-01", "2021-03-05")

    message = str(info.value)
    assert message.startswith("committed market data: SYNA.csv for SYNA changed after it was locked")
    assert "git checkout -- data/market" in message and str(tmp_path) not in message


def test_the_committed_folder_imports_through_its_datapackage(monkeypatch):
    entries = import_directory(COMMITTED_MARKET_DIR)

    assert [e["ticker"] for e in entries] == ["AMZN", "GOOGL", "IBM", "MSFT", "^GSPC", "^IXIC"]
    assert entries[0]["source"].startswith("2019-01-02 to 2021-05-12: Yahoo Finance daily prices")


def test_a_tampered_file_in_a_datapackage_folder_is_not_imported(tmp_path):
    folder = tmp_path / "market-copy"
    shutil.copytree(COMMITTED_MARKET_DIR, folder)
    with open(folder / "MSFT.csv", "a") as fh:
        fh.write("2023-01-03,1,2,0.5,1,1,10\n")

    with pytest.raises(frstory.DataValidationError) as info:
        import_directory(folder)

    assert "MSFT.csv: differs from the SHA-256 in datapackage.json (changed after it was locked)" in str(info.value)


@pytest.mark.skipif(not (MARKET_DIR / "AMZN.csv").is_file(), reason="the snapshot ../shared/market is absent")
@pytest.mark.parametrize("name", ["AMZN", "GOOGL", "IBM", "MSFT", "GSPC", "IXIC"])
def test_the_committed_prices_are_the_snapshots_values(name):
    snapshot = pd.read_csv(MARKET_DIR / f"{name}.csv")
    committed = pd.read_csv(COMMITTED_MARKET_DIR / f"{name}.csv")

    pd.testing.assert_frame_equal(snapshot, committed, check_exact=True)


def test_the_committed_package_describes_every_file_it_holds():
    package = json.loads((COMMITTED_MARKET_DIR / "datapackage.json").read_text())

    paths = sorted(r["path"] for r in package["resources"])
    assert paths == sorted(p.name for p in COMMITTED_MARKET_DIR.glob("*.csv") if p.name != "sources.csv")
    for resource in package["resources"]:
        segments = resource["frstory"]["segments"]
        assert segments[0]["start"] == resource["frstory"]["first_date"]
        assert segments[-1]["end"] == resource["frstory"]["last_date"]
        assert all(s["url"].startswith("https://github.com/") for s in segments)
    assert "third parties" in package["description"] and "not adjusted for dividends" in package["description"]


def test_lock_reads_locks_exactly_the_ranges_a_story_read(tmp_path, monkeypatch, capsys):
    import_directory(_synthetic_folder(tmp_path / "synthetic-market", tickers=("SYNA", "SYNB")))
    log = tmp_path / "reads.jsonl"
    monkeypatch.setenv("FRSTORY_READ_LOG", str(log))
    frstory.load_prices("SYNA", "2021-02-01", "2021-02-26")
    frstory.load_prices("SYNA", "2021-03-01", "2021-03-05")
    committed = tmp_path / "committed"
    committed.mkdir()
    (committed / "sources.csv").write_text(
        f"{SOURCES_HEADER}\nSYNA,2021-01-04,2021-03-31,Synthetic copy,https://example.org/a.csv,2021,unchanged\n")

    assert main(["data", "lock", "--reads", str(log), "--to", str(committed)]) == 0

    (resource,) = json.loads((committed / "datapackage.json").read_text())["resources"]
    assert resource["frstory"]["ticker"] == "SYNA"  # SYNB was cached but not read
    assert (resource["frstory"]["first_date"], resource["frstory"]["last_date"]) == ("2021-02-01", "2021-03-05")
    assert "locked 1 ticker(s)" in capsys.readouterr().out


def test_lock_reads_of_a_log_without_price_reads_says_so(tmp_path, capsys):
    log = tmp_path / "reads.jsonl"
    log.write_text('{"kind": "events", "path": "events.csv"}\n')

    assert main(["data", "lock", "--reads", str(log), "--to", str(tmp_path / "committed")]) == 1

    assert "read log reads.jsonl records no price read: nothing to lock" in capsys.readouterr().err


def test_a_ticker_windows_reserves_is_committed_under_a_name_windows_accepts(tmp_path, monkeypatch, offline):
    # Synthetic prices for a made-up ticker CON: Windows refuses CON.csv (any case, any extension).
    import_directory(_synthetic_folder(tmp_path / "synthetic-market", tickers=("CON",)))
    before = frstory.load_prices("CON", "2021-01-04", "2021-03-31")
    committed = tmp_path / "committed"
    committed.mkdir()
    (committed / "sources.csv").write_text(
        SOURCES_HEADER + "\nCON,2021-01-04,2021-03-31,Synthetic copy A,https://example.org/a.csv,2021 vintage,unchanged\n")
    lock(folder=committed)
    monkeypatch.setenv("FRSTORY_COMMITTED_DATA", str(committed))
    _empty_cache(monkeypatch, tmp_path)

    (resource,) = json.loads((committed / "datapackage.json").read_text())["resources"]
    assert resource["path"].split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL"}
    pd.testing.assert_frame_equal(before, frstory.load_prices("CON", "2021-01-04", "2021-03-31"), check_like=True)
