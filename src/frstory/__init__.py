"""frstory: tools for data stories about companies, policy and markets.

Import the public API as ``import frstory as fr``. Submodules load lazily, so ``import frstory``
is cheap and a notebook pays only for what it uses.

Data flows one way::

    data/ (events, claims, prices + cache, calendar) -> analysis/ -> charts/ -> notebooks -> publish/
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # errors
    "FrstoryError": "frstory.errors",
    "DataValidationError": "frstory.errors",
    "PriceDataUnavailable": "frstory.errors",
    "CacheIntegrityError": "frstory.errors",
    "AnalysisError": "frstory.errors",
    "ChartInputError": "frstory.errors",
    "BuildError": "frstory.errors",
    # data
    "load_events": "frstory.data.events",
    "load_claims": "frstory.data.claims",
    "load_prices": "frstory.data.prices",
    "price_provenance": "frstory.data.prices",
    "reaction_session": "frstory.data.calendar",
    "nyse_sessions": "frstory.data.calendar",
    "is_session": "frstory.data.calendar",
    # analysis
    "returns": "frstory.analysis.returns",
    "rebase": "frstory.analysis.returns",
    "event_study": "frstory.analysis.event_study",
    "event_studies": "frstory.analysis.event_study",
    "robustness": "frstory.analysis.event_study",
    "EventStudyResult": "frstory.analysis.results",
    "check_claims": "frstory.analysis.factcheck",
    # synthetic examples
    "synthetic_prices": "frstory.examples",
    "synthetic_events": "frstory.examples",
}
_SUBMODULES = {"charts", "data", "analysis", "publish", "examples", "errors", "paths", "provenance", "narrative", "prose"}

__all__ = sorted([*_EXPORTS, *_SUBMODULES, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        module = importlib.import_module(f"frstory.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'frstory' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from frstory.analysis.event_study import event_studies, event_study, robustness
    from frstory.analysis.factcheck import check_claims
    from frstory.analysis.results import EventStudyResult
    from frstory.analysis.returns import rebase, returns
    from frstory.data.calendar import is_session, nyse_sessions, reaction_session
    from frstory.data.claims import load_claims
    from frstory.data.events import load_events
    from frstory.data.prices import load_prices, price_provenance
    from frstory.errors import (
        AnalysisError,
        BuildError,
        CacheIntegrityError,
        ChartInputError,
        DataValidationError,
        FrstoryError,
        PriceDataUnavailable,
    )
    from frstory.examples import synthetic_events, synthetic_prices
