"""Benchmark: the demo briefing pack from the command line, as a scheduled monthly paper would build it.

Times ``python -m harm brief --format pptx`` and ``--format html`` (the five default slides, demo data,
~1.05 M incidents) as a fresh process each time: start-up, reading the data, every slide's engine work,
rendering the charts to PNG (vl-convert) and writing the pack. Target: under 30 s. Also prints the
in-process time of each slide (one context, so shared work such as the hour-of-week weights is
counted in the first slide that needs it).

Run: ``python bench/bench_brief.py`` (``--repeats N``, default 3).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_S = 30.0


def cli_seconds(fmt: str, out: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "harm", "brief", "--format", fmt, "--out", str(out)], cwd=ROOT,
                   check=True, capture_output=True)
    return time.perf_counter() - started


def per_slide() -> list[tuple[str, float]]:
    from harm.areas import load_area_set
    from harm.briefing import DEFAULT_SLIDES, briefing_context, build_slides
    from harm.demo import load_demo_incidents

    started = time.perf_counter()
    ctx = briefing_context(load_demo_incidents(), load_area_set("csp"), is_demo=True)
    rows = [("read data + context", time.perf_counter() - started)]
    for name in DEFAULT_SLIDES:
        started = time.perf_counter()
        (slide,) = build_slides(ctx, [name])
        assert slide.error is None, slide.error
        rows.append((name, time.perf_counter() - started))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f}; {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
    with tempfile.TemporaryDirectory() as folder:
        for fmt in ("pptx", "html"):
            out = Path(folder) / f"pack.{fmt}"
            times = [cli_seconds(fmt, out) for _ in range(args.repeats)]
            verdict = "OK" if statistics.median(times) < TARGET_S else "OVER TARGET"
            print(f"brief --format {fmt}: median {statistics.median(times):.1f} s, min {min(times):.1f} s, "
                  f"max {max(times):.1f} s over {len(times)} runs; {out.stat().st_size / 1e6:.1f} MB "
                  f"(target < {TARGET_S:.0f} s: {verdict})")
    for name, seconds in per_slide():
        print(f"  {name:<22} {seconds:5.1f} s")


if __name__ == "__main__":
    main()
