import numpy as np
import pandas as pd
import pytest

from harm.areas import assign, labels_from_index, load_area_set, locate
from harm.demo import calibration
from harm.demo.generate import generate
from harm.incidents import COLUMNS

VIOLENCE = ["Violence with injury", "Violence without injury"]
WEST_MERCIA = ["Herefordshire", "Shropshire", "Telford & Wrekin", "North Worcestershire", "South Worcestershire"]


def window_counts(incidents, labels, first, last):
    month = incidents["occurred_from"].dt.to_period("M")
    keep = (month >= pd.Period(first, "M")) & (month <= pd.Period(last, "M"))
    keep &= incidents["offence_group"].isin(VIOLENCE)
    return labels[keep.to_numpy()].value_counts()


@pytest.fixture(scope="module")
def labels_pip(demo_incidents):
    """Policing areas by point in polygon against the dissolved polygons (not via LSOA codes)."""
    area_set = load_area_set("policing-area")
    index = locate(demo_incidents["x"].to_numpy(), demo_incidents["y"].to_numpy(), area_set.areas)
    return labels_from_index(index, demo_incidents["x"].notna().to_numpy(), area_set.names)


def test_demo_has_canonical_columns_and_span(demo_incidents):
    assert list(demo_incidents.columns) == COLUMNS
    assert demo_incidents["crime_id"].is_unique
    assert demo_incidents["occurred_from"].min() >= pd.Timestamp("2010-04-01")
    assert demo_incidents["occurred_from"].max() < pd.Timestamp("2020-04-01")
    assert set(demo_incidents["date_precision"].unique()) <= {"minute", "day"}


def test_table_1_reproduced_exactly_by_point_in_polygon(demo_incidents, labels_pip):
    ytd = window_counts(demo_incidents, labels_pip, "2014-04", "2014-10")
    last = window_counts(demo_incidents, labels_pip, "2013-04", "2013-10")
    earlier = [window_counts(demo_incidents, labels_pip, f"{y}-04", f"{y}-10") for y in range(2010, 2014)]
    for area, (y, ly, pct, v4) in calibration.TABLE_1.items():
        assert ytd[area] == y
        assert last[area] == ly
        assert calibration.round_half_away((ytd[area] / last[area] - 1) * 100) == pct
        avg = sum(e[area] for e in earlier) / 4
        assert calibration.round_half_away((ytd[area] / avg - 1) * 100) == v4


def test_lsoa_route_and_point_in_polygon_agree(demo_incidents, labels_pip):
    via_lsoa = assign(demo_incidents, load_area_set("policing-area"))
    assert (via_lsoa.astype(str).to_numpy() == labels_pip.astype(str).to_numpy()).all()


def test_drug_offences_west_mercia_2017_18(demo_incidents, labels_pip):
    fy = demo_incidents["occurred_from"].dt.to_period("Q-MAR").dt.qyear == 2018
    wm = labels_pip.isin(WEST_MERCIA).to_numpy()
    groups = demo_incidents["offence_group"]
    drugs = groups.isin(["Possession of drugs", "Trafficking of drugs"]).to_numpy()
    assert (drugs & wm & fy.to_numpy()).sum() == 2181
    assert ((groups == "Trafficking of drugs").to_numpy() & wm & fy.to_numpy()).sum() == 538


def test_drugs_marker_step_change_october_2017(demo_incidents):
    month = demo_incidents["occurred_from"].dt.to_period("M")
    share = demo_incidents.groupby(month)["drugs"].mean()
    before = share[pd.Period("2016-10", "M"):pd.Period("2017-09", "M")].mean()
    after = share[pd.Period("2017-10", "M"):pd.Period("2018-09", "M")].mean()
    assert 0.05 < before < 0.075
    assert after < before * 0.4


def test_night_time_economy_peak_with_alcohol(demo_incidents):
    viol = demo_incidents[demo_incidents["offence_group"].isin(VIOLENCE)
                          & (demo_incidents["date_precision"] == "minute")]
    start = viol["occurred_from"]
    night_day = (start - pd.Timedelta(hours=2)).dt.day_of_week  # 00:00–01:59 belongs to the night before
    hour = start.dt.hour
    nte = night_day.isin([4, 5]) & ((hour >= 21) | (hour < 2))
    hours_share = 2 * 5 / 168  # 10 of 168 hour-of-week slots
    assert nte.mean() > 3 * hours_share
    assert viol.loc[nte, "alcohol"].mean() > 2 * viol.loc[~nte, "alcohol"].mean()


def test_locations_inside_the_stated_lsoa_and_concentrated(demo_incidents):
    located = demo_incidents.dropna(subset=["x"])
    assert located["lsoa_code"].notna().all()
    per_lsoa = located["lsoa_code"].value_counts()
    top_5pct = per_lsoa.iloc[: int(np.ceil(0.05 * len(per_lsoa)))].sum() / per_lsoa.sum()
    assert top_5pct > 0.15  # town centres draw far more than their share


def test_generation_is_deterministic(demo_incidents):
    again = generate()
    pd.testing.assert_frame_equal(again, demo_incidents)
