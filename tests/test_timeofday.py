import numpy as np
import pandas as pd
import pytest

from harm.errors import HarmInputError
from harm.timeofday import (
    DAYS, NIGHT_TIME_ECONOMY, HourWindow, day_of_week, describe_selection, hour_of_day,
    hour_of_week, in_selection, minute_of_week, night_of, parse_days, parse_hours,
    selected_bins,
)

# 2024-01-01 is a Monday; 2024-01-05 a Friday; 2024-01-06 a Saturday.


def times(*values):
    return pd.Series(pd.to_datetime(list(values), format="ISO8601"), dtype="datetime64[ns]")


def test_day_names_monday_first():
    assert DAYS == ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def test_day_hour_and_bins_of_known_dates():
    t = times("2024-01-01 00:00", "2024-01-06 01:30", "2024-01-07 23:59", None)
    np.testing.assert_array_equal(day_of_week(t)[:3], [0, 5, 6])
    np.testing.assert_array_equal(hour_of_day(t)[:3], [0, 1, 23])
    np.testing.assert_array_equal(hour_of_week(t)[:3], [0, 5 * 24 + 1, 167])
    np.testing.assert_array_equal(minute_of_week(t)[:3], [0, 5 * 1440 + 90, 10079])
    assert np.isnan(hour_of_week(t)[3])


def test_parse_hours_wrapping_window():
    window = parse_hours("21-02")
    assert window == HourWindow(21, 2)
    assert window.wraps
    assert window.hours == (21, 22, 23, 0, 1)
    assert str(window) == "21-02"
    assert parse_hours(" 9 - 17 ").hours == tuple(range(9, 17))
    assert parse_hours(None).hours == tuple(range(24))
    assert parse_hours("00-24").hours == tuple(range(24))
    assert parse_hours((21, 2)) == HourWindow(21, 2)


@pytest.mark.parametrize("bad", ["21", "9pm-2am", "21-02-03", "", "a-b"])
def test_parse_hours_rejects_bad_text(bad):
    with pytest.raises(HarmInputError, match="--hours must look like 21-02"):
        parse_hours(bad)


@pytest.mark.parametrize("bad", ["25-02", "24-02", "21-25"])
def test_parse_hours_rejects_out_of_range(bad):
    with pytest.raises(HarmInputError, match="out of range"):
        parse_hours(bad)


def test_parse_hours_rejects_empty_window():
    with pytest.raises(HarmInputError, match="00-24 for the whole day"):
        parse_hours("05-05")


def test_parse_days():
    assert parse_days("Fri,Sat") == (4, 5)
    assert parse_days(" friday , SAT ") == (4, 5)
    assert parse_days(["Sun", "Mon"]) == (0, 6)
    assert parse_days([4, 5]) == (4, 5)
    assert parse_days(None) == tuple(range(7))
    with pytest.raises(HarmInputError, match="'Fry' is not a day"):
        parse_days("Fri,Fry")
    with pytest.raises(HarmInputError, match="selects no day"):
        parse_days("")


def test_night_time_economy_preset():
    assert NIGHT_TIME_ECONOMY.days == ("Fri", "Sat")
    assert NIGHT_TIME_ECONOMY.hours == "21-02"
    fri, sat, sun = 4 * 24, 5 * 24, 6 * 24
    expected = [fri + 21, fri + 22, fri + 23, sat + 0, sat + 1,
                sat + 21, sat + 22, sat + 23, sun + 0, sun + 1]
    assert selected_bins(*NIGHT_TIME_ECONOMY).tolist() == expected


def test_sunday_night_wraps_into_monday_morning():
    assert selected_bins("Sun", "21-02").tolist() == [0, 1, 6 * 24 + 21, 6 * 24 + 22, 6 * 24 + 23]


def test_selected_bins_without_wrap_and_defaults():
    assert selected_bins("Mon", "09-17").tolist() == list(range(9, 17))
    assert selected_bins().tolist() == list(range(168))
    assert selected_bins(hours="21-00").tolist() == [d * 24 + h for d in range(7) for h in (21, 22, 23)]
    assert len(selected_bins(days="Tue")) == 24


def test_saturday_0130_is_friday_night():
    t = times("2024-01-06 01:30")  # Saturday
    assert night_of(t, "21-02")[0] == 4  # Friday
    assert night_of(t, "09-17")[0] == 5  # no wrap: the calendar day
    assert in_selection(t, *NIGHT_TIME_ECONOMY)[0]


def test_in_selection_edges_of_the_night():
    t = times(
        "2024-01-05 01:30",  # Friday early hours = Thursday night: out
        "2024-01-05 20:59",  # Friday before 21:00: out
        "2024-01-05 21:00",  # Friday 21:00: in
        "2024-01-06 01:59",  # Saturday 01:59 = Friday night: in
        "2024-01-06 02:00",  # Saturday 02:00: out
        "2024-01-07 01:30",  # Sunday 01:30 = Saturday night: in
        "2024-01-08 01:30",  # Monday 01:30 = Sunday night: out
        None,
    )
    assert in_selection(t, "Fri,Sat", "21-02").tolist() == [
        False, False, True, True, False, True, False, False]


def test_describe_selection():
    assert describe_selection("Fri,Sat", "21-02") == (
        "Fri, Sat, 21:00-01:59 (hours after midnight count with the night before)")
    assert describe_selection() == "every day, all hours"
