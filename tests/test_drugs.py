"""Drugs engine: drug-offence categories and rates, the drugs-marker step change (October 2017 in
the demo data, FACTS.md 003), and drug testing on arrest (funnel, positivity, suppression, CSV)."""

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box
import geopandas as gpd
from statsmodels.stats.proportion import proportion_confint

from harm.areas import AreaSet
from harm.drugs import marker, offences, testing
from harm.errors import HarmInputError


def incidents(rows):
    """Incidents from (month, offence_group, offence, drugs) tuples."""
    frame = pd.DataFrame(rows, columns=["month", "offence_group", "offence", "drugs"])
    frame["occurred_from"] = pd.to_datetime(frame.pop("month") + "-15")
    return frame


# --- drug offences ------------------------------------------------------------------------------------

def test_drug_offence_categories():
    frame = incidents([
        ("2017-04", "Possession of drugs", "Possession of cannabis", False),
        ("2017-04", "Possession of drugs", "Possession of a controlled drug - Class A", False),
        ("2017-05", "Trafficking of drugs", "Supply of cocaine", False),
        ("2018-04", "Drugs", "Drugs", False),  # data.police.uk: cannot be split
        ("2018-04", "Violence with injury", "Assault", True),
    ])
    assert offences.drug_offence_category(frame).astype(object).where(lambda s: s.notna(), None).tolist() == [
        offences.CANNABIS, offences.OTHER_POSSESSION, offences.TRAFFICKING, offences.NOT_SPLIT, None]
    by_year = offences.offences_by_year(frame).set_index(["fy", "category"])["count"]
    assert by_year[("2017/18", offences.CANNABIS)] == 1 and by_year[("2017/18", offences.TRAFFICKING)] == 1
    assert by_year[("2018/19", offences.NOT_SPLIT)] == 1 and by_year[("2018/19", offences.CANNABIS)] == 0
    monthly = offences.offences_by_month(frame)
    assert monthly["month"].nunique() == 13 and monthly["count"].sum() == 4
    # without data.police.uk rows the 'not split' category is not shown at all
    assert offences.NOT_SPLIT not in set(offences.offences_by_year(frame.iloc[:3])["category"])


def test_offences_by_area_rates_per_1000():
    areas = gpd.GeoDataFrame({"code": ["E1", "E2"], "name": ["North", "South"]},
                             geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=27700)
    area_set = AreaSet("csp", areas, pd.Series({"E1": 2000, "E2": 500}))
    frame = incidents([("2017-04", "Possession of drugs", "Possession of cannabis", False)] * 3
                      + [("2017-04", "Trafficking of drugs", "Supply", False)]
                      + [("2017-04", "Possession of drugs", "Possession of cannabis", False)])
    labels = pd.Series(["North", "North", "South", "North", "(no location)"])
    table = offences.offences_by_area(frame, labels, area_set).set_index("area")
    assert table.loc["North", offences.CANNABIS] == 2 and table.loc["North", offences.TRAFFICKING] == 1
    assert table.loc["North", "total"] == 3 and table.loc["North", "rate_per_1000"] == pytest.approx(1.5)
    assert table.loc["South", "rate_per_1000"] == pytest.approx(2.0)
    assert table.loc["(no location)", "total"] == 1  # so the table reconciles with the total


def test_demo_drug_offences_are_mostly_possession(demo_incidents):
    by_year = offences.offences_by_year(demo_incidents)
    year = by_year[by_year["fy"] == "2017/18"].set_index("category")["count"]
    possession = year[offences.CANNABIS] + year[offences.OTHER_POSSESSION]
    share = possession / year.sum()
    assert 0.65 < share < 0.85  # FACTS.md: 75% possession, 25% trafficking in 2017/18
    assert year[offences.CANNABIS] > year[offences.OTHER_POSSESSION]  # cannabis the largest share


# --- the drugs marker ------------------------------------------------------------------------------------

def test_step_change_found_at_october_2017_in_the_demo(demo_incidents):
    shares = marker.monthly_share(demo_incidents)
    step = marker.detect_step_change(shares)
    assert step.found and step.month == pd.Period("2017-10", "M")
    assert step.share_after < step.share_before and step.relative_change < -0.5
    assert "Step change in drugs-marker use from October 2017" in step.describe()
    assert "not a fall in drug-related crime" in marker.CAUTION
    around = marker.share_before_after(demo_incidents, step).set_index("offence_group")
    row = around.loc[marker.ALL_RECORDS]
    assert row["share_before"] == pytest.approx(step.share_before, rel=0.02)  # pooled vs mean of months
    assert row["records_before"] == shares[(shares["month"] >= pd.Period("2016-10", "M"))
                                           & (shares["month"] < pd.Period("2017-10", "M"))]["records"].sum()
    # marker on about 6% of all crime before the change (FACTS.md: 6% in 2016/17)
    years = marker.share_by_year(demo_incidents)
    share_2016 = years[(years["fy"] == "2016/17") & (years["offence_group"] == marker.ALL_RECORDS)]["share"].iloc[0]
    assert 0.05 < share_2016 < 0.08


def synthetic_shares(values, records=1000):
    months = pd.period_range("2015-01", periods=len(values), freq="M")
    marked = np.round(np.array(values) * records).astype(int)
    return pd.DataFrame({"month": months, "records": records, "marked": marked, "share": marked / records})


def test_step_detection_rule_by_hand():
    # 24 months at 10%, then 24 at 5%: the step is the first month at 5%.
    step = marker.detect_step_change(synthetic_shares([0.10] * 24 + [0.05] * 24))
    assert step.found and step.month == pd.Period("2017-01", "M")
    assert step.share_before == pytest.approx(0.10) and step.share_after == pytest.approx(0.05)
    assert step.relative_change == pytest.approx(-0.5)
    # a 10% relative shift is below the 25% threshold: the largest shift is reported, not a step change
    small = marker.detect_step_change(synthetic_shares([0.10] * 24 + [0.09] * 24))
    assert not small.found and "No step change" in small.describe()
    # too few months
    short = marker.detect_step_change(synthetic_shares([0.1] * 20))
    assert short.month is None and "Not enough months" in short.describe()
    with pytest.raises(HarmInputError):
        marker.detect_step_change(synthetic_shares([0.1] * 30), window=1)


def test_monthly_share_by_group_fills_empty_months():
    frame = incidents([("2017-01", "A", "a", True), ("2017-01", "A", "a", False), ("2017-03", "B", "b", True)])
    overall = marker.monthly_share(frame)
    assert overall["records"].tolist() == [2, 0, 1] and overall["marked"].tolist() == [1, 0, 1]
    assert overall["share"].iloc[0] == 0.5 and np.isnan(overall["share"].iloc[1])
    by_group = marker.monthly_share(frame, by_group=True)
    assert len(by_group) == 6


# --- drug testing on arrest -------------------------------------------------------------------------------

def test_demo_testing_matches_the_paper():
    west_mercia = testing.in_months(testing.load_testing("force"), "2017-04", "2017-09", ["West Mercia"])
    funnel = testing.funnel(west_mercia).set_index("stage")
    assert funnel.loc["tests", "count"] == 802  # FACTS.md: 802 tests Apr-Sep 2017
    assert funnel.loc["positive", "count"] == 505
    assert funnel.loc["positive", "share_of_tests"] == pytest.approx(0.63, abs=0.005)  # 63% Class A positive
    counts = funnel["count"].tolist()
    assert counts == sorted(counts, reverse=True)  # each stage is part of the one before
    assert funnel.loc["entered_treatment", "share_of_previous"] == pytest.approx(
        counts[4] / counts[3])
    iom = testing.funnel(testing.in_months(testing.load_testing("force"), "2014-04", "2014-09", ["West Mercia"]))
    assert iom["count"].tolist()[:2] == [600, 310]  # IOM: 600 tested, 310 positive and referred (000)


def test_levels_add_up():
    csp = testing.load_testing("csp")
    for level in ("la", "policing-area", "force"):
        other = testing.load_testing(level)
        assert other["tests"].sum() == csp["tests"].sum()
        assert other["entered_treatment"].sum() == csp["entered_treatment"].sum()
    assert set(testing.load_testing("force")["area"]) == {"West Mercia", "Warwickshire"}
    with pytest.raises(HarmInputError, match="cannot be shown by 'lsoa'"):
        testing.load_testing("lsoa")


def test_positivity_has_wilson_intervals():
    table = testing.positivity(testing.load_testing("la"), ["fy", "area"])
    low, high = proportion_confint(table["positive"], table["tests"], method="wilson")
    assert np.allclose(table["ci_low"], low) and np.allclose(table["ci_high"], high)
    assert np.allclose(table["positive_rate"], table["positive"] / table["tests"])
    assert (table["positive"] == table[testing.POSITIVE_PARTS].sum(axis=1)).all()


def small_testing():
    rows = [("A", "2017-04", 20, 2, 5, 3, 10, 8, 4), ("B", "2017-04", 30, 5, 6, 5, 16, 12, 7)]
    return pd.DataFrame(rows, columns=["area", "month", "tests", "positive_opiates_only", "positive_cocaine_only",
                                       "positive_both", "assessments_required", "assessments_attended",
                                       "entered_treatment"])


def test_testing_table_suppresses_small_counts_and_what_would_reveal_them():
    table = testing.by_area(small_testing())
    result = testing.suppress_by_area(table)
    text = result.text().set_index("area")
    assert text.loc["A", "positive_opiates_only"] == "<5"
    assert text.loc["A", "positive_both"] == "<5" and text.loc["A", "entered_treatment"] == "<5"
    # 2 + 3 hidden in a row whose positive total is 10, cocaine 5 shown: 10 - 5 = 5 = 2 + 3 could be 1+4
    # too, so A's positive may stay; but the all-areas opiates total (7) - B's 5 would give A's 2 back:
    assert text.loc["All areas", "positive_opiates_only"] == "[c]"
    assert text.loc["All areas", "entered_treatment"] == "[c]"
    assert text.loc["B", "tests"] == "30" and text.loc["B", "positive_rate"] == pytest.approx(16 / 30)


def test_funnel_suppression_hides_shares_that_give_a_count_back():
    funnel = testing.funnel(small_testing().iloc[:1].assign(entered_treatment=3))
    result = testing.suppress_funnel(funnel)
    text = result.text().set_index("stage")
    assert text.loc["entered_treatment", "count"] == "<5"
    assert text.loc["entered_treatment", "share_of_tests"] == ""
    assert text.loc["entered_treatment", "share_of_previous"] == ""
    assert text.loc["assessments_attended", "count"] == "8"


def test_testing_output_columns_and_totals():
    out = testing.testing_output(small_testing())
    assert list(out.columns) == ["area", "month", "tests", "positive", "positive_rate", "assessed",
                                 "entered_treatment"]
    assert out["area"].tolist() == ["A", "B", "All areas"]
    total = out.iloc[2]
    assert (total["tests"], total["positive"], total["assessed"]) == ("50", "26", "20")
    assert out.iloc[0]["entered_treatment"] == "<5" and total["entered_treatment"] == "[c]"
    assert out.iloc[1]["positive_rate"] == pytest.approx(53.3)


def test_read_testing_csv(tmp_path):
    path = tmp_path / "tests.csv"
    small_testing().to_csv(path, index=False)
    frame = testing.read_testing_csv(path)
    assert frame["tests"].tolist() == [20, 30] and frame["month"].tolist() == ["2017-04", "2017-04"]
    bad = small_testing().drop(columns=["tests"])
    bad.to_csv(path, index=False)
    with pytest.raises(HarmInputError, match="no column\\(s\\) tests") as info:
        testing.read_testing_csv(path)
    assert "positive_opiates_only" in str(info.value)  # names the columns expected
    worse = small_testing().assign(entered_treatment=[9, 7])
    worse.to_csv(path, index=False)
    with pytest.raises(HarmInputError, match="entered treatment exceeds attended on line 2"):
        testing.read_testing_csv(path)
    month = small_testing().assign(month=["April", "2017-04"])
    month.to_csv(path, index=False)
    with pytest.raises(HarmInputError, match="the month .April. on line 2 is not written YYYY-MM"):
        testing.read_testing_csv(path)
