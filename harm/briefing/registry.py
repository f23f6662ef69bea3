"""The named charts (``python -m harm chart NAME``) and the named slides of a briefing pack.

Every chart builder takes a :class:`~harm.briefing.context.BriefingContext` and returns
``(altair chart, data frame, ChartMeta)``: the chart untitled (titles come from
:func:`harm.charts.annotate` for exports, from the slide for packs), the data behind it and
what it shows. The numbers come from the pages' engines (:mod:`harm.performance`,
:mod:`harm.problem_profile`, :mod:`harm.drugs`, :mod:`harm.treatment`, :mod:`harm.spend`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import altair as alt
import numpy as np
import pandas as pd

from harm import performance as pf
from harm import performance_charts as perf_charts
from harm import performance_view as view
from harm import periods
from harm.briefing import charts as brief_charts
from harm.hotspot_charts import hotspot_geoshape_chart, hotspot_matrix_chart
from harm.spend.charts import outcome_scatter
from harm.briefing.context import BriefingContext
from harm.charts import ChartMeta
from harm.errors import HarmInputError
from harm.filters import Filters, filter_mask
from harm.measures import measure_label

ChartResult = tuple[alt.TopLevelMixin, pd.DataFrame, ChartMeta]
TREATMENT_SUBSTANCE = "opiate"
#: Okabe-Ito colours (colour-blind safe; its pale yellow swapped for Tol's wine), then greys, for lines by area.
OKABE_ITO = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#882255", "#000000",
             "#999999", "#505a5f"]
SPC_METHOD = "XmR: limits = mean \u00b1 2.66 \u00d7 mean moving range; NHS Making Data Count rules"


@dataclass(frozen=True)
class ChartSpec:
    name: str
    title: str  # what it shows, for --list and the page
    build: Callable[[BriefingContext], ChartResult]


# --- shared work, once per context -------------------------------------------------------------

def _coverage(ctx: BriefingContext):
    return ctx.memo("coverage", lambda: pf.months_covered(ctx.incidents))


def measure_counts(ctx: BriefingContext) -> pd.DataFrame:
    """The measure's ``area, month, count`` at the context's level and areas (Performance page)."""
    def compute():
        counts = view.measure_counts(ctx.incidents, ctx.area_labels, measures=[ctx.measure], coverage=_coverage(ctx))
        return view.counts_for(counts, ctx.measure, areas=ctx.filters.areas)
    return ctx.memo("measure_counts", compute)


def performance_table(ctx: BriefingContext) -> pd.DataFrame:
    """:func:`harm.performance.performance_table` for the context's measure and as-of month."""
    return ctx.memo("performance_table", lambda: pf.performance_table(
        measure_counts(ctx), ctx.as_of, coverage=_coverage(ctx), population=ctx.area_set.population_by_name()))


def hour_weights(ctx: BriefingContext):
    """Aoristic hour-of-week weights of every incident (the Hotspots page's default)."""
    from harm.aoristic import hour_of_week_weights

    if ctx.time_weights is not None:
        return ctx.time_weights
    return ctx.memo("time_weights", lambda: hour_of_week_weights(ctx.incidents, "aoristic"))


def _month_only(ctx: BriefingContext) -> bool:
    from harm.incidents import is_month_precision_only

    return ctx.memo("month_only", lambda: bool(ctx.mask.any()) and is_month_precision_only(ctx.incidents[ctx.mask]))


def hotspot_profile(ctx: BriefingContext):
    """The Hotspots page's default profile: grid cells (default size), whole week, Gi* on counts."""
    from harm import problem_profile as pp

    def compute():
        index = pp.index_incidents(ctx.incidents)
        area = pp.study_area(ctx.area_set.areas, ctx.filters.areas)
        units = pp.grid_units(area, ctx.incidents)
        selection = pp.Selection.of(time_method="start" if _month_only(ctx) else "aoristic")
        return pp.build_profile(ctx.incidents, index, hour_weights(ctx), units, ctx.mask, selection)
    return ctx.memo("hotspot_profile", compute)


def _meta(ctx: BriefingContext, title: str, **kwargs) -> ChartMeta:
    kwargs.setdefault("period", ctx.period_text)
    kwargs.setdefault("filters", ctx.filters.describe())
    kwargs.setdefault("source", "" if ctx.is_demo else ctx.source_note)
    return ChartMeta(title, demo=kwargs.pop("demo", ctx.is_demo), **kwargs)


def _scoped(ctx: BriefingContext) -> tuple[pd.DataFrame, pd.Series]:
    """Incidents in the period and areas only (the Drugs page picks offences and markers itself)."""
    f = ctx.filters
    mask = ctx.memo("scoped", lambda: filter_mask(ctx.incidents, ctx.area_labels,
                                                  Filters(f.first_month, f.last_month, f.area_level, f.areas)))
    return ctx.incidents[mask], ctx.area_labels[mask].reset_index(drop=True)


# --- the charts ----------------------------------------------------------------------------------

def spc_result(ctx: BriefingContext) -> ChartResult:
    """XmR chart of the measure's monthly total up to the as-of month."""
    counts = measure_counts(ctx)
    frame = view.spc_frame(view.series_for(counts, pf.TOTAL_LABEL, through=ctx.as_of))
    label = measure_label(ctx.measure)
    first = periods.to_months(frame["month"])[0].strftime("%Y-%m")
    meta = _meta(ctx, f"{label} per month, {ctx.where}: statistical process control (XmR) chart",
                 period=f"{first} to {ctx.as_of}", filters=f"{ctx.where}; {label.lower()}", method=SPC_METHOD)
    drawn = frame.assign(month=frame["month"].astype(str))  # vl-convert cannot serialise Periods
    return perf_charts.spc_chart(drawn, value_title=f"{label} per month"), view.spc_cli_table(frame), meta


def trend_by_area_result(ctx: BriefingContext) -> ChartResult:
    counts = measure_counts(ctx)
    trend = view.trend_frame(counts, through=ctx.as_of)
    label = measure_label(ctx.measure)
    ytd = periods.format_period(periods.ytd_window(ctx.as_of))
    first = trend["month"].min().strftime("%Y-%m")
    meta = _meta(ctx, f"{label} per month by {ctx.level_label.lower()}", period=f"{first} to {ctx.as_of}",
                 filters=f"{ctx.where}; shaded: the year to date {ytd}; each panel has its own scale")
    out = trend.assign(month=trend["month"].dt.strftime("%Y-%m"))
    return perf_charts.small_multiples(trend, as_of=ctx.as_of, value_title=label, columns=3), out, meta


def incidents_trend_result(ctx: BriefingContext) -> ChartResult:
    """The Overview's monthly trend by area (all sidebar filters)."""
    from harm.overview import monthly_trend

    labels = ctx.area_labels[ctx.mask].reset_index(drop=True)
    trend = monthly_trend(ctx.incidents[ctx.mask], labels)
    chart = (alt.Chart(trend).mark_line()
             .encode(x=alt.X("month:T", title="Month"), y=alt.Y("count:Q", title="Incidents"),
                     color=alt.Color("area:N", title=ctx.level_label, scale=alt.Scale(range=OKABE_ITO)),
                     strokeDash=alt.StrokeDash("area:N", title=ctx.level_label),  # not colour alone
                     tooltip=[alt.Tooltip("area:N"), alt.Tooltip("month:T", format="%b %Y"), "count:Q"])
             .properties(height=360, width=900))
    return chart, trend, _meta(ctx, f"Incidents per month by {ctx.level_label.lower()}")


def hotspot_map_result(ctx: BriefingContext) -> ChartResult:
    from harm.areas import load_area_set

    profile = hotspot_profile(ctx)
    results = profile.results
    level = ctx.filters.area_level if ctx.filters.area_level in ("csp", "lad", "policing-area") else "csp"
    outlines = ctx.area_set.areas if level == ctx.filters.area_level else load_area_set(level).areas
    if ctx.filters.areas and level == ctx.filters.area_level:
        outlines = outlines[outlines["name"].isin(ctx.filters.areas)]
    unit = profile.units.label
    chart = hotspot_geoshape_chart(profile, outlines, significant_only=True, label_px=24, width=780, height=470)
    data = results[["unit", "name", "count", "gi_z", "p_value", "p_fdr", "gi_bin", "gi_class"]]
    data = data[data["gi_bin"] != 0].sort_values(["gi_bin", "count"], ascending=False).reset_index(drop=True)
    meta = _meta(ctx, f"Hot and cold spots of incidents ({unit}s, Getis-Ord Gi*)",
                 method="Getis-Ord Gi* on counts, Benjamini-Hochberg FDR correction; classes ±3/±2/±1 = "
                        "99/95/90% confidence; blank = not significant")
    return chart, data, meta


def day_hour_result(ctx: BriefingContext) -> ChartResult:
    from harm import problem_profile as pp

    if _month_only(ctx):
        raise HarmInputError("these incidents have the month only, no day or time of day",
                             fix="A day x hour matrix needs incidents recorded to the minute")
    matrix = pp.day_hour_matrix(hour_weights(ctx), ctx.mask)
    chart = hotspot_matrix_chart(matrix, hour_step=3, width=820, height=300)
    data = matrix[["day", "hour", "weight"]].assign(day=matrix["day"].astype(str))
    meta = _meta(ctx, "Incidents by day of the week and hour of the day",
                 method="aoristic: each incident spread over the hours of its from-to window; "
                        "incidents without a time of day are not counted")
    return chart, data, meta


def drug_offences_result(ctx: BriefingContext) -> ChartResult:
    from harm.drugs import charts as drug_charts
    from harm.drugs import offences

    shown, _ = _scoped(ctx)
    by_year = offences.offences_by_year(shown)
    if by_year["count"].sum() == 0:
        raise HarmInputError("no drug offences in this period and these areas", fix="Widen the period or the areas")
    meta = _meta(ctx, "Drug offences by financial year", filters=ctx.where,
                 method="falls in drug offences usually reflect policing activity, not drug use")
    chart = drug_charts.offences_by_year(by_year).encode(  # slanted years: ten of them fit beside a second chart
        x=alt.X("fy:O", title="Financial year", axis=alt.Axis(labelAngle=-45)))
    return chart, by_year, meta


def drugs_marker_result(ctx: BriefingContext) -> ChartResult:
    from harm.drugs import charts as drug_charts
    from harm.drugs import marker

    shown, _ = _scoped(ctx)
    shares = marker.monthly_share(shown)
    step = marker.detect_step_change(shares)
    meta = _meta(ctx, "Share of all records carrying the drugs marker, per month", filters=ctx.where,
                 method=marker.method_note(step))
    return drug_charts.marker_share(shares, step), shares.assign(month=shares["month"].astype(str)), meta


def _treatment_level(ctx: BriefingContext) -> str:
    return "csp" if ctx.filters.area_level == "csp" else "la"


def treatment_completions_result(ctx: BriefingContext) -> ChartResult:
    from harm.treatment import charts as treatment_charts
    from harm.treatment import outcomes
    from harm.treatment.schema import LEVEL_LABELS, SUBSTANCE_LABELS

    data = ctx.treatment_data
    annual = data.annual_frame()
    level = _treatment_level(ctx)
    rows = annual[(annual["level"] == level) & annual["completions"].notna()]
    if rows.empty:
        raise HarmInputError("the treatment data have no successful completions at this level")
    year = max(rows["year"])
    areas = [a for a in ctx.filters.areas if a in set(rows["area"])] or None
    table = outcomes.outcome_table(annual, "completion", level=level, years=[year], substances=[TREATMENT_SUBSTANCE],
                                   areas=areas, total_label=outcomes.TOTAL_AREA)
    hidden = outcomes.suppress_outcomes(table, total_label=outcomes.TOTAL_AREA)
    words = outcomes.comparison_words(table, hidden)
    label = SUBSTANCE_LABELS[TREATMENT_SUBSTANCE].lower()
    chart = treatment_charts.interval_chart(hidden.numbers().assign(vs_england=words),
                                            value_title="Successful completions", numerator_title="Completions",
                                            denominator_title="In treatment")
    meta = ChartMeta(f"Successful completions, {label} clients, {year}: share of people in treatment", period=year,
                     filters=f"{LEVEL_LABELS[level]}s" + (f": {', '.join(areas)}" if areas else ""),
                     source=data.source, demo=data.is_demo,
                     method="Wilson 95% intervals; dashed tick = England; better/worse when the interval excludes "
                            "England; counts under 5 hidden")
    return chart, hidden.text().assign(vs_england=words.to_numpy()), meta


def spend_outcomes_frame(ctx: BriefingContext, level: str) -> tuple[pd.DataFrame, str]:
    """Spend against treatment outcomes for the newest year with completions (the context's spend and treatment)."""
    from harm.spend import spend_against_outcomes, treatment_counts

    table = spend_against_outcomes(ctx.spend_frame, treatment_counts(ctx.treatment_data, level), level)
    table = table[table["completions"].notna() & table["has_spend"]] if "has_spend" in table else \
        table[table["completions"].notna()]
    if table.empty:
        from harm.treatment.schema import LEVEL_PLURALS

        raise HarmInputError(f"no year has both spend and successful completions by {LEVEL_PLURALS[level]}",
                             fix="The slide counts by CSP when the area level is csp, by public-health local "
                                 "authority otherwise: choose the level the treatment data have")
    year = max(table["year"])
    rows = table[table["year"] == year].copy()
    rows["completion_rate"] = brief_charts.completion_rates(rows)
    return rows.reset_index(drop=True), year


def spend_treatment_source(ctx: BriefingContext) -> str:
    """Where the spend and the treatment figures of the spend slide came from."""
    treatment = ctx.treatment_data
    if ctx.spend_is_demo and treatment.is_demo:
        return "Synthetic demonstration spend and treatment data"
    return f"{ctx.spend_source_note}; treatment: {treatment.source}"


def spend_outcomes_result(ctx: BriefingContext) -> ChartResult:
    from harm.treatment.schema import LEVEL_LABELS

    level = _treatment_level(ctx)
    rows, year = spend_outcomes_frame(ctx, level)
    chart = outcome_scatter(rows.assign(value=rows["completion_rate"]), outcome_title="Successful completions",
                            percent=True, width=820, height=420)
    out = rows[["area", "year", "spend", "population", "spend_per_head", "in_treatment", "completions",
                "completion_rate", "cost_per_completion", "spend_per_person_in_treatment"]].round(
        {"spend": 2, "spend_per_head": 2, "completion_rate": 4, "cost_per_completion": 2,
         "spend_per_person_in_treatment": 2})
    meta = ChartMeta(f"Drug and alcohol spend per resident against successful completions, {year}", period=year,
                     filters=f"{LEVEL_LABELS[level]}s; spend for wider areas split by 2011 population",
                     source=spend_treatment_source(ctx), demo=ctx.spend_is_demo or ctx.treatment_data.is_demo,
                     method="ratios ignore case mix and time lags: use them to ask questions, not to rank areas")
    return chart, out, meta


CHARTS: dict[str, ChartSpec] = {spec.name: spec for spec in (
    ChartSpec("spc", "XmR (SPC) chart of the measure's monthly total up to the as-of month", spc_result),
    ChartSpec("trend-by-area", "The measure per month, one small chart per area, year to date shaded",
              trend_by_area_result),
    ChartSpec("incidents-trend", "Incidents per month by area (all filters)", incidents_trend_result),
    ChartSpec("hotspot-map", "Gi* hot and cold spots in grid cells, over the area outlines", hotspot_map_result),
    ChartSpec("day-hour", "Incidents by day of the week and hour of the day (aoristic)", day_hour_result),
    ChartSpec("drug-offences", "Drug offences by financial year and category", drug_offences_result),
    ChartSpec("drugs-marker", "Share of records with the drugs marker per month, step change marked",
              drugs_marker_result),
    ChartSpec("treatment-completions", "Opiate successful completions with 95% intervals against England",
              treatment_completions_result),
    ChartSpec("spend-outcomes", "Spend per resident against successful completions, per area",
              spend_outcomes_result),
)}


def chart_names() -> list[str]:
    return list(CHARTS)


def build_chart(name: str, ctx: BriefingContext) -> ChartResult:
    """The chart called ``name`` for ``ctx``; ``HarmInputError`` naming the valid ones otherwise."""
    if name not in CHARTS:
        raise HarmInputError(f"no chart called {name!r}", fix="Choose one of: " + ", ".join(CHARTS) + ".")
    return CHARTS[name].build(ctx)


# --- the slides --------------------------------------------------------------------------------

@dataclass(frozen=True)
class SlideSpec:
    name: str
    title: str  # the default title (a function of the context when callable)
    charts: tuple[str, ...] = ()
    table: Callable[[BriefingContext], tuple[pd.DataFrame, list[str], str]] | None = None
    notes: Callable[[BriefingContext], list[str]] | None = None

    def title_for(self, ctx: BriefingContext) -> str:
        return self.title.format(measure=measure_label(ctx.measure), as_of=periods.parse_month(ctx.as_of).strftime(
            "%B %Y"), fy=periods.financial_year(ctx.as_of), level=ctx.level_label.lower(), where=ctx.where)


PANEL_TABLE_COLUMNS = ["Area", "YTD", "YTD last year", "% change", "Change v last year", "4-year average",
                       "% v 4-yr avg", "Change v 4-year average"]


def performance_slide_table(ctx: BriefingContext) -> tuple[pd.DataFrame, list[str], str]:
    """(the table as the panel reads it, notes, method) for the performance slide."""
    table = performance_table(ctx)
    shown = view.display_table(table)
    shown = shown[[c for c in PANEL_TABLE_COLUMNS if c in shown]]
    notes = view.table_notes(table, areas_selected=bool(ctx.filters.areas))
    method = pf.method_note(ctx.as_of, coverage=_coverage(ctx), n_areas=len(view.area_names(measure_counts(ctx))))
    return shown, notes, method


def spc_notes(ctx: BriefingContext) -> list[str]:
    counts = measure_counts(ctx)
    frame = view.spc_frame(view.series_for(counts, pf.TOTAL_LABEL, through=ctx.as_of))
    found = [line.split(". ")[0] + "." for line in view.spc_summary(frame)]  # the finding, not its explanation
    return found or ["No special cause: every month is within the variation expected from month to month."]


def hotspot_notes(ctx: BriefingContext) -> list[str]:
    profile = hotspot_profile(ctx)
    s = profile.summary
    unit = profile.units.label
    lines = [f"{s.hot_units:,} hot spots ({unit}s) holding {s.share_in_hot_units:.0%} of the incidents; "
             f"{s.cold_units:,} cold spots."] if s.hot_units else [f"No hot spot among the {unit}s."]
    for row in profile.concentration.itertuples():
        if not np.isnan(row.share_of_incidents):
            lines.append(f"The busiest {row.top_share:.0%} of {unit}s hold {row.share_of_incidents:.0%} "
                         "of the incidents.")
            break
    return lines


def drugs_treatment_notes(ctx: BriefingContext) -> list[str]:
    from harm.drugs import offences

    shown, _ = _scoped(ctx)
    by_year = offences.offences_by_year(shown)
    total = int(by_year["count"].sum())
    treatment = ctx.treatment_data
    return [f"{total:,} drug offences in {ctx.period_text}, {ctx.where}.",
            "Treatment figures are the synthetic demonstration set until real NDTMS data are loaded."
            if treatment.is_demo else f"Treatment figures: {treatment.source}."]


def spend_notes(ctx: BriefingContext) -> list[str]:
    from harm.spend.outcomes import CAUTION

    return [CAUTION]


SLIDES: dict[str, SlideSpec] = {spec.name: spec for spec in (
    SlideSpec("performance", "{measure}: year to date as of {as_of} ({fy})", table=performance_slide_table),
    SlideSpec("trend-spc", "{measure} per month: trend and process limits", charts=("spc",), notes=spc_notes),
    SlideSpec("hotspots", "Where and when: hot spots and the day × hour pattern", charts=("hotspot-map", "day-hour"),
              notes=hotspot_notes),
    SlideSpec("drugs-treatment", "Drugs: offences and treatment outcomes",
              charts=("drug-offences", "treatment-completions"), notes=drugs_treatment_notes),
    SlideSpec("spend-outcomes", "Spend against outcomes", charts=("spend-outcomes",), notes=spend_notes),
    SlideSpec("trend-by-area", "{measure} per month by {level}", charts=("trend-by-area",)),
    SlideSpec("drugs-marker", "The drugs interest marker", charts=("drugs-marker",)),
)}
DEFAULT_SLIDES = ("performance", "trend-spc", "hotspots", "drugs-treatment", "spend-outcomes")


def parse_slide_names(text: str | None) -> list[str]:
    """``"performance,hotspots"`` -> names, checked; empty or None -> :data:`DEFAULT_SLIDES`."""
    if not text or not text.strip():
        return list(DEFAULT_SLIDES)
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in SLIDES]
    if unknown:
        raise HarmInputError(f"no slide called {', '.join(map(repr, unknown))}",
                             fix="Choose from: " + ", ".join(SLIDES) + ".")
    return names
