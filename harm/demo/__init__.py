"""Demonstration data: synthetic, deterministic, calibrated to FACTS.md.

``load_demo_incidents()`` generates the incidents once (about 15 s) and keeps them in the
local store (``HARM_DATA_DIR``, default ``var/``) so that later starts read them in ~1 s.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from harm.demo.generate import SEED, Progress, _quiet, generate
from harm.incidents import conform
from harm.paths import store_dir

DEMO_VERSION = 1
DEMO_LABEL = "Synthetic demonstration data — not real crime records"


def demo_path() -> Path:
    return store_dir() / "demo" / f"incidents-v{DEMO_VERSION}-seed{SEED}.parquet"


def load_demo_incidents(progress: Progress = _quiet) -> pd.DataFrame:
    """The demo incident frame, generated on first use and cached on disk."""
    path = demo_path()
    if path.exists():
        try:
            return conform(pd.read_parquet(path))
        except Exception:  # a half-written or foreign file: regenerate it
            path.unlink(missing_ok=True)
    frame = generate(progress)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    frame.to_parquet(tmp, index=False, compression="zstd")
    tmp.replace(path)
    progress(1.0, "Ready")
    return frame
