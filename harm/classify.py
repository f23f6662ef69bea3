"""Class breaks for choropleth maps."""

from __future__ import annotations

import math

import numpy as np


def _nice(value: float) -> float:
    """Round to two significant figures (what a legend should show)."""
    if value <= 0 or not math.isfinite(value):
        return 0.0
    digits = 1 - int(math.floor(math.log10(value)))
    return round(value, digits)


def quantile_breaks(values, classes: int = 5) -> list[float]:
    """Upper-open break points ``[b0, b1, ..., bk]`` from quantiles, rounded, strictly increasing.

    ``b0`` is the minimum and ``bk`` the maximum, so every value falls in a class.
    """
    finite = np.asarray(values, dtype="float64")
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return [0.0, 1.0]
    low, high = float(finite.min()), float(finite.max())
    if low == high:
        return [low, high + 1.0]
    inner = {_nice(q) for q in np.quantile(finite, np.linspace(0, 1, classes + 1)[1:-1])}
    inner = {b for b in inner if low < b < high}
    if len(inner) + 1 < classes:
        # Many values tied at the minimum (41 of 43 forces with no records) collapse the
        # quantiles: give the minimum a class of its own and split the rest by their quantiles.
        above = finite[finite > low]
        inner |= {b for b in (_nice(q) for q in np.quantile(above, np.linspace(0, 1, classes)[:-1]))
                  if low < b < high}
    inner = sorted(inner)
    if len(inner) + 1 > classes:
        inner = [inner[round(i)] for i in np.linspace(0, len(inner) - 1, classes - 1)]
    return [low] + inner + [high]


def class_of(values, breaks: list[float]) -> np.ndarray:
    """Index of the class each value falls in (0-based; the top break is inclusive); -1 for NaN."""
    values = np.asarray(values, dtype="float64")
    index = np.searchsorted(np.asarray(breaks[1:-1]), values, side="right")
    return np.where(np.isfinite(values), index, -1)


def break_labels(breaks: list[float], fmt: str = "{:,.0f}") -> list[str]:
    return [f"{fmt.format(a)} – {fmt.format(b)}" for a, b in zip(breaks[:-1], breaks[1:])]
