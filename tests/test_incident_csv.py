import io

import numpy as np
import pandas as pd
import pytest

from harm.errors import HarmInputError
from harm.io.incident_csv import read_incident_csv, write_incident_csv
from harm.tables import neutralise_formulas, to_xlsx_bytes

HEADER = "crime_id,occurred_from,occurred_to,date_precision,offence_group,offence,alcohol,drugs,domestic_abuse,latitude,longitude\n"
GOOD = "A1,2014-10-03T22:15,2014-10-03T22:40,minute,Violence with injury,Assault with injury,true,false,false,52.0565,-2.716\n"


def load(tmp_path, text: str, encoding="utf-8", name="x.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return read_incident_csv(path)


def test_round_trip_through_csv(tmp_path, demo_incidents):
    sample = demo_incidents.sample(500, random_state=1).sort_values("crime_id").reset_index(drop=True)
    path = tmp_path / "sample.csv"
    write_incident_csv(sample, path)
    back = read_incident_csv(path)
    assert back.summary() == "read 500, loaded 500, rejected 0, duplicates 0"
    frame = back.frame.sort_values("crime_id").reset_index(drop=True)
    assert (frame["crime_id"].to_numpy() == sample["crime_id"].to_numpy()).all()
    assert (frame["occurred_from"] == sample["occurred_from"].dt.floor("min")).all()
    located = sample["x"].notna().to_numpy()
    assert np.allclose(frame["x"].to_numpy()[located], sample["x"].to_numpy()[located], atol=0.5)
    assert frame["x"].isna().sum() == (~located).sum()
    assert (frame["alcohol"].to_numpy() == sample["alcohol"].to_numpy()).all()


def test_each_bad_row_rejected_with_reason_and_counts_reconcile(tmp_path):
    rows = [
        GOOD,
        GOOD,  # duplicate crime_id
        "A2,03/10/2014 25:00,,minute,Violence with injury,x,true,false,false,52.0,-2.7\n",
        "A3,2014-10-03T22:15,,hourly,Violence with injury,x,true,false,false,52.0,-2.7\n",
        "A4,2014-10-03T22:15,,minute,Violence with injury,x,maybe,false,false,52.0,-2.7\n",
        "A5,2014-10-03T22:15,,minute,Violence with injury,x,true,false,false,-2.7,52.0\n",
        "A6,2014-10-03T22:15,,minute,Violence with injury,x,true,false,false,385000,265000\n",
        "A7,2014-10-03T22:15,,minute,Violence with injury,x,true,false,false,,\n",
        "A8,2014-10-03T22:15,,minute,Violence with injury,x,true,false,false,40.7,-74.0\n",
    ]
    result = load(tmp_path, HEADER + "".join(rows))
    assert (result.rows_read, result.loaded, result.rejected, result.duplicates) == (9, 2, 6, 1)
    reasons = dict(zip(result.rejects["row"], result.rejects["reason"]))
    assert reasons[3] == "duplicate crime_id"
    assert reasons[4].startswith("unparseable date")
    assert reasons[5].startswith("date_precision")
    assert reasons[6] == "marker must be true or false"
    assert reasons[7] == "latitude and longitude look swapped"
    assert reasons[8].startswith("British National Grid metres")
    assert reasons[10] == "coordinates outside Great Britain"
    assert set(result.rejects.columns) == {"file", "row", "column", "value", "reason"}
    assert (result.rejects["file"] == "x.csv").all()
    assert result.frame.loc[result.frame["crime_id"] == "A7", "x"].isna().all()  # no location: kept


@pytest.mark.parametrize("encoding,newline,bom", [("utf-8", "\n", ""), ("utf-8", "\r\n", "\ufeff"), ("cp1252", "\r\n", "")])
def test_encodings_and_line_endings(tmp_path, encoding, newline, bom):
    text = bom + (HEADER + GOOD.replace("Assault with injury", "Assault – café")).replace("\n", newline)
    result = load(tmp_path, text, encoding)
    assert result.loaded == 1
    assert result.frame["offence"].iloc[0] == "Assault – café"


@pytest.mark.parametrize("content,message", [
    (b"", "the file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
    (b"crime_id;occurred_from;date_precision\nA;2014-01-01;day\n", "separated by semicolons"),
    (b"crime_id,occurred_from\nA,2014-01-01\n", "missing required column(s)"),
])
def test_unusable_files_get_one_clear_message(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(HarmInputError) as err:
        read_incident_csv(path)
    assert message in str(err.value)
    assert "bad.csv" in str(err.value)


def test_formula_cells_neutralised_in_csv_and_xlsx():
    frame = pd.DataFrame({"area": ["=HYPERLINK(\"x\")", "+1", "-cmd", "@SUM(A1)", "Rugby"], "count": [1, -2, 3, 4, 5]})
    safe = neutralise_formulas(frame)
    assert list(safe["area"]) == ["'=HYPERLINK(\"x\")", "'+1", "'-cmd", "'@SUM(A1)", "Rugby"]
    assert list(safe["count"]) == [1, -2, 3, 4, 5]  # numbers untouched
    book = pd.read_excel(io.BytesIO(to_xlsx_bytes(frame)))
    assert book["area"].iloc[0] == "'=HYPERLINK(\"x\")"
