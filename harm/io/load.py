"""Load incident files of any supported kind into one canonical frame."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from harm.areas import attach_lsoa
from harm.errors import HarmInputError
from harm.incidents import conform, empty
from harm.io.incident_csv import read_incident_csv
from harm.io.result import LoadResult


def load_incident_files(paths: list[Path]) -> tuple[pd.DataFrame, list[LoadResult]]:
    """Read each file, drop crime_ids already loaded from an earlier file, attach LSOAs."""
    results = [read_incident_csv(Path(p)) for p in paths]
    frames = [r.frame for r in results if len(r.frame)]
    if not frames:
        raise HarmInputError("no incident rows could be loaded from " + ", ".join(str(p) for p in paths),
                             fix="See the rejects report for the reason of each row.")
    combined = pd.concat(frames, ignore_index=True)
    combined = combined[~combined["crime_id"].duplicated()]
    return attach_lsoa(conform(combined)), results


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
