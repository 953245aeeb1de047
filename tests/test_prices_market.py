"""The real snapshot (../shared/market, else the committed data/market), imported into a temporary
cache and read with no network. Nothing from it is written to the repo.
"""

from __future__ import annotations

import pytest
from yahoo_replay import offline  # noqa: F401 - fixture used by name

import frstory
from frstory.data.importer import import_directory

pytestmark = pytest.mark.market


@pytest.fixture
def imported(market_dir, offline):
    return {entry["ticker"]: entry for entry in import_directory(market_dir)}


def test_the_snapshot_imports_all_six_tickers(imported, market_dir):
    assert sorted(imported) == ["AMZN", "GOOGL", "IBM", "MSFT", "^GSPC", "^IXIC"]
    assert {e["rows"] for e in imported.values()} == {1008}
    assert not any(str(market_dir.parent) in str(e) for e in imported.values())


def test_amazon_closes_around_the_moratorium_are_as_traded(imported):
    prices = frstory.load_prices(["AMZN"], "2020-06-09", "2020-06-10")

    assert prices["close"].tolist() == [2600.86, 2647.45]
    assert "AMZN.csv" in prices.attrs["provenance"][0]["source"]


def test_amazon_adjusted_close_matches_what_yahoo_shows_today(imported):
    prices = frstory.load_prices("AMZN", "2020-06-10", "2020-06-10", adjusted=True)

    assert prices["close"].iloc[0] == pytest.approx(132.3725)


def test_the_snapshot_splits_are_inferred(imported):
    splits = {t: [(s["date"], s["ratio"]) for s in e["splits"]] for t, e in imported.items()}

    assert splits == {
        "AMZN": [("2022-06-06", 20.0)], "GOOGL": [("2022-07-18", 20.0)], "IBM": [("2021-11-04", 1.046)],
        "MSFT": [], "^GSPC": [], "^IXIC": [],
    }


def test_ibm_adjusted_for_the_spin_off_factor_matches_yahoos_124_16(imported):
    prices = frstory.load_prices("IBM", "2020-06-10", "2020-06-10", adjusted=True)

    assert round(prices["close"].iloc[0], 2) == 124.16
