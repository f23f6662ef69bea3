"""Hour-of-week weights for incidents with a from/to window (METHODS §2).

Follows Ratcliffe's ``aoristic`` R package (``R/aoristic.df.R``), vectorised:

- method ``"aoristic"``: an incident's weight is spread over the 168 hour-of-week bins in
  proportion to the minutes of its window in each bin, so its weights sum to 1. As in the R
  package the window is the start time to the minute (seconds dropped) plus the whole
  minutes between start and end (rounded down), so 20:30-21:30 gives 0.5 to 20:00 and 0.5
  to 21:00.
- no end, or a window of 0 or 1 minute: weight 1 to the start's bin.
- end before start: weight 1 to the start's bin, and counted (:func:`window_quality`).
- window of 7 days (10,080 minutes) or longer: 1/168 in every bin.
- method ``"start"``: weight 1 to the start's bin whatever the end.

Incidents without a time of day (``date_precision`` not ``"minute"``, or no start) get a row
of zeros and are counted in :func:`window_quality`. Naive local times are subtracted as
they are, so a window across a clock change is an hour longer or shorter than elapsed time.

The matrix depends only on the data set and the method: build it once and cache it. A
days/hours filter is then a sparse product (:func:`selected_weight`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from harm.errors import HarmInputError
from harm.incidents import has_time_of_day
from harm.timeofday import DAYS, HOURS_PER_WEEK, MINUTES_PER_WEEK, minute_of_week, selected_bins

METHODS = ("aoristic", "start")


@dataclass(frozen=True)
class WindowQuality:
    """What the data-quality note under a time chart reports."""

    n_incidents: int
    n_without_time_of_day: int  # no weights: date precision day/month, or no start
    n_without_end: int  # among those with a time of day
    n_end_before_start: int  # among those with a time of day; weighted at the start
    share_longer_than_24h: float  # of those with a time of day; NaN when there are none


def hour_of_week_weights(incidents: pd.DataFrame, method: str = "aoristic") -> sp.csr_matrix:
    """Sparse ``len(incidents) x 168`` matrix of hour-of-week weights (Monday 00:00 first).

    Each row sums to 1 for an incident with a time of day and to 0 otherwise.
    """
    _check_method(method)
    start, minutes, timed = _windows(incidents)
    n = len(incidents)
    rows = np.flatnonzero(timed)
    if method == "start" or rows.size == 0:
        return _single_bin_matrix(rows, start[rows] // 60, n)
    span = minutes[rows]
    at_start = (span <= 1) | np.isnan(span)  # no end, 0-1 minute, or end before start
    whole_week = span >= MINUTES_PER_WEEK
    spread = ~(at_start | whole_week)
    parts = [
        _single_bin_coo(rows[at_start], start[rows[at_start]] // 60),
        _whole_week_coo(rows[whole_week]),
        _spread_coo(rows[spread], start[rows[spread]], span[spread]),
    ]
    r, c, w = (np.concatenate(p) for p in zip(*parts))
    return sp.csr_matrix((w, (r, c)), shape=(n, HOURS_PER_WEEK))


def selected_weight(weights: sp.csr_matrix, bins) -> np.ndarray:
    """Each incident's weight inside the hour-of-week ``bins`` (from ``selected_bins``).

    This is what filters a map by days and hours: an incident 20:30-21:30 has 0.5 inside
    21-02. Incidents without a time of day get 0 - so with no time filter at all, count
    every incident as 1 instead of calling this.
    """
    chosen = np.zeros(HOURS_PER_WEEK)
    chosen[np.asarray(bins, dtype=np.int64)] = 1.0
    return np.asarray(weights @ chosen).ravel()


def temporal_profile(incidents: pd.DataFrame, method: str = "aoristic", days=None,
                     hours=None, weights: sp.csr_matrix | None = None) -> pd.DataFrame:
    """168 rows ``day, hour, weight``: the summed weight in each hour of the week.

    ``day`` is ``Mon``..``Sun`` (Monday first) and ``hour`` 0-23, the calendar day and hour
    of the bin. With ``days``/``hours`` the bins outside the selection are 0 (a Fri, Sat
    21-02 selection keeps Saturday and Sunday 00:00-01:59). Pass ``weights`` (from
    :func:`hour_of_week_weights` with the same ``method``) to reuse a cached matrix.
    """
    if weights is None:
        weights = hour_of_week_weights(incidents, method)
    elif weights.shape != (len(incidents), HOURS_PER_WEEK):
        raise HarmInputError("weights do not match the incidents",
                             fix="Build them with hour_of_week_weights(incidents)")
    totals = np.asarray(weights.sum(axis=0)).ravel()
    if days is not None or hours is not None:
        keep = np.zeros(HOURS_PER_WEEK, dtype=bool)
        keep[selected_bins(days, hours)] = True
        totals = np.where(keep, totals, 0.0)
    return pd.DataFrame({
        "day": pd.Categorical(np.repeat(DAYS, 24), categories=DAYS, ordered=True),
        "hour": np.tile(np.arange(24), 7),
        "weight": totals,
    })


def window_quality(incidents: pd.DataFrame) -> WindowQuality:
    """Counts for the data-quality note: no time of day, no end, end before start, > 24 h."""
    return summarise_windows(*window_minutes(incidents))


def window_minutes(incidents: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per incident: whole minutes from start to end (NaN: no end) and has-a-time-of-day.

    Depends only on the data set: compute it once, then :func:`summarise_windows` any
    subset (``minutes[mask], timed[mask]``) without touching the frame again.
    """
    _, minutes, timed = _windows(incidents)
    return minutes, timed


def summarise_windows(minutes: np.ndarray, timed: np.ndarray) -> WindowQuality:
    """:class:`WindowQuality` from :func:`window_minutes` (or a subset of it)."""
    timed = np.asarray(timed, dtype=bool)
    span = np.asarray(minutes, dtype="float64")[timed]
    n_timed = int(timed.sum())
    longer = float(np.mean(span > 24 * 60)) if n_timed else float("nan")
    return WindowQuality(
        n_incidents=int(timed.size),
        n_without_time_of_day=int(timed.size) - n_timed,
        n_without_end=int(np.isnan(span).sum()),
        n_end_before_start=int((span < 0).sum()),
        share_longer_than_24h=longer,
    )


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise HarmInputError(f"unknown time method {method!r}",
                             fix="Use 'aoristic' or 'start'")


def _windows(incidents: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start minute of week (int), whole minutes start->end (float, NaN: no end), timed mask."""
    missing = [c for c in ("occurred_from", "occurred_to", "date_precision") if c not in incidents]
    if missing:
        raise HarmInputError(f"the incidents have no {', '.join(missing)} column",
                             fix="Load them with harm.incidents.conform")
    start_minute = minute_of_week(incidents["occurred_from"])
    timed = has_time_of_day(incidents) & ~np.isnan(start_minute)
    start = np.where(timed, start_minute, 0).astype(np.int64)
    begin = incidents["occurred_from"].to_numpy("datetime64[ns]")
    end = incidents["occurred_to"].to_numpy("datetime64[ns]")
    has_end = ~np.isnat(end) & timed
    minutes = np.full(len(incidents), np.nan)
    # Whole minutes between start and end, rounded down, as the R package does.
    minutes[has_end] = (end[has_end] - begin[has_end]) // np.timedelta64(1, "m")
    return start, minutes, timed


def _single_bin_coo(rows: np.ndarray, bins: np.ndarray):
    return rows, bins.astype(np.int64), np.ones(rows.size)


def _single_bin_matrix(rows: np.ndarray, bins: np.ndarray, n: int) -> sp.csr_matrix:
    r, c, w = _single_bin_coo(rows, bins)
    return sp.csr_matrix((w, (r, c)), shape=(n, HOURS_PER_WEEK))


def _whole_week_coo(rows: np.ndarray):
    r = np.repeat(rows, HOURS_PER_WEEK)
    c = np.tile(np.arange(HOURS_PER_WEEK, dtype=np.int64), rows.size)
    return r, c, np.full(r.size, 1.0 / HOURS_PER_WEEK)


def _spread_coo(rows: np.ndarray, start: np.ndarray, span: np.ndarray):
    """Minutes of ``[start, start + span)`` in each hour slot it touches, / span.

    A window shorter than a week touches at most 169 hour slots; the first and last of
    those can be the same bin of the week, which the CSR conversion sums.
    """
    if rows.size == 0:
        return rows, rows, np.zeros(0)
    span = span.astype(np.int64)
    offset = start % 60
    n_slots = (offset + span - 1) // 60 + 1
    last = np.cumsum(n_slots) - 1  # where each window's entries end...
    first = last - n_slots + 1  # ...and begin
    slot = np.arange(last[-1] + 1) + np.repeat(start // 60 - first, n_slots)
    weight = np.repeat(60.0 / span, n_slots)  # whole hours
    weight[last] = (offset + span - 60 * (n_slots - 1)) / span
    weight[first] = np.minimum(60 - offset, span) / span  # also a window within one hour
    return np.repeat(rows, n_slots), slot % HOURS_PER_WEEK, weight
