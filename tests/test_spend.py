"""The spend data set: demo calibrated to FACTS.md, attribution, contracts, spend against outcomes."""

import numpy as np
import pandas as pd
import pytest

from harm.errors import HarmInputError
from harm.spend import table as st
from harm.spend.demo import demo_phg_allocations, demo_spend
from harm.spend.framework import contracts, default_as_of, framework_totals, pcc_framework, phg_shares
from harm.spend.geography import attribution_weights, canonical_area, population
from harm.spend.outcomes import (NOTE_NO_SPEND, NOTE_NO_TREATMENT, NOTE_SECONDARY, NOTE_SUPPRESSED, NOTE_ZERO,
                                 attribute_spend, outcomes_output, spend_against_outcomes, spend_by)


@pytest.fixture(scope="module")
def spend():
    return demo_spend()


# --- FACTS.md ---------------------------------------------------------------------------------

def test_pcc_framework_line_by_line():
    framework = pcc_framework()
    assert list(framework["amount"].dropna()) == [30_377, 106_000, 60_000, 54_000, 111_000, 20_000]
    assert list(framework.loc[framework["amount"].isna(), "activity"]) == [
        "Drug education programme for first offence", "Opioid Naloxone programme for first responders",
        "Liaison and diversion"]
    assert (framework.loc[framework["amount"].isna(), "resources"] == "TBC").all()
    totals = framework_totals()
    # the paper's stated ring-fenced budget, and what its printed lines add up to
    assert totals["published_total"] == 371_377
    assert totals["lines_total"] == 381_377 and totals["difference"] == 10_000
    assert totals["lines_to_be_confirmed"] == 3


def test_demo_2019_pcc_lines_are_the_framework(spend):
    pcc = spend[(spend["year"] == "2019/20") & (spend["funder"] == "PCC grant") & st.is_drug_and_alcohol(spend)
                & (spend["area"] != "Warwickshire")]
    assert pcc["amount"].sum() == 381_377
    tbc = pcc[pcc["amount_status"] == st.TO_BE_CONFIRMED]
    assert sorted(tbc["programme"]) == ["Naloxone for first responders", "drug education for first offence",
                                        "liaison and diversion"]
    assert tbc["amount"].isna().all()
    dip = pcc[pcc["programme"] == "drug intervention programme"].set_index("area")["amount"]
    assert dip.to_dict() == {"Herefordshire": 30_377, "Shropshire": 54_000, "Telford and Wrekin": 60_000,
                             "Worcestershire": 106_000}


def test_phg_shares_2018_19_equal_facts(spend):
    shares = phg_shares(spend, demo_phg_allocations())
    y = shares[shares["year"] == "2018/19"].set_index("area")
    assert y.loc["Herefordshire", "share"] == pytest.approx(0.18, abs=1e-9)
    assert y.loc["Shropshire", "share"] == pytest.approx(0.285, abs=1e-9)
    assert y.loc["Telford and Wrekin", "share"] == pytest.approx(0.185, abs=1e-9)
    # Worcestershire: £3,984,000 of £29,129,000 = 13.7%, which the paper prints as 14%
    assert y.loc["Worcestershire", "allocation"] == 29_129_000
    assert y.loc["Worcestershire", "drug_alcohol_spend"] == 3_984_000
    assert round(y.loc["Worcestershire", "share"] * 100) == 14


def test_worcestershire_2019_20_lines(spend):
    w = spend[(spend["year"] == "2019/20") & (spend["area"] == "Worcestershire")]
    amounts = dict(zip(w["programme"] + " / " + w["funder"], w["amount"]))
    assert amounts == {"drug and alcohol treatment contract / Public Health Grant": 3_798_000,
                       "domestic abuse contract / Public Health Grant": 417_000,
                       "community safety staffing / Public Health Grant": 154_076,
                       "Trading Standards / Public Health Grant": 250_000,
                       "drug intervention programme / PCC grant": 106_000}


def test_demo_series_is_consistent(spend):
    years = sorted(spend["year"].unique())
    assert years == [f"{y}/{(y + 1) % 100:02d}" for y in range(2010, 2020)]
    treatment = spend[spend["category"] == "drug and alcohol treatment"]
    per_year = treatment.groupby(["area", "year"]).size()
    assert (per_year == 1).all() and len(per_year) == 5 * 10  # one treatment line per authority and year
    assert set(spend.loc[spend["year"] < "2013/14", "funder"]) <= {"Home Office", "other"}  # before the PHG
    assert spend["funder"].isin(st.FUNDERS).all() and spend["category"].isin(st.CATEGORIES).all()


# --- geography and attribution ------------------------------------------------------------------

@pytest.mark.parametrize("text,name", [("Telford & Wrekin", "Telford and Wrekin"),
                                       ("Herefordshire, County of", "Herefordshire"),
                                       ("South Worcester", "South Worcestershire"),
                                       ("worcestershire county council", "Worcestershire"),
                                       ("WEST MERCIA", "West Mercia"), ("Gotham", None)])
def test_area_names(text, name):
    assert canonical_area(text) == name


def test_attribution_by_population(spend):
    pop = population("la")
    west_mercia = attribution_weights("West Mercia", "la")
    assert set(west_mercia.index) == {"Herefordshire", "Shropshire", "Telford and Wrekin", "Worcestershire"}
    assert west_mercia["Shropshire"] == pytest.approx(pop["Shropshire"] / pop[west_mercia.index].sum())
    assert attribution_weights("North Worcestershire", "la").to_dict() == {"Worcestershire": 1.0}
    assert attribution_weights("Worcestershire", "csp").sum() == pytest.approx(1.0)
    for level in ("la", "csp"):
        attributed = attribute_spend(spend, level)
        assert attributed["amount"].sum() == pytest.approx(spend["amount"].sum())
    by_la = attribute_spend(spend[spend["area"] == "North Worcestershire"], "la")
    assert set(by_la["area"]) == {"Worcestershire"} and not by_la["apportioned"].any()


def test_spend_by_leaves_out_tbc(spend):
    by_funder = spend_by(spend[spend["year"] == "2019/20"], ["funder"]).set_index("funder")["amount"]
    confirmed = spend.loc[(spend["year"] == "2019/20"), "amount"].sum()  # NaN (TBC) skipped by sum
    assert by_funder.sum() == pytest.approx(confirmed)


# --- contracts -----------------------------------------------------------------------------------

def test_default_as_of():
    spend = demo_spend()
    assert default_as_of(spend, pd.Timestamp("2026-11-23")) == pd.Timestamp("2019-04-01")
    assert default_as_of(spend, pd.Timestamp("2019-10-01")) == pd.Timestamp("2019-10-01")


def test_contracts_ending_within_12_months(spend):
    table = contracts(spend, "2019-04-01")
    status = table.set_index(["area", "programme"])["status"]
    assert status[("Herefordshire", "drug intervention programme")].iloc[-1] == "ends within 12 months"
    assert status[("Telford and Wrekin", "drug and alcohol treatment contract")].iloc[-1] == "runs beyond 12 months"
    assert status[("West Mercia", "Naloxone for first responders")] == "no end date"
    assert status[("Herefordshire", "drug intervention programme")].iloc[0] == "ended"
    telford = table[(table["area"] == "Telford and Wrekin") & (table["programme"] == "drug and alcohol treatment contract")]
    latest = telford.iloc[-1]
    assert (latest["start"], latest["end"]) == (pd.Timestamp("2015-04-01"), pd.Timestamp("2025-03-31"))
    assert latest["amount"] == pytest.approx(spend[(spend["area"] == "Telford and Wrekin") & (
        spend["contract_end"] == pd.Timestamp("2025-03-31"))]["amount"].sum())
    # the boundary: an end exactly 12 months after the as-of date is beyond (2019-03-31 -> 2020-03-31)
    earlier = contracts(spend, "2019-03-31")
    dip = earlier[(earlier["area"] == "Herefordshire") & (earlier["programme"] == "drug intervention programme")]
    assert dip.iloc[-1]["status"] == "runs beyond 12 months"
    assert contracts(spend, "2019-04-01").query("status == 'ended'")["end"].max() < pd.Timestamp("2019-04-01")
    with pytest.raises(HarmInputError, match="not a date"):
        contracts(spend, "soon")


# --- spend against outcomes -----------------------------------------------------------------------

def _treatment(rows):
    frame = pd.DataFrame(rows, columns=["area", "year", "in_treatment", "completions", "completions_text"])
    frame["in_treatment_hidden"] = False
    frame["in_treatment_text"] = frame["in_treatment"].astype(int).astype(str)
    frame["completions_hidden"] = frame["completions_text"].isin(["<5", "[c]"])
    frame.loc[frame["completions_hidden"], "completions"] = np.nan
    return frame


def test_cost_per_completion_is_spend_over_completions_or_blank_with_reason(spend):
    treatment = _treatment([
        ("Herefordshire", "2018/19", 600, 100, "100"),
        ("Shropshire", "2018/19", 900, 0, "0"),
        ("Telford and Wrekin", "2018/19", 800, 3, "<5"),
        ("Worcestershire", "2018/19", 2000, 300, "[c]"),
    ])
    table = spend_against_outcomes(spend, treatment, "la", "2018/19").set_index("area")
    hereford = table.loc["Herefordshire"]
    assert hereford["cost_per_completion"] == pytest.approx(hereford["spend"] / 100)
    assert hereford["spend_per_person_in_treatment"] == pytest.approx(hereford["spend"] / 600)
    assert hereford["spend_per_head"] == pytest.approx(hereford["spend"] / population("la")["Herefordshire"])
    assert hereford["note"] == ""
    assert np.isnan(table.loc["Shropshire", "cost_per_completion"]) and table.loc["Shropshire", "note"] == NOTE_ZERO
    assert np.isnan(table.loc["Telford and Wrekin", "cost_per_completion"])
    assert table.loc["Telford and Wrekin", "note"] == NOTE_SUPPRESSED
    assert table.loc["Worcestershire", "note"] == NOTE_SECONDARY
    assert table.loc["Warwickshire", "note"] == NOTE_NO_TREATMENT
    out = outcomes_output(table.reset_index()).set_index("area")
    assert out.loc["Telford and Wrekin", "completions"] == "<5" and out.loc["Worcestershire", "completions"] == "[c]"


def test_spend_is_drug_and_alcohol_only_and_apportioned(spend):
    treatment = _treatment([("Herefordshire", "2019/20", 600, 100, "100")])
    table = spend_against_outcomes(spend, treatment, "la", "2019/20").set_index("area")
    lines = spend[(spend["year"] == "2019/20") & st.is_drug_and_alcohol(spend)]
    west_mercia = lines.loc[lines["area"] == "West Mercia", "amount"].sum()  # YOS + comms, TBC left out
    assert west_mercia == 131_000
    share = attribution_weights("West Mercia", "la")["Herefordshire"]
    own = lines.loc[lines["area"] == "Herefordshire", "amount"].sum()
    assert table.loc["Herefordshire", "spend"] == pytest.approx(own + west_mercia * share)
    assert table.loc["Herefordshire", "spend_apportioned"] == pytest.approx(west_mercia * share)
    worcs = spend[(spend["year"] == "2019/20") & (spend["area"] == "Worcestershire")]
    assert "domestic abuse" in set(worcs["category"])  # present in the data, not in the spend here
    assert table.loc["Worcestershire", "spend"] == pytest.approx(
        3_798_000 + 106_000 + west_mercia * attribution_weights("West Mercia", "la")["Worcestershire"])


def test_area_without_spend_says_so():
    lines = demo_spend()
    lines = lines[(lines["year"] == "2019/20") & (lines["area"] != "Rugby")]
    lines = lines[~lines["area"].isin(["Warwickshire"])]
    treatment = _treatment([("Rugby", "2019/20", 300, 50, "50")])
    table = spend_against_outcomes(lines, treatment, "csp", "2019/20").set_index("area")
    assert table.loc["Rugby", "spend"] == 0 and NOTE_NO_SPEND in table.loc["Rugby", "note"]
    assert np.isnan(table.loc["Rugby", "cost_per_completion"])


def test_real_treatment_join_on_demo_data(spend):
    from harm.spend.treatment_link import treatment_counts
    from harm.treatment import annual_summary

    counts = treatment_counts(level="la")
    table = spend_against_outcomes(spend, counts, "la")
    annual = annual_summary(level="la")
    total = annual[annual["substance"] == "all"].set_index(["area", "year"])
    shown = table.dropna(subset=["completions"]).set_index(["area", "year"])
    assert (shown["completions"] == total.loc[shown.index, "completions"]).all()
    assert np.allclose(shown["cost_per_completion"], shown["spend"] / shown["completions"])
    assert len(table) == 5 * 10
