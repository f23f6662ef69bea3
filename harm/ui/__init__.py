"""Streamlit-facing helpers: the only part of harm that imports streamlit."""
