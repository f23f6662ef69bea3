"""Charts of the Performance page (Altair): monthly small multiples per area and the XmR chart.

Colour never carries the meaning alone: SPC points differ by shape (the rule) and colour
(the direction), and the tooltip says both in words (``harm.spc.RULE_TEXTS``).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from harm import performance_view as view
from harm import periods, spc

# Making Data Count colours: grey common cause, orange "higher" (for crime, a concern), blue "lower".
SIGNAL_COLOURS = {view.SIGNAL_COMMON: "#7f7f7f", view.SIGNAL_HIGHER: "#d55e00", view.SIGNAL_LOWER: "#0072b2"}
RULE_SHAPES = {
    view.SIGNAL_COMMON: "circle",
    spc.RULE_LABELS["outside_limits"]: "diamond",
    spc.RULE_LABELS["trend"]: "triangle-up",
    spc.RULE_LABELS["two_in_three"]: "square",
    spc.RULE_LABELS["shift"]: "cross",
}
POINT_SIZE = 70
RULE_SIZES = {spc.RULE_LABELS["outside_limits"]: 130, spc.RULE_LABELS["trend"]: 100}
LINE_COLOUR = "#505a5f"
LINE_LABELS = {"upper": "Upper process limit", "mean": "Average", "lower": "Lower process limit"}


def _month(value) -> pd.Timestamp:
    return periods.parse_month(value, where="month").to_timestamp()


def small_multiples(trend: pd.DataFrame, *, as_of, value_title: str = "Incidents",
                    columns: int = 3, panel_width: int = 240, panel_height: int = 120) -> alt.FacetChart:
    """One small line chart per area (``trend``: ``area, month, count``), each with its own
    vertical scale; the year to date as of ``as_of`` is shaded."""
    first, last = periods.ytd_window(periods.parse_month(as_of, where="as-of month"))
    window = pd.DataFrame({"start": [_month(first)], "end": [(last + 1).to_timestamp()]})
    band = alt.Chart(window).mark_rect(color="#f3c98b", opacity=0.35).encode(x="start:T", x2="end:T")
    line = alt.Chart().mark_line(color=LINE_COLOUR, strokeWidth=1.2).encode(
        x=alt.X("month:T", title=None, axis=alt.Axis(format="%Y", tickCount=5, labelAngle=0)),
        y=alt.Y("count:Q", title=None, scale=alt.Scale(zero=True)),
        tooltip=[alt.Tooltip("area:N", title="Area"), alt.Tooltip("month:T", title="Month", format="%b %Y"),
                 alt.Tooltip("count:Q", title=value_title, format=",")],
    )
    return (
        alt.layer(band, line, data=trend)
        .properties(width=panel_width, height=panel_height)
        .facet(facet=alt.Facet("area:N", title=None, header=alt.Header(labelFontSize=12, labelFontWeight="bold")),
               columns=columns)
        .resolve_scale(y="independent")
    )


def _line_labels(frame: pd.DataFrame) -> alt.Chart:
    """"Average", "Upper limit", "Lower limit" written above each line at the start of each
    rebase group, so the dashed lines need no legend."""
    starts = frame.groupby("rebase_group", sort=True).head(1)
    rows = [{"month_start": r.month_start, "y": getattr(r, column), "label": text}
            for r in starts.itertuples() for column, text in LINE_LABELS.items() if pd.notna(getattr(r, column))]
    labels = pd.DataFrame(rows, columns=["month_start", "y", "label"])
    return alt.Chart(labels).mark_text(align="left", baseline="bottom", dx=2, dy=-3, fontSize=11,
                                       color=LINE_COLOUR).encode(x="month_start:T", y="y:Q", text="label:N")


def spc_chart(frame: pd.DataFrame, *, value_title: str = "Incidents per month",
              width: int = 900, height: int = 300) -> alt.LayerChart:
    """The XmR chart of :func:`harm.performance_view.spc_frame`: values, centre line, process
    limits (dashed), points coloured by direction and shaped by rule, a line where limits restart."""
    frame = frame.assign(month=[str(m) for m in frame["month"]],  # Periods do not serialise to Vega-Lite JSON
                         point_size=[RULE_SIZES.get(r, POINT_SIZE) for r in frame["rule"]])
    base = alt.Chart(frame).encode(x=alt.X("month_start:T", title="Month", axis=alt.Axis(format="%b %Y")))
    values = base.mark_line(color="#b1b4b6", strokeWidth=1.5).encode(
        y=alt.Y("value:Q", title=value_title, scale=alt.Scale(zero=False)))
    centre = base.mark_line(color=LINE_COLOUR, strokeWidth=1.5).encode(y="mean:Q", detail="rebase_group:N")
    upper = base.mark_line(color=LINE_COLOUR, strokeDash=[6, 4]).encode(y="upper:Q", detail="rebase_group:N")
    lower = base.mark_line(color=LINE_COLOUR, strokeDash=[6, 4]).encode(y="lower:Q", detail="rebase_group:N")
    points = base.mark_point(filled=True, opacity=1).encode(
        y="value:Q",
        color=alt.Color("signal:N", title="Signal (colour)", legend=alt.Legend(orient="bottom", direction="vertical"),
                        scale=alt.Scale(domain=list(SIGNAL_COLOURS), range=list(SIGNAL_COLOURS.values()))),
        shape=alt.Shape("rule:N", title="Rule (shape)", legend=alt.Legend(orient="bottom", columns=2, labelLimit=300),
                        scale=alt.Scale(domain=list(RULE_SHAPES), range=list(RULE_SHAPES.values()))),
        size=alt.Size("point_size:Q", scale=None, legend=None),  # diamonds look smaller than circles at one size
        tooltip=[alt.Tooltip("month_start:T", title="Month", format="%B %Y"),
                 alt.Tooltip("value:Q", title=value_title, format=",.0f"),
                 alt.Tooltip("signal:N", title="Signal"),
                 alt.Tooltip("rule:N", title="Rule"),
                 alt.Tooltip("explanation:N", title="What it means"),
                 alt.Tooltip("mean:Q", title="Average (centre line)", format=",.1f"),
                 alt.Tooltip("lower:Q", title="Lower process limit", format=",.1f"),
                 alt.Tooltip("upper:Q", title="Upper process limit", format=",.1f")],
    )
    layers = [values, centre, upper, lower, points, _line_labels(frame)]
    restarts = frame.loc[frame["rebase_group"].diff().fillna(0) > 0, ["month_start"]]
    if len(restarts):
        rule = alt.Chart(restarts).mark_rule(color="#0b0c0c", strokeDash=[2, 2]).encode(x="month_start:T")
        label = alt.Chart(restarts).mark_text(align="left", dx=4, dy=-6, fontSize=11, color="#0b0c0c").encode(
            x="month_start:T", y=alt.value(0), text=alt.value("limits recalculated"))
        layers += [rule, label]
    # fit the width only: with "fit" (Streamlit's default) the legends below eat the plot's height
    return alt.layer(*layers).properties(width=width, height=height,
                                         autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
