"""Publisher: execute story notebooks (with a freeze cache), render them and build a static site.

``build`` runs ``frstory build``; ``new_story`` runs ``frstory new``; ``execute_notebook`` runs
one notebook as the build does (parameters injected, inline expressions evaluated). Submodules load lazily so
``import frstory.publish`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "build": "frstory.publish.site",
    "BuildReport": "frstory.publish.site",
    "StoryResult": "frstory.publish.site",
    "new_story": "frstory.publish.scaffold",
    "execute_notebook": "frstory.publish.execute",
    "sanitize_html": "frstory.publish.sanitize",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'frstory.publish' has no attribute {name!r}")


if TYPE_CHECKING:  # pragma: no cover
    from frstory.publish.execute import execute_notebook
    from frstory.publish.sanitize import sanitize_html
    from frstory.publish.scaffold import new_story
    from frstory.publish.site import BuildReport, StoryResult, build
