"""Where the project's files live."""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GEO_DIR = REPO / "geo"
DATA_DIR = REPO / "data"
STATIC_DIR = REPO / "static"


def store_dir() -> Path:
    """The local folder for generated and imported data (``HARM_DATA_DIR``, default ``var/``)."""
    path = Path(os.environ.get("HARM_DATA_DIR") or REPO / "var")
    path.mkdir(parents=True, exist_ok=True)
    return path
