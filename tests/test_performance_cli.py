"""``python -m harm performance`` and ``python -m harm spc``: table 1 of FACTS.md from the demo
data, exact p-values, and hand-made incident files whose answers are worked out here by hand
(windows straddling the financial-year start, an area with no incidents, each SPC rule)."""

import csv
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest
from shapely.geometry import box
from statsmodels.stats.multitest import multipletests

from harm import periods
from harm.cli import common, main
from harm.errors import HarmInputError
from harm.performance_view import CLI_COLUMNS, SPC_CLI_COLUMNS

FACTS_TABLE_1 = Path(__file__).resolve().parents[2] / "shared" / "docs" / "FACTS.md"
# Table 1 as printed in FACTS.md (area, YTD, YTD last year, % change, v 4-yr avg).
TABLE_1 = [
    ("Herefordshire", "4729", "5230", "-9.6", "-17.3"),
    ("North Warwickshire", "9692", "10234", "-5.3", "-9.1"),
    ("North Worcestershire", "9213", "8527", "8.0", "-11.5"),
    ("Shropshire", "7013", "6853", "2.3", "-9.5"),
    ("South Warwickshire", "6629", "7352", "-9.8", "-18.2"),
    ("South Worcestershire", "9234", "8632", "7.0", "-7.4"),
    ("Telford & Wrekin", "6011", "5769", "4.2", "-5.0"),
]


def read_text_csv(path) -> pd.DataFrame:
    """The CSV exactly as written (every cell as text, empty cells as "")."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def run_ok(*args) -> None:
    assert main(list(map(str, args))) == 0


@pytest.fixture(scope="module")
def table_1_csv(tmp_path_factory):
    out = tmp_path_factory.mktemp("perf") / "violence-ytd-2014-10.csv"
    run_ok("performance", "--area-level", "policing-area", "--as-of", "2014-10", "--measure", "violence",
           "--out", out)
    return out


# --- the done-when command ---------------------------------------------------------------------

def test_table_1_of_facts_is_reproduced_as_printed(table_1_csv):
    table = read_text_csv(table_1_csv).set_index("area")
    assert list(read_text_csv(table_1_csv).columns) == CLI_COLUMNS
    for area, ytd, last, pct, v4 in TABLE_1:
        assert table.loc[area, "ytd"] == ytd
        assert table.loc[area, "ytd_last_year"] == last
        assert table.loc[area, "pct_change"] == pct
        assert table.loc[area, "pct_vs_4yr_avg"] == v4


def test_the_table_in_facts_md_is_the_one_checked():
    if not FACTS_TABLE_1.is_file():
        pytest.skip(f"{FACTS_TABLE_1} is absent")
    text = FACTS_TABLE_1.read_text("utf-8")
    for area, ytd, last, pct, v4 in TABLE_1:
        assert f"| {area} | {ytd} | {last} | {pct}% | {v4}% |" in text


def test_p_values_are_scipy_binomtest_and_bh_across_the_area_rows(table_1_csv):
    table = pd.read_csv(table_1_csv).set_index("area")
    areas = [row[0] for row in TABLE_1]
    for area in areas:
        ytd, last, sum_4yr = table.loc[area, "ytd"], table.loc[area, "ytd_last_year"], 4 * table.loc[area, "avg_4yr"]
        assert table.loc[area, "p_value"] == pytest.approx(binomtest(int(ytd), int(ytd + last), 0.5).pvalue,
                                                           abs=1e-9, rel=1e-9)
        assert table.loc[area, "p_value_4yr"] == pytest.approx(
            binomtest(int(ytd), int(ytd + round(sum_4yr)), 0.2).pvalue, abs=1e-9, rel=1e-9)
    for p_col, adj_col in [("p_value", "p_adj"), ("p_value_4yr", "p_adj_4yr")]:
        expected = multipletests(table.loc[areas, p_col].to_numpy(), method="fdr_bh")[1]
        assert table.loc[areas, adj_col].to_numpy() == pytest.approx(expected, rel=1e-12)
    assert table.loc["Herefordshire", "change"] == "statistically significant decrease"
    assert table.loc["North Worcestershire", "change"] == "statistically significant increase"
    assert table.loc["Shropshire", "change"] == "no significant change"
    assert set(table["change_4yr"].iloc[:7]) == {"statistically significant decrease"}


def test_total_row_reconciles_with_the_force_wide_count(table_1_csv, demo_incidents):
    table = pd.read_csv(table_1_csv)
    assert list(table["area"]) == [r[0] for r in TABLE_1] + ["(no location)", "Total"]
    month = demo_incidents["occurred_from"].dt.to_period("M")
    violence = demo_incidents["offence_group"].isin(["Violence with injury", "Violence without injury"])
    in_ytd = (month >= pd.Period("2014-04", "M")) & (month <= pd.Period("2014-10", "M"))
    total = table.set_index("area").loc["Total"]
    assert total["ytd"] == int((violence & in_ytd).sum())
    assert total["ytd"] == table["ytd"].iloc[:-1].sum()
    assert total["ytd_last_year"] == table["ytd_last_year"].iloc[:-1].sum()
    unassigned = table.set_index("area").loc["(no location)"]
    assert unassigned["change"] == "not tested (not an area)" and np.isnan(unassigned["p_value"])
    assert total["p_adj"] == total["p_value"]  # the total is one test of its own, outside the BH family


def test_four_year_columns_are_empty_and_say_n_a_with_three_previous_years(tmp_path, capsys):
    out = tmp_path / "p.csv"
    run_ok("performance", "--area-level", "force", "--as-of", "2013-10", "--measure", "violence", "--out", out)
    table = read_text_csv(out)
    assert set(table["avg_4yr"]) == {""} and set(table["pct_vs_4yr_avg"]) == {""}
    areas_and_total = table[table["area"] != "(no location)"]
    assert set(table["p_value_4yr"]) == {""} and set(areas_and_total["change_4yr"]) == {"n/a"}
    assert "" not in set(table["pct_change"])
    assert "only 3 previous years of data" in capsys.readouterr().err


def test_default_measure_is_every_incident(tmp_path, demo_incidents):
    out = tmp_path / "all.csv"
    run_ok("performance", "--area-level", "force", "--as-of", "2015-03", "--out", out)
    total = pd.read_csv(out).set_index("area").loc["Total"]
    month = demo_incidents["occurred_from"].dt.to_period("M")
    assert total["ytd"] == int(((month >= pd.Period("2014-04", "M")) & (month <= pd.Period("2015-03", "M"))).sum())


def test_six_months_and_exceptions_files(tmp_path):
    out, six, found = tmp_path / "p.csv", tmp_path / "six.csv", tmp_path / "exceptions.csv"
    run_ok("performance", "--area-level", "policing-area", "--as-of", "2014-10", "--measure", "violence",
           "--out", out, "--six-months-out", six, "--exceptions-out", found, "--rebase", "2017-10")
    six_table = pd.read_csv(six).set_index("area")
    assert list(pd.read_csv(six).columns) == ["area", "last_6_months", "previous_6_months", "pct_change", "p_value",
                                              "p_adj", "change"]
    here = six_table.loc["Herefordshire"]
    assert here["p_value"] == pytest.approx(
        binomtest(int(here["last_6_months"]), int(here["last_6_months"] + here["previous_6_months"]), 0.5).pvalue,
        abs=1e-9)
    exceptions = pd.read_csv(found)
    assert list(exceptions.columns) == ["month", "measure", "measure_label", "area", "comparison", "finding", "p_adj"]
    assert list(exceptions["month"]) == sorted(exceptions["month"], reverse=True)
    assert set(exceptions["measure"]) <= {"all", "violence", "violence-with-injury", "violence-without-injury",
                                          "alcohol", "drugs-marker", "domestic-abuse", "drug-offences",
                                          "possession", "trafficking"}
    herefordshire = exceptions[(exceptions["measure"] == "violence") & (exceptions["area"] == "Herefordshire")]
    assert "statistically significant decrease (-9.6%)" in set(herefordshire["finding"])


# --- hand-made data: financial-year edges, an empty area, no location ---------------------------

NORTH = (385_000, 255_000)
SOUTH = (385_000, 245_000)


def north_count(month: pd.Period) -> int:
    return 10 + month.month + (month.year - 2009)  # differs by month and by year


def south_count(month: pd.Period) -> int:
    return 30 if month.month in (3, 4) else 5  # heavy either side of the financial-year start


def write_incidents(path: Path, rows: list[tuple[str, tuple[float, float] | None, str]]) -> Path:
    """rows: (occurred_from, (easting, northing) or None, offence_group)."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["crime_id", "occurred_from", "occurred_to", "date_precision", "offence_group", "offence",
                         "alcohol", "drugs", "domestic_abuse", "easting", "northing"])
        for i, (when, where, group) in enumerate(rows):
            e, n = where if where else ("", "")
            writer.writerow([f"T{i:06d}", when, "", "minute", group, "x", "false", "false", "false", e, n])
    return path


@pytest.fixture(scope="module")
def hand_made(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hand-made")
    rows = []
    for month in pd.period_range("2009-04", "2015-03", freq="M"):
        last_day = month.end_time.strftime("%Y-%m-%d")
        first_day = month.start_time.strftime("%Y-%m-%d")
        # on the first minute and the last minute of the month: the month edges are exact
        rows += [(f"{first_day}T00:00" if i % 2 else f"{last_day}T23:59", NORTH, "Violence with injury")
                 for i in range(north_count(month))]
        rows += [(f"{last_day}T23:59", SOUTH, "Violence without injury") for _ in range(south_count(month))]
        rows += [(f"{first_day}T12:00", NORTH, "Possession of drugs")]  # not violence
    rows += [("2014-05-10T10:00", None, "Violence with injury")]  # no location
    incidents = write_incidents(folder / "incidents.csv", rows)
    areas = gpd.GeoDataFrame(
        {"name": ["North", "South", "Empty"]},
        geometry=[box(380_000, 250_000, 390_000, 260_000), box(380_000, 240_000, 390_000, 250_000),
                  box(300_000, 100_000, 301_000, 101_000)],
        crs=27700,
    ).to_crs(4326)
    boundaries = folder / "areas.geojson"
    areas.to_file(boundaries, driver="GeoJSON")
    return incidents, boundaries


def window_sum(count, first: str, last: str) -> int:
    return sum(count(m) for m in pd.period_range(first, last, freq="M"))


def hand_made_table(hand_made, tmp_path, as_of: str, measure: str = "violence") -> pd.DataFrame:
    incidents, boundaries = hand_made
    out = tmp_path / f"hand-{as_of}.csv"
    run_ok("performance", "--incidents", incidents, "--boundaries", boundaries, "--area-field", "name",
           "--as-of", as_of, "--measure", measure, "--out", out)
    return pd.read_csv(out, keep_default_na=False, na_values=[""]).set_index("area")


@pytest.mark.parametrize("as_of, ytd_first", [
    ("2014-04", "2014-04"),  # the first month of the financial year: one month
    ("2015-03", "2014-04"),  # the last: twelve months, across the calendar year
    ("2015-01", "2014-04"),  # January belongs to the financial year that began the April before
    ("2014-03", "2013-04"),  # March 2014 closes 2013/14
])
def test_windows_straddling_the_financial_year_start(hand_made, tmp_path, as_of, ytd_first):
    table = hand_made_table(hand_made, tmp_path, as_of)
    back = lambda text, years: str(pd.Period(text, "M") - 12 * years)  # noqa: E731
    for area, count in [("North", north_count), ("South", south_count)]:
        row = table.loc[area]
        ytd = window_sum(count, ytd_first, as_of)
        last = window_sum(count, back(ytd_first, 1), back(as_of, 1))
        sum_4yr = sum(window_sum(count, back(ytd_first, k), back(as_of, k)) for k in range(1, 5))
        assert (row["ytd"], row["ytd_last_year"], row["avg_4yr"]) == (ytd, last, sum_4yr / 4)
        assert row["pct_change"] == round((ytd / last - 1) * 100, 1) or last == ytd
        assert row["p_value"] == pytest.approx(binomtest(ytd, ytd + last, 0.5).pvalue, abs=1e-9)
        assert row["p_value_4yr"] == pytest.approx(binomtest(ytd, ytd + sum_4yr, 0.2).pvalue, abs=1e-9)


def test_south_april_alone_against_march(hand_made, tmp_path):
    # South has 30 in March and 30 in April: as of April the YTD is April only (30), never March too
    table = hand_made_table(hand_made, tmp_path, "2014-04")
    assert table.loc["South", "ytd"] == 30 and table.loc["South", "ytd_last_year"] == 30
    assert table.loc["South", "pct_change"] == 0.0 and table.loc["South", "change"] == "no significant change"


def test_an_area_with_no_incidents(hand_made, tmp_path):
    table = hand_made_table(hand_made, tmp_path, "2014-10")
    empty = table.loc["Empty"]
    assert (empty["ytd"], empty["ytd_last_year"], empty["avg_4yr"]) == (0, 0, 0.0)
    assert np.isnan(empty["pct_change"]) and np.isnan(empty["pct_vs_4yr_avg"])
    assert empty["p_value"] == 1.0 and empty["p_value_4yr"] == 1.0
    assert empty["change"] == "no significant change" and empty["change_4yr"] == "no significant change"
    # the family is the three boundary areas (Empty included); the no-location row is outside it
    areas = ["North", "South", "Empty"]
    assert table.loc[areas, "p_adj"].to_numpy() == pytest.approx(
        multipletests(table.loc[areas, "p_value"].to_numpy(), method="fdr_bh")[1], rel=1e-12)
    assert table.loc["(no location)", "ytd"] == 1
    assert table.loc["Total", "ytd"] == table.loc[areas, "ytd"].sum() + 1


def test_the_data_must_cover_the_year_to_date(hand_made, tmp_path, capsys):
    incidents, boundaries = hand_made
    code = main(["performance", "--incidents", str(incidents), "--boundaries", str(boundaries), "--area-field",
                 "name", "--as-of", "2015-04", "--out", str(tmp_path / "x.csv")])
    err = capsys.readouterr().err
    assert code == 2 and "is not inside the data (2009-04..2015-03)" in err and "Traceback" not in err


@pytest.mark.parametrize("args, message", [
    (["performance", "--as-of", "2014-13"], "--as-of: '2014-13' is a month that does not exist"),
    (["performance", "--as-of", "October"], "--as-of: 'October' is not a month"),
    (["performance", "--as-of", "2014-10", "--measure", "burglary"], "--measure: unknown measure 'burglary'"),
    (["performance", "--as-of", "2009-10"], "is not inside the data"),
    (["performance", "--as-of", "2014-10", "--period", "2014-10..2014-04"], "starts after it ends"),
    (["spc", "--area", "Atlantis"], "--area 'Atlantis' is not an area of"),
    (["spc", "--measure", "burglary"], "--measure: unknown measure"),
    (["spc", "--rebase", "2017-1"], "--rebase: '2017-1' is not a month"),
])
def test_bad_options_exit_2_with_one_line(tmp_path, capsys, args, message):
    assert main([*args, "--out", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


# --- one parse_period for the whole CLI -----------------------------------------------------------

def test_cli_period_is_harm_periods_with_open_ends():
    assert common.parse_period("2014-04..2014-10") == periods.parse_period("2014-04..2014-10")
    assert common.parse_period("2014-04..") == (pd.Period("2014-04", "M"), None)
    assert common.parse_period("..2014-10") == (None, pd.Period("2014-10", "M"))
    assert common.parse_period(None) == (None, None) and common.parse_period(" ") == (None, None)
    for text, message in [("..", "is not a period"), ("2014-13..2014-14", "month that does not exist"),
                          ("last year", "is not a period"), ("2014-04", "is not a period")]:
        with pytest.raises(HarmInputError, match=message) as err:
            common.parse_period(text)
        assert str(err.value).startswith("--period: ")
    with pytest.raises(HarmInputError, match="is not a period"):
        periods.parse_period("2014-04..")  # open ends only where asked for


# --- spc ----------------------------------------------------------------------------------------

SPIKE = [10, 12, 11, 13, 10, 12, 11, 30, 12, 11, 10, 12, 13, 11]  # tests/test_spc.py's hand-worked series
SHIFT = [9, 11, 9, 11, 9, 11, 9, 11, 12, 11, 12, 11, 12, 11, 9, 11, 9, 11, 9, 10]
TREND = [10, 11, 9, 10, 11, 9, 10, 7, 8, 9, 10, 11, 12, 13, 10, 9, 11, 10, 9, 11]
TWO_IN_THREE = [100, 102] * 5 + [108, 102, 108] + [100, 102] * 3 + [100]


def spc_csv(tmp_path, values, *extra, start="2020-01") -> pd.DataFrame:
    rows = []
    for month, n in zip(pd.period_range(start, periods=len(values), freq="M"), values):
        rows += [(month.start_time.strftime("%Y-%m-%dT08:00"), NORTH, "Violence with injury")] * n
    incidents = write_incidents(tmp_path / "series.csv", rows)
    out = tmp_path / "spc.csv"
    run_ok("spc", "--incidents", incidents, *extra, "--out", out)
    return pd.read_csv(out, keep_default_na=False)


def test_spc_columns_and_limits_match_the_hand_worked_spike(tmp_path):
    chart = spc_csv(tmp_path, SPIKE)
    assert list(chart.columns) == SPC_CLI_COLUMNS
    assert list(chart["month"]) == [str(m) for m in pd.period_range("2020-01", periods=14, freq="M")]
    assert list(chart["value"]) == SPIKE
    mean, amr = 178 / 14, 18 / 11  # the moving ranges 19 and 18 are screened out
    assert chart["mean"].to_numpy() == pytest.approx([mean] * 14, abs=1e-12)
    assert chart["lower"].to_numpy() == pytest.approx([mean - 2.66 * amr] * 14, abs=1e-12)
    assert chart["upper"].to_numpy() == pytest.approx([mean + 2.66 * amr] * 14, abs=1e-12)
    assert list(chart["special_cause"]) == [""] * 7 + ["outside_limits"] + [""] * 6


@pytest.mark.parametrize("values, rule, flagged", [
    (SHIFT, "shift", list(range(7, 14))),
    (TREND, "trend", list(range(7, 14))),
    (TWO_IN_THREE, "two_in_three", [10, 12]),
])
def test_spc_each_rule_on_its_hand_worked_series(tmp_path, values, rule, flagged):
    chart = spc_csv(tmp_path, values)
    assert list(np.flatnonzero(chart["special_cause"].to_numpy() == rule)) == flagged
    assert set(chart["special_cause"]) == {"", rule}


def test_spc_rebase_restarts_the_limits(tmp_path):
    chart = spc_csv(tmp_path, [20, 22] * 6 + [10, 12] * 6, "--rebase", "2017-10", start="2016-10")
    assert list(chart["mean"]) == [21.0] * 12 + [11.0] * 12
    assert chart["upper"].iloc[12] == pytest.approx(11 + 2.66 * 2, abs=1e-12)
    assert set(chart["special_cause"]) == {""}


def test_spc_for_one_demo_area_is_its_monthly_violence(tmp_path, demo_incidents):
    out = tmp_path / "spc.csv"
    run_ok("spc", "--area-level", "policing-area", "--area", "Herefordshire", "--measure", "violence",
           "--out", out)
    chart = pd.read_csv(out, keep_default_na=False)
    assert len(chart) == 120 and chart["month"].iloc[0] == "2010-04" and chart["month"].iloc[-1] == "2020-03"
    ytd_2014 = chart[(chart["month"] >= "2014-04") & (chart["month"] <= "2014-10")]["value"].sum()
    assert ytd_2014 == 4729  # table 1
    assert set(chart["special_cause"]) <= {"", "outside_limits", "trend", "two_in_three", "shift"}
