"""Live preview: in development a saved change to services.d is served within a second,
without a restart; a broken change shows its problems while the last good version serves.
Production never watches.

"Within a second" is held by construction, not by a stopwatch (a loaded machine would make
a timed test fail for nothing): the watcher looks at the files at the start of a request
at most every `CHECK_SECONDS`, so the tests move the watcher's clock on by that much and
ask that the very next request serves the change."""

from __future__ import annotations

import secrets
import shutil
import time
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from khidma.app import create_app
from khidma.web import devreload
from khidma.web.devreload import CHECK_SECONDS
from khidma.web.devreload import EXTENSION

SEED = Path(__file__).resolve().parents[2] / "services.d"
OLD_TITLE = "Mawid — Primary Health Care Appointments"


def copy_services(target: Path) -> Path:
    folder = target / "services.d"
    shutil.copytree(SEED, folder, ignore=shutil.ignore_patterns("scenarios"))
    return folder


@pytest.fixture
def dev_app(tmp_path: Path) -> Iterator[Any]:
    app = create_app(
        {"DEV": True, "SERVICES_DIR": str(copy_services(tmp_path)), "SECRET_KEY": "x" * 48},
        instance_path=tmp_path / "instance",
    )
    app.extensions["khidma.db"].upgrade()
    yield app
    app.extensions["khidma.db"].dispose()


def edit(folder: Path, old: str, new: str) -> None:
    path = folder / "mawid.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


class WatcherClock:
    """The live-preview watcher's clock (`time.monotonic` in `khidma.web.devreload` only),
    moved on by hand."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = time.monotonic()
        monkeypatch.setattr(devreload, "time", SimpleNamespace(monotonic=lambda: self.now))

    def next_look(self) -> None:
        """As if the watcher's interval had passed since its last look."""
        self.now += CHECK_SECONDS


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> WatcherClock:
    return WatcherClock(monkeypatch)


def live_at_next_look(clock: WatcherClock, condition: Callable[[], bool]) -> None:
    """`condition` (a request) holds once the watcher's interval has passed."""
    clock.next_look()
    assert condition(), f"not served by the first request {CHECK_SECONDS} s after the save"


def test_the_watcher_looks_often_enough_for_a_change_to_be_live_within_a_second() -> None:
    assert CHECK_SECONDS <= 0.5  # a look, then a reload of four files (~0.1 s), within 1 s


def card(client: Any) -> str:
    return str(client.get("/services/mawid?lang=en").get_data(as_text=True))


def problems_shown(client: Any) -> bool:
    """A request (the watcher looks at the start of one) that shows the problems banner."""
    return "See the problems" in card(client)


def test_a_saved_change_is_live_within_a_second(dev_app: Any, clock: WatcherClock) -> None:
    client = dev_app.test_client()
    folder = Path(dev_app.config["SERVICES_DIR"])
    assert OLD_TITLE in card(client)
    edit(folder, OLD_TITLE, "Mawid — Live Preview")
    live_at_next_look(clock, lambda: "Mawid — Live Preview" in card(client))
    assert dev_app.extensions["khidma.registry"].current("mawid").title.en == "Mawid — Live Preview"


def test_a_broken_change_shows_its_problems_and_the_last_good_version_serves(
    dev_app: Any, clock: WatcherClock
) -> None:
    client = dev_app.test_client()
    folder = Path(dev_app.config["SERVICES_DIR"])
    before = dev_app.extensions["khidma.registry"].current("mawid")
    edit(folder, 'version: "1.0"', 'version: "1.0"\nsteps_typo: [')
    live_at_next_look(clock, lambda: problems_shown(client))
    page = client.get("/dev/definitions?lang=en").get_data(as_text=True)
    problem = dev_app.extensions[EXTENSION].problems[0]
    assert f"{folder / 'mawid.yaml'}:{problem.line}:{problem.column}" in page
    assert problem.code in page and problem.hint in page
    assert "the last good version is still being served" in page
    # every page says so, and the service still serves the last good version
    shown = card(client)
    assert OLD_TITLE in shown and "See the problems" in shown
    assert dev_app.extensions["khidma.registry"].current("mawid") is before
    # fixing the file clears the problems and serves the fix
    edit(folder, 'version: "1.0"\nsteps_typo: [', 'version: "1.1"')
    live_at_next_look(clock, lambda: not problems_shown(client))
    assert dev_app.extensions["khidma.registry"].current("mawid").version == "1.1"
    assert "load without problems" in client.get("/dev/definitions?lang=en").get_data(as_text=True)


def test_a_schema_problem_names_its_line_and_hint(dev_app: Any, clock: WatcherClock) -> None:
    client = dev_app.test_client()
    folder = Path(dev_app.config["SERVICES_DIR"])
    edit(folder, "type: appointment", "type: apointment")
    live_at_next_look(clock, lambda: problems_shown(client))
    page = client.get("/dev/definitions?lang=ar").get_data(as_text=True)
    [problem] = dev_app.extensions[EXTENSION].problems
    assert problem.code == "field.unknown-type" and problem.hint
    assert f"mawid.yaml:{problem.line}:{problem.column}" in page


def test_production_never_watches(tmp_path: Path) -> None:
    app = create_app(
        {
            "DEV": False,
            "SERVICES_DIR": str(copy_services(tmp_path)),
            "SECRET_KEY": secrets.token_urlsafe(48),
        },
        instance_path=tmp_path / "instance",
    )
    assert EXTENSION not in app.extensions
    assert "devreload.problems" not in app.view_functions
    app.extensions["khidma.db"].dispose()
