"""Bilingual text: the one value type every layer shares (definitions, field types,
engine, web, renderer). It sits below all of them so that none needs another to name it.
Arabic is the default language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Text:
    """Bilingual text. Arabic is the default language."""

    ar: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.ar

    @classmethod
    def of(cls, raw: Mapping[str, str] | None) -> Text | None:
        return None if raw is None else cls(raw["ar"], raw["en"])

    @classmethod
    def coerce(cls, value: Any) -> Text | None:
        """`value` as `Text` when it is one or an `{ar, en}` mapping; else None."""
        if isinstance(value, Text):
            return value
        if isinstance(value, Mapping) and "ar" in value and "en" in value:
            return cls(str(value["ar"]), str(value["en"]))
        return None
