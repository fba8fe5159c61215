"""Fixtures of the web tests (see `support.py`): `app`, `client`, `citizens`."""

from tests.web.support import app, citizens, client

__all__ = ["app", "citizens", "client"]
