import numpy as np
import pandas as pd
import pytest

from harm.concentration import concentration, units_in_top
from harm.errors import HarmInputError


def test_top_5_and_10_percent_of_20_units():
    counts = np.r_[[10, 6, 4], np.zeros(17)]  # 20 units, 20 incidents
    result = concentration(counts)
    assert list(result.columns) == ["top_share", "units", "of_units", "count", "share_of_incidents"]
    assert result["units"].tolist() == [1, 2]
    assert result["of_units"].tolist() == [20, 20]
    assert result["share_of_incidents"].tolist() == [0.5, 0.8]


def test_units_are_rounded_up_without_float_noise():
    assert units_in_top(0.10, 30) == 3  # 0.1 * 30 is 3.0000000000000004 in floats
    assert units_in_top(0.05, 100) == 5
    assert units_in_top(0.05, 41) == 3  # 2.05 -> 3
    assert units_in_top(0.05, 7) == 1  # at least one unit
    assert units_in_top(1.0, 7) == 7


def test_order_of_units_and_ties_do_not_matter():
    counts = np.array([1, 3, 3, 0, 3, 2, 1, 0, 0, 0], dtype=float)
    shuffled = np.random.default_rng(1).permutation(counts)
    a, b = concentration(counts, top_shares=[0.2]), concentration(shuffled, top_shares=[0.2])
    assert a["count"].item() == b["count"].item() == 6  # two of the three 3s
    assert a["share_of_incidents"].item() == pytest.approx(6 / 13)


def test_weights_and_frames_are_accepted():
    frame = pd.DataFrame({"count": [0.5, 1.5, 0.0, 2.0]})
    result = concentration(frame, top_shares=[0.25, 0.5])
    assert result["share_of_incidents"].tolist() == pytest.approx([0.5, 0.875])


def test_no_incidents_gives_nan_share():
    assert np.isnan(concentration(np.zeros(10))["share_of_incidents"]).all()


@pytest.mark.parametrize("counts, message", [
    ([], "no cells or areas"),
    ([1, np.nan], "none missing"),
    ([1, -1], "zero or more"),
])
def test_bad_counts_are_rejected(counts, message):
    with pytest.raises(HarmInputError, match=message):
        concentration(counts)


@pytest.mark.parametrize("share", [0, -0.1, 5])
def test_bad_share_is_rejected(share):
    with pytest.raises(HarmInputError, match="between 0 and 1"):
        concentration([1, 2, 3], top_shares=[share])
