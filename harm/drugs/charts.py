"""Altair charts for the Drugs page (no Streamlit here). Titles are added by ``harm.charts.annotate``."""

from __future__ import annotations

import altair as alt
import pandas as pd

from harm.drugs.marker import StepChange
from harm.drugs.offences import CATEGORIES

WIDTH = 900
ROW_STEP = 30  # pixels per row in charts with one row per area or stage (the title is added on top)
# Streamlit fits title, subtitle lines, axes and plot into a fixed height: leave the plot room,
# and keep y titles shorter than the plot (a longer one overflows above the chart).
HEIGHT = 380
MONTH_AXIS = alt.Axis(format="%Y", tickCount="year", labelAngle=0, title="Month (ticks at January)")
CATEGORY_COLOURS = ["#0072b2", "#56b4e9", "#d55e00", "#999999"]  # cannabis, other possession, trafficking, not split
STEP_COLOUR = "#d55e00"


def _category_scale() -> alt.Scale:
    return alt.Scale(domain=list(CATEGORIES), range=CATEGORY_COLOURS)


def _category_colour(data: pd.DataFrame) -> alt.Color:
    """Colour by category; the legend lists only the categories in ``data`` (so "not split" shows only
    for data.police.uk data), in the fixed order and colours."""
    present = [c for c in CATEGORIES if c in set(data["category"].astype(str))]
    colours = [CATEGORY_COLOURS[CATEGORIES.index(c)] for c in present]
    return alt.Color("category:N", title="Offence", scale=alt.Scale(domain=present, range=colours), sort=present)


def offences_by_year(by_year: pd.DataFrame) -> alt.Chart:
    """Stacked bars: drug offences per financial year by category."""
    return (alt.Chart(by_year).mark_bar()
            .encode(x=alt.X("fy:O", title="Financial year", axis=alt.Axis(labelAngle=0)),
                    y=alt.Y("count:Q", title="Drug offences", stack=True),
                    color=_category_colour(by_year),
                    order=alt.Order("category_order:Q"),
                    tooltip=[alt.Tooltip("fy:O", title="Year"), alt.Tooltip("category:N", title="Offence"),
                             alt.Tooltip("count:Q", title="Offences", format=",")])
            .transform_calculate(category_order=f"indexof({list(CATEGORIES)}, datum.category)")
            .properties(width=WIDTH, height=HEIGHT))


def offences_by_month(monthly: pd.DataFrame) -> alt.Chart:
    """Lines: drug offences per month by category."""
    return (alt.Chart(monthly).mark_line(strokeWidth=1.5)
            .encode(x=alt.X("month:T", axis=MONTH_AXIS), y=alt.Y("count:Q", title="Offences per month"),
                    color=_category_colour(monthly),
                    tooltip=[alt.Tooltip("month:T", format="%b %Y"), alt.Tooltip("category:N", title="Offence"),
                             alt.Tooltip("count:Q", title="Offences", format=",")])
            .properties(width=WIDTH, height=HEIGHT))


def rate_by_area(table: pd.DataFrame) -> alt.Chart:
    """Bars: drug offences per 1,000 residents by area, split by category (``area, category, rate``)."""
    return (alt.Chart(table).mark_bar()
            .encode(y=alt.Y("area:N", title=None, sort="-x"),
                    x=alt.X("rate:Q", title="Drug offences per 1,000 residents", stack=True),
                    color=_category_colour(table),
                    tooltip=[alt.Tooltip("area:N", title="Area"), alt.Tooltip("category:N", title="Offence"),
                             alt.Tooltip("count:Q", title="Offences", format=","),
                             alt.Tooltip("rate:Q", title="Per 1,000", format=".2f")])
            .properties(width=WIDTH, height=alt.Step(ROW_STEP)))


def marker_share(shares: pd.DataFrame, step: StepChange) -> alt.LayerChart:
    """Monthly share of records with the drugs marker, the step month and the level either side."""
    data = shares.assign(month=shares["month"].dt.to_timestamp())
    line = (alt.Chart(data).mark_line(color="#0072b2", point=alt.OverlayMarkDef(size=14, color="#0072b2"))
            .encode(x=alt.X("month:T", axis=MONTH_AXIS),
                    y=alt.Y("share:Q", title="Share with drugs marker", axis=alt.Axis(format="%")),
                    tooltip=[alt.Tooltip("month:T", format="%b %Y"), alt.Tooltip("share:Q", format=".1%"),
                             alt.Tooltip("marked:Q", title="Marked", format=","),
                             alt.Tooltip("records:Q", title="Records", format=",")]))
    layers = [line]
    if step.month is not None and step.found:
        start = step.month.to_timestamp()
        levels = pd.DataFrame({
            "from": [(step.month - step.window).to_timestamp(), start],
            "to": [(step.month - 1).to_timestamp(), (step.month + step.window - 1).to_timestamp()],
            "level": [step.share_before, step.share_after],
            "label": [f"mean of the {step.window} months before", f"mean of the {step.window} months from it"]})
        layers.append(alt.Chart(levels).mark_rule(color=STEP_COLOUR, strokeWidth=3)
                      .encode(x="from:T", x2="to:T", y="level:Q",
                              tooltip=[alt.Tooltip("label:N", title=" "), alt.Tooltip("level:Q", format=".1%")]))
        rule = pd.DataFrame({"month": [start], "text": [f"Step change: {step.month.strftime('%b %Y')}"]})
        layers.append(alt.Chart(rule).mark_rule(color=STEP_COLOUR, strokeDash=[6, 4]).encode(x="month:T"))
        layers.append(alt.Chart(rule).mark_text(align="left", dx=5, dy=-6, color=STEP_COLOUR, fontWeight="bold")
                      .encode(x="month:T", y=alt.value(12), text="text:N"))
    return alt.layer(*layers).properties(width=WIDTH, height=HEIGHT)


def marker_by_group(by_year: pd.DataFrame, step: StepChange) -> alt.LayerChart:
    """Lines: the marker's share of each offence group's records per financial year."""
    lines = (alt.Chart(by_year).mark_line(point=True)
             .encode(x=alt.X("fy:O", title="Financial year", axis=alt.Axis(labelAngle=0)),
                     y=alt.Y("share:Q", title="Share with drugs marker", axis=alt.Axis(format="%")),
                     color=alt.Color("offence_group:N", title="Offence group"),
                     strokeDash=alt.StrokeDash("offence_group:N", legend=None),
                     tooltip=[alt.Tooltip("fy:O", title="Year"), alt.Tooltip("offence_group:N", title="Group"),
                              alt.Tooltip("share:Q", format=".1%"), alt.Tooltip("marked:Q", format=","),
                              alt.Tooltip("records:Q", format=",")]))
    layers = [lines]
    if step.month is not None and step.found:
        from harm.periods import financial_year

        fy = financial_year(step.month)
        mark = pd.DataFrame({"fy": [fy], "text": [f"{fy}: recording change ({step.month.strftime('%b %Y')})"]})
        layers.append(alt.Chart(mark).mark_rule(color=STEP_COLOUR, strokeDash=[6, 4]).encode(x="fy:O"))
        layers.append(alt.Chart(mark).mark_text(align="left", dx=5, dy=-6, color=STEP_COLOUR)
                      .encode(x="fy:O", y=alt.value(12), text="text:N"))
    return alt.layer(*layers).properties(width=WIDTH, height=HEIGHT)


def testing_funnel(funnel: pd.DataFrame) -> alt.LayerChart:
    """Horizontal bars from tests to treatment, each labelled with its count and share of tests."""
    data = funnel.assign(text=[("hidden" if pd.isna(c) else f"{int(c):,}  ({s:.0%} of tests)")
                               for c, s in zip(funnel["count"], funnel["share_of_tests"])])
    order = list(data["label"])
    base = alt.Chart(data).encode(y=alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=320)))
    bars = base.mark_bar(color="#0072b2").encode(
        x=alt.X("count:Q", title="People"),
        tooltip=[alt.Tooltip("label:N", title="Stage"), alt.Tooltip("count:Q", format=","),
                 alt.Tooltip("share_of_tests:Q", title="Share of tests", format=".1%"),
                 alt.Tooltip("share_of_previous:Q", title="Share of the stage before", format=".1%")])
    labels = base.mark_text(align="left", dx=4).encode(x="count:Q", text="text:N")
    return alt.layer(bars, labels).properties(width=WIDTH - 150, height=alt.Step(ROW_STEP + 6))


def positivity_over_time(monthly: pd.DataFrame) -> alt.LayerChart:
    """Monthly share of tests positive for a Class A drug, with its Wilson 95% band."""
    data = monthly.assign(month=pd.PeriodIndex(monthly["month"], freq="M").to_timestamp())
    band = alt.Chart(data).mark_area(opacity=0.25, color="#56b4e9").encode(
        x=alt.X("month:T", axis=MONTH_AXIS), y=alt.Y("ci_low:Q", title="Positive (Class A)",
                                                      axis=alt.Axis(format="%")), y2="ci_high:Q")
    line = alt.Chart(data).mark_line(color="#0072b2").encode(
        x="month:T", y="positive_rate:Q",
        tooltip=[alt.Tooltip("month:T", format="%b %Y"), alt.Tooltip("tests:Q", format=","),
                 alt.Tooltip("positive:Q", format=","), alt.Tooltip("positive_rate:Q", format=".1%"),
                 alt.Tooltip("ci_low:Q", title="95% CI from", format=".1%"),
                 alt.Tooltip("ci_high:Q", title="95% CI to", format=".1%")])
    return alt.layer(band, line).properties(width=WIDTH, height=HEIGHT)


def positivity_by_area(by_year: pd.DataFrame) -> alt.Chart:
    """Lines: each area's positive rate per financial year."""
    return (alt.Chart(by_year).mark_line(point=True)
            .encode(x=alt.X("fy:O", title="Financial year", axis=alt.Axis(labelAngle=0)),
                    y=alt.Y("positive_rate:Q", title="Positive (Class A)", axis=alt.Axis(format="%"),
                            scale=alt.Scale(zero=False)),
                    color=alt.Color("area:N", title="Area"),
                    tooltip=[alt.Tooltip("area:N"), alt.Tooltip("fy:O", title="Year"),
                             alt.Tooltip("tests:Q", format=","), alt.Tooltip("positive:Q", format=","),
                             alt.Tooltip("positive_rate:Q", format=".1%"),
                             alt.Tooltip("ci_low:Q", title="95% CI from", format=".1%"),
                             alt.Tooltip("ci_high:Q", title="95% CI to", format=".1%")])
            .properties(width=WIDTH, height=HEIGHT))
