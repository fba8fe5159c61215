"""A registry of named plug-in classes: the field types (`khidma.fields.base`) and the
blocks of a service file (`khidma.definitions.blocks.base`) are each one.

Name → class, in the order registered; a second class with a name already taken is
refused. Pure Python, no I/O: the engine core builds on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Iterator
from typing import ClassVar
from typing import Generic
from typing import Protocol
from typing import TypeVar


class Named(Protocol):
    name: ClassVar[str]


P = TypeVar("P", bound=Named)


class Registry(Generic[P]):
    """Classes by their `name`. `what` names an entry in the message of a refusal."""

    what: ClassVar[str] = "entry"

    def __init__(self, items: Iterable[type[P]] = ()) -> None:
        self._items: dict[str, type[P]] = {}
        for item in items:
            self.register(item)

    def register(self, item: type[P]) -> type[P]:
        """Add `item` (usable as a class decorator)."""
        if item.name in self._items:
            raise ValueError(f"{self.what} {item.name!r} is already registered")
        self._items[item.name] = item
        return item

    def __getitem__(self, name: str) -> type[P]:
        return self._items[name]

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[type[P]]:
        return iter(self._items.values())

    def names(self) -> list[str]:
        return list(self._items)
