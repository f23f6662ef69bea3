"""Counts of incidents by area, financial year, month and offence group."""

from __future__ import annotations

import numpy as np
import pandas as pd

from harm.areas import AreaSet, assign
from harm.errors import HarmInputError

DIMENSIONS = ("area", "fy", "month", "offence_group")


def financial_year_labels(dates: pd.Series) -> pd.Series:
    """``2014/15`` for any date from April 2014 to March 2015."""
    values = dates.to_numpy()
    if np.issubdtype(values.dtype, np.datetime64) and not np.isnat(values).any():
        months = values.astype("datetime64[M]").astype("int64")  # since January 1970
        start_year = months // 12 + 1970 - (months % 12 < 3)
    else:
        start_year = (dates.dt.year - (dates.dt.month < 4).astype("int64")).to_numpy()
    years = np.unique(start_year)
    labels = pd.Categorical.from_codes(np.searchsorted(years, start_year),
                                       [f"{y}/{(y + 1) % 100:02d}" for y in years])
    return pd.Series(labels, index=dates.index)


def dimension_values(incidents: pd.DataFrame, dimension: str, area_labels: pd.Series | None) -> pd.Series:
    if dimension == "area":
        return area_labels
    if dimension == "fy":
        return financial_year_labels(incidents["occurred_from"])
    if dimension == "month":
        return incidents["occurred_from"].dt.strftime("%Y-%m")
    if dimension == "offence_group":
        return incidents["offence_group"].astype("string")
    raise HarmInputError(f"cannot count by '{dimension}'", fix=f"Use any of: {', '.join(DIMENSIONS)}.")


def count_incidents(incidents: pd.DataFrame, by: list[str], area_set: AreaSet | None = None,
                    area_labels: pd.Series | None = None) -> pd.DataFrame:
    """One row per combination of the ``by`` dimensions with a ``count`` column.

    With ``area`` among the dimensions every area appears (zero counts included), plus
    ``(outside areas)`` and ``(no location)`` where incidents have no area, so that the
    counts add up to the number of incidents.
    """
    if not by:
        raise HarmInputError("nothing to count by", fix=f"Give --by with any of: {', '.join(DIMENSIONS)}.")
    if "area" in by and area_labels is None:
        if area_set is None:
            raise HarmInputError("counting by area needs an area set")
        area_labels = assign(incidents, area_set)
    keys = {d: dimension_values(incidents, d, area_labels).reset_index(drop=True) for d in by}
    counted = pd.DataFrame(keys).groupby(list(by), observed=False, dropna=False).size().rename("count")
    counted = counted.reset_index()
    if "area" in by:
        counted = _drop_empty_reconciling_rows(counted, by)
    counted = counted.sort_values(by, kind="stable").reset_index(drop=True)
    if "area" in by:
        counted["area"] = counted["area"].astype("string")
    return counted


def _drop_empty_reconciling_rows(counted: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    from harm.areas import NO_LOCATION, OUTSIDE

    reconciling = counted["area"].isin([OUTSIDE, NO_LOCATION])
    empty_label = counted.groupby("area", observed=False)["count"].transform("sum") == 0
    counted = counted[~(reconciling & empty_label)].copy()
    names = sorted(a for a in counted["area"].unique() if a not in (OUTSIDE, NO_LOCATION))
    order = names + [a for a in (OUTSIDE, NO_LOCATION) if a in set(counted["area"])]
    counted["area"] = pd.Categorical(counted["area"].astype(str), categories=order, ordered=True)
    return counted


def rate_per_1000(counts: pd.Series, population: pd.Series) -> pd.Series:
    """Incidents per 1,000 residents; NaN where the population is unknown or zero."""
    pop = population.reindex(counts.index).astype("float64")
    return (counts / pop.where(pop > 0) * 1000).astype("float64")
