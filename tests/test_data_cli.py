"""`frstory data import | status | pull` through `frstory.cli.main` and the installed console script."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from yahoo_replay import offline, replay, synthetic_daily, unused_base_url  # noqa: F401 - fixtures

from frstory.cli import main
from frstory.data.cache import read_manifest
from frstory.paths import price_cache_dir


def _synthetic_folder(folder: Path, names=("SYNA.csv", "SYNX.csv")) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for seed, name in enumerate(names):
        frame = synthetic_daily("2021-01-04", "2021-03-31", seed=seed)
        frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")
        frame.to_csv(folder / name, index=False)
    return folder


def test_import_fills_the_cache_and_prints_what_it_imported(tmp_path, capsys):
    folder = _synthetic_folder(tmp_path / "synthetic-market")

    assert main(["data", "import", str(folder)]) == 0

    out = capsys.readouterr().out
    assert "imported 2 file(s)" in out and "SYNA" in out
    assert set(read_manifest()) == {"SYNA", "SYNX"}


def test_import_of_a_bad_folder_exits_1_naming_file_and_line(tmp_path, capsys):
    folder = tmp_path / "synthetic-bad"
    folder.mkdir()
    (folder / "SYNA.csv").write_text("date,open,high,low,close,adj_close,volume\n2021-13-01,1,2,0.5,1,1,10\n")

    assert main(["data", "import", str(folder)]) == 1

    err = capsys.readouterr().err
    assert "SYNA.csv:2: column date value '2021-13-01'" in err
    assert "nothing was imported" in err and str(tmp_path) not in err


def test_status_lists_tickers_with_provenance_and_checksum_state(tmp_path, capsys):
    folder = _synthetic_folder(tmp_path / "synthetic-market")
    main(["data", "import", str(folder)])
    capsys.readouterr()

    assert main(["data", "status"]) == 0

    out = capsys.readouterr().out
    line = next(row for row in out.splitlines() if row.startswith("SYNA "))
    assert "2021-01-04" in line and "2021-03-31" in line and " ok " in line
    assert "imported from SYNA.csv" in line


def test_status_reports_a_tampered_file_and_exits_1(tmp_path, capsys):
    main(["data", "import", str(_synthetic_folder(tmp_path / "synthetic-market"))])
    with open(price_cache_dir() / read_manifest()["SYNA"]["file"], "a") as fh:
        fh.write("2021-04-01,1,2,0.5,1,1,10\n")
    capsys.readouterr()

    assert main(["data", "status"]) == 1

    captured = capsys.readouterr()
    assert "MISMATCH" in next(row for row in captured.out.splitlines() if row.startswith("SYNA "))
    assert "frstory data pull --refresh SYNA" in captured.err


def test_status_of_an_empty_cache_says_how_to_fill_it(capsys):
    assert main(["data", "status"]) == 0
    assert "frstory data import DIR" in capsys.readouterr().out


def test_pull_offline_exits_1_with_the_unavailable_message(offline, capsys):
    assert main(["data", "pull", "--start", "2021-06-01", "--end", "2021-06-30", "SYNA"]) == 1

    err = capsys.readouterr().err
    assert "no prices for SYNA from 2021-06-01 to 2021-06-30" in err
    assert "frstory data pull" in err and "frstory data import DIR" in err


def test_pull_without_tickers_or_committed_data_says_to_name_them(offline, capsys):
    assert main(["data", "pull"]) == 1
    assert "no tickers given and the project has no committed market data" in capsys.readouterr().err


def test_pull_without_tickers_refreshes_the_committed_tickers_and_ranges(offline, committed_market, capsys):
    # Offline the first committed ticker fails; the message shows which tickers and range were meant.
    assert main(["data", "pull"]) == 1
    assert "no prices for AMZN from 2019-01-02 to 2022-12-30" in capsys.readouterr().err


def test_pull_of_a_ticker_without_a_range_says_to_give_one(offline, capsys):
    assert main(["data", "pull", "SYNA"]) == 1
    assert "no range for SYNA" in capsys.readouterr().err


def test_pull_fetches_into_the_cache(replay, capsys):
    assert main(["data", "pull", "--start", "2021-06-01", "--end", "2021-06-30", "SYNA", "^SYNX"]) == 0

    assert "2 ticker(s) in the price cache" in capsys.readouterr().out
    assert read_manifest()["^SYNX"]["arguments"]["end"] == "2021-06-30"


def test_pull_refresh_refetches(replay):
    main(["data", "pull", "--start", "2021-06-01", "--end", "2021-06-30", "SYNA"])
    fetches = len(replay.chart_requests())

    assert main(["data", "pull", "--refresh", "--start", "2021-06-01", "--end", "2021-06-30", "SYNA"]) == 0

    assert len(replay.chart_requests()) == fetches + 1


def test_data_without_an_action_prints_help_and_exits_2(capsys):
    assert main(["data"]) == 2
    assert "import" in capsys.readouterr().out


def test_console_script_imports_and_reports_status(tmp_path):
    script = shutil.which("frstory", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip(f"the frstory console script is not installed next to {sys.executable}")
    folder = _synthetic_folder(tmp_path / "synthetic-market")
    env = {**os.environ, "FRSTORY_DATA_DIR": str(tmp_path / "data"), "FRSTORY_YAHOO_BASE_URL": unused_base_url()}

    imported = subprocess.run([script, "data", "import", str(folder)], env=env, capture_output=True, text=True,
                              timeout=120)
    status = subprocess.run([script, "data", "status"], env=env, capture_output=True, text=True, timeout=120)

    assert imported.returncode == 0, imported.stderr
    assert status.returncode == 0, status.stderr
    assert str(tmp_path / "data" / "prices") in status.stdout
    assert "SYNX" in status.stdout


def test_status_piped_into_a_reader_that_stops_early_prints_no_traceback(tmp_path):
    script = shutil.which("frstory", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip(f"the frstory console script is not installed next to {sys.executable}")
    folder = _synthetic_folder(tmp_path / "synthetic-market")
    env = {**os.environ, "FRSTORY_DATA_DIR": str(tmp_path / "data"), "FRSTORY_YAHOO_BASE_URL": unused_base_url()}
    subprocess.run([script, "data", "import", str(folder)], env=env, capture_output=True, check=True, timeout=120)

    # Like `frstory data status | head`: here the reader exits before reading anything (python starts
    # far slower than `true`), so every write hits a closed pipe.
    piped = subprocess.run(f"'{script}' data status | true", shell=True, env=env, capture_output=True,
                           text=True, timeout=120)

    assert "Traceback" not in piped.stderr and "BrokenPipeError" not in piped.stderr, piped.stderr
