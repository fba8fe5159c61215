"""The renderer's own Jinja environment: the summary, the PDFs and the e-mails are drawn
with it, without Flask, so a worker or a test renders exactly what a page shows.

`.html` templates are autoescaped (every answer and YAML text is text, never markup);
`.txt` templates (plain-text e-mail) are not, and undefined names fail loudly in both.
`FILTERS` are installed in the web app's environment too (`install`), so a page and a
document shape a value the same way.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment
from jinja2 import FileSystemLoader
from jinja2 import StrictUndefined
from jinja2 import select_autoescape
from markupsafe import Markup
from markupsafe import escape

__all__ = ["FILTERS", "TEMPLATE_DIR", "environment", "hash_text", "install", "lines_of"]

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


def text_direction(text: str) -> str:
    """`rtl` or `ltr` by the first strong character, as HTML's `dir=auto` decides.

    Written out rather than left to `dir=auto`: WeasyPrint and many e-mail readers do not
    know `dir=auto`, and an English name, a phone number "+9665…" or "Hello!" inside an
    Arabic page would otherwise be laid out right-to-left ("9665…+", "!Hello").
    """
    for char in str(text):
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def lines_of(text: Any) -> list[str]:
    """The non-blank lines of a text (a computed list joined with newlines)."""
    return [line for line in str(text or "").split("\n") if line.strip()]


def _chunks(value: str, size: int) -> Iterator[str]:
    for start in range(0, len(value), size):
        yield value[start : start + size]


def hash_text(value: str) -> Markup:
    """A SHA-256 in groups of 16 hex digits with a `<wbr>` between them: the 64 digits
    may wrap on a phone, and copying still gives one word."""
    return Markup("<wbr>").join(escape(part) for part in _chunks(str(value), 16))


FILTERS = {"dir": text_direction, "lines": lines_of, "hash_text": hash_text}


def install(env: Environment) -> None:
    """Give another environment (the web app's) the renderer's filters."""
    env.filters.update(FILTERS)


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    install(env)
    return env
