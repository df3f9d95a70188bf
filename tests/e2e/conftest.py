"""End-to-end fixtures: ``sibyl serve`` in a subprocess on a fresh demo-mode store, and Debian's
Chromium (``/usr/bin/chromium``) driven by Playwright for Python. No browser is downloaded.

Without Chromium the tests are skipped with the reason, except when ``SIBYL_REQUIRE_BROWSER`` is
set (CI sets it), where they fail instead. Screenshots of each role's main page go to
``SIBYL_SCREENSHOTS`` (default: the test's temporary folder) for a person to look at.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
DEMO_PASSWORD = "demo"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"sibyl serve stopped: {process.stdout.read()}")  # type: ignore[union-attr]
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("sibyl serve did not answer in time")


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh store in demo mode: the demo's marker and throwaway keys, nothing else (the
    server makes the demo users when it starts)."""
    from sibyl import identity

    folder = tmp_path_factory.mktemp("e2e-store")
    (folder / ".sibyl-demo").write_text("end-to-end tests\n")
    identity.write_key_file(identity.create_keys(), folder / "keys.json")
    return folder


@pytest.fixture(scope="session")
def server(store_dir: Path) -> Iterator[str]:
    """``sibyl serve`` on a free port; yields its base URL."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "SIBYL_"))}
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from sibyl.cli import main; main()",
            "serve",
            "--data-dir",
            str(store_dir),
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base + "/health", process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("SIBYL_REQUIRE_BROWSER"):
            pytest.fail("/usr/bin/chromium is missing: install Debian's chromium package")
        pytest.skip("/usr/bin/chromium is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("SIBYL_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def sign_in(browser, server):
    """``sign_in("coordinator")``: a new browser context (its own cookies) signed in as that
    demo user; returns the page, on the user's main page."""
    contexts = []

    def make(username: str, language: str = "en-GB"):
        context = browser.new_context(
            base_url=server, locale=language, viewport={"width": 1280, "height": 900}
        )
        contexts.append(context)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("User name").fill(username)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("networkidle")
        return page

    yield make
    for context in contexts:
        context.close()
