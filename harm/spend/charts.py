"""Charts of the Commissioning page, as plain functions: data frame in, Altair chart out.

No Streamlit here, so a briefing pack or ``python -m harm chart`` can draw the same charts.
Titles and sources are added by :func:`harm.charts.annotate` (``ChartMeta``); each builder
sets axis titles, tooltips and a fixed width so that exported PNG/SVG files read on their own.

- :func:`spend_over_time` — stacked bars of spend per financial year by funder, programme,
  area or category (``harm.spend.spend_by`` output).
- :func:`phg_share_chart` — share of the Public Health Grant spent on drug and alcohol by
  authority and year (``harm.spend.phg_shares``), with published figures as marked points.
- :func:`contract_timeline` — one bar per contract from start to end, coloured by status,
  with the as-of date and the 12-month horizon (``harm.spend.contracts``).
- :func:`ratio_bars` — spend per head / per person in treatment / per completion by area
  (``harm.spend.spend_against_outcomes``).
- :func:`funnel_plot` — completion rate against numbers in treatment with 95% and 99.8%
  limits (``harm.spend.funnel_points`` and ``funnel_curves``).
- :func:`outcome_scatter` — spend per head against an outcome, one labelled point per area
  (``harm.spend.outcomes.outcome_against_spend``).
- :func:`roi_bars` — spend and benefit, now and in the illustrative "what if"
  (``harm.spend.roi.what_if``).
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from harm.spend.framework import CONTRACT_STATUSES
from harm.spend.funnel import POSITIONS

WIDTH = 820
MONEY = ",.0f"
STATUS_COLOURS = {"ended": "#b1b4b6", "ends within 12 months": "#d4351c", "runs beyond 12 months": "#1d70b8",
                  "no end date": "#f499be"}
POSITION_COLOURS = dict(zip(POSITIONS, ["#00703c", "#85994b", "#505a5f", "#f47738", "#d4351c"]))
#: Streamlit's default for a stretched chart is autosize "fit": title, legend and axis labels are
#: squeezed into the height and the plot shrinks to a sliver. "fit-x" fits the width only.
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")
RATIO_TITLES = {"spend_per_head": "Spend per head (£)",
                "spend_per_person_in_treatment": "Spend per person in treatment (£)",
                "cost_per_completion": "Spend per successful completion (£)"}


def spend_over_time(frame: pd.DataFrame, by: str, *, by_title: str | None = None) -> alt.Chart:
    """Stacked bars: ``frame`` has ``year``, ``by`` and ``amount`` (pounds)."""
    title = by_title or by.capitalize()
    return (alt.Chart(frame).mark_bar()
            .encode(x=alt.X("year:O", title="Financial year"),
                    y=alt.Y("sum(amount):Q", title="Spend (£)", axis=alt.Axis(format="~s")),
                    color=alt.Color(f"{by}:N", title=title, legend=alt.Legend(orient="bottom", columns=3,
                                                                              labelLimit=260)),
                    order=alt.Order(f"{by}:N"),
                    tooltip=[alt.Tooltip("year:O", title="Year"), alt.Tooltip(f"{by}:N", title=title),
                             alt.Tooltip("sum(amount):Q", title="Spend (£)", format=MONEY)])
            .properties(autosize=FIT_WIDTH, width=WIDTH, height=340))


def phg_share_chart(shares: pd.DataFrame, published: pd.DataFrame | None = None) -> alt.LayerChart | alt.Chart:
    """Lines of ``share`` (a fraction) per ``area`` and ``year``; ``published`` (``area, year, share,
    label``) adds the figures printed in the source papers as black diamonds."""
    base = alt.Chart(shares).encode(
        x=alt.X("year:O", title="Financial year"),
        y=alt.Y("share:Q", title="Share of the Public Health Grant spent on drug and alcohol",
                axis=alt.Axis(format=".0%")),
        color=alt.Color("area:N", title="Local authority", legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("area:N", title="Authority"), alt.Tooltip("year:O", title="Year"),
                 alt.Tooltip("share:Q", title="Share", format=".1%"),
                 alt.Tooltip("drug_alcohol_spend:Q", title="Drug and alcohol spend (£)", format=MONEY),
                 alt.Tooltip("allocation:Q", title="Grant received (£)", format=MONEY)])
    chart = (base.mark_line(point=True)).properties(width=WIDTH, height=320)
    if published is None or len(published) == 0:
        return chart.properties(autosize=FIT_WIDTH)
    published = published.sort_values("share").assign(
        nudge=lambda f: f["share"].diff().fillna(1.0).lt(0.012).shift(-1, fill_value=False))
    marks = alt.Chart(published).encode(
        x="year:O", y="share:Q",
        tooltip=[alt.Tooltip("area:N", title="Authority"), alt.Tooltip("label:N", title="Published")])
    # a label just below its neighbour's is moved down so the two do not print over each other
    return alt.layer(chart, marks.mark_point(shape="diamond", size=140, color="black", filled=False),
                     marks.mark_text(align="left", dx=9, dy=-3, fontSize=11).encode(text="label:N")
                     .transform_filter("!datum.nudge"),
                     marks.mark_text(align="left", dx=9, dy=9, fontSize=11).encode(text="label:N")
                     .transform_filter("datum.nudge")).properties(autosize=FIT_WIDTH)


def contract_label(contract_table: pd.DataFrame) -> pd.Series:
    """``area — programme (provider)`` for each contract."""
    provider = contract_table["provider"].fillna("").astype(str)
    suffix = provider.where(provider == "", " (" + provider + ")")
    return contract_table["area"].astype(str) + " — " + contract_table["programme"].astype(str) + suffix


def contract_timeline(contract_table: pd.DataFrame, as_of) -> alt.LayerChart:
    """One bar per contract (``start`` to ``end``) coloured by ``status``; a contract with no end
    date is drawn as a short marker at its start. Rules mark ``as_of`` and ``as_of`` + 12 months."""
    as_of = pd.Timestamp(as_of)
    frame = contract_table.assign(contract=contract_label(contract_table))
    frame["bar_end"] = frame["end"].fillna(frame["start"] + pd.DateOffset(months=2))
    frame["order"] = frame["end"].fillna(pd.Timestamp("2262-01-01"))
    frame["end_text"] = frame["end"].dt.strftime("%d %b %Y").fillna("not known")
    frame["amount_text"] = frame["amount"].map(lambda v: "to be confirmed" if pd.isna(v) else f"£{v:,.0f}")
    height = max(160, 22 * len(frame))
    bars = (alt.Chart(frame).mark_bar(height=14)
            .encode(y=alt.Y("contract:N", title=None, sort=alt.EncodingSortField("order", op="min", order="ascending"),
                            axis=alt.Axis(labelLimit=420)),
                    x=alt.X("start:T", title="Contract period"), x2="bar_end:T",
                    color=alt.Color("status:N", title="Status", legend=alt.Legend(orient="bottom"),
                                    scale=alt.Scale(domain=list(CONTRACT_STATUSES),
                                                    range=[STATUS_COLOURS[s] for s in CONTRACT_STATUSES])),
                    tooltip=[alt.Tooltip("contract:N", title="Contract"), alt.Tooltip("funder:N", title="Funder"),
                             alt.Tooltip("start:T", title="Start", format="%d %b %Y"),
                             alt.Tooltip("end_text:N", title="End"), alt.Tooltip("status:N", title="Status"),
                             alt.Tooltip("amount_text:N", title="Amount over its years")]))
    rules = pd.DataFrame({"date": [as_of, as_of + pd.DateOffset(months=12)],
                          "what": [f"as of {as_of:%d %b %Y}", "+12 months"]})
    rule = alt.Chart(rules).mark_rule(strokeDash=[5, 3], color="#0b0c0c").encode(x="date:T")
    text_as_of = (alt.Chart(rules.iloc[:1]).mark_text(align="right", dx=-3, dy=-4, fontSize=11, baseline="bottom")
                  .encode(x="date:T", y=alt.value(0), text="what:N"))
    text_horizon = (alt.Chart(rules.iloc[1:]).mark_text(align="left", dx=3, dy=-4, fontSize=11, baseline="bottom")
                    .encode(x="date:T", y=alt.value(0), text="what:N"))
    return alt.layer(bars, rule, text_as_of, text_horizon).properties(
        autosize=FIT_WIDTH, width=WIDTH - 250, height=height)


def ratio_bars(outcomes: pd.DataFrame, measure: str) -> alt.Chart:
    """Bars of one ratio by area (``measure`` is a column of :data:`RATIO_TITLES`); areas where it is
    blank (suppressed or zero completions) are left out of the bars — the table says why."""
    title = RATIO_TITLES[measure]
    frame = outcomes[outcomes[measure].notna()]
    return (alt.Chart(frame).mark_bar(color="#1d70b8")
            .encode(y=alt.Y("area:N", title=None, sort="-x"),
                    x=alt.X(f"{measure}:Q", title=title, axis=alt.Axis(format=",.0f")),
                    tooltip=[alt.Tooltip("area:N", title="Area"), alt.Tooltip("year:N", title="Year"),
                             alt.Tooltip(f"{measure}:Q", title=title, format=",.2f"),
                             alt.Tooltip("spend:Q", title="Spend (£)", format=MONEY)])
            .properties(autosize=FIT_WIDTH, width=WIDTH - 200, height=max(140, 34 * len(frame))))


def funnel_plot(points: pd.DataFrame, curves: pd.DataFrame, *, label: str = "area",
                rate_title: str = "Successful completions (% of people in treatment)",
                n_title: str = "People in treatment") -> alt.LayerChart:
    """Completion rate against numbers in treatment with the pooled rate and 95% / 99.8% limits."""
    long = curves.melt(id_vars="n", value_vars=["pooled_rate", "lower_95", "upper_95", "lower_998", "upper_998"],
                       var_name="line", value_name="rate")
    low = max(0.0, float(min(points["rate"].min(), points["lower_998"].min())) - 0.05)
    high = min(1.0, float(max(points["rate"].max(), points["upper_998"].max())) + 0.05)
    y_scale = alt.Scale(domain=[low, high], clamp=True)
    names = {"pooled_rate": "pooled rate", "lower_95": "95% limits", "upper_95": "95% limits",
             "lower_998": "99.8% limits", "upper_998": "99.8% limits"}
    long["limit"] = long["line"].map(names)
    lines = (alt.Chart(long).mark_line(color="#505a5f", clip=True)
             .encode(x=alt.X("n:Q", title=n_title), y=alt.Y("rate:Q", title=rate_title, axis=alt.Axis(format=".0%"), scale=y_scale),
                     detail="line:N",
                     strokeDash=alt.StrokeDash("limit:N", title="Lines",
                                               scale=alt.Scale(domain=["pooled rate", "95% limits", "99.8% limits"],
                                                               range=[[1, 0], [6, 3], [2, 2]]),
                                               legend=alt.Legend(orient="bottom"))))
    dots = (alt.Chart(points).mark_circle(size=110, opacity=0.9)
            .encode(x="in_treatment:Q", y="rate:Q",
                    color=alt.Color("position:N", title="Position",
                                    scale=alt.Scale(domain=list(POSITIONS),
                                                    range=[POSITION_COLOURS[p] for p in POSITIONS]),
                                    legend=alt.Legend(orient="bottom", columns=2)),
                    tooltip=[alt.Tooltip(f"{label}:N", title="Area"),
                             alt.Tooltip("in_treatment:Q", title=n_title, format=","),
                             alt.Tooltip("completions:Q", title="Successful completions", format=","),
                             alt.Tooltip("rate:Q", title="Rate", format=".1%"),
                             alt.Tooltip("position:N", title="Position")]))
    labels = (alt.Chart(points).mark_text(align="left", dx=8, fontSize=11)
              .encode(x="in_treatment:Q", y="rate:Q", text=f"{label}:N"))
    return alt.layer(lines, dots, labels).resolve_scale(color="independent").properties(
        autosize=FIT_WIDTH, width=WIDTH, height=380)


def outcome_scatter(frame: pd.DataFrame, *, outcome_title: str, percent: bool = False,
                    width: int = WIDTH, height: int = 360) -> alt.LayerChart:
    """Spend per head (x) against ``value`` (y), one point per area labelled with its name.

    ``frame`` has ``area, spend_per_head, value`` (rows with a blank value are left out), and
    optionally ``year, in_treatment, completions, cost_per_completion`` for the tooltip;
    ``percent`` formats the y axis as a percentage (for rates held as fractions). Areas whose
    labels would sit on each other share one label ("North Worcestershire / South Worcestershire").
    """
    shown = frame[frame["value"].notna() & frame["spend_per_head"].notna()].reset_index(drop=True)
    shown = shown.assign(label=label_groups(shown, "spend_per_head", "value"))
    fmt = ".0%" if percent else ",.1f"
    x_low, x_high = ((float(shown["spend_per_head"].min()), float(shown["spend_per_head"].max()))
                     if len(shown) else (0.0, 1.0))
    room = max(x_high - x_low, 1.0)
    x_scale = alt.Scale(domain=[max(0.0, x_low - 0.1 * room), x_high + 0.3 * room])  # room for the labels
    tooltip = [alt.Tooltip("area:N", title="Area")]
    tooltip += [alt.Tooltip("year:N", title="Year")] if "year" in shown else []
    tooltip += [alt.Tooltip("spend_per_head:Q", title="Spend per head (£)", format=",.2f"),
                alt.Tooltip("value:Q", title=outcome_title, format=".1%" if percent else ",.2f")]
    for column, title in (("completions", "Successful completions"), ("in_treatment", "In treatment"),
                          ("cost_per_completion", "Spend per completion (£)")):
        if column in shown:
            tooltip.append(alt.Tooltip(f"{column}:Q", title=title, format=",.0f"))
    base = alt.Chart(shown).encode(
        x=alt.X("spend_per_head:Q", title="Drug and alcohol spend per head (£)", scale=x_scale),
        y=alt.Y("value:Q", title=outcome_title, axis=alt.Axis(format=fmt), scale=alt.Scale(zero=False)),
        tooltip=tooltip)
    return alt.layer(base.mark_circle(size=120, color="#1d70b8"),
                     base.mark_text(align="left", dx=8, fontSize=11).encode(text="label:N")
                     ).properties(autosize=FIT_WIDTH, width=width, height=height)


def label_groups(data: pd.DataFrame, x: str, y: str, name: str = "area") -> list[str]:
    """One label per point; a point whose label would sit on the label of a point just above it is
    named in that point's label instead ("North Worcestershire / South Worcestershire") and gets "" itself."""
    xs, ys = data[x].to_numpy(float), data[y].to_numpy(float)
    dx, dy = max(np.ptp(xs), 1e-9) if len(xs) else 1, max(np.ptp(ys), 1e-9) if len(ys) else 1
    labels = [str(n) for n in data[name]]
    leader = list(range(len(data)))
    order = np.argsort(-ys, kind="stable")
    for i, a in enumerate(order):
        for b in order[:i]:
            if leader[b] == b and abs(xs[a] - xs[b]) / dx < 0.12 and abs(ys[a] - ys[b]) / dy < 0.07:
                leader[a] = b
                labels[b] += " / " + labels[a]
                labels[a] = ""
                break
    return labels


def roi_frame(result: dict) -> pd.DataFrame:
    """The "what if" as four bars' data: ``scenario, measure, pounds``."""
    return pd.DataFrame({
        "scenario": ["current", "current", "what if (illustrative)", "what if (illustrative)"],
        "measure": ["spend", "benefit to society", "spend", "benefit to society"],
        "pounds": [result["spend"], result["spend"] * result["ratio"], result["new_spend"], result["new_benefit"]],
    })


def roi_bars(frame: pd.DataFrame) -> alt.Chart:
    """Grouped bars of spend and benefit for the current and the "what if" spend (:func:`roi_frame`)."""
    return (alt.Chart(frame).mark_bar()
            .encode(x=alt.X("pounds:Q", title="Pounds", axis=alt.Axis(format="~s")),
                    y=alt.Y("measure:N", title=None),
                    yOffset=alt.YOffset("scenario:N"),
                    color=alt.Color("scenario:N", title=None, legend=alt.Legend(orient="bottom"),
                                    scale=alt.Scale(range=["#1d70b8", "#f47738"])),
                    tooltip=[alt.Tooltip("scenario:N", title="Scenario"), alt.Tooltip("measure:N", title="Measure"),
                             alt.Tooltip("pounds:Q", title="£", format=MONEY)])
            .properties(autosize=FIT_WIDTH, width=WIDTH - 250, height=150))
