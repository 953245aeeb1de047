"""Import replaces the price cache as a whole or not at all, even when killed (SIGKILL) at any moment:
after every kill the cache is exactly the old import or exactly the new one, and every file matches
its manifest, and a load running meanwhile reads the old version or the new one, never an error.
Synthetic files only; the import runs as a real `frstory data import` process."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest
from yahoo_replay import synthetic_daily

import frstory
from frstory.data.cache import read_cached_prices, read_manifest
from frstory.data.importer import import_directory
from frstory.provenance import sha256_file

TICKERS = [f"SYN{c}" for c in "ABCD"]
TRIALS = 12


def _folder(path, seed):
    path.mkdir()
    for i, ticker in enumerate(TICKERS):
        frame = synthetic_daily("2020-01-02", "2021-12-31", seed=seed * 100 + i)
        frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")
        frame.to_csv(path / f"{ticker}.csv", index=False)
    return {ticker: sha256_file(path / f"{ticker}.csv") for ticker in TICKERS}


def _state(versions: dict[str, dict[str, str]]) -> str:
    """Which import the cache holds ("old"/"new"), after checking every entry against its file."""
    manifest = read_manifest()
    assert sorted(manifest) == TICKERS
    for entry in manifest.values():
        read_cached_prices(entry)  # checksum, rows and sessions: raises on any inconsistency
    held = {name for name, shas in versions.items()
            if all(manifest[t]["arguments"]["src_sha256"] == shas[t] for t in TICKERS)}
    assert len(held) == 1, f"the cache mixes imports: {manifest}"
    return held.pop()


def _run_import(folder) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "frstory.cli", "data", "import", str(folder)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_an_import_killed_at_random_moments_leaves_the_old_cache_or_the_new_one(tmp_path):
    folders = {"old": tmp_path / "old", "new": tmp_path / "new"}
    versions = {name: _folder(path, seed) for seed, (name, path) in enumerate(folders.items(), start=1)}
    import_directory(folders["old"])
    started = time.monotonic()
    assert _run_import(folders["new"]).wait(timeout=600) == 0
    duration = time.monotonic() - started
    import_directory(folders["old"])

    seed = int(os.environ.get("FRSTORY_KILL_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    outcomes = []
    current = "old"
    for _ in range(TRIALS):
        target = "new" if current == "old" else "old"
        process = _run_import(folders[target])
        # Most of an import is start-up and validation; aim most kills at its last part, where it writes.
        delay = rng.uniform(0.0, 1.1) * duration if rng.random() < 0.3 else rng.uniform(0.6, 1.1) * duration
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        state = _state(versions)
        assert state in (current, target), f"seed {seed}"
        outcomes.append("swapped" if state == target else "kept")
        current = state

    # A later import cleans up what killed ones staged, and the cache still loads.
    import_directory(folders["new"])
    assert _state(versions) == "new"
    staged = sorted(p.name for p in (frstory.paths.price_cache_dir()).iterdir())
    assert len([n for n in staged if n.endswith(".csv")]) == len(TICKERS), staged
    assert not [n for n in staged if n.endswith(".tmp")], staged
    print(f"seed {seed}: import takes {duration:.1f} s; outcomes {outcomes}")


@pytest.mark.parametrize("moment", ["after staging the files", "after the manifest"])
def test_a_failure_while_writing_never_leaves_a_mixed_cache(tmp_path, monkeypatch, moment):
    from frstory.data import cache

    folders = {"old": tmp_path / "old", "new": tmp_path / "new"}
    versions = {name: _folder(path, seed) for seed, (name, path) in enumerate(folders.items(), start=1)}
    import_directory(folders["old"])
    real_write = cache.atomic_write_bytes
    calls = []

    def failing(path, data):
        calls.append(path.name)
        if (moment == "after staging the files" and path.name == "manifest.json") or (
                moment == "after the manifest" and calls.count("manifest.json") > 1):
            raise OSError(28, "No space left on device")
        return real_write(path, data)

    monkeypatch.setattr(cache, "atomic_write_bytes", failing)
    if moment == "after staging the files":
        with pytest.raises(cache.CacheWriteError, match="could not write the price cache .No space left on device.; it is unchanged"):
            import_directory(folders["new"])
        assert _state(versions) == "old"
    else:
        import_directory(folders["new"])
        assert _state(versions) == "new"


@pytest.mark.parametrize("moment", ["verify_entry", "read_cached_prices"])
def test_a_load_while_another_process_replaces_the_ticker_reads_the_new_version(tmp_path, monkeypatch, moment):
    # The writer removes the version it replaces once its manifest is committed; a reader that had
    # read the old manifest found that file gone and was told to repair a cache that was fine.
    from frstory.data import prices

    folders = {"old": tmp_path / "old", "new": tmp_path / "new"}
    versions = {name: _folder(path, seed) for seed, (name, path) in enumerate(folders.items(), start=1)}
    import_directory(folders["old"])
    real = getattr(prices, moment)
    replaced = []

    def after_another_import(entry, *args):
        if not replaced:  # the other process commits between this reader's manifest read and its file read
            replaced.append(import_directory(folders["new"]))
        return real(entry, *args)

    monkeypatch.setattr(prices, moment, after_another_import)
    loaded = frstory.load_prices("SYNA", "2020-01-02", "2021-12-31")

    assert replaced and _state(versions) == "new"
    assert loaded.attrs["provenance"][0]["arguments"]["src_sha256"] == versions["new"]["SYNA"]
    assert loaded["close"].tolist() == read_cached_prices(read_manifest()["SYNA"])["close"].tolist()
