"""Overview numbers, and area assignment through each incident's LSOA."""

import pandas as pd

from harm.areas import assign, load_area_set
from harm.overview import area_year_table, dataset_summary, monthly_trend


def test_dataset_summary_of_the_demo(demo_incidents):
    summary = dataset_summary(demo_incidents)
    assert summary["rows"] == len(demo_incidents)
    assert (summary["first_month"], summary["last_month"]) == ("2010-04", "2020-03")
    assert sum(summary["precision"].values()) == len(demo_incidents)
    assert set(summary["precision"]) == {"minute", "day"}
    assert summary["no_location"] == int(demo_incidents["x"].isna().sum())


def test_lsoa_assignment_is_the_same_from_categories_or_plain_text(demo_incidents):
    sample = demo_incidents.iloc[::50].reset_index(drop=True)
    as_text = sample.assign(lsoa_code=sample["lsoa_code"].astype("object"))
    for level in ("csp", "policing-area", "lad", "force"):
        area_set = load_area_set(level)
        pd.testing.assert_series_equal(assign(sample, area_set), assign(as_text, area_set))


def _reference_year_counts(incidents, labels):
    """An independent count: pandas groupby on the calendar year and month."""
    dates = incidents["occurred_from"].reset_index(drop=True)
    start = dates.dt.year - (dates.dt.month < 4)
    fy = start.astype(str) + "/" + ((start + 1) % 100).astype(str).str.zfill(2)
    frame = pd.DataFrame({"area": labels.astype(str).reset_index(drop=True), "fy": fy})
    return frame.groupby(["area", "fy"]).size()


def test_area_year_table_counts_every_incident_once_with_zeros_filled(demo_incidents):
    area_set = load_area_set("policing-area")
    sample = demo_incidents.iloc[::7].reset_index(drop=True)
    labels = assign(sample, area_set)
    table = area_year_table(sample, labels, area_set)
    assert table["count"].sum() == len(sample)
    assert list(table["area"].cat.categories[:7]) == area_set.names  # the set's order, for the pivot
    years = sorted(table["fy"].unique())
    assert years[0] == "2010/11" and years[-1] == "2019/20" and len(years) == 10
    assert len(table) == len(table["area"].unique()) * len(years)  # every area x every year
    reference = _reference_year_counts(sample, labels)
    got = table.set_index(["area", "fy"])["count"]
    got.index = got.index.set_levels([lvl.astype(str) for lvl in got.index.levels])
    for key, count in reference.items():
        assert got[key] == count, key
    assert (got.drop(index=list(reference.index)) == 0).all()


def test_area_year_table_keeps_an_area_with_no_incidents_at_zero():
    area_set = load_area_set("force")
    incidents = pd.DataFrame({"occurred_from": pd.to_datetime(["2014-03-31 23:00", "2014-04-01 00:10",
                                                               "2015-06-01 12:00"])})
    labels = pd.Series(pd.Categorical(["West Mercia", "West Mercia", "(no location)"],
                                      categories=area_set.names + ["(outside areas)", "(no location)"]))
    table = area_year_table(incidents, labels, area_set)
    rows = {(str(a), str(f)): c for a, f, c in table[["area", "fy", "count"]].itertuples(index=False)}
    assert rows == {("West Mercia", "2013/14"): 1, ("West Mercia", "2014/15"): 1, ("West Mercia", "2015/16"): 0,
                    ("Warwickshire", "2013/14"): 0, ("Warwickshire", "2014/15"): 0, ("Warwickshire", "2015/16"): 0,
                    ("(no location)", "2013/14"): 0, ("(no location)", "2014/15"): 0,
                    ("(no location)", "2015/16"): 1}


def test_monthly_trend_has_every_month_between_first_and_last_for_areas_with_incidents():
    incidents = pd.DataFrame({"occurred_from": pd.to_datetime(["2014-01-31 23:59", "2014-04-01 00:00",
                                                               "2014-04-30 10:00"])})
    labels = pd.Series(pd.Categorical(["B", "A", "A"], categories=["A", "B", "C"]))
    trend = monthly_trend(incidents, labels)
    assert list(trend.columns) == ["month", "area", "count"]
    assert [str(m)[:7] for m in trend["month"].unique()] == ["2014-01", "2014-02", "2014-03", "2014-04"]
    assert sorted(trend["area"].unique()) == ["A", "B"]  # C had no incidents
    counts = {(str(m)[:7], a): c for m, a, c in trend.itertuples(index=False)}
    assert counts[("2014-01", "B")] == 1 and counts[("2014-04", "A")] == 2 and counts[("2014-02", "A")] == 0
    assert trend["count"].sum() == 3 and len(trend) == 8


def test_monthly_trend_of_the_demo_matches_an_independent_count(demo_incidents):
    area_set = load_area_set("csp")
    labels = assign(demo_incidents, area_set)
    trend = monthly_trend(demo_incidents, labels)
    reference = pd.DataFrame({"m": demo_incidents["occurred_from"].dt.strftime("%Y-%m"),
                              "a": labels.astype(str)}).groupby(["m", "a"]).size()
    got = trend.assign(m=trend["month"].dt.strftime("%Y-%m")).set_index(["m", "area"])["count"]
    assert got.sum() == len(demo_incidents)
    assert (got.reindex(reference.index) == reference).all()
    assert len(got) == 120 * len(reference.index.get_level_values("a").unique())
