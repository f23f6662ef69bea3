"""Cut loaded incidents to a period of months."""

from __future__ import annotations

import pandas as pd


def filter_period(incidents: pd.DataFrame, first: pd.Period | None, last: pd.Period | None) -> pd.DataFrame:
    """Incidents whose start falls in months ``first``..``last`` (inclusive)."""
    if first is None and last is None:
        return incidents
    month = incidents["occurred_from"].dt.to_period("M")
    keep = pd.Series(True, index=incidents.index)
    if first is not None:
        keep &= month >= first
    if last is not None:
        keep &= month <= last
    return incidents[keep].reset_index(drop=True) if not keep.all() else incidents
