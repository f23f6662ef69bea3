"""The Performance page's chart builders (harm.performance_charts): plain Altair functions that
the page, the briefing pack and ``python -m harm chart`` share. Checked on their Vega-Lite specs."""

import altair as alt
import pandas as pd

from harm import performance_charts as charts
from harm import performance_view as view
from harm import spc

SPIKE = [10, 12, 11, 13, 10, 12, 11, 30, 12, 11, 10, 12, 13, 11]


def spc_frame(rebase_at=None):
    series = pd.Series(SPIKE, index=pd.period_range("2020-01", periods=len(SPIKE), freq="M"), dtype=float)
    return view.spc_frame(series, rebase_at=rebase_at)


def test_spc_chart_marks_rules_by_shape_and_explains_them_on_hover():
    chart = charts.spc_chart(spc_frame())
    assert isinstance(chart, alt.LayerChart)
    spec = chart.to_dict()  # Period months serialise (the frame's month column is made text)
    points = spec["layer"][4]
    assert points["mark"]["type"] == "point"
    assert points["encoding"]["shape"]["field"] == "rule"  # the rule by shape, not colour alone
    assert points["encoding"]["color"]["field"] == "signal"
    tooltip = {t["field"]: t["title"] for t in points["encoding"]["tooltip"]}
    assert tooltip["explanation"] == "What it means" and tooltip["rule"] == "Rule"
    data = pd.DataFrame(spec["datasets"][points["data"]["name"]] if "data" in points else
                        spec["datasets"][spec["data"]["name"]])
    spike = data[data["value"] == 30].iloc[0]
    assert spike["rule"] == spc.RULE_LABELS["outside_limits"]
    assert spike["explanation"].startswith("This month is above the upper process limit")
    assert spike["point_size"] > charts.POINT_SIZE  # a diamond drawn as large as a circle


def test_spc_chart_labels_its_lines_and_marks_a_rebase():
    plain = charts.spc_chart(spc_frame()).to_dict()
    labels = [layer for layer in plain["layer"] if layer.get("mark", {}).get("type") == "text"]
    label_rows = pd.DataFrame(plain["datasets"][labels[0]["data"]["name"]])
    assert list(label_rows["label"]) == ["Upper process limit", "Average", "Lower process limit"]
    assert len(plain["layer"]) == 6
    rebased = charts.spc_chart(spc_frame(rebase_at="2020-08")).to_dict()
    assert len(rebased["layer"]) == 8  # + the restart rule and its words
    words = [layer for layer in rebased["layer"] if layer.get("encoding", {}).get("text", {}).get("value")]
    assert words[0]["encoding"]["text"]["value"] == "limits recalculated"
    label_rows = pd.DataFrame(rebased["datasets"][
        [layer for layer in rebased["layer"] if layer.get("mark", {}).get("type") == "text"][0]["data"]["name"]])
    assert len(label_rows) == 6  # three labels for each of the two groups


def test_small_multiples_one_panel_per_area_with_the_year_to_date_shaded():
    months = pd.period_range("2012-04", "2014-10", freq="M")
    trend = pd.DataFrame({"area": ["A"] * len(months) + ["B"] * len(months),
                          "month": list(months.to_timestamp()) * 2, "count": range(2 * len(months))})
    spec = charts.small_multiples(trend, as_of="2014-10", value_title="All violence", columns=2).to_dict()
    assert spec["facet"]["field"] == "area" and spec["columns"] == 2
    assert spec["resolve"]["scale"]["y"] == "independent"
    band = spec["spec"]["layer"][0]
    shaded = band["data"]["values"][0] if "values" in band.get("data", {}) else \
        spec["datasets"][band["data"]["name"]][0]
    assert shaded["start"].startswith("2014-04-01") and shaded["end"].startswith("2014-11-01")
