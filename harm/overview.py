"""The numbers of the Overview page: what is loaded, counts and rates by area and year."""

from __future__ import annotations

import numpy as np
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
    fy = pd.Categorical(financial_year_labels(incidents["occurred_from"]))
    area = pd.Categorical(area_labels)
    counts = _cross_count(area.codes, len(area.categories), fy.codes, len(fy.categories))
    row_of = {name: i for i, name in enumerate(area.categories)}
    present = {name for name, i in row_of.items() if counts[i].sum() > 0}
    areas = area_set.names + [a for a in (OUTSIDE, NO_LOCATION) if a in present]
    years = sorted(fy.categories[counts.sum(axis=0) > 0])
    columns = [list(fy.categories).index(y) for y in years]
    zeros = np.zeros(len(fy.categories), dtype="int64")
    grid = np.array([counts[row_of[a]] if a in row_of else zeros for a in areas], dtype="int64").reshape(len(areas), -1)
    table = pd.DataFrame({
        "area": pd.Categorical.from_codes(np.repeat(np.arange(len(areas)), len(years)), areas),
        "fy": pd.Categorical.from_codes(np.tile(np.arange(len(years)), len(areas)), years),
        "count": grid[:, columns].ravel()})
    population = area_set.population_by_name()
    if population is not None:
        table["rate_per_1000"] = rate_per_1000(table.set_index("area")["count"], population).to_numpy()
    return table


def _cross_count(row_codes: np.ndarray, rows: int, column_codes: np.ndarray, columns: int) -> np.ndarray:
    """``counts[i, j]``: how many positions have row code ``i`` and column code ``j`` (-1 = none)."""
    ok = (row_codes >= 0) & (column_codes >= 0)
    flat = row_codes[ok].astype("int64") * columns + column_codes[ok]
    return np.bincount(flat, minlength=rows * columns).reshape(rows, columns)


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
    month = incidents["occurred_from"].to_numpy().astype("datetime64[M]")
    dated = ~np.isnat(month)
    if not dated.any():
        return pd.DataFrame({"month": [], "area": [], "count": []})
    index = month.astype("int64")  # months since January 1970
    first, last = index[dated].min(), index[dated].max()
    area = pd.Categorical(area_labels)
    codes = area.codes
    counts = _cross_count(np.where(dated, codes, -1), len(area.categories),
                          np.where(dated, index - first, -1), int(last - first + 1))
    with_incidents = np.bincount(codes[codes >= 0], minlength=len(area.categories)) > 0
    order = sorted(np.flatnonzero(with_incidents), key=lambda i: str(area.categories[i]))
    months = np.arange(first, last + 1).astype("datetime64[M]").astype("datetime64[us]")
    return pd.DataFrame({"month": np.repeat(months, len(order)),
                         "area": np.tile(np.array([str(area.categories[i]) for i in order], dtype=object), len(months)),
                         "count": counts[order].T.ravel().astype("int64")}).astype({"area": "str"})
