"""Fixtures for real-browser tests: a live Streamlit server and a Chromium page that
may only talk to 127.0.0.1.

Fixtures
--------
``start_app`` (session)   factory ``start_app(app_dir=REPO_ROOT, script="app.py") -> base URL``;
                          one server per (folder, script), all stopped at session end.
``app_server`` (session)  base URL of the repo's own ``app.py``.
``browser_page``          a Playwright ``Page`` (1440x900) in a fresh context whose every
                          request to a host other than 127.0.0.1/localhost is aborted.
``blocked_requests``      list of the URLs aborted for this test (assert it is empty).
``console_errors``        console errors and uncaught page errors seen by this test.

Helpers (import from ``harness``): ``open_page(page, base_url, path="/")``,
``wait_for_idle(page)``, ``screenshot(page, name) -> Path``,
``wait_for_map(page, index=0) -> int``, ``copy_app_support(app_dir)``.

Every test in this folder gets the ``browser`` marker (``pytest -m "not browser"`` skips
them).  Without Playwright or ``/usr/bin/chromium`` they skip with the reason;
with ``HARM_REQUIRE_BROWSER=1`` they error with it instead.  A failing test leaves
``tests/artifacts/screenshots/FAILED-<test>.png``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # so `import harness` always works

from harness import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    DEFAULT_TIMEOUT_MS,
    REPO_ROOT,
    VIEWPORT,
    AppServer,
    browser_required,
    browser_unavailable_reason,
    copy_app_support,
    is_local_url,
    open_page,
    screenshot,
    start_streamlit,
    wait_for_idle,
    wait_for_map,
)

__all__ = ["copy_app_support", "open_page", "screenshot", "wait_for_idle", "wait_for_map"]

_HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = browser_unavailable_reason()
    for item in items:
        if _HERE not in Path(str(item.fspath)).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        if reason and not browser_required():
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def _require_browser() -> None:
    reason = browser_unavailable_reason()
    if reason:
        if browser_required():
            pytest.fail(f"HARM_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)


# --------------------------------------------------------------------------------------
# Streamlit
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def start_app() -> Iterator[Callable[..., str]]:
    """Factory: ``start_app(app_dir=REPO_ROOT, script="app.py", timeout_s=60) -> base URL``."""
    servers: dict[tuple[Path, str], AppServer] = {}

    def start(app_dir: Path | str = REPO_ROOT, script: str = "app.py", *,
              timeout_s: float = 60.0, extra_env: dict[str, str] | None = None) -> str:
        key = (Path(app_dir).resolve(), script)
        server = servers.get(key)
        if server is None or server.process.poll() is not None:
            server = start_streamlit(app_dir, script, timeout_s=timeout_s, extra_env=extra_env)
            servers[key] = server
        return server.url

    yield start
    for server in servers.values():
        server.stop()


@pytest.fixture(scope="session")
def app_server(start_app: Callable[..., str]) -> str:
    """Base URL (``http://127.0.0.1:<port>``) of the repo's ``app.py``."""
    if not (REPO_ROOT / "app.py").is_file():
        message = f"{REPO_ROOT / 'app.py'} does not exist yet"
        if browser_required():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return start_app(REPO_ROOT)


# --------------------------------------------------------------------------------------
# Chromium
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _chromium(tmp_path_factory: pytest.TempPathFactory):
    """One Chromium for the session.  Playwright's ``launch()`` gives it a fresh
    temporary profile (``--user-data-dir`` under the temp folder, deleted on close);
    HOME and the XDG folders point into a temp folder too, so nothing is written to
    the real home folder."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    home = tmp_path_factory.mktemp("chromium-home")
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
    }
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, env=env
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def blocked_requests() -> list[str]:
    """URLs this test's page tried to fetch from anywhere but 127.0.0.1/localhost."""
    return []


@pytest.fixture
def console_errors() -> list[str]:
    """Console errors and uncaught exceptions of this test's page (main frame and iframes)."""
    return []


@pytest.fixture
def browser_page(_chromium, blocked_requests: list[str], console_errors: list[str],
                 request: pytest.FixtureRequest):
    """A fresh page in a fresh context; non-loopback requests are aborted and recorded."""
    context = _chromium.new_context(viewport=VIEWPORT, service_workers="block")

    def guard(route) -> None:
        url = route.request.url
        if is_local_url(url):
            route.continue_()
        else:
            blocked_requests.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page.on(
        "console",
        lambda msg: console_errors.append(f"console: {msg.text}") if msg.type == "error" else None,
    )
    page.on("pageerror", lambda exc: console_errors.append(f"pageerror: {exc}"))
    try:
        yield page
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            try:
                screenshot(page, f"FAILED-{request.node.name}")
            except Exception:  # noqa: BLE001 - best effort only
                pass
        context.close()
