"""Small-number suppression (METHODS.md §6): counts 1-4 as "<5", and any total (or other cell)
that would let a hidden count be worked out hidden too. Every case is worked out by hand."""

import numpy as np
import pandas as pd
import pytest

from harm import suppression
from harm.errors import HarmInputError
from harm.suppression import Margin, format_suppressed_count, primary_mask, suppress


def test_primary_rule_hides_one_to_four_only():
    assert primary_mask([0, 1, 2, 3, 4, 5, np.nan]).tolist() == [False, True, True, True, True, False, False]
    assert [format_suppressed_count(v) for v in (0, 1, 4, 5, 1234, np.nan)] == ["0", "<5", "<5", "5", "1,234", ""]


def test_a_total_that_would_reveal_a_hidden_part_is_hidden():
    # opiate 3 is hidden; shown as-is, all (103) - 40 - 60 = 3 gives it back, so the total goes too.
    frame = pd.DataFrame({"area": ["A"] * 4, "substance": ["opiate", "alcohol", "non-opiate", "all"],
                          "count": [3, 40, 60, 103]})
    result = suppress(frame, ["count"], margins=[Margin("substance", "all")])
    assert result.mask["count"].tolist() == [True, False, False, True]
    assert result.text()["count"].tolist() == ["<5", "40", "60", "[c]"]
    assert result.n_hidden == 2 and result.n_secondary == 1
    numbers = result.numbers()["count"]
    assert numbers.isna().tolist() == [True, False, False, True]


def test_no_hidden_part_leaves_everything_shown():
    frame = pd.DataFrame({"substance": ["opiate", "alcohol", "all"], "count": [0, 50, 50]})
    result = suppress(frame, ["count"], margins=[Margin("substance", "all")])
    assert not result.mask["count"].any()
    assert result.text()["count"].tolist() == ["0", "50", "50"]


def test_two_hidden_parts_that_the_total_pins_hide_the_total():
    # 1 + 1 hidden, total 12 shown: 12 - 10 = 2 over two cells of 1-4 means both are 1.
    pinned = pd.DataFrame({"g": ["a", "b", "c", "t"], "count": [1, 1, 10, 12]})
    assert suppress(pinned, ["count"], margins=[Margin("g", "t")]).mask["count"].tolist() == [True, True, False, True]
    # 4 + 4: 8 over two cells, both must be 4.
    fours = pd.DataFrame({"g": ["a", "b", "c", "t"], "count": [4, 4, 10, 18]})
    assert suppress(fours, ["count"], margins=[Margin("g", "t")]).mask["count"].tolist() == [True, True, False, True]
    # 2 + 3: 5 over two cells could be 1+4, 2+3, 3+2, 4+1 - the total may stay.
    loose = pd.DataFrame({"g": ["a", "b", "c", "t"], "count": [2, 3, 10, 15]})
    assert suppress(loose, ["count"], margins=[Margin("g", "t")]).mask["count"].tolist() == [True, True, False, False]


def test_a_hidden_total_opens_the_next_table_up():
    """Two-way table: substance rows add up to 'all', area rows to 'Total'. Area A's opiate 2 hides
    A's 'all'; that leaves A's 'all' the only hidden cell among the 'all' rows, so the grand total
    would give it back and is hidden; the opiate column (A 2 hidden, B shown, Total shown) hides the
    opiate total; then each hidden total is the only hidden cell of its own group ... until nothing
    can be worked out."""
    frame = pd.DataFrame({
        "area": ["A", "A", "A", "B", "B", "B", "Total", "Total", "Total"],
        "substance": ["opiate", "alcohol", "all"] * 3,
        "count": [2, 30, 32, 20, 40, 60, 22, 70, 92],
    })
    result = suppress(frame, ["count"], margins=[Margin("substance", "all"), Margin("area", "Total")])
    hidden = result.mask["count"].to_numpy()
    shown = frame.assign(hidden=hidden)
    # Check that nothing hidden can be recovered: every group has 0 or >= 2 hidden members.
    for key, other in (("area", "substance"), ("substance", "area")):
        for _, group in shown.groupby(key):
            assert group["hidden"].sum() != 1, group
    assert hidden[0]  # the small count itself
    assert result.text()["count"].iloc[0] == "<5"
    assert set(result.text()["count"][hidden & ~result.primary["count"].to_numpy()]) == {"[c]"}


def test_column_totals_and_rates():
    frame = pd.DataFrame({"area": ["A", "B"], "opiates": [3, 10], "cocaine": [20, 20], "positive": [23, 30],
                          "tests": [40, 50], "rate": [23 / 40, 30 / 50]})
    result = suppress(frame, ["opiates", "cocaine", "positive", "tests"],
                      column_totals={"positive": ["opiates", "cocaine"]}, rates={"rate": ["positive", "tests"]})
    text = result.text()
    assert text.loc[0, "opiates"] == "<5" and text.loc[0, "positive"] == "[c]"
    assert text.loc[0, "rate"] == ""  # a rate on a hidden count would give it back
    assert text.loc[1, "positive"] == "30" and text.loc[1, "rate"] == pytest.approx(0.6)
    assert np.isnan(result.numbers().loc[0, "rate"])


def test_missing_values_do_not_trigger_suppression_and_bad_columns_are_reported():
    frame = pd.DataFrame({"g": ["a", "b", "t"], "count": [3, np.nan, 50]})
    result = suppress(frame, ["count"], margins=[Margin("g", "t")])
    assert result.mask["count"].tolist() == [True, False, False]  # a NaN part: the sum is unknown anyway
    with pytest.raises(HarmInputError, match="no column"):
        suppress(frame, ["count", "nope"])
    assert "<5" in suppression.METHOD_NOTE and "[c]" in suppression.METHOD_NOTE
