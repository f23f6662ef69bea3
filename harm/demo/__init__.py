"""Demonstration data: synthetic, deterministic, calibrated to FACTS.md.

``load_demo_incidents()`` generates the incidents once (about 15 s) and keeps them in the
local store (``HARM_DATA_DIR``, default ``var/``) so that later starts read them in a few
hundredths of a second (uncompressed Arrow IPC, memory-mapped: no decoding step; ~60 MB).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.feather as feather

from harm.demo.generate import SEED, Progress, _quiet, generate
from harm.incidents import conform
from harm.paths import store_dir

DEMO_VERSION = 1
_FORMAT = "arrow"  # was parquet until 2026-11; an older file is converted, not regenerated
DEMO_LABEL = "Synthetic demonstration data — not real crime records"


def demo_path() -> Path:
    return store_dir() / "demo" / f"incidents-v{DEMO_VERSION}-seed{SEED}.{_FORMAT}"


def _read(path: Path) -> pd.DataFrame:
    return conform(feather.read_table(path, memory_map=True).to_pandas())


def _write(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    feather.write_feather(frame, tmp, compression="uncompressed")
    tmp.replace(path)


def load_demo_incidents(progress: Progress = _quiet) -> pd.DataFrame:
    """The demo incident frame, generated on first use and cached on disk."""
    path = demo_path()
    if path.exists():
        try:
            return _read(path)
        except Exception:  # a half-written or foreign file: regenerate it
            path.unlink(missing_ok=True)
    older = path.with_suffix(".parquet")
    if older.exists():
        try:
            frame = conform(pd.read_parquet(older))
        except Exception:  # noqa: BLE001 - unreadable: generate instead
            frame = None
        if frame is not None:
            _write(frame, path)
            older.unlink(missing_ok=True)
            return frame
    frame = generate(progress)
    _write(frame, path)
    progress(1.0, "Ready")
    return frame
