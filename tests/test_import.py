"""Bring your own data: the import engine, the local store and the import/datasets commands.

Every real data.police.uk file loads with its totals reconciled against an independent count;
a corpus of broken and hostile files (made here) each get one clear message or per-row
rejects with reasons; the store keeps data sets with provenance across a restart.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from harm import store
from harm.cli import main as cli_main
from harm.errors import HarmInputError
from harm.io import police_uk
from harm.io.importer import (CANONICAL, POLICE_UK, FileInput, import_incidents, inspect_incident_file,
                              read_incident_file)
from harm.io.mapping import MappingProfile, suggest_mapping
from harm.tables import to_csv_bytes, to_xlsx_bytes

ROOT = Path(__file__).resolve().parents[1]
HEADER = ",".join(police_uk.COLUMNS)


@pytest.fixture(autouse=True)
def own_store(tmp_path, monkeypatch):
    """Each test gets an empty store of its own."""
    folder = tmp_path / "store"
    monkeypatch.setenv("HARM_DATA_DIR", str(folder))
    return folder


def street_row(crime_id="c1", month="2024-01", lon="-2.2", lat="52.2", crime_type="Drugs", force="West Mercia Police"):
    return f"{crime_id},{month},{force},{force},{lon},{lat},On or near X,E01000001,Somewhere 001A,{crime_type},,"


def street_csv(*rows: str, newline="\n", encoding="utf-8") -> bytes:
    return newline.join([HEADER, *rows, ""]).encode(encoding)


def read(raw: bytes, name="2024-01-test-street.csv", mapping=None):
    result, detected = read_incident_file(FileInput(name, raw), mapping)
    result.check()
    return result, detected


def reasons(result) -> dict[int, str]:
    return dict(zip(result.rejects["row"].astype(int), result.rejects["reason"]))


# --- every real data.police.uk file ------------------------------------------------------------

def independent_count(path: Path) -> dict:
    """Rows, crime rows and distinct crime IDs counted with the csv module (not the engine)."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    with_id = [r for r in rows if r["Crime ID"].strip()]
    ids = [r["Crime ID"].strip() for r in with_id]
    return {"rows": len(rows), "with_id": len(with_id), "distinct": len(set(ids)),
            "no_location": sum(1 for r in with_id if not r["Latitude"].strip()),
            "by_type": pd.Series([r["Crime type"] for r in with_id]).value_counts().to_dict(),
            "without_id": len(rows) - len(with_id)}


def real_street_files(real_dir: Path) -> list[Path]:
    files = sorted((real_dir / "street_crime").glob("*-street.csv"))
    if not files:
        pytest.skip(f"no street-level CSVs in {real_dir / 'street_crime'}")
    return files


def test_every_real_street_file_loads_with_totals_reconciled(real_dir):
    for path in real_street_files(real_dir):
        expected = independent_count(path)
        result, detected = read(path.read_bytes(), path.name)
        assert detected == POLICE_UK, path.name
        assert result.rows_read == expected["rows"], path.name
        assert result.loaded + result.rejected + result.duplicates == expected["rows"], path.name
        # every crime row with a Crime ID loads once; repeats are duplicates; the rest are ASB rows
        assert result.loaded == expected["distinct"], path.name
        assert result.duplicates == expected["with_id"] - expected["distinct"], path.name
        assert result.rejected == expected["without_id"], path.name
        assert set(result.rejects.query("reason != 'duplicate crime_id'")["reason"]) <= {police_uk.ASB_REASON}
        assert int(result.frame["x"].isna().sum()) == expected["no_location"], path.name
        assert (result.frame["date_precision"] == "month").all()
        assert result.frame["occurred_from"].dt.strftime("%Y-%m").eq(path.name[:7]).all(), path.name
        loaded_types = result.frame["offence_group"].astype(str).value_counts().to_dict()
        if expected["with_id"] == expected["distinct"]:
            assert loaded_types == expected["by_type"], path.name


def test_real_files_of_two_forces_and_several_months_import_as_one_data_set(real_dir):
    files = real_street_files(real_dir)[:4]
    counts = [independent_count(p) for p in files]
    report = import_incidents([FileInput.from_path(p) for p in files], "Two forces")
    assert report.rows_read == sum(c["rows"] for c in counts)
    assert report.rows_read == report.loaded + report.rejected + report.duplicates
    info = store.get_dataset("Two forces")
    assert info.rows == report.loaded == len(store.load_incidents("Two forces"))
    assert [s["file"] for s in info.sources] == [p.name for p in files]
    assert police_uk.VIOLENCE_NOTE in report.notes
    loaded = store.load_incidents("Two forces")
    assert "Violence and sexual offences" in set(loaded["offence_group"].astype(str))
    assert "Drugs" in set(loaded["offence_group"].astype(str))
    # every crime inside West Mercia or Warwickshire gets an LSOA of the built-in areas
    assert loaded["lsoa_code"].notna().mean() > 0.95


# --- unusable files: one clear message each ----------------------------------------------------

UNUSABLE = {
    "empty.csv": (b"", "empty"),
    "blank-lines.csv": (b"\r\n\r\n  \n", "empty"),
    "header-only.csv": ((HEADER + "\n").encode(), "no data rows"),
    "binary.csv": (bytes(range(256)) * 20, "binary"),
    "report.pdf": (b"%PDF-1.4\n%....", "PDF"),
    "page.csv": (b"<!DOCTYPE html><html><body>Not found</body></html>", "web page"),
    "data.json": (b'{"type": "FeatureCollection"}', "JSON"),
    "semicolons.csv": (HEADER.replace(",", ";").encode() + b"\n1;2024-01\n", "semicolons"),
    "tabs.csv": (b"crime\tdate\toffence\n1\t2024-01-01\tDrugs\n", "tabs"),
    "utf16.csv": (HEADER.encode("utf-16"), "UTF-16"),
    "bad-encoding.csv": (b"crime_id,offence\n1,\x81\x8d\x8f\x90 \xc3\n", "encoding"),
    "old.xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".xls"),
    "archive.gz": (b"\x1f\x8b\x08\x00" + b"\x00" * 100, "compressed"),
    "random.zip": (b"PK\x03\x04garbage-not-a-zip", "damaged"),
    "unclosed-quote.csv": (street_csv(street_row(), 'c2,2024-01,"West Mercia Police,x,-2.2,52.2,a,b,c,Drugs,,'),
                           "never closed"),
    "missing-columns-street.csv": (b"Crime ID,Month,Reported by,Falls within,Location,LSOA code,Crime type\n"
                                   b"c1,2024-01,A,A,x,E01,Drugs\n", "lacks column"),
    "outcomes.csv": (b"Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
                     b"Outcome type\nc1,2024-01,A,A,-2,52,x,E,n,Charged\n", "outcomes file"),
    "no-header.csv": (b",,\n1,2,3\n", "no column names"),
}


@pytest.mark.parametrize("name", sorted(UNUSABLE))
def test_unusable_file_gives_one_clear_message(name):
    raw, words = UNUSABLE[name]
    with pytest.raises(HarmInputError) as caught:
        read(raw, name, MappingProfile("m", {"crime_id": "a", "occurred_from": "b", "offence_group": "c"}))
    message = str(caught.value)
    assert message.startswith(name + ":"), message
    assert words.lower() in message.lower(), message
    assert "\n" not in message and "Traceback" not in message
    assert caught.value.fix, "the message says how to fix it"


def test_extract_without_a_mapping_says_to_map_it():
    raw = b"Ref,When,What\nA1,01/02/2024,Drugs\n"
    with pytest.raises(HarmInputError, match="--mapping NAME") as caught:
        read(raw, "extract.csv")
    assert "crime_id=Ref" in str(caught.value)


# --- usable files: every row loaded or rejected with its reason --------------------------------

def test_row_rejects_name_file_row_column_value_and_reason():
    raw = street_csv(
        street_row("c1"),                                      # row 2: loads
        street_row("c2", month="Jan 2024"),                   # 3: bad month
        street_row("c3", crime_type="Jaywalking"),            # 4: unknown offence
        street_row("c4", lon="52.2", lat="-2.2"),             # 5: swapped
        street_row("c5", lon="385000", lat="265000"),         # 6: BNG in lat/lon
        street_row("c6", lon="", lat=""),                     # 7: no location: loads, '(no location)'
        street_row("c1"),                                     # 8: duplicate crime_id
        street_row("", crime_type="Anti-social behaviour"),   # 9: ASB, no Crime ID
        "",                                                   # 10: blank row
        street_row("c7", lon="-2.2", lat=""),                 # 11: half a location
        street_row("c8", lon="10.0", lat="40.0"),             # 12: outside Great Britain
        street_row("c9", lon="abc", lat="52.1"),              # 13: not a number
        street_row("c10") + ",extra,fields",                  # 14: more fields than the header
    )
    result, _ = read(raw)
    assert (result.rows_read, result.loaded, result.rejected, result.duplicates) == (13, 2, 10, 1)
    assert set(result.frame["crime_id"]) == {"c1", "c6"}
    assert np.isnan(result.frame.set_index("crime_id").loc["c6", "x"])
    got = reasons(result)
    assert got[3].startswith("unparseable date")
    assert got[4].startswith("unknown offence")
    assert got[5] == "latitude and longitude look swapped"
    assert got[6].startswith("British National Grid metres")
    assert got[8] == "duplicate crime_id"
    assert got[9] == police_uk.ASB_REASON
    assert got[10] == "blank row"
    assert got[11] == "only one of latitude and longitude is given"
    assert got[12] == "coordinates outside Great Britain"
    assert got[13] == "longitude is not a number"
    assert "fields" in got[14]
    row3 = result.rejects.set_index("row").loc[3]
    assert (row3["file"], row3["column"], row3["value"]) == ("2024-01-test-street.csv", "Month", "Jan 2024")
    assert list(result.rejects.columns) == ["file", "row", "column", "value", "reason"]


@pytest.mark.parametrize("encoding,bom,newline", [("utf-8", False, "\n"), ("utf-8", True, "\r\n"),
                                                  ("cp1252", False, "\r\n"), ("cp1252", False, "\n")])
def test_encodings_and_line_endings_read_the_same(encoding, bom, newline):
    raw = street_csv(street_row("c1", force="Café £ Police"), street_row("c2"), newline=newline, encoding=encoding)
    raw = (b"\xef\xbb\xbf" if bom else b"") + raw
    result, detected = read(raw)
    assert detected == POLICE_UK and result.loaded == 2 and result.rows_read == 2
    assert not any("\r" in c for c in result.frame["crime_id"])
    assert any("Café £ Police" in n for n in result.notes)
    assert any("Windows-1252" in n for n in result.notes) == (encoding == "cp1252")


def test_reordered_police_uk_header_is_still_detected():
    columns = list(reversed(police_uk.COLUMNS))
    values = dict(zip(police_uk.COLUMNS, street_row("c1").split(",")))
    raw = (",".join(columns) + "\n" + ",".join(values[c] for c in columns) + "\n").encode()
    result, detected = read(raw)
    assert detected == POLICE_UK and result.loaded == 1


def test_canonical_csv_is_detected_and_read():
    from harm.io.incident_csv import CSV_COLUMNS

    rows = [["A1", "2024-01-05T22:30", "", "minute", "Violence with injury", "Assault", "true", "false", "false",
             "52.19", "-2.22", ""],
            ["A2", "not a date", "", "minute", "Violence with injury", "Assault", "false", "false", "false", "", "", ""]]
    text = ",".join(CSV_COLUMNS) + "\r\n" + "\r\n".join(",".join(r) for r in rows) + "\r\n"
    result, detected = read(text.encode(), "canonical.csv")
    assert detected == CANONICAL
    assert (result.loaded, result.rejected) == (1, 1)
    assert bool(result.frame["alcohol"].iloc[0]) is True
    assert result.rejects["reason"].iloc[0].startswith("unparseable date")


def test_formula_like_cells_are_neutralised_in_rejects_exports():
    raw = street_csv(street_row("=HYPERLINK(\"http://x\")", crime_type="=cmd|' /C calc'!A0"),
                     street_row("@SUM(1)", month="+1-2"), street_row("-2+3", lon="-1", lat="-2"))
    result, _ = read(raw)
    assert result.rejected == 3
    text = to_csv_bytes(result.rejects).decode()
    for cell in csv.reader(io.StringIO(text)):
        for value in cell:
            assert not value.startswith(("=", "+", "-", "@")), value
    workbook = pd.read_excel(io.BytesIO(to_xlsx_bytes(result.rejects)), dtype=str)
    assert not workbook["value"].str.match(r"^[=+\-@]").any()


# --- force extracts through a mapping ----------------------------------------------------------

def extract_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "Occurrence Ref": ["WM/1", "WM/2", "WM/3", "WM/3", "WM/5", "WM/1"],
        "Committed Date": ["25/12/2024", "26/12/2024", "31/02/2024", "27/12/2024", "28/12/2024", "29/12/2024"],
        "Committed Time": ["14:30", "", "10:00", "09:00", "23:15", "01:00"],
        "HO Class": ["Violence with injury", "Possession of drugs", "Shoplifting", "Shoplifting", "Criminal damage",
                     "=1+1"],
        "Alcohol Flag": ["Y", "N", "N", "N", "Y", "N"],
        "Easting": ["385000", "386000", "", "380000", "52.1", "385000"],
        "Northing": ["265000", "266000", "", "260000", "-2.1", "265000"],
    })


def test_mapping_is_suggested_from_headers():
    frame = extract_frame()
    profile = suggest_mapping(list(frame.columns), frame, "West Mercia extract")
    assert profile.columns["crime_id"] == "Occurrence Ref"
    assert profile.columns["occurred_from"] == "Committed Date"
    assert profile.columns["occurred_from_time"] == "Committed Time"
    assert profile.columns["offence_group"] == "HO Class"
    assert profile.columns["alcohol"] == "Alcohol Flag"
    assert (profile.columns["easting"], profile.columns["northing"]) == ("Easting", "Northing")
    assert profile.day_first is True


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_force_extract_loads_through_a_mapping(fmt, tmp_path):
    frame = extract_frame()
    if fmt == "csv":
        raw = frame.to_csv(index=False).encode("cp1252")
    elif fmt == "xlsx":
        buffer = io.BytesIO()
        frame.to_excel(buffer, index=False)
        raw = buffer.getvalue()
    else:
        buffer = io.BytesIO()
        frame.to_parquet(buffer)
        raw = buffer.getvalue()
    name = f"extract.{fmt}"
    found = inspect_incident_file(FileInput(name, raw))
    assert found.detected is None and found.suggestion is not None
    result, detected = read(raw, name, found.suggestion)
    assert detected.startswith("force extract")
    assert (result.rows_read, result.loaded, result.rejected, result.duplicates) == (6, 3, 2, 1)
    rejects = result.rejects.set_index("row")
    assert rejects.loc[4, "column"] == "Committed Date + Committed Time"
    assert rejects.loc[4, "reason"].startswith("unparseable date")
    assert rejects.loc[4, "value"] == "31/02/2024 10:00"
    assert rejects.loc[6, "column"] == "Easting" and "outside British National Grid" in rejects.loc[6, "reason"]
    assert rejects.loc[7, "reason"] == "duplicate crime_id"
    loaded = result.frame.set_index("crime_id")
    assert loaded.loc["WM/1", "occurred_from"] == pd.Timestamp("2024-12-25 14:30")
    assert loaded.loc["WM/1", "date_precision"] == "minute"
    assert loaded.loc["WM/2", "date_precision"] == "day"
    assert bool(loaded.loc["WM/1", "alcohol"]) and not bool(loaded.loc["WM/2", "alcohol"])
    assert np.isclose(loaded.loc["WM/1", "x"], 385000)


def test_saved_mapping_is_reused_by_name_on_the_command_line(tmp_path, capsys):
    frame = extract_frame()
    path = tmp_path / "extract.csv"
    frame.to_csv(path, index=False)
    profile = suggest_mapping(list(frame.columns), frame, "WM extract")
    store.save_mapping(profile)
    assert store.list_mappings() == ["WM extract"]
    assert store.load_mapping("wm extract").columns == profile.columns
    status = cli_main(["import", str(path), "--mapping", "WM extract", "--name", "extracts", "--quiet"])
    out = capsys.readouterr().out
    assert status == 0
    assert out == "read 6, loaded 3, rejected 2, duplicates 1\n"
    assert store.get_dataset("extracts").sources[0]["read_as"] == "force extract (mapping 'WM extract')"


def test_unknown_mapping_name_lists_the_saved_ones(tmp_path, capsys):
    store.save_mapping(MappingProfile("Mine", {"crime_id": "a", "occurred_from": "b", "offence_group": "c"}))
    path = tmp_path / "x.csv"
    path.write_text("a,b,c\n1,2024-01-01,Drugs\n")
    assert cli_main(["import", str(path), "--mapping", "Other"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no saved mapping called 'Other'" in err and "Mine" in err


def test_mapping_offence_groups_rename_exclude_and_reject_unknown():
    frame = extract_frame().head(2)
    profile = suggest_mapping(list(frame.columns), frame, "groups")
    profile.offence_groups = {"Violence with injury": "Violence", "Possession of drugs": ""}
    raw = pd.concat([frame, frame.assign(**{"Occurrence Ref": ["X1", "X2"], "HO Class": ["Burglary", "Burglary"]})]
                    ).to_csv(index=False).encode()
    result, _ = read(raw, "extract.csv", profile)
    assert result.loaded == 1 and result.frame["offence_group"].astype(str).tolist() == ["Violence"]
    got = reasons(result)
    assert got[3].startswith("offence excluded by mapping")
    assert got[4].startswith("unknown offence") and got[5].startswith("unknown offence")


# --- the store: provenance, restart, re-import, switch, delete ---------------------------------

def test_store_keeps_provenance_and_survives_a_restart(own_store):
    raw = street_csv(street_row("c1"), street_row("c2"), street_row("", crime_type="Anti-social behaviour"))
    report = import_incidents([FileInput("2024-01-x-street.csv", raw)], "My data")
    assert report.summary() == "read 3, loaded 2, rejected 1, duplicates 0"
    # a new process (a restart) sees the same data set
    code = ("from harm import store; d = store.get_dataset('My data'); "
            "import json; print(json.dumps([d.name, d.kind, d.rows, d.sources[0]['sha256'], d.rejected]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True,
                         env={**__import__("os").environ, "HARM_DATA_DIR": str(own_store)}).stdout
    import hashlib

    assert json.loads(out) == ["My data", "incidents", 2, hashlib.sha256(raw).hexdigest(), 1]
    source = store.get_dataset("My data").sources[0]
    assert {"file", "sha256", "imported_at", "rows_read", "loaded", "rejected", "duplicates"} <= set(source)
    assert source["imported_at"][:4] == "2026" or source["imported_at"][:2] == "20"


def test_importing_the_same_file_twice_adds_nothing():
    raw = street_csv(street_row("c1"), street_row("c2"))
    first = import_incidents([FileInput("a.csv", raw)], "Twice")
    again = import_incidents([FileInput("a.csv", raw)], "Twice")
    assert first.summary() == "read 2, loaded 2, rejected 0, duplicates 0"
    assert again.summary() == "read 2, loaded 0, rejected 0, duplicates 2"
    assert any("already imported" in n for n in again.notes)
    assert store.get_dataset("Twice").rows == 2 and len(store.get_dataset("Twice").sources) == 1
    # an overlapping new file adds only its new crimes
    more = import_incidents([FileInput("b.csv", street_csv(street_row("c2"), street_row("c3")))], "Twice")
    assert more.summary() == "read 2, loaded 1, rejected 0, duplicates 1"
    assert sorted(store.load_incidents("Twice")["crime_id"]) == ["c1", "c2", "c3"]


def test_data_sets_are_listed_switched_by_name_and_deleted(tmp_path, capsys):
    import_incidents([FileInput("a.csv", street_csv(street_row("c1")))], "First <b>set</b>")
    import_incidents([FileInput("b.csv", street_csv(street_row("d1"), street_row("d2")))], "Second")
    assert sorted(d.name for d in store.list_datasets("incidents")) == ["First <b>set</b>", "Second"]
    assert cli_main(["datasets"]) == 0
    listing = capsys.readouterr().out
    assert "First <b>set</b>\tincidents\t1 rows" in listing and "Second\tincidents\t2 rows" in listing
    # a stored name works wherever --incidents is accepted
    out = tmp_path / "counts.csv"
    assert cli_main(["counts", "--incidents", "Second", "--area-level", "force", "--out", str(out)]) == 0
    capsys.readouterr()
    assert cli_main(["datasets", "--delete", "Second"]) == 0
    assert store.find_dataset("Second") is None
    assert cli_main(["counts", "--incidents", "Second", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "no stored incidents data set" in err and "First <b>set</b>" in err


def test_bad_data_set_names_are_refused():
    for name in ["", "  ", "!!!", "demo", "x" * 200]:
        with pytest.raises(HarmInputError):
            store.check_name(name)


# --- the command line --------------------------------------------------------------------------

def run_cli(*args, env_dir: Path) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-m", "harm", *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "HARM_DATA_DIR": str(env_dir)}, timeout=300)


def test_cli_import_prints_exactly_one_line_and_writes_rejects(tmp_path, own_store):
    path = tmp_path / "2024-01-x-street.csv"
    path.write_bytes(street_csv(street_row("c1"), street_row("c1"), street_row("c2", month="bad"),
                                street_row("c3", crime_type="=evil()")))
    rejects = tmp_path / "rejects.csv"
    done = run_cli("import", path, "--name", "cli", "--rejects", rejects, env_dir=own_store)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "read 4, loaded 1, rejected 2, duplicates 1\n"
    written = pd.read_csv(rejects, dtype=str)
    assert list(written.columns) == ["file", "row", "column", "value", "reason"]
    assert written["row"].tolist() == ["3", "4", "5"]
    assert "'=evil()" in written["value"].tolist()


def test_cli_unusable_file_exits_2_with_one_line(tmp_path, own_store):
    path = tmp_path / "semi.csv"
    path.write_text("a;b;c\n1;2;3\n")
    done = run_cli("import", path, env_dir=own_store)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("error: semi.csv: the columns are separated by semicolons")
    missing = run_cli("import", tmp_path / "nope.csv", env_dir=own_store)
    assert missing.returncode == 2 and "file not found" in missing.stderr and missing.stderr.count("\n") == 1


def test_datasets_command_lists_an_empty_store(own_store, capsys):
    assert cli_main(["datasets"]) == 0
    assert "no stored data sets" in capsys.readouterr().out


def test_other_kinds_are_kept_with_their_files_and_reimport_adds_nothing(real_dir, capsys):
    path = real_dir / "drug_treatment" / "ViewIt Export Data_LAs.csv"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    rows = sum(1 for _ in csv.reader(open(path, newline="", encoding="utf-8-sig"))) - 1
    assert cli_main(["import", str(path), "--kind", "treatment", "--name", "NDTMS", "--quiet"]) == 0
    assert capsys.readouterr().out == f"read {rows}, loaded {rows}, rejected 0, duplicates 0\n"
    assert cli_main(["import", str(path), "--kind", "treatment", "--name", "NDTMS", "--quiet"]) == 0
    assert capsys.readouterr().out == f"read {rows}, loaded 0, rejected 0, duplicates {rows}\n"
    kept = store.dataset_files("NDTMS", "treatment")
    assert len(kept) == 1 and kept[0].read_bytes() == path.read_bytes()
    from harm.cli.common import files_from_args

    assert files_from_args(["NDTMS"], "treatment") == kept


def test_datasets_command_writes_a_data_sets_rejects(tmp_path, capsys):
    import_incidents([FileInput("a.csv", street_csv(street_row("c1"), street_row("c2", month="x")))], "R")
    out = tmp_path / "rejects.csv"
    assert cli_main(["datasets", "--rejects", "R", "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote 1 rejected rows to {out}\n"
    assert pd.read_csv(out)["reason"].str.startswith("unparseable date").all()


# --- workbooks with several sheets ----------------------------------------------------------------

def sheet_frame() -> pd.DataFrame:
    return extract_frame().replace({"=1+1": "Shoplifting"})  # a formula cell written here has no value


def two_sheet_workbook(extra_empty=False) -> bytes:
    """A cover sheet of notes first (as force extracts often have), then the extract."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame({"About this extract": ["Produced by the crime registrar", "Do not forward"]}).to_excel(
            writer, index=False, sheet_name="Notes")
        sheet_frame().to_excel(writer, index=False, sheet_name="Crimes")
        if extra_empty:
            writer.book.create_sheet("Blank")
    return buffer.getvalue()


def test_workbook_sheets_are_listed_with_their_rows():
    from harm.io.tables import default_sheet, workbook_sheets

    sheets = workbook_sheets(two_sheet_workbook(extra_empty=True), "extract.xlsx")
    assert [(s.name, s.rows) for s in sheets] == [("Notes", 3), ("Crimes", 7), ("Blank", 0)]
    assert [s.label for s in sheets] == ["Notes (2 data rows)", "Crimes (6 data rows)", "Blank (empty)"]
    assert default_sheet(sheets) == "Notes"
    assert workbook_sheets(street_csv(street_row()), "a.csv") == []


def test_the_chosen_sheet_is_read_and_an_empty_or_missing_one_is_explained():
    raw = two_sheet_workbook(extra_empty=True)
    first = inspect_incident_file(FileInput("extract.xlsx", raw))
    assert first.columns == ["About this extract"]  # without a choice: the first sheet with data
    chosen = inspect_incident_file(FileInput("extract.xlsx", raw, sheet="Crimes"))
    assert chosen.columns == list(sheet_frame().columns) and chosen.rows == 6
    result, _ = read_incident_file(FileInput("extract.xlsx", raw, sheet="Crimes"), chosen.suggestion)
    assert (result.rows_read, result.loaded, result.rejected, result.duplicates) == (6, 3, 2, 1)
    assert "extract.xlsx: read sheet 'Crimes'." in result.notes
    with pytest.raises(HarmInputError, match=r"the sheet 'Blank' is empty.*Notes, Crimes, Blank"):
        inspect_incident_file(FileInput("extract.xlsx", raw, sheet="Blank"))
    with pytest.raises(HarmInputError, match=r"no sheet called 'Crime'.*Sheets: Notes, Crimes, Blank"):
        inspect_incident_file(FileInput("extract.xlsx", raw, sheet="Crime"))


def test_cli_import_reads_the_sheet_it_is_given(tmp_path, capsys):
    path = tmp_path / "extract.xlsx"
    path.write_bytes(two_sheet_workbook())
    profile = suggest_mapping(list(sheet_frame().columns), sheet_frame(), "WM workbook")
    store.save_mapping(profile)
    args = ["import", str(path), "--mapping", "WM workbook", "--name", "workbook", "--quiet"]
    assert cli_main(args) == 2  # the cover sheet has none of the mapped columns
    assert "Notes" not in capsys.readouterr().out
    assert cli_main([*args, "--sheet", "Crimes"]) == 0
    assert capsys.readouterr().out == "read 6, loaded 3, rejected 2, duplicates 1\n"
    assert cli_main(["import", str(path), "--kind", "spend", "--sheet", "Crimes"]) == 2
    assert "--sheet is for incident workbooks" in capsys.readouterr().err
