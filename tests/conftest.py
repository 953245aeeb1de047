"""Shared fixtures: the real market snapshot (when present) and a real headless Chromium."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MARKET_DIR = ROOT.parent / "shared" / "market"
#: The market data committed with the project (a fresh clone has it; the snapshot may be absent).
COMMITTED_MARKET_DIR = ROOT / "data" / "market"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    """The Debian chromium binary, or ``None``."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory, monkeypatch):
    """Every test gets an empty price cache and no committed market data, so no test reads or
    writes the developer's cache and a missing price is a miss (use ``committed_market`` to load
    the project's committed data)."""
    monkeypatch.setenv("FRSTORY_DATA_DIR", str(tmp_path_factory.mktemp("frstory-data")))
    monkeypatch.setenv("FRSTORY_COMMITTED_DATA", str(tmp_path_factory.mktemp("frstory-no-committed-data")))
    monkeypatch.delenv("FRSTORY_READ_LOG", raising=False)


@pytest.fixture
def committed_market(monkeypatch) -> Path:
    """Loads see the project's committed market data (``data/market``), as a fresh clone does."""
    monkeypatch.setenv("FRSTORY_COMMITTED_DATA", str(COMMITTED_MARKET_DIR))
    return COMMITTED_MARKET_DIR


@pytest.fixture(scope="session")
def market_dir() -> Path:
    """The real daily snapshot as a folder ``frstory data import`` reads: ``../shared/market`` when
    present, else the same prices committed in ``data/market`` (so a fresh clone runs these tests)."""
    if (MARKET_DIR / "AMZN.csv").is_file():
        return MARKET_DIR
    if (COMMITTED_MARKET_DIR / "datapackage.json").is_file():
        return COMMITTED_MARKET_DIR
    pytest.skip("no market data: neither the snapshot (../shared/market) nor data/market is present")


@pytest.fixture(scope="session")
def browser():
    """A real headless Debian Chromium driven by Playwright (one per test session)."""
    exe = chromium_path()
    if exe is None:
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    user_data = tempfile.mkdtemp(prefix="frstory-chromium-")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            shutil.rmtree(user_data, ignore_errors=True)


@pytest.fixture(scope="session")
def chart_drawer():
    """The publisher's own chart-drawing browser (kaleido on the Debian Chromium), one per test session."""
    from frstory.publish.images import _Browser

    try:
        drawer = _Browser()
    except Exception as exc:  # noqa: BLE001 - no Chromium here: specs that draw charts cannot run
        pytest.skip(f"no browser to draw charts: {exc}")
    yield drawer
    drawer.close()


class PageReport:
    """What a page did while loading: console errors, page errors and failed requests."""

    def __init__(self, page):
        self.page = page
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.failed_requests: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        page.on("requestfailed", lambda r: self.failed_requests.append(f"{r.url} {r.failure}"))

    @property
    def problems(self) -> list[str]:
        return self.console_errors + self.page_errors + self.failed_requests


@pytest.fixture
def open_page(browser):
    """``open_page(url_or_path)`` -> PageReport after the page has loaded (plotly drawn, if any)."""
    contexts = []

    def _open(target, *, wait_for: str | None = None, viewport=(1200, 900)) -> PageReport:
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        contexts.append(context)
        page = context.new_page()
        report = PageReport(page)
        url = target if str(target).startswith(("http://", "https://", "file://")) else Path(target).resolve().as_uri()
        page.goto(url, wait_until="load")
        if wait_for:
            page.wait_for_selector(wait_for, timeout=10_000)
        return report

    yield _open
    for context in contexts:
        context.close()


def pytest_report_header(config):
    lines = [f"chromium: {chromium_path() or 'not installed (browser tests skip)'}"]
    lines.append(f"market snapshot: {'../shared/market' if MARKET_DIR.is_dir() else 'absent (tests use data/market)'}")
    return lines
