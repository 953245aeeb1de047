"""The seed articles' claims that the research desk found wanting, as a table for readers."""

from __future__ import annotations

import pandas as pd

from frstory.errors import AnalysisError
from story._frames import require_columns

_VERDICT_ORDER = ("wrong", "imprecise", "unverified", "confirmed", "not relevant")


def seed_corrections(claims: pd.DataFrame, verdicts: tuple[str, ...] = ("wrong", "imprecise")) -> pd.DataFrame:
    """A reader's table of the seed articles' claims that the research desk found wanting.

    Parameters
    ----------
    claims : pandas.DataFrame
        The frame of :func:`frstory.load_claims`.
    verdicts : tuple of str
        Editorial verdicts to include (default: ``wrong`` and ``imprecise``).

    Returns
    -------
    pandas.DataFrame
        Columns ``Article``, ``What it said``, ``Verdict`` and ``What the record shows``, one row
        per claim: wrong before imprecise, then by article and the claims file's order. The
        article is named after its seed file (``Seed 004`` for ``004_....txt``). Its index holds
        the claim ids.

    Raises
    ------
    frstory.AnalysisError
        When a verdict is not one the claims file uses, or a column is missing.

    Examples
    --------
    >>> claims = pd.DataFrame({"id": ["c1", "c2"], "seed_file": ["004_ab.txt", "001_cd.txt"],
    ...     "claim": ["The test was in June.", "Rekognition launched in 2016."],
    ...     "editorial_verdict": ["wrong", "confirmed"], "editorial_note": ["It was July.", "Right."]})
    >>> seed_corrections(claims)["What the record shows"].tolist()
    ['It was July.']
    """
    require_columns(claims, ("id", "seed_file", "claim", "editorial_verdict", "editorial_note"),
                     "story.corrections.seed_corrections", "fr.load_claims()")
    unknown = [v for v in verdicts if v not in _VERDICT_ORDER]
    if unknown:
        raise AnalysisError(
            f"seed_corrections: verdict {unknown[0]!r} is not one of {', '.join(map(repr, _VERDICT_ORDER))}; "
            "choose verdicts the claims file uses"
        )
    verdict = claims["editorial_verdict"].astype("string")
    chosen = claims[verdict.isin(list(verdicts)).fillna(False).astype(bool)].copy()
    chosen["_rank"] = chosen["editorial_verdict"].map({v: i for i, v in enumerate(_VERDICT_ORDER)})
    chosen["_position"] = range(len(chosen))
    chosen = chosen.sort_values(["_rank", "seed_file", "_position"], kind="stable")
    seed_number = chosen["seed_file"].astype("string").str.extract(r"^(\d+)", expand=False)
    article = ("Seed " + seed_number).fillna(chosen["seed_file"].astype("string"))
    out = pd.DataFrame({
        "Article": article.to_numpy(),
        "What it said": chosen["claim"].astype("string").to_numpy(),
        "Verdict": chosen["editorial_verdict"].astype("string").to_numpy(),
        "What the record shows": chosen["editorial_note"].astype("string").to_numpy(),
    }, index=pd.Index(chosen["id"].astype("string").to_numpy(), name="claim"))
    return out
