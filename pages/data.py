"""Data: import your own incidents and boundaries, see every row accounted for, keep them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import streamlit as st

from harm import store
from harm.errors import HarmInputError
from harm.io.boundaries import inspect_boundaries
from harm.io.importer import FileInput, import_boundaries, import_incidents, import_table, inspect_incident_file
from harm.io.mapping import FIELDS, PRECISION_CHOICES, MappingProfile, apply_mapping
from harm.io.police_uk import ASB_REASON
from harm.io.rejects import reason_summary
from harm.io.tables import Table, default_sheet, workbook_sheets
from harm.paths import store_dir
from harm.ui.context import CUSTOM_PREFIX, DEMO_DATASET, current, demo_banner, demo_incidents, escape_markdown, \
    use_area_level, use_dataset
from harm.ui.exports import table_downloads

NONE = "(none)"
SUGGESTED = "Suggested from the file's headers"
TABLE_KINDS = {  # kind: (what the files are, the page that uses them, file types)
    "treatment": ("Drug and alcohol treatment: NDTMS ViewIt exports, OHID Fingertips indicator CSVs or the "
                  "dashboard's treatment CSV", "Treatment", ["csv"]),
    "testing": ("Drug testing on arrest: the dashboard's testing CSV", "Drugs", ["csv"]),
    "spend": ("Spend: the spend table, CSV or XLSX (its template is on the Commissioning page)", "Commissioning",
              ["csv", "xlsx"]),
}
PRECISION_LABELS = {"auto": "Work it out from each date (time given: minute; date only: day)",
                    "minute": "minute (date and time)", "day": "day (date only)", "month": "month (month only)"}
ctx = current()
st.title("Data")
demo_banner(ctx)
st.write("Use the dashboard on your own data: monthly **data.police.uk** street-level crime files, extracts "
         "from your force's records system (CSV, XLSX or Parquet, with any column names), and your own "
         "boundary files. Imported data stays on this computer, in the local store "
         f"{escape_markdown(store_dir())} (set by HARM\\_DATA\\_DIR), and survives a restart.")
e = escape_markdown


# --- the report of the last import (kept across the rerun that switches the data set) ---------

def show_report(saved: dict) -> None:
    name = e(saved["dataset"]) if saved["dataset"] else ""
    if saved["kind"] in TABLE_KINDS and saved["dataset"]:
        st.success(f"Imported into the {saved['kind']} data set **{name}**. Choose it on the "
                   f"{TABLE_KINDS[saved['kind']][1]} page.", icon=":material/check_circle:")
    elif saved["kind"] == "boundaries":
        st.success(f"Imported the boundary set **{name}**: {saved['loaded']:,} areas. Every page now uses these "
                   "areas (Area level in the sidebar).", icon=":material/check_circle:")
    elif saved["dataset"]:
        st.success(f"Imported into the data set **{name}**, now in use on every page.", icon=":material/check_circle:")
    else:
        st.warning("Nothing could be loaded, so no data set was created. The rejects below say why.")
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Rows read" if saved["kind"] != "boundaries" else "Features read", f"{saved['rows_read']:,}")
    c2.metric("Loaded", f"{saved['loaded']:,}")
    c3.metric("Rejected", f"{saved['rejected']:,}")
    c4.metric("Duplicates", f"{saved['duplicates']:,}")
    st.markdown("**Reconciliation** — rows read = loaded + rejected + duplicates, for every file:")
    st.dataframe(saved["reconciliation"], hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(c, format="localized")
                                for c in ("rows read", "loaded", "rejected", "duplicates")})
    if saved["notes"]:
        st.markdown("**Notes**\n\n" + "\n".join(f"- {e(n)}" for n in saved["notes"]))
    rejects = saved["rejects"]
    if len(rejects):
        st.markdown(f"**Rows not loaded** ({len(rejects):,}): each with its file, row number, column, value and "
                    "reason. Row numbers count the header as row 1, as a spreadsheet does.")
        st.dataframe(reason_summary(rejects), hide_index=True, width="stretch",
                     column_config={"rows": st.column_config.NumberColumn("rows", format="localized")})
        if (rejects["reason"] == ASB_REASON).any():
            st.caption("Anti-social behaviour records are not crimes and carry no Crime ID: they are listed here, "
                       "not loaded.")
        st.dataframe(rejects.head(1000), hide_index=True, width="stretch", height=35 * (min(len(rejects), 6) + 1) + 3)
        table_downloads(rejects, f"rejects-{saved['dataset'] or 'import'}", key="last-import-rejects")


def keep_report(report) -> None:
    st.session_state["data_last_report"] = {
        "kind": report.kind, "dataset": report.dataset.name if report.dataset else "",
        "rows_read": report.rows_read, "loaded": report.loaded, "rejected": report.rejected,
        "duplicates": report.duplicates, "reconciliation": report.reconciliation(), "notes": report.notes,
        "rejects": report.rejects,
    }


if "data_last_report" in st.session_state:
    with st.container(border=True):
        st.subheader("Last import")
        show_report(st.session_state["data_last_report"])
        if st.button("Close this report", key="data_close_report"):
            del st.session_state["data_last_report"]
            st.rerun()

tab_incidents, tab_boundaries, tab_tables, tab_stored = st.tabs(
    ["Import incidents", "Import boundaries", "Import treatment, testing or spend", "Stored data sets"])


# --- incidents ----------------------------------------------------------------------------------

@st.cache_resource(show_spinner="Looking at the file…", max_entries=8)
def inspect(name: str, file_id: str, sheet: str | None, _data: bytes):  # noqa: ARG001 - the upload's id is the key
    return inspect_incident_file(FileInput(name, _data, sheet))


@st.cache_resource(show_spinner="Listing the workbook's sheets…", max_entries=8)
def sheets_of(name: str, file_id: str, _data: bytes):  # noqa: ARG001
    return workbook_sheets(_data, name)


def sheet_choice(upload, data: bytes) -> str | None:
    """For a workbook with several sheets, which one holds the incidents (None: CSV, Parquet, one sheet)."""
    sheets = sheets_of(upload.name, upload.file_id, data)
    if len(sheets) < 2:
        return None
    names, labels = [s.name for s in sheets], {s.name: s.label for s in sheets}
    return st.selectbox(f"Sheet of {e(upload.name)}", names, index=names.index(default_sheet(sheets) or names[0]),
                        format_func=labels.get, key=f"data_sheet_{upload.file_id}",
                        help="The workbook has several sheets: choose the one with a row per incident.")


def mapping_editor(needs) -> MappingProfile | None:
    """Choose each canonical field's column; returns the profile, or None while it is incomplete."""
    first = needs[0]
    st.markdown(f"**{len(needs)} file(s) need a mapping** (the columns are not data.police.uk's or the "
                "canonical CSV's): say which column holds what. The same mapping is used for every such file.")
    saved = store.list_mappings()
    choice = st.selectbox("Start from", [SUGGESTED, *saved], key="data_mapping_choice",
                          help="A mapping you saved before, or a suggestion from the headers.")
    base = first.suggestion if choice == SUGGESTED else _saved_mapping(choice)
    options = [NONE, *first.columns]
    tag = f"{store.slugify(choice)}-{hashlib.sha1('|'.join(first.columns).encode()).hexdigest()[:8]}"
    columns: dict[str, str] = {}
    grid = st.columns(3)
    for i, (field_name, spec) in enumerate(FIELDS.items()):
        default = base.columns.get(field_name) if base else None
        index = options.index(default) if default in options else 0
        label = spec.label + (" (required)" if spec.required else "")
        picked = grid[i % 3].selectbox(label, options, index=index, key=f"data_map_{tag}_{field_name}",
                                       help=spec.help or None)
        if picked != NONE:
            columns[field_name] = picked
    c1, c2, c3 = st.columns(3)
    day_first = c1.radio("Dates are written", ["day first (25/12/2024)", "month first (12/25/2024)"],
                         index=0 if (base is None or base.day_first) else 1, key=f"data_map_{tag}_dayfirst"
                         ).startswith("day")
    precision = c2.selectbox("Date precision", PRECISION_CHOICES, format_func=PRECISION_LABELS.get,
                             index=PRECISION_CHOICES.index(base.date_precision if base else "auto"),
                             key=f"data_map_{tag}_precision")
    profile_name = c3.text_input("Save this mapping as", value=(base.name if base else Path(first.name).stem),
                                 key=f"data_map_{tag}_name", help="Reuse it next time, or on the command line: "
                                                                  "python -m harm import FILE --mapping NAME")
    groups = _offence_group_editor(first, columns.get("offence_group"), base, tag)
    profile = MappingProfile(profile_name or "my extract", columns, groups, day_first, precision, first.sheet)
    try:
        profile.validate()
        store.check_name(profile.name)
    except HarmInputError as exc:
        st.warning(e(str(exc)))
        return None
    _preview(first, profile)
    return profile


def _saved_mapping(name: str) -> MappingProfile | None:
    try:
        return store.load_mapping(name)
    except HarmInputError as exc:
        st.error(e(str(exc)))
        return None


def _offence_group_editor(first, column: str | None, base: MappingProfile | None, tag: str) -> dict[str, str]:
    if not column or column not in first.sample.columns:
        return {}
    rename = st.toggle("Rename or leave out offence groups", value=bool(base and base.offence_groups),
                       key=f"data_map_{tag}_rename",
                       help="Off: each value of the offence group column is loaded as it is. On: say what each "
                            "value becomes; a blank leaves that value out (its rows are listed as rejects), and "
                            "values this list does not know are rejected too.")
    if not rename:
        return {}
    counts = first.table.frame[column].str.strip().value_counts()
    known = base.offence_groups if base else {}
    frame = pd.DataFrame({"value in the file": counts.index.astype("str"), "rows": counts.to_numpy(),
                          "load as": [known.get(v, v) for v in counts.index.astype("str")]})
    edited = st.data_editor(frame, hide_index=True, width="stretch", disabled=["value in the file", "rows"],
                            key=f"data_map_{tag}_{store.slugify(column)}_groups",
                            column_config={"load as": st.column_config.TextColumn(
                                "load as", help="The offence group to load (blank: leave these rows out)")})
    return {str(v): str(g or "").strip() for v, g in zip(edited["value in the file"], edited["load as"])}


def _preview(first, profile: MappingProfile) -> None:
    head = Table(first.name, first.format, first.table.frame.head(200).reset_index(drop=True),
                 first.table.bad.head(200).reset_index(drop=True))
    try:
        result = apply_mapping(head, profile)
    except HarmInputError as exc:
        st.error(e(str(exc)))
        return
    st.caption(f"Preview, first {head.rows:,} rows of {e(first.name)}: {result.loaded:,} would load, "
               f"{result.rejected:,} would be rejected, duplicates: {result.duplicates:,}.")
    if len(result.rejects):
        st.dataframe(result.rejects.head(20), hide_index=True, width="stretch")


with tab_incidents:
    st.markdown("data.police.uk street CSVs are recognised from their header (several months and forces at "
                "once). Anti-social behaviour rows are not crimes: they are listed as rejects, not loaded. "
                "Importing into an existing data set adds the new rows; a crime already in it counts as a "
                "duplicate, so importing the same file twice adds nothing.")
    uploads = st.file_uploader("Incident files", type=["csv", "txt", "xlsx", "parquet"], accept_multiple_files=True,
                               key="data_incident_files",
                               help="data.police.uk street-level CSVs, the canonical incident CSV, or an extract "
                                    "from your records system (CSV, XLSX or Parquet).")
    inspected, usable = [], []
    for upload in uploads or []:
        try:
            inp = FileInput(upload.name, upload.getvalue())
            inp.sheet = sheet_choice(upload, inp.data)
            inspected.append(inspect(inp.name, upload.file_id, inp.sheet, inp.data))
            usable.append(inp)
        except HarmInputError as exc:
            st.error(e(str(exc)), icon=":material/block:")
    if inspected:
        listing = {"file": [i.name for i in inspected], "format": [i.format.upper() for i in inspected]}
        if any(i.sheet for i in inspected):
            listing["sheet"] = [i.sheet or "" for i in inspected]
        st.dataframe(pd.DataFrame({
            **listing, "read as": [i.detected or "force extract: needs a mapping" for i in inspected],
            "rows (about)": [i.rows for i in inspected]}), hide_index=True, width="stretch")
        needs = [i for i in inspected if i.detected is None]
        mapping = mapping_editor(needs) if needs else None
        stored_names = [d.name for d in store.list_datasets("incidents")]
        name = st.text_input("Data set name", key="data_incident_name", placeholder="automatic",
                             help="Leave empty for an automatic name (data.police.uk: the forces). An existing "
                                  "name adds these files to that data set. Stored: "
                                  + (", ".join(stored_names) or "none yet"))
        ready = bool(usable) and (not needs or mapping is not None)
        if st.button("Import", type="primary", disabled=not ready, key="data_import_incidents"):
            bar = st.progress(0.0, "Starting…")
            try:
                report = import_incidents(usable, name.strip() or None, mapping,
                                          progress=lambda f, m: bar.progress(min(max(f, 0.0), 1.0), m[:90]))
                if mapping is not None:
                    store.save_mapping(mapping)
            except HarmInputError as exc:
                bar.empty()
                st.error(e(str(exc)), icon=":material/block:")
            else:
                keep_report(report)
                if report.dataset is not None:
                    use_dataset(report.dataset.slug)
                st.rerun()


# --- boundaries ---------------------------------------------------------------------------------

@st.cache_resource(show_spinner="Reading the boundary file…", max_entries=4)
def inspect_boundary_upload(name: str, file_id: str, _data: bytes):  # noqa: ARG001
    return inspect_boundaries(_data, name)


with tab_boundaries:
    st.markdown("A zipped shapefile, GeoJSON or GeoPackage, in British National Grid (EPSG:27700) or WGS84. "
                "The imported areas replace the built-in ones on every page (Area level in the sidebar; the "
                "built-in levels stay available). Rates per 1,000 residents need populations, which imported "
                "boundaries do not have: pages show counts for them.")
    upload = st.file_uploader("Boundary file", type=["geojson", "json", "gpkg", "zip"], key="data_boundary_file")
    if upload is not None:
        inp = FileInput(upload.name, upload.getvalue())
        try:
            found = inspect_boundary_upload(inp.name, upload.file_id, inp.data)
        except HarmInputError as exc:
            st.error(e(str(exc)), icon=":material/block:")
            found = None
        if found is not None:
            crs = found.crs or "none given: it will be worked out from the coordinates"
            st.caption(f"{found.format}{', layer ' + e(found.layer) if found.layer else ''}: {found.features:,} "
                       f"features; coordinate reference system: {e(crs)}.")
            c1, c2, c3 = st.columns(3)
            name_field = c1.selectbox("Field that names each area", found.fields,
                                      index=found.fields.index(found.name_field), key="data_boundary_name_field")
            codes = [NONE, *found.fields]
            code_field = c2.selectbox("Field with each area's code (optional)", codes,
                                      index=codes.index(found.code_field) if found.code_field in codes else 0,
                                      key="data_boundary_code_field")
            set_name = c3.text_input("Name of this boundary set", value=Path(inp.name).stem[:60],
                                     key="data_boundary_set_name")
            st.caption("Examples of that field: " + e(", ".join(found.samples.get(name_field, []))))
            if st.button("Import boundaries", type="primary", key="data_import_boundaries"):
                try:
                    with st.spinner("Reading and repairing the polygons…"):
                        report = import_boundaries(inp, set_name, name_field,
                                                   None if code_field == NONE else code_field)
                except HarmInputError as exc:
                    st.error(e(str(exc)), icon=":material/block:")
                else:
                    keep_report(report)
                    use_area_level(f"{CUSTOM_PREFIX}{report.dataset.slug}")
                    st.rerun()


# --- treatment, drug-testing and spend tables ---------------------------------------------------

with tab_tables:
    st.markdown("Keep treatment, drug-testing and spend tables here to use them again without uploading: the "
                "page named below offers every stored table of its kind by name, and so does the command line "
                "(`--treatment NAME`, `--testing NAME`, `--spend NAME`). Each file is checked by its reader; the "
                "original files are kept as they are. Importing the same file twice adds nothing.")
    kind = st.radio("The files hold", list(TABLE_KINDS), key="data_table_kind",
                    format_func=lambda k: f"{TABLE_KINDS[k][0]} → {TABLE_KINDS[k][1]} page")
    table_files = st.file_uploader("Files", type=TABLE_KINDS[kind][2], accept_multiple_files=True,
                                   key=f"data_table_files_{kind}")
    stored_tables = [d.name for d in store.list_datasets(kind)]
    table_name = st.text_input("Data set name", key="data_table_name", placeholder="automatic (from the file name)",
                               help="An existing name of the same kind adds these files to it. Stored: "
                                    + (", ".join(stored_tables) or "none yet"))
    if st.button("Import", type="primary", disabled=not table_files, key="data_import_table"):
        try:
            with st.spinner("Checking the files…"):
                report = import_table([FileInput(f.name, f.getvalue()) for f in table_files], kind,
                                      table_name.strip() or None)
        except HarmInputError as exc:
            st.error(e(str(exc)), icon=":material/block:")
        else:
            keep_report(report)
            st.rerun()


# --- what is stored -----------------------------------------------------------------------------

def stored_table(datasets) -> pd.DataFrame:
    in_use = {ctx.dataset_info.slug if ctx.dataset_info else DEMO_DATASET,
              ctx.filters.area_level[len(CUSTOM_PREFIX):] if ctx.filters.area_level.startswith(CUSTOM_PREFIX)
              else ""}
    rows = [{"name": "Demo data (synthetic)", "kind": "incidents", "rows": len(demo_incidents()), "rejected": 0,
             "duplicates": 0, "files": 0, "period": "2010-04 to 2020-03", "imported at": "built in (generated)",
             "in use": DEMO_DATASET in in_use}]
    for d in datasets:
        first, last = d.details.get("first_month"), d.details.get("last_month")
        rows.append({"name": d.name, "kind": d.kind, "rows": d.rows, "rejected": d.rejected,
                     "duplicates": d.duplicates, "files": len(d.sources),
                     "period": f"{first} to {last}" if first else "", "imported at": d.updated_at,
                     "in use": d.slug in in_use})
    return pd.DataFrame(rows)


with tab_stored:
    datasets = store.list_datasets()
    st.dataframe(stored_table(datasets), hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(c, format="localized")
                                for c in ("rows", "rejected", "duplicates", "files")})
    if not datasets:
        st.caption("Nothing imported yet. The demo data is always available.")
    else:
        by_slug = {d.slug: d for d in datasets}
        slug = st.selectbox("Data set", list(by_slug), format_func=lambda s: f"{by_slug[s].name} ({by_slug[s].kind})",
                            key="data_stored_choice")
        info = by_slug[slug]
        c1, c2 = st.columns([1, 3])
        if info.kind in ("incidents", "boundaries") and c1.button("Use this data set", key="data_use_stored"):
            (use_dataset(info.slug) if info.kind == "incidents" else use_area_level(f"{CUSTOM_PREFIX}{info.slug}"))
            st.rerun()
        if info.kind in TABLE_KINDS:
            c1.caption(f"Choose it on the {TABLE_KINDS[info.kind][1]} page.")
        st.markdown(f"**Provenance of {e(info.name)}** ({info.kind}; created {e(info.created_at)}, "
                    f"last import {e(info.updated_at)}):")
        sources = pd.DataFrame(info.sources)
        if len(sources):
            sources = sources.rename(columns={"sha256": "SHA-256", "imported_at": "imported at", "read_as": "read as",
                                              "rows_read": "rows read"})
            st.dataframe(sources, hide_index=True, width="stretch")
        if info.notes:
            st.markdown("\n".join(f"- {e(n)}" for n in info.notes))
        rejects = store.load_rejects(info.name)
        if len(rejects):
            st.markdown(f"**Rows not loaded** ({len(rejects):,}):")
            st.dataframe(reason_summary(rejects), hide_index=True, width="stretch")
            table_downloads(rejects, f"rejects-{info.slug}", key=f"stored-rejects-{info.slug}")
        with st.expander("Delete this data set"):
            sure = st.checkbox(f"Yes, delete '{info.name}' from the store", key=f"data_delete_sure_{info.slug}")
            if st.button("Delete", disabled=not sure, key=f"data_delete_{info.slug}"):
                store.delete_dataset(info.name)
                if ctx.dataset_info is not None and ctx.dataset_info.slug == info.slug:
                    use_dataset(DEMO_DATASET)
                if ctx.filters.area_level == f"{CUSTOM_PREFIX}{info.slug}":
                    use_area_level("csp")
                st.rerun()
    mappings = store.list_mappings()
    if mappings:
        st.markdown("**Saved mappings** (for force extracts; `--mapping NAME` on the command line): "
                    + ", ".join(e(m) for m in mappings))
