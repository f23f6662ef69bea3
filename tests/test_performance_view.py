"""What the Performance page and CLI show (harm.performance_view) on small hand-made inputs."""

import numpy as np
import pandas as pd
import pytest

from harm import incidents as inc
from harm import performance as pf
from harm import performance_view as view
from harm import spc
from harm.errors import HarmInputError

M = lambda text: pd.Period(text, freq="M")  # noqa: E731
FULL = (M("2010-04"), M("2014-10"))


def incident_frame(stamps, precision="minute"):
    n = len(stamps)
    return inc.conform(pd.DataFrame({
        "crime_id": [f"c{i}" for i in range(n)], "occurred_from": pd.to_datetime(stamps, format="ISO8601"), "occurred_to": pd.NaT,
        "date_precision": precision, "offence_group": "Violence with injury", "offence": "x",
        "alcohol": False, "drugs": False, "domestic_abuse": False, "x": 0.0, "y": 0.0,
    }))


@pytest.mark.parametrize("stamps, precision, expected", [
    (["2014-01-05", "2014-03-31 22:10"], "minute", "2014-03"),  # the last day is there: complete
    (["2014-01-05", "2014-03-17 09:00"], "minute", "2014-02"),  # stops mid-month: the month before
    (["2014-01-01", "2014-03-01"], "month", "2014-03"),         # data.police.uk: whole months
])
def test_last_complete_month(stamps, precision, expected):
    assert view.last_complete_month(incident_frame(stamps, precision)) == M(expected)


def test_as_of_choices_are_newest_first_and_need_a_covered_year_to_date():
    choices = view.as_of_choices((M("2010-06"), M("2012-05")), M("2012-04"))
    assert choices[0] == "2012-04"
    assert choices[-1] == "2011-04"  # 2010-06..2011-03 would need April 2010
    assert "2011-03" not in choices and len(choices) == 13


def counts(cells):
    rows = [(area, M(month), n) for area, months in cells.items() for month, n in months.items()]
    return pd.DataFrame(rows, columns=["area", "month", "count"])


def test_measure_counts_and_counts_for_order_and_selection():
    frame = incident_frame(["2014-04-02", "2014-05-02", "2014-05-03", "2014-06-01"])
    labels = pd.Series(pd.Categorical(["South", "(no location)", "North", "North"],
                                      categories=["South", "North", "(outside areas)", "(no location)"]))
    by_measure = view.measure_counts(frame, labels, measures=["violence", "possession"])
    assert list(by_measure.columns) == view.MEASURE_COUNT_COLUMNS
    assert by_measure.loc[by_measure["measure"] == "possession", "count"].sum() == 0
    violence = view.counts_for(by_measure, "violence")
    assert list(pd.unique(violence["area"])) == ["North", "South", "(outside areas)", "(no location)"]
    assert view.area_names(violence) == ["North", "South"]
    table = pf.performance_table(violence, "2014-06", coverage=(M("2014-04"), M("2014-06")))
    assert list(table["area"]) == ["North", "South", "(no location)", "Total"]  # empty unassigned rows dropped
    assert list(table["ytd"]) == [2, 1, 1, 4]
    assert list(table["change"])[2] == pf.NOT_TESTED
    chosen = view.counts_for(by_measure, "violence", areas=["South"])
    assert list(pd.unique(chosen["area"])) == ["South"]
    with pytest.raises(HarmInputError, match="no area called 'East'"):
        view.counts_for(by_measure, "violence", areas=["East"])
    with pytest.raises(HarmInputError, match="unknown measure"):
        view.counts_for(by_measure, "burglary")
    total = view.series_for(violence, pf.TOTAL_LABEL)
    assert list(total) == [1.0, 2.0, 1.0]  # the no-location incident is in the total
    assert list(view.series_for(violence, "North", through="2014-05")) == [0.0, 1.0]
    trend = view.trend_frame(violence)
    assert set(trend["area"]) == {"North", "South"} and trend["count"].sum() == 3


def test_cli_table_rounds_exactly_and_leaves_n_a_empty():
    table = pf.performance_table(counts({
        "A": {"2014-10": 1999, "2013-10": 2000, "2012-10": 2000, "2011-10": 2000, "2010-10": 2000},
        "B": {"2014-10": 0},
        "C": {"2014-10": 19999, "2013-10": 20000},
    }), "2014-10", coverage=FULL, population=pd.Series({"A": 1000, "B": 10, "C": 3}))
    out = view.cli_table(table).set_index("area")
    assert list(view.cli_table(table).columns) == view.CLI_COLUMNS
    assert out.loc["A", "pct_change"] == -0.1 and out.loc["A", "pct_vs_4yr_avg"] == -0.1  # -0.05 exactly
    assert out.loc["C", "pct_change"] == 0.0 and not np.signbit(out.loc["C", "pct_change"])  # no "-0.0"
    assert np.isnan(out.loc["B", "pct_change"]) and out.loc["B", "p_value"] == 1.0
    assert str(out["ytd_last_year"].dtype) == "Int64"
    extras = view.cli_table(table, extras=True)
    assert {"rate_per_1000", "note_4yr", "note_last_year"} <= set(extras.columns)
    assert extras.set_index("area").loc["A", "rate_per_1000"] == 1999.0


def test_display_table_says_it_in_words_with_arrows_and_n_a_with_its_reason():
    table = pf.performance_table(counts({"Up": {"2014-10": 200, "2013-10": 100}, "Same": {"2014-10": 50, "2013-10": 50}}),
                                 "2014-10", coverage=(M("2012-04"), M("2014-10")))
    shown = view.display_table(table).set_index("Area")
    assert shown.loc["Up", "Change v last year"] == "▲ statistically significant increase"
    assert shown.loc["Same", "Change v last year"] == "● no significant change"
    assert shown.loc["Up", "% change"] == "100.0%"
    assert shown.loc["Up", "Change v 4-year average"] == "– n/a: only 2 previous years of data"
    assert shown.loc["Up", "% v 4-yr avg"] == "n/a"
    notes = view.table_notes(table)
    assert notes[0].startswith("The 4-year columns are n/a: only 2 previous years of data")
    assert "2010-04..2010-10 (2010/11)" in notes[0]
    assert view.verdict_text(pf.DECREASE) == "▼ statistically significant decrease"


def test_table_notes_say_what_the_total_includes():
    both = counts({"A": {"2014-10": 5}, "(no location)": {"2014-10": 2}})
    table = pf.performance_table(both, "2014-10", coverage=FULL)
    assert "2 with no location" in view.table_notes(table)[-1]
    assert "selected areas" in view.table_notes(table, areas_selected=True)[-1]


def test_spc_frame_words_for_each_point():
    values = [10, 12, 11, 13, 10, 12, 11, 30, 12, 11, 10, 12, 13, 11]
    series = pd.Series(values, index=pd.period_range("2020-01", periods=14, freq="M"), dtype=float)
    frame = view.spc_frame(series)
    assert frame["signal"].iloc[7] == view.SIGNAL_HIGHER
    assert frame["rule"].iloc[7] == spc.RULE_LABELS["outside_limits"]
    assert frame["explanation"].iloc[7].startswith("This month is above the upper process limit.")
    assert frame["explanation"].iloc[0] == spc.RULE_TEXTS[""]
    assert set(frame["signal"].drop(index=7)) == {view.SIGNAL_COMMON}
    assert frame["month_start"].iloc[0] == pd.Timestamp("2020-01-01")
    cli = view.spc_cli_table(frame)
    assert list(cli.columns) == view.SPC_CLI_COLUMNS and cli["value"].dtype == np.int64
    summary = view.spc_summary(frame)
    assert len(summary) == 1 and summary[0].startswith("Outside the process limits (up): 1 month, latest Aug 2020")


def test_exceptions_report_over_measures_and_areas():
    months = pd.period_range("2012-04", "2014-10", freq="M")
    rows = []
    for i, month in enumerate(months):
        rows += [("violence", "Rising", month, 20 + 3 * i), ("violence", "Flat", month, 40),
                 ("possession", "Rising", month, 0), ("possession", "Flat", month, 0),
                 ("violence", "(no location)", month, 1)]
    frame = pd.DataFrame(rows, columns=view.MEASURE_COUNT_COLUMNS)
    frame["area"] = pd.Categorical(frame["area"], categories=["Rising", "Flat", "(outside areas)", "(no location)"])
    found = view.exceptions_report(frame, "2014-10", coverage=(months[0], months[-1]))
    assert set(found["measure"]) == {"violence"}  # a measure with no incidents has nothing to say
    rising = found[found["area"] == "Rising"]
    assert {"YTD vs last year", "last 6 months vs previous 6", "SPC chart"} <= set(rising["comparison"])
    assert not (found["area"] == "Flat").any()
    assert "(no location)" not in set(found["area"])
    assert list(found["month"]) == sorted(found["month"], reverse=True)
    shown = view.exceptions_display(found)
    assert shown["Finding"].str.startswith("▲").any()
    only_flat = view.exceptions_report(frame, "2014-10", coverage=(months[0], months[-1]), areas=["Flat"])
    assert only_flat.empty


def test_file_names_say_which_areas():
    assert view.areas_in_file_name("policing-area") == "policing-areas"
    assert view.areas_in_file_name("csp", ["Shropshire", "Herefordshire"]) == "Herefordshire-Shropshire"
    assert view.areas_in_file_name("lad", ["a", "b", "c", "d"]) == "4-selected-lads"
    assert view.areas_in_file_name("custom:beats-2020") == "beats-2020-areas"


def test_exceptions_count_text():
    found = pd.DataFrame({"measure": ["violence", "violence", "alcohol"],
                          "comparison": ["SPC chart", "YTD vs last year", "YTD vs last year"]})
    assert view.exceptions_count_text(found) == \
        "3 exceptions across 2 measures: 2 significant changes, 1 SPC special cause."


@pytest.mark.parametrize("p, shown", [
    (np.nan, "n/a"), (0.0004, "<0.001"), (0.0123, "0.012"), (0.04951, "0.0495"), (0.0499, "0.0499"),
    (0.0500, "0.050"), (0.0504, "0.050"), (0.5123, "0.512"), (1.0, "1.000"),
])
def test_p_values_just_under_the_threshold_never_read_as_0_050(p, shown):
    assert pf.p_value_text(p) == shown


@pytest.mark.parametrize("rule, direction, start", [
    ("outside_limits", "down", "This month is below the lower process limit."),
    ("trend", "up", "This month is part of a run of 7 or more months, each higher than the one before. A steady climb"),
    ("two_in_three", "down", "Two of three months in a row are more than two thirds of the way from the average to "
                             "the lower process limit."),
    ("shift", "up", "This month is part of a run of 7 or more months all above the average."),
    ("", "", "Common cause"),
])
def test_point_explanations_say_which_way(rule, direction, start):
    assert view.point_explanation(rule, direction).startswith(start)


def test_marker_measures_carry_a_recording_caution():
    assert view.measure_caution("violence") == ""
    assert view.measure_caution("alcohol").startswith("Interest markers are flagged by the officer")
    assert "October 2017" not in view.measure_caution("domestic-abuse")
    assert "October 2017 sharply reduced drugs-marker use" in view.measure_caution("drugs-marker")
