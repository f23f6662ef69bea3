"""The chart builders of the Drugs and Treatment pages are plain functions (no Streamlit) that a
briefing pack or ``python -m harm chart`` can reuse: each gives a Vega-Lite spec that renders
offline to PNG, with the data and encodings the page relies on."""

import numpy as np
import pytest

from harm.charts import ChartMeta, annotate, to_png, to_svg
from harm.drugs import charts as drug_charts
from harm.drugs import marker, offences, testing
from harm.treatment import charts as treatment_charts
from harm.treatment import demo_data, need, outcomes
from harm.treatment.schema import ALL

PNG = b"\x89PNG\r\n\x1a\n"


def values(spec: dict) -> list[dict]:
    """Every inline data row of a (possibly layered) spec."""
    rows = list(spec.get("data", {}).get("values", []))
    for name, data in spec.get("datasets", {}).items():
        rows += data
    return rows


@pytest.fixture(scope="module")
def drug_views(demo_incidents):
    shown = demo_incidents[demo_incidents["occurred_from"] >= "2015-04-01"]
    shares = marker.monthly_share(shown)
    return shown, shares, marker.detect_step_change(shares)


def test_drug_charts_render(drug_views):
    shown, shares, step = drug_views
    tests = testing.in_months(testing.load_testing("la"), "2016-04", "2018-03")
    funnel = testing.suppress_funnel(testing.funnel(tests)).numbers()
    built = [
        drug_charts.offences_by_year(offences.offences_by_year(shown)),
        drug_charts.offences_by_month(offences.offences_by_month(shown)),
        drug_charts.marker_share(shares, step),
        drug_charts.marker_by_group(marker.share_by_year(shown), step),
        drug_charts.testing_funnel(funnel),
        drug_charts.positivity_over_time(testing.positivity(tests, ["month"])),
        drug_charts.positivity_by_area(testing.positivity(tests, ["fy", "area"])),
    ]
    for chart in built:
        titled = annotate(chart, ChartMeta("A chart", period="2015-04 to 2020-03", demo=True))
        assert to_svg(titled).startswith("<svg")
    assert to_png(annotate(built[2], ChartMeta("Marker", demo=True)))[:8] == PNG


def test_offence_legend_lists_only_categories_present(drug_views):
    shown, _, _ = drug_views
    spec = drug_charts.offences_by_year(offences.offences_by_year(shown)).to_dict()
    assert spec["encoding"]["color"]["scale"]["domain"] == [offences.CANNABIS, offences.OTHER_POSSESSION,
                                                             offences.TRAFFICKING]


def test_marker_chart_draws_the_step_and_the_levels_either_side(drug_views):
    _, shares, step = drug_views
    spec = drug_charts.marker_share(shares, step).to_dict()
    rows = values(spec)
    assert any(r.get("text") == "Step change: Oct 2017" for r in rows)
    levels = [r for r in rows if "level" in r]
    assert [round(r["level"], 4) for r in levels] == [round(step.share_before, 4), round(step.share_after, 4)]


def test_funnel_labels_say_count_and_share():
    funnel = testing.funnel(testing.in_months(testing.load_testing("force"), "2017-04", "2017-09", ["West Mercia"]))
    rows = values(drug_charts.testing_funnel(funnel).to_dict())
    texts = {r["label"]: r["text"] for r in rows}
    assert texts["Tested on arrest"] == "802  (100% of tests)"
    assert texts["Positive for a Class A drug"] == "505  (63% of tests)"


def test_treatment_charts_render():
    data = demo_data()
    annual = data.annual_frame()
    table = outcomes.completion_table(annual, level="la", years=["2016/17"])
    plot = table[table["substance"] == "opiate"].rename(columns={"completion_rate": "rate", "completions": "numerator",
                                                                  "in_treatment": "denominator"})
    history = outcomes.outcome_table(annual, "completion", level="la", substances=["opiate"])
    need_table = need.unmet_need(data, level="la", years=["2016/17"])
    trend = annual[annual["level"] == "la"].groupby(["year", "substance"])["in_treatment"].sum().reset_index()
    built = [
        treatment_charts.in_treatment_by_area(table[["area", "substance", "in_treatment"]]),
        treatment_charts.in_treatment_over_time(trend),
        treatment_charts.interval_chart(plot, value_title="Successful completions"),
        treatment_charts.rate_over_time(history, value_title="Successful completions"),
        treatment_charts.unmet_need_bars(need_table),
    ]
    for chart in built:
        assert to_svg(annotate(chart, ChartMeta("A chart", period="2016/17", demo=True))).startswith("<svg")
    by_area = built[0].to_dict()
    assert ALL not in {r["substance"] for r in values(by_area)}  # the total is not stacked on its parts
    assert by_area["encoding"]["color"]["scale"]["domain"] == ["Opiate", "Non-opiate only", "Alcohol only",
                                                               "Non-opiate and alcohol"]
    interval = built[2].to_dict()
    rows = values(interval)
    assert {r["vs_england"] for r in rows} <= {"better", "similar", "worse"}
    assert np.allclose(sorted(r["england_rate"] for r in rows), sorted(plot["england_rate"]))
