"""Hostile and broken price CSVs: each gets a clear error naming file, line, column and fix, never a
traceback; large files stream in bounded memory; repeated errors are capped; non-sessions are
rejected; implausible one-day moves are flagged, not taken for splits. Synthetic files only."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from yahoo_replay import synthetic_daily

import frstory
from frstory.data.cache import read_manifest, write_entries
from frstory.data.checks import calendar_bounds
from frstory.data.importer import import_directory
from frstory.paths import price_cache_dir

HEADER = "date,open,high,low,close,adj_close,volume"
GOOD = "2021-06-01,10.0,11.0,9.5,10.5,10.5,1000"


def _folder(tmp_path, *rows, name="SYNA.csv") -> Path:
    folder = tmp_path / "synthetic-market"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text("\n".join([HEADER, *rows]) + "\n")
    return folder


def _error(folder) -> str:
    with pytest.raises(frstory.DataValidationError) as info:
        import_directory(folder)
    message = str(info.value)
    assert str(folder.parent) not in message  # never a machine path
    return message


def _last_session() -> str:
    return str(calendar_bounds()[1].date())


@pytest.mark.parametrize("day", ["1500-01-01", "9999-12-31", "1989-12-29"])
def test_a_date_outside_the_exchange_calendar_is_named(tmp_path, day):
    message = _error(_folder(tmp_path, GOOD, f"{day},10.0,11.0,9.5,10.5,10.5,1000"))

    assert (f"SYNA.csv:3: column date value '{day}' is outside the NYSE calendar (1990-01-02 to "
            f"{_last_session()}). Fix: check the year") in message


def test_a_saturday_row_is_rejected_as_no_session(tmp_path):
    message = _error(_folder(tmp_path, GOOD, "2021-06-05,10.0,11.0,9.5,10.5,10.5,1000"))

    assert "SYNA.csv:3: column date value '2021-06-05' is Saturday, not a NYSE session" in message


def test_a_holiday_row_is_rejected_as_no_session(tmp_path):
    message = _error(_folder(tmp_path, "2020-07-02,10.0,11.0,9.5,10.5,10.5,1000",
                             "2020-07-03,10.0,11.0,9.5,10.5,10.5,1000"))

    assert "SYNA.csv:3: column date value '2020-07-03' is an exchange holiday, not a NYSE session" in message


def test_a_128_kb_field_is_named_without_reading_it_whole(tmp_path):
    message = _error(_folder(tmp_path, GOOD, "2021-06-02," + "9" * 131_072 + ",11.0,9.5,10.5,10.5,1000"))

    assert "SYNA.csv:3: is 131,108 bytes long; a price row is under 100" in message
    assert len(message) < 2_000


@pytest.mark.parametrize("rows", [1, 40], ids=["short file", "file over one line's limit"])
def test_a_file_with_carriage_returns_alone_as_line_ends_gets_one_problem_saying_so(tmp_path, rows):
    # Old Mac exports end lines with CR alone; the file was "one line too long" and "empty (no header)".
    frame = synthetic_daily("2021-06-01", "2021-08-31").head(rows)
    frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")
    folder = tmp_path / "synthetic-market"
    folder.mkdir()
    (folder / "SYNA.csv").write_bytes(frame.to_csv(index=False, lineterminator="\r").encode())

    with pytest.raises(frstory.DataValidationError) as info:
        import_directory(folder)

    [problem] = info.value.problems
    assert (problem["file"], problem["line"]) == ("SYNA.csv", 1)
    assert "carriage return alone" in problem["message"] and "LF or CRLF" in problem["fix"]


def test_a_30_digit_volume_is_named(tmp_path):
    message = _error(_folder(tmp_path, GOOD, "2021-06-02,10.0,11.0,9.5,10.5,10.5," + "9" * 30))

    assert ("SYNA.csv:3: column volume value '999999999999999999999999999999' is not a whole number "
            "from 0 to 1e+14") in message


def test_a_price_of_1e308_is_implausibly_large(tmp_path):
    message = _error(_folder(tmp_path, GOOD, "2021-06-02,10.0,1e308,9.5,10.5,10.5,1000"))

    assert "SYNA.csv:3: column high value '1e308' is implausibly large (above 10,000,000)" in message


def _series_file(tmp_path, change) -> Path:
    frame = synthetic_daily("2021-01-04", "2021-03-31", seed=4)
    change(frame)
    frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")
    folder = tmp_path / "synthetic-market"
    folder.mkdir(exist_ok=True)
    frame.to_csv(folder / "SYNA.csv", index=False)
    return folder


def test_a_100x_one_day_spike_is_flagged_not_taken_for_two_splits(tmp_path):
    def spike(frame):
        # Day 30 repeats day 29 at 100 times the price; the adjusted close does not move.
        frame.loc[30, ["open", "high", "low", "close"]] = frame.loc[29, ["open", "high", "low", "close"]] * 100
        frame.loc[30, "adj_close"] = frame.loc[29, "adj_close"]

    message = _error(_series_file(tmp_path, spike))

    assert "SYNA.csv:32: column close value" in message
    assert "jumps x100 and back the next session: a one-day spike, not a split" in message
    assert read_manifest() == {}


def test_a_100x_move_of_the_adjusted_close_too_is_flagged_as_implausible(tmp_path):
    def jump(frame):
        # From day 30 on, every price is 100 times day 29's, the adjusted close too.
        frame.loc[30:, ["open", "high", "low", "close", "adj_close"]] = (
            frame.loc[[29], ["open", "high", "low", "close", "adj_close"]].to_numpy() * 100)

    message = _error(_series_file(tmp_path, jump))

    assert "SYNA.csv:32: column adj_close value" in message
    assert "moves x100 from the session before (line 31): an implausible one-day move" in message


def test_a_lasting_drop_of_an_odd_ratio_is_not_a_plausible_split(tmp_path):
    def drop(frame):
        frame.loc[30:, ["open", "high", "low", "close"]] /= 7.3

    message = _error(_series_file(tmp_path, drop))

    assert "SYNA.csv:32: column close value" in message and "implied split ratio 7.3 is not a plausible split" in message


def test_a_real_looking_split_is_still_inferred(tmp_path):
    folder = _series_file(tmp_path, lambda frame: None)
    frame = synthetic_daily("2021-01-04", "2021-03-31", seed=4, splits={"2021-02-16": 4.0})
    frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")
    frame.to_csv(folder / "SYNA.csv", index=False)

    (entry,) = import_directory(folder)

    assert [(s["date"], s["ratio"]) for s in entry["splits"]] == [("2021-02-16", 4.0)]


def test_a_million_row_file_of_duplicates_streams_in_bounded_memory_with_capped_errors(tmp_path):
    folder = tmp_path / "synthetic-market"
    folder.mkdir()
    with open(folder / "SYNA.csv", "w") as fh:
        fh.write(HEADER + "\n")
        fh.write((GOOD + "\n") * 1_000_000)  # one good row, then 999,999 duplicates
    env = {**os.environ, "FRSTORY_DATA_DIR": str(tmp_path / "cache")}
    # The CLI in a child that reports its own peak memory: VmHWM of its address space (ru_maxrss
    # would carry over the forking test process's peak on Linux).
    code = ("import re, sys; from frstory.cli import main; rc = main(sys.argv[1:]); "
            "print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1], file=sys.stderr); "
            "sys.exit(rc)")

    run = subprocess.run([sys.executable, "-c", code, "data", "import", str(folder)], env=env,
                         capture_output=True, text=True, timeout=900)
    *message, peak_kb = run.stderr.strip().splitlines()
    message = "\n".join(message)

    assert run.returncode == 1 and "Traceback" not in message
    assert "SYNA.csv:3: column date value '2021-06-01' duplicates the date on line 2" in message
    assert "SYNA.csv: ... and 999,989 more problem(s) in this file" in message
    assert len(message) < 3_000
    assert int(peak_kb) < 300_000  # the 40 MB file is never held: ~100 MB is the interpreter and pandas


def _without_root_override(command: list[str]) -> list[str]:
    """Root ignores folder permissions; drop that power (setpriv) so a read-only folder is one."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: a read-only folder cannot be simulated")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", *command]


@pytest.fixture
def read_only_cache(tmp_path_factory):
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="frstory-ro-"))
    (root / "prices").mkdir()
    market = root / "market"
    market.mkdir()
    frame = synthetic_daily("2021-01-04", "2021-03-31", seed=1)
    frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")
    frame.to_csv(market / "SYNA.csv", index=False)
    for path in (root, market, market / "SYNA.csv"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    (root / "prices").chmod(0o555)
    yield root
    (root / "prices").chmod(0o755)
    shutil.rmtree(root, ignore_errors=True)


def test_import_into_a_read_only_cache_folder_says_so_without_a_traceback(read_only_cache):
    env = {**os.environ, "FRSTORY_DATA_DIR": str(read_only_cache), "HOME": str(read_only_cache)}

    command = [sys.executable, "-m", "frstory.cli", "data", "import", str(read_only_cache / "market")]
    run = subprocess.run(_without_root_override(command), env=env, capture_output=True, text=True, timeout=300)

    assert run.returncode == 1, run.stdout
    assert run.stderr.startswith("frstory: error: the folder of the price cache is read-only; nothing was written. "
                                 "Fix: make it writable (chmod u+w), or point FRSTORY_DATA_DIR at a writable folder")
    assert "Traceback" not in run.stderr and str(read_only_cache) not in run.stderr


def test_a_cache_folder_that_cannot_be_created_says_so(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    folder = _folder(tmp_path, GOOD)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FRSTORY_DATA_DIR", str(blocker))
        with pytest.raises(frstory.FrstoryError) as info:
            import_directory(folder)

    assert str(info.value).startswith("cannot create the folder of the price cache (Not a directory); nothing was written")


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_cache_files_get_the_usual_mode_for_the_umask(umask, mode):
    frame = synthetic_daily("2021-01-04", "2021-01-29", seed=1)
    entry = {"ticker": "SYNA", "source": "synthetic", "retrieved_at": None, "yfinance_version": None,
             "arguments": {"start": "2021-01-04", "end": "2021-01-29"}, "splits": []}
    old = os.umask(umask)
    try:
        (written,) = write_entries([(entry, frame)])
    finally:
        os.umask(old)

    assert (price_cache_dir() / written["file"]).stat().st_mode & 0o777 == mode
    assert (price_cache_dir() / "manifest.json").stat().st_mode & 0o777 == mode


def test_pull_into_a_read_only_cache_folder_says_so_without_a_traceback(read_only_cache):
    from yahoo_replay import ReplayServer, synthetic_chart

    series = synthetic_daily("2021-01-04", "2021-03-31", seed=1)
    with ReplayServer({"SYNA": synthetic_chart("SYNA", series)}) as server:
        env = {**os.environ, "FRSTORY_DATA_DIR": str(read_only_cache), "FRSTORY_YAHOO_BASE_URL": server.base_url}
        command = [sys.executable, "-m", "frstory.cli", "data", "pull", "--start", "2021-01-04", "--end",
                   "2021-03-31", "SYNA"]
        run = subprocess.run(_without_root_override(command), env=env, capture_output=True, text=True, timeout=300)

    assert run.returncode == 1
    assert run.stderr.startswith("frstory: error: the folder of the price cache is read-only; nothing was written.")
    assert "Traceback" not in run.stderr


def test_loads_from_committed_data_need_no_writable_cache(read_only_cache, committed_market):
    env = {**os.environ, "FRSTORY_DATA_DIR": str(read_only_cache), "FRSTORY_COMMITTED_DATA": str(committed_market)}
    code = "import frstory; print(len(frstory.load_prices('AMZN', '2020-06-01', '2020-06-30')))"

    run = subprocess.run(_without_root_override([sys.executable, "-c", code]), env=env, capture_output=True,
                         text=True, timeout=300)

    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "22"
