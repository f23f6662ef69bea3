"""The numbers of the Overview page: what is loaded, counts and rates by area and year."""

from __future__ import annotations

import pandas as pd

from harm.areas import NO_LOCATION, OUTSIDE, AreaSet
from harm.counts import financial_year_labels, rate_per_1000


def dataset_summary(incidents: pd.DataFrame) -> dict:
    """Rows, first and last month, precision breakdown and records without a location."""
    if len(incidents) == 0:
        return {"rows": 0, "first_month": None, "last_month": None, "precision": {}, "no_location": 0}
    starts = incidents["occurred_from"]
    precision = incidents["date_precision"].value_counts()
    precision = precision[precision > 0]
    return {
        "rows": len(incidents),
        "first_month": str(starts.min().to_period("M")),
        "last_month": str(starts.max().to_period("M")),
        "precision": {str(k): int(v) for k, v in precision.items()},
        "no_location": int(incidents["x"].isna().sum()),
    }


def area_year_table(incidents: pd.DataFrame, area_labels: pd.Series, area_set: AreaSet) -> pd.DataFrame:
    """Long table: ``area, fy, count, rate_per_1000`` for every area (zeros included) and year."""
    fy = financial_year_labels(incidents["occurred_from"]).reset_index(drop=True)
    frame = pd.DataFrame({"area": area_labels.reset_index(drop=True), "fy": fy})
    counts = frame.groupby(["area", "fy"], observed=True).size().rename("count")
    present = set(frame["area"].unique())
    areas = area_set.names + [a for a in (OUTSIDE, NO_LOCATION) if a in present]
    years = sorted(fy.unique()) if len(fy) else []
    full = pd.MultiIndex.from_product([areas, years], names=["area", "fy"])
    table = counts.reindex(full, fill_value=0).reset_index()
    population = area_set.population_by_name()
    if population is not None:
        table["rate_per_1000"] = rate_per_1000(table.set_index("area")["count"], population).to_numpy()
    return table


def area_totals(incidents: pd.DataFrame, area_labels: pd.Series, area_set: AreaSet,
                selected: tuple[str, ...] = ()) -> pd.DataFrame:
    """Per area of the set: ``area, code, count, population, rate_per_1000`` (zeros included).

    With ``selected`` areas, the others get no value (NaN): not selected is not zero.
    """
    counts = area_labels.value_counts().reindex(area_set.names, fill_value=0).astype("float64")
    if selected:
        counts[~counts.index.isin(selected)] = float("nan")
    table = pd.DataFrame({"area": area_set.names, "code": list(area_set.areas["code"]),
                          "count": counts.to_numpy()})
    population = area_set.population_by_name()
    if population is not None:
        table["population"] = population.to_numpy()
        table["rate_per_1000"] = rate_per_1000(counts, population).to_numpy()
    return table


def monthly_trend(incidents: pd.DataFrame, area_labels: pd.Series) -> pd.DataFrame:
    """``month, area, count`` for every month in the data and every area with incidents."""
    month = incidents["occurred_from"].dt.to_period("M").reset_index(drop=True)
    frame = pd.DataFrame({"month": month, "area": area_labels.reset_index(drop=True)})
    counts = frame.groupby(["month", "area"], observed=True).size().rename("count")
    if counts.empty:
        return pd.DataFrame({"month": [], "area": [], "count": []})
    months = pd.period_range(month.min(), month.max(), freq="M")
    full = pd.MultiIndex.from_product([months, sorted(map(str, frame["area"].unique()))], names=["month", "area"])
    out = counts.reindex(full, fill_value=0).reset_index()
    out["month"] = out["month"].dt.to_timestamp()
    return out
