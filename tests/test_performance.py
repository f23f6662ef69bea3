"""Performance table (METHODS §4), six-month change and exceptions, checked against
scipy / statsmodels and against table 1 of FACTS.md."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.rates import test_poisson_2indep as poisson_2indep

from harm import incidents as inc
from harm import performance as pf
from harm import spc
from harm.errors import HarmInputError

M = lambda text: pd.Period(text, freq="M")  # noqa: E731
FULL = ("2010-04", "2014-10")  # coverage: four full previous windows before 2014/15's YTD


def counts_frame(cells: dict[str, dict[str, int]]) -> pd.DataFrame:
    """{area: {"YYYY-MM": count}} as a (sparse) counts frame with text months."""
    rows = [(area, month, n) for area, months in cells.items() for month, n in months.items()]
    return pd.DataFrame(rows, columns=["area", "month", "count"])


def row(table, area):
    return table.set_index("area").loc[area]


# --- FACTS.md table 1 ------------------------------------------------------------------------

# area, YTD, YTD last year, printed % change, printed v 4-yr avg, a 4-year sum that prints it
TABLE_1 = [
    ("Herefordshire", 4729, 5230, "-9.6%", "-17.3%", 22873),
    ("North Warwickshire", 9692, 10234, "-5.3%", "-9.1%", 42649),
    ("North Worcestershire", 9213, 8527, "8.0%", "-11.5%", 41641),
    ("Shropshire", 7013, 6853, "2.3%", "-9.5%", 30997),
    ("South Warwickshire", 6629, 7352, "-9.8%", "-18.2%", 32416),
    ("South Worcestershire", 9234, 8632, "7.0%", "-7.4%", 39888),
    ("Telford & Wrekin", 6011, 5769, "4.2%", "-5.0%", 25309),
]


def table_1_counts() -> pd.DataFrame:
    """YTD split over 2014-04 and 2014-10; last year in 2013-06 (it is also one of the four
    previous years); the rest of the 4-year sum over 2010/11-2012/13; noise outside every window."""
    cells = {}
    for area, ytd, last, _, _, sum_4yr in TABLE_1:
        rest = sum_4yr - last
        cells[area] = {
            "2014-04": 1000, "2014-10": ytd - 1000, "2013-06": last,
            "2010-10": rest - 2 * (rest // 3), "2011-04": rest // 3, "2012-07": rest // 3,
            "2014-03": 777, "2013-11": 555, "2010-11": 333, "2010-03": 111,  # outside the windows
        }
    return counts_frame(cells)


@pytest.fixture(scope="module")
def table_1():
    return pf.performance_table(table_1_counts(), "2014-10", coverage=("2010-03", "2014-11"))


def test_table_1_counts_and_unrounded_percentages(table_1):
    assert list(table_1["area"]) == [r[0] for r in TABLE_1] + ["Total"]
    for area, ytd, last, _, _, sum_4yr in TABLE_1:
        got = row(table_1, area)
        assert got["ytd"] == ytd and got["ytd_last_year"] == last and got["sum_4yr"] == sum_4yr
        assert got["avg_4yr"] == sum_4yr / 4
        assert got["pct_change"] == pytest.approx((ytd / last - 1) * 100, rel=1e-12)
        assert got["pct_vs_4yr_avg"] == pytest.approx((ytd / (sum_4yr / 4) - 1) * 100, rel=1e-12)
        assert got["note_4yr"] == ""
    total = row(table_1, "Total")
    assert total["ytd"] == sum(r[1] for r in TABLE_1)
    assert total["ytd_last_year"] == sum(r[2] for r in TABLE_1)


def test_table_1_prints_as_the_panel_paper(table_1):
    printed = pf.format_performance_table(table_1).set_index("area")
    for area, ytd, _, pct_change, pct_vs_avg, _ in TABLE_1:
        assert printed.loc[area, "pct_change"] == pct_change
        assert printed.loc[area, "pct_vs_4yr_avg"] == pct_vs_avg
        assert printed.loc[area, "ytd"] == str(ytd)


def test_table_1_p_values_match_scipy_and_statsmodels(table_1):
    for area, ytd, last, _, _, sum_4yr in TABLE_1:
        got = row(table_1, area)
        assert got["p_value"] == pytest.approx(binomtest(ytd, ytd + last, 0.5).pvalue, abs=1e-9)
        assert got["p_value"] == pytest.approx(poisson_2indep(ytd, 1, last, 1, method="exact-cond").pvalue, abs=1e-9)
        assert got["p_value_4yr"] == pytest.approx(binomtest(ytd, ytd + sum_4yr, 0.2).pvalue, abs=1e-9)
        assert got["p_value_4yr"] == pytest.approx(
            poisson_2indep(ytd, 1, sum_4yr, 4, method="exact-cond").pvalue, abs=1e-9)


def test_bh_is_across_the_area_rows_and_the_total_keeps_its_own_p(table_1):
    areas = table_1.iloc[:-1]
    for p_col, adj_col in [("p_value", "p_adj"), ("p_value_4yr", "p_adj_4yr")]:
        expected = multipletests(areas[p_col].to_numpy(), method="fdr_bh")[1]
        assert areas[adj_col].to_numpy() == pytest.approx(expected, abs=1e-12)
        assert table_1[adj_col].iloc[-1] == table_1[p_col].iloc[-1]


def test_verdict_words_follow_the_adjusted_p_and_the_direction(table_1):
    for _, got in table_1.iterrows():
        for pct, adj, change in [("pct_change", "p_adj", "change"), ("pct_vs_4yr_avg", "p_adj_4yr", "change_4yr")]:
            if got[adj] >= 0.05:
                assert got[change] == "no significant change"
            elif got[pct] > 0:
                assert got[change] == "statistically significant increase"
            else:
                assert got[change] == "statistically significant decrease"
    assert row(table_1, "Herefordshire")["change"] == "statistically significant decrease"
    assert row(table_1, "North Worcestershire")["change"] == "statistically significant increase"
    assert row(table_1, "Shropshire")["change"] == "no significant change"


# --- rounding --------------------------------------------------------------------------------

@pytest.mark.parametrize("ytd, last, printed", [
    (2001, 2000, "0.1%"),    # +0.05 exactly
    (1999, 2000, "-0.1%"),   # -0.05 exactly; float arithmetic gives -0.04999..., which rounds to -0.0
    (4010, 4000, "0.3%"),    # +0.25: half away from zero, not to even
    (3990, 4000, "-0.3%"),
    (4000, 4000, "0.0%"),
    (19999, 20000, "0.0%"),  # -0.005 rounds to zero: no "-0.0%"
])
def test_percentages_round_half_away_from_zero(ytd, last, printed):
    assert pf.percent_change_text(ytd, last) == printed


def test_four_year_percentage_rounds_exactly():
    counts = counts_frame({"A": {"2014-10": 2001, "2013-10": 2000, "2012-10": 2000, "2011-10": 2000, "2010-10": 2000},
                           "B": {"2014-10": 1999, "2013-10": 2000, "2012-10": 2000, "2011-10": 2000, "2010-10": 2000}})
    printed = pf.format_performance_table(pf.performance_table(counts, "2014-10", coverage=FULL)).set_index("area")
    assert printed.loc["A", "pct_vs_4yr_avg"] == "0.1%"
    assert printed.loc["B", "pct_vs_4yr_avg"] == "-0.1%"


def test_round_half_away():
    assert float(pf.round_half_away(2.25)) == 2.3
    assert float(pf.round_half_away(-2.25)) == -2.3
    assert float(pf.round_half_away(1442.25, 1)) == 1442.3
    assert float(pf.round_half_away(0.5, 0)) == 1.0 and float(pf.round_half_away(-0.5, 0)) == -1.0


# --- windows and edge cases ------------------------------------------------------------------

def test_as_of_april_counts_one_month_and_as_of_march_twelve():
    cells = {"2014-03": 1, "2014-04": 2, "2014-05": 4, "2015-03": 8, "2015-04": 16,
             "2013-04": 32, "2013-05": 64, "2014-02": 128}
    counts = counts_frame({"A": cells})
    april = pf.performance_table(counts, "2014-04", coverage=("2009-01", "2015-12"))
    assert row(april, "A")["ytd"] == 2
    assert row(april, "A")["ytd_last_year"] == 32
    march = pf.performance_table(counts, "2015-03", coverage=("2009-01", "2015-12"))
    assert row(march, "A")["ytd"] == 2 + 4 + 8  # April 2014 .. March 2015
    assert row(march, "A")["ytd_last_year"] == 32 + 64 + 128 + 1  # April 2013 .. March 2014


def test_zero_counts():
    counts = counts_frame({"Quiet": {"2014-10": 0}, "New": {"2014-10": 6}, "Busy": {"2014-10": 100, "2013-10": 50}})
    table = pf.performance_table(counts, "2014-10", coverage=FULL)
    quiet, new = row(table, "Quiet"), row(table, "New")
    assert quiet["p_value"] == 1.0 and quiet["p_value_4yr"] == 1.0
    assert np.isnan(quiet["pct_change"]) and np.isnan(quiet["pct_vs_4yr_avg"])
    assert quiet["change"] == "no significant change"
    assert new["ytd_last_year"] == 0 and np.isnan(new["pct_change"])
    assert new["p_value"] == pytest.approx(binomtest(6, 6, 0.5).pvalue, abs=1e-12)  # the test still runs
    assert new["p_value"] == pytest.approx(2 * 0.5**6, abs=1e-12)
    printed = pf.format_performance_table(table).set_index("area")
    assert printed.loc["Quiet", "pct_change"] == "n/a" and printed.loc["New", "pct_change"] == "n/a"
    assert printed.loc["Quiet", "avg_4yr"] == "0.0"


def test_coverage_not_nonzero_counts_decides_the_4_year_average():
    # counts only in 2014/15, but the data set covers 2010-04 onwards: the average is 0, not n/a
    counts = counts_frame({"A": {"2014-05": 12}})
    table = pf.performance_table(counts, "2014-10", coverage=FULL)
    assert row(table, "A")["avg_4yr"] == 0.0 and row(table, "A")["note_4yr"] == ""
    assert row(table, "A")["change_4yr"] == "statistically significant increase"


@pytest.mark.parametrize("first_month, available", [
    ("2010-05", 3), ("2011-04", 3), ("2012-04", 2), ("2012-10", 1), ("2013-04", 1),
])
def test_fewer_than_four_previous_years_is_not_available(first_month, available):
    counts = counts_frame({"A": {"2014-10": 50, "2013-10": 40}, "B": {"2014-10": 5}})
    table = pf.performance_table(counts, "2014-10", coverage=(first_month, "2014-10"))
    note = f"only {available} previous year{'s' if available > 1 else ''} of data"
    assert list(table["note_4yr"]) == [note] * 3
    for col in ["avg_4yr", "pct_vs_4yr_avg", "p_value_4yr", "p_adj_4yr", "sum_4yr"]:
        assert table[col].isna().all()
    assert list(table["change_4yr"]) == ["n/a"] * 3
    assert list(pf.format_performance_table(table)["pct_vs_4yr_avg"]) == ["n/a"] * 3
    assert row(table, "A")["ytd_last_year"] == 40  # last year is still compared


def test_no_previous_year_at_all():
    counts = counts_frame({"A": {"2014-10": 50}})
    table = pf.performance_table(counts, "2014-10", coverage=("2013-05", "2014-10"))
    got = row(table, "A")
    assert np.isnan(got["ytd_last_year"]) and np.isnan(got["p_value"]) and got["change"] == "n/a"
    assert got["note_last_year"] == "no data for the same months last year"
    assert got["note_4yr"] == "no previous years of data"


def test_ytd_outside_the_data_is_refused():
    counts = counts_frame({"A": {"2014-10": 50}})
    with pytest.raises(HarmInputError, match="not inside the data"):
        pf.performance_table(counts, "2014-11", coverage=FULL)
    with pytest.raises(HarmInputError, match="coverage"):
        pf.performance_table(counts, "2014-10", coverage=None)
    with pytest.raises(HarmInputError, match="YYYY-MM"):
        pf.performance_table(counts, "Oct 2014", coverage=FULL)


def test_bad_counts_are_refused():
    with pytest.raises(HarmInputError, match="no count column"):
        pf.performance_table(pd.DataFrame({"area": ["A"], "month": ["2014-10"]}), "2014-10", coverage=FULL)
    with pytest.raises(HarmInputError, match="whole numbers"):
        pf.exact_rate_test(2.5, 3)


def test_rates_per_1000_residents():
    counts = counts_frame({"A": {"2014-10": 50}, "B": {"2014-10": 30}})
    table = pf.performance_table(counts, "2014-10", coverage=FULL, population=pd.Series({"A": 10_000, "B": 5_000}))
    assert list(table["rate_per_1000"]) == [5.0, 6.0, pytest.approx(80 / 15)]
    partial = pf.performance_table(counts, "2014-10", coverage=FULL, population=pd.Series({"A": 10_000}))
    assert partial["rate_per_1000"].iloc[0] == 5.0 and partial["rate_per_1000"].iloc[1:].isna().all()
    assert pf.format_performance_table(table)["rate_per_1000"].tolist() == ["5.00", "6.00", "5.33"]


# --- the statistics on their own --------------------------------------------------------------

@pytest.mark.parametrize("current, baseline", [(0, 0), (0, 7), (7, 0), (3, 12), (12, 3), (50, 61), (4729, 5230),
                                               (1, 1), (200, 800), (201, 800), (150, 900)])
@pytest.mark.parametrize("baseline_periods", [1, 4])
@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # statsmodels' ratio when baseline is 0
def test_exact_rate_test_matches_scipy_and_statsmodels(current, baseline, baseline_periods):
    got = pf.exact_rate_test(current, baseline, baseline_periods=baseline_periods)
    if current + baseline == 0:
        assert got == 1.0
        return
    assert got == pytest.approx(binomtest(current, current + baseline, 1 / (1 + baseline_periods)).pvalue, abs=1e-9)
    sm = poisson_2indep(current, 1, baseline, baseline_periods, method="exact-cond").pvalue
    assert got == pytest.approx(sm, abs=1e-9)


def test_benjamini_hochberg_matches_statsmodels():
    rng = np.random.default_rng(7)
    for size in [1, 2, 7, 50]:
        p = rng.uniform(0, 0.2, size)
        p[: size // 3] = p[0]  # ties
        assert pf.benjamini_hochberg(p) == pytest.approx(multipletests(p, method="fdr_bh")[1], abs=1e-15)
    with_gaps = np.array([0.01, np.nan, 0.04, 0.03])
    adjusted = pf.benjamini_hochberg(with_gaps)
    assert np.isnan(adjusted[1])
    assert adjusted[[0, 2, 3]] == pytest.approx(multipletests([0.01, 0.04, 0.03], method="fdr_bh")[1])
    assert pf.benjamini_hochberg([]).shape == (0,)


# --- monthly counts from incidents ------------------------------------------------------------

def incident_frame(rows):
    """rows: (occurred_from, offence_group, alcohol)."""
    n = len(rows)
    return inc.conform(pd.DataFrame({
        "crime_id": [f"c{i}" for i in range(n)],
        "occurred_from": pd.to_datetime([r[0] for r in rows]),
        "occurred_to": pd.NaT,
        "date_precision": "day",
        "offence_group": [r[1] for r in rows],
        "offence": "x",
        "alcohol": [r[2] for r in rows],
        "drugs": False,
        "domestic_abuse": False,
        "x": 0.0,
        "y": 0.0,
    }))


AREAS = ["North", "South", "Empty", "(outside areas)", "(no location)"]


@pytest.fixture
def incidents_and_labels():
    rows = [
        ("2013-04-03 22:00", "Violence with injury", True),
        ("2013-04-30 23:59", "Violence without injury", False),
        ("2014-04-01 00:00", "Violence with injury", True),
        ("2014-04-15 00:00", "Possession of drugs", False),
        ("2014-05-31 12:00", "Violence with injury", False),
        ("2014-05-02 12:00", "Violence with injury", False),
        ("2014-05-02 13:00", "Violence with injury", False),
    ]
    labels = pd.Series(pd.Categorical(["North", "North", "South", "North", "(outside areas)", "(no location)", "South"],
                                      categories=AREAS))
    return incident_frame(rows), labels


def test_monthly_counts_are_dense_and_drop_unassigned(incidents_and_labels):
    incidents, labels = incidents_and_labels
    assert pf.months_covered(incidents) == (M("2013-04"), M("2014-05"))
    counts = pf.monthly_counts(incidents, labels, measure="violence")
    assert list(counts.columns) == ["area", "month", "count"]
    assert list(counts["area"].cat.categories) == ["North", "South", "Empty"]
    assert len(counts) == 3 * 14  # every area x every month from 2013-04 to 2014-05
    assert isinstance(counts["month"].dtype, pd.PeriodDtype)
    by_cell = counts.set_index(["area", "month"])["count"]
    assert by_cell[("North", M("2013-04"))] == 2
    assert by_cell[("South", M("2014-04"))] == 1
    assert by_cell[("South", M("2014-05"))] == 1
    assert by_cell[("North", M("2014-04"))] == 0  # the possession offence is not violence
    assert counts["count"].sum() == 4
    assert counts.loc[counts["area"] == "Empty", "count"].sum() == 0

    everything = pf.monthly_counts(incidents, labels, include_unassigned=True)
    assert everything["count"].sum() == 7
    alcohol = pf.monthly_counts(incidents, labels, measure="alcohol", months=("2014-01", "2014-12"))
    assert alcohol["count"].sum() == 1 and len(alcohol) == 3 * 12


def test_monthly_counts_feed_the_table(incidents_and_labels):
    incidents, labels = incidents_and_labels
    counts = pf.monthly_counts(incidents, labels, measure="violence")
    table = pf.performance_table(counts, "2014-05", coverage=pf.months_covered(incidents))
    assert list(table["area"]) == ["North", "South", "Empty", "Total"]
    assert list(table["ytd"]) == [0, 2, 0, 2]
    assert list(table["ytd_last_year"]) == [2.0, 0.0, 0.0, 2.0]
    assert list(table["note_4yr"]) == ["only 1 previous year of data"] * 4
    series = pf.area_series(counts, "South")
    assert series.index[0] == M("2013-04") and series.sum() == 2 and len(series) == 14


def test_monthly_counts_by_measure_equal_one_measure_at_a_time(incidents_and_labels):
    incidents, labels = incidents_and_labels
    names = ["violence", "possession", "alcohol", "all"]
    for unassigned in (False, True):
        many = pf.monthly_counts_by_measure(incidents, labels, names, months=("2013-04", "2014-06"),
                                            include_unassigned=unassigned)
        assert list(many) == names
        for name in names:
            one = pf.monthly_counts(incidents, labels, measure=name, months=("2013-04", "2014-06"),
                                    include_unassigned=unassigned)
            pd.testing.assert_frame_equal(many[name], one)
    assert pf.monthly_counts_by_measure(incidents, labels, ["possession"])["possession"]["count"].sum() == 1
    with pytest.raises(HarmInputError, match="unknown measure"):
        pf.monthly_counts_by_measure(incidents, labels, ["burglary"])


def test_monthly_counts_need_one_label_per_incident(incidents_and_labels):
    incidents, labels = incidents_and_labels
    with pytest.raises(HarmInputError, match="one area label per incident"):
        pf.monthly_counts(incidents, labels[:3])


# --- six months and exceptions ---------------------------------------------------------------

def test_six_month_change():
    months = pd.period_range("2013-11", "2014-10", freq="M")
    counts = pd.DataFrame({
        "area": ["Up"] * 12 + ["Flat"] * 12,
        "month": list(months) * 2,
        "count": [10] * 6 + [20] * 6 + [7] * 12,
    })
    table = pf.six_month_change(counts, "2014-10", coverage=("2013-11", "2014-10"))
    assert list(table["last_6_months"]) == [120, 42, 162]
    assert list(table["previous_6_months"]) == [60, 42, 102]
    assert table["pct_change"].iloc[0] == 100.0 and table["pct_change"].iloc[1] == 0.0
    expected_p = [binomtest(c, c + b, 0.5).pvalue for c, b in [(120, 60), (42, 42), (162, 102)]]
    assert table["p_value"].to_numpy() == pytest.approx(expected_p, abs=1e-9)
    assert table["p_adj"].iloc[:2].to_numpy() == pytest.approx(
        multipletests(expected_p[:2], method="fdr_bh")[1], abs=1e-12)
    assert table["p_adj"].iloc[2] == table["p_value"].iloc[2]
    assert list(table["change"]) == ["statistically significant increase", "no significant change",
                                     "statistically significant increase"]
    short = pf.six_month_change(counts, "2014-10", coverage=("2014-01", "2014-10"))
    assert list(short["change"]) == ["n/a"] * 3 and short["note"].iloc[0] == "no data for the six months before"


def test_exceptions_newest_first():
    steady = {f"{year}-10": 5 for year in range(2010, 2015)}  # 5 a year: no change either way
    older = pf.performance_table(counts_frame({"A": {"2014-10": 100, "2013-10": 50}, "B": steady}),
                                 "2014-10", coverage=FULL)
    newer = pf.performance_table(counts_frame({"A": {"2015-01": 10, "2014-01": 40}}),
                                 "2015-01", coverage=("2010-04", "2015-01"))
    chart = spc.xmr_chart(pd.Series([10, 12, 11, 13, 10, 12, 11, 30, 12, 11, 10, 12, 13, 11],
                                    index=pd.period_range("2014-05", periods=14, freq="M"), dtype=float))
    found = pf.exceptions({"violence": older, "alcohol": newer}, {("violence", "B"): chart}, recent_months=12)
    assert list(found.columns) == ["month", "measure", "measure_label", "area", "comparison", "finding", "p_adj"]
    assert list(found["month"]) == sorted(found["month"], reverse=True)
    first = found.iloc[0]
    assert (first["month"], first["measure"], first["area"]) == (M("2015-01"), "alcohol", "A")
    assert first["finding"].startswith("statistically significant decrease (-75.0%)")
    spc_rows = found[found["comparison"] == "SPC chart"]
    assert list(spc_rows["month"]) == [M("2014-12")]
    assert spc_rows["finding"].iloc[0] == "special cause: outside the process limits (up)"
    assert "B" not in set(found.loc[found["comparison"] != "SPC chart", "area"])
    assert pf.exceptions({}).empty


def test_method_note_names_the_windows():
    note = pf.method_note("2014-10", coverage=FULL, n_areas=7)
    assert "2014-04..2014-10 (2014/15)" in note and "2013-04..2013-10" in note
    assert "2010/11 to 2013/14" in note and "7 area rows" in note and "total row" in note
