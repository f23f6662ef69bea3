"""Treatment areas: the upper-tier public-health local authorities and the CSPs of the two forces.

"Local authority" here is the authority that commissions drug treatment: Herefordshire,
Shropshire, Telford and Wrekin, Worcestershire (the six Worcestershire districts) in West
Mercia, and Warwickshire (its five districts). CSPs come from ``geo/areas.csv``.
Populations are 2011 census residents summed from the LSOAs.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from harm.errors import HarmInputError
from harm.geo import levels as geo_levels
from harm.treatment.schema import check_level

# Upper-tier authority of each district: (code, name). Unitaries are their own authority.
COUNTIES = {"Worcestershire": ("E10000034", "Worcestershire"),
                             "Warwickshire": ("E10000031", "Warwickshire")}
_WORCESTERSHIRE_CSPS = {"North Worcestershire", "South Worcestershire"}


def _la_of(row) -> tuple[str, str]:
    if row["lad_code"].startswith("E06"):
        return row["lad_code"], row["lad_name"]
    if row["force_name"] == "Warwickshire":
        return COUNTIES["Warwickshire"]
    if row["csp_name"] in _WORCESTERSHIRE_CSPS:
        return COUNTIES["Worcestershire"]
    raise HarmInputError(f"no upper-tier authority known for {row['lad_name']}")


@lru_cache(maxsize=1)
def district_table() -> pd.DataFrame:
    """One row per district: ``lad_code, lad_name, la_code, la_name, csp_code, csp_name,
    policing_area_name, force_name, population``."""
    table = geo_levels.area_table().copy()
    la = table.apply(_la_of, axis=1, result_type="expand")
    table["la_code"], table["la_name"] = la[0], la[1]
    population = geo_levels.population("lad")
    table["population"] = table["lad_code"].map(population).astype("int64")
    return table


def areas(level: str) -> pd.DataFrame:
    """``code, name, force, population`` of the treatment areas at ``level`` (``la`` or ``csp``)."""
    level = check_level(level)
    table = district_table()
    grouped = table.groupby([f"{level}_code", f"{level}_name"], sort=False).agg(
        force=("force_name", "first"), population=("population", "sum")).reset_index()
    return grouped.rename(columns={f"{level}_code": "code", f"{level}_name": "name"})


def csp_lookup() -> pd.DataFrame:
    """One row per CSP with the area it belongs to at each coarser level:
    ``csp_code, csp_name, la_code, la_name, policing_area_name, force_name``."""
    table = district_table()
    return table.drop_duplicates("csp_code")[
        ["csp_code", "csp_name", "la_code", "la_name", "policing_area_name", "force_name"]].reset_index(drop=True)


def population(level: str) -> pd.Series:
    """Residents (2011) per area name at ``level``."""
    frame = areas(level)
    return pd.Series(frame["population"].to_numpy(), index=frame["name"])


def normalise_name(name: str) -> str:
    """A name for matching across sources: lower case, ``&`` = ``and``, no ", County of"."""
    text = str(name).lower().replace("&", " and ")
    text = re.sub(r",\s*county of$|,\s*city of$", "", text.strip())
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def code_for_name(name: str) -> str:
    """The ONS code of a known treatment area (local authority or CSP) by name; "" when unknown."""
    wanted = normalise_name(name)
    for level in ("la", "csp"):
        frame = areas(level)
        for code, area in zip(frame["code"], frame["name"]):
            if normalise_name(area) == wanted:
                return code
    return ""
