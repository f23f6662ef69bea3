"""Importing a user's spend table: template round trip, every bad row reported, nothing dropped silently."""

import io

import numpy as np
import pandas as pd
import pytest

from harm.errors import HarmInputError
from harm.spend import table as st
from harm.spend.reader import (parse_amount, parse_financial_year, read_allocation_file, read_spend_file, template,
                               template_csv, template_notes, template_xlsx)
from harm.tables import to_csv_bytes


def _csv(text: str) -> bytes:
    return text.strip().encode("utf-8") + b"\n"


def test_template_round_trips_as_csv_and_xlsx():
    for name, raw in (("template.csv", template_csv()), ("template.xlsx", template_xlsx())):
        result = read_spend_file(name, raw=raw)
        assert (result.rows_read, result.loaded, result.rejected) == (3, 3, 0), name
        frame = result.frame
        assert frame.loc[0, "amount"] == 30_377 and frame.loc[0, "contract_end"] == pd.Timestamp("2020-03-31")
        assert frame.loc[2, "amount_status"] == st.TO_BE_CONFIRMED and np.isnan(frame.loc[2, "amount"])
        assert any("to be confirmed" in n for n in result.notes)
    notes = template_notes().set_index("column")
    assert notes.loc["amount", "required"] and not notes.loc["provider", "required"]
    assert "West Mercia" in notes.loc["area", "accepts"]
    workbook = pd.ExcelFile(io.BytesIO(template_xlsx()))
    assert workbook.sheet_names == ["spend", "notes"]


def test_header_spellings_and_values_people_write():
    raw = _csv("""
Financial Year,Area,Funder,Program,Provider,Category,Amount (£),Contract end date,Outcome measure,Colour
2019-20,Telford & Wrekin,PCC,Drug intervention programme,STARS,criminal justice,"£60,000",31/03/2020,referrals,red
2019/2020,"Herefordshire, County of",PHG,Treatment contract,,Treatment,1592100.00,2022-03-31 00:00:00,,blue
""")
    result = read_spend_file("mine.csv", raw=raw)
    assert (result.loaded, result.rejected) == (2, 0)
    frame = result.frame
    assert list(frame["year"]) == ["2019/20", "2019/20"]
    assert list(frame["area"]) == ["Telford and Wrekin", "Herefordshire"]
    assert list(frame["funder"]) == ["PCC grant", "Public Health Grant"]
    assert list(frame["category"]) == ["criminal justice substance misuse", "drug and alcohol treatment"]
    assert list(frame["amount"]) == [60_000, 1_592_100]
    assert list(frame["contract_end"]) == [pd.Timestamp("2020-03-31"), pd.Timestamp("2022-03-31")]
    assert any("Colour" in n for n in result.notes)


def test_every_bad_row_is_listed_with_its_reason():
    raw = _csv("""
year,area,funder,programme,category,amount,contract_start,contract_end
2019/20,Rugby,other,grant,other,100,,
2019/21,Rugby,other,grant,other,1,,
,,,,,,,
2019/20,Gotham,other,grant,other,1,,
2019/20,Rugby,NHS,grant,other,1,,
2019/20,Rugby,other,,other,1,,
2019/20,Rugby,other,grant,bananas,1,,
2019/20,Rugby,other,grant,other,,,
2019/20,Rugby,other,grant,other,lots,,
2019/20,Rugby,other,grant,other,-5,,
2019/20,Rugby,other,grant,other,5,2020-01-01,2019-12-31
2019/20,Rugby,other,grant,other,5,,31 March
2019/20,Rugby,other,grant,other,5,,,extra
=HYPERLINK("x"),Rugby,other,grant,other,5,,
2019/20,Rugby,other,grant,other,100,,
""")
    result = read_spend_file("bad.csv", raw=raw)
    result.check()
    assert (result.rows_read, result.loaded, result.rejected) == (15, 2, 13)
    reasons = dict(zip(result.rejects["row"], result.rejects["reason"]))
    assert reasons[3].startswith("year must be a financial year")
    assert reasons[4] == "blank row"
    assert reasons[5].startswith("unknown area 'Gotham'")
    assert reasons[6].startswith("unknown funder 'NHS'")
    assert reasons[7].startswith("empty programme")
    assert reasons[8].startswith("unknown category 'bananas'")
    assert reasons[9].startswith("empty amount")
    assert reasons[10] == "amount is not a number of pounds"
    assert reasons[11].startswith("amount is negative")
    assert reasons[12] == "contract_end is before contract_start"
    assert reasons[13].startswith("contract_end is not a date")
    assert "fields" in reasons[14]
    assert any("repeat another row" in n for n in result.notes)  # rows 2 and 16 are the same line
    # the rejects report is safe to open in a spreadsheet
    report = to_csv_bytes(result.rejects).decode()
    assert "'=HYPERLINK" in report


def test_whole_file_problems_are_one_message():
    with pytest.raises(HarmInputError, match="missing required column.*amount"):
        read_spend_file("x.csv", raw=_csv("year,area,funder,programme,category\n2019/20,Rugby,other,x,other"))
    with pytest.raises(HarmInputError, match="more than one column means amount"):
        read_spend_file("x.csv", raw=_csv("year,area,funder,programme,category,amount,Amount (£)\n"
                                          "2019/20,Rugby,other,x,other,1,1"))
    with pytest.raises(HarmInputError, match="x.csv"):
        read_spend_file("x.csv", raw=b"")
    with pytest.raises(HarmInputError):
        read_spend_file("x.csv", raw=_csv("year;area;funder;programme;category;amount\n2019/20;Rugby;other;x;other;1"))
    with pytest.raises(HarmInputError, match="not found"):
        read_spend_file("/no/such/spend.csv")


def test_allocations():
    raw = _csv("""
year,area,allocation
2018/19,Worcestershire,"£29,129,000"
2018/19,North Worcestershire,100
2018/19,Shropshire,0
""")
    result = read_allocation_file("alloc.csv", raw=raw)
    assert result.frame.to_dict("list") == {"year": ["2018/19"], "area": ["Worcestershire"],
                                           "allocation": [29_129_000.0]}
    assert result.rejected == 2
    with pytest.raises(HarmInputError, match="more than one allocation"):
        read_allocation_file("a.csv", raw=_csv("year,area,allocation\n2018/19,Shropshire,1\n2018/19,Shropshire,2"))


@pytest.mark.parametrize("text,year", [("2019/20", "2019/20"), ("2019-20", "2019/20"), ("2019/2020", "2019/20"),
                                       ("1999/00", "1999/00"), ("2019/21", None), ("2019", None), ("FY19", None)])
def test_financial_years(text, year):
    assert parse_financial_year(text) == year


@pytest.mark.parametrize("text,amount", [("£30,377", 30377.0), ("30377.50", 30377.5), ("(1,000)", -1000.0),
                                         ("30k", None)])
def test_amounts(text, amount):
    assert parse_amount(text) == amount


def test_template_columns_match_the_reader():
    assert list(template().columns) == ["year", "area", "funder", "programme", "provider", "category", "amount",
                                        "contract_start", "contract_end", "outcome", "note"]


def test_a_spend_data_set_kept_on_the_data_page_reads_back(tmp_path, monkeypatch):
    from harm.io.importer import FileInput, import_table
    from harm.spend.reader import read_stored_spend, stored_spend_names, template_csv

    monkeypatch.setenv("HARM_DATA_DIR", str(tmp_path))
    bad = template_csv() + b"2019/20,Atlantis,PCC grant,x,,treatment,1000,,,,\n"
    import_table([FileInput("framework.csv", template_csv()), FileInput("more.csv", bad)], "spend", "PCC spend")
    assert stored_spend_names() == ["PCC spend"]
    result = read_stored_spend("PCC spend")
    assert (result.rows_read, result.loaded, result.rejected) == (7, 6, 1)
    assert result.frame["amount"].sum() == 2 * (30377 + 3798000)
    assert "unknown area 'Atlantis'" in result.rejects["reason"].iloc[0]
