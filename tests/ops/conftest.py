"""Deployment fixtures: production-mode apps (development mode off) on a SQLite file."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from khidma.app import create_app

ROOT = Path(__file__).resolve().parents[2]
STRONG_SECRET = "ops-tests-" + "0123456789abcdefghijklmnopqrstuvwxyz"


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    made: list[Flask] = []

    def make(**config: Any) -> Flask:
        settings = {
            "DEV": False,
            "SERVICES_DIR": str(ROOT / "services.d"),
            "SECRET_KEY": STRONG_SECRET,
            **config,
        }
        app = create_app(settings, instance_path=tmp_path / f"instance-{len(made)}")
        app.config["TESTING"] = True
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["khidma.db"].dispose()
