"""The platform's own words, one catalog per feature, and the one lookup.

Service texts come from the YAML; these are the words around them. Each feature keeps
its words in a catalog module, `WORDS = {key: (arabic, english)}` (a `{"ar": …, "en": …}`
mapping per key is accepted too): the modules of this package named in `CATALOGS`, plus
any dotted module path listed there (a feature elsewhere, e.g. "khidma.web.x_words").
They are merged once, on first use. A key defined in two catalogs stops the merge with
`DuplicateWord`, so no word is defined twice and none silently overrides another.

`word(key, lang, **params)` is the lookup every output uses — `khidma.web.i18n.t` in the
request's language, the PDF and e-mail renderers in their document's. Nothing here
imports Flask: the engine-free renderer and the identity package may use it.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = ["CATALOGS", "DuplicateWord", "Words", "merge", "word", "words"]

# The features' catalogs. A new feature adds its module here.
CATALOGS: tuple[str, ...] = (
    "common",
    "layout",
    "card",
    "errors",
    "wizard",
    "summary",
    "account",
    "inquiry",
    "devtools",
    "messages",
    "auth",
    "backoffice",
    "admin",
    "security",
    "khidma.payments.words",
    "khidma.booking.words",
    "trust",
)


class DuplicateWord(ValueError):
    """A key is defined in two catalogs."""


@dataclass(frozen=True)
class Words:
    """Every catalog merged: key → (Arabic, English), and key → the catalog it is from."""

    texts: Mapping[str, tuple[str, str]]
    origin: Mapping[str, str]

    def get(self, key: str, lang: str, **params: Any) -> str:
        """The text of `key` in `lang` ("en", else Arabic) with `{params}` filled in.
        KeyError for an unknown key: a missing word is a programming mistake."""
        ar, en = self.texts[key]
        text = en if lang == "en" else ar
        return text.format(**params) if params else text

    def __contains__(self, key: object) -> bool:
        return key in self.texts


def _pair(catalog: str, key: str, value: Any) -> tuple[str, str]:
    if isinstance(value, Mapping):
        value = (value.get("ar"), value.get("en"))
    if (
        not isinstance(value, tuple)
        or len(value) != 2
        or not all(isinstance(v, str) and v for v in value)
    ):
        raise ValueError(f"words catalog {catalog!r}: {key!r} needs an Arabic and an English text")
    return value[0], value[1]


def merge(catalogs: Mapping[str, Mapping[str, Any]]) -> Words:
    """One `Words` from catalogs named by feature; `DuplicateWord` names both catalogs of
    a key defined twice."""
    texts: dict[str, tuple[str, str]] = {}
    origin: dict[str, str] = {}
    for name, catalog in catalogs.items():
        for key, value in catalog.items():
            if key in origin:
                raise DuplicateWord(
                    f"the word {key!r} is defined in the catalogs {origin[key]!r} and {name!r}:"
                    " keep it in one (a word both features use goes to 'common')"
                )
            texts[key] = _pair(name, key, value)
            origin[key] = name
    return Words(texts, origin)


def _module(name: str) -> str:
    return name if "." in name else f"{__name__}.{name}"


@lru_cache(maxsize=1)
def words() -> Words:
    """Every catalog of `CATALOGS`, merged (once per process)."""
    return merge({name: importlib.import_module(_module(name)).WORDS for name in CATALOGS})


def word(key: str, lang: str, **params: Any) -> str:
    """The platform's text `key` in `lang`, with `{params}` filled in."""
    return words().get(key, lang, **params)
