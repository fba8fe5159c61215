"""Fixtures of the web tests (see `support.py`): `app`, `client`, `citizens`."""

from tests.web.support import app
from tests.web.support import citizens

__all__ = ["app", "citizens"]
