"""Import of a 1,000,000-row data.police.uk-format street CSV: wall-clock time and peak memory.

Makes the file (synthetic rows in the data.police.uk format: West Mercia and Warwickshire
locations, the 14 crime types in realistic shares, a quarter of the rows anti-social behaviour
without a Crime ID, some without a location), then imports it in a child process into a fresh
store (HARM_DATA_DIR in a temporary folder) and reports the child's wall-clock time, its peak
resident memory (ru_maxrss) and how often the progress bar moved.

Run: python bench/bench_import.py [ROWS]      (default 1,000,000)
     python bench/bench_import.py --cli       (the same through `python -m harm import`)
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
TYPES = {"Anti-social behaviour": 0.25, "Violence and sexual offences": 0.30, "Criminal damage and arson": 0.07,
         "Other theft": 0.06, "Shoplifting": 0.07, "Public order": 0.07, "Vehicle crime": 0.04, "Burglary": 0.04,
         "Drugs": 0.02, "Other crime": 0.02, "Possession of weapons": 0.01, "Robbery": 0.01,
         "Bicycle theft": 0.02, "Theft from the person": 0.02}

CHILD = r"""
import sys, time
from harm.io.importer import FileInput, import_incidents
moves = []
started = time.perf_counter()
report = import_incidents([FileInput.from_path(sys.argv[1])], "bench", progress=lambda f, m: moves.append(f))
seconds = time.perf_counter() - started
print(report.summary())
print(f"engine {seconds:.1f} s, progress updates {len(moves)}, last {moves[-1]:.2f}")
"""


def make_file(path: Path, rows: int, seed: int = 20141031) -> None:
    rng = np.random.default_rng(seed)
    names = list(TYPES)
    kind = rng.choice(len(names), size=rows, p=np.array(list(TYPES.values())) / sum(TYPES.values()))
    crime_type = np.array(names, dtype=object)[kind]
    asb = crime_type == "Anti-social behaviour"
    ids = pd.Series(rng.integers(0, 2**63, size=rows, dtype=np.int64)).map(lambda v: f"{v:016x}" * 4)
    ids[asb] = ""
    located = rng.random(rows) > 0.015
    lon = np.round(rng.uniform(-3.2, -1.2, rows), 6).astype(str)
    lat = np.round(rng.uniform(51.95, 52.95, rows), 6).astype(str)
    lon[~located], lat[~located] = "", ""
    month = np.array([f"2024-{m:02d}" for m in range(1, 13)], dtype=object)[rng.integers(0, 12, rows)]
    force = np.where(rng.random(rows) < 0.35, "Warwickshire Police", "West Mercia Police")
    frame = pd.DataFrame({
        "Crime ID": ids, "Month": month, "Reported by": force, "Falls within": force, "Longitude": lon,
        "Latitude": lat, "Location": np.where(located, "On or near Supermarket", "No Location"),
        "LSOA code": "E01032000", "LSOA name": "Worcester 001A", "Crime type": crime_type,
        "Last outcome category": np.where(asb, "", "Investigation complete; no suspect identified"), "Context": "",
    })
    frame.to_csv(path, index=False)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    rows = int(args[0]) if args else 1_000_000
    with tempfile.TemporaryDirectory(prefix="harm-bench-") as folder:
        path = Path(folder) / "2024-bench-street.csv"
        started = time.perf_counter()
        make_file(path, rows)
        print(f"made {rows:,} rows ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s")
        env = {**os.environ, "HARM_DATA_DIR": str(Path(folder) / "store"), "PYTHONPATH": str(ROOT)}
        if "--cli" in sys.argv:
            command = [sys.executable, "-m", "harm", "import", str(path), "--name", "bench"]
        else:
            command = [sys.executable, "-c", CHILD, str(path)]
        started = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
        seconds = time.perf_counter() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak_mb = usage.ru_maxrss / 1024
        print(done.stdout.strip())
        print(f"import of {rows:,} rows: {seconds:.1f} s wall-clock (process start to exit), "
              f"{usage.ru_utime + usage.ru_stime:.1f} s CPU, peak memory {peak_mb:,.0f} MB; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
