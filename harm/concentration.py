"""Concentration: the share of incidents in the busiest cells or areas (METHODS §8).

Definition (the "law of crime concentration" figure shown beside every hot-spot map):
sort the units (grid cells or areas) by count, highest first; take the top
``ceil(share * n_units)`` of them; report their summed count as a share of the total.

- ``n_units`` is every unit tested, empty ones included (all cells of the grid), so the
  figure answers "what share of incidents fall in 5% of the area's cells".
- Rounding up means at least one unit is always taken, and the units taken are never
  fewer than the share asked for.
- Ties at the cut-off do not matter: the sum of the top k counts is the same whichever of
  the tied units are taken.
- Counts may be aoristic weights; with a total of 0 the share is NaN.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from harm.errors import HarmInputError

TOP_SHARES = (0.05, 0.10)


def concentration(counts, top_shares=TOP_SHARES) -> pd.DataFrame:
    """One row per share: ``top_share, units, of_units, count, share_of_incidents``.

    ``counts`` has one value per unit (a ``count`` column or an array). ``top_shares``
    are fractions, 0.05 for the top 5%.
    """
    values = _check_counts(counts)
    ranked = np.sort(values)[::-1]
    cumulative = np.concatenate([[0.0], np.cumsum(ranked)])
    total = cumulative[-1]
    rows = []
    for share in top_shares:
        k = units_in_top(share, values.size)
        rows.append({
            "top_share": float(share),
            "units": k,
            "of_units": values.size,
            "count": cumulative[k],
            "share_of_incidents": cumulative[k] / total if total > 0 else float("nan"),
        })
    return pd.DataFrame(rows)


def units_in_top(share: float, n_units: int) -> int:
    """``ceil(share * n_units)``, without float noise (0.1 * 30 is 3, not 4)."""
    if not 0 < share <= 1:
        raise HarmInputError(f"top share {share!r} must be between 0 and 1",
                             fix="Use e.g. 0.05 for the top 5%")
    return min(n_units, math.ceil(round(share * n_units, 9)))


def _check_counts(counts) -> np.ndarray:
    if isinstance(counts, pd.DataFrame):
        counts = counts["count"]
    values = np.asarray(counts, dtype="float64").ravel()
    if values.size == 0:
        raise HarmInputError("there are no cells or areas to rank",
                             fix="Select a study area first")
    if np.isnan(values).any() or (values < 0).any():
        raise HarmInputError("counts must be zero or more, with none missing")
    return values
