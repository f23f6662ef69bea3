"""Numbers the briefing's charts need that no page computes (no Streamlit here)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def completion_rates(outcomes: pd.DataFrame) -> pd.Series:
    """Successful completions / people in treatment (NaN where either is hidden or zero)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = outcomes["completions"].astype(float) / outcomes["in_treatment"].astype(float)
    return rate.where(outcomes["in_treatment"].astype(float) > 0)
