"""The web tests' app (an app on a real SQLite file) and citizens; the storage fixtures
are the root conftest's."""

from tests.web.support import app
from tests.web.support import citizens

__all__ = ["app", "citizens"]
