"""Treatment and drug-testing data sets kept on the Data page: read back with the readers of their
kind (the same numbers as reading the files directly), and the levels drug testing can be shown at.
The pages that offer them: tests/test_stored_data_pages.py."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from harm import store
from harm.cli import main
from harm.drugs import testing
from harm.drugs.testing_files import combine_testing, read_stored_testing, shown_at, stored_testing_names
from harm.errors import HarmInputError
from harm.io.importer import FileInput, import_table
from harm.treatment import read_stored_treatment, read_treatment_file, stored_treatment_names
from harm.treatment.schema import ALL
from user_tables import TESTING_ROWS, drug_testing_file, treatment_file


@pytest.fixture
def empty_store(tmp_path, monkeypatch):
    monkeypatch.setenv("HARM_DATA_DIR", str(tmp_path))
    return tmp_path


def test_a_stored_treatment_set_reads_as_its_file(empty_store):
    import_table([FileInput("mine.csv", treatment_file())], "treatment", "My treatment")
    assert stored_treatment_names() == ["My treatment"]
    stored = read_stored_treatment("My treatment")
    direct = read_treatment_file(treatment_file(), "mine.csv")
    pd.testing.assert_frame_equal(stored.annual_frame(), direct.annual_frame())
    assert stored.source == "Data set My treatment: Treatment CSV (mine.csv)" and not stored.is_demo
    annual = stored.annual_frame().set_index(["area", "substance"])
    assert annual.loc[("Herefordshire", ALL), "in_treatment"] == 600
    assert annual.loc[("Herefordshire", ALL), "completions"] == 120


def test_a_stored_real_viewit_export_reads_as_the_file(empty_store, real_dir):
    path = real_dir / "drug_treatment" / "ViewIt Export Data_LAs.csv"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    import_table([FileInput.from_path(path)], "treatment", "NDTMS")
    pd.testing.assert_frame_equal(read_stored_treatment("NDTMS").annual_frame(),
                                  read_treatment_file(path).annual_frame())


def test_a_stored_testing_set_reads_as_its_files(empty_store):
    first, second = drug_testing_file(TESTING_ROWS[:2]), drug_testing_file(TESTING_ROWS[2:])
    import_table([FileInput("april.csv", first), FileInput("may.csv", second)], "testing", "Custody tests")
    assert stored_testing_names() == ["Custody tests"]
    stored = read_stored_testing("Custody tests")
    direct = pd.concat([testing.read_testing_csv(first, "april.csv"), testing.read_testing_csv(second, "may.csv")],
                       ignore_index=True)
    pd.testing.assert_frame_equal(stored, direct)
    assert stored["tests"].sum() == 140 and set(stored["level"]) == {"csp"}


@pytest.mark.parametrize("kind, read", [("treatment", read_stored_treatment), ("testing", read_stored_testing)])
def test_unknown_names_and_sets_without_files_say_what_to_do(empty_store, kind, read):
    with pytest.raises(HarmInputError, match=f"no stored {'drug-testing' if kind == 'testing' else kind} data set "
                                             f"called 'Nope'. Import one first.*--kind {kind}"):
        read("Nope")
    data = treatment_file() if kind == "treatment" else drug_testing_file()
    import_table([FileInput("x.csv", data)], kind, "Kept")
    with pytest.raises(HarmInputError, match="called 'Nope'. Choose one of: Kept"):
        read("Nope")
    shutil.rmtree(store.get_dataset("Kept").folder / "files")
    with pytest.raises(HarmInputError, match="'Kept' keeps no files. Import its files again.*--replace"):
        read("Kept")


def test_csp_testing_without_codes_sums_to_larger_areas():
    data = testing.read_testing_csv(drug_testing_file(), "tests.csv")
    rows, level, note = shown_at(data, "force")
    assert (level, note) == ("force", None)
    assert rows.groupby("area")["tests"].sum().to_dict() == {"West Mercia": 120, "Warwickshire": 20}
    rows, level, _ = shown_at(data, "la")
    assert rows[rows["month"] == "2017-04"].set_index("area")["tests"].to_dict() == {"Worcestershire": 90}
    same, level, note = shown_at(data, "csp")
    assert level == "csp" and note is None and same["tests"].tolist() == [40, 50, 30, 20]


def test_testing_that_cannot_be_shown_at_the_level_is_shown_at_its_own_with_a_note():
    per_la = testing.read_testing_csv(drug_testing_file(TESTING_ROWS[2:3]).replace(b"area,", b"level,area,", 1)
                                      .replace(b"\nHerefordshire", b"\nla,Herefordshire"), "la.csv")
    rows, level, note = shown_at(per_la, "csp")
    assert level == "la" and rows["tests"].tolist() == [30]
    assert "per local authority (public health)" in note and "Local authority district" in note
    unknown = testing.read_testing_csv(drug_testing_file([("Atlantis", "2017-04", 5, 1, 1, 1, 3, 2, 1)]), "x.csv")
    rows, level, note = shown_at(unknown, "force")
    assert level == "csp" and "CSPs the dashboard does not know (Atlantis)" in note


def test_mixed_levels_repeats_and_unknown_levels_are_errors():
    csp = testing.read_testing_csv(drug_testing_file(TESTING_ROWS[:1]), "a.csv")
    with pytest.raises(HarmInputError, match="mix area levels \\(csp, la\\)"):
        shown_at(pd.concat([csp, csp.assign(level="la")], ignore_index=True), "csp")
    with pytest.raises(HarmInputError, match="North Worcestershire, 2017-04 is given more than once"):
        combine_testing([csp, csp])
    with pytest.raises(HarmInputError, match="the level 'ward' on line 2 is not one the dashboard knows"):
        testing.read_testing_csv(b"level," + drug_testing_file(TESTING_ROWS[:1]).replace(b"\n", b"\nward,", 1), "w.csv")


def test_the_commands_read_stored_data_sets_by_name(empty_store, tmp_path, capsys):
    import_table([FileInput("mine.csv", treatment_file())], "treatment", "My treatment")
    import_table([FileInput("custody.csv", drug_testing_file())], "testing", "Custody tests")
    out = tmp_path / "out.csv"
    assert main(["treatment", "--treatment", "My treatment", "--substance", "opiate", "--out", str(out)]) == 0
    table = pd.read_csv(out, dtype=str).set_index("area")
    assert (table.loc["Herefordshire", "in_treatment"], table.loc["Herefordshire", "completions"]) == ("400", "40")
    assert main(["testing", "--testing", "Custody tests", "--out", str(out)]) == 0
    table = pd.read_csv(out, dtype=str)
    assert table[table["area"] == "All areas"]["tests"].tolist() == ["90", "50"]  # April, May
    capsys.readouterr()
    assert main(["testing", "--testing", "Nope", "--out", str(out)]) == 2
    assert capsys.readouterr().err.startswith("error: Nope: no such file, and no stored testing data set of that "
                                              "name. Stored: Custody tests.")
