"""Overview: what is loaded, counts and rates by area and year, the monthly trend, a map."""

import streamlit as st

from harm.geo.levels import LEVEL_LABELS
from harm.overview import area_totals, area_year_table, dataset_summary, monthly_trend
from harm.ui.context import cached, current, demo_banner, escape_markdown
from harm.charts import ChartMeta
from harm.ui.exports import chart_with_downloads, table_downloads
from harm.ui.area_map import area_choropleth

ctx = current()
st.title("Overview")
demo_banner(ctx)

summary = cached(ctx, "summary", dataset_summary)
shown = ctx.incidents
level_label = LEVEL_LABELS[ctx.filters.area_level]

st.subheader("What is loaded")
c1, c2, c3, c4 = st.columns([1, 1.3, 1, 1])
c1.metric("Records in the data set", f"{summary['rows']:,}")
c2.metric("Period covered", f"{summary['first_month']} – {summary['last_month']}")
c3.metric(f"Areas ({level_label})", f"{len(ctx.area_set.names)}")
c4.metric("Records shown with the filters", f"{len(shown):,}")
precision = ", ".join(f"{n:,} to the {p}" for p, n in sorted(summary["precision"].items()))
st.caption(f"Date precision: {precision}. Records without a location: {summary['no_location']:,}. "
           f"Filters: {escape_markdown(ctx.filters.describe())}.")

st.subheader(f"Incidents by {level_label.lower()}")
measure = st.radio("Colour the map by", ["Count", "Rate per 1,000 residents"], horizontal=True,
                   key="overview_map_measure")
totals = area_totals(shown, ctx.area_labels, ctx.area_set, ctx.filters.areas)
map_col, table_col = st.columns([3, 2])
with map_col:
    value = "rate_per_1000" if measure.startswith("Rate") else "count"
    period = f"{ctx.filters.first_month} to {ctx.filters.last_month}"
    area_choropleth(ctx.area_set, totals, value, key="overview_map", title=f"{measure}, {period}",
                    meta=ChartMeta(f"Incidents by {level_label.lower()}: {measure.lower()}", period=period,
                                   filters=ctx.filters.describe(), demo=ctx.is_demo,
                                   source="" if ctx.is_demo else ctx.source_note,
                                   method="2011 census residents" if value == "rate_per_1000" else ""),
                    name=f"incidents-{'rate' if value == 'rate_per_1000' else 'count'}-map-"
                         f"{ctx.filters.first_month}-{ctx.filters.last_month}-{ctx.filters.area_level}")
with table_col:
    st.dataframe(totals.dropna(subset=["count"]).drop(columns=["code"]).sort_values("area"),
                 hide_index=True, width="stretch",
                 column_config={"area": st.column_config.TextColumn("Area"),
                                "rate_per_1000": st.column_config.NumberColumn("Rate per 1,000", format="%.1f"),
                                "count": st.column_config.NumberColumn("Incidents", format="localized"),
                                "population": st.column_config.NumberColumn("Residents (2011)", format="localized")})
    table_downloads(totals, f"incidents-{ctx.filters.first_month}-{ctx.filters.last_month}-{ctx.filters.area_level}")
    st.caption("Population: 2011 census usual residents. Areas are assigned by point in polygon.")

st.subheader("By financial year")
by_year = area_year_table(shown, ctx.area_labels, ctx.area_set)
value = "rate_per_1000" if measure.startswith("Rate") and "rate_per_1000" in by_year else "count"
pivot = by_year.pivot(index="area", columns="fy", values=value).reset_index()
st.dataframe(pivot.rename(columns={"area": "Area"}), hide_index=True, width="stretch")
st.caption("Incidents" if value == "count" else "Rate per 1,000 residents (2011 census)")
table_downloads(by_year, f"incidents-by-year-{ctx.filters.area_level}")

st.subheader("Monthly trend")
import altair as alt  # noqa: E402 - here, after the map is on its way to the browser (~0.3 s)

trend = monthly_trend(shown, ctx.area_labels)
chart = (alt.Chart(trend).mark_line()
         .encode(x=alt.X("month:T", title="Month"), y=alt.Y("count:Q", title="Incidents"),
                 color=alt.Color("area:N", title=level_label),
                 tooltip=[alt.Tooltip("area:N"), alt.Tooltip("month:T", format="%b %Y"), "count:Q"])
         .properties(height=360, width=900))
meta = ChartMeta(f"Incidents per month by {level_label.lower()}",
                 period=f"{ctx.filters.first_month} to {ctx.filters.last_month}",
                 filters=ctx.filters.describe(), demo=ctx.is_demo)
chart_with_downloads(chart, trend, meta, key="overview_trend",
                     name=f"incidents-per-month-{ctx.filters.first_month}-{ctx.filters.last_month}-{ctx.filters.area_level}")
