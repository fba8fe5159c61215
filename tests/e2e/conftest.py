"""Browser tests: the real app on a real port, driven in Debian's Chromium by Playwright.

`live_server` serves a fresh app (SQLite file, development mode, the four services) on
127.0.0.1. The browser fixtures (`browser`, `page`, `nojs_page`, `phone_page`) and the
helpers `check_a11y` and `shot` live in tests/browser.py, one session browser for the
whole suite.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import AXE  # noqa: F401  (helpers the browser tests import from here)
from tests.browser import CHROMIUM  # noqa: F401  (helpers the browser tests import from here)
from tests.browser import CHROMIUM_FLAGS  # noqa: F401  (helpers the browser tests import from here)
from tests.browser import ROOT
from tests.browser import check_a11y  # noqa: F401  (helpers the browser tests import from here)
from tests.browser import shot  # noqa: F401  (helpers the browser tests import from here)
from tests.browser import static_read_whole
from tests.servers import InThread


class LiveServer(InThread):
    """A Flask app on a real port, its static files read whole (see `static_read_whole`)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        super().__init__(static_read_whole(app))


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
