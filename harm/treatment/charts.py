"""Altair charts for the Treatment page (no Streamlit here). Titles come from ``harm.charts.annotate``.

Comparisons with England are drawn as a dot with its 95% interval and a dashed England
line; colour repeats the words (better / similar / worse), which the tooltip and the table
also give, so that colour is never the only cue.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from harm.treatment.schema import (ALL, BETTER, HIGHER, LOWER, NOT_COMPARED, SIMILAR, SUBSTANCE_LABELS,
                                   SUBSTANCES, SUPPRESSED_WORD, WORSE)

WIDTH = 900
ROW_STEP = 30  # pixels per area in charts with one row per area: the plot grows with the areas, the title stays
HEIGHT = 380  # charts over time: Streamlit fits title, subtitle lines, axes and plot into this height
VERDICT_COLOURS = {BETTER: "#0072b2", SIMILAR: "#6f777b", WORSE: "#d55e00", HIGHER: "#cc79a7", LOWER: "#009e73",
                   NOT_COMPARED: "#b1b4b6", SUPPRESSED_WORD: "#b1b4b6"}
SUBSTANCE_ORDER = [SUBSTANCE_LABELS[s] for s in SUBSTANCES + (ALL,)]
SUBSTANCE_COLOURS = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#000000"]
ENGLAND_COLOUR = "#0b0c0c"


def _substance_scale(with_all: bool = True) -> alt.Scale:
    n = len(SUBSTANCE_ORDER) if with_all else len(SUBSTANCES)
    return alt.Scale(domain=SUBSTANCE_ORDER[:n], range=SUBSTANCE_COLOURS[:n])


def with_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``substance_label`` (``Opiate``, ``Non-opiate only``…) for legends."""
    return frame.assign(substance_label=frame["substance"].map(SUBSTANCE_LABELS).fillna(frame["substance"]))


def in_treatment_by_area(frame: pd.DataFrame) -> alt.Chart:
    """Stacked bars: people in treatment per area by substance (``area, substance, in_treatment``)."""
    data = with_labels(frame[frame["substance"] != ALL])
    return (alt.Chart(data).mark_bar()
            .encode(y=alt.Y("area:N", title=None, sort="-x"),
                    x=alt.X("in_treatment:Q", title="People in treatment in the year", stack=True),
                    color=alt.Color("substance_label:N", title="Substance", scale=_substance_scale(with_all=False),
                                    sort=SUBSTANCE_ORDER[:len(SUBSTANCES)]),
                    order=alt.Order("substance_order:Q"),
                    tooltip=[alt.Tooltip("area:N", title="Area"), alt.Tooltip("substance_label:N", title="Substance"),
                             alt.Tooltip("in_treatment:Q", title="In treatment", format=",")])
            .transform_calculate(substance_order=f"indexof({SUBSTANCE_ORDER}, datum.substance_label)")
            .properties(width=WIDTH, height=alt.Step(ROW_STEP)))


def in_treatment_over_time(frame: pd.DataFrame) -> alt.Chart:
    """Lines: people in treatment per year by substance (``year, substance, in_treatment``)."""
    data = with_labels(frame)
    return (alt.Chart(data).mark_line(point=True)
            .encode(x=alt.X("year:O", title="Financial year", axis=alt.Axis(labelAngle=0)),
                    y=alt.Y("in_treatment:Q", title="People in treatment"),
                    color=alt.Color("substance_label:N", title="Substance", scale=_substance_scale(),
                                    sort=SUBSTANCE_ORDER),
                    tooltip=[alt.Tooltip("year:O", title="Year"), alt.Tooltip("substance_label:N", title="Substance"),
                             alt.Tooltip("in_treatment:Q", title="In treatment", format=",")])
            .properties(width=WIDTH, height=HEIGHT))


def interval_chart(table: pd.DataFrame, *, value_title: str, category: str = "area",
                   numerator_title: str = "Numerator", denominator_title: str = "Denominator") -> alt.LayerChart:
    """One dot per row with its Wilson 95% interval and the England value as a dashed tick.

    ``table`` has ``category``, ``rate``, ``ci_low``, ``ci_high``, ``england_rate``,
    ``vs_england``, ``numerator``, ``denominator`` (rates as proportions; hidden rows NaN).
    """
    data = table.copy()
    order = list(dict.fromkeys(data[category]))
    y = alt.Y(f"{category}:N", title=None, sort=order)
    tooltip = [alt.Tooltip(f"{category}:N", title="Area"),
               alt.Tooltip("rate:Q", title=value_title, format=".1%"),
               alt.Tooltip("ci_low:Q", title="95% CI from", format=".1%"),
               alt.Tooltip("ci_high:Q", title="95% CI to", format=".1%"),
               alt.Tooltip("numerator:Q", title=numerator_title, format=",.0f"),
               alt.Tooltip("denominator:Q", title=denominator_title, format=",.0f"),
               alt.Tooltip("england_rate:Q", title="England", format=".1%"),
               alt.Tooltip("vs_england:N", title="Compared with England")]
    shapes = {BETTER: "diamond", SIMILAR: "circle", WORSE: "square", HIGHER: "triangle-up", LOWER: "triangle-down",
              NOT_COMPARED: "cross", SUPPRESSED_WORD: "cross"}  # a second cue beside colour
    shown = [w for w in VERDICT_COLOURS if w in set(data["vs_england"].astype(str))]
    colour = alt.Color("vs_england:N", title="Compared with England", legend=alt.Legend(orient="top"),
                       scale=alt.Scale(domain=shown, range=[VERDICT_COLOURS[w] for w in shown]))
    base = alt.Chart(data).encode(y=y)
    bars = base.mark_rule(strokeWidth=2).encode(x=alt.X("ci_low:Q", title=value_title, axis=alt.Axis(format="%")),
                                                x2="ci_high:Q", color=colour, tooltip=tooltip)
    dots = base.mark_point(filled=True, size=90).encode(
        x="rate:Q", color=colour, tooltip=tooltip,
        shape=alt.Shape("vs_england:N", title="Compared with England",
                        scale=alt.Scale(domain=shown, range=[shapes[w] for w in shown])))
    england = base.mark_tick(color=ENGLAND_COLOUR, thickness=2, size=22, strokeDash=[3, 2]).encode(
        x="england_rate:Q", tooltip=[alt.Tooltip("england_rate:Q", title="England", format=".1%")])
    return alt.layer(bars, england, dots).properties(width=WIDTH - 100, height=alt.Step(ROW_STEP))


def rate_over_time(table: pd.DataFrame, *, value_title: str) -> alt.LayerChart:
    """Lines: each area's rate per year, England dashed (``area, year, rate, england_rate``)."""
    areas = alt.Chart(table).mark_line(point=True).encode(
        x=alt.X("year:O", title="Financial year", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("rate:Q", title=value_title, axis=alt.Axis(format="%")),
        color=alt.Color("area:N", title="Area"),
        tooltip=[alt.Tooltip("area:N"), alt.Tooltip("year:O", title="Year"),
                 alt.Tooltip("rate:Q", title=value_title, format=".1%"),
                 alt.Tooltip("vs_england:N", title="Compared with England")])
    england = table.drop_duplicates("year")[["year", "england_rate"]].dropna()
    layers = [areas]
    if len(england):
        layers.append(alt.Chart(england.assign(label="England")).mark_line(
            color=ENGLAND_COLOUR, strokeDash=[6, 3], strokeWidth=2).encode(
            x="year:O", y="england_rate:Q",
            tooltip=[alt.Tooltip("label:N", title=" "), alt.Tooltip("year:O", title="Year"),
                     alt.Tooltip("england_rate:Q", title="England", format=".1%")]))
    return alt.layer(*layers).properties(width=WIDTH, height=HEIGHT)


def unmet_need_bars(need: pd.DataFrame) -> alt.Chart:
    """Stacked bars per area: estimated users in treatment and not in treatment."""
    long = pd.concat([
        need[["area", "in_treatment"]].rename(columns={"in_treatment": "people"}).assign(status="In treatment"),
        need[["area", "unmet_need"]].rename(columns={"unmet_need": "people"}).assign(status="Not in treatment"),
    ], ignore_index=True)
    return (alt.Chart(long).mark_bar()
            .encode(y=alt.Y("area:N", title=None, sort="-x"),
                    x=alt.X("people:Q", title="Estimated opiate and/or crack users", stack=True),
                    color=alt.Color("status:N", title=None,
                                    scale=alt.Scale(domain=["In treatment", "Not in treatment"],
                                                    range=["#0072b2", "#e69f00"])),
                    tooltip=[alt.Tooltip("area:N", title="Area"), alt.Tooltip("status:N", title=" "),
                             alt.Tooltip("people:Q", title="People", format=",.0f")])
            .properties(width=WIDTH, height=alt.Step(ROW_STEP)))
