"""Funnel plot of a proportion (successful completions / people in treatment) against its denominator.

The centre line is the **pooled rate** ``p0 = Σ completions / Σ in treatment`` over the areas
plotted. Control limits at 95% and 99.8% come from one of two methods:

``normal`` (default) — PHE Fingertips, as in PHEindicatormethods ``phe_funnels``::

    limit(n) = p0 ± z · sqrt(p0 · (1 − p0) / n),    z = Φ⁻¹(0.975) = 1.959964 (95%)
                                                    z = Φ⁻¹(0.999) = 3.090232 (99.8%)

  (PHE writes it in a longer form, ``sigma_adjustment``; it is algebraically this.)

``exact`` — exact binomial limits with Spiegelhalter's interpolation (Spiegelhalter 2005,
*Funnel plots for comparing institutional performance*, appendix A.1.1): for a
probability ``q`` (0.025 / 0.975, or 0.001 / 0.999), ``r`` is the smallest count with
``F(r) ≥ q`` under Binomial(n, p0), ``α = (F(r) − q) / (F(r) − F(r − 1))`` and
``limit(n) = (r − α) / n``.

Limits are clipped to [0, 1]. An area is "above"/"below" a limit when its rate is strictly
beyond it (as PHE's ``phe_funnel_significance``). Worked example (``tests/test_funnel.py``):
p0 = 0.5, n = 100: normal 95% limits 0.5 ± 1.959964 × 0.05 = 0.4020 and 0.5980; 99.8%
limits 0.5 ± 3.090232 × 0.05 = 0.3455 and 0.6545.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import binom, norm

from harm.errors import HarmInputError

LEVELS = {"95%": (0.025, 0.975), "99.8%": (0.001, 0.999)}
METHODS = {"normal": "normal approximation p0 ± z·√(p0(1−p0)/n), as PHE Fingertips",
           "exact": "exact binomial limits with Spiegelhalter's interpolation (2005)"}
POSITIONS = ("above the 99.8% limit", "above the 95% limit", "within the 95% limits",
             "below the 95% limit", "below the 99.8% limit")


def pooled_rate(numerators, denominators) -> float:
    """``Σ numerators / Σ denominators``."""
    num = np.asarray(numerators, dtype="float64")
    den = np.asarray(denominators, dtype="float64")
    if den.sum() <= 0:
        raise HarmInputError("no one in the denominators", fix="Plot areas with people in treatment.")
    return float(num.sum() / den.sum())


def funnel_limit(p0: float, n, q: float, method: str = "normal") -> np.ndarray:
    """The limit at probability ``q`` (e.g. 0.975 for the upper 95% limit) for denominators ``n``."""
    _check(p0, method)
    n = np.asarray(n, dtype="float64")
    if method == "normal":
        limit = p0 + norm.ppf(q) * np.sqrt(p0 * (1 - p0) / n)
    else:
        whole = np.maximum(np.round(n), 1)
        r = binom.ppf(q, whole, p0)
        upper, lower = binom.cdf(r, whole, p0), binom.cdf(r - 1, whole, p0)
        with np.errstate(invalid="ignore", divide="ignore"):
            alpha = np.where(upper > lower, (upper - q) / (upper - lower), 0.0)
        limit = (r - alpha) / whole
    return np.clip(limit, 0.0, 1.0)


def _check(p0: float, method: str) -> None:
    if method not in METHODS:
        raise HarmInputError(f"unknown funnel method {method!r}", fix=f"Use one of: {', '.join(METHODS)}.")
    if not 0 <= p0 <= 1:
        raise HarmInputError(f"pooled rate {p0} is not a proportion", fix="Give a value between 0 and 1.")


def funnel_points(frame: pd.DataFrame, numerator: str = "completions", denominator: str = "in_treatment",
                  label: str = "area", method: str = "normal") -> pd.DataFrame:
    """Each area's rate, its limits and where it falls; rows without both counts are left out.

    Columns: ``label, numerator, denominator, rate, pooled_rate, lower_998, lower_95, upper_95,
    upper_998, position`` (one of :data:`POSITIONS`).
    """
    usable = frame[frame[numerator].notna() & frame[denominator].notna() & (frame[denominator] > 0)]
    if len(usable) == 0:
        raise HarmInputError("no area has both counts to plot", fix="Choose a year with treatment data.")
    p0 = pooled_rate(usable[numerator], usable[denominator])
    n = usable[denominator].to_numpy("float64")
    out = pd.DataFrame({label: usable[label].to_numpy(), numerator: usable[numerator].to_numpy("float64"),
                        denominator: n})
    out["rate"] = out[numerator] / n
    out["pooled_rate"] = p0
    out["lower_998"], out["upper_998"] = (funnel_limit(p0, n, q, method) for q in LEVELS["99.8%"])
    out["lower_95"], out["upper_95"] = (funnel_limit(p0, n, q, method) for q in LEVELS["95%"])
    out["position"] = _positions(out)
    return out[[label, numerator, denominator, "rate", "pooled_rate", "lower_998", "lower_95", "upper_95",
                "upper_998", "position"]]


def _positions(out: pd.DataFrame) -> list[str]:
    rate = out["rate"]
    return np.select(
        [rate > out["upper_998"], rate > out["upper_95"], rate < out["lower_998"], rate < out["lower_95"]],
        [POSITIONS[0], POSITIONS[1], POSITIONS[4], POSITIONS[3]], default=POSITIONS[2]).tolist()


def funnel_curves(p0: float, n_max: float, method: str = "normal", points: int = 120) -> pd.DataFrame:
    """The limit lines to draw: ``n`` from 1 to a little beyond ``n_max`` and the four limits."""
    _check(p0, method)
    top = max(float(n_max) * 1.1, 10.0)
    n = np.unique(np.round(np.geomspace(1, top, points)))
    out = pd.DataFrame({"n": n, "pooled_rate": p0})
    for name, (low, high) in LEVELS.items():
        key = name.replace("%", "").replace(".", "")
        out[f"lower_{key}"] = funnel_limit(p0, n, low, method)
        out[f"upper_{key}"] = funnel_limit(p0, n, high, method)
    return out


def method_note(method: str, p0: float, n_areas: int) -> str:
    """The method line under the chart: pooled rate, limits and how they were computed."""
    _check(p0, method)
    return (f"Centre line: pooled rate {p0:.1%} over {n_areas} areas. Limits at 95% and 99.8%: "
            f"{METHODS[method]}. 'Above'/'below' means strictly beyond a limit.")
