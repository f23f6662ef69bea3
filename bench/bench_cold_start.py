"""Cold start to a drawn map, in a real browser with the network blocked.

1. A fresh store (HARM_DATA_DIR in a temporary folder): the demo data is generated.
2. A restart of the server on the same store: the demo data is read from disk.

Run: python bench/bench_cold_start.py [RUNS]   (needs Debian's chromium and playwright)
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))
from harness import CHROMIUM, CHROMIUM_ARGS, is_local_url, open_page, start_streamlit, wait_for_map  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402


def time_to_map(store: str) -> tuple[float, float]:
    """Seconds from launching the server to healthy, and from opening the page to a drawn map."""
    started = time.perf_counter()
    server = start_streamlit(extra_env={"HARM_DATA_DIR": store})
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


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    with tempfile.TemporaryDirectory() as store:
        first = time_to_map(store)
        later = [time_to_map(store) for _ in range(runs)]
    healthy, to_map = first
    print(f"first start (generates the demo data): server healthy {healthy:.1f} s; "
          f"page opened to drawn map {to_map:.1f} s; total {healthy + to_map:.1f} s")
    totals = sorted(h + m for h, m in later)
    print(f"later starts (demo data on disk), {runs} runs: totals " + " ".join(f"{t:.2f}" for t in totals)
          + f"; median {statistics.median(totals):.2f} s; server healthy "
          f"{min(h for h, _ in later):.2f}-{max(h for h, _ in later):.2f} s")


if __name__ == "__main__":
    main()
