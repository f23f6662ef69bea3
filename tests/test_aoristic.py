import numpy as np
import pandas as pd
import pytest

from harm.aoristic import (
    hour_of_week_weights, selected_weight, temporal_profile, window_quality,
)
from harm.errors import HarmInputError
from harm.incidents import conform
from harm.timeofday import NIGHT_TIME_ECONOMY, selected_bins

# 2024-01-01 is a Monday; 2024-01-05 a Friday; 2024-01-07 a Sunday.
FRI, SAT, SUN = 4 * 24, 5 * 24, 6 * 24


def incidents(*rows):
    """rows of (from, to or None, precision)."""
    starts, ends, precisions = zip(*rows)
    return frame_of(starts, ends, precisions)


def frame_of(starts, ends, precisions):
    n = len(starts)
    return conform(pd.DataFrame({
        "crime_id": [f"c{i}" for i in range(n)],
        "occurred_from": pd.to_datetime(pd.Series(starts), format="ISO8601"),
        "occurred_to": pd.to_datetime(pd.Series(ends), format="ISO8601"),
        "date_precision": list(precisions),
        "offence_group": "Violence with injury",
        "offence": "Assault",
        "alcohol": False, "drugs": False, "domestic_abuse": False,
        "x": 400000.0, "y": 250000.0,
    }))


def row(matrix, i):
    return dict(zip(matrix[[i]].tocoo().col.tolist(), matrix[[i]].tocoo().data.tolist()))


def test_half_in_and_half_out_of_the_night_window():
    data = incidents(("2024-01-05 20:30", "2024-01-05 21:30", "minute"))
    weights = hour_of_week_weights(data)
    assert row(weights, 0) == pytest.approx({FRI + 20: 0.5, FRI + 21: 0.5})
    inside = selected_weight(weights, selected_bins(*NIGHT_TIME_ECONOMY))
    assert inside[0] == pytest.approx(0.5)


def test_partial_first_and_last_hours_count_by_minutes():
    data = incidents(("2024-01-01 10:15", "2024-01-01 12:45", "minute"))  # 150 minutes
    assert row(hour_of_week_weights(data), 0) == pytest.approx({10: 45 / 150, 11: 60 / 150, 12: 45 / 150})


def test_window_crossing_sunday_to_monday_wraps_the_week():
    data = incidents(("2024-01-07 23:15", "2024-01-08 01:45", "minute"))
    assert row(hour_of_week_weights(data), 0) == pytest.approx({167: 0.3, 0: 0.4, 1: 0.3})


@pytest.mark.parametrize("end", [None, "2024-01-05 20:30", "2024-01-05 20:31"])
def test_no_end_equal_end_or_one_minute_gives_one_to_the_start_bin(end):
    data = incidents(("2024-01-05 20:30", end, "minute"))
    assert row(hour_of_week_weights(data), 0) == {FRI + 20: 1.0}


def test_seconds_are_dropped_as_in_the_r_package():
    # 40 seconds round down to a 0-minute window: all at the start.
    data = incidents(("2024-01-05 20:59:30", "2024-01-05 21:00:10", "minute"))
    assert row(hour_of_week_weights(data), 0) == {FRI + 20: 1.0}


def test_end_before_start_goes_to_the_start_bin_and_is_counted():
    data = incidents(
        ("2024-01-05 20:30", "2024-01-04 21:30", "minute"),
        ("2024-01-05 20:30", "2024-01-05 21:30", "minute"),
    )
    assert row(hour_of_week_weights(data), 0) == {FRI + 20: 1.0}
    assert window_quality(data).n_end_before_start == 1


@pytest.mark.parametrize("end", ["2024-01-12 20:30", "2024-01-15 03:00", "2024-03-01 00:00"])
def test_window_of_a_week_or_more_is_spread_evenly(end):
    data = incidents(("2024-01-05 20:30", end, "minute"))
    weights = hour_of_week_weights(data).toarray()[0]
    np.testing.assert_allclose(weights, np.full(168, 1 / 168))


def test_window_just_under_a_week_meets_itself_in_the_start_bin():
    # 10,079 minutes from 20:30: the first slot holds 30 minutes, the 169th slot (the same
    # bin one week later) 29, every other bin 60.
    data = incidents(("2024-01-05 20:30", "2024-01-12 20:29", "minute"))
    weights = hour_of_week_weights(data).toarray()[0]
    expected = np.full(168, 60 / 10079)
    expected[FRI + 20] = 59 / 10079
    np.testing.assert_allclose(weights, expected)


def test_incidents_without_time_of_day_get_no_weight_and_are_counted():
    data = incidents(
        ("2024-01-05 00:00", None, "day"),
        ("2024-01-01 00:00", None, "month"),
        (None, None, "minute"),
        ("2024-01-05 20:30", None, "minute"),
    )
    weights = hour_of_week_weights(data)
    np.testing.assert_array_equal(np.asarray(weights.sum(axis=1)).ravel(), [0, 0, 0, 1])
    quality = window_quality(data)
    assert quality.n_incidents == 4
    assert quality.n_without_time_of_day == 3
    assert quality.n_without_end == 1


def test_share_of_windows_longer_than_24_hours():
    data = incidents(
        ("2024-01-01 10:00", "2024-01-02 10:00", "minute"),  # exactly 24 h: not longer
        ("2024-01-01 10:00", "2024-01-02 10:01", "minute"),  # longer
        ("2024-01-01 10:00", None, "minute"),
        ("2024-01-01 10:00", "2024-01-01 09:00", "minute"),  # end before start
        ("2024-01-01 00:00", "2024-01-09 00:00", "day"),  # no time of day: not counted
    )
    assert window_quality(data).share_longer_than_24h == pytest.approx(1 / 4)
    assert np.isnan(window_quality(incidents(("2024-01-01", None, "day"))).share_longer_than_24h)


def test_start_method_puts_everything_at_the_start():
    data = incidents(
        ("2024-01-06 01:30", "2024-01-06 09:30", "minute"),  # Saturday 01:30
        ("2024-01-05 20:30", "2024-03-01 00:00", "minute"),
    )
    weights = hour_of_week_weights(data, method="start")
    assert row(weights, 0) == {SAT + 1: 1.0}
    assert row(weights, 1) == {FRI + 20: 1.0}
    # Saturday 01:30 belongs to Friday night.
    np.testing.assert_array_equal(selected_weight(weights, selected_bins("Fri", "21-02")), [1, 0])


def test_unknown_method_is_rejected():
    with pytest.raises(HarmInputError, match="Use 'aoristic' or 'start'"):
        hour_of_week_weights(incidents(("2024-01-01 10:00", None, "minute")), method="middle")


def test_temporal_profile_layout_and_selection():
    data = incidents(
        ("2024-01-05 20:30", "2024-01-05 21:30", "minute"),
        ("2024-01-06 01:30", None, "minute"),
        ("2024-01-01 10:00", None, "minute"),
    )
    profile = temporal_profile(data, "aoristic")
    assert list(profile.columns) == ["day", "hour", "weight"]
    assert len(profile) == 168
    assert profile["day"].astype(str).tolist()[::24] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert profile["hour"].tolist()[:24] == list(range(24))
    assert profile["weight"].sum() == pytest.approx(3)
    assert profile.loc[FRI + 20, "weight"] == pytest.approx(0.5)

    night = temporal_profile(data, "aoristic", *NIGHT_TIME_ECONOMY)
    assert night["weight"].sum() == pytest.approx(1.5)
    assert night.loc[SAT + 1, "weight"] == pytest.approx(1.0)
    assert night.loc[FRI + 20, "weight"] == 0

    start = temporal_profile(data, "start")
    assert start.loc[FRI + 20, "weight"] == 1.0


def r_reference(start: pd.Timestamp, end) -> np.ndarray:
    """A line-by-line port of aoristic.df's loop for one row (Monday-first bins)."""
    out = np.zeros(168)
    position = start.day_of_week * 24 + start.hour
    if end is None or pd.isna(end):
        out[position] += 1
        return out
    span = (end - start) // pd.Timedelta(minutes=1)
    if span >= 10080:
        return out + 1 / 168
    if span <= 1:  # 0 or 1 minute, or end before start
        out[position] += 1
        return out
    left_in_hour = 60 - start.minute
    remaining = span
    while remaining > 0:
        if remaining <= left_in_hour:
            out[position] += remaining / span
            remaining = 0
        else:
            out[position] += left_in_hour / span
            remaining -= left_in_hour
            left_in_hour = 60
            position = (position + 1) % 168
    return out


def test_vectorised_weights_match_the_r_loop_on_random_windows():
    rng = np.random.default_rng(7)
    n = 600
    start = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 60 * 24 * 28, n), unit="min")
    start = start + pd.to_timedelta(rng.integers(0, 60, n), unit="s")
    length = rng.choice([0, 1, 2, 59, 61, 300, 1500, 10079, 10080, 20000, -30], n)
    length = np.where(rng.random(n) < 0.5, rng.integers(0, 6000, n), length)
    end = start + pd.to_timedelta(length, unit="min") + pd.to_timedelta(rng.integers(0, 60, n), unit="s")
    end = pd.Series(end).where(rng.random(n) > 0.1)
    data = frame_of(pd.Series(start), end, ["minute"] * n)
    expected = np.vstack([r_reference(s, e) for s, e in zip(data["occurred_from"], data["occurred_to"])])
    np.testing.assert_allclose(hour_of_week_weights(data).toarray(), expected, atol=1e-12)
    np.testing.assert_allclose(hour_of_week_weights(data).sum(axis=1), 1.0)
