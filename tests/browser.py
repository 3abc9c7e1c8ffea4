"""A real browser for the tests: Debian's Chromium driven by Playwright (never a browser download).

The flags are those this closed network needs: without the background-networking ones Chromium keeps trying to
reach Google's hosts. Each launch gets a new, empty profile. A missing Chromium or Playwright fails the test
with the command that installs it; nothing is skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from system import missing

CHROMIUM = Path(os.environ.get("KGTOOL_CHROMIUM", "/usr/bin/chromium"))
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LAPTOP = {"width": 1440, "height": 900}
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@contextmanager
def chromium(user_data_dir: Path) -> Iterator:
    """Launch headless Chromium with a fresh profile in ``user_data_dir``; yield its browser context."""
    if not CHROMIUM.exists():
        missing(
            f"Chromium ({CHROMIUM}, Debian package chromium)",
            "apt-get install -y --no-install-recommends chromium chromium-driver",
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is missing: `pip install -e '.[test]'` installs it", pytrace=False)
    user_data_dir.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(user_data_dir),
            executable_path=str(CHROMIUM),
            headless=True,
            args=FLAGS,
            viewport=LAPTOP,
        )
        try:
            yield context
        finally:
            context.close()


def record_requests(context, page) -> list[str]:
    """Return a list that fills with the URL of every request the page makes (Playwright and a raw CDP listener)."""
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.on("Network.requestWillBeSent", lambda event: seen.append(event["request"]["url"]))
    return seen


def save_artifact(page, name: str, tmp_path: Path) -> Path:
    """Save a screenshot of the page under the test's tmp dir and under tests/artifacts/ (not committed)."""
    path = tmp_path / name
    page.screenshot(path=str(path))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / name).write_bytes(path.read_bytes())
    return path
