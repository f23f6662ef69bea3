import pandas as pd
import pytest

from harm.cli import main
from harm.demo.calibration import TABLE_1


def test_counts_policing_area_equals_table_1(tmp_path):
    out = tmp_path / "ytd.csv"
    assert main(["counts", "--area-level", "policing-area", "--period", "2014-04..2014-10",
                 "--by", "area", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert list(table.columns) == ["area", "count"]
    counts = dict(zip(table["area"], table["count"]))
    for area, (ytd, *_rest) in TABLE_1.items():
        assert counts[area] == ytd


def test_counts_reconcile_with_outside_and_no_location(tmp_path, demo_incidents):
    out = tmp_path / "all.csv"
    assert main(["counts", "--by", "area,fy", "--measure", "all", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert table["count"].sum() == len(demo_incidents)
    assert "(no location)" in set(table["area"])
    assert set(table["fy"]) == {f"{y}/{(y + 1) % 100:02d}" for y in range(2010, 2020)}


def test_counts_with_user_boundaries(tmp_path, real_dir):
    lad = real_dir / "boundaries" / "Local_Authority_Districts_(December_2019)_Boundaries_UK_BUC.geojson"
    out = tmp_path / "lad.csv"
    assert main(["counts", "--boundaries", str(lad), "--area-field", "lad19nm", "--period", "2014-04..2014-10",
                 "--by", "area", "--out", str(out)]) == 0
    table = pd.read_csv(out).set_index("area")["count"]
    assert table.sum() == sum(v[0] for v in TABLE_1.values()) + table.get("(no location)", 0)
    # Herefordshire is one LAD and one policing area: counts agree up to boundary generalisation
    assert table["Herefordshire, County of"] == pytest.approx(TABLE_1["Herefordshire"][0], rel=0.02)
    assert len(table) == 382 + 1 + ("(outside areas)" in table.index)


@pytest.mark.parametrize("args,message", [
    (["--period", "2014-13..2014-14"], "month that does not exist"),
    (["--period", "last year"], "is not a period"),
    (["--by", "area,colour"], "unknown dimension"),
    (["--boundaries", "nope.geojson", "--area-field", "x"], "nope.geojson"),
])
def test_counts_bad_options_exit_2_with_one_line(tmp_path, capsys, args, message):
    assert main(["counts", *args, "--out", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
