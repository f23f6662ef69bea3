"""The treatment data in use: annual (and quarterly) counts, prevalence, where they came from.

A :class:`TreatmentData` gathers what one or more sources hold; pages and the CLI read
everything through it. :func:`demo_data` is the synthetic demonstration set;
:func:`harm.treatment.readers.read_treatment_files` builds one from real files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from harm.errors import HarmInputError
from harm.treatment import schema
from harm.treatment.areas import normalise_name

PREVALENCE_KEYS = ["level", "area_code", "area", "year", "substance"]


@dataclass
class TreatmentData:
    """Treatment data from one or more sources (any part may be missing)."""

    annual: pd.DataFrame | None = None  # schema.ANNUAL_COLUMNS
    quarterly: pd.DataFrame | None = None  # schema.QUARTERLY_COLUMNS
    prevalence: pd.DataFrame | None = None  # PREVALENCE_KEYS + prevalence[, _low, _high, Fingertips columns]
    source: str = ""
    is_demo: bool = False
    notes: list[str] = field(default_factory=list)

    def annual_frame(self) -> pd.DataFrame:
        """Annual rows of every level, quarterly data rolled up, with ``all`` substance rows added."""
        from harm.treatment.annual import add_all_substances, quarterly_to_annual

        parts = [p for p in (self.annual, None if self.quarterly is None else quarterly_to_annual(self.quarterly))
                 if p is not None and len(p)]
        if not parts:
            return pd.DataFrame(columns=schema.ANNUAL_COLUMNS)
        return add_all_substances(_merge(pd.concat(parts, ignore_index=True), schema.KEYS))

    def levels(self) -> list[str]:
        """Area levels with data (``la``, ``csp``), in that order."""
        present = set(self.annual_frame()["level"])
        return [level for level in schema.LEVELS if level in present]

    def has_prevalence(self) -> bool:
        return self.prevalence is not None and len(self.prevalence) > 0


def _merge(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per key, taking each column's first non-missing value across sources.

    Areas are matched on their name (``Herefordshire`` = ``Herefordshire, County of``),
    keeping the first non-empty code.
    """
    frame = frame.copy()
    frame["_name"] = [normalise_name(a) for a in frame["area"]]
    frame["area_code"] = frame["area_code"].fillna("").replace("", np.nan)
    group_keys = [k for k in keys if k not in ("area", "area_code")] + ["_name"]
    merged = frame.groupby(group_keys, sort=False, dropna=False).first().reset_index()
    merged["area_code"] = merged["area_code"].fillna("")
    columns = list(dict.fromkeys(keys + [c for c in frame.columns if c != "_name"]))
    return merged[columns]


def combine(parts: list[TreatmentData]) -> TreatmentData:
    """Several sources as one: rows for the same area, year and substance are merged."""
    if not parts:
        raise HarmInputError("no treatment files given", fix="Choose one or more Fingertips or ViewIt CSV files")

    def stack(frames, keys):
        frames = [f for f in frames if f is not None and len(f)]
        return _merge(pd.concat(frames, ignore_index=True), keys) if frames else None

    annual = stack([p.annual for p in parts], schema.KEYS)
    quarterly = stack([p.quarterly for p in parts], schema.QUARTER_KEYS)
    prevalence = stack([p.prevalence for p in parts], PREVALENCE_KEYS)
    sources = [p.source for p in parts if p.source]
    notes = list(dict.fromkeys(n for p in parts for n in p.notes))
    return TreatmentData(annual=annual, quarterly=quarterly, prevalence=prevalence, source="; ".join(sources),
                         is_demo=all(p.is_demo for p in parts), notes=notes)


def demo_data() -> TreatmentData:
    """The synthetic demonstration treatment data (quarterly, CSPs and authorities, England)."""
    from harm.treatment.demo import DEMO_TREATMENT_LABEL, demo_prevalence, demo_treatment

    return TreatmentData(quarterly=demo_treatment(), prevalence=demo_prevalence(), source=DEMO_TREATMENT_LABEL,
                         is_demo=True)
