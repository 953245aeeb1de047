"""``frstory data ...`` sub-commands: ``import DIR``, ``status``, ``pull`` and ``lock``.

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

    entries = import_directory(args.directory)
    print(f"imported {len(entries)} file(s) into the price cache (`frstory data status` shows where)")
    rows = [[e["ticker"], e["rows"], e["first_date"], e["last_date"],
             ", ".join(f"{s['date']} {s['ratio']:g}:1" for s in e["splits"]) or "-"] for e in entries]
    _print_table(rows, ["ticker", "rows", "first", "last", "inferred splits"], sys.stdout)
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    from frstory.data.cache import cache_status
    from frstory.paths import price_cache_dir

    from frstory.data.committed import committed_resources
    from frstory.paths import committed_data_dir

    status = cache_status()
    # The user asked where their data is: this is the one place that prints a folder.
    print(f"price cache: {price_cache_dir()}")
    locked = committed_resources()
    folder = committed_data_dir()
    if locked:
        print(f"committed data: {folder} ({len(locked)} ticker(s): {', '.join(sorted(locked))})")
    else:
        print("committed data: none (lock prices into the project with `frstory data lock`)")
    if status.empty:
        print("price cache empty: loads use the committed data; `frstory data import DIR` (offline) or "
              "`frstory data pull` (network) fill the cache")
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
    from frstory.data.prices import pull

    entries = pull(args.tickers or None, args.start, args.end, refresh=args.refresh)
    print(f"{len(entries)} ticker(s) in the price cache")
    rows = [[e["ticker"], e["rows"], e["first_date"], e["last_date"], e["retrieved_at"], e["source"]]
            for e in entries]
    _print_table(rows, ["ticker", "rows", "first", "last", "retrieved/imported (UTC)", "source"], sys.stdout)
    return 0


def _cmd_lock(args: argparse.Namespace) -> int:
    from frstory.data.committed import lock, ranges_read

    ranges = ranges_read(args.reads) if args.reads else None
    resources = lock(args.tickers or None, args.start, args.end, folder=args.to,
                     title=args.title, description=args.description, ranges=ranges)
    print(f"locked {len(resources)} ticker(s) into the committed data (datapackage.json updated)")
    rows = [[r["frstory"]["ticker"], r["path"], r["frstory"]["rows"], r["frstory"]["first_date"],
             r["frstory"]["last_date"], r["hash"][7:19]] for r in resources]
    _print_table(rows, ["ticker", "file", "rows", "first", "last", "sha256"], sys.stdout)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``data`` command family (``import``, ``status``, ``pull``) to the top-level parser."""
    data = sub.add_parser("data", help="manage market data (import, status, pull, lock)")
    data.set_defaults(func=lambda args: data.print_help() or 2)
    actions = data.add_subparsers(dest="data_command", metavar="ACTION")

    imp = actions.add_parser(
        "import", help="fill the price cache from a folder of CSVs (offline)",
        description="Validate every *.csv in DIR, or the resources of its datapackage.json (header "
                    "date,open,high,low,close,adj_close,volume; ISO dates of NYSE sessions; prices as traded; "
                    "GSPC.csv is ^GSPC) and store them in the price cache. Any problem: nothing is imported.",
    )
    imp.add_argument("directory", metavar="DIR", help="folder of price CSVs, e.g. data/market")
    imp.set_defaults(func=_cmd_import)

    status = actions.add_parser(
        "status", help="list cached tickers, provenance and checksum state",
        description="Exit code 1 when a cache file no longer matches its manifest checksum.",
    )
    status.set_defaults(func=_cmd_status)

    pull = actions.add_parser(
        "pull", help="fetch prices from Yahoo Finance into the cache (network)",
        description="Fetch what the cache does not cover yet (everything with --refresh). Every answer is "
                    "checked before it is stored. Default: the tickers and ranges of the project's committed "
                    "data (data/market/datapackage.json).",
    )
    pull.add_argument("tickers", nargs="*", metavar="TICKER", help="Yahoo tickers (default: the committed ones)")
    pull.add_argument("--start", default=None, help="first day, inclusive (default: the committed range)")
    pull.add_argument("--end", default=None, help="last day, inclusive (default: the committed range)")
    pull.add_argument("--refresh", action="store_true", help="refetch even what the cache already covers")
    pull.set_defaults(func=_cmd_pull)

    lock = actions.add_parser(
        "lock", help="write cached prices into the project's committed data, with provenance",
        description="Copy tickers (default: all cached) for a range (default: all cached) from the price "
                    "cache into the committed data folder (default data/market) and record them in its "
                    "Frictionless datapackage.json: checksums, schema, and where each stretch came from "
                    "(rows of sources.csv there; prices pulled from Yahoo need none).",
    )
    lock.add_argument("tickers", nargs="*", metavar="TICKER", help="tickers to lock (default: every cached one)")
    lock.add_argument("--start", default=None, help="first day, inclusive (default: the cached range)")
    lock.add_argument("--end", default=None, help="last day, inclusive (default: the cached range)")
    lock.add_argument("--to", default=None, metavar="FOLDER", help="committed data folder (default data/market)")
    lock.add_argument("--reads", default=None, metavar="LOG",
                      help="lock exactly the tickers and ranges a story read: the read log a run wrote "
                           "(run it with FRSTORY_READ_LOG=LOG)")
    lock.add_argument("--title", default=None, help="the data package's title (kept when omitted)")
    lock.add_argument("--description", default=None,
                      help="the data package's description for readers: sources and treatment (kept when omitted)")
    lock.set_defaults(func=_cmd_lock)
