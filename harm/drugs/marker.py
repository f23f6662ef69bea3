"""The drugs interest marker: its share of all records and of each offence group, and step changes.

Marker use depends on recording practice: a recording-system change in October 2017
sharply *reduced* it in West Mercia (FACTS.md, ``003``). A fall in marker use is not a
fall in drug-related crime, so marker trends are shown with the step found in the data.

Step-change detection (:func:`detect_step_change`): for every month M with ``window``
months of data on both sides, compare the mean monthly share of the ``window`` months
before M with the mean of M and the ``window - 1`` months after it. The step is at the
month where the absolute difference is largest; it is reported as a step change when the
difference is at least ``min_relative_change`` of the level before it and a two-sided
two-proportion z-test of the records before against those after gives p < 0.001.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from harm.counts import financial_year_labels
from harm.errors import HarmInputError

WINDOW = 12
MIN_RELATIVE_CHANGE = 0.25
MAX_P = 0.001
CAUTION = ("Marker use depends on how records are kept: a fall in marker use is not a fall in drug-related crime. "
           "Compare months on the same side of a recording change.")


@dataclass(frozen=True)
class StepChange:
    """The largest shift in the marker's monthly share, and whether it counts as a step change."""

    month: pd.Period | None
    share_before: float
    share_after: float
    relative_change: float  # (after - before) / before
    p_value: float
    found: bool
    window: int

    def describe(self) -> str:
        if self.month is None:
            return f"Not enough months to look for a step change (needs {2 * self.window})."
        words = (f"{self.share_before:.1%} of records in the {self.window} months before "
                 f"{self.month.strftime('%B %Y')}, {self.share_after:.1%} in the {self.window} months from it "
                 f"({self.relative_change:+.0%})")
        if self.found:
            return f"Step change in drugs-marker use from {self.month.strftime('%B %Y')}: {words}."
        return f"No step change in drugs-marker use: the largest shift is {words}, below the threshold."


def monthly_share(incidents: pd.DataFrame, *, marker: str = "drugs", by_group: bool = False) -> pd.DataFrame:
    """``month`` (Period), [``offence_group``], ``records``, ``marked``, ``share`` for every month."""
    if marker not in incidents.columns:
        raise HarmInputError(f"the incidents have no {marker!r} marker column")
    if len(incidents) == 0:
        return pd.DataFrame({"month": pd.PeriodIndex([], freq="M"), "records": [], "marked": [], "share": []})
    month = incidents["occurred_from"].dt.to_period("M")
    keys = [month.rename("month")]
    if by_group:
        keys.append(incidents["offence_group"].astype("string").rename("offence_group"))
    flags = incidents[marker].astype(bool)
    grouped = flags.groupby(keys, observed=True)
    out = pd.DataFrame({"records": grouped.size(), "marked": grouped.sum().astype("int64")})
    months = pd.period_range(month.min(), month.max(), freq="M")
    if by_group:
        groups = sorted(incidents["offence_group"].astype("string").dropna().unique())
        out = out.reindex(pd.MultiIndex.from_product([months, groups], names=["month", "offence_group"]), fill_value=0)
    else:
        out = out.reindex(pd.PeriodIndex(months, name="month"), fill_value=0)
    out = out.reset_index()
    out["share"] = np.where(out["records"] > 0, out["marked"] / out["records"].where(out["records"] > 0), np.nan)
    return out


def detect_step_change(shares: pd.DataFrame, *, window: int = WINDOW,
                       min_relative_change: float = MIN_RELATIVE_CHANGE) -> StepChange:
    """The month at which the marker's share shifts most (see the module docstring for the rule).

    ``shares`` is :func:`monthly_share` output (one row per month, no ``offence_group``).
    """
    if window < 2:
        raise HarmInputError(f"the window must be at least 2 months, not {window}")
    frame = shares.sort_values("month").reset_index(drop=True)
    share = frame["share"].to_numpy(dtype="float64")
    n = len(frame)
    if n < 2 * window or np.isnan(share).all():
        return StepChange(None, np.nan, np.nan, np.nan, np.nan, False, window)
    best, best_diff = None, -1.0
    for m in range(window, n - window + 1):
        before, after = np.nanmean(share[m - window:m]), np.nanmean(share[m:m + window])
        diff = abs(after - before)
        if diff > best_diff:
            best, best_diff = m, diff
    before = np.nanmean(share[best - window:best])
    after = np.nanmean(share[best:best + window])
    relative = (after - before) / before if before > 0 else np.inf
    records = frame["records"].to_numpy(dtype="float64")
    marked = frame["marked"].to_numpy(dtype="float64")
    p = _two_proportion_p(marked[best - window:best].sum(), records[best - window:best].sum(),
                          marked[best:best + window].sum(), records[best:best + window].sum())
    found = bool(abs(relative) >= min_relative_change and p < MAX_P)
    return StepChange(pd.Period(frame["month"].iloc[best], freq="M"), float(before), float(after), float(relative),
                      float(p), found, window)


def _two_proportion_p(x1: float, n1: float, x2: float, n2: float) -> float:
    if min(n1, n2) <= 0:
        return np.nan
    pooled = (x1 + x2) / (n1 + n2)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 1.0
    return float(2 * norm.sf(abs(x1 / n1 - x2 / n2) / se))


def share_by_year(incidents: pd.DataFrame, *, marker: str = "drugs") -> pd.DataFrame:
    """``fy, offence_group, records, marked, share`` plus an ``All records`` row per year."""
    fy = financial_year_labels(incidents["occurred_from"]).astype(str)
    flags = incidents[marker].astype(bool)
    group = incidents["offence_group"].astype("string")
    by_group = flags.groupby([fy.rename("fy"), group.rename("offence_group")], observed=True).agg(["size", "sum"])
    overall = flags.groupby(fy.rename("fy"), observed=True).agg(["size", "sum"])
    overall["offence_group"] = ALL_RECORDS
    out = pd.concat([by_group.reset_index(), overall.reset_index()], ignore_index=True)
    out = out.rename(columns={"size": "records", "sum": "marked"})
    out["marked"] = out["marked"].astype("int64")
    out["share"] = out["marked"] / out["records"]
    return out[["fy", "offence_group", "records", "marked", "share"]].sort_values(["offence_group", "fy"]).reset_index(drop=True)


ALL_RECORDS = "All records"


def share_before_after(incidents: pd.DataFrame, step: StepChange, *, marker: str = "drugs") -> pd.DataFrame:
    """Per offence group (and all records): the marker's share in the ``window`` months before the
    step and the ``window`` months from it. Columns ``offence_group, records_before, marked_before,
    share_before, records_after, marked_after, share_after, change_points``."""
    if step.month is None:
        raise HarmInputError("no step month to compare either side of")
    month = incidents["occurred_from"].dt.to_period("M")
    before = (month >= step.month - step.window) & (month < step.month)
    after = (month >= step.month) & (month < step.month + step.window)
    group = incidents["offence_group"].astype("string")
    flags = incidents[marker].astype(bool)
    rows = []
    for name in sorted(group.dropna().unique()) + [ALL_RECORDS]:
        mask = (group == name).to_numpy() if name != ALL_RECORDS else np.ones(len(incidents), dtype=bool)
        rb, ra = int((mask & before).sum()), int((mask & after).sum())
        mb, ma = int((flags & mask & before).sum()), int((flags & mask & after).sum())
        sb = mb / rb if rb else np.nan
        sa = ma / ra if ra else np.nan
        rows.append({"offence_group": name, "records_before": rb, "marked_before": mb, "share_before": sb,
                     "records_after": ra, "marked_after": ma, "share_after": sa,
                     "change_points": (sa - sb) * 100})
    return pd.DataFrame(rows)


def method_note(step: StepChange) -> str:
    return (f"Step found by comparing the mean monthly share of the {step.window} months before each month with "
            f"the {step.window} months from it; the largest difference is the step, reported as a step change when "
            f"it is at least {MIN_RELATIVE_CHANGE:.0%} of the level before and a two-proportion test gives "
            f"p < {MAX_P} (here p = {step.p_value:.2g})." if step.month is not None else
            f"Needs at least {2 * step.window} months.")
