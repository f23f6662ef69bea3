"""Drugs: drug offences over time and by area, the drugs interest marker, drug testing on arrest."""

import streamlit as st

from harm import performance as pf
from harm import performance_view as view
from harm import periods, suppression
from harm.charts import ChartMeta
from harm.drugs import charts, marker, offences, testing, testing_files
from harm.errors import HarmInputError
from harm.filters import Filters, filter_mask
from harm.geo.levels import LEVEL_LABELS
from harm.measures import measure_label
from harm.treatment.demo import DEMO_TESTING_LABEL
from harm.ui.context import area_labels, current, dataset_incidents, demo_banner, escape_markdown
from harm.ui.data_sources import DEMO, FILES, STORED, read_stored, read_uploads, source_radio, stored_select
from harm.ui.exports import chart_with_downloads, table_downloads

DRUG_MEASURES = ["drug-offences", "possession", "trafficking"]


@st.cache_data(show_spinner=False, max_entries=16)
def scoped_mask(dataset: str, level: str, first: str, last: str, areas: tuple):
    """Period and areas from the sidebar; the page picks offences and markers itself."""
    incidents = dataset_incidents(dataset)
    return filter_mask(incidents, area_labels(dataset, level), Filters(first, last, level, areas))


@st.cache_data(show_spinner="Finding the drugs-marker step change…", max_entries=16)
def marker_views(dataset: str, level: str, first: str, last: str, areas: tuple):
    shown = dataset_incidents(dataset)[scoped_mask(dataset, level, first, last, areas)]
    shares = marker.monthly_share(shown)
    step = marker.detect_step_change(shares)
    around = marker.share_before_after(shown, step) if step.month is not None else None
    return shares, step, marker.share_by_year(shown), around


@st.cache_data(show_spinner=False, max_entries=16)
def drug_performance(dataset: str, level: str, measure: str, as_of: str, areas: tuple, population):
    incidents = dataset_incidents(dataset)
    labels = area_labels(dataset, level)
    coverage = pf.months_covered(incidents)
    counts = pf.monthly_counts(incidents, labels, measure=measure, months=coverage)
    if areas:
        counts = counts[counts["area"].isin(areas)]
        counts["area"] = counts["area"].astype(str)
    return pf.performance_table(counts, as_of, coverage=coverage, population=population), coverage


ctx = current()
st.title("Drugs")
demo_banner(ctx)
f = ctx.filters
level_label = LEVEL_LABELS[f.area_level]
areas = tuple(f.areas)
period = f"{f.first_month} to {f.last_month}"
where = ", ".join(areas) if areas else f"all {level_label.lower()}s"
scope = f"{period}; {where}"
st.caption("Police data: drug offences, the drugs interest marker and drug testing on arrest, for "
           f"{escape_markdown(scope)}. "
           "The sidebar's period, area level and areas apply; its offence-group and marker filters do not "
           "(this page picks drug offences and the drugs marker itself).")

mask = scoped_mask(ctx.dataset, f.area_level, f.first_month, f.last_month, areas)
shown = ctx.all_incidents[mask]
labels = ctx.all_area_labels[mask].reset_index(drop=True)

# --- drug offences ----------------------------------------------------------------------------------
st.header("Drug offences")
by_year = offences.offences_by_year(shown)
by_area = offences.offences_by_area(shown, labels, ctx.area_set)
total = int(by_year["count"].sum())
cats = by_year.groupby("category", observed=True)["count"].sum()
c1, c2, c3, c4 = st.columns(4)
c1.metric("Drug offences", f"{total:,}")
c2.metric("Possession of cannabis", f"{int(cats.get(offences.CANNABIS, 0)):,}")
c3.metric("Possession of other drugs", f"{int(cats.get(offences.OTHER_POSSESSION, 0)):,}")
c4.metric(f"Trafficking ({cats.get(offences.TRAFFICKING, 0) / total:.0%} of drug offences)" if total else "Trafficking",
          f"{int(cats.get(offences.TRAFFICKING, 0)):,}")
if total == 0:
    st.info("No drug offences in this period and these areas.")
else:
    chart_with_downloads(charts.offences_by_year(by_year), by_year,
                         ChartMeta("Drug offences by financial year", period=period, filters=where, demo=ctx.is_demo),
                         key="drugs_by_year", name=f"drug-offences-by-year-{f.first_month}-{f.last_month}-{f.area_level}")
    st.caption("Possession is split by offence (cannabis or other drugs); trafficking covers supply, intent to "
               "supply and production. Falls in drug offences usually reflect policing activity, not drug use.")
    monthly = offences.offences_by_month(shown)
    chart_with_downloads(charts.offences_by_month(monthly), monthly,
                         ChartMeta("Drug offences per month", period=period, filters=where, demo=ctx.is_demo),
                         key="drugs_by_month", name=f"drug-offences-per-month-{f.first_month}-{f.last_month}-{f.area_level}")

    st.subheader(f"By {level_label.lower()}: rate per 1,000 residents")
    area_rows = by_area[by_area["area"].isin(ctx.area_set.names) & (~by_area["area"].isin(pf.UNASSIGNED_AREAS))]
    if areas:
        area_rows = area_rows[area_rows["area"].isin(areas)]
    if "population" in area_rows:
        long = area_rows.melt(id_vars=["area", "population"], value_vars=[c for c in offences.CATEGORIES
                                                                          if c in area_rows], var_name="category",
                              value_name="count")
        long["rate"] = long["count"] / long["population"] * 1000
        chart_with_downloads(charts.rate_by_area(long), long,
                             ChartMeta(f"Drug offences per 1,000 residents by {level_label.lower()}", period=period,
                                       filters=where, demo=ctx.is_demo, source="Population: 2011 census"),
                             key="drugs_rate_area", name=f"drug-offences-rate-{f.first_month}-{f.last_month}-{f.area_level}")
    st.dataframe(by_area, hide_index=True, width="stretch",
                 column_config={"rate_per_1000": st.column_config.NumberColumn("Rate per 1,000", format="%.2f"),
                                "population": st.column_config.NumberColumn("Residents (2011)", format="%d")})
    table_downloads(by_area, f"drug-offences-by-area-{f.first_month}-{f.last_month}-{f.area_level}")

    st.subheader("Year to date against last year and the 4-year average")
    measure = st.selectbox("Offences", DRUG_MEASURES, format_func=measure_label, key="drugs_measure")
    as_of = f.last_month
    try:
        table, coverage = drug_performance(ctx.dataset, f.area_level, measure, as_of, areas,
                                           ctx.area_set.population_by_name())
    except HarmInputError as exc:
        st.info(f"No year-to-date comparison as of {as_of}: {exc}")
    else:
        ytd = periods.ytd_window(as_of)
        st.caption(f"{measure_label(measure)}, year to date {periods.format_period(ytd)} "
                   f"({periods.financial_year(as_of)}), as of the sidebar's last month. Same tests and words as "
                   "the Performance page.")
        st.dataframe(view.display_table(table), hide_index=True, width="stretch", key="drugs_perf")
        table_downloads(view.cli_table(table, extras=True), f"{measure}-ytd-{as_of}-{f.area_level}s")
        for note in view.table_notes(table, areas_selected=bool(areas)):
            st.caption(note)
        with st.expander("Method"):
            st.caption(pf.method_note(as_of, coverage=coverage, n_areas=len(table) - 1))

# --- the drugs marker ---------------------------------------------------------------------------------
st.header("The drugs interest marker")
shares, step, marker_years, around = marker_views(ctx.dataset, f.area_level, f.first_month, f.last_month, areas)
if step.found:
    st.warning(f"**{step.describe()}** This is a change in recording (the October 2017 recording-system change), "
               f"shown as a step. {marker.CAUTION}", icon=":material/warning:")
else:
    st.info(step.describe() + " " + marker.CAUTION)
if len(shares):
    chart_with_downloads(charts.marker_share(shares, step),
                         shares.assign(month=shares["month"].astype(str)),
                         ChartMeta("Share of all records carrying the drugs marker, per month", period=period,
                                   filters=where, demo=ctx.is_demo, method=marker.method_note(step)),
                         key="drugs_marker", name=f"drugs-marker-share-per-month-{f.first_month}-{f.last_month}-{f.area_level}")
    st.caption(f"All records = every record in the data set for these months and areas. {marker.method_note(step)}")
    chart_with_downloads(charts.marker_by_group(marker_years, step), marker_years,
                         ChartMeta("Share of each offence group carrying the drugs marker, by financial year",
                                   period=period, filters=where, demo=ctx.is_demo),
                         key="drugs_marker_groups", name=f"drugs-marker-share-by-offence-group-{f.first_month}-{f.last_month}")
    if around is not None:
        st.markdown(f"**Either side of {step.month.strftime('%B %Y')}** ({step.window} months each)")
        st.dataframe(around, hide_index=True, width="stretch",
                     column_config={"share_before": st.column_config.NumberColumn("Share before", format="percent"),
                                    "share_after": st.column_config.NumberColumn("Share after", format="percent"),
                                    "change_points": st.column_config.NumberColumn("Change (points)", format="%.1f")})
        table_downloads(around, f"drugs-marker-before-after-{step.month.strftime('%Y-%m')}")

# --- drug testing on arrest ---------------------------------------------------------------------------
TESTING_SOURCES = {DEMO: "Demo data (synthetic)", STORED: "A drug-testing data set imported on the Data page",
                   FILES: "My drug-testing CSV files"}


@st.cache_data(show_spinner="Reading the file…", max_entries=32)
def read_testing_upload(name: str, digest: str, raw: bytes):
    return testing.read_testing_csv(raw, name)


def users_testing(source: str):
    """(rows, where they came from) of a stored data set or of uploaded files (the page stops until there are some)."""
    if source == STORED:
        name = stored_select("Drug-testing data set", stored_names, key="drugs_testing_stored_name")
        return read_stored("testing", name), f"Data set {name}"
    files = st.file_uploader(f"Drug-testing CSV files (columns {', '.join(testing.REQUIRED)}; level and area_code "
                             "optional)", type=["csv"], accept_multiple_files=True, key="drugs_testing_files") or []
    frames = read_uploads(files, read_testing_upload)
    if not frames:
        st.info("Choose one or more drug-testing CSV files to see them here. Nothing leaves this computer.")
        st.stop()
    return testing_files.combine_testing(frames), "Files: " + ", ".join(file.name for file in files)


# The last section of the page: it may stop the page until its data are there.
st.header("Drug testing on arrest")
sidebar_test_level = testing_files.LEVEL_FOR_SIDEBAR.get(f.area_level)  # None for LSOAs: shown by CSP
test_level = sidebar_test_level or "csp"
stored_names = testing_files.stored_testing_names()
testing_source = source_radio("Drug-testing data", TESTING_SOURCES, key="drugs_testing_source",
                              stored_names=stored_names)
tests_are_demo, level_note = testing_source == DEMO, None
try:
    if tests_are_demo:
        all_tests, tests_source = testing.load_testing(test_level), DEMO_TESTING_LABEL
    else:
        users, tests_source = users_testing(testing_source)
        all_tests, test_level, level_note = testing_files.shown_at(users, test_level)
except HarmInputError as exc:
    st.error(escape_markdown(str(exc)))
    st.stop()
tests = testing.in_months(all_tests, f.first_month, f.last_month)
filtered_areas = bool(areas) and test_level == sidebar_test_level and test_level != "la"
if filtered_areas:
    tests = tests[tests["area"].isin(areas)]
test_level_label = testing_files.level_label(test_level)
test_where = where if filtered_areas else f"all {testing_files.level_plural(test_level)}"
st.caption(f"{escape_markdown(tests_source if tests_are_demo else 'Drug testing: ' + tests_source)}. Tested on "
           "arrest for opiates and cocaine; a positive test for a Class A drug requires an assessment with a drug "
           "worker. By " + test_level_label.lower() +
           (" (district data are not kept: districts are shown within their public-health authority)."
            if f.area_level == "lad" and not level_note else "."))
if level_note:
    st.info(escape_markdown(level_note))
if tests.empty:
    st.info("No drug tests in this period and these areas." + ("" if tests_are_demo else escape_markdown(
        f" The drug-testing data cover {all_tests['month'].min()} to {all_tests['month'].max()}: choose months in "
        "that range in the sidebar.")))
else:
    funnel = testing.suppress_funnel(testing.funnel(tests))
    chart_with_downloads(charts.testing_funnel(funnel.numbers()), funnel.text(),
                         ChartMeta("Drug testing on arrest: from test to treatment", period=period, filters=test_where,
                                   demo=tests_are_demo, source=tests_source),
                         key="drugs_funnel", name=f"drug-testing-funnel-{f.first_month}-{f.last_month}-{test_level}")
    monthly_pos = testing.positivity(tests, ["month"])
    month_hidden = suppression.suppress(monthly_pos, ["tests", "positive"],
                                        rates={c: ["tests", "positive"] for c in ("positive_rate", "ci_low", "ci_high")},
                                        keys=["month"])
    chart_with_downloads(charts.positivity_over_time(month_hidden.numbers()), month_hidden.text(),
                         ChartMeta("Tests positive for a Class A drug, per month (95% interval shaded)",
                                   period=period, filters=test_where, demo=tests_are_demo, source=tests_source,
                                   method="Wilson 95% interval"),
                         key="drugs_positivity", name=f"drug-testing-positivity-per-month-{f.first_month}-{f.last_month}")
    yearly = testing.positivity(tests, ["fy", "area"])
    yearly_hidden = suppression.suppress(
        yearly[["fy", "area", "tests", "positive", "positive_rate", "ci_low", "ci_high"]], ["tests", "positive"],
        rates={c: ["tests", "positive"] for c in ("positive_rate", "ci_low", "ci_high")}, keys=["fy", "area"])
    chart_with_downloads(charts.positivity_by_area(yearly_hidden.numbers()), yearly_hidden.text(),
                         ChartMeta(f"Tests positive for a Class A drug by {test_level_label.lower()} and year",
                                   period=period, filters=test_where, demo=tests_are_demo, source=tests_source),
                         key="drugs_positivity_area", name=f"drug-testing-positivity-by-area-{f.first_month}-{f.last_month}-{test_level}")
    table = testing.by_area(tests)
    result = testing.suppress_by_area(table)
    st.dataframe(result.text(thousands=True, rate_format="{:.1%}").rename(columns={
                     **testing.COUNT_LABELS, "area": "Area", "positive_rate": "Positive rate",
                     "ci_low": "95% CI from", "ci_high": "95% CI to"}), hide_index=True, width="stretch")
    table_downloads(result.text(), f"drug-testing-by-area-{f.first_month}-{f.last_month}-{test_level}")
    st.caption(suppression.METHOD_NOTE)
