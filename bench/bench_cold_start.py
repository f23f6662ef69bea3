"""Cold start to a drawn map, in a real browser with the network blocked.

1. A fresh store (HARM_DATA_DIR in a temporary folder): the demo data is generated.
2. Restarts of the server on the same store (later starts): the demo data is read from disk.

Ready means the Overview's script run has finished and its map has drawn its polygons.

Run: python bench/bench_cold_start.py [RUNS] [--against DIR]
     (needs Debian's chromium and playwright)

This machine's vCPUs run at varying speed (the same busy loop takes 0.25-0.5 s from one
minute to the next), so compare revisions in one interleaved run: ``--against DIR`` times a
checkout of another revision (``git worktree add /tmp/base HEAD~3``) alternately with this one.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))
from harness import CHROMIUM, CHROMIUM_ARGS, is_local_url, open_page, start_streamlit, wait_for_map  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402


def time_to_map(store: str, app_dir: Path = REPO) -> tuple[float, float]:
    """Seconds from launching the server to healthy, and from opening the page to a drawn map."""
    started = time.perf_counter()
    server = start_streamlit(app_dir, extra_env={"HARM_DATA_DIR": store, "PYTHONPATH": str(app_dir)})
    healthy = time.perf_counter() - started
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1440, "height": 900})
            context.route("**/*", lambda r: r.continue_() if is_local_url(r.request.url) else r.abort())
            page = context.new_page()
            opened = time.perf_counter()
            open_page(page, server.url, "/", timeout_ms=120_000)
            wait_for_map(page, timeout_ms=120_000)
            elapsed = time.perf_counter() - opened
            browser.close()
            return healthy, elapsed
    finally:
        server.stop()


def summary(label: str, runs: list[tuple[float, float]]) -> str:
    totals = sorted(h + m for h, m in runs)
    return (f"{label}, {len(runs)} runs: totals " + " ".join(f"{t:.2f}" for t in totals)
            + f"; median {statistics.median(totals):.2f} s; server healthy "
            f"{min(h for h, _ in runs):.2f}-{max(h for h, _ in runs):.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="?", type=int, default=7, help="later starts to time (default 7)")
    parser.add_argument("--against", type=Path, help="another checkout to time alternately with this one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as store, tempfile.TemporaryDirectory() as other_store:
        first = time_to_map(store)
        later, other = [], []
        if args.against:
            time_to_map(other_store, args.against)  # its own first start (its demo cache format)
        for _ in range(args.runs):
            later.append(time_to_map(store))
            if args.against:
                other.append(time_to_map(other_store, args.against))
    healthy, to_map = first
    print(f"first start (generates the demo data): server healthy {healthy:.1f} s; "
          f"page opened to drawn map {to_map:.1f} s; total {healthy + to_map:.1f} s")
    print(summary("later starts (demo data on disk)", later))
    if args.against:
        print(summary(f"later starts of {args.against}", other))


if __name__ == "__main__":
    main()
