"""Readers for the public treatment formats, on the real files in ../shared/real/drug_treatment/
(never copied into the repo): OHID Fingertips indicator 93517, NDTMS ViewIt local-authority and
England exports. Expected values are read from the raw files with the csv module, not the reader."""

import csv
import io

import numpy as np
import pandas as pd
import pytest

from harm.errors import HarmInputError
from harm.treatment import completion_output, completion_table, read_treatment_file, read_treatment_files, unmet_need
from harm.treatment.readers import FINGERTIPS_REQUIRED, VIEWIT_ENGLAND_REQUIRED, VIEWIT_LA_REQUIRED
from harm.treatment.schema import ALL

LAS = "ViewIt Export Data_LAs.csv"
ENGLAND = "ViewIt Export Data_England.csv"
UNMET = "unmet_opiates.csv"


@pytest.fixture(scope="module")
def folder(real_dir):
    return real_dir / "drug_treatment"


def raw_rows(path):
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def test_viewit_local_authority_export(folder):
    data = read_treatment_file(folder / LAS)
    annual = data.annual.set_index(["area", "year", "substance"])
    raw = {(r["ReportingPeriod"], r["drug_group"]): r for r in raw_rows(folder / LAS)
           if r["sex"].lower() == "total" and r["age_group"].lower() == "total"}
    r = raw[("2016/17", "Opiate")]
    row = annual.loc[("Barnet", "2016/17", "opiate")]
    assert row["in_treatment"] == int(r["intreatment_allintx"]) == 560
    assert row["completions"] == int(r["scnr_scrn_allintx"]) == 50  # completed and did not re-present
    assert row["completion_base"] == int(r["scnr_intreatment_allintx"]) == 575
    assert row["re_presentations"] == int(r["scnr_representation_allintx"])
    assert row["new_presentations"] == int(r["newpresentation_newtx"])
    assert row["referrals_cjs"] == int(r["referralsource_criminal_justice_newtx"])
    assert row["waiting_over_3_weeks"] == int(r["waitsfirst_3to6weeks_newtx"]) + int(r["waitsfirst_over6weeks_newtx"])
    assert np.isnan(row["retained_12_weeks"])  # not in ViewIt
    # 'Total' drug group -> all substances; 'Non-opiate & alcohol' recognised
    assert annual.loc[("Barnet", "2016/17", ALL), "in_treatment"] == int(raw[("2016/17", "Total")]["intreatment_allintx"])
    assert annual.loc[("Barnet", "2016/17", "non-opiate and alcohol"), "in_treatment"] == int(
        raw[("2016/17", "Non-opiate & alcohol")]["intreatment_allintx"])
    # 2021/22: sex and age written TOTAL, completions written NULL -> missing, not zero
    late = annual.loc[("Barnet", "2021/22", "opiate")]
    assert late["in_treatment"] == int(raw[("2021/22", "Opiate")]["intreatment_allintx"])
    assert raw[("2021/22", "Opiate")]["scnr_scrn_allintx"] == "NULL" and np.isnan(late["completions"])
    assert sorted(data.annual["year"].unique())[0] == "2009/10" and len(data.annual) == 13 * 5
    assert any("rounded to the nearest 5" in n for n in data.notes)


def test_viewit_england_export(folder):
    data = read_treatment_file(folder / ENGLAND)
    assert set(data.annual["level"]) == {"england"}
    eng = data.annual.set_index(["year", "substance"])["in_treatment"]
    raw = {(r["ReportingPeriod_Data"], r["DrugGroup_Data"]): r for r in raw_rows(folder / ENGLAND)
           if r["Gender_Data"] == "Total" and r["AgeGroup_Data"] == "Total"}
    assert eng[("2016/17", "opiate")] == int(raw[("2016/17", "opiates")]["Num_InTreatment_AllInTx"]) == 146536
    assert eng[("2009/10", ALL)] == 311668
    # the England file's own names for the groups
    assert eng[("2016/17", "non-opiate and alcohol")] == int(raw[("2016/17", "alcohol & non-opiates")][
        "Num_InTreatment_AllInTx"])
    assert any("numbers in treatment only" in n for n in data.notes)


def test_fingertips_unmet_need(folder):
    data = read_treatment_file(folder / UNMET)
    prev = data.prevalence.set_index(["area", "year"])
    row = prev.loc[("Worcestershire", "2019/20")]
    assert row["prevalence"] == 2635  # Denominator: estimated OCU
    assert row["not_in_treatment"] == pytest.approx(1403.333333)  # Count
    assert row["share_not_in_treatment"] == pytest.approx(0.5325069567)  # Value %
    assert (row["share_low"], row["share_high"]) == (pytest.approx(0.3885856079), pytest.approx(0.6305108467))
    assert prev.loc[("England", "2019/20"), "level"] == "england"
    need = unmet_need(data, level="la", years=["2019/20"]).set_index("area")
    assert need.loc["Worcestershire", "unmet_need"] == pytest.approx(1403.333333)
    assert need.loc["Worcestershire", "in_treatment"] == pytest.approx(2635 - 1403.333333)
    assert need.loc["Worcestershire", "england_share"] == pytest.approx(0.5214774596)
    assert need.loc["Worcestershire", "vs_england"] == "similar"  # the file's own comparison
    assert need.loc["Middlesbrough", "vs_england"] == "better"  # 34.1%-46.9% lies below England's 52.1%
    # 2018/19: the file says "Not compared" and has no England row -> n/a, not a guess
    assert set(unmet_need(data, level="la", years=["2018/19"])["vs_england"]) == {"n/a"}


def test_the_three_real_files_combine(folder):
    data = read_treatment_files([folder / LAS, folder / ENGLAND, folder / UNMET])
    assert data.levels() == ["la"] and data.has_prevalence() and not data.is_demo
    assert "NDTMS ViewIt" in data.source and "OHID Fingertips" in data.source
    out = completion_output(completion_table(data.annual_frame(), level="la", years=["2016/17"]))
    barnet = out[(out["area"] == "Barnet") & (out["substance"] == "opiate")].iloc[0]
    assert (barnet["in_treatment"], barnet["completions"], barnet["completion_rate"]) == ("575", "50", 8.7)
    assert barnet["vs_england"] == "n/a"  # the England export has no completions to compare with


@pytest.mark.parametrize("name, columns", [
    ("2023-05-09_3-5-1.csv", "Year, Series, Drug group"),
    ("Estimates_of_Alcohol_Dependent_Adults_in_England_for_R.csv", "PHE_Centre, Local_Authority"),
])
def test_real_files_in_other_layouts_get_a_message_naming_the_expected_columns(folder, name, columns):
    with pytest.raises(HarmInputError) as info:
        read_treatment_file(folder / name)
    message = str(info.value)
    assert message.startswith(f"{name}: the columns ({columns}")
    for expected in (FINGERTIPS_REQUIRED, VIEWIT_LA_REQUIRED, VIEWIT_ENGLAND_REQUIRED):
        assert ", ".join(expected) in message
    assert "area, year, substance, in_treatment" in message


def test_bad_files_give_one_clear_message():
    with pytest.raises(HarmInputError, match="the file is empty"):
        read_treatment_file(b"  \n", "empty.csv")
    with pytest.raises(HarmInputError, match="not a treatment layout"):
        read_treatment_file(b"a,b\n1,2\n", "other.csv")
    viewit_no_totals = b"ReportingPeriod,Area,sex,age_group,drug_group,intreatment_allintx\n2016/17,X,M,18-29,Opiate,5\n"
    with pytest.raises(HarmInputError, match="no rows with sex and age_group 'Total'"):
        read_treatment_file(viewit_no_totals, "v.csv")
    bad_year = b"area,year,substance,in_treatment\nXshire,last year,opiate,10\n"
    with pytest.raises(HarmInputError, match="'last year' is not a financial year"):
        read_treatment_file(bad_year, "mine.csv")
    clash = b"area,year,substance,in_treatment\nXshire,2016/17,opiate,10\nXshire,2016/17,opiate,11\n"
    with pytest.raises(HarmInputError, match="two different rows for Xshire, 2016/17, opiate"):
        read_treatment_file(clash, "mine.csv")


def test_the_dashboards_own_csv_round_trips():
    from harm.treatment import demo_data

    demo = demo_data().annual_frame()
    rows = demo[(demo["level"] == "la") & (demo["year"] == "2016/17") & (demo["substance"] != ALL)]
    text = rows.drop(columns=["completion_base"]).to_csv(index=False).encode("cp1252")
    back = read_treatment_file(io.BytesIO(text), "mine.csv")
    merged = back.annual_frame().merge(rows, on=["area", "year", "substance"], suffixes=("", "_demo"))
    assert len(merged) == len(rows)
    assert (merged["in_treatment"] == merged["in_treatment_demo"]).all()
    assert (merged["completions"] == merged["completions_demo"]).all()
    all_rows = back.annual_frame()
    assert all_rows[(all_rows["substance"] == ALL)]["in_treatment"].sum() == 5000 + rows[
        rows["area"] == "Warwickshire"]["in_treatment"].sum()
    assert pd.api.types.is_float_dtype(back.annual["in_treatment"])


def test_numbers_in_treatment_are_not_the_completion_denominator(folder):
    """ViewIt gives two 'in treatment' counts: everyone in treatment in the year (intreatment_allintx,
    shown as numbers in treatment) and those counted for the completion indicator (scnr_intreatment_allintx,
    the completion rate's denominator)."""
    from harm.treatment.annual import in_treatment_table

    data = read_treatment_file(folder / LAS)
    table = in_treatment_table(data.annual_frame(), level="la", year="2019/20").set_index("substance")
    assert table.loc[ALL, "in_treatment"] == 1105 and table.loc["opiate", "in_treatment"] == 540
    completions = completion_table(data.annual_frame(), level="la", years=["2019/20"]).set_index("substance")
    assert completions.loc[ALL, "in_treatment"] == 1080 and completions.loc["opiate", "in_treatment"] == 525
