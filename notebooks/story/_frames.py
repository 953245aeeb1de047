"""Small checks shared by the story's helpers."""

from __future__ import annotations

import pandas as pd

from frstory.errors import AnalysisError


def require_columns(frame: pd.DataFrame, columns: tuple[str, ...], what: str, loader: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise AnalysisError(f"{what} needs the frame of {loader}, got {type(frame).__name__}; pass {loader}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise AnalysisError(
            f"{what}: the frame has no column {', '.join(map(repr, missing))} (it has "
            f"{', '.join(map(repr, frame.columns))}); pass the frame of {loader}"
        )


def as_day(value: object, what: str) -> pd.Timestamp:
    try:
        day = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise AnalysisError(f"{what} {value!r} is not a date; give a date such as '2020-06-10'") from exc
    if pd.isna(day):
        raise AnalysisError(f"{what} {value!r} is not a date; give a date such as '2020-06-10'")
    return day.tz_localize(None).normalize() if day.tz is not None else day.normalize()


