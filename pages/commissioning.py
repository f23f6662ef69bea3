"""Commissioning: what is spent on drug and alcohol services, by whom, and against what outcomes (METHODS.md §7)."""

import hashlib

import pandas as pd
import streamlit as st

from harm.charts import ChartMeta
from harm.errors import HarmInputError
from harm.spend import charts, demo, framework, funnel, outcomes, reader, roi
from harm.spend import table as spend_table
from harm.spend.geography import LEVEL_LABELS, POPULATION_NOTE, area_names
from harm.spend.treatment_link import treatment_counts
from harm.treatment import stored_treatment_names
from harm.ui.context import cached, current, demo_banner, escape_markdown
from harm.ui.data_sources import (DEMO, FILES, STORED, demo_treatment, read_stored, source_radio, stored_key,
                                  stored_select, treatment_uploads)
from harm.ui.exports import chart_with_downloads, table_downloads

SPEND_DEMO_SOURCE = "Synthetic spend calibrated to West Mercia PCC and Worcestershire papers (FACTS.md)"
SPLITS = {"funder": "Funder", "programme": "Programme", "area": "Area", "category": "Category"}
RATIO_CHOICES = {"spend_per_head": "Spend per head", "spend_per_person_in_treatment": "Spend per person in treatment",
                 "cost_per_completion": "Spend per successful completion"}


@st.cache_data(show_spinner=False, max_entries=1)
def demo_spend_data():
    return demo.demo_spend(), demo.demo_phg_allocations()


@st.cache_data(show_spinner="Reading the spend table…", max_entries=16)
def read_spend_upload(name: str, digest: str, raw: bytes):
    return reader.read_spend_file(name, raw=raw, name=name)


@st.cache_data(show_spinner=False, max_entries=16)
def read_allocation_upload(name: str, digest: str, raw: bytes):
    return reader.read_allocation_file(name, raw=raw, name=name)


@st.cache_data(show_spinner=False, max_entries=8)
def counts_for(level: str, treatment_key: str, _treatment):
    return treatment_counts(_treatment, level)


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def money(value: float) -> str:
    return f"£{value:,.0f}"


ctx = current()
st.title("Commissioning")
st.caption("Drug and alcohol spend by funder, programme and area, set against treatment outcomes. Spend and treatment "
           "have their own financial years and areas (public-health local authorities or Community Safety "
           "Partnerships): the sidebar's period and area filters apply to police data, not here.")

# --- data ----------------------------------------------------------------------------------------------
with st.expander("Spend data: demo or your own table", expanded=False):
    stored_names = reader.stored_spend_names()
    source = source_radio("Spend table", {DEMO: "Demo spend (synthetic)",
                                          STORED: "A spend data set imported on the Data page",
                                          FILES: "My spend table (CSV or XLSX)"},
                          key="spend_source", stored_names=stored_names)
    stored_name = stored_select("Spend data set", stored_names, key="spend_stored_name") if source == STORED else None
    st.markdown("One row per funding line and financial year: **year, area, funder, programme, category, amount** "
                "(required) and provider, contract_start, contract_end, outcome, note. Write `TBC` as the amount "
                "of a line still to be confirmed.")
    t1, t2, _ = st.columns([1, 1, 4])
    t1.download_button("⬇ Template (CSV)", reader.template_csv, "spend-table-template.csv", "text/csv",
                       key="spend_template_csv", on_click="ignore")
    t2.download_button("⬇ Template (XLSX, with notes)", reader.template_xlsx, "spend-table-template.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key="spend_template_xlsx", on_click="ignore")
    upload = allocation_upload = None
    if source == FILES:
        upload = st.file_uploader("Spend table", type=["csv", "xlsx"], key="spend_file")
    if source in (FILES, STORED):
        allocation_upload = st.file_uploader(
            "Public Health Grant received (optional): columns year, area, allocation", type=["csv", "xlsx"],
            key="spend_allocation_file")
    treatment_names = stored_treatment_names()
    treatment_source = source_radio("Treatment data (numbers in treatment, completions)",
                                    {DEMO: "Demo treatment data (synthetic)",
                                     STORED: "A treatment data set imported on the Data page",
                                     FILES: "Files from OHID Fingertips / NDTMS ViewIt"},
                                    key="spend_treatment_source", stored_names=treatment_names)
    treatment_stored = (stored_select("Treatment data set", treatment_names, key="spend_treatment_stored_name")
                        if treatment_source == STORED else None)
    treatment_files = []
    if treatment_source == FILES:
        treatment_files = st.file_uploader("Treatment files (CSV)", type=["csv"], accept_multiple_files=True,
                                           key="spend_treatment_files") or []

if source in (FILES, STORED):
    if source == FILES and upload is None:
        st.info("Choose your spend table above (start from the template). Nothing leaves this computer.")
        st.stop()
    try:
        if source == FILES:
            raw = upload.getvalue()
            loaded, loaded_name = read_spend_upload(upload.name, digest(raw), raw), upload.name
        else:
            loaded, loaded_name = read_stored("spend", stored_name), stored_name
    except HarmInputError as exc:
        st.error(escape_markdown(str(exc)))
        st.stop()
    st.success(f"**{escape_markdown(loaded_name)}:** {loaded.summary()}.")
    for note in loaded.notes:
        st.caption(escape_markdown(note))
    if len(loaded.rejects):
        st.warning(f"{len(loaded.rejects)} row(s) were not loaded. Each is listed with its reason below.")
        st.dataframe(loaded.rejects, hide_index=True, width="stretch", key="spend_rejects_table")
        table_downloads(loaded.rejects, "spend-import-rejects", key="spend_rejects")
    if loaded.loaded == 0:
        st.error("No spend row could be loaded: correct the rows listed above and load the file again.")
        st.stop()
    spend = loaded.frame
    allocations = None
    if allocation_upload is not None:
        raw_alloc = allocation_upload.getvalue()
        try:
            alloc_result = read_allocation_upload(allocation_upload.name, digest(raw_alloc), raw_alloc)
            allocations = alloc_result.frame
            if len(alloc_result.rejects):
                st.warning(f"{len(alloc_result.rejects)} allocation row(s) were not loaded.")
                st.dataframe(alloc_result.rejects, hide_index=True, width="stretch")
                table_downloads(alloc_result.rejects, "phg-allocation-import-rejects", key="spend_alloc_rejects")
        except HarmInputError as exc:
            st.error(escape_markdown(str(exc)))
    spend_is_demo, spend_source = False, f"Spend: {loaded_name}"
else:
    spend, allocations = demo_spend_data()
    spend_is_demo, spend_source = True, SPEND_DEMO_SOURCE

if treatment_source == FILES and treatment_files:
    treatment = treatment_uploads(treatment_files)
    treatment = demo_treatment() if treatment is None else treatment
    treatment_key = "|".join(digest(f.getvalue()) for f in treatment_files)
elif treatment_source == STORED:
    try:
        treatment, treatment_key = read_stored("treatment", treatment_stored), stored_key("treatment", treatment_stored)
    except HarmInputError as exc:
        st.error(escape_markdown(str(exc)) + " The demo treatment data are used instead.")
        treatment, treatment_key = demo_treatment(), "demo"
else:
    treatment, treatment_key = demo_treatment(), "demo"
if spend_is_demo or treatment.is_demo:
    demo_banner(ctx)
    st.caption(f"⚠ Spend: {'demo (synthetic)' if spend_is_demo else 'your table'}. "
               f"Treatment: {'demo (synthetic)' if treatment.is_demo else 'your files'}.")
is_demo = spend_is_demo or treatment.is_demo
source_text = f"{spend_source}; treatment: {treatment.source}"

c1, c2, _ = st.columns([1.4, 1, 2])
level = c1.selectbox("Areas", list(LEVEL_LABELS), key="spend_level", format_func=LEVEL_LABELS.get)
counts = counts_for(level, treatment_key, treatment)
years = sorted(spend["year"].unique())
common = [y for y in years if y in set(counts["year"])]
year = c2.selectbox("Financial year", years, index=years.index((common or years)[-1]), key="spend_year")
level_label = LEVEL_LABELS[level]

# --- spend over time ------------------------------------------------------------------------------------
st.header("Spend over time")
s1, s2 = st.columns([2, 2])
split = s1.radio("Split by", list(SPLITS), horizontal=True, key="spend_split", format_func=SPLITS.get)
scope = s2.radio("Spend", ["drug and alcohol", "all"], horizontal=True, key="spend_scope",
                 format_func={"drug and alcohol": "Drug and alcohol only", "all": "All lines (incl. domestic abuse, "
                              "community safety)"}.get)
chosen = outcomes.select_categories(spend) if scope == "drug and alcohol" else spend
by_year = outcomes.spend_by(chosen, ["year", split], level if split == "area" else None)
scope_text = "drug and alcohol categories" if scope == "drug and alcohol" else "all spend lines"
chart_with_downloads(
    charts.spend_over_time(by_year, split, by_title=SPLITS[split]), by_year,
    ChartMeta(f"Spend by {SPLITS[split].lower()} and financial year", period=f"{years[0]} to {years[-1]}",
              filters=f"{scope_text}; confirmed amounts only"
                      + (f"; areas: {level_label}, wider-area spend split by population" if split == "area" else ""),
              source=source_text, demo=is_demo),
    name=f"spend-by-{split}-{years[0]}-{years[-1]}-{'drug-alcohol' if scope != 'all' else 'all'}",
    key="spend_over_time")
tbc = outcomes.tbc_lines(chosen)
if len(tbc):
    st.caption(f"{len(tbc)} line(s) with the amount **to be confirmed** are left out of the totals: "
               + "; ".join(escape_markdown(f"{r.year} {r.area} {r.programme}") for r in tbc.itertuples()) + ".")

# --- Public Health Grant share ---------------------------------------------------------------------------
st.header("Public Health Grant spent on drug and alcohol")
if allocations is None or len(allocations) == 0:
    st.info("Load the Public Health Grant received by each authority (year, area, allocation) with your spend "
            "table to see the share spent on drug and alcohol.")
else:
    shares = framework.phg_shares(spend, allocations)
    published = framework.published_phg_shares() if spend_is_demo else None
    chart_with_downloads(
        charts.phg_share_chart(shares, published), shares,
        ChartMeta("Share of the Public Health Grant spent on drug and alcohol, by authority",
                  period=f"{shares['year'].min()} to {shares['year'].max()}",
                  method="PHG-funded spend in the drug and alcohol categories ÷ PHG received"
                         + ("; ◇ = share published for 2018/19" if published is not None else ""),
                  source=source_text, demo=is_demo),
        name=f"phg-share-drug-alcohol-by-authority-{shares['year'].min()}-{shares['year'].max()}",
        key="spend_phg_share")
    year_shares = shares[shares["year"] == year].copy()
    if published is not None:
        year_shares = year_shares.merge(published[["year", "area", "label"]].rename(columns={"label": "published"}),
                                        on=["year", "area"], how="left")
        if year_shares["published"].isna().all():
            year_shares = year_shares.drop(columns="published")
        else:
            year_shares["published"] = year_shares["published"].fillna("")
    st.dataframe(year_shares, hide_index=True, width="stretch", key="spend_phg_table",
                 column_config={"year": "Year", "area": "Local authority","allocation": st.column_config.NumberColumn("Grant received (£)", format="localized"),
                                "drug_alcohol_spend": st.column_config.NumberColumn("Drug and alcohol (£)",
                                                                                    format="localized"),
                                "share": st.column_config.NumberColumn("Share", format="percent"),
                                "published": st.column_config.TextColumn("Published share")})
    table_downloads(year_shares, f"phg-share-drug-alcohol-{year}", key="spend_phg")
    if spend_is_demo:
        st.caption("Published 2018/19 shares (West Mercia drugs strategy, 2019): Herefordshire 18%, Shropshire 28.5%, "
                   "Telford and Wrekin 18.5%, Worcestershire 14% (£3,984,000 of £29,129,000 = 13.7%). "
                   "Warwickshire's figures and all other years are synthetic.")

# --- PCC framework and contracts ------------------------------------------------------------------------
st.header("PCC commissioning framework 2019–21")
totals = framework.framework_totals()
f1, f2, f3 = st.columns(3)
f1.metric("Ring-fenced budget (published)", money(totals["published_total"]))
f2.metric("Sum of the lines with an amount", money(totals["lines_total"]),
          delta=f"{money(totals['difference'])} more than the budget", delta_color="off")
f3.metric("Lines to be confirmed", f"{totals['lines_to_be_confirmed']} of {totals['lines']}")
pcc = framework.pcc_framework()
st.dataframe(pcc.drop(columns="amount"), hide_index=True, width="stretch", key="spend_framework_table",
             column_config={"resources": "Resources", "category": "Category", "activity": "Activity",
                            "provider": "Provider(s)", "area": "Area", "contract_end": "Contract end",
                            "output": "Output"})
table_downloads(pcc, "pcc-substance-misuse-framework-2019-21", key="spend_framework")
st.caption(f"Source: {framework.FRAMEWORK_SOURCE}. The paper states a budget of £371,377 \"plus investment for "
           "three future projects\"; its lines with amounts add up to £381,377. Both are shown as published. "
           "\"TBC\" lines have no amount yet and are left out of every total.")

st.subheader("Contracts and when they end")
a1, a2, _ = st.columns([1, 1.3, 2])
as_of = a1.date_input("As of", value=framework.default_as_of(spend).date(), key="spend_as_of", format="DD/MM/YYYY")
include_ended = a2.checkbox("Show ended contracts too", value=False, key="spend_show_ended")
contract_table = framework.contracts(spend, as_of)
in_view = framework.contracts_in_view(contract_table, include_ended)
ending = contract_table[contract_table["status"] == "ends within 12 months"]
st.metric(f"Contracts ending within 12 months of {pd.Timestamp(as_of):%d %b %Y}", f"{len(ending)}",
          help="End date on or after the as-of date and before the same date a year later.")
if len(in_view):
    chart_with_downloads(
        charts.contract_timeline(in_view, as_of), in_view,
        ChartMeta(f"Contract timeline as of {pd.Timestamp(as_of):%d %B %Y}",
                  filters="running or ending in the next 12 months, or no end date" + ("; and ended" if include_ended
                                                                                       else ""),
                  method="red = ends within 12 months of the as-of date", source=source_text, demo=is_demo),
        name=f"contract-timeline-as-of-{pd.Timestamp(as_of):%Y-%m-%d}", key="spend_contract_timeline")
else:
    st.info("No contract runs at this date: choose another as-of date or show ended contracts.")
st.markdown(f"**Ending within 12 months of {pd.Timestamp(as_of):%d %b %Y}**")
st.dataframe(ending, hide_index=True, width="stretch", key="spend_ending_table",
             column_config={"area": "Area", "funder": "Funder", "programme": "Programme", "provider": "Provider",
                            "category": "Category", "years": "Years", "status": "Status",
                            "amount_to_be_confirmed": "Amount to be confirmed", "days_to_end": "Days to end",
                            "amount": st.column_config.NumberColumn("Amount over its years (£)", format="localized"),
                            "start": st.column_config.DateColumn("Start", format="DD/MM/YYYY"),
                            "end": st.column_config.DateColumn("End", format="DD/MM/YYYY")})
table_downloads(ending, f"contracts-ending-within-12-months-of-{pd.Timestamp(as_of):%Y-%m-%d}", key="spend_ending")

# --- spend against outcomes -----------------------------------------------------------------------------
st.header(f"Spend against outcomes, {year}")
st.warning(f"**Caution.** {outcomes.CAUTION}", icon=":material/warning:")
against = outcomes.spend_against_outcomes(spend, counts, level, year)
ratio = st.radio("Show", list(RATIO_CHOICES), horizontal=True, key="spend_ratio", format_func=RATIO_CHOICES.get)
if against[ratio].notna().any():
    chart_with_downloads(
        charts.ratio_bars(against, ratio), outcomes.outcomes_output(against),
        ChartMeta(f"{RATIO_CHOICES[ratio]} on drug and alcohol, by {level_label.lower()}, {year}", period=year,
                  method="one year's spend ÷ one year's count; ignores case mix and time lags. Population: "
                         + POPULATION_NOTE, source=source_text, demo=is_demo),
        name=f"{ratio.replace('_', '-')}-drug-alcohol-{year}-{level}", key="spend_ratio_chart")
else:
    st.info(f"No area has a {RATIO_CHOICES[ratio].lower()} for {year}: see the notes in the table.")
shown_table = outcomes.outcomes_output(against)
whole_pounds = ["spend", "cost_per_completion", "spend_per_person_in_treatment", "spend_apportioned"]
st.dataframe(shown_table.round({c: 0 for c in whole_pounds}), hide_index=True, width="stretch",
             key="spend_outcomes_table",
             column_config={"area": "Area", "year": "Year", "in_treatment": "People in treatment",
                            "completions": "Successful completions", "note": "Note",
                            "spend": st.column_config.NumberColumn("Spend (£)", format="localized"),
                            "population": st.column_config.NumberColumn("Population", format="localized"),
                            "spend_per_head": st.column_config.NumberColumn("Per head (£)", format="%.2f"),
                            "cost_per_completion": st.column_config.NumberColumn("Per completion (£)",
                                                                                 format="localized"),
                            "spend_per_person_in_treatment": st.column_config.NumberColumn(
                                "Per person in treatment (£)", format="localized"),
                            "spend_apportioned": st.column_config.NumberColumn("Of which apportioned (£)",
                                                                               format="localized")})
table_downloads(shown_table, f"spend-against-outcomes-{year}-{level}", key="spend_outcomes")
st.caption(f"Spend: confirmed amounts in the drug and alcohol categories ({', '.join(spend_table.DRUG_AND_ALCOHOL)}). "
           "Spend recorded for a wider area (a county, the force) is split by population: 'Of which apportioned'. "
           f"Population: {POPULATION_NOTE}. Counts of 1–4 are shown as <5 and the ratios built on them are blank.")

# --- funnel plot ----------------------------------------------------------------------------------------
st.subheader(f"Successful completions against numbers in treatment, {year}")
method = st.radio("Limits", list(funnel.METHODS), horizontal=True, key="spend_funnel_method",
                  format_func={"normal": "Normal approximation (PHE Fingertips)", "exact": "Exact binomial"}.get)
year_counts = counts[counts["year"] == year]
try:
    points = funnel.funnel_points(year_counts, method=method)
except HarmInputError as exc:
    st.info(escape_markdown(str(exc)))
else:
    curves = funnel.funnel_curves(points["pooled_rate"].iloc[0], points["in_treatment"].max(), method)
    note = funnel.method_note(method, points["pooled_rate"].iloc[0], len(points))
    chart_with_downloads(
        charts.funnel_plot(points, curves), points,
        ChartMeta(f"Funnel plot: successful completion rate by {level_label.lower()}, {year}", period=year,
                  method=note, source=f"treatment: {treatment.source}", demo=treatment.is_demo),
        name=f"funnel-completion-rate-{year}-{level}-{method}", key="spend_funnel")
    st.caption(note + " Successful completion: left free of dependence and did not re-present within 6 months.")
    st.dataframe(points, hide_index=True, width="stretch", key="spend_funnel_table",
                 column_config={c: st.column_config.NumberColumn(format="percent")
                                for c in ["rate", "pooled_rate", "lower_998", "lower_95", "upper_95", "upper_998"]})
    table_downloads(points, f"funnel-completion-rate-{year}-{level}-{method}", key="spend_funnel_points")
    missing = sorted(set(area_names(level)) - set(points["area"]))
    if missing:
        st.caption("Not plotted (counts suppressed or not reported): " + escape_markdown(", ".join(missing)) + ".")

# --- scatter --------------------------------------------------------------------------------------------
st.subheader("Spend per head against an outcome")
outcome = st.selectbox("Outcome", list(outcomes.OUTCOME_CHOICES), key="spend_outcome",
                       format_func=outcomes.OUTCOME_CHOICES.get)
if outcome == "drug_offences_per_1000":
    values = cached(ctx, f"spend-drug-offences-{level}", lambda inc: outcomes.drug_offence_rates(inc, level))
    values_source = ctx.source_note
else:
    values = counts
    values_source = f"treatment: {treatment.source}"
pairs = outcomes.outcome_against_spend(against, outcome, values)
percent = outcome != "drug_offences_per_1000"
if pairs["value"].notna().any():
    chart_with_downloads(
        charts.outcome_scatter(pairs, outcome_title=outcomes.OUTCOME_CHOICES[outcome], percent=percent), pairs,
        ChartMeta(f"Drug and alcohol spend per head against {outcomes.OUTCOME_CHOICES[outcome].lower()}, {year}",
                  period=year, method="spend ÷ 2011 population; an association, not an effect",
                  source=f"{spend_source}; {values_source}", demo=is_demo or ctx.is_demo),
        name=f"spend-per-head-vs-{outcome.replace('_', '-')}-{year}-{level}", key="spend_scatter")
else:
    st.info(f"No area has this outcome for {year}.")
gaps = pairs[pairs["value"].isna()]["area"].tolist()
if gaps:
    st.caption("No value (hidden by small-number rules or not in the data): " + escape_markdown(", ".join(gaps)) + ".")

# --- return on investment --------------------------------------------------------------------------------
st.header("Return on investment")
r1, r2 = st.columns([1.2, 1])
evidence = r1.radio("Evidence", list(roi.EVIDENCE), key="spend_evidence",
                    format_func=lambda k: roi.EVIDENCE[k].label)
roi_area = r2.selectbox("Area", ["All areas", *area_names(level)], key="spend_roi_area")
basis = roi.roi_basis(spend, year, None if roi_area == "All areas" else roi_area, level)
result = roi.return_on_investment(basis["spend"], evidence)
left, right = st.columns([1, 1.3])
with left:
    st.metric(f"Benefit to society ({result['horizon']})", money(result["benefit"]))
    st.markdown(f"**Arithmetic:** {escape_markdown(result['arithmetic'])}")
    st.caption(f"Spend: {escape_markdown(basis['description'])} ({basis['lines']} line(s)).")
with right:
    st.markdown(f"**Source:** {escape_markdown(result['source'])}")
    st.markdown(f"**Assumption:** {escape_markdown(result['assumption'])}")

st.subheader("What if spend changed? (illustrative)")
w1, w2, _ = st.columns([1, 1, 2])
unit = w1.radio("Change by", ["%", "£"], horizontal=True, key="spend_whatif_unit")
change = w2.number_input("Change", value=10.0 if unit == "%" else 100_000.0, step=5.0 if unit == "%" else 10_000.0,
                         key=f"spend_whatif_change_{'pct' if unit == '%' else 'gbp'}")
try:
    scenario = roi.what_if(basis["spend"], change, unit, evidence)
except HarmInputError as exc:
    st.error(escape_markdown(str(exc)))
else:
    st.warning(f"**Illustrative.** {scenario['caveat']}", icon=":material/warning:")
    st.markdown("\n".join(f"1. {escape_markdown(line)}" for line in scenario["arithmetic"]))
    roi_data = charts.roi_frame(scenario)
    chart_with_downloads(
        charts.roi_bars(roi_data), roi_data,
        ChartMeta(f"What if spend changed by {change:+g}{unit} (illustrative)", period=year,
                  method=f"benefit = spend × {scenario['ratio']:.2f} ({roi.EVIDENCE[evidence].label})",
                  source=f"{spend_source}; ratio: {result['source']}", demo=is_demo),
        name=f"roi-what-if-{evidence}-{year}-{'all-areas' if roi_area == 'All areas' else roi_area}",
        key="spend_whatif_chart")
