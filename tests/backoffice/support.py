"""What the back-office tests share: an app with extra settings, and a form post."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.drivers import deployed_app
from tests.web.support import csrf_from


def make_app(tmp_path: Path, **config: Any) -> Flask:
    """An app on a real SQLite file in `tmp_path`, the seed services unless told, at NOW."""
    return deployed_app(tmp_path, **{"SECRET_KEY": "backoffice-" + "x" * 40, **config})


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def post(client: FlaskClient, url: str, page_url: str, **data: str) -> tuple[int, str]:
    """Post a form of `page_url` (its CSRF token and the request's version) to `url`."""
    html = page(client, page_url)
    version = re.search(r'name="version" value="(\d+)"', html)
    form = {"csrf_token": csrf_from(html), "version": version[1] if version else "1", **data}
    response = client.post(url, data=form, follow_redirects=True)
    return response.status_code, response.get_data(as_text=True)
