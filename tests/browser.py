"""The suite's one Chromium: Debian's /usr/bin/chromium (never a downloaded build) driven
by Playwright, opened once per session and shared by every folder's browser tests
(registered in tests/conftest.py; a second sync Playwright in the same thread is refused,
so no test module defines its own).

Each test gets a fresh `page` (JavaScript on), `nojs_page` (JavaScript off) or
`phone_page` (360 px wide). `check_a11y(page)` runs axe-core (WCAG 2.1 A/AA) on the current
page and fails on any violation. `shot(page, name)` saves a screenshot to docs/screenshots/
when KHIDMA_SCREENSHOTS=1.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "tests" / "e2e" / "vendor" / "axe.min.js"
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


def static_read_whole(app: Any) -> Any:
    """Static files served as bytes read at once, the file closed before anything is sent.

    Werkzeug's development server does not close a response whose client went away while
    it was being sent (its clean-up after a broken pipe can raise before `close()`); the
    browser cancels font and style loads whenever a test navigates on, and the file left
    open is a ResourceWarning at some later garbage collection, in whichever test runs
    then. gunicorn closes in a `finally`; this only mends the test server.
    """

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        body = app(environ, start_response)
        path = environ.get("PATH_INFO", "")
        if not (path.startswith("/static/") or path == "/favicon.ico"):  # the static view too
            return body
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi
