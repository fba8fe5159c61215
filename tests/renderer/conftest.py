"""Fixtures of the PDF tests: WeasyPrint's own warnings, read from `logging`."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

# This one says only that the machine lacks libharfbuzz-subset0 and fontTools subsets
# the fonts instead (slower, same PDF); see docs/pdf.md.
ENVIRONMENT_NOTICES = ("Using fontTools instead of HarfBuzz-Subset",)


@pytest.fixture
def weasyprint_warnings(caplog: pytest.LogCaptureFixture) -> Callable[[], list[str]]:
    """Call to get WeasyPrint's warnings logged so far in the test.

    WeasyPrint reports through `logging`, not `warnings`: a font that failed to load, a
    glyph no font has (.notdef), a refused URL. `filterwarnings = error` cannot see them.
    """
    caplog.set_level(logging.WARNING, logger="weasyprint")

    def messages() -> list[str]:
        return [
            record.getMessage()
            for record in caplog.records
            if record.name.startswith("weasyprint")
            and record.levelno >= logging.WARNING
            and not record.getMessage().startswith(ENVIRONMENT_NOTICES)
        ]

    return messages
