"""Overview numbers, and area assignment through each incident's LSOA."""

import pandas as pd

from harm.areas import assign, load_area_set
from harm.overview import dataset_summary


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
