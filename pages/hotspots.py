"""Hotspots: where and when incidents concentrate — map, day × hour matrix, drill-down, top table."""

import numpy as np
import streamlit as st
from streamlit_folium import st_folium

from harm.charts import ChartMeta
from harm.errors import HarmInputError
from harm.hotspot_charts import (hotspot_geoshape_chart, hotspot_matrix_chart, hotspots_by_hour_chart, monthly_trend_chart,
                                 top_offences_chart)
from harm.problem_profile import (Selection, build_profile, describe_bins, drilldown, hours_table,
                                  profiles_by_hour, ranked, top_hotspots)
from harm.ui import hotspot_page as hp
from harm.ui.area_map import base_map_toggle
from harm.ui.context import area_set, current, demo_banner, escape_markdown
from harm.ui.exports import chart_with_downloads, map_downloads, table_downloads
from harm.ui.hotspot_map import hotspot_map, legend_title

ctx = current()
st.title("Hotspots")
demo_banner(ctx)
st.caption("Where and when incidents concentrate. The sidebar's period, areas, offence groups and "
           "markers apply; choose days, hours, a geography and a statistic below.")

dataset, level, chosen_areas = ctx.dataset, ctx.filters.area_level, tuple(ctx.filters.areas)
index = hp.incident_index(dataset)
month_only = index.month_precision_only_in(ctx.mask)
c = hp.controls(month_only, level, chosen_areas)
for note in c.notes:
    st.warning(note)

matrix_bins = hp.bins_from_selection(
    ((st.session_state.get("hs_matrix") or {}).get("selection") or {}).get("cells"))
notices = st.container()
map_col, side = st.columns([3, 1.25])
with map_col:
    map_slot = st.container()  # the map is drawn here once the numbers are ready
    toggles = st.columns([1.6, 1])
    with toggles[0]:
        tiles = base_map_toggle("hs_map")
    with toggles[1]:
        heat = hp.heat_toggle()
try:
    units = hp.units(dataset, c.geography, level, chosen_areas, c.cell_size)
    weights = hp.time_weights(dataset, c.time_method)
    with map_col:
        clock_hour = None if month_only else hp.hour_slider(Selection.of(c.days, c.hours).window.hours)
    selection = Selection.of(c.days, c.hours, c.time_method, c.measure, c.statistic,
                             matrix_bins=None if month_only else matrix_bins, clock_hour=clock_hour)
    profile = build_profile(ctx.all_incidents, index, weights, units, ctx.mask, selection)
except HarmInputError as exc:
    notices.error(escape_markdown(str(exc)))
    st.stop()

unit_word = "cell" if units.kind == "grid" else units.label
period = f"{ctx.filters.first_month} to {ctx.filters.last_month}"
when = selection.describe_time()
for text in profile.warnings:
    notices.warning(text)
if matrix_bins:
    notices.info(f"The map is filtered to the matrix cells you picked: {describe_bins(matrix_bins)}. "
            "Click them again in the matrix below, or double-click it, to clear.", icon=":material/search:")

clicked = st.session_state.get("hs_unit")
if clicked not in set(units.table["unit"]):
    clicked = None

with map_col:
    boundaries = area_set("csp").areas
    boundaries = boundaries[hp.boundaries_in(level, chosen_areas)]
    m, info = hotspot_map(profile, ctx.all_incidents, boundaries, tiles=tiles, heat=heat,
                          highlight=clicked, notes=(f"{when}.",))
    with map_slot:
        st_folium(m, key="hs_map", height=600, use_container_width=True,
                  returned_objects=["last_active_drawing"], on_change=hp.on_map_click)
    st.caption(f"{escape_markdown(legend_title(profile))}, {period}. Click an area or cell for its drill-down. "
               f"{info.units_drawn:,} {unit_word}s drawn" +
               (f" of {info.units_with_data:,} with incidents or a Gi* class." if info.units_drawn < info.units_with_data else "."))
    map_meta = ChartMeta(f"{legend_title(profile)}", period=period, filters=ctx.filters.describe(),
                         demo=ctx.is_demo, method=when)
    map_downloads(m, lambda: hotspot_geoshape_chart(profile, boundaries), map_meta,
                  name=f"hotspot-map-{c.geography}-{c.statistic}-{period}", key="hs_map")

with side:
    q, conc, summary = profile.quality, profile.concentration, profile.summary
    weighted = selection.time_filtered and selection.time_method == "aoristic"
    st.metric("Incidents shown" + (" (aoristic weights)" if weighted else ""), f"{q.shown:,.0f}",
              help=f"Counted in the {unit_word}s for {when}, of {q.records:,} records that pass the sidebar filters.")
    st.caption(f"of {q.records:,} records in the sidebar filters")
    for row in conc.itertuples():
        st.metric(f"Share in the busiest {row.top_share:.0%} of {unit_word}s",
                  "n/a" if np.isnan(row.share_of_incidents) else f"{row.share_of_incidents:.1%}",
                  help=f"The {row.units:,} busiest of {row.of_units:,} {unit_word}s (empty ones included).")
    st.metric(f"Hot spots ({unit_word}s, Gi*)", f"{summary.hot_units:,}",
              help="Gi* class +1 to +3 after FDR correction")
    if summary.hot_units:
        st.caption(f"holding {summary.share_in_hot_units:.1%} of the incidents shown; "
                   f"{summary.cold_units:,} cold spots")
    st.metric("Windows longer than 24 hours",
              "n/a" if np.isnan(q.longer_than_24h) else f"{q.longer_than_24h:.1%}",
              help="Share of the records with a time of day whose from–to window is over 24 hours: "
                   "their hour is uncertain (aoristic weighting spreads them).")
    st.caption(f"Without a time of day: {q.without_time_of_day:,} · without a location: "
               f"{q.without_location:,}" + (f" · outside the study area: {q.outside_units:,}" if q.outside_units else "")
               + (f" · end before start: {q.end_before_start:,}" if q.end_before_start else ""))
    st.markdown("**Method**")
    st.caption(profile.method_note)

# --- drill-down ----------------------------------------------------------------------------
if clicked is not None:
    detail = drilldown(profile, clicked, index, weights, ctx.mask)
    row = profile.results[profile.results["unit"] == clicked].iloc[0]
    head, close = st.columns([6, 1])
    head.subheader(f"Drill-down: {escape_markdown(detail.name)}")
    close.button("Close", key="hs_close", on_click=lambda: st.session_state.pop("hs_unit", None))
    amount = f"{detail.count:,.1f}" if weighted else f"{detail.count:,.0f}"
    st.caption(f"{amount} incidents in this {unit_word} for {when}, {period}; Gi* z {row['gi_z']:+.2f} "
               f"({str(row['gi_class']).lower()})"
               + (f"; {row['rate_per_1000']:,.1f} per 1,000 residents" if "rate_per_1000" in row and np.isfinite(row["rate_per_1000"]) else "")
               + ". The day × hour profile shows the whole week (grey: outside the days and hours chosen).")
    meta = dict(period=period, filters=ctx.filters.describe(), demo=ctx.is_demo)
    stem = f"{detail.name}-{ctx.filters.first_month}-{ctx.filters.last_month}"
    d1, d2 = st.columns(2)
    with d1:
        chart_with_downloads(hotspot_matrix_chart(detail.day_hour, selectable=False, height=200),
                             detail.day_hour,
                             ChartMeta(f"{detail.name}: day × hour", method=hp.TIME_LABELS[c.time_method], **meta),
                             name=f"day-hour-{stem}", key="hs_drill_matrix")
    with d2:
        chart_with_downloads(monthly_trend_chart(detail.monthly), detail.monthly,
                             ChartMeta(f"{detail.name}: incidents per month", method=when, **meta),
                             name=f"monthly-{stem}", key="hs_drill_monthly")
    d3, d4 = st.columns(2)
    with d3:
        if len(detail.offences):
            chart_with_downloads(top_offences_chart(detail.offences), detail.offences,
                                 ChartMeta(f"{detail.name}: top offences", method=when, **meta),
                                 name=f"offences-{stem}", key="hs_drill_offences")
        else:
            st.info("No incidents here for the days and hours chosen.")
    with d4:
        busiest = detail.day_hour.sort_values("weight", ascending=False).head(5)
        st.markdown("**Busiest hours of the week here**")
        st.dataframe(busiest.assign(hour=[f"{h:02d}:00–{h:02d}:59" for h in busiest["hour"]])[["day", "hour", "weight"]],
                     hide_index=True, width="stretch", column_config={
                         "weight": st.column_config.NumberColumn("Incidents", format="%.1f")})
        table_downloads(detail.day_hour, f"day-hour-{stem}", key="hs_drill_table")

# --- the day x hour matrix -----------------------------------------------------------------
st.subheader("When: day × hour")
if month_only:
    st.info("This data gives the month of each incident only, so there is no day × hour pattern to show.")
else:
    st.caption("Incidents in each hour of the week for the sidebar filters and the time method. "
               "Grey cells are outside the days and hours chosen. **Click cells to filter the map** "
               "(click again to remove; double-click to clear).")
    matrix_meta = ChartMeta(f"Incidents by day and hour ({hp.TIME_LABELS[c.time_method].split(' (')[0].lower()})",
                            period=period, filters=ctx.filters.describe(), demo=ctx.is_demo,
                            method=when)
    chart_with_downloads(hotspot_matrix_chart(profile.matrix, selectable=True),
                         profile.matrix, matrix_meta, name=f"day-hour-{period}-{c.time_method}",
                         key="hs_matrix", selection="cells")

# --- through the night ----------------------------------------------------------------------
window_hours = selection.window.hours
if not month_only and len(window_hours) > 1:
    with st.expander("Hot spots hour by hour through the window (small multiples)"):
        if len(window_hours) > 12:
            st.info("Choose an hour window of 12 hours or fewer (for example the night-time economy "
                    "preset) to see one small map per hour. The slider above the map steps through "
                    "the hours one at a time.")
        elif st.toggle("Draw the small multiples", key="hs_multiples",
                       help="One map per hour of the window, showing the Gi* hot and cold spots only."):
            per_hour = profiles_by_hour(ctx.all_incidents, index, weights, units, ctx.mask, selection)
            chart_with_downloads(
                hotspots_by_hour_chart(per_hour, boundaries),
                hours_table(per_hour),
                ChartMeta(f"Gi* hot and cold spots hour by hour ({unit_word}s)", period=period,
                          filters=ctx.filters.describe(), demo=ctx.is_demo, method=when),
                name=f"hotspots-by-hour-{c.geography}-{period}", key="hs_multiples_chart")

# --- top hot spots -------------------------------------------------------------------------
st.subheader(f"Top {'hot spots' if c.statistic == 'gi' else unit_word + 's by count'}")
top = top_hotspots(profile)
st.dataframe(top, hide_index=True, width="stretch", column_config={
    "count": st.column_config.NumberColumn("Incidents", format="%.1f" if weighted else "%d"),
    "rate_per_1000": st.column_config.NumberColumn("Rate per 1,000", format="%.1f"),
    "gi_z": st.column_config.NumberColumn("Gi* z", format="%+.2f"),
    "gi_class": st.column_config.TextColumn("Gi* class"),
    "share": st.column_config.NumberColumn("Share of incidents shown", format="percent"),
    "locations": st.column_config.NumberColumn("Distinct locations", format="%d"),
})
every = ranked(profile.results, c.statistic).drop(columns=["gi_class"]).reset_index(drop=True)
table_downloads(every, f"hotspots-{c.geography}-{period}-{c.statistic}", key="hs_table")
st.caption(f"The downloads hold every {unit_word} ({len(every):,}), not just the top 20, with "
           "p-values before and after FDR correction.")
