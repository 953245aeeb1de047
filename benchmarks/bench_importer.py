"""Benchmark: `frstory data import`'s validator against `pandas.read_csv` of the same file.

Synthetic files only. Three shapes: a clean 1,008-row price file (a story's four years), the same
rows repeated to 1,000,000 (999,999 duplicates, every row a problem) and 1,000,000 consecutive
calendar days from 1990 (weekends and holidays rejected, dates past the calendar too). The
validator streams line by line, checks every row (sessions, prices, volume) and keeps at most 10
problems per file; the baseline only parses (no check at all). Each side runs in a fresh process
so its peak memory (ru_maxrss) is its own; the table gives both times, their ratio and both peaks.
Run::

    python benchmarks/bench_importer.py

The table is printed and written to ``benchmarks/results/bench_importer.csv``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
import sys
import tempfile
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
HEADER = "date,open,high,low,close,adj_close,volume\n"
ROW = "2021-06-01,10.0,11.0,9.5,10.5,10.5,1000\n"

VALIDATE = """
import json, resource, sys, time
t = time.perf_counter()
from frstory.data.importer import validate_price_csv
frame, problems = validate_price_csv(sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - t, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "problems": problems[-1]["message"] if problems else "none"}))
"""
READ_CSV = """
import json, resource, sys, time
t = time.perf_counter()
import pandas as pd
pd.read_csv(sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - t, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _files(folder: Path) -> dict[str, Path]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from yahoo_replay import synthetic_daily

    clean = folder / "clean.csv"
    frame = synthetic_daily("2019-01-02", "2022-12-30", seed=1)
    frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")
    frame.to_csv(clean, index=False)
    dups = folder / "duplicates.csv"
    dups.write_text(HEADER + ROW * 1_000_000)
    days = folder / "days.csv"
    with open(days, "w") as fh:
        fh.write(HEADER)
        first = dt.date(1990, 1, 2)
        fh.writelines(f"{first + dt.timedelta(days=i)},10.0,11.0,9.5,10.5,10.5,1000\n" for i in range(1_000_000))
    return {"clean 1,008 rows": clean, "1,000,000 duplicates": dups, "1,000,000 calendar days": days}


def _run(code: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> None:
    RESULTS.mkdir(exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, path in _files(Path(tmp)).items():
            ours, base = _run(VALIDATE, path), _run(READ_CSV, path)
            rows.append({"file": name, "validate_s": round(ours["seconds"], 2), "read_csv_s": round(base["seconds"], 2),
                         "ratio": round(ours["seconds"] / base["seconds"], 1),
                         "validate_peak_mb": round(ours["peak_mb"]), "read_csv_peak_mb": round(base["peak_mb"]),
                         "last_problem": ours["problems"]})
    with open(RESULTS / "bench_importer.csv", "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()
