"""Treatment: numbers in treatment, successful completions against England, other outcomes, unmet need."""

import pandas as pd
import streamlit as st

from harm import suppression
from harm.charts import ChartMeta
from harm.errors import HarmInputError
from harm.treatment import charts, need, outcomes, stored_treatment_names
from harm.treatment.annual import force_summary, in_treatment_table
from harm.treatment.schema import ALL, LEVEL_LABELS, LEVEL_PLURALS, SUBSTANCE_LABELS, SUBSTANCES, SUPPRESSED_WORD
from harm.ui.context import current, demo_banner, escape_markdown
from harm.ui.data_sources import (DEMO, FILES, STORED, demo_treatment, read_stored, source_radio, stored_select,
                                  treatment_uploads)
from harm.ui.exports import chart_with_downloads, table_downloads

TOTAL = outcomes.TOTAL_AREA
OTHER_OUTCOMES = ["re-presentation", "retention", "waiting", "cjs-referrals"]


def percent_table(result: suppression.Suppressed, labels: dict) -> pd.DataFrame:
    """For screens: counts with separators, ``<5`` / ``[c]`` where hidden, rates and England's rate in per cent."""
    shown = result.text(thousands=True, rate_format="{:.1%}")
    if "england_rate" in shown:
        shown["england_rate"] = [f"{v:.1%}" if pd.notna(v) else "n/a" for v in result.frame["england_rate"]]
    return shown.rename(columns={**SCREEN_LABELS, **labels})


SCREEN_LABELS = {"area": "Area", "year": "Year", "period": "Year", "substance": "Substance",
                 "in_treatment": "In treatment", "completions": "Successful completions",
                 "completion_rate": "Completion rate (%)", "ci_low": "95% CI from", "ci_high": "95% CI to",
                 "england_rate": "England", "vs_england": "Compared with England"}


ctx = current()
st.title("Treatment")
st.caption("Drug and alcohol treatment (NDTMS) and unmet need (OHID Fingertips) by public-health local authority. "
           "Treatment data have their own areas and financial years: the sidebar's filters apply to police data, "
           "not here.")

stored_names = stored_treatment_names()
source = source_radio("Treatment data", {DEMO: "Demo data (synthetic)",
                                         STORED: "A treatment data set imported on the Data page",
                                         FILES: "Files from OHID Fingertips / NDTMS ViewIt"},
                      key="treatment_source", stored_names=stored_names)
if source == STORED:
    stored_name = stored_select("Treatment data set", stored_names, key="treatment_stored_name")
    try:
        data = read_stored("treatment", stored_name)
    except HarmInputError as exc:
        st.error(escape_markdown(str(exc)))
        st.stop()
elif source == FILES:
    files = st.file_uploader(
        "OHID Fingertips indicator CSV (e.g. 93517, opiate and crack users not in treatment), NDTMS ViewIt local "
        "authority or England exports, or the dashboard's treatment CSV", type=["csv"], accept_multiple_files=True,
        key="treatment_files")
    data = treatment_uploads(files or [])
    if data is None:
        st.info("Choose one or more CSV files to see them here. Nothing leaves this computer.")
        st.stop()
else:
    data = demo_treatment()
if data.is_demo:
    demo_banner(ctx)
    st.caption(f"⚠ {escape_markdown(data.source)}.")
else:
    st.success(f"**Data:** {escape_markdown(data.source)}")
for note in data.notes:
    st.caption(escape_markdown(note))

annual = data.annual_frame()
levels = data.levels()
# Another data set has other years and areas: start its choices afresh (a year kept from the demo data
# would otherwise stick, and Streamlit would ignore a new pick while the options changed under it).
if st.session_state.get("_treatment_source") != data.source:
    for stale in ("treatment_level", "treatment_year", "treatment_areas", "treatment_need_year"):
        st.session_state.pop(stale, None)
    st.session_state["_treatment_source"] = data.source

# --- numbers in treatment -----------------------------------------------------------------------------
st.header("Numbers in treatment")
if not levels:
    st.info("These files have no local-area treatment numbers (an England file or a Fingertips unmet-need file on "
            "its own). Add an NDTMS ViewIt local authority export to see them.")
else:
    c1, c2, c3 = st.columns([2, 2, 4])
    level = c1.radio("Areas", levels, format_func=LEVEL_LABELS.get, key="treatment_level") if len(levels) > 1 else levels[0]
    at_level = annual[annual["level"] == level]
    years = sorted(at_level["year"].unique(), reverse=True)
    year = c2.selectbox("Financial year", years, key="treatment_year")
    all_areas = sorted(at_level["area"].unique())
    chosen = c3.multiselect("Areas", all_areas, key="treatment_areas", placeholder="All areas")
    area_list = chosen or all_areas
    where = ", ".join(chosen) if chosen else f"all {LEVEL_PLURALS[level]}"
    total = TOTAL if len(area_list) > 1 else None  # one area: its own row is the total
    headline = TOTAL if total else area_list[0]
    table = outcomes.completion_table(annual, level=level, years=[year], areas=area_list, total_label=total)
    counts = in_treatment_table(annual, level=level, year=year, areas=area_list, total_label=total)
    hidden = suppression.suppress(counts, ["in_treatment"], keys=["area", "substance"],
                                  margins=[suppression.Margin("substance", ALL), suppression.Margin("area", TOTAL)]
                                  if total else [suppression.Margin("substance", ALL)])
    numbers = hidden.numbers()
    total_row = numbers[(numbers["area"] == headline) & (numbers["substance"] == ALL)]["in_treatment"]
    opiate_row = numbers[(numbers["area"] == headline) & (numbers["substance"] == "opiate")]["in_treatment"]
    m1, m2, m3 = st.columns(3)
    m1.metric(f"In treatment, {year}", "hidden" if total_row.isna().all() else f"{total_row.iloc[0]:,.0f}")
    m2.metric("Opiate clients", "hidden" if opiate_row.isna().all() else f"{opiate_row.iloc[0]:,.0f}")
    m3.metric("Areas", f"{len(area_list)}")
    forces = force_summary(annual[annual["area"].isin(area_list)], level=level, year=year)
    with st.container(key="treatment_forces"):
        for row in forces.itertuples():
            rate = "" if pd.isna(row.opiate_completion_rate) else f" ({row.opiate_completion_rate:.1%})"
            st.markdown(f"**{row.force}** ({row.areas} area{'s' if row.areas != 1 else ''}), {year}: "
                        f"{suppression.format_suppressed_count(row.in_treatment)} in treatment, "
                        f"{suppression.format_suppressed_count(row.opiate_in_treatment)} of them opiate clients; "
                        f"opiate successful completions {suppression.format_suppressed_count(row.opiate_completions)}"
                        f"{rate}.")
    per_area = numbers[numbers["area"] != TOTAL] if total else numbers
    chart_with_downloads(charts.in_treatment_by_area(per_area), hidden.text(),
                         ChartMeta(f"People in treatment by substance, {year}", period=year, filters=where,
                                   demo=data.is_demo, source=data.source),
                         key="treatment_by_area", name=f"in-treatment-by-substance-{year}-{level}")
    trend = at_level[at_level["area"].isin(area_list)].groupby(["year", "substance"], sort=True)[
        "in_treatment"].sum(min_count=1).reset_index()
    trend_hidden = suppression.suppress(trend, ["in_treatment"], keys=["year", "substance"],
                                        margins=[suppression.Margin("substance", ALL)])
    chart_with_downloads(charts.in_treatment_over_time(trend_hidden.numbers()), trend_hidden.text(),
                         ChartMeta("People in treatment per year by substance", period=f"{years[-1]} to {years[0]}",
                                   filters=where, demo=data.is_demo, source=data.source),
                         key="treatment_trend", name=f"in-treatment-per-year-{level}")
    wide = hidden.text(thousands=True).assign(substance=lambda d: d["substance"].map(SUBSTANCE_LABELS))
    wide = wide.pivot(index="area", columns="substance", values="in_treatment").reindex(
        columns=[SUBSTANCE_LABELS[s] for s in SUBSTANCES + (ALL,)]).reindex(area_list + ([TOTAL] if total else [])).reset_index()
    st.dataframe(wide.rename(columns={"area": "Area"}), hide_index=True, width="stretch")
    table_downloads(hidden.text(), f"in-treatment-{year}-{level}")
    st.caption("In treatment = everyone in treatment at any time in the year. " + suppression.METHOD_NOTE)

    # --- successful completions ---------------------------------------------------------------------
    st.header("Successful completions")
    substance = st.selectbox("Substance", list(SUBSTANCES) + [ALL], format_func=SUBSTANCE_LABELS.get,
                             key="treatment_substance")
    label = SUBSTANCE_LABELS[substance]
    comp = table[table["substance"].isin([substance])]
    if comp["completions"].isna().all():
        st.info(f"No successful completions for {year} in the data loaded.")
    else:
        full = outcomes.completion_output(table, total_label=total)
        hidden_rows = full["vs_england"].eq(SUPPRESSED_WORD).to_numpy()
        plot = table.assign(vs_england=full["vs_england"].to_numpy())
        for column in ("completion_rate", "ci_low", "ci_high", "completions", "in_treatment"):
            plot[column] = plot[column].mask(hidden_rows)
        plot = plot[plot["substance"] == substance].rename(columns={"completion_rate": "rate", "completions": "numerator",
                                                                     "in_treatment": "denominator"})
        chart_with_downloads(
            charts.interval_chart(plot, value_title="Successful completions", numerator_title="Completions",
                                  denominator_title="In treatment"),
            full[full["substance"] == substance],
            ChartMeta(f"Successful completions, {label.lower()}, {year}: share of people in treatment",
                      period=year, filters=where, demo=data.is_demo, source=data.source,
                      method="Wilson 95% intervals; dashed tick = England; better/worse when the interval excludes "
                             "England"),
            key="treatment_completions", name=f"successful-completions-{substance}-{year}-{level}")
        on_screen = full[full["substance"] == substance].assign(
            substance=lambda d: d["substance"].map(SUBSTANCE_LABELS),
            england_rate=lambda d: d["england_rate"].map(lambda v: "n/a" if pd.isna(v) else v))
        st.dataframe(on_screen.rename(columns=SCREEN_LABELS).rename(columns={
            "95% CI from": "95% CI from (%)", "95% CI to": "95% CI to (%)", "England": "England (%)"}),
            hide_index=True, width="stretch")
        table_downloads(full, f"successful-completions-{year}-{level}")
        st.caption("Successful completion = left treatment free of dependence and did not re-present within 6 "
                   "months; rate = successful completions / people in treatment in the year (per cent, Wilson 95% "
                   "interval). Better / similar / worse: whether the interval lies above, around or below England's "
                   "rate, as OHID Fingertips does. " + suppression.METHOD_NOTE)
        history = outcomes.outcome_table(annual, "completion", level=level, substances=[substance], areas=area_list)
        history_hidden = outcomes.suppress_outcomes(history)
        history_plot = history_hidden.numbers().assign(vs_england=outcomes.comparison_words(history, history_hidden))
        chart_with_downloads(
            charts.rate_over_time(history_plot, value_title="Successful completions"),
            history_hidden.text().assign(vs_england=outcomes.comparison_words(history, history_hidden)),
            ChartMeta(f"Successful completions, {label.lower()}, by year", period=f"{years[-1]} to {years[0]}",
                      filters=where, demo=data.is_demo, source=data.source, method="dashed line = England"),
            key="treatment_completion_trend", name=f"successful-completions-{substance}-by-year-{level}")

    # --- other outcomes -----------------------------------------------------------------------------
    st.header("Re-presentations, retention, waiting times and criminal-justice referrals")
    picked = st.selectbox("Measure", OTHER_OUTCOMES, format_func=lambda o: outcomes.OUTCOMES[o].label,
                          key="treatment_outcome")
    spec = outcomes.OUTCOMES[picked]
    other = outcomes.outcome_table(annual, picked, level=level, years=[year], substances=[substance],
                                   areas=area_list, total_label=total)
    if other["numerator"].isna().all() or other["denominator"].isna().all():
        st.info(f"{spec.label}: not in the data loaded for {year}.")
    else:
        other_hidden = outcomes.suppress_outcomes(other, total_label=total)
        plot = other_hidden.numbers().assign(vs_england=outcomes.comparison_words(other, other_hidden))
        chart_with_downloads(
            charts.interval_chart(plot, value_title=spec.label, numerator_title=spec.numerator_label,
                                  denominator_title=spec.denominator_label),
            other_hidden.text().assign(vs_england=outcomes.comparison_words(other, other_hidden)),
            ChartMeta(f"{spec.label}, {label.lower()}, {year}: share of {spec.denominator_label.lower()}",
                      period=year, filters=where, demo=data.is_demo, source=data.source,
                      method="Wilson 95% intervals; dashed tick = England"),
            key="treatment_other", name=f"{picked}-{substance}-{year}-{level}")
        shown = percent_table(other_hidden, {"numerator": spec.numerator_label, "denominator": spec.denominator_label,
                                             "rate": "Share", "ci_low": "95% CI from", "ci_high": "95% CI to",
                                             "england_rate": "England"})
        shown["Compared with England"] = outcomes.comparison_words(other, other_hidden).to_numpy()
        shown["Substance"] = shown["Substance"].map(SUBSTANCE_LABELS)
        st.dataframe(shown, hide_index=True, width="stretch")
        table_downloads(other_hidden.text().assign(vs_england=outcomes.comparison_words(other, other_hidden)),
                        f"{picked}-{substance}-{year}-{level}")
        polarity = {True: "higher is better", False: "lower is better", None: "neither higher nor lower is better"}
        expectation = (" The expectation is that nobody waits more than 3 weeks for a first intervention."
                       if picked == "waiting" else "")
        st.caption(f"{spec.label}: {spec.numerator_label.lower()} / {spec.denominator_label.lower()} "
                   f"({polarity[spec.higher_is_better]}).{expectation}")

# --- unmet need -----------------------------------------------------------------------------------
st.header("Unmet need")
if not data.has_prevalence():
    st.info("No prevalence estimates in the data loaded. Add OHID Fingertips indicator 93517 (opiate and/or crack "
            "users not in treatment) to see unmet need.")
else:
    prevalence_levels = [lv for lv in ("la", "csp") if lv in set(data.prevalence["level"])]
    need_level = (st.session_state.get("treatment_level") if st.session_state.get("treatment_level")
                  in prevalence_levels else prevalence_levels[0])
    need_years = sorted(data.prevalence.loc[data.prevalence["level"] == need_level, "year"].unique(), reverse=True)
    need_year = st.selectbox("Year of the prevalence estimate", need_years, key="treatment_need_year")
    need_table = need.unmet_need(data, level=need_level, years=[need_year])
    need_hidden = need.suppress_need(need_table)
    need_numbers = need_hidden.numbers()
    chart_with_downloads(charts.unmet_need_bars(need_numbers), need.need_output(need_table),
                         ChartMeta(f"Opiate and/or crack users: in treatment and not in treatment, {need_year}",
                                   period=need_year, demo=data.is_demo, source=data.source, method=need.METHOD_NOTE),
                         key="treatment_need", name=f"unmet-need-ocu-{need_year}-{need_level}")
    share_plot = need_numbers.rename(columns={"share_not_in_treatment": "rate", "share_low": "ci_low",
                                            "share_high": "ci_high", "england_share": "england_rate",
                                            "unmet_need": "numerator", "prevalence": "denominator"})
    chart_with_downloads(charts.interval_chart(share_plot, value_title="Not in treatment",
                                               numerator_title="Not in treatment", denominator_title="Estimated users"),
                         need.need_output(need_table),
                         ChartMeta(f"Share of opiate and/or crack users not in treatment, {need_year}",
                                   period=need_year, demo=data.is_demo, source=data.source,
                                   method="95% interval of the prevalence estimate; dashed tick = England; lower is "
                                          "better"),
                         key="treatment_need_share", name=f"share-not-in-treatment-ocu-{need_year}-{need_level}")
    need_shown = need_hidden.text(thousands=True, rate_format="{:.1%}")
    need_shown["england_share"] = [f"{v:.1%}" if pd.notna(v) else "" for v in need_table["england_share"]]
    for column in ("prevalence", "prevalence_low", "prevalence_high"):
        need_shown[column] = [f"{v:,.0f}" if pd.notna(v) else "" for v in need_table[column]]
    need_shown["unmet_need"] = [v if hidden else f"{n:,.0f}" for v, n, hidden in zip(
        need_shown["unmet_need"], need_table["unmet_need"], need_hidden.mask["unmet_need"])]
    need_shown["england_share"] = need_shown["england_share"].replace("", "n/a")
    st.dataframe(need_shown.rename(columns={
        "area": "Area", "year": "Year", "prevalence": "Estimated users (OCU)", "prevalence_low": "Estimate from",
        "prevalence_high": "Estimate to", "in_treatment": "In treatment", "unmet_need": "Not in treatment",
        "share_not_in_treatment": "Share not in treatment", "share_low": "95% CI from", "share_high": "95% CI to",
        "england_share": "England", "vs_england": "Compared with England"}), hide_index=True, width="stretch")
    table_downloads(need.need_output(need_table), f"unmet-need-ocu-{need_year}-{need_level}")
    st.caption(need.METHOD_NOTE)

    st.subheader("Cost to society of problem drug use")
    factor = st.number_input("Inflation factor from 2003/04 prices (1.00 = 2003/04 prices)", min_value=0.1,
                             max_value=10.0, value=1.0, step=0.05, format="%.2f", key="treatment_inflation")
    total_prevalence = float(need_table["prevalence"].sum())
    cost = need.cost_to_society(need_table["prevalence"], factor).assign(area=need_table["area"].to_numpy(),
                                                                        year=need_year)
    cost = cost[["area", "year", "prevalence", "cost_2003_04", "inflation_factor", "cost"]]
    st.metric(f"Estimated cost a year, areas shown ({need.COST_PRICE_BASE}"
              f"{'' if factor == 1 else f' x {factor:g}'})", f"£{cost['cost'].sum() / 1e6:,.1f} million")
    st.caption(need.cost_note(total_prevalence, factor) + f" Source: {need.COST_SOURCE}. The price base is 2003/04 "
               "unless you give a factor; the estimate counts crime, health and social costs of problem drug use.")
    st.dataframe(cost, hide_index=True, width="stretch",
                 column_config={"cost_2003_04": st.column_config.NumberColumn("Cost (£, 2003/04 prices)", format="localized"),
                                "cost": st.column_config.NumberColumn("Cost (£, your price base)", format="localized")})
    table_downloads(cost, f"cost-to-society-{need_year}-{need_level}")
