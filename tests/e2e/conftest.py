"""Browser tests: the real app on a real port, driven in Debian's Chromium by Playwright.

`live_server` serves a fresh app (SQLite file, development mode, the four services) on
127.0.0.1. `browser` is Chromium at /usr/bin/chromium (never a downloaded build); each test
gets a fresh `page` (JavaScript on) or `nojs_page` (JavaScript off). `check_a11y(page)` runs
axe-core (WCAG 2.1 A/AA) on the current page and fails on any violation. `shot(page, name)`
saves a screenshot to docs/screenshots/ when KHIDMA_SCREENSHOTS=1.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("KHIDMA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


class LiveServer:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from khidma.app import create_app

    instance = tmp_path_factory.mktemp("e2e-instance")
    app = create_app(
        {"DEV": True, "SERVICES_DIR": str(ROOT / "services.d"), "SECRET_KEY": "e2e-" + "x" * 40},
        instance_path=instance,
    )
    app.extensions["khidma.db"].upgrade()
    return app


@pytest.fixture(scope="session")
def live_server(live_app: Any) -> Iterator[LiveServer]:
    with LiveServer(live_app) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}: apt-get install chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def _context(browser: Any, *, javascript: bool, **options: Any) -> Any:
    # bypass_csp lets the test inject axe-core; the app's own CSP is tested elsewhere.
    return browser.new_context(
        java_script_enabled=javascript, bypass_csp=True, locale="ar-SA", **options
    )


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = _context(browser, javascript=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def nojs_page(browser: Any) -> Iterator[Any]:
    context = _context(browser, javascript=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.khidma_nojs = True  # Playwright's evaluate still works here; page scripts do not
    yield page
    context.close()


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    context = _context(browser, javascript=True, viewport={"width": 360, "height": 740})
    page = context.new_page()
    yield page
    context.close()


def check_a11y(page: Any, context: str = "") -> None:
    """axe-core on the page as it is now: zero WCAG 2.1 A/AA violations.

    With JavaScript off in the page, axe runs in a JavaScript-enabled twin page loaded
    with the same HTML, so a no-JS journey is checked too."""
    target = page
    twin = None
    if getattr(page, "khidma_nojs", False):
        twin = page.context.browser.new_context(bypass_csp=True, locale="ar-SA")
        target = twin.new_page()
        # same URL so relative links and styles resolve; the HTML is the no-JS page's own
        html = page.content()
        target.route(page.url, lambda route: route.fulfill(body=html, content_type="text/html"))
        target.goto(page.url)
    try:
        target.add_script_tag(path=str(AXE))
        result = target.evaluate(
            """async () => await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                resultTypes: ['violations']})"""
        )
    finally:
        if twin is not None:
            twin.close()
    violations = result["violations"]
    if violations:
        lines = [f"axe found {len(violations)} violation(s) on {page.url} {context}"]
        for v in violations:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
            for node in v["nodes"][:5]:
                lines.append(f"    {node['target']}: {node['failureSummary']}")
        pytest.fail("\n".join(lines))


def shot(page: Any, name: str) -> None:
    if os.environ.get("KHIDMA_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
