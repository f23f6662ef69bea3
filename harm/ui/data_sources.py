"""The choice of data the Treatment, Commissioning, Drugs and Briefing pages share: the demo data, a
data set imported on the Data page, or files uploaded on the page itself."""

from __future__ import annotations

import hashlib

import streamlit as st

from harm import store
from harm.errors import HarmInputError
from harm.ui.context import escape_markdown

DEMO, STORED, FILES = "demo", "stored", "files"


def source_radio(label: str, labels: dict[str, str], *, key: str, stored_names: list[str],
                 files: bool = True) -> str:
    """DEMO, STORED (offered only when ``stored_names`` has names) or FILES, as a horizontal radio.

    A choice no longer offered (its data set deleted) falls back to the demo data."""
    options = [DEMO, *([STORED] if stored_names else []), *([FILES] if files else [])]
    if st.session_state.get(key) not in options:
        st.session_state.pop(key, None)
    return st.radio(label, options, horizontal=True, key=key, format_func=labels.get)


def stored_select(label: str, names: list[str], *, key: str) -> str:
    """A selectbox of stored data set names; a name no longer stored falls back to the first."""
    if st.session_state.get(key) not in names:
        st.session_state.pop(key, None)
    return st.selectbox(label, names, key=key)


def read_uploads(files, read) -> list:
    """``read(name, sha256, bytes)`` (a cached reader) of each uploaded file; a file that cannot be read
    is reported on the page and left out."""
    parts = []
    for file in files:
        raw = file.getvalue()
        try:
            parts.append(read(file.name, hashlib.sha256(raw).hexdigest(), raw))
        except HarmInputError as exc:
            st.error(escape_markdown(str(exc)))
    return parts


@st.cache_data(show_spinner=False, max_entries=1)
def demo_treatment():
    """The demo treatment data (synthetic), read once per server."""
    from harm.treatment import demo_data

    return demo_data()


@st.cache_data(show_spinner="Reading the file…", max_entries=32)
def _read_treatment_upload(name: str, digest: str, raw: bytes):  # noqa: ARG001 - the digest is the cache key
    from harm.treatment import read_treatment_file

    return read_treatment_file(raw, name)


def treatment_uploads(files):
    """Uploaded treatment files read and combined; None when none could be read (each failure is reported)."""
    from harm.treatment import combine

    parts = read_uploads(files, _read_treatment_upload)
    return combine(parts) if parts else None


def _readers():
    from harm.drugs.testing_files import read_stored_testing
    from harm.spend.reader import read_stored_spend
    from harm.treatment import read_stored_treatment

    return {"treatment": read_stored_treatment, "testing": read_stored_testing, "spend": read_stored_spend}


@st.cache_data(show_spinner="Reading the stored data set…", max_entries=16)
def _read_stored(kind: str, name: str, version: str):  # noqa: ARG001 - the version is part of the cache key
    return _readers()[kind](name)


def stored_key(kind: str, name: str) -> str:
    """Changes whenever the stored data set does (for caches); "" for an unknown name."""
    info = store.find_dataset(name, kind)
    return f"stored:{info.key}" if info is not None else ""


def read_stored(kind: str, name: str):
    """The stored ``kind`` data set ``name`` read with that kind's reader (once per version of the set).

    Raises ``HarmInputError`` (unknown name, no files kept, a file the reader refuses)."""
    return _read_stored(kind, name, stored_key(kind, name))
