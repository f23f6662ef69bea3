"""The shared filters every page applies: period, areas, offence groups, markers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from harm.incidents import MARKERS

MARKER_LABELS = {"alcohol": "Alcohol", "drugs": "Drugs", "domestic_abuse": "Domestic abuse"}


@dataclass(frozen=True)
class Filters:
    """What the user selected. Empty tuples mean "all"."""

    first_month: str | None = None  # "YYYY-MM"
    last_month: str | None = None
    area_level: str = "csp"
    areas: tuple[str, ...] = ()
    offence_groups: tuple[str, ...] = ()
    markers: tuple[str, ...] = ()  # incidents flagged with ANY of these markers

    def describe(self) -> str:
        """One line for footers and exports, e.g. "2014-04 to 2014-10; all areas; ..."."""
        period = f"{self.first_month or 'start'} to {self.last_month or 'end'}"
        areas = ", ".join(self.areas) if self.areas else "all areas"
        groups = ", ".join(self.offence_groups) if self.offence_groups else "all offence groups"
        markers = ("flagged " + " or ".join(MARKER_LABELS[m] for m in self.markers)) if self.markers else "any markers"
        return f"{period}; {areas}; {groups}; {markers}"


def filter_mask(incidents: pd.DataFrame, area_labels: pd.Series | None, filters: Filters,
                *, period: bool = True) -> np.ndarray:
    """True for incidents that pass every filter (``period=False`` ignores the months)."""
    keep = np.ones(len(incidents), dtype=bool)
    if period and (filters.first_month or filters.last_month):
        # datetime64[M] rather than Period: the same months, ~20 times faster on 1M rows
        month = incidents["occurred_from"].to_numpy().astype("datetime64[M]")
        if filters.first_month:
            keep &= month >= np.datetime64(filters.first_month, "M")
        if filters.last_month:
            keep &= month <= np.datetime64(filters.last_month, "M")
    if filters.areas and area_labels is not None:
        keep &= area_labels.isin(filters.areas).to_numpy()
    if filters.offence_groups:
        keep &= incidents["offence_group"].isin(filters.offence_groups).to_numpy()
    if filters.markers:
        flagged = np.zeros(len(incidents), dtype=bool)
        for marker in filters.markers:
            if marker in MARKERS:
                flagged |= incidents[marker].to_numpy()
        keep &= flagged
    return keep
