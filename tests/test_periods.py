import datetime

import numpy as np
import pandas as pd
import pytest

from harm import periods
from harm.errors import HarmInputError

M = lambda text: pd.Period(text, freq="M")  # noqa: E731


@pytest.mark.parametrize("month, expected", [
    ("2014-10", "2014/15"), ("2015-03", "2014/15"), ("2015-04", "2015/16"),
    ("2014-04", "2014/15"), ("2014-01", "2013/14"), ("1999-05", "1999/00"), ("2009-12", "2009/10"),
])
def test_financial_year_label(month, expected):
    assert periods.financial_year(month) == expected


def test_ytd_as_of_april_is_one_month():
    window = periods.ytd_window("2014-04")
    assert window == (M("2014-04"), M("2014-04"))
    assert periods.window_length(window) == 1


def test_ytd_as_of_march_is_twelve_months_of_the_year_before():
    window = periods.ytd_window("2015-03")
    assert window == (M("2014-04"), M("2015-03"))
    assert periods.window_length(window) == 12


def test_ytd_as_of_october_and_the_same_window_earlier():
    window = periods.ytd_window(M("2014-10"))
    assert window == (M("2014-04"), M("2014-10"))
    assert periods.window_length(window) == 7
    assert periods.years_earlier(window, 1) == (M("2013-04"), M("2013-10"))
    assert periods.years_earlier(window, 4) == (M("2010-04"), M("2010-10"))


def test_ytd_as_of_january_crosses_the_calendar_year():
    assert periods.ytd_window("2015-01") == (M("2014-04"), M("2015-01"))


def test_months_before():
    assert periods.months_before("2014-10", 6) == (M("2014-05"), M("2014-10"))
    assert periods.months_before("2014-03", 6) == (M("2013-10"), M("2014-03"))
    with pytest.raises(HarmInputError):
        periods.months_before("2014-03", 0)


def test_covers_needs_every_month():
    data = (M("2010-04"), M("2014-10"))
    assert periods.covers(data, (M("2010-04"), M("2010-10")))
    assert periods.covers(data, (M("2014-04"), M("2014-10")))
    assert not periods.covers(data, (M("2010-03"), M("2010-10")))
    assert not periods.covers(data, (M("2014-04"), M("2014-11")))


@pytest.mark.parametrize("value", [
    "2014-10", " 2014-10 ", M("2014-10"), pd.Timestamp("2014-10-17 13:00"),
    datetime.date(2014, 10, 1), np.datetime64("2014-10-05"), pd.Period("2014-10-03", freq="D"),
])
def test_parse_month_accepts(value):
    assert periods.parse_month(value) == M("2014-10")


@pytest.mark.parametrize("value", ["2014-13", "2014-00", "14-10", "October 2014", "2014/10", "", None, pd.NaT])
def test_parse_month_rejects_with_a_fix(value):
    with pytest.raises(HarmInputError, match="YYYY-MM"):
        periods.parse_month(value, where="--as-of")


def test_parse_month_names_where():
    with pytest.raises(HarmInputError, match="^--as-of: 'nope' is not a month"):
        periods.parse_month("nope", where="--as-of")


def test_parse_and_format_period_round_trip():
    window = periods.parse_period("2014-04..2014-10")
    assert window == (M("2014-04"), M("2014-10"))
    assert periods.format_period(window) == "2014-04..2014-10"


@pytest.mark.parametrize("text, message", [
    ("2014-04", "YYYY-MM..YYYY-MM"), ("2014-04...2014-10", "YYYY-MM"), ("2014-10..2014-04", "earlier month first"),
    ("2014-04..2014-13", "YYYY-MM"),
])
def test_parse_period_rejects(text, message):
    with pytest.raises(HarmInputError, match=message):
        periods.parse_period(text)


def test_to_months_from_text_periods_and_timestamps():
    expected = pd.PeriodIndex([M("2014-10"), M("2015-01")])
    assert periods.to_months(["2014-10", "2015-01"]).equals(expected)
    assert periods.to_months(pd.Series(expected)).equals(expected)
    assert periods.to_months(pd.Series(pd.to_datetime(["2014-10-09", "2015-01-31"]))).equals(expected)
    with pytest.raises(HarmInputError, match="'2014-1' is not a month"):
        periods.to_months(["2014-10", "2014-1"])
