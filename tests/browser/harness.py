"""Helpers for real-browser tests (Playwright + Debian's Chromium + a live Streamlit).

Import them in a test module under ``tests/browser/``::

    from harness import open_page, screenshot, wait_for_map

The fixtures (``start_app``, ``app_server``, ``browser_page``, ``blocked_requests``,
``console_errors``) live in ``tests/browser/conftest.py``.  Nothing here imports
Playwright at module level, so collection works without it.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:  # pragma: no cover
    from playwright.sync_api import Page

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

CHROMIUM = os.environ.get("HARM_CHROMIUM", "/usr/bin/chromium")  # override for other machines
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1440, "height": 900}
REQUIRE_ENV = "HARM_REQUIRE_BROWSER"

APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
STATUS_WIDGET = '[data-testid="stStatusWidget"]'
EXCEPTION = '[data-testid="stException"]'
#: Placeholder of an element whose front-end code is still loading (first use of a widget).
SKELETON = '[data-testid="stSkeleton"]'
#: An st_folium map (Hotspots) or a plain st.iframe map titled "Map: ..." (Overview).
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"], iframe[title^="Map: "]'
MAP_PATH = "path.leaflet-interactive"

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
LOCAL_SCHEMES = frozenset({"data", "blob", "about", "file"})

DEFAULT_TIMEOUT_MS = 30_000


# --------------------------------------------------------------------------------------
# Availability
# --------------------------------------------------------------------------------------


def browser_unavailable_reason() -> str | None:
    """Why browser tests cannot run here, or None if they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"playwright is not importable ({exc}); pip install -r requirements-dev.txt"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"{CHROMIUM} is missing; apt-get install -y chromium"
    return None


def browser_required() -> bool:
    """``HARM_REQUIRE_BROWSER=1``: a missing browser is a failure, not a skip."""
    return os.environ.get(REQUIRE_ENV, "").strip() == "1"


def is_local_url(url: str) -> bool:
    """True for loopback http(s)/ws(s) URLs and for data:/blob:/about:/file: URLs."""
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return (parts.hostname or "").lower() in LOOPBACK_HOSTS


# --------------------------------------------------------------------------------------
# Streamlit server
# --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class AppServer:
    """A running ``streamlit run`` process."""

    url: str
    process: subprocess.Popen
    log_path: Path
    app_dir: Path
    script: str

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text("utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_streamlit(
    app_dir: Path | str = REPO_ROOT,
    script: str = "app.py",
    *,
    timeout_s: float = 60.0,
    extra_env: dict[str, str] | None = None,
    port: int | None = None,
    python: str | None = None,
) -> AppServer:
    """Start ``python -m streamlit run <script>`` in ``app_dir`` and wait until healthy.

    Streamlit reads ``<app_dir>/.streamlit/config.toml`` (the process runs with
    ``cwd=app_dir``) and serves ``<app_dir>/static`` at ``/app/static``.  Output goes
    to ``tests/artifacts/streamlit-<dir>-<port>.log``.  Raises RuntimeError with the
    log tail if the server exits or is not healthy within ``timeout_s``. ``python``: another
    interpreter (e.g. a virtual environment with only ``requirements.txt``) for benchmarks.
    """
    app_dir = Path(app_dir).resolve()
    if not (app_dir / script).is_file():
        raise FileNotFoundError(f"{app_dir / script} does not exist")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in [str(REPO_ROOT), env.get("PYTHONPATH", "")] if p
    )
    env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    env.update(extra_env or {})

    last_error = ""
    for _attempt in range(3):  # a port picked by free_port() can be taken meanwhile
        port = port or free_port()
        log_path = ARTIFACTS / f"streamlit-{app_dir.name}-{port}.log"
        log = open(log_path, "wb")  # noqa: SIM115 - the child process keeps writing it
        process = subprocess.Popen(
            [
                python or sys.executable, "-m", "streamlit", "run", script,
                "--server.headless", "true",
                "--server.port", str(port),
                "--server.address", "127.0.0.1",
                "--browser.gatherUsageStats", "false",
            ],
            cwd=app_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        server = AppServer(f"http://127.0.0.1:{port}", process, log_path, app_dir, script)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return server
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            try:  # doubles as the pause between polls and the "did it die?" check
                process.wait(timeout=0.05)
            except subprocess.TimeoutExpired:
                continue
            break
        exited = process.poll() is not None
        server.stop()
        last_error = (
            f"streamlit ({app_dir / script}) "
            + (f"exited with status {process.returncode}" if exited
               else f"was not healthy within {timeout_s:.0f} s")
            + f" (log {log_path}):\n{server.log_tail()}"
        )
        if "address already in use" not in server.log_tail().lower():
            break
    raise RuntimeError(last_error)


# --------------------------------------------------------------------------------------
# Page helpers
# --------------------------------------------------------------------------------------


def open_page(
    page: Page, base_url: str, path: str = "/", *, timeout_ms: int = DEFAULT_TIMEOUT_MS
) -> None:
    """Navigate to ``base_url + path`` and wait until the script run has finished.

    Done means ``stApp`` reports ``data-test-script-state="notRunning"`` and the
    running-man status widget is gone.  Fails the test with the traceback text if the
    page shows an ``stException``.
    """
    url = base_url.rstrip("/") + "/" + path.lstrip("/")
    page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    wait_for_idle(page, timeout_ms=timeout_ms)


def wait_for_idle(page: Page, *, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> None:
    """Wait for the current script run to finish (after a click, a widget change...)
    and for every element it drew to be on screen (no loading placeholders left)."""
    page.wait_for_selector(APP_IDLE, state="attached", timeout=timeout_ms)
    page.wait_for_selector(STATUS_WIDGET, state="detached", timeout=timeout_ms)
    page.locator(SKELETON).first.wait_for(state="detached", timeout=timeout_ms)
    assert_no_exception(page)


_WATCH_RUNS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  window.__runs = 0;
  if (window.__runObserver) window.__runObserver.disconnect();
  window.__runObserver = new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') === 'running') window.__runs += 1;
  });
  window.__runObserver.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""
_RUN_DONE = """() => window.__runs > 0 && document.querySelector(
  '[data-testid="stApp"][data-test-script-state="notRunning"]') !== null"""


def rerun(page: Page, action, *, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> None:
    """Do ``action`` (a click...) and wait until the script run it triggers has finished.

    (``wait_for_idle`` alone can return before the rerun has even started.) An action that
    started no run within 15 s is done once more: a click can be lost while the page lays out.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.evaluate(_WATCH_RUNS)
    action()
    try:
        page.wait_for_function("() => window.__runs > 0", timeout=15_000)
    except PlaywrightTimeout:  # the click landed while the page was still laying out: no run began
        action()
    page.wait_for_function(_RUN_DONE, timeout=timeout_ms)
    wait_for_idle(page, timeout_ms=timeout_ms)


def assert_no_exception(page: Page) -> None:
    """No traceback on the page, and no "Page not found" dialog (a wrong link)."""
    if page.get_by_text("Page not found").count():
        raise AssertionError(f"{page.url} shows 'Page not found'")
    errors = page.locator(EXCEPTION)
    if errors.count():
        texts = [errors.nth(i).inner_text() for i in range(errors.count())]
        raise AssertionError(
            f"{page.url} shows {len(texts)} exception(s):\n" + "\n---\n".join(texts)
        )


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG to ``tests/artifacts/screenshots/<name>.png``; returns the path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "page"
    path = SCREENSHOTS / f"{safe}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_for_map(
    page: Page, *, index: int = 0, timeout_ms: int = DEFAULT_TIMEOUT_MS
) -> int:
    """Wait until the ``index``-th map (st_folium or plain iframe) has drawn a vector shape.

    Returns the number of ``path.leaflet-interactive`` elements (polygons, lines,
    circle markers) in that map's iframe.  A blank map (e.g. Leaflet failed to load)
    times out here.
    """
    frame = page.frame_locator(MAP_IFRAME).nth(index)
    paths = frame.locator(MAP_PATH)
    paths.first.wait_for(state="visible", timeout=timeout_ms)
    return paths.count()


def copy_app_support(app_dir: Path | str) -> None:
    """Give a throwaway app folder the repo's ``static/`` (symlink) and ``.streamlit/``."""
    app_dir = Path(app_dir)
    static = app_dir / "static"
    if not static.exists():
        static.symlink_to(REPO_ROOT / "static", target_is_directory=True)
    shutil.copytree(REPO_ROOT / ".streamlit", app_dir / ".streamlit", dirs_exist_ok=True)


def choose(page: Page, key: str, option: str, *, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> None:
    """Pick ``option`` (visible text) in the selectbox whose widget key is ``key``; wait for the rerun.

    Streamlit 1.67 draws selectboxes as react-aria comboboxes inside ``.st-key-<key>``. Long
    lists only draw the options in view, so the option is typed to filter the list; a popover
    that closes as it opens (after the page scrolled) is opened again.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.locator(f".st-key-{key} input[role=combobox]")
    box.scroll_into_view_if_needed(timeout=timeout_ms)
    if box.input_value(timeout=timeout_ms) == option:  # already chosen: no rerun would come
        return
    wanted = page.locator('[role="option"]').filter(has_text=option).first
    for _attempt in range(3):
        box.click(timeout=timeout_ms)
        box.fill(option)
        try:
            wanted.wait_for(state="visible", timeout=5_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    rerun(page, lambda: wanted.click(timeout=timeout_ms), timeout_ms=timeout_ms)
    page.wait_for_function(
        "([key, option]) => document.querySelector(`.st-key-${key} input[role=combobox]`).value === option",
        arg=[key, option], timeout=timeout_ms)


def download(page: Page, key: str, *, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> tuple[str, bytes]:
    """Click the download button with widget key ``key``: the file's suggested name and bytes.

    (A button with help text draws a second, hidden copy: the first is clicked.)
    """
    with page.expect_download(timeout=timeout_ms) as info:
        page.locator(f".st-key-{key} button").first.click(timeout=timeout_ms)
    return info.value.suggested_filename, Path(info.value.path()).read_bytes()


CHART = '[data-testid="stVegaLiteChart"]'


def drawn_charts(page: Page, *, timeout_ms: int = 60_000) -> int:
    """Wait until every Altair chart on the page has drawn (a canvas or svg inside); how many.

    Counts again after drawing them all, until the count holds: the page may still be adding
    charts below the ones in view.
    """
    charts = page.locator(CHART)
    charts.first.wait_for(state="attached", timeout=timeout_ms)
    count = -1
    while count != charts.count():
        count = charts.count()
        for i in range(count):
            charts.nth(i).scroll_into_view_if_needed(timeout=timeout_ms)
            charts.nth(i).locator("canvas, svg").first.wait_for(state="attached", timeout=timeout_ms)
        wait_for_idle(page, timeout_ms=timeout_ms)
    return count


def export_buttons(page: Page) -> dict[str, int]:
    """How many chart export buttons of each kind the page shows (keys ``png-…``, ``svg-…``, ``chartcsv-…``)."""
    return {kind: page.locator(f'[class*="st-key-{kind}-"]').count() for kind in ("png", "svg", "chartcsv")}
