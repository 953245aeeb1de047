"""The figures and facts the articles reported that the research desk found wanting, as a reader's table."""

from __future__ import annotations

import pandas as pd

from frstory.data.claims import VERDICTS
from frstory.errors import AnalysisError
from story._frames import require_columns


def corrections(claims: pd.DataFrame, verdicts: tuple[str, ...] = ("wrong", "imprecise")) -> pd.DataFrame:
    """A reader's table of the articles' claims whose verdict is one of ``verdicts``.

    Parameters
    ----------
    claims : pandas.DataFrame
        The frame of :func:`frstory.load_claims`.
    verdicts : tuple of str
        Editorial verdicts to include (default: ``wrong`` and ``imprecise``).

    Returns
    -------
    pandas.DataFrame
        Columns ``Publication``, ``What it reported`` (the claim in our words: quotation marks only
        ever surround an article's exact words, in the ``quote`` column), ``Verdict`` and ``What the
        record shows``, one row per claim: the most serious verdict first, then by publication and
        the claims file's order. Its index holds the claim ids.

    Raises
    ------
    frstory.AnalysisError
        When a verdict is not one the claims file uses, or a column is missing.

    Examples
    --------
    >>> claims = pd.DataFrame({"id": ["c1", "c2"], "publication": ["Synthetic Daily", "Example Wire"],
    ...     "claim": ["The test was in June.", "The product launched in 2016."],
    ...     "editorial_verdict": ["wrong", "confirmed"], "editorial_note": ["It was July.", "Right."]})
    >>> corrections(claims)["What the record shows"].tolist()
    ['It was July.']
    """
    require_columns(claims, ("id", "publication", "claim", "editorial_verdict", "editorial_note"),
                    "story.corrections.corrections", "fr.load_claims()")
    unknown = [v for v in verdicts if v not in VERDICTS]
    if unknown:
        raise AnalysisError(
            f"corrections: verdict {unknown[0]!r} is not one of {', '.join(map(repr, VERDICTS))}; "
            "choose verdicts the claims file uses"
        )
    verdict = claims["editorial_verdict"].astype("string")
    chosen = claims[verdict.isin(list(verdicts)).fillna(False).astype(bool)].copy()
    chosen["_rank"] = chosen["editorial_verdict"].map({v: i for i, v in enumerate(VERDICTS)})
    chosen["_position"] = range(len(chosen))
    chosen = chosen.sort_values(["_rank", "publication", "_position"], kind="stable")
    return pd.DataFrame({
        "Publication": chosen["publication"].astype("string").to_numpy(),
        "What it reported": chosen["claim"].astype("string").to_numpy(),
        "Verdict": chosen["editorial_verdict"].astype("string").to_numpy(),
        "What the record shows": chosen["editorial_note"].astype("string").to_numpy(),
    }, index=pd.Index(chosen["id"].astype("string").to_numpy(), name="claim"))
