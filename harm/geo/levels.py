"""The built-in area levels and where their files are."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from harm.errors import HarmInputError
from harm.paths import GEO_DIR

LEVELS = ("force", "policing-area", "csp", "lad", "lsoa")
LEVEL_LABELS = {
    "force": "Police force area",
    "policing-area": "Local policing area",
    "csp": "Community Safety Partnership",
    "lad": "Local authority district",
    "lsoa": "LSOA (2011)",
}
AREA_TABLE_PATH = GEO_DIR / "areas.csv"
POPULATION_PATH = GEO_DIR / "lsoa_population_2011.csv"


def check_level(level: str) -> str:
    if level not in LEVELS:
        raise HarmInputError(
            f"unknown area level '{level}'", fix=f"Use one of: {', '.join(LEVELS)}."
        )
    return level


def boundary_path(level: str) -> Path:
    return GEO_DIR / f"{check_level(level)}.parquet"


@lru_cache(maxsize=1)
def area_table() -> pd.DataFrame:
    """LAD -> CSP -> local policing area -> force, one row per LAD (``geo/areas.csv``)."""
    return pd.read_csv(AREA_TABLE_PATH, dtype=str)


@lru_cache(maxsize=None)
def _read_boundaries(level: str) -> gpd.GeoDataFrame:
    return gpd.read_parquet(boundary_path(level))


def boundaries(level: str) -> gpd.GeoDataFrame:
    """One built-in level as a GeoDataFrame with ``code``, ``name``, ``geometry`` (EPSG:27700)."""
    return _read_boundaries(check_level(level)).copy()


@lru_cache(maxsize=1)
def lsoa_population() -> pd.Series:
    """2011 census usual residents, indexed by LSOA code."""
    return pd.read_csv(POPULATION_PATH, dtype={"code": str}).set_index("code")["population"]


def lsoa_lookup() -> pd.DataFrame:
    """One row per LSOA with the code of every level above it."""
    lsoas = boundaries("lsoa")[["code", "lad_code"]].rename(columns={"code": "lsoa_code"})
    table = area_table()
    out = lsoas.merge(table, on="lad_code", how="left", validate="many_to_one")
    return out


def population(level: str) -> pd.Series:
    """Residents per area of a built-in level, indexed by area code."""
    pop = lsoa_population()
    if check_level(level) == "lsoa":
        return pop
    key = "policing_area" if level == "policing-area" else level
    lookup = lsoa_lookup().set_index("lsoa_code")[f"{key}_code"]
    return pop.groupby(lookup.reindex(pop.index)).sum().astype("int64")
