"""``python -m harm spend``: the columns the issue asks for, cost_per_completion = spend / completions."""

import numpy as np
import pandas as pd
import pytest

from harm.cli import main
from harm.spend.reader import template_csv

SPEC_COLUMNS = ["area", "year", "spend", "population", "spend_per_head", "in_treatment", "completions",
                "cost_per_completion"]


def _run(tmp_path, *args):
    out = tmp_path / "spend.csv"
    assert main(["spend", *args, "--out", str(out)]) == 0
    return pd.read_csv(out, dtype={"in_treatment": str, "completions": str}, keep_default_na=False,
                       na_values={"cost_per_completion": [""], "spend_per_person_in_treatment": [""]})


@pytest.mark.parametrize("level,areas", [("la", 5), ("csp", 9)])
def test_every_row_cost_is_spend_over_completions_or_blank_with_reason(tmp_path, level, areas):
    table = _run(tmp_path, "--area-level", level)
    assert list(table.columns[:8]) == SPEC_COLUMNS
    assert len(table) == areas * 10
    shown = table["completions"].str.fullmatch(r"\d+")
    completions = pd.to_numeric(table["completions"].where(shown), errors="coerce")
    with_cost = shown & (completions > 0)
    assert np.allclose(table.loc[with_cost, "cost_per_completion"],
                       table.loc[with_cost, "spend"] / completions[with_cost], atol=0.01)
    assert table.loc[~with_cost, "cost_per_completion"].isna().all()
    assert (table.loc[~with_cost, "note"] != "").all()
    assert np.allclose(table["spend_per_head"], table["spend"] / table["population"], atol=0.01)


def test_csp_level_shows_the_secondary_suppression(tmp_path):
    table = _run(tmp_path, "--area-level", "csp", "--year", "2017/18")
    hidden = table[table["completions"] == "[c]"]
    assert list(hidden["area"]) == ["North Warwickshire"]
    assert hidden["cost_per_completion"].isna().all()
    assert "cannot be worked out" in hidden["note"].iloc[0]


def test_one_year_and_population(tmp_path):
    table = _run(tmp_path, "--year", "2018/19")
    assert set(table["year"]) == {"2018/19"}
    assert table.set_index("area").loc["Worcestershire", "population"] == 566_169  # 6 districts, 2011 census


def test_users_spend_file_with_rejects(tmp_path, capsys):
    spend = tmp_path / "mine.csv"
    spend.write_bytes(template_csv() + b"2019/20,Atlantis,other,x,,other,5,,,,\n")
    rejects = tmp_path / "rejects.csv"
    table = _run(tmp_path, "--spend", str(spend), "--rejects", str(rejects))
    err = capsys.readouterr().err
    assert "read 4, loaded 3, rejected 1" in err
    assert "demo treatment data" in err
    assert pd.read_csv(rejects)["reason"].str.contains("Atlantis").all()
    assert set(table["year"]) == {"2019/20"}


@pytest.mark.parametrize("args,message", [
    (["--year", "2019/21"], "not a financial year"),
    (["--year", "2030/31"], "no rows for 2030/31"),
    (["--spend", "nope.csv"], "nope.csv"),
    (["--rejects", "r.csv"], "--rejects needs --spend"),
    (["--treatment", "missing.csv"], "missing.csv"),
])
def test_bad_options_exit_2_with_one_line(tmp_path, capsys, args, message):
    assert main(["spend", *args, "--out", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
