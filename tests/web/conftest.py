"""Fixtures of the web tests (see `support.py`): `app`, `client`, `citizens`."""

from tests.web.support import app, citizens

__all__ = ["app", "citizens"]
