"""The areas spend is recorded for, and how spend recorded for one area is attributed to another.

Spend is recorded for an upper-tier (public-health) **local authority**, a **Community Safety
Partnership** or a whole **police force area** (the PCC's force-wide grants). Every one of
them is a union of whole local authority districts (LADs, ``geo/areas.csv``), so attribution
is done LAD by LAD with 2011 census populations:

- spend of an area that lies inside one target area goes to it whole
  (North Worcestershire CSP -> Worcestershire);
- spend of an area that spans several target areas is **apportioned by population**
  (Worcestershire -> North and South Worcestershire CSPs; West Mercia -> its four local
  authorities) and the apportioned part is reported as such.

Names: the local authorities are Herefordshire, Shropshire, Telford and Wrekin,
Worcestershire (6 LADs) and Warwickshire (5 LADs), as in :mod:`harm.treatment.areas`; the
CSPs are those of ``geo/areas.csv``;
the force areas are West Mercia and Warwickshire (the same area as the county).
``canonical_area`` also accepts common variants ("Telford & Wrekin", "Herefordshire, County
of", "South Worcester", "Worcestershire County Council").
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from harm.errors import HarmInputError

LEVELS = ("la", "csp")
LEVEL_LABELS = {"la": "Local authority (public health)", "csp": "Community Safety Partnership"}

POPULATION_NOTE = "2011 census usual residents"

_ALIASES = {
    "herefordshire county of": "Herefordshire",
    "county of herefordshire": "Herefordshire",
    "telford": "Telford and Wrekin",
    "south worcester": "South Worcestershire",
    "west mercia police": "West Mercia",
    "warwickshire police": "Warwickshire",
}
_COUNCIL_SUFFIX = re.compile(r"\s+(county|borough|city|district)?\s*council$")


@lru_cache(maxsize=1)
def districts() -> pd.DataFrame:
    """One row per LAD: ``lad_code, lad_name, la, csp, force, population`` (the treatment engine's table)."""
    from harm.treatment.areas import district_table

    table = district_table()
    return pd.DataFrame({"lad_code": table["lad_code"], "lad_name": table["lad_name"], "la": table["la_name"],
                         "csp": table["csp_name"], "force": table["force_name"],
                         "population": table["population"].astype("int64")})


@lru_cache(maxsize=1)
def _area_districts() -> dict[str, frozenset[str]]:
    """Every known area name -> the LAD codes it covers (same name, same LADs, at any level)."""
    table = districts()
    out: dict[str, frozenset[str]] = {}
    for column in ("force", "la", "csp"):
        for name, group in table.groupby(column):
            out[str(name)] = frozenset(group["lad_code"])
    return out


def area_names(level: str | None = None) -> list[str]:
    """The area names of a level (``la``, ``csp``), or every name spend may be recorded for."""
    if level is None:
        return sorted(_area_districts())
    column = check_level(level)
    return sorted(districts()[column].unique())


def check_level(level: str) -> str:
    if level not in LEVELS:
        raise HarmInputError(f"unknown area level {level!r} for spend",
                             fix="Use la (local authority) or csp (Community Safety Partnership).")
    return level


def _key(text: str) -> str:
    key = str(text).casefold().replace("&", " and ")
    key = re.sub(r"[^a-z0-9 ]+", " ", key)
    key = re.sub(r"\s+", " ", key).strip()
    return _COUNCIL_SUFFIX.sub("", key).strip()


@lru_cache(maxsize=1)
def _lookup() -> dict[str, str]:
    names = {_key(n): n for n in _area_districts()}
    names.update({_key(k): v for k, v in _ALIASES.items()})
    return names


def canonical_area(name: str) -> str | None:
    """The dashboard's name for ``name`` ("Telford & Wrekin" -> "Telford and Wrekin"); None if unknown."""
    return _lookup().get(_key(name))


def population(level: str) -> pd.Series:
    """Residents (2011 census) per area of ``level``, indexed by area name."""
    column = check_level(level)
    return districts().groupby(column)["population"].sum().astype("int64")


def attribution_weights(area: str, level: str) -> pd.Series:
    """Share of ``area``'s spend that falls in each area of ``level`` (by population; sums to 1)."""
    table = districts()
    covered = table[table["lad_code"].isin(_area_districts()[area])]
    shares = covered.groupby(check_level(level))["population"].sum()
    return (shares / shares.sum()).astype("float64")
