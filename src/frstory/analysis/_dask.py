"""Running :func:`frstory.event_studies` on a Dask cluster (the optional ``dask`` extra).

Imported only when a caller passes ``client=`` or a Dask DataFrame, so ``import frstory`` and the
local path never load Dask. The work is the same function either way
(:func:`frstory.analysis.event_study._study_block`, one block of event dates per task), so the
cluster's numbers are the local ones: the returns matrix is sent to every worker once
(``Client.scatter(..., broadcast=True)``) and each block is one task.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from frstory.errors import AnalysisError

INSTALL_HINT = "pip install 'frstory[dask]'"


def _require() -> None:
    try:
        import dask  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as exc:
        raise AnalysisError(
            f"fr.event_studies on a Dask cluster needs dask and distributed, which are not installed; "
            f"install them with {INSTALL_HINT}, or leave out client= and pass a pandas price frame"
        ) from exc


def _check_client(client) -> None:
    if not all(hasattr(client, name) for name in ("scatter", "submit", "gather")):
        raise AnalysisError(
            f"client= must be a dask.distributed Client (e.g. Client('tcp://scheduler:8786')), "
            f"got {type(client).__name__}"
        )


def collect_prices(frame, tickers: Sequence[str], price: str, client=None) -> pd.DataFrame:
    """The rows and columns of a Dask price frame that an event study needs, as pandas.

    The filter runs where the partitions live; only the studied tickers' dates and prices (and
    opens, for the split check) come back.

    Parameters
    ----------
    frame : dask.dataframe.DataFrame
        Tidy prices with the columns of :func:`frstory.load_prices`.
    tickers : sequence of str
        Tickers to keep (the benchmark and every studied stock).
    price : str
        The price column studied.
    client : dask.distributed.Client, optional
        Cluster to compute on; by default Dask's current scheduler.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> import dask.dataframe as dd, frstory as fr
    >>> prices = dd.from_pandas(fr.synthetic_prices(["SYNA", "SYNB"]), npartitions=2)
    >>> sorted(collect_prices(prices, ["SYNA", "^SYNX"], "close")["ticker"].unique())
    ['SYNA', '^SYNX']
    """
    _require()
    if client is not None:
        _check_client(client)
    # Missing columns are left for the pandas checks, whose message names them. As-traded closes
    # bring the opens (split check) and the adjusted closes (spin-off check) along, as locally.
    wanted = ["date", "ticker", price] + (["open", "adj_close"] if price == "close" else [])
    columns = [c for c in dict.fromkeys(wanted) if c in frame.columns]
    subset = frame[columns]
    if "ticker" in frame.columns:
        subset = subset[subset["ticker"].isin(list(tickers))]
    if client is not None:
        return client.compute(subset).result().reset_index(drop=True)
    return subset.compute().reset_index(drop=True)


def run_blocks(func: Callable, panel, others, spec, jobs: Sequence[tuple], client=None) -> list:
    """``[func(panel, others, spec, *job) for job in jobs]``, each call a task on a Dask cluster.

    Parameters
    ----------
    func : callable
        The block function (importable by the workers).
    panel, others, spec
        Shared by every block; ``panel`` and ``others`` are sent to each worker once.
    jobs : sequence of tuple
        Per-block arguments.
    client : dask.distributed.Client, optional
        Without one, the current client (``distributed.default_client()``) if any, else Dask's
        local scheduler.

    Returns
    -------
    list
        The blocks' results, in the order of ``jobs``.
    """
    _require()
    if client is None:
        from distributed import default_client

        try:
            client = default_client()
        except ValueError:  # no client in this process: Dask's own local scheduler
            import dask

            shared = dask.delayed(panel, traverse=False), dask.delayed(others, traverse=False)
            return list(dask.compute(*[dask.delayed(func, pure=False)(*shared, spec, *job) for job in jobs]))
    _check_client(client)
    panel_future, others_future = client.scatter([panel, others], broadcast=True, hash=False)
    futures = [client.submit(func, panel_future, others_future, spec, *job, pure=False) for job in jobs]
    return client.gather(futures)
