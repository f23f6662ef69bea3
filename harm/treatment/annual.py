"""Annual figures per area, year and substance: the roll-up other pages build on.

A year's *in treatment* is everyone in treatment at any time in the year: those carried
over into its first quarter plus everyone who started in its four quarters. Flows
(new presentations, exits, completions, re-presentations, retention, waits, referrals)
add up over the quarters. Only complete years (all four quarters) are rolled up.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from harm.errors import HarmInputError
from harm.treatment import schema
from harm.treatment.schema import ALL, ENGLAND

FLOWS = ["new_presentations", "exits", "completions", "re_presentations", "retained_12_weeks",
         "waiting_over_3_weeks", "referrals_cjs"]
SUMMARY_COLUMNS = ["area_code", "area", "year", "substance"] + schema.COUNTS + ["completion_rate"]


def quarterly_to_annual(quarterly: pd.DataFrame) -> pd.DataFrame:
    """Quarterly rows (``schema.QUARTERLY_COLUMNS``) to annual rows (``schema.ANNUAL_COLUMNS``)."""
    keys = schema.KEYS
    q = quarterly.sort_values("quarter", kind="stable")
    grouped = q.groupby(keys, sort=False, dropna=False)
    annual = grouped[FLOWS].sum(min_count=1)
    annual["quarters"] = grouped["quarter"].nunique()
    first = q[q["quarter"] == 1].set_index(keys)["carried_over"]
    annual["carried_over"] = first.reindex(annual.index)
    annual = annual[annual["quarters"] == 4]
    annual["in_treatment"] = annual["carried_over"] + annual["new_presentations"]
    annual["completion_base"] = np.nan
    return annual.reset_index()[schema.ANNUAL_COLUMNS]


def add_all_substances(annual: pd.DataFrame) -> pd.DataFrame:
    """Add an ``all`` row (the sum of the four groups) where the source gave none.

    A count missing for any group leaves the total missing too.
    """
    annual = annual.copy()
    parts = annual[annual["substance"].isin(schema.SUBSTANCES)]
    have_total = set(map(tuple, annual.loc[annual["substance"] == ALL, ["level", "area", "year"]].to_numpy()))
    grouped = parts.groupby(["level", "area_code", "area", "year"], sort=False, dropna=False)
    counts = schema.COUNTS + ["completion_base"]
    sums = grouped[counts].sum(min_count=1)
    complete = grouped["substance"].nunique() == len(schema.SUBSTANCES)
    any_missing = grouped[counts].agg(lambda s: s.isna().any())
    sums = sums.mask(any_missing | ~complete.to_numpy()[:, None]).reset_index()
    sums["substance"] = ALL
    sums = sums[[tuple(r) not in have_total for r in sums[["level", "area", "year"]].to_numpy()]]
    out = pd.concat([annual, sums[schema.ANNUAL_COLUMNS]], ignore_index=True)
    order = {s: i for i, s in enumerate(schema.SUBSTANCES + (ALL,))}
    out["_order"] = out["substance"].map(order)
    out = out.sort_values(["level", "area", "year", "_order"], kind="stable").drop(columns="_order")
    return out.reset_index(drop=True)


def annual_summary(treatment=None, level: str = "la", *, include_england: bool = False) -> pd.DataFrame:
    """Per area, financial year and substance: numbers in treatment, successful completions and more.

    ``treatment`` is a :class:`~harm.treatment.data.TreatmentData` (default: the demo data).
    ``level`` is ``la`` (public-health local authorities) or ``csp``. Columns:
    ``area_code, area, year, substance`` (the four groups and ``all``), the counts of
    ``schema.COUNTS`` (NaN where the source has no such figure) and ``completion_rate``
    (successful completions / people in treatment, a proportion; the source's own
    denominator where it gives one). Numbers are unsuppressed: pass what you show through
    :mod:`harm.suppression`. ``include_england`` adds England rows (``area`` "England").
    """
    from harm.treatment.data import TreatmentData, demo_data

    if treatment is None:
        treatment = demo_data()
    if not isinstance(treatment, TreatmentData):
        raise HarmInputError("annual_summary needs treatment data", fix="Pass a TreatmentData, e.g. demo_data()")
    schema.check_level(level)
    annual = treatment.annual_frame()
    wanted = [level, ENGLAND] if include_england else [level]
    out = annual[annual["level"].isin(wanted)].copy()
    out["completion_rate"] = _rate(out["completions"], completion_denominator(out))
    return out[SUMMARY_COLUMNS].reset_index(drop=True)


def completion_denominator(annual: pd.DataFrame) -> pd.Series:
    """The source's own completion denominator where it gives one, else the number in treatment."""
    return annual["completion_base"].fillna(annual["in_treatment"])


def _rate(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    num, den = numerator.astype("float64"), denominator.astype("float64")
    return (num / den.where(den > 0)).astype("float64")


def force_summary(annual: pd.DataFrame, *, level: str, year: str) -> pd.DataFrame:
    """Per police force area, from the known authorities or CSPs at ``level`` in ``year``:
    ``force, areas, in_treatment, opiate_in_treatment, opiate_completions, opiate_completion_rate``.

    Areas the dashboard does not know (another authority in a real file) are left out;
    the frame is empty when none is known.
    """
    from harm.treatment.areas import areas as treatment_areas

    known = treatment_areas(level)
    rows = annual[(annual["level"] == level) & (annual["year"] == year)].merge(
        known[["code", "force"]], left_on="area_code", right_on="code", how="inner")
    if rows.empty:
        return pd.DataFrame(columns=["force", "areas", "in_treatment", "opiate_in_treatment", "opiate_completions",
                                     "opiate_completion_rate"])
    total = rows[rows["substance"] == ALL].groupby("force", sort=False).agg(
        areas=("area", "nunique"), in_treatment=("in_treatment", lambda s: s.sum(min_count=1)))
    opiate = rows[rows["substance"] == "opiate"].assign(base=lambda d: completion_denominator(d))
    opiate = opiate.groupby("force", sort=False).agg(opiate_in_treatment=("in_treatment", "sum"),
                                                     opiate_completions=("completions", lambda s: s.sum(min_count=1)),
                                                     base=("base", "sum"))
    out = total.join(opiate, how="left")
    out["opiate_completion_rate"] = _rate(out["opiate_completions"], out.pop("base"))
    return out.reset_index()


def in_treatment_table(annual: pd.DataFrame, *, level: str, year: str, areas=None,
                       total_label: str | None = None) -> pd.DataFrame:
    """People in treatment in ``year`` per area and substance (the four groups and ``all``):
    columns ``area, substance, in_treatment``, areas in the order given (default: by name).

    This is the number in treatment in the year (NDTMS ``intreatment``), not a completion
    denominator. With ``total_label`` a row per substance adds up the areas (missing when
    any area's figure is). Unsuppressed: pass it through :mod:`harm.suppression`.
    """
    schema.check_level(level)
    rows = annual[(annual["level"] == level) & (annual["year"] == year)]
    if areas is not None:
        rows = rows[rows["area"].isin(list(areas))]
    order = list(areas) if areas is not None else sorted(rows["area"].unique())
    order = [a for a in order if a in set(rows["area"])]
    substances = list(schema.SUBSTANCES) + [ALL]
    grid = pd.MultiIndex.from_product([order, substances], names=["area", "substance"])
    out = rows.set_index(["area", "substance"])["in_treatment"].astype("float64").reindex(grid).reset_index()
    if total_label and order:
        wide = out.pivot(index="area", columns="substance", values="in_treatment")
        total = wide.sum(min_count=1).where(~wide.isna().any())
        out = pd.concat([out, pd.DataFrame({"area": total_label, "substance": substances,
                                            "in_treatment": total.reindex(substances).to_numpy()})],
                        ignore_index=True)
    return out
