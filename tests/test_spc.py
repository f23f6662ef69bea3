"""XmR chart against hand-worked series; each rule series triggers that rule only."""

import numpy as np
import pandas as pd
import pytest

from harm import spc
from harm.errors import HarmInputError


def series(values, start="2020-01"):
    return pd.Series(values, index=pd.period_range(start, periods=len(values), freq="M"), dtype=float)


def flagged(chart, rule):
    return list(np.flatnonzero(chart["special_cause"].to_numpy() == rule))


def assert_only_rule(chart, rule):
    rules = set(chart["special_cause"]) - {""}
    assert rules == {rule}
    assert set(chart["special_causes"]) - {""} == {rule}


# 14 months; one spike of 30. Moving ranges 2,1,2,3,2,1,19,18,1,1,2,1,2 (sum 55, mean 55/13).
# 3.267 x 55/13 = 13.82, so 19 and 18 are left out: mean moving range = 18/11.
SPIKE = [10, 12, 11, 13, 10, 12, 11, 30, 12, 11, 10, 12, 13, 11]


def test_limits_leave_out_moving_ranges_above_3_267_times_their_mean():
    chart = spc.xmr_chart(series(SPIKE))
    mean, amr = 178 / 14, 18 / 11
    assert chart["mean"].to_numpy() == pytest.approx([mean] * 14, abs=1e-12)
    assert chart["mean_moving_range"].iloc[0] == pytest.approx(amr, abs=1e-12)
    assert chart["lower"].iloc[0] == pytest.approx(mean - 2.66 * amr, abs=1e-12)
    assert chart["upper"].iloc[0] == pytest.approx(mean + 2.66 * amr, abs=1e-12)
    assert list(chart.columns[:6]) == ["month", "value", "mean", "lower", "upper", "special_cause"]
    assert chart["month"].iloc[0] == pd.Period("2020-01", freq="M")


def test_outside_limits_only():
    chart = spc.xmr_chart(series(SPIKE))
    assert_only_rule(chart, "outside_limits")
    assert flagged(chart, "outside_limits") == [7]
    assert chart["direction"].iloc[7] == "up"


def test_without_screening_all_moving_ranges_count():
    chart = spc.xmr_chart(series(SPIKE), screen_outliers=False)
    assert chart["mean_moving_range"].iloc[0] == pytest.approx(55 / 13, abs=1e-12)


def test_shift_of_seven_on_one_side():
    # mean 10.4; seven points 11/12 above it, the rest alternate across it
    values = [9, 11, 9, 11, 9, 11, 9, 11, 12, 11, 12, 11, 12, 11, 9, 11, 9, 11, 9, 10]
    chart = spc.xmr_chart(series(values))
    assert chart["mean"].iloc[0] == pytest.approx(10.4, abs=1e-12)
    assert_only_rule(chart, "shift")
    assert flagged(chart, "shift") == list(range(7, 14))
    assert set(chart["direction"].iloc[7:14]) == {"up"}


# mean exactly 100: 6 above, one ON the mean, 6 above, 6 below, one on the mean, 6 below.
# Moving ranges sum to 54 (mean 2.16), so 97..103 stay inside two thirds of the way (100 +/- 3.83).
ON_MEAN = [101, 103] * 3 + [100] + [101, 103] * 3 + [97, 99] * 3 + [100] + [97, 99] * 3


def test_a_point_on_the_mean_breaks_a_run():
    chart = spc.xmr_chart(series(ON_MEAN))
    assert chart["mean"].iloc[0] == 100.0
    assert chart["mean_moving_range"].iloc[0] == pytest.approx(54 / 25, abs=1e-12)
    assert (chart["special_cause"] == "").all()


def test_the_same_run_without_the_break_is_a_shift():
    values = list(ON_MEAN)
    values[6] = 101  # now 13 months above the mean in a row
    values[19] = 101  # (and the run below stays broken, by a point above the new mean 100.08)
    chart = spc.xmr_chart(series(values))
    assert_only_rule(chart, "shift")
    assert flagged(chart, "shift") == list(range(0, 13))


def test_trend_of_seven_rising():
    values = [10, 11, 9, 10, 11, 9, 10, 7, 8, 9, 10, 11, 12, 13, 10, 9, 11, 10, 9, 11]
    chart = spc.xmr_chart(series(values))
    assert chart["mean"].iloc[0] == 10.0
    assert_only_rule(chart, "trend")
    assert flagged(chart, "trend") == list(range(7, 14))
    assert set(chart["direction"].iloc[7:14]) == {"up"}


def test_trend_of_seven_falling():
    values = [10, 11, 9, 10, 11, 9, 10, 13, 12, 11, 10, 9, 8, 7, 10, 9, 11, 10, 9, 11]
    chart = spc.xmr_chart(series(values))
    assert_only_rule(chart, "trend")
    assert flagged(chart, "trend") == list(range(7, 14))
    assert set(chart["direction"].iloc[7:14]) == {"down"}


def test_equal_neighbours_break_a_trend():
    values = [10, 11, 9, 10, 11, 9, 10, 7, 8, 9, 9, 10, 11, 12, 10, 9, 11, 10, 9, 11]
    chart = spc.xmr_chart(series(values))
    assert flagged(chart, "trend") == []


# mean 101.7; moving ranges 2 x 9, 6, 6, 6, 8, 2 x 6 -> 56/19; upper limit 109.54,
# two thirds of the way 106.93: the two 108s lie between, the 102 between them is above the mean.
TWO_IN_THREE = [100, 102] * 5 + [108, 102, 108] + [100, 102] * 3 + [100]


def test_two_of_three_beyond_two_thirds():
    chart = spc.xmr_chart(series(TWO_IN_THREE))
    amr = 56 / 19
    assert chart["mean"].iloc[0] == pytest.approx(101.7, abs=1e-12)
    assert chart["mean_moving_range"].iloc[0] == pytest.approx(amr, abs=1e-12)
    assert 101.7 + 2 * 2.66 / 3 * amr < 108 < chart["upper"].iloc[0]
    assert_only_rule(chart, "two_in_three")
    assert flagged(chart, "two_in_three") == [10, 12]  # the middle point is not beyond 2/3
    assert set(chart["direction"].iloc[[10, 12]]) == {"up"}


def test_two_near_limits_on_opposite_sides_is_common_cause():
    # NHSRplotthedots' own test: symmetrical data, then 5.5 and -5.5 in the last two months
    values = [1, -1] * 8
    values[14], values[15] = 5.5, -5.5
    chart = spc.xmr_chart(series(values))
    assert list(chart["special_cause"].iloc[-2:]) == ["", ""]


def test_precedence_and_the_list_of_all_rules():
    # a level drop: the low months are both outside the limits and in a run below the mean
    values = [11, 12] * 3 + [10] + [11, 12] * 3 + [7, 8, 7, 9, 8, 7, 8, 10]
    chart = spc.xmr_chart(series(values))
    assert chart["special_cause"].iloc[13] == "outside_limits"
    assert chart["special_causes"].iloc[13] == "outside_limits, shift"
    assert chart["special_cause"].iloc[14] == "shift"
    assert chart["special_causes"].iloc[17] == "two_in_three, shift"
    assert chart["special_cause"].iloc[17] == "two_in_three"
    assert spc.RULE_PRECEDENCE == ("outside_limits", "trend", "two_in_three", "shift")


def test_rebasing_gives_separate_limits():
    values = [20, 22] * 6 + [10, 12] * 6  # recording change at 2017-10
    data = series(values, start="2016-10")
    plain = spc.xmr_chart(data)
    assert plain["mean"].iloc[0] == 16.0
    assert (plain["special_cause"] != "").all()  # one chart across the change: every month signals
    assert all("shift" in causes for causes in plain["special_causes"])

    chart = spc.xmr_chart(data, rebase_at="2017-10")
    assert list(chart["rebase_group"]) == [0] * 12 + [1] * 12
    assert list(chart["mean"]) == [21.0] * 12 + [11.0] * 12
    # the 22 -> 10 jump at the rebase is not a moving range of either group
    assert list(chart["mean_moving_range"]) == [2.0] * 24
    assert chart["lower"].iloc[0] == pytest.approx(21 - 5.32, abs=1e-12)
    assert chart["upper"].iloc[12] == pytest.approx(11 + 5.32, abs=1e-12)
    assert (chart["special_cause"] == "").all()
    assert not chart["short_group"].any()


def test_rebase_outside_the_series_is_ignored_and_short_groups_are_marked():
    data = series([20, 22] * 6 + [10, 12] * 3, start="2016-10")
    chart = spc.xmr_chart(data, rebase_at=["2017-10", "2030-01"])
    assert list(chart["rebase_group"]) == [0] * 12 + [1] * 6
    assert list(chart["short_group"]) == [False] * 12 + [True] * 6


def test_lower_limit_is_not_truncated_at_zero():
    values = [0, 3, 0, 4, 1, 0, 2, 0, 3, 1, 0, 2]
    chart = spc.xmr_chart(series(values))
    mean, amr = 16 / 12, 26 / 11  # moving ranges 3,3,4,3,1,2,2,3,2,1,2
    assert chart["lower"].iloc[0] == pytest.approx(mean - 2.66 * amr, abs=1e-12)
    assert chart["lower"].iloc[0] < 0


def test_constant_series_has_limits_on_the_mean_and_no_special_cause():
    chart = spc.xmr_chart(series([5] * 12))
    assert list(chart["lower"]) == [5.0] * 12 and list(chart["upper"]) == [5.0] * 12
    assert (chart["special_cause"] == "").all()


def test_text_months_are_accepted_and_sorted():
    data = pd.Series([2.0, 1.0, 3.0], index=["2020-02", "2020-01", "2020-03"])
    chart = spc.xmr_chart(data)
    assert [str(m) for m in chart["month"]] == ["2020-01", "2020-02", "2020-03"]
    assert list(chart["value"]) == [1.0, 2.0, 3.0]


@pytest.mark.parametrize("data, message", [
    (pd.Series([1.0, 2.0], index=["2020-01", "2020-03"]), "not consecutive"),
    (pd.Series([1.0, 2.0], index=["2020-01", "2020-01"]), "not consecutive"),
    (pd.Series([1.0, np.nan], index=["2020-01", "2020-02"]), "missing or non-numeric"),
    (pd.Series([], dtype=float), "empty"),
    (pd.Series([1.0], index=["January"]), "YYYY-MM"),
])
def test_bad_series_are_refused_with_a_fix(data, message):
    with pytest.raises(HarmInputError, match=message):
        spc.xmr_chart(data)


def test_every_rule_is_explained_in_plain_english():
    for rule in spc.RULE_PRECEDENCE:
        assert rule in spc.RULE_TEXTS and rule in spc.RULE_LABELS
        assert len(spc.RULE_TEXTS[rule]) > 40
    assert "" in spc.RULE_TEXTS
    assert "2.66" in spc.method_note() and "2017-10" in spc.method_note("2017-10")
