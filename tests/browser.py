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

import functools
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


AXE_RUN = """async () => await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
    resultTypes: ['violations']})"""


# With scripting on, a <noscript> element's content is parsed as text: this parses it
# as HTML and puts it where the element was, as a page with scripting off shows it.
NOSCRIPT_SHOWN = """() => {
  for (const element of document.querySelectorAll('noscript')) {
    const shown = document.createElement('template');
    shown.innerHTML = element.textContent;
    element.replaceWith(shown.content);
  }
}"""


@functools.cache
def _axe_source() -> str:
    """axe-core's 650 KB, read from disk once per session."""
    return AXE.read_text(encoding="utf-8")


def _axe_violations(target: Any) -> list[dict[str, Any]]:
    """axe.run on `target`'s current document, axe injected only if that document lacks it
    (a navigation leaves a new document without it, so this asks the page, not a flag).

    The source is evaluated in the page's global scope rather than added as a <script>
    element: nothing is added to the DOM under test, and it costs a third less."""
    if target.evaluate("() => typeof window.axe") != "object":
        target.evaluate("(source) => { (0, eval)(source); }", _axe_source())
    result: dict[str, Any] = target.evaluate(AXE_RUN)
    return result["violations"]


def _twin(browser: Any) -> Any:
    """The JavaScript-enabled page a no-JS page's HTML is checked in: one per browser,
    reused (a new context and page cost 0.4-0.5 s a check); `_leave` empties it after
    each check, so each check starts as clean as in a fresh context."""
    twin = getattr(browser, "khidma_a11y_twin", None)
    if twin is None or twin.is_closed():
        twin = _context(browser, javascript=True).new_page()
        twin.set_default_timeout(15_000)
        browser.khidma_a11y_twin = twin
    return twin


def _leave(twin: Any) -> None:
    """The twin's storage and cookies emptied, its page scripts stopped (about:blank)."""
    if twin.url.startswith("http"):
        twin.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
    if twin.url != "about:blank":
        twin.goto("about:blank")
    twin.context.clear_cookies()


def check_a11y(page: Any, context: str = "") -> None:
    """axe-core on the page as it is now: zero WCAG 2.1 A/AA violations.

    With JavaScript off in the page, axe runs in a JavaScript-enabled twin page loaded
    with the same HTML, so a no-JS journey is checked too, what its `<noscript>` elements
    hold included (a page with JavaScript never shows that, so it is checked only there).
    (Not in the page itself:
    Playwright's `evaluate` works there, but with scripting disabled Chromium runs no
    timer, message or queueMicrotask callback, and axe.run waits on setTimeout forever.)"""
    if getattr(page, "khidma_nojs", False):
        twin = _twin(page.context.browser)
        # same URL so relative links and styles resolve; the HTML is the no-JS page's own
        url, html = page.url, page.content()

        def fulfill(route: Any) -> None:
            route.fulfill(body=html, content_type="text/html")

        twin.route(url, fulfill)
        try:
            try:
                twin.goto(url)
            finally:
                twin.unroute(url, fulfill)
            # what <noscript> holds is what a reader without JavaScript gets: in the
            # twin (scripting on) it would be inert text, so it is put in its place
            twin.evaluate(NOSCRIPT_SHOWN)
            violations = _axe_violations(twin)
        finally:
            _leave(twin)
    else:
        violations = _axe_violations(page)
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
