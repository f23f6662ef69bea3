"""Shared pytest configuration."""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
SHARED_REAL = ROOT.parent / "shared" / "real"
sys.path.insert(0, str(ROOT))


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives the app in a real Chromium (Playwright)")
    # Tests never write into the repo's own store: one temporary store per test session.
    if "HARM_DATA_DIR" not in os.environ:
        store = ROOT / "var" / "test-store"
        store.mkdir(parents=True, exist_ok=True)
        os.environ["HARM_DATA_DIR"] = str(store)


@pytest.fixture(scope="session")
def real_dir() -> Path:
    """``../shared/real``; tests that need it skip with a reason when it is absent."""
    if not SHARED_REAL.is_dir():
        pytest.skip(f"real public data folder {SHARED_REAL} is absent (it lives beside the repo)")
    return SHARED_REAL


@pytest.fixture(scope="session")
def demo_incidents():
    from harm.demo import load_demo_incidents

    return load_demo_incidents()


@pytest.fixture
def store_with_demo(tmp_path, monkeypatch, demo_incidents) -> Path:
    """An empty store of the test's own (``HARM_DATA_DIR``) that still sees the generated demo data."""
    folder = tmp_path / "store"
    folder.mkdir()
    (folder / "demo").symlink_to(Path(os.environ["HARM_DATA_DIR"]) / "demo", target_is_directory=True)
    monkeypatch.setenv("HARM_DATA_DIR", str(folder))
    return folder
