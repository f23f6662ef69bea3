"""Drug- and alcohol-harm dashboard for community-safety analysts: ``streamlit run app.py``."""

import streamlit as st

from harm.ui.context import sidebar

st.set_page_config(page_title="Harm dashboard", page_icon="🗺️", layout="wide")

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon="📊", url_path="overview", default=True),
    st.Page("pages/hotspots.py", title="Hotspots", icon="🔥", url_path="hotspots"),
    st.Page("pages/performance.py", title="Performance", icon="📈", url_path="performance"),
    st.Page("pages/drugs.py", title="Drugs", icon="💊", url_path="drugs"), st.Page("pages/treatment.py", title="Treatment", icon="🩺", url_path="treatment"),
    st.Page("pages/commissioning.py", title="Commissioning", icon="💷", url_path="commissioning"),
    st.Page("pages/briefing.py", title="Briefing", icon="🎞️", url_path="briefing"),
    st.Page("pages/data.py", title="Data", icon="🗂️", url_path="data"),
]

# The shared sidebar is drawn after st.navigation() and before the page runs: every page
# reads the context it builds. (Widgets created before st.navigation() lose their value
# on the next rerun when page files live in pages/ — Streamlit 1.67.)
navigation = st.navigation(PAGES)
sidebar()
navigation.run()
