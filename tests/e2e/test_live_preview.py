"""The live preview's problems page and banner, in a browser: accessible in both languages."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.authoring.test_live_preview import WatcherClock
from tests.authoring.test_live_preview import copy_services
from tests.authoring.test_live_preview import edit
from tests.e2e.conftest import LiveServer
from tests.e2e.conftest import check_a11y
from tests.e2e.conftest import shot

pytestmark = pytest.mark.browser


@pytest.fixture
def preview_server(tmp_path: Path) -> Iterator[tuple[LiveServer, Path]]:
    from khidma.app import create_app

    folder = copy_services(tmp_path)
    app = create_app(
        {"DEV": True, "SERVICES_DIR": str(folder), "SECRET_KEY": secrets.token_urlsafe(48)},
        instance_path=tmp_path / "instance",
    )
    app.extensions["khidma.db"].upgrade()
    with LiveServer(app) as server:
        yield server, folder
    app.extensions["khidma.db"].dispose()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_problems_page_is_accessible(
    page: Any, preview_server: tuple[LiveServer, Path], lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = WatcherClock(monkeypatch)
    server, folder = preview_server
    edit(folder, "type: appointment", "type: apointment")
    clock.next_look()  # the watcher's interval has passed: the next request reloads
    page.goto(f"{server.url}/?lang={lang}")
    assert page.locator(".dev-problems").count(), "the broken change is not shown"
    check_a11y(page, f"catalog with the problems banner {lang}")
    page.locator(".dev-problems a").click()
    assert page.locator(".definition-problems tbody tr").count() == 1
    assert "field.unknown-type" in page.locator(".definition-problems").inner_text()
    check_a11y(page, f"definition problems {lang}")
    shot(page, f"definition-problems-{lang}")
