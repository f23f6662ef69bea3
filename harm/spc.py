"""Statistical process control: the NHS "Making Data Count" XmR chart (METHODS.md section 5).

Follows NHSRplotthedots (``R/ptd_spc_standard.R``, ``R/ptd_calculate_point_type.R``):

- centre line = mean of the values (of each rebase group separately);
- moving ranges |y[t] - y[t-1]| within the group; their mean is taken, then moving
  ranges at or above 3.267 x that mean are left out and the mean of the rest is the
  mean moving range (NHSRplotthedots keeps a range only when it is *below* 3.267 x);
- process limits = mean +/- 2.66 x mean moving range, NOT truncated at zero (neither
  does NHSRplotthedots; a lower limit below zero simply means no count can fall below it);
- special causes, each evaluated inside one rebase group:
  ``outside_limits`` a point above the upper or below the lower limit;
  ``trend``          7 points in a row each strictly higher (or lower) than the one before
                     (equal neighbours break the trend); every point of the run is flagged;
  ``two_in_three``   two of three consecutive points beyond two thirds of the way from the
                     mean to a limit (but within the limits), all three on the same side of
                     the mean; the points beyond two thirds are flagged;
  ``shift``          7 points in a row on the same side of the mean (a point exactly on the
                     mean breaks the run); every point of the run is flagged.
- When several rules flag a point, ``special_cause`` names the first in the order
  outside_limits, trend, two_in_three, shift (the order of NHSRplotthedots'
  ``ptd_special_cause_type``); ``special_causes`` lists every rule that applies.

Rebasing at a month starts a new group there: that month and those after get their own
mean and limits (NHSRplotthedots ``rebase``). Groups shorter than 12 points are marked
``short_group`` (NHSRplotthedots' warning threshold).

Two edge cases NHSRplotthedots leaves undefined: a group of one point has no moving
range, so its limits are NaN and only the run rules could apply (they cannot with one
point); a group whose moving ranges are all zero keeps a mean moving range of 0 (no
screening) so its limits equal the mean.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from harm import periods
from harm.errors import HarmInputError

LIMIT_FACTOR = 2.66
NEAR_LIMIT_FACTOR = 2 * LIMIT_FACTOR / 3
OUTLIER_SCREEN_FACTOR = 3.267
RUN_LENGTH = 7  # NHSRplotthedots' shift and trend length
SHORT_GROUP_POINTS = 12

RULE_PRECEDENCE = ("outside_limits", "trend", "two_in_three", "shift")

RULE_LABELS = {
    "outside_limits": "Outside the process limits",
    "trend": "Run of 7 rising or falling",
    "two_in_three": "Two of three near a limit",
    "shift": "Run of 7 on one side of the average",
}

RULE_TEXTS = {
    "outside_limits": (
        "This month is above the upper or below the lower process limit. Months this far "
        "from the average are unlikely from ordinary month-to-month variation alone."
    ),
    "trend": (
        "This month is part of a run of 7 or more months, each higher than the one before "
        "(or each lower). A steady climb or fall like this suggests something has changed."
    ),
    "two_in_three": (
        "Two of three months in a row are more than two thirds of the way from the average "
        "to a process limit, all on the same side of the average. That is unusual by chance."
    ),
    "shift": (
        "This month is part of a run of 7 or more months all above the average (or all "
        "below it). The level may have shifted. A month exactly on the average breaks a run."
    ),
    "": "Common cause: this month is within the variation expected from month to month.",
}

OUTPUT_COLUMNS = [
    "month", "value", "mean", "lower", "upper", "special_cause", "special_causes", "direction",
    "rebase_group", "mean_moving_range", "short_group",
]


def xmr_chart(values: pd.Series, *, rebase_at=None, screen_outliers: bool = True) -> pd.DataFrame:
    """XmR chart of a monthly series (index: consecutive months; values: counts or rates).

    ``rebase_at``: a month (or several) at which new limits start; months outside the
    series are ignored, as NHSRplotthedots ignores rebase dates not in the data.
    Returns one row per month with the columns in ``OUTPUT_COLUMNS``.
    """
    months, y = _checked_series(values)
    group = _rebase_groups(months, rebase_at)
    parts = [_group_chart(y[group == g], screen_outliers) for g in np.unique(group)]
    frame = pd.concat(parts, ignore_index=True) if parts else _group_chart(y, screen_outliers)
    frame.insert(0, "month", months)
    frame["rebase_group"] = group
    return frame[OUTPUT_COLUMNS]


def method_note(rebase_at=None) -> str:
    """The one-paragraph method note shown under an SPC chart."""
    note = (
        "XmR chart (NHS Making Data Count, NHSRplotthedots rules): centre line = mean; "
        f"limits = mean \u00b1 {LIMIT_FACTOR} \u00d7 mean moving range (moving ranges of "
        f"{OUTLIER_SCREEN_FACTOR}\u00d7 their mean or more left out). Special cause: a point "
        f"outside the limits; a run of {RUN_LENGTH} rising or falling; two of three points beyond "
        f"two thirds of the way to a limit; a run of {RUN_LENGTH} on one side of the mean."
    )
    if rebase_at is not None:
        rebased = [periods.parse_month(m, where="rebase month").strftime("%Y-%m") for m in _as_list(rebase_at)]
        note += f" Limits recalculated from {', '.join(rebased)}."
    return note


def _as_list(rebase_at) -> list:
    if rebase_at is None:
        return []
    if isinstance(rebase_at, (str, pd.Period, pd.Timestamp)):
        return [rebase_at]
    return list(rebase_at)


def _checked_series(values: pd.Series) -> tuple[pd.PeriodIndex, np.ndarray]:
    if not isinstance(values, pd.Series):
        raise HarmInputError("the SPC chart needs a pandas Series of values indexed by month")
    if len(values) == 0:
        raise HarmInputError("the series is empty", where="SPC chart", fix="Choose a period with data")
    months = periods.to_months(values.index, where="SPC chart month")
    order = np.argsort(months.asi8, kind="stable")
    months, y = months[order], pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)[order]
    if np.isnan(y).any():
        raise HarmInputError("the series has missing or non-numeric values", where="SPC chart",
                             fix="Give every month a number (0 where nothing was recorded)")
    if len(months) > 1 and not (np.diff(months.asi8) == 1).all():
        raise HarmInputError("the months are not consecutive (a month is missing or repeated)",
                             where="SPC chart", fix="Give one value per month with no gaps, 0 where nothing was recorded")
    return months, y


def _rebase_groups(months: pd.PeriodIndex, rebase_at) -> np.ndarray:
    starts = np.zeros(len(months), dtype=int)
    for month in _as_list(rebase_at):
        starts |= months.asi8 == periods.parse_month(month, where="rebase month").ordinal
    return np.cumsum(starts)


def _group_chart(y: np.ndarray, screen_outliers: bool) -> pd.DataFrame:
    mean = y.mean()
    amr = _mean_moving_range(y, screen_outliers)
    lower, upper = mean - LIMIT_FACTOR * amr, mean + LIMIT_FACTOR * amr
    near_lower, near_upper = mean - NEAR_LIMIT_FACTOR * amr, mean + NEAR_LIMIT_FACTOR * amr
    outside = (y > upper) | (y < lower)
    side = np.sign(y - mean).astype(int)
    near = ~outside & ((y < near_lower) | (y > near_upper))
    flags = {
        "outside_limits": outside,
        "trend": _trend_points(y),
        "two_in_three": _two_in_three_points(near, side),
        "shift": _shift_points(side),
    }
    special_cause = np.full(len(y), "", dtype=object)
    for rule in reversed(RULE_PRECEDENCE):
        special_cause[flags[rule]] = rule
    flagged = zip(*(flags[rule].tolist() for rule in RULE_PRECEDENCE))  # plain bools: fast to loop over
    special_causes = [", ".join(rule for rule, hit in zip(RULE_PRECEDENCE, hits) if hit) for hits in flagged]
    return pd.DataFrame({
        "value": y,
        "mean": mean,
        "lower": lower,
        "upper": upper,
        "special_cause": special_cause.astype(str),
        "special_causes": special_causes,
        "direction": _directions(y, side, special_cause, flags["trend"]),
        "mean_moving_range": amr,
        "short_group": len(y) < SHORT_GROUP_POINTS,
    })


def _mean_moving_range(y: np.ndarray, screen_outliers: bool) -> float:
    moving_ranges = np.abs(np.diff(y))
    if len(moving_ranges) == 0:
        return np.nan
    amr = moving_ranges.mean()
    if screen_outliers and amr > 0:
        amr = moving_ranges[moving_ranges < OUTLIER_SCREEN_FACTOR * amr].mean()
    return float(amr)


def _points_in_runs(run_ends: np.ndarray, length: int = RUN_LENGTH) -> np.ndarray:
    """Flag every point of each run, given the points at which a run of ``length`` ends."""
    flagged = run_ends.copy()
    for k in range(1, length):
        flagged[:-k] |= run_ends[k:]
    return flagged


def _shift_points(side: np.ndarray) -> np.ndarray:
    ends = np.zeros(len(side), dtype=bool)
    if len(side) >= RUN_LENGTH:
        windows = sliding_window_view(side, RUN_LENGTH)
        ends[RUN_LENGTH - 1:] = (windows == windows[:, :1]).all(axis=1) & (windows[:, 0] != 0)
    return _points_in_runs(ends)


def _trend_ends(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rising, falling = np.zeros(len(y), dtype=bool), np.zeros(len(y), dtype=bool)
    if len(y) >= RUN_LENGTH:
        steps = sliding_window_view(np.sign(np.diff(y)), RUN_LENGTH - 1)
        rising[RUN_LENGTH - 1:] = (steps == 1).all(axis=1)
        falling[RUN_LENGTH - 1:] = (steps == -1).all(axis=1)
    return rising, falling


def _trend_points(y: np.ndarray) -> np.ndarray:
    rising, falling = _trend_ends(y)
    return _points_in_runs(rising | falling)


def _two_in_three_points(near: np.ndarray, side: np.ndarray) -> np.ndarray:
    n = len(near)
    in_pattern = np.zeros(n, dtype=bool)
    if n >= 3:
        near_count = sliding_window_view(near.astype(int), 3).sum(axis=1)
        side_sum = sliding_window_view(side, 3).sum(axis=1)
        window_hit = (near_count >= 2) & (np.abs(side_sum) == 3)  # window starting at j
        for offset in range(3):
            in_pattern[offset:n - 2 + offset] |= window_hit
    return in_pattern & near


def _directions(y, side, special_cause, trend) -> list[str]:
    """"up"/"down" for each special-cause point: side of the mean, or the trend's way."""
    step_right = np.append(np.sign(np.diff(y)), 0)
    step_left = np.insert(np.sign(np.diff(y)), 0, 0)
    trend_next = np.append(trend[1:], False)
    # NHSRplotthedots: a point in a trend takes the step to its right when the next point
    # is in the trend too (so a peak shared by a rise and a fall counts as falling).
    trend_step = np.where(trend & trend_next, step_right, step_left)
    out = []
    for i, rule in enumerate(special_cause):
        sign = trend_step[i] if rule == "trend" else side[i]
        out.append("" if not rule else ("up" if sign > 0 else "down"))
    return out
