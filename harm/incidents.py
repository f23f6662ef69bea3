"""The canonical incident table: one row per recorded violence or drug offence.

In memory (what every ``harm`` function takes) an incident frame has:

=================  ===========================================================
crime_id           string, unique
occurred_from      datetime64 (naive local time, Europe/London)
occurred_to        datetime64, NaT when the record has no end
date_precision     "minute", "day" or "month"
offence_group      e.g. "Violence with injury", "Possession of drugs"
offence            the offence within the group
alcohol, drugs,    interest markers, bool
domestic_abuse
x, y               British National Grid metres (EPSG:27700), NaN if unknown
lsoa_code          2011 LSOA the point falls in (NA outside the study area)
=================  ===========================================================

The CSV form (``python -m harm demo --csv``) carries ``latitude``/``longitude``
(WGS84) or ``easting``/``northing`` instead of ``x``/``y``; see
``data/DATA_DICTIONARY.md``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = [
    "crime_id", "occurred_from", "occurred_to", "date_precision", "offence_group",
    "offence", "alcohol", "drugs", "domestic_abuse", "x", "y", "lsoa_code",
]
MARKERS = ["alcohol", "drugs", "domestic_abuse"]
PRECISIONS = ("minute", "day", "month")

VIOLENCE_GROUPS = ("Violence with injury", "Violence without injury")
DRUG_GROUPS = ("Possession of drugs", "Trafficking of drugs")


def empty() -> pd.DataFrame:
    """An incident frame with no rows and the canonical dtypes."""
    return conform(pd.DataFrame({c: [] for c in COLUMNS}))


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with exactly the canonical columns and dtypes (no validation)."""
    if _is_canonical(frame):  # e.g. read back from our own parquet: only the LSOA categories' type
        out = frame.reset_index(drop=True)
        categories = out["lsoa_code"].cat.categories
        if str(categories.dtype) != "string":
            out["lsoa_code"] = out["lsoa_code"].cat.rename_categories(categories.astype("string"))
        return out
    out = pd.DataFrame(index=frame.index)
    out["crime_id"] = frame["crime_id"].astype("string")
    out["occurred_from"] = pd.to_datetime(frame["occurred_from"]).astype("datetime64[ns]")
    out["occurred_to"] = pd.to_datetime(frame["occurred_to"]).astype("datetime64[ns]")
    out["date_precision"] = frame["date_precision"].astype("category")
    out["offence_group"] = frame["offence_group"].astype("category")
    out["offence"] = frame["offence"].astype("category")
    for m in MARKERS:
        out[m] = frame[m].astype(bool)
    out["x"] = frame["x"].astype("float64")
    out["y"] = frame["y"].astype("float64")
    lsoa = frame["lsoa_code"] if "lsoa_code" in frame else pd.Series(pd.NA, index=frame.index)
    out["lsoa_code"] = lsoa.astype("string").astype("category")
    return out.reset_index(drop=True)


def _is_canonical(frame: pd.DataFrame) -> bool:
    expected = {"crime_id": "string", "occurred_from": "datetime64[ns]", "occurred_to": "datetime64[ns]",
                "date_precision": "category", "offence_group": "category", "offence": "category",
                **{m: "bool" for m in MARKERS}, "x": "float64", "y": "float64", "lsoa_code": "category"}
    return list(frame.columns) == list(expected) and all(
        str(frame[c].dtype) == dtype for c, dtype in expected.items())


def has_time_of_day(incidents: pd.DataFrame) -> np.ndarray:
    """True where the record carries a time of day (minute precision)."""
    return (incidents["date_precision"] == "minute").to_numpy()


def has_location(incidents: pd.DataFrame) -> np.ndarray:
    return incidents["x"].notna().to_numpy() & incidents["y"].notna().to_numpy()


def is_month_precision_only(incidents: pd.DataFrame) -> bool:
    """True when no record carries a day or time (data.police.uk street data)."""
    return len(incidents) > 0 and bool((incidents["date_precision"] == "month").all())
