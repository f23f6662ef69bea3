"""``python -m harm treatment`` and ``python -m harm testing``: columns, values from the engine,
suppressed cells in the file, real OHID / NDTMS files, and one-line errors with exit status 2."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from harm.cli import main

ROOT = Path(__file__).resolve().parents[1]
TREATMENT_COLUMNS = ["area", "period", "substance", "in_treatment", "completions", "completion_rate", "ci_low",
                     "ci_high", "england_rate", "vs_england"]
TESTING_COLUMNS = ["area", "month", "tests", "positive", "positive_rate", "assessed", "entered_treatment"]


def read_text_csv(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def run_ok(*args) -> None:
    assert main(list(map(str, args))) == 0


def run_fails(capsys, *args) -> str:
    capsys.readouterr()
    assert main(list(map(str, args))) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("error: ")
    return err


def test_treatment_on_the_demo(tmp_path):
    out = tmp_path / "completions.csv"
    run_ok("treatment", "--out", out)
    table = read_text_csv(out)
    assert list(table.columns) == TREATMENT_COLUMNS
    assert len(table) == 5 * 10 * 5  # 5 authorities x 10 years x (4 groups + all)
    row = table[(table["area"] == "Worcestershire") & (table["period"] == "2016/17")
                & (table["substance"] == "opiate")].iloc[0]
    n, x = int(row["in_treatment"]), int(row["completions"])
    low, high = proportion_confint(x, n, method="wilson")
    assert float(row["completion_rate"]) == round(x / n * 100, 1)
    assert (float(row["ci_low"]), float(row["ci_high"])) == (round(low * 100, 1), round(high * 100, 1))
    assert row["vs_england"] in {"better", "similar", "worse"}
    wm = table[(table["period"] == "2016/17") & (table["area"].isin(
        ["Herefordshire", "Shropshire", "Telford and Wrekin", "Worcestershire"]))]
    assert wm[wm["substance"] == "all"]["in_treatment"].astype(int).sum() == 5000
    assert wm[wm["substance"] == "opiate"]["completions"].astype(int).sum() == 180


def test_treatment_by_csp_for_one_substance(tmp_path):
    out = tmp_path / "opiate.csv"
    run_ok("treatment", "--area-level", "csp", "--substance", "Opiates", "--out", out)
    table = read_text_csv(out)
    assert set(table["substance"]) == {"opiate"} and table["area"].nunique() == 9 and len(table) == 90


def test_treatment_writes_suppressed_cells(tmp_path):
    """A file of our own layout: Smallshire's 3 opiate completions are <5; its all-substances total
    (3 + 10 + 20 + 5 = 38) would give them back, so it is hidden too ([c]); rates on them are blank."""
    src = tmp_path / "mine.csv"
    rows = [("la", "Smallshire", "opiate", 100, 3), ("la", "Smallshire", "non-opiate", 30, 10),
            ("la", "Smallshire", "alcohol", 50, 20), ("la", "Smallshire", "non-opiate and alcohol", 20, 5),
            ("england", "England", "opiate", 1000, 60), ("england", "England", "non-opiate", 300, 100),
            ("england", "England", "alcohol", 500, 200), ("england", "England", "non-opiate and alcohol", 200, 70)]
    pd.DataFrame(rows, columns=["level", "area", "substance", "in_treatment", "completions"]).assign(
        year="2016/17").to_csv(src, index=False)
    out = tmp_path / "out.csv"
    run_ok("treatment", "--treatment", src, "--out", out)
    table = read_text_csv(out).set_index("substance")
    assert table.loc["opiate", "completions"] == "<5"
    assert table.loc["opiate", ["completion_rate", "ci_low", "ci_high"]].tolist() == ["", "", ""]
    assert table.loc["opiate", "vs_england"] == "suppressed"
    assert table.loc["all", "completions"] == "[c]" and table.loc["all", "in_treatment"] == "200"
    assert table.loc["alcohol", "completions"] == "20" and table.loc["alcohol", "completion_rate"] == "40.0"
    assert table.loc["alcohol", "england_rate"] == "40.0" and table.loc["alcohol", "vs_england"] == "similar"
    # asking for one substance keeps the suppression worked out on the whole table
    one = tmp_path / "one.csv"
    run_ok("treatment", "--treatment", src, "--substance", "all", "--out", one)
    assert read_text_csv(one)["completions"].tolist() == ["[c]"]


def test_treatment_on_the_real_files(tmp_path, real_dir):
    folder = real_dir / "drug_treatment"
    out = tmp_path / "real.csv"
    run_ok("treatment", "--treatment", folder / "ViewIt Export Data_LAs.csv",
           folder / "ViewIt Export Data_England.csv", folder / "unmet_opiates.csv", "--out", out)
    table = read_text_csv(out)
    row = table[(table["period"] == "2016/17") & (table["substance"] == "opiate")].iloc[0]
    low, high = proportion_confint(50, 575, method="wilson")  # ViewIt: 50 of 575 counted for the indicator
    assert row.tolist() == ["Barnet", "2016/17", "opiate", "575", "50", "8.7", f"{low * 100:.1f}",
                            f"{high * 100:.1f}", "", "n/a"]
    assert (table[table["period"] == "2021/22"]["completions"] == "").all()  # NULL in ViewIt: blank, not 0


def test_treatment_errors_are_one_line(tmp_path, capsys, real_dir):
    out = tmp_path / "x.csv"
    assert "no such file" in run_fails(capsys, "treatment", "--treatment", tmp_path / "nope.csv", "--out", out)
    odd = real_dir / "drug_treatment" / "Estimates_of_Alcohol_Dependent_Adults_in_England_for_R.csv"
    err = run_fails(capsys, "treatment", "--treatment", odd, "--out", out)
    assert "not a treatment layout" in err and "Indicator ID" in err and "intreatment_allintx" in err
    viewit = real_dir / "drug_treatment" / "ViewIt Export Data_LAs.csv"
    err = run_fails(capsys, "treatment", "--treatment", viewit, "--area-level", "csp", "--out", out)
    assert "no csp rows (they have la)" in err
    assert "unknown substance group 'crack'" in run_fails(capsys, "treatment", "--substance", "crack", "--out", out)
    assert not out.exists()


def test_testing_on_the_demo(tmp_path):
    out = tmp_path / "testing.csv"
    run_ok("testing", "--area-level", "force", "--period", "2017-04..2017-09", "--out", out)
    table = read_text_csv(out)
    assert list(table.columns) == TESTING_COLUMNS
    wm = table[table["area"] == "West Mercia"]
    assert wm["month"].tolist() == [f"2017-{m:02d}" for m in range(4, 10)]
    assert wm["tests"].astype(int).sum() == 802 and wm["positive"].astype(int).sum() == 505
    total = table[table["area"] == "All areas"]
    assert len(total) == 6
    assert (total["tests"].astype(int).to_numpy() == table[table["area"] != "All areas"].groupby("month")[
        "tests"].apply(lambda s: s.astype(int).sum()).to_numpy()).all()
    first = wm.iloc[0]
    assert float(first["positive_rate"]) == round(int(first["positive"]) / int(first["tests"]) * 100, 1)


def test_testing_csp_months_carry_small_number_suppression(tmp_path):
    out = tmp_path / "csp.csv"
    run_ok("testing", "--area-level", "csp", "--period", "2017-04..2017-04", "--out", out)
    table = read_text_csv(out)
    assert "<5" in set(table.to_numpy().ravel())
    assert len(table) == 10  # 9 CSPs and the all-areas row


def test_testing_from_a_file_and_errors(tmp_path, capsys):
    src = tmp_path / "tests.csv"
    pd.DataFrame([("A", "2017-04", 20, 2, 5, 3, 10, 8, 4), ("B", "2017-04", 30, 5, 6, 5, 16, 12, 7)],
                 columns=["area", "month", "tests", "positive_opiates_only", "positive_cocaine_only", "positive_both",
                          "assessments_required", "assessments_attended", "entered_treatment"]).to_csv(src, index=False)
    out = tmp_path / "out.csv"
    run_ok("testing", "--testing", src, "--out", out)
    table = read_text_csv(out)
    assert table.values.tolist() == [["A", "2017-04", "20", "10", "50.0", "8", "<5"],
                                     ["B", "2017-04", "30", "16", "53.3", "12", "7"],
                                     ["All areas", "2017-04", "50", "26", "52.0", "20", "[c]"]]
    err = run_fails(capsys, "testing", "--testing", src, "--period", "2019-01..2019-02", "--out", out)
    assert "no testing data in that period" in err
    bad = tmp_path / "bad.csv"
    bad.write_text("area,month\nA,2017-04\n")
    assert "needs the columns area, month, tests" in run_fails(capsys, "testing", "--testing", bad, "--out", out)


def test_commands_run_as_modules(tmp_path):
    """The real entry point: ``python -m harm treatment`` exits 2 with one line on bad input."""
    done = subprocess.run([sys.executable, "-m", "harm", "treatment", "--substance", "crack", "--out",
                           str(tmp_path / "x.csv")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.strip().splitlines() == [
        "error: --substance: unknown substance group 'crack'. Use one of: opiate, non-opiate, alcohol, "
        "non-opiate and alcohol, all."]
