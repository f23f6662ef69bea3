"""Treatment engine: demo data calibrated to FACTS.md, Wilson intervals against statsmodels,
better / similar / worse against England (METHODS.md §6), unmet need and cost to society (§7)."""

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from harm.errors import HarmInputError
from harm.treatment import (annual_summary, compare_with_england, completion_output, completion_table,
                            cost_to_society, demo_data, outcome_table, unmet_need, wilson_interval)
from harm.treatment.annual import force_summary, quarterly_to_annual
from harm.treatment.need import cost_note
from harm.treatment.schema import ALL, SUBSTANCES, substance_key, year_label, year_start

WEST_MERCIA_LAS = ["Herefordshire", "Shropshire", "Telford and Wrekin", "Worcestershire"]


@pytest.fixture(scope="module")
def data():
    return demo_data()


@pytest.fixture(scope="module")
def annual(data):
    return data.annual_frame()


# --- demo calibration (FACTS.md, West Mercia 2016/17) ---------------------------------------------

def test_demo_west_mercia_2016_17_matches_the_paper(annual):
    forces = force_summary(annual, level="la", year="2016/17").set_index("force")
    wm = forces.loc["West Mercia"]
    assert wm["areas"] == 4
    assert wm["in_treatment"] == 5000  # "~5,000 adults in community drug treatment in 2016/17"
    assert wm["opiate_in_treatment"] == 3000  # "~3,000 of them opiate users"
    assert wm["opiate_completions"] == 180
    assert wm["opiate_completion_rate"] == pytest.approx(0.06)  # "only 6% of opiate clients"
    # The same at CSP level: authorities are sums of their CSPs.
    csp = force_summary(annual, level="csp", year="2016/17").set_index("force").loc["West Mercia"]
    assert (csp["in_treatment"], csp["opiate_in_treatment"], csp["opiate_completions"]) == (5000, 3000, 180)


def test_demo_prevalence_is_about_six_thousand_and_half_are_in_treatment(data):
    need = unmet_need(data, level="la", years=["2016/17"], areas=WEST_MERCIA_LAS)
    assert need["prevalence"].sum() == 6000  # "~6,000 opiate and/or crack users"
    assert need["in_treatment"].sum() == 3000
    assert need["unmet_need"].sum() == 3000  # "only ~50% of OCU in need are in treatment"
    assert (need["unmet_need"] == need["prevalence"] - need["in_treatment"]).all()
    assert np.allclose(need["share_not_in_treatment"], need["unmet_need"] / need["prevalence"])


def test_demo_cjs_referrals_are_about_one_fifth_and_all_years_are_present(annual):
    la = annual[(annual["level"] == "la") & (annual["substance"] == ALL)]
    share = la["referrals_cjs"].sum() / la["new_presentations"].sum()
    assert 0.17 < share < 0.23  # "the criminal justice system supplies one fifth of referrals"
    assert sorted(la["year"].unique()) == [year_label(y) for y in range(2010, 2020)]
    assert set(annual["level"]) == {"la", "csp", "england"}
    assert set(annual["substance"]) == set(SUBSTANCES) | {ALL}


def test_demo_is_deterministic_and_internally_consistent(data):
    again = demo_data()
    pd.testing.assert_frame_equal(data.quarterly, again.quarterly)
    q = data.quarterly
    assert (q["in_treatment"] == q["carried_over"] + q["new_presentations"]).all()
    for part, whole in (("completions", "exits"), ("retained_12_weeks", "exits"),
                        ("waiting_over_3_weeks", "new_presentations"), ("referrals_cjs", "new_presentations")):
        assert (q[part] <= q[whole]).all(), part
    # authorities are the sum of their CSPs, quarter by quarter
    la = q[q["level"] == "la"].groupby(["year", "quarter", "substance"])["new_presentations"].sum()
    csp = q[q["level"] == "csp"].groupby(["year", "quarter", "substance"])["new_presentations"].sum()
    pd.testing.assert_series_equal(la, csp)
    assert data.is_demo and "Synthetic" in data.source


def test_quarterly_to_annual_rolls_up_flows_and_carries_the_first_quarter():
    rows = []
    for k, (carried, new, sc) in enumerate([(100, 10, 2), (95, 12, 3), (90, 8, 1), (85, 9, 4)], start=1):
        rows.append({"level": "la", "area_code": "X", "area": "Xshire", "year": "2016/17", "substance": "opiate",
                     "quarter": k, "period": f"2016/17 Q{k}", "carried_over": carried, "new_presentations": new,
                     "in_treatment": carried + new, "exits": 15, "completions": sc, "re_presentations": 0,
                     "retained_12_weeks": 10, "waiting_over_3_weeks": 1, "referrals_cjs": 2})
    annual = quarterly_to_annual(pd.DataFrame(rows))
    row = annual.iloc[0]
    assert row["in_treatment"] == 100 + 10 + 12 + 8 + 9  # carried into Q1 + everyone who started
    assert row["completions"] == 10 and row["exits"] == 60 and row["referrals_cjs"] == 8
    # an incomplete year is not rolled up
    assert quarterly_to_annual(pd.DataFrame(rows[:3])).empty


def test_annual_summary_columns_and_rates(data):
    summary = annual_summary(data, "la")
    assert list(summary.columns[:4]) == ["area_code", "area", "year", "substance"]
    row = summary[(summary["area"] == "Worcestershire") & (summary["year"] == "2016/17")
                  & (summary["substance"] == "opiate")].iloc[0]
    assert row["completion_rate"] == pytest.approx(row["completions"] / row["in_treatment"])
    assert row["area_code"] == "E10000034"
    assert "England" in set(annual_summary(data, "csp", include_england=True)["area"])
    with pytest.raises(HarmInputError, match="unknown treatment area level"):
        annual_summary(data, "lsoa")


# --- Wilson intervals and the comparison with England ---------------------------------------------

@pytest.mark.parametrize("x, n", [(0, 10), (10, 10), (1, 3), (180, 3000), (50, 575), (3, 4), (9158, 24602)])
def test_wilson_equals_statsmodels(x, n):
    low, high = wilson_interval([x], [n])
    ref_low, ref_high = proportion_confint(x, n, alpha=0.05, method="wilson")
    assert low[0] == pytest.approx(ref_low, abs=1e-12)
    assert high[0] == pytest.approx(ref_high, abs=1e-12)


def test_wilson_vectorised_and_undefined_for_zero_trials():
    x, n = np.array([5, 20, 0]), np.array([40, 80, 0])
    low, high = wilson_interval(x, n)
    ref_low, ref_high = proportion_confint(x[:2], n[:2], method="wilson")
    assert np.allclose(low[:2], ref_low) and np.allclose(high[:2], ref_high)
    assert np.isnan(low[2]) and np.isnan(high[2])
    with pytest.raises(HarmInputError, match="larger than its denominator"):
        wilson_interval([5], [4])


def test_compare_with_england_words():
    low, high = [0.10, 0.04, 0.01, np.nan], [0.20, 0.08, 0.05, 0.2]
    assert compare_with_england(low, high, 0.06).tolist() == ["better", "similar", "worse", "n/a"]
    assert compare_with_england(low, high, 0.06, higher_is_better=False).tolist() == ["worse", "similar", "better",
                                                                                       "n/a"]
    assert compare_with_england(low, high, 0.06, higher_is_better=None).tolist() == ["higher", "similar", "lower",
                                                                                      "n/a"]
    # an England value exactly on the limit is inside the interval: similar
    assert compare_with_england([0.06], [0.1], [0.06]).tolist() == ["similar"]


def test_completion_table_intervals_and_verdicts_on_the_demo(annual):
    table = completion_table(annual, level="csp", years=["2016/17"])
    assert list(table.columns) == ["area", "period", "substance", "in_treatment", "completions", "completion_rate",
                                   "ci_low", "ci_high", "england_rate", "vs_england"]
    assert len(table) == 9 * 5
    ref_low, ref_high = proportion_confint(table["completions"], table["in_treatment"], method="wilson")
    assert np.allclose(table["ci_low"], ref_low) and np.allclose(table["ci_high"], ref_high)
    england = annual[(annual["level"] == "england") & (annual["year"] == "2016/17")].set_index("substance")
    expected_eng = table["substance"].map(england["completions"] / england["in_treatment"])
    assert np.allclose(table["england_rate"], expected_eng)
    words = np.where(table["ci_low"] > table["england_rate"], "better",
                     np.where(table["ci_high"] < table["england_rate"], "worse", "similar"))
    assert table["vs_england"].tolist() == words.tolist()
    assert {"better", "similar", "worse"} <= set(table["vs_england"])  # the demo shows all three words


def test_completion_output_writes_percent_and_suppresses_small_counts():
    annual = pd.DataFrame({
        "level": ["la"] * 5 + ["england"] * 5, "area_code": [""] * 10,
        "area": ["Smalltown"] * 5 + ["England"] * 5, "year": ["2016/17"] * 10,
        "substance": list(SUBSTANCES) + [ALL] + list(SUBSTANCES) + [ALL],
        "in_treatment": [100, 30, 50, 20, 200, 1000, 300, 500, 200, 2000],
        "completions": [3, 10, 20, 5, 38, 60, 100, 200, 70, 430],
    })
    for column in ("new_presentations", "exits", "re_presentations", "retained_12_weeks", "waiting_over_3_weeks",
                   "referrals_cjs", "completion_base"):
        annual[column] = np.nan
    out = completion_output(completion_table(annual, level="la")).set_index("substance")
    assert out.loc["opiate", "completions"] == "<5"
    assert out.loc["opiate", "completion_rate"] == "" and out.loc["opiate", "ci_low"] == ""
    assert out.loc["opiate", "vs_england"] == "suppressed"
    # 38 - 10 - 20 - 5 = 3: the all-substances total would give the opiate count back
    assert out.loc[ALL, "completions"] == "[c]" and out.loc[ALL, "vs_england"] == "suppressed"
    low, high = proportion_confint(10, 30, method="wilson")
    assert out.loc["non-opiate", "completion_rate"] == pytest.approx(33.3)
    assert out.loc["non-opiate", "ci_low"] == pytest.approx(round(low * 100, 1))
    assert out.loc["non-opiate", "ci_high"] == pytest.approx(round(high * 100, 1))
    assert out.loc["non-opiate", "england_rate"] == pytest.approx(33.3)
    assert out.loc["non-opiate", "vs_england"] == "similar"
    assert out.loc["non-opiate", "in_treatment"] == "30"


def test_other_outcomes_have_their_own_denominators_and_polarity(annual):
    rows = annual[(annual["level"] == "la") & (annual["year"] == "2016/17") & (annual["area"] == "Shropshire")
                  & (annual["substance"] == "opiate")].iloc[0]
    re_pres = outcome_table(annual, "re-presentation", level="la", years=["2016/17"], substances=["opiate"],
                            areas=["Shropshire"]).iloc[0]
    assert re_pres["numerator"] == rows["re_presentations"]
    assert re_pres["denominator"] == rows["completions"] + rows["re_presentations"]
    waiting = outcome_table(annual, "waiting", level="la", years=["2016/17"], substances=["opiate"],
                            areas=["Shropshire"]).iloc[0]
    assert (waiting["numerator"], waiting["denominator"]) == (rows["waiting_over_3_weeks"], rows["new_presentations"])
    cjs = outcome_table(annual, "cjs-referrals", level="la", years=["2016/17"])
    assert set(cjs["vs_england"]) <= {"higher", "similar", "lower"}
    retention = outcome_table(annual, "retention", level="la", years=["2016/17"], total_label="All areas shown")
    total = retention[(retention["area"] == "All areas shown") & (retention["substance"] == "opiate")].iloc[0]
    parts = retention[(retention["area"] != "All areas shown") & (retention["substance"] == "opiate")]
    assert total["numerator"] == parts["numerator"].sum() and total["denominator"] == parts["denominator"].sum()
    with pytest.raises(HarmInputError, match="unknown outcome"):
        outcome_table(annual, "happiness", level="la")


# --- unmet need and cost ----------------------------------------------------------------------------

def test_unmet_need_comparison_uses_the_prevalence_interval(data):
    need = unmet_need(data, level="la", years=["2016/17"])
    row = need[need["area"] == "Worcestershire"].iloc[0]
    assert row["share_low"] == pytest.approx(1 - row["in_treatment"] / row["prevalence_low"])
    assert row["share_high"] == pytest.approx(1 - row["in_treatment"] / row["prevalence_high"])
    eng = data.prevalence[(data.prevalence["level"] == "england") & (data.prevalence["year"] == "2016/17")]
    annual = data.annual_frame()
    eng_treated = annual[(annual["level"] == "england") & (annual["year"] == "2016/17")
                         & (annual["substance"] == "opiate")]["in_treatment"].iloc[0]
    assert row["england_share"] == pytest.approx(1 - eng_treated / eng["prevalence"].iloc[0])
    expected = compare_with_england([row["share_low"]], [row["share_high"]], [row["england_share"]],
                                    higher_is_better=False)[0]
    assert row["vs_england"] == expected


def test_cost_to_society_matches_the_paper():
    cost = cost_to_society(6000)
    assert cost["cost_2003_04"].iloc[0] == 6000 * 44_231  # £265.4m, "~£265 m a year"
    assert round(cost["cost"].iloc[0] / 1e6) == 265
    inflated = cost_to_society([6000, 100], 1.5)
    assert inflated["cost"].tolist() == [6000 * 44_231 * 1.5, 100 * 44_231 * 1.5]
    note = cost_note(6000)
    assert "£265.4 million" in note and "2003/04 prices" in note
    assert "x 1.5" in cost_note(6000, 1.5)
    with pytest.raises(HarmInputError, match="above 0"):
        cost_to_society(10, 0)


def test_substance_names_and_years():
    assert substance_key("Non-opiate & alcohol") == "non-opiate and alcohol"
    assert substance_key(" OPIATE ") == "opiate" and substance_key("Total") == ALL
    with pytest.raises(HarmInputError, match="unknown substance group 'crack'"):
        substance_key("crack")
    assert year_label(2019) == "2019/20" and year_label(1999) == "1999/00" and year_start("2016/17") == 2016


def test_in_treatment_table_uses_numbers_in_treatment_and_adds_a_total(annual):
    from harm.treatment.annual import in_treatment_table

    table = in_treatment_table(annual, level="la", year="2016/17", areas=WEST_MERCIA_LAS, total_label="Total")
    assert table["area"].unique().tolist() == WEST_MERCIA_LAS + ["Total"]
    total = table[table["area"] == "Total"].set_index("substance")["in_treatment"]
    assert total[ALL] == 5000 and total["opiate"] == 3000
    parts = table[(table["area"] != "Total") & (table["substance"] == "alcohol")]["in_treatment"].sum()
    assert total["alcohol"] == parts


def test_need_output_rounds_and_suppresses():
    from harm.treatment.data import TreatmentData
    from harm.treatment.need import need_output

    prevalence = pd.DataFrame({
        "level": ["la", "la", "england"], "area_code": ["", "", ""], "area": ["Tiny", "Big", "England"],
        "year": ["2019/20"] * 3, "substance": ["opiate and/or crack"] * 3, "prevalence": [10.0, 2635.0, 300000.0],
        "prevalence_low": [8.0, 2000.0, 290000.0], "prevalence_high": [12.0, 3000.0, 310000.0],
        "in_treatment": [3.0, 1231.666667, 150000.0]})
    need_table = unmet_need(TreatmentData(prevalence=prevalence), level="la")
    out = need_output(need_table).set_index("area")
    assert out.loc["Tiny", "in_treatment"] == "<5"
    assert out.loc["Tiny", ["unmet_need", "share_not_in_treatment", "share_low", "share_high"]].tolist() == [""] * 4
    assert out.loc["Big", "prevalence"] == "2635" and out.loc["Big", "unmet_need"] == "1403.3"
    assert out.loc["Big", "share_not_in_treatment"] == pytest.approx(53.3)
    assert out.loc["Big", "england_share"] == pytest.approx(50.0)
    assert out.loc["Big", "vs_england"] == "similar"  # 1 - 1231.7/2000 = 38.4% .. 1 - 1231.7/3000 = 58.9%
