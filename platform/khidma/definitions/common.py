"""The small values every part of a definition is made of: bilingual `Text`, an `Option`
of a list, and read-only copies of YAML data.

A leaf: the model, the blocks and the compiler import it, it imports only `khidma.bilingual`, so
each block's model can use it without importing `model.py` (which imports the blocks).
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from types import MappingProxyType
from typing import Any
from typing import Literal

from khidma.bilingual import Text as Text  # the one bilingual text, below every layer

Lang = Literal["ar", "en"]
EMPTY: Mapping[str, Any] = MappingProxyType({})


def empty() -> Mapping[str, Any]:
    return EMPTY


@dataclass(frozen=True)
class Option:
    value: str
    label: Text
    attributes: Mapping[str, Any] = field(default_factory=empty)

    def as_context(self) -> dict[str, Any]:
        """What an `options_filter` sees as `option`."""
        return {**self.attributes, "value": self.value, "label": self.label.ar}


def parse_options(raw: Iterable[Mapping[str, Any]]) -> tuple[Option, ...]:
    return tuple(
        Option(
            str(o["value"]),
            Text(o["label"]["ar"], o["label"]["en"]),
            MappingProxyType({k: freeze(v) for k, v in o.items() if k not in ("value", "label")}),
        )
        for o in raw
    )


def texts(raw: Iterable[Mapping[str, str]] | None) -> tuple[Text, ...]:
    return tuple(Text(t["ar"], t["en"]) for t in raw or ())


def freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    return value
