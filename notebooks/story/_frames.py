"""Small checks shared by the story's helpers (the toolkit owns them; the story reuses them)."""

from __future__ import annotations

import pandas as pd

from frstory.errors import AnalysisError
from frstory.narrative import require_columns
from frstory.prose.dates import as_day as _prose_day

__all__ = ["as_day", "require_columns"]


def as_day(value: object, what: str) -> pd.Timestamp:
    """``value`` as a midnight timestamp, or an :class:`~frstory.errors.AnalysisError` naming ``what``."""
    try:
        return pd.Timestamp(_prose_day(value, what))
    except (TypeError, ValueError) as exc:
        raise AnalysisError(f"{what} {value!r} is not a date; give a date such as '2020-06-10'") from exc
