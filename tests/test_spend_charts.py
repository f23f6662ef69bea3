"""The Commissioning page's chart builders (harm.spend.charts) and the small engine helpers they draw."""

import json

import pandas as pd
import pytest

from harm.charts import ChartMeta, annotate, to_png
from harm.errors import HarmInputError
from harm.spend import charts, demo_phg_allocations, demo_spend, framework, funnel, outcomes, roi
from harm.spend.treatment_link import treatment_counts


@pytest.fixture(scope="module")
def spend():
    return demo_spend()


@pytest.fixture(scope="module")
def counts():
    return treatment_counts(None, "la")


def spec(chart) -> dict:
    return chart.to_dict()


def data_rows(chart) -> list[list[dict]]:
    return list(spec(chart)["datasets"].values())


def test_every_chart_fits_width_only_and_draws_offline(spend, counts):
    """Streamlit's default autosize "fit" squeezes title and legend into the height: the builders set fit-x."""
    year = "2018/19"
    against = outcomes.spend_against_outcomes(spend, counts, "la", year)
    points = funnel.funnel_points(counts[counts["year"] == year])
    built = [
        charts.spend_over_time(outcomes.spend_by(spend, ["year", "funder"]), "funder"),
        charts.phg_share_chart(framework.phg_shares(spend, demo_phg_allocations()), framework.published_phg_shares()),
        charts.contract_timeline(framework.contracts_in_view(framework.contracts(spend, "2019-04-01")), "2019-04-01"),
        charts.ratio_bars(against, "cost_per_completion"),
        charts.funnel_plot(points, funnel.funnel_curves(points["pooled_rate"].iloc[0], points["in_treatment"].max())),
        charts.outcome_scatter(outcomes.outcome_against_spend(against, "completion_rate", counts),
                               outcome_title="Completion rate", percent=True),
        charts.roi_bars(charts.roi_frame(roi.what_if(1000.0, 10, "%", "dtors"))),
    ]
    for chart in built:
        assert spec(chart)["autosize"] == {"type": "fit-x", "contains": "padding"}
    png = to_png(annotate(built[4], ChartMeta("Funnel", demo=True)), scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_phg_chart_marks_the_published_shares(spend):
    chart = charts.phg_share_chart(framework.phg_shares(spend, demo_phg_allocations()), framework.published_phg_shares())
    text = json.dumps(spec(chart))
    for label in ("18%", "28.5%", "18.5%", "14%"):
        assert f'"{label}"' in text
    nudged = {row["area"] for rows in data_rows(chart) for row in rows if row.get("nudge")}
    assert nudged == {"Herefordshire"}  # 18% sits just under Telford and Wrekin's 18.5%


def test_contract_timeline_flags_by_status_and_marks_the_dates(spend):
    table = framework.contracts_in_view(framework.contracts(spend, "2019-04-01"))
    chart = charts.contract_timeline(table, "2019-04-01")
    rows = [r for rows in data_rows(chart) for r in rows if "contract" in r]
    assert len(rows) == len(table) == 27
    red = [r for r in rows if r["status"] == "ends within 12 months"]
    assert len(red) == 19
    assert any(r["contract"] == "Herefordshire — drug intervention programme (Addaction (via Herefordshire Council))"
               for r in red)
    tbc = [r for r in rows if r["amount_text"] == "to be confirmed"]
    assert len(tbc) == 3 and all(r["status"] == "no end date" for r in tbc)
    texts = {r["what"] for rows in data_rows(chart) for r in rows if "what" in r}
    assert texts == {"as of 01 Apr 2019", "+12 months"}


def test_contracts_in_view():
    table = pd.DataFrame({"status": list(framework.CONTRACT_STATUSES)})
    assert framework.contracts_in_view(table)["status"].tolist() == list(framework.CONTRACT_STATUSES[1:])
    assert len(framework.contracts_in_view(table, include_ended=True)) == 4


def test_published_phg_shares_are_facts():
    published = framework.published_phg_shares().set_index("area")
    assert published["label"].to_dict() == {"Herefordshire": "18%", "Shropshire": "28.5%",
                                            "Telford and Wrekin": "18.5%", "Worcestershire": "14%"}
    assert (published["year"] == "2018/19").all()


def test_funnel_plot_shows_every_point_and_limit(counts):
    points = funnel.funnel_points(counts[counts["year"] == "2019/20"])
    chart = charts.funnel_plot(points, funnel.funnel_curves(points["pooled_rate"].iloc[0], points["in_treatment"].max()))
    low, high = spec(chart)["layer"][0]["encoding"]["y"]["scale"]["domain"]
    assert low <= points[["rate", "lower_998"]].min().min() and high >= points[["rate", "upper_998"]].max().max()
    lines = {r["limit"] for rows in data_rows(chart) for r in rows if "limit" in r}
    assert lines == {"pooled rate", "95% limits", "99.8% limits"}


def test_ratio_bars_leave_out_blank_ratios():
    frame = pd.DataFrame({"area": ["A", "B"], "year": ["2019/20"] * 2, "spend": [10.0, 20.0],
                          "cost_per_completion": [5.0, float("nan")]})
    rows = data_rows(charts.ratio_bars(frame, "cost_per_completion"))[0]
    assert [r["area"] for r in rows] == ["A"]


def test_roi_frame_is_the_what_if():
    result = roi.what_if(1000.0, 10, "%", "phe-4")
    frame = charts.roi_frame(result)
    assert frame["pounds"].tolist() == [1000.0, 4000.0, 1100.0, 4400.0]


def test_roi_basis_is_treatment_spend_of_the_year(spend):
    lines = spend[(spend["year"] == "2018/19") & (spend["category"] == "drug and alcohol treatment")]
    basis = roi.roi_basis(spend, "2018/19")
    assert basis["spend"] == pytest.approx(lines["amount"].sum())
    assert basis["description"] == "drug and alcohol treatment spend, all areas, 2018/19"
    worcs = roi.roi_basis(spend, "2018/19", "Worcestershire")
    assert worcs["spend"] == 3_984_000  # FACTS.md: Worcestershire spent £3,984,000 in 2018
    with pytest.raises(HarmInputError, match="no spend recorded for 2030/31"):
        roi.roi_basis(spend, "2030/31")
