"""Drug- and alcohol-harm dashboard for community-safety analysts: ``streamlit run app.py``."""

import streamlit as st

from harm.ui.context import sidebar

st.set_page_config(page_title="Harm dashboard", page_icon="🗺️", layout="wide")

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon="📊", url_path="overview", default=True),
]

# The shared sidebar comes first: every page reads the context it builds.
sidebar()
st.navigation(PAGES).run()
