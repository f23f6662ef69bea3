"""The treatment figures spend is set against: all substances, per area and year, suppressed.

Built on the drugs-and-treatment engine (:func:`harm.treatment.annual_summary`) and the
repo's small-number rules (:mod:`harm.suppression`): counts of 1 to 4 are hidden, and so is
every rate or ratio built on a hidden count (a cost per completion would give the count back,
since the spend is shown).
"""

from __future__ import annotations

import pandas as pd

from harm import suppression
from harm.spend.geography import canonical_area, check_level

COUNTS = ["in_treatment", "completions", "re_presentations"]
RATES = {"completion_rate": ["completions", "in_treatment"],
         "re_presentation_rate": ["re_presentations", "completions"]}


def treatment_counts(treatment=None, level: str = "la") -> pd.DataFrame:
    """All-substance treatment counts per area and year, with small numbers hidden.

    ``treatment`` is a :class:`harm.treatment.TreatmentData` (default: the demo data). Columns
    ``area, year, in_treatment, completions, re_presentations, completion_rate,
    re_presentation_rate`` (NaN where hidden), ``<column>_hidden`` flags and ``<count>_text``
    (the count as tables print it: ``<5`` for 1–4, ``[c]`` where hidden to protect a small count).
    ``completion_rate`` = completions / in treatment; ``re_presentation_rate`` =
    re-presentations / (completions + re-presentations), i.e. of those who left free of
    dependence, the share who came back within 6 months.
    """
    from harm.treatment import annual_summary
    from harm.treatment.schema import ALL

    check_level(level)
    annual = annual_summary(treatment, level)
    frame = pd.DataFrame({
        "area": [canonical_area(a) or a for a in annual["area"]],
        "year": annual["year"].astype("string").to_numpy(),
        "substance": annual["substance"].to_numpy(),
        **{c: annual[c].astype("float64").to_numpy() for c in COUNTS},
    })
    frame["completion_rate"] = frame["completions"] / frame["in_treatment"].where(frame["in_treatment"] > 0)
    left_free = frame["completions"] + frame["re_presentations"]
    frame["re_presentation_rate"] = frame["re_presentations"] / left_free.where(left_free > 0)
    # Suppress the whole substance table (as the treatment page does), then keep the totals:
    # a total hidden because it would reveal one substance's small count stays hidden here.
    result = suppression.suppress(frame, COUNTS, rates=RATES, keys=["area", "year", "substance"],
                                  margins=[suppression.Margin("substance", ALL)])
    out = result.numbers()
    for column in COUNTS + list(RATES):
        out[f"{column}_hidden"] = result.mask[column].to_numpy()
    shown = result.text()
    for column in COUNTS:
        out[f"{column}_text"] = shown[column].to_numpy()
    return out[out["substance"] == ALL].drop(columns="substance").reset_index(drop=True)
