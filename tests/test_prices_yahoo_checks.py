"""Every Yahoo answer is checked before it is stored: a bad answer names ticker, dates and problem,
and leaves the cache exactly as it was. Served by the synthetic replay server on 127.0.0.1."""

from __future__ import annotations

import json

import pytest
from yahoo_replay import ReplayServer, synthetic_chart, synthetic_daily

import frstory
from frstory.cli import main
from frstory.data.cache import read_manifest
from frstory.data.calendar import nyse_sessions
from frstory.paths import price_cache_dir

SESSIONS = nyse_sessions("2021-01-04", "2021-12-31")
START, END = "2021-01-04", str(SESSIONS[85].date())  # 86 sessions
SERIES = synthetic_daily(START, END, seed=1)


def _quote(result):
    return result["indicators"]["quote"][0]


def _split_event(numerator, denominator):
    def mutate(result):
        stamp = result["timestamp"][40]
        result["events"] = {"splits": {str(stamp): {"date": stamp, "numerator": numerator,
                                                    "denominator": denominator,
                                                    "splitRatio": f"{numerator:g}:{denominator:g}"}}}
    return mutate


def _drop_sessions(count, at=20):
    def mutate(result):
        lists = [result["timestamp"], *_quote(result).values(), result["indicators"]["adjclose"][0]["adjclose"]]
        for values in lists:
            del values[at:at + count]
    return mutate


def _set(column, value, row=10):
    return lambda result: _quote(result).__setitem__(column, [*_quote(result)[column][:row], value,
                                                              *_quote(result)[column][row + 1:]])


def _a_day_twice(factor):
    def mutate(result):
        lists = [result["timestamp"], *_quote(result).values(), result["indicators"]["adjclose"][0]["adjclose"]]
        result["timestamp"].insert(10, result["timestamp"][10])
        for values in lists[1:]:
            values.insert(10, values[10] * factor)
    return mutate


BAD_ANSWERS = {
    "another symbol": (lambda r: r["meta"].__setitem__("symbol", "SYNB"), "Yahoo sent prices for 'SYNB', not 'SYNA'"),
    "no symbol": (lambda r: r["meta"].pop("symbol"), "Yahoo sent prices without saying for which symbol"),
    "15 of 86 sessions missing": (_drop_sessions(15),
                                  "missing 15 of 86 sessions: 2021-02-02, 2021-02-03, 2021-02-04, 2021-02-05, 2021-02-08 and 10 more"),
    "NaN close": (_set("close", float("nan")), "1 row(s) with missing or infinite prices: 2021-01-19"),
    "null close": (_set("close", None), "1 row(s) with missing or infinite prices: 2021-01-19"),
    "infinite high": (_set("high", float("inf")), "1 row(s) with missing or infinite prices: 2021-01-19"),
    "negative close": (_set("close", -5.0), "1 row(s) with zero or negative prices: 2021-01-19"),
    "zero open": (_set("open", 0.0), "1 row(s) with zero or negative prices: 2021-01-19"),
    "high below low": (_set("high", 1.0), "1 row(s) with high below low: 2021-01-19"),
    "close above high": (_set("close", 10_000.0), "1 row(s) with open or close outside low..high: 2021-01-19"),
    "negative volume": (_set("volume", -100), "1 row(s) with a volume that is missing, negative or above 1e+14: 2021-01-19"),
    "split ratio 0": (_split_event(0.0, 1.0), "split ratio 0.0 is not a plausible split (between 1/100 and 100, not 1) on 2021-03-03 (Yahoo's split 0:1)"),
    "split ratio 1000": (_split_event(1000.0, 1.0), "split ratio 1000.0 is not a plausible split (between 1/100 and 100, not 1) on 2021-03-03"),
    # yfinance keeps the first of two bars with one timestamp without a word.
    "a day sent twice with different prices": (_a_day_twice(1.5), "1 day(s) sent twice with different prices: 2021-01-19"),
    "split with denominator 0": (_split_event(2.0, 0.0), "split ratio inf is not a plausible split (between 1/100 and 100, not 1) on 2021-03-03"),
}


@pytest.fixture
def serve(monkeypatch):
    servers = []

    def _serve(mutate=None, series=SERIES):
        doc = synthetic_chart("SYNA", series)
        if mutate:
            mutate(doc["chart"]["result"][0])
        server = ReplayServer({"SYNA": doc})
        servers.append(server)
        monkeypatch.setenv("FRSTORY_YAHOO_BASE_URL", server.base_url)
        monkeypatch.setenv("FRSTORY_YAHOO_TIMEOUT", "20")
        return server

    yield _serve
    for server in servers:
        server.stop()


def _cache_files() -> list[str]:
    folder = price_cache_dir()
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


@pytest.mark.parametrize("case", list(BAD_ANSWERS))
def test_a_bad_answer_is_rejected_naming_ticker_range_and_problem_and_nothing_is_stored(serve, case):
    mutate, expected = BAD_ANSWERS[case]
    serve(mutate)

    with pytest.raises(frstory.PriceDataUnavailable) as info:
        frstory.load_prices("SYNA", START, END)

    message = str(info.value)
    assert f"Yahoo Finance's answer for SYNA from {START} to {END} was rejected and nothing was stored" in message
    assert expected in message
    assert "frstory data pull --refresh" in message
    assert read_manifest() == {} and not [n for n in _cache_files() if n.endswith(".csv")]


def test_a_range_yahoo_answers_only_in_part_is_reported_as_such(serve):
    serve(series=SERIES[SERIES["date"] >= "2021-02-01"])

    with pytest.raises(frstory.PriceDataUnavailable) as info:
        frstory.load_prices("SYNA", START, END)

    assert ("covers only part of the range: rows for 2021-02-01 to 2021-05-06, none for 19 of 86 sessions "
            "(2021-01-04, 2021-01-05") in str(info.value)
    assert read_manifest() == {}


def test_a_bad_answer_leaves_the_previous_cache_untouched(serve):
    serve()
    frstory.load_prices("SYNA", START, "2021-03-31")
    before = {name: (price_cache_dir() / name).read_bytes() for name in _cache_files()}
    serve(BAD_ANSWERS["NaN close"][0])

    with pytest.raises(frstory.PriceDataUnavailable):
        frstory.load_prices("SYNA", START, END)  # needs a wider range, so it fetches

    assert {name: (price_cache_dir() / name).read_bytes() for name in _cache_files()} == before


def test_pull_of_a_bad_answer_exits_1_with_the_message(serve, capsys):
    serve(BAD_ANSWERS["high below low"][0])

    assert main(["data", "pull", "--start", START, "--end", END, "SYNA"]) == 1

    err = capsys.readouterr().err
    assert "1 row(s) with high below low: 2021-01-19" in err and "Traceback" not in err
    assert read_manifest() == {}


def test_a_day_sent_twice_with_the_same_prices_is_stored_once(serve):
    serve(_a_day_twice(1.0))

    prices = frstory.load_prices("SYNA", START, END)

    assert len(prices) == 86 and prices["date"].is_unique


def _serve_raw(serve, status, body):
    """The replay server, answering every price request with ``status`` and ``body`` as they are."""
    server = serve()
    handler = server._httpd.RequestHandlerClass

    class Raw(handler):
        def do_GET(self):  # noqa: N802 - http.server API
            if "/v8/finance/chart/" in self.path and "period1=" in self.path:
                server.requests.append(self.path)
                return self._send(status, body)
            return handler.do_GET(self)

    server._httpd.RequestHandlerClass = Raw
    return server


@pytest.mark.parametrize(("body", "said"), [
    (json.dumps(synthetic_chart("SYNA", SERIES)).encode()[:2000], "JSON cut off or malformed after 2,000 bytes"),
    (b"<html><body>Will be right back</body></html>", "a web page of 44 bytes, not JSON"),
    (b"", "an empty answer"),
])
def test_an_answer_that_is_not_json_is_explained_not_called_a_delisted_ticker(serve, body, said):
    _serve_raw(serve, 200, body)

    with pytest.raises(frstory.PriceDataUnavailable) as info:
        frstory.load_prices("SYNA", START, END)

    message = str(info.value)
    assert f"Yahoo's answer from query2.finance.yahoo.com/v8/finance/chart/SYNA was not price data: {said}" in message
    assert "delisted" not in message
    assert read_manifest() == {}


def test_a_good_answer_is_stored(serve):
    serve()

    prices = frstory.load_prices("SYNA", START, END)

    assert len(prices) == 86 and read_manifest()["SYNA"]["rows"] == 86
