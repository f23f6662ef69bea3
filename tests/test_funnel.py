"""Funnel plot limits (METHODS.md §7) against hand-worked examples and PHE's own formula."""

import math

import numpy as np
import pandas as pd
import pytest

from harm.errors import HarmInputError
from harm.spend.funnel import POSITIONS, funnel_curves, funnel_limit, funnel_points, method_note, pooled_rate


def test_normal_limits_hand_worked():
    # p0 = 0.5, n = 100: sqrt(0.5 * 0.5 / 100) = 0.05
    # 95%:   0.5 ± 1.959964 × 0.05 = 0.4020018 / 0.5979982
    # 99.8%: 0.5 ± 3.090232 × 0.05 = 0.3454884 / 0.6545116
    assert funnel_limit(0.5, 100, 0.025) == pytest.approx(0.4020018, abs=1e-7)
    assert funnel_limit(0.5, 100, 0.975) == pytest.approx(0.5979982, abs=1e-7)
    assert funnel_limit(0.5, 100, 0.001) == pytest.approx(0.3454884, abs=1e-7)
    assert funnel_limit(0.5, 100, 0.999) == pytest.approx(0.6545116, abs=1e-7)


def _binomial_cdf(r, n, p):
    return sum(math.comb(n, k) * p ** k * (1 - p) ** (n - k) for k in range(r + 1))


def test_exact_limits_hand_worked():
    # n = 10, p0 = 0.3, upper 95% (q = 0.975):
    # F(5) = 0.952651, F(6) = 0.989408 -> r = 6; alpha = (0.989408 - 0.975) / (0.989408 - 0.952651) = 0.391979
    # limit = (6 - 0.391979) / 10 = 0.560802
    f5, f6 = _binomial_cdf(5, 10, 0.3), _binomial_cdf(6, 10, 0.3)
    assert (round(f5, 6), round(f6, 6)) == (0.952651, 0.989408)
    assert funnel_limit(0.3, 10, 0.975, "exact") == pytest.approx((6 - (f6 - 0.975) / (f6 - f5)) / 10, abs=1e-12)
    assert funnel_limit(0.3, 10, 0.975, "exact") == pytest.approx(0.560802, abs=1e-6)
    # n = 20, p0 = 0.5, lower 95% (q = 0.025): F(5) = 0.020695, F(6) = 0.057659 -> r = 6,
    # alpha = 0.883529, limit = (6 - 0.883529) / 20 = 0.255824
    assert funnel_limit(0.5, 20, 0.025, "exact") == pytest.approx(0.255824, abs=1e-6)


def test_lower_limit_is_clipped_at_zero():
    # n = 10, p0 = 0.3, q = 0.025: r = 0, the interpolated limit would be -0.0115
    assert funnel_limit(0.3, 10, 0.025, "exact") == 0.0
    assert funnel_limit(0.02, 5, 0.001) == 0.0


def _phe_sigma_adjustment(p, population, average, side):
    """PHEindicatormethods R/Funnels.R ``sigma_adjustment`` (multiplier 1), transcribed."""
    from scipy.stats import norm

    z2 = norm.ppf(p) ** 2
    first = average * (population / z2 + 1)
    adj = math.sqrt((-8 * average * (population / z2 + 1)) ** 2 - 64 * (1 / z2 + 1 / population) * average
                    * (population * (average * (population / z2 + 2) - 1) + z2 * (average - 1)))
    last = 1 / z2 + 1 / population
    return ((first - adj / 8) if side == "low" else (first + adj / 8)) / last / population


@pytest.mark.parametrize("p0", [0.06, 0.15, 0.3, 0.5])
@pytest.mark.parametrize("n", [20, 150, 900, 2500])
def test_normal_method_is_phe_fingertips(p0, n):
    for p, (low_q, high_q) in [(0.975, (0.025, 0.975)), (0.999, (0.001, 0.999))]:
        assert funnel_limit(p0, n, low_q) == pytest.approx(max(0, _phe_sigma_adjustment(p, n, p0, "low")), abs=1e-9)
        assert funnel_limit(p0, n, high_q) == pytest.approx(_phe_sigma_adjustment(p, n, p0, "high"), abs=1e-9)


def test_points_pooled_rate_and_positions():
    frame = pd.DataFrame({"area": ["A", "B", "C", "D", "E"],
                          "completions": [100, 180, 100, 60, 40],
                          "in_treatment": [1000, 1000, 1000, 1000, 1000]})
    points = funnel_points(frame)
    assert points["pooled_rate"].iloc[0] == pytest.approx(480 / 5000)
    assert pooled_rate(frame["completions"], frame["in_treatment"]) == pytest.approx(0.096)
    se = math.sqrt(0.096 * 0.904 / 1000)
    assert points["upper_95"].iloc[0] == pytest.approx(0.096 + 1.959964 * se, abs=1e-6)
    # A is 10.0%: inside; B 18%: above 99.8%; D 6%: below 99.8% (0.096 - 3.09*0.00932 = 0.0672)
    assert dict(zip(points["area"], points["position"])) == {
        "A": POSITIONS[2], "B": POSITIONS[0], "C": POSITIONS[2], "D": POSITIONS[4], "E": POSITIONS[4]}


def test_points_leave_out_missing_counts_and_curves_cover_the_range():
    frame = pd.DataFrame({"area": ["A", "B", "C"], "completions": [10, np.nan, 30],
                          "in_treatment": [100, 200, 300]})
    points = funnel_points(frame, method="exact")
    assert list(points["area"]) == ["A", "C"]
    curves = funnel_curves(0.1, 300)
    assert curves["n"].min() == 1 and curves["n"].max() >= 300
    assert (curves["lower_998"] <= curves["lower_95"]).all() and (curves["upper_95"] <= curves["upper_998"]).all()
    assert "pooled rate 10.0% over 2 areas" in method_note("normal", 0.1, 2)


def test_bad_inputs_say_what_to_do():
    with pytest.raises(HarmInputError, match="unknown funnel method"):
        funnel_limit(0.1, 10, 0.975, "bayes")
    with pytest.raises(HarmInputError, match="no area has both counts"):
        funnel_points(pd.DataFrame({"area": ["A"], "completions": [np.nan], "in_treatment": [10]}))
