"""Browser tests: the real app on a real port, driven in Debian's Chromium by Playwright.

`live_server` serves a fresh app (SQLite file, development mode, the four services) on
127.0.0.1. The browser fixtures (`browser`, `page`, `nojs_page`, `phone_page`) and the
helpers `check_a11y` and `shot` live in tests/browser.py, one session browser for the
whole suite.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests.browser import AXE  # noqa: F401  (helpers the browser tests import from here)
from tests.browser import CHROMIUM  # noqa: F401  (helpers the browser tests import from here)
from tests.browser import CHROMIUM_FLAGS  # noqa: F401  (helpers the browser tests import from here)
from tests.browser import ROOT
from tests.browser import check_a11y  # noqa: F401  (helpers the browser tests import from here)
from tests.browser import shot  # noqa: F401  (helpers the browser tests import from here)
from tests.browser import static_read_whole


class LiveServer:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, static_read_whole(app), threaded=True)
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
