"""`check_a11y` itself: it fails on a known violation and passes a clean page, with
JavaScript on (axe in the page) and off (axe in the JavaScript-enabled twin), on the page
as it is now, after a navigation, and twice on one document (axe injected once); and what a
<noscript> element holds, where JavaScript is off."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import check_a11y

URL = "http://a11y.test/"
CLEAN = (
    '<!doctype html><html lang="en"><head><title>Clean</title></head>'
    "<body><main><h1>Clean</h1><p>Nothing wrong here.</p></main></body></html>"
)
PIXEL = "data:image/gif;base64,R0lGODlhAQABAAAAACw="
NO_ALT = CLEAN.replace("<p>", f'<img src="{PIXEL}" id="no-alt"><p>')
# the violation only a reader without JavaScript meets
NOSCRIPT_NO_ALT = CLEAN.replace("<p>", f'<noscript><img src="{PIXEL}" id="no-alt"></noscript><p>')


def serve(page: Any, pages: dict[str, str]) -> None:
    """`pages` (path: HTML) served at http://a11y.test/<path>, nothing else."""
    page.route(
        f"{URL}**",
        lambda route: route.fulfill(
            body=pages[route.request.url.removeprefix(URL)], content_type="text/html"
        ),
    )


def violation(page: Any) -> str:
    with pytest.raises(pytest.fail.Exception) as failed:
        check_a11y(page, "(the known violation)")
    return str(failed.value)


@pytest.fixture(params=["javascript", "no javascript"])
def any_page(request: pytest.FixtureRequest) -> Any:
    return request.getfixturevalue("page" if request.param == "javascript" else "nojs_page")


def test_a_violation_fails_and_a_clean_page_passes(any_page: Any) -> None:
    serve(any_page, {"clean": CLEAN, "no-alt": NO_ALT})
    any_page.goto(f"{URL}no-alt")
    message = violation(any_page)
    assert "image-alt" in message and "#no-alt" in message and f"{URL}no-alt" in message
    any_page.goto(f"{URL}clean")  # a new document: axe again (the twin: a fresh state)
    check_a11y(any_page)
    any_page.goto(f"{URL}no-alt")
    assert "image-alt" in violation(any_page)


def test_the_page_as_it_is_now_is_checked(any_page: Any) -> None:
    """The same document checked twice: the second run (axe already there in a page with
    JavaScript) sees what changed since the first."""
    serve(any_page, {"clean": CLEAN})
    any_page.goto(f"{URL}clean")
    check_a11y(any_page)
    # evaluate works with JavaScript off too; the page's own scripts would not
    any_page.evaluate(
        """(src) => { const img = document.createElement('img');
        img.src = src; img.id = 'added'; document.querySelector('main').append(img); }""",
        PIXEL,
    )
    message = violation(any_page)
    assert "image-alt" in message and "#added" in message


def test_axe_is_injected_once_per_document(page: Any) -> None:
    serve(page, {"clean": CLEAN})
    page.goto(f"{URL}clean")
    check_a11y(page)
    page.evaluate("() => { window.axe.khidmaMark = 1; }")
    check_a11y(page)
    assert page.evaluate("() => window.axe.khidmaMark") == 1  # the same axe, not a new one
    assert page.locator("script").count() == 0  # and nothing added to the DOM under test


def test_what_noscript_holds_is_checked_without_javascript(nojs_page: Any, page: Any) -> None:
    """A page without JavaScript shows its <noscript> content: axe checks it there. A page
    with JavaScript does not show it, and axe does not hold it against the page."""
    serve(nojs_page, {"noscript": NOSCRIPT_NO_ALT})
    nojs_page.goto(f"{URL}noscript")
    message = violation(nojs_page)
    assert "image-alt" in message and "#no-alt" in message
    serve(page, {"noscript": NOSCRIPT_NO_ALT})
    page.goto(f"{URL}noscript")
    check_a11y(page)
