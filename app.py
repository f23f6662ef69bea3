"""Drug- and alcohol-harm dashboard for community-safety analysts: ``streamlit run app.py``."""

from pathlib import Path

import streamlit as st

from harm.ui.context import sidebar

# Icons: Material, not emoji (the first emoji loads Streamlit's emoji catalogue, ~0.05 s of
# every start); the favicon a local file (a Material favicon is fetched from fonts.gstatic.com).
st.set_page_config(page_title="Harm dashboard", page_icon=Path(__file__).parent / "static" / "favicon.png",
                   layout="wide")

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", url_path="overview", default=True),
    st.Page("pages/hotspots.py", title="Hotspots", icon=":material/local_fire_department:", url_path="hotspots"),
    st.Page("pages/performance.py", title="Performance", icon=":material/trending_up:", url_path="performance"),
    st.Page("pages/drugs.py", title="Drugs", icon=":material/medication:", url_path="drugs"),
    st.Page("pages/treatment.py", title="Treatment", icon=":material/health_and_safety:", url_path="treatment"),
    st.Page("pages/commissioning.py", title="Commissioning", icon=":material/currency_pound:", url_path="commissioning"),
    st.Page("pages/briefing.py", title="Briefing", icon=":material/slideshow:", url_path="briefing"),
    st.Page("pages/data.py", title="Data", icon=":material/folder_open:", url_path="data"),
]

# The shared sidebar is drawn after st.navigation() and before the page runs: every page
# reads the context it builds. (Widgets created before st.navigation() lose their value
# on the next rerun when page files live in pages/ — Streamlit 1.67.)
navigation = st.navigation(PAGES)
sidebar()
navigation.run()
