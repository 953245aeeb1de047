"""``frstory data ...`` sub-commands: ``import DIR``, ``status`` and ``pull``.

Errors raised here are frstory's own (their messages carry the fix); ``frstory.cli.main`` prints
them and returns exit code 1.
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["register"]


def _print_table(rows: list[list[str]], header: list[str], out) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    for row in [header, *rows]:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths)).rstrip(), file=out)


def _cmd_import(args: argparse.Namespace) -> int:
    from frstory.data.importer import import_directory
    from frstory.paths import price_cache_dir

    entries = import_directory(args.directory)
    print(f"imported {len(entries)} file(s) into {price_cache_dir()}")
    rows = [[e["ticker"], e["rows"], e["first_date"], e["last_date"],
             ", ".join(f"{s['date']} {s['ratio']:g}:1" for s in e["splits"]) or "-"] for e in entries]
    _print_table(rows, ["ticker", "rows", "first", "last", "inferred splits"], sys.stdout)
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    from frstory.data.cache import cache_status
    from frstory.paths import price_cache_dir

    status = cache_status()
    print(f"price cache: {price_cache_dir()}")
    if status.empty:
        print("empty: run `frstory data import DIR` (offline) or `frstory data pull` (network)")
        return 0
    rows = [[r.ticker, r.rows if r.rows is not None else "-", r.first_date or "-", r.last_date or "-",
             r.state, r.retrieved_at or "-", r.source or "-", r.splits or "-"]
            for r in status.itertuples()]
    _print_table(rows, ["ticker", "rows", "first", "last", "checksum", "retrieved/imported (UTC)",
                        "source", "splits"], sys.stdout)
    bad = status[status["state"].isin(["MISMATCH", "missing file"])]
    if not bad.empty:
        print(
            f"\n{len(bad)} cache file(s) fail their checksum and will not be used: "
            f"{', '.join(bad['ticker'])}. Fix: re-import their folder (`frstory data import DIR`) "
            f"or `frstory data pull --refresh {' '.join(bad['ticker'])}`",
            file=sys.stderr,
        )
        return 1
    return 0


def _cmd_pull(args: argparse.Namespace) -> int:
    from frstory.data.prices import STORY_TICKERS, pull

    tickers = args.tickers or list(STORY_TICKERS)
    entries = pull(tickers, args.start, args.end, refresh=args.refresh)
    print(f"{len(entries)} ticker(s) cached for {args.start} .. {args.end}")
    rows = [[e["ticker"], e["rows"], e["first_date"], e["last_date"], e["retrieved_at"], e["source"]]
            for e in entries]
    _print_table(rows, ["ticker", "rows", "first", "last", "retrieved/imported (UTC)", "source"], sys.stdout)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``data`` command family (``import``, ``status``, ``pull``) to the top-level parser."""
    data = sub.add_parser("data", help="manage the price cache (import, status, pull)")
    data.set_defaults(func=lambda args: data.print_help() or 2)
    actions = data.add_subparsers(dest="data_command", metavar="ACTION")

    imp = actions.add_parser(
        "import", help="fill the price cache from a folder of CSVs (offline)",
        description="Validate every *.csv in DIR (header date,open,high,low,close,adj_close,volume; "
                    "GSPC.csv is ^GSPC) and store them in the price cache. Any problem: nothing is imported.",
    )
    imp.add_argument("directory", metavar="DIR", help="folder of price CSVs, e.g. ../shared/market")
    imp.set_defaults(func=_cmd_import)

    status = actions.add_parser(
        "status", help="list cached tickers, provenance and checksum state",
        description="Exit code 1 when a cache file no longer matches its manifest checksum.",
    )
    status.set_defaults(func=_cmd_status)

    pull = actions.add_parser(
        "pull", help="fetch prices from Yahoo Finance into the cache (network)",
        description="Fetch what the cache does not cover yet (everything with --refresh). Default: the "
                    "story's tickers AMZN MSFT IBM GOOGL ^GSPC ^IXIC, 2019-01-01..2022-12-31.",
    )
    pull.add_argument("tickers", nargs="*", metavar="TICKER", help="Yahoo tickers (default: the story's)")
    pull.add_argument("--start", default="2019-01-01", help="first day, inclusive (default 2019-01-01)")
    pull.add_argument("--end", default="2022-12-31", help="last day, inclusive (default 2022-12-31)")
    pull.add_argument("--refresh", action="store_true", help="refetch even what the cache already covers")
    pull.set_defaults(func=_cmd_pull)
