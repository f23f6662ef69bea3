"""Drug offences over time and by area: possession (cannabis, other drugs) and trafficking.

Categories come from the incident's offence group and offence: ``Possession of drugs``
splits into *Possession of cannabis* and *Possession of other drugs* by offence;
``Trafficking of drugs`` is *Trafficking*. data.police.uk's single ``Drugs`` group cannot
be split and is counted as *Drug offences (not split)*. Significance against last year
and the 4-year average is :mod:`harm.performance`'s (the Performance page's wording).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from harm import performance
from harm.areas import NO_LOCATION, OUTSIDE, AreaSet
from harm.counts import financial_year_labels, rate_per_1000
from harm.measures import POLICE_UK_DRUGS

CANNABIS = "Possession of cannabis"
OTHER_POSSESSION = "Possession of other drugs"
TRAFFICKING = "Trafficking"
NOT_SPLIT = "Drug offences (not split)"
CATEGORIES = (CANNABIS, OTHER_POSSESSION, TRAFFICKING, NOT_SPLIT)
POSSESSION_GROUP = "Possession of drugs"
TRAFFICKING_GROUP = "Trafficking of drugs"


def drug_offence_category(incidents: pd.DataFrame) -> pd.Series:
    """The drug-offence category of each incident (categorical; NaN for other offences)."""
    group = incidents["offence_group"].astype("string").fillna("")
    offence = incidents["offence"].astype("string").fillna("").str.lower()
    category = np.select(
        [(group == POSSESSION_GROUP) & offence.str.contains("cannabis"),
         group == POSSESSION_GROUP, group == TRAFFICKING_GROUP, group == POLICE_UK_DRUGS],
        [CANNABIS, OTHER_POSSESSION, TRAFFICKING, NOT_SPLIT], default="")
    return pd.Series(pd.Categorical(np.where(category == "", None, category), categories=list(CATEGORIES)),
                     index=incidents.index)


def _present(counts: pd.DataFrame) -> list[str]:
    """Categories to show: the three split ones, plus 'not split' only when the data have it."""
    shown = list(CATEGORIES[:3])
    if (counts.loc[counts["category"] == NOT_SPLIT, "count"] > 0).any():
        shown.append(NOT_SPLIT)
    return shown


def offences_by_year(incidents: pd.DataFrame) -> pd.DataFrame:
    """``fy, category, count`` for every financial year in ``incidents`` and every category shown."""
    category = drug_offence_category(incidents)
    fy = financial_year_labels(incidents["occurred_from"])
    years = sorted(fy.astype(str).unique()) if len(incidents) else []
    frame = pd.DataFrame({"fy": fy.astype(str), "category": category}).dropna(subset=["category"])
    counts = frame.groupby(["fy", "category"], observed=False).size()
    full = pd.MultiIndex.from_product([years, list(CATEGORIES)], names=["fy", "category"])
    out = counts.reindex(full, fill_value=0).rename("count").reset_index()
    return out[out["category"].isin(_present(out))].reset_index(drop=True)


def offences_by_month(incidents: pd.DataFrame) -> pd.DataFrame:
    """``month`` (first day, timestamp), ``category``, ``count`` for every month in ``incidents``."""
    if len(incidents) == 0:
        return pd.DataFrame({"month": pd.to_datetime([]), "category": [], "count": []})
    category = drug_offence_category(incidents)
    month = incidents["occurred_from"].dt.to_period("M")
    frame = pd.DataFrame({"month": month, "category": category}).dropna(subset=["category"])
    counts = frame.groupby(["month", "category"], observed=False).size()
    months = pd.period_range(month.min(), month.max(), freq="M")
    full = pd.MultiIndex.from_product([months, list(CATEGORIES)], names=["month", "category"])
    out = counts.reindex(full, fill_value=0).rename("count").reset_index()
    out = out[out["category"].isin(_present(out))].reset_index(drop=True)
    out["month"] = out["month"].dt.to_timestamp()
    return out


def offences_by_area(incidents: pd.DataFrame, area_labels: pd.Series, area_set: AreaSet) -> pd.DataFrame:
    """Per area: a count per category, ``total``, ``population`` and ``rate_per_1000`` (total per 1,000)."""
    category = drug_offence_category(incidents).reset_index(drop=True)
    labels = pd.Series(area_labels).reset_index(drop=True).astype("string")
    frame = pd.DataFrame({"area": labels, "category": category}).dropna(subset=["category"])
    counts = frame.groupby(["area", "category"], observed=False).size().unstack("category", fill_value=0)
    present = [a for a in (OUTSIDE, NO_LOCATION) if a in counts.index and counts.loc[a].sum() > 0]
    counts = counts.reindex(area_set.names + present, fill_value=0)
    shown = _present(pd.DataFrame({"category": [NOT_SPLIT], "count": [counts.get(NOT_SPLIT, pd.Series([0])).sum()]}))
    counts = counts.reindex(columns=shown, fill_value=0)
    table = counts.reset_index().rename(columns={"index": "area"})
    table.columns.name = None
    table["total"] = counts.sum(axis=1).to_numpy()
    population = area_set.population_by_name()
    if population is not None:
        table["population"] = population.reindex(table["area"]).to_numpy()
        table["rate_per_1000"] = rate_per_1000(table.set_index("area")["total"], population).to_numpy()
    return table


def offence_performance(incidents: pd.DataFrame, area_labels: pd.Series, *, measure: str, as_of,
                        coverage, population: pd.Series | None = None) -> pd.DataFrame:
    """The Performance page's table for a drug measure (``drug-offences``, ``possession``, ``trafficking``).

    Year to date as of ``as_of`` against last year and the 4-year average, exact tests,
    Benjamini-Hochberg, and the same words (see :func:`harm.performance.performance_table`).
    """
    counts = performance.monthly_counts(incidents, area_labels, measure=measure, months=coverage)
    return performance.performance_table(counts, as_of, coverage=coverage, population=population)
