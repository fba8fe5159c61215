"""Fixtures every folder may use: the suite's one browser (tests/browser.py)."""

pytest_plugins = ["tests.browser"]
