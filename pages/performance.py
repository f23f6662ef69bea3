"""Performance: the panel's table (year to date v last year and the 4-year average, exact tests),
monthly trends, an SPC chart, the last six months, and the exceptions to brief on."""

import streamlit as st

from harm import performance as pf
from harm import performance_charts as charts
from harm import performance_view as view
from harm import periods, spc
from harm.charts import ChartMeta
from harm.errors import HarmInputError
from harm.measures import measure_label, measure_names
from harm.ui.context import area_labels, current, dataset_incidents, demo_banner, escape_markdown
from harm.ui.exports import chart_with_downloads, table_downloads

TABLE_1_AS_OF = "2014-10"
DEFAULT_MEASURE = "violence"
REBASE_DEFAULT = "2017-10"
INCREASE_STYLE = "background-color: #fbe0cc; color: #0b0c0c"
DECREASE_STYLE = "background-color: #d4e6f5; color: #0b0c0c"


@st.cache_data(show_spinner=False, max_entries=4)
def data_months(dataset: str):
    incidents = dataset_incidents(dataset)
    return pf.months_covered(incidents), view.last_complete_month(incidents)


@st.cache_data(show_spinner="Counting every measure by area and month…", max_entries=8)
def measure_counts(dataset: str, level: str):
    coverage, _ = data_months(dataset)
    return view.measure_counts(dataset_incidents(dataset), area_labels(dataset, level), coverage=coverage)


@st.cache_data(show_spinner="Checking every measure and area for exceptions…", max_entries=32)
def exceptions(dataset: str, level: str, as_of: str, areas: tuple, rebase: str | None):
    coverage, _ = data_months(dataset)
    return view.exceptions_report(measure_counts(dataset, level), as_of, coverage=coverage, areas=areas,
                                  rebase_at=rebase)


def month_text(month) -> str:
    return periods.parse_month(month).strftime("%B %Y")


def styled(frame, verdict_columns, numeric_columns=()):
    """Verdict cells coloured (the words and arrow already say it), numbers right-aligned, total in bold."""
    def verdict_style(value: str) -> str:
        if value.startswith("▲"):
            return INCREASE_STYLE
        return DECREASE_STYLE if value.startswith("▼") else ""

    def bold_total(row):
        return ["font-weight: bold" if row.iloc[0] == pf.TOTAL_LABEL else ""] * len(row)

    style = frame.style.map(verdict_style, subset=verdict_columns).apply(bold_total, axis=1)
    numeric = [c for c in numeric_columns if c in frame.columns]
    # !important: st.table puts an inline "text-align: left" on text cells
    return style.set_properties(subset=numeric, **{"text-align": "right !important"}) if numeric else style


def show_table(frame, verdict_columns, alt: str):
    """A short table as an HTML table (cells wrap, screen readers read it), verdicts coloured."""
    numeric = [c for c in frame.columns if c != "Area" and c not in verdict_columns]
    st.table(styled(frame, verdict_columns, numeric), hide_index=True, alt=alt)


def seed(key: str, param: str, valid: list[str], default: str) -> None:
    """The control's starting value: the URL's when valid, else ``default``."""
    if key not in st.session_state:
        wanted = st.query_params.get(param)
        st.session_state[key] = wanted if wanted in valid else default


ctx = current()
st.title("Performance")
demo_banner(ctx)
st.caption(
    "Year to date against the same months last year and the average of the four years before, per area, "
    "with tests that tell a real change from month-to-month noise. The **as-of month** and the **measure** "
    "below drive this page; from the sidebar only the **area level** and **areas** apply (the sidebar's "
    "period, offence groups and markers do not)."
)

try:
    coverage, last_complete = data_months(ctx.dataset)
    choices = view.as_of_choices(coverage, last_complete)
    if not choices:
        raise HarmInputError("the data do not cover a whole year to date", fix="Load data from an April onwards")
except HarmInputError as exc:
    st.error(escape_markdown(str(exc)))
    st.stop()

seed("perf_as_of", "as_of", choices, choices[0])
seed("perf_measure", "measure", measure_names(), DEFAULT_MEASURE)
c1, c2, c3 = st.columns([2, 2, 2], vertical_alignment="bottom")
as_of = c1.selectbox("As of (last month of the year to date)", choices, key="perf_as_of",
                     format_func=lambda m: f"{month_text(m)} ({periods.financial_year(m)})",
                     help=f"Default: the last complete month of the data ({last_complete.strftime('%Y-%m')}).")
measure = c2.selectbox("Measure", measure_names(), key="perf_measure", format_func=measure_label)
if TABLE_1_AS_OF in choices:
    c3.button("October 2014: the 2014 panel paper's table 1", key="perf_table_1",
              on_click=lambda: st.session_state.update(perf_as_of=TABLE_1_AS_OF, perf_measure=DEFAULT_MEASURE),
              help="All violence as of October 2014, the month of the Annex A table (choose local policing "
                   "areas in the sidebar to see its rows).")
st.query_params["as_of"], st.query_params["measure"] = as_of, measure

level, areas = ctx.filters.area_level, tuple(ctx.filters.areas)
level_label = ctx.level_label
in_name = view.areas_in_file_name(level, areas)
label = measure_label(measure)
ytd_first, ytd_last = periods.ytd_window(as_of)
ytd_text = f"{ytd_first.strftime('%b %Y')} to {ytd_last.strftime('%b %Y')} ({periods.financial_year(as_of)})"
chosen = f"{', '.join(areas)}" if areas else f"all {level_label.lower()}s"

try:
    counts = view.counts_for(measure_counts(ctx.dataset, level), measure, areas=areas)
    table = pf.performance_table(counts, as_of, coverage=coverage, population=ctx.area_set.population_by_name())
except HarmInputError as exc:
    st.error(escape_markdown(str(exc)))
    st.stop()

# --- the table ---------------------------------------------------------------------------------
st.subheader(f"{label}: year to date, {ytd_text}")
if view.measure_caution(measure):
    st.warning(view.measure_caution(measure), icon=":material/warning:")
shown = view.display_table(table)
show_table(shown, ["Change v last year", "Change v 4-year average"],
           alt=f"{label} year to date by {level_label.lower()}, against last year and the 4-year average")
table_downloads(view.cli_table(table, extras=True), f"{measure}-ytd-{as_of}-{in_name}")
for note in view.table_notes(table, areas_selected=bool(areas)):
    st.caption(note)
st.caption("▲ increase (orange) and ▼ decrease (blue) mark *statistically significant* changes after the "
           "Benjamini–Hochberg adjustment; ● no significant change. The words say it; the colour only repeats it.")
with st.expander("Method"):
    st.caption(pf.method_note(as_of, coverage=coverage, n_areas=len(view.area_names(counts))))
    st.caption("Rate per 1,000: year-to-date count per 1,000 residents (2011 census). Percentages are "
               "computed exactly from the counts and rounded half away from zero.")

# --- trends ------------------------------------------------------------------------------------
st.subheader(f"Monthly trend by {level_label.lower()}")
trend = view.trend_frame(counts, through=last_complete)
period_text = f"{coverage[0].strftime('%Y-%m')} to {last_complete.strftime('%Y-%m')}"
chart_with_downloads(
    charts.small_multiples(trend, as_of=as_of, value_title=label, columns=3),
    trend,
    ChartMeta(f"{label} per month, {chosen}", period=period_text,
              filters=f"shaded: the year to date {ytd_text}; each panel has its own vertical scale",
              demo=ctx.is_demo),
    key="perf_trend", name=f"{measure}-per-month-{in_name}-{period_text}",
)

st.subheader("Statistical process control (XmR chart)")
spc_areas = [pf.TOTAL_LABEL, *view.area_names(counts)]
total_text = "Total of the selected areas" if areas else "Total (every incident)"
if st.session_state.get("perf_spc_area") not in spc_areas:  # e.g. after a change of area level
    st.session_state.pop("perf_spc_area", None)
s1, s2, s3 = st.columns([2, 2, 2], vertical_alignment="bottom")
spc_area = s1.selectbox("Area", spc_areas, key="perf_spc_area",
                        format_func=lambda a: total_text if a == pf.TOTAL_LABEL else a)
rebase_on = s2.checkbox("Recalculate the limits from a month", key="perf_rebase_on",
                        help="For a known break in the series, e.g. the October 2017 recording-system change "
                             "that cut drugs-marker use.")
months = [m.strftime("%Y-%m") for m in periods.to_months(view.series_for(counts, pf.TOTAL_LABEL, through=as_of).index)]
rebase = None
if st.session_state.get("perf_rebase") not in months[1:]:  # e.g. after an earlier as-of month
    st.session_state.pop("perf_rebase", None)
if rebase_on and len(months) > 1:
    rebase = s3.selectbox("Limits restart at", months[1:], key="perf_rebase",
                          index=months[1:].index(REBASE_DEFAULT) if REBASE_DEFAULT in months[1:] else len(months) - 2,
                          format_func=month_text)
chart = view.spc_frame(view.series_for(counts, spc_area, through=as_of), rebase_at=rebase)
spc_period = f"{months[0]} to {as_of}"
spc_in_name = f"total-{in_name}" if spc_area == pf.TOTAL_LABEL else spc_area
chart_with_downloads(
    charts.spc_chart(chart, value_title=f"{label} per month"),
    view.spc_cli_table(chart),
    ChartMeta(f"{label} per month, {total_text.lower() if spc_area == pf.TOTAL_LABEL else spc_area}: XmR chart",
              period=spc_period, demo=ctx.is_demo,
              method="XmR, limits = mean \u00b1 2.66 \u00d7 mean moving range; NHS Making Data Count rules"
                     + (f"; limits recalculated from {rebase}" if rebase else "")),
    key="perf_spc", name=f"{measure}-spc-{spc_in_name}-{spc_period}",
)
findings = view.spc_summary(chart)
if findings:
    st.markdown("\n".join(f"- {line}" for line in findings))
else:
    st.caption("No special cause: every month is within the variation expected from month to month.")
st.caption(spc.method_note(rebase) + " Hover over a point for its rule in words.")

# --- six months --------------------------------------------------------------------------------
recent = periods.months_before(as_of, 6)
before = periods.months_before(recent[0] - 1, 6)
st.subheader(f"Last six months ({recent[0].strftime('%b %Y')} to {recent[1].strftime('%b %Y')}) "
             f"against the six before ({before[0].strftime('%b %Y')} to {before[1].strftime('%b %Y')})")
if periods.covers(coverage, recent):
    six = pf.six_month_change(counts, as_of, coverage=coverage)
    show_table(view.six_month_display(six), ["Change"], alt=f"{label}: last six months against the six before")
    table_downloads(view.six_month_cli_table(six), f"{measure}-six-months-to-{as_of}-{in_name}")
    st.caption("Same exact test (p = 1/2) and Benjamini–Hochberg adjustment across the area rows as the table above.")
else:
    st.info("The data do not cover the last six months before this as-of month.")

# --- exceptions --------------------------------------------------------------------------------
st.subheader("Exceptions to brief on")
found = exceptions(ctx.dataset, level, as_of, areas, rebase)
st.caption(f"Every measure and {level_label.lower()} (and the total) with a statistically significant change "
           f"as of {month_text(as_of)}, or an SPC special cause in the six months to it"
           f"{' (limits recalculated from ' + month_text(rebase) + ')' if rebase else ''}; newest first.")
if found.empty:
    st.success("Nothing to brief on: no significant change and no special cause.")
else:
    st.caption(view.exceptions_count_text(found))
    st.dataframe(styled(view.exceptions_display(found), ["Finding"]), hide_index=True, width="stretch",
                 height=min(38 + 35 * len(found), 560), key="perf_exceptions")
    table_downloads(found.assign(month=[m.strftime("%Y-%m") for m in found["month"]]),
                    f"exceptions-all-measures-{as_of}-{in_name}")
