"""What every block shares: the `Block` base class, the `BlockRegistry`, what a block may
use of the compiler (`Compiling`) and the small helpers several blocks use.

A block is one top-level part of a service file (`fees`, `booking`, `workflow`, …; the
`card` block gathers the keys the service card shows). Its class says everything about
it: the JSON Schema of its keys with their descriptions, and how its data compiles into
the model. Like a field type, a block is never instantiated: its methods are
classmethods.

This module imports nothing of the model or the field types, so a block's dataclasses
can be imported by `model.py`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any
from typing import ClassVar
from typing import Protocol

from khidma.definitions.common import Option
from khidma.definitions.yamlsource import Located
from khidma.definitions.yamlsource import Path
from khidma.expressions import Expression
from khidma.registry import Registry

JSON = dict[str, Any]

# The references to the shared schema definitions (the same as `khidma.fields.base`'s,
# repeated so that the blocks, which the model imports, do not import the field types).
TEXT: JSON = {"$ref": "#/$defs/text"}
EXPR: JSON = {"$ref": "#/$defs/expression"}
ID: JSON = {"$ref": "#/$defs/id"}

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def obj(properties: JSON, required: list[str] | None = None, **extra: Any) -> JSON:
    """The schema of a mapping with these keys and no others."""
    schema: JSON = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = required
    schema.update(extra)
    return schema


def array(items: JSON, min_items: int = 0, **extra: Any) -> JSON:
    """The schema of a list of `items`."""
    schema: JSON = {"type": "array", "items": items}
    if min_items:
        schema["minItems"] = min_items
    schema.update(extra)
    return schema


class Compiling(Protocol):
    """What a block may use of the compiler (`khidma.definitions.compiler.Compiler`)."""

    data: dict[str, Any]  # the service's data, valid for the schema
    located: Located  # the same, with the place of every value
    file: str
    lists: dict[str, tuple[Option, ...]]  # every option list the service may use, by name
    shared_lists: Mapping[str, tuple[Option, ...]]
    # field id → (its data, its path, the group it is in)
    raw_fields: dict[str, tuple[dict[str, Any], Path, str | None]]
    parts: dict[str, Any]  # what the blocks compiled so far, by `ServiceDefinition` key

    def report(
        self,
        path: Path,
        code: str,
        message: str,
        hint: str = "",
        *,
        key: bool = False,
        column_offset: int = 0,
        after: tuple[int, int] | None = None,
    ) -> tuple[int, int]:
        """Record a problem at `path`; returns its place (for a knock-on problem's
        `after`)."""
        ...

    def expr(
        self,
        owner: Mapping[str, Any],
        key: str,
        path: Path,
        options_from: str | None,
        where: str,
        option_list: list[dict[str, Any]] | None = None,
    ) -> Expression | None:
        """The compiled, checked and type-checked expression `owner[key]` (None when it
        is absent or refused); `where` is "top" or "item" (inside a group)."""
        ...


class Block:
    """One top-level block of a service file. Subclasses set the class attributes and
    override `index` and `compile` as they need."""

    name: ClassVar[str]  # the block's name (its module's)
    summary: ClassVar[str]  # one line, for the docs
    # The top-level keys the block owns: key → JSON Schema.
    properties: ClassVar[JSON] = {}
    required: ClassVar[tuple[str, ...]] = ()  # which of them a service must have
    # key path (`fees/kind`, list items skipped) → the one line editors show on hover
    descriptions: ClassVar[Mapping[str, str]] = {}

    @classmethod
    def index(cls, c: Compiling) -> None:
        """First pass, over every block before any compiles: record the names other
        blocks refer to (option lists, field ids)."""

    @classmethod
    def compile(cls, c: Compiling) -> Mapping[str, Any]:
        """Check what the schema cannot, report problems through `c.report`, and return
        the block's part of the definition: `ServiceDefinition` keyword arguments (a key
        the model does not declare lands in `ServiceDefinition.extensions`)."""
        return {}


class BlockRegistry(Registry[Block]):
    """The blocks of a service file, in order: the schema lists their keys in it, and
    they compile in it (a block may read `c.parts` of the blocks before it). Refuses two
    blocks with one name or one key; tests may build their own."""

    what = "block"

    def __init__(self, blocks: Iterable[type[Block]] = ()) -> None:
        self._owner: dict[str, str] = {}
        super().__init__(blocks)

    def register(self, block: type[Block]) -> type[Block]:
        for key in block.properties:
            if key in self._owner and block.name not in self:
                raise ValueError(f"key {key!r} of block {block.name!r} is {self._owner[key]}'s")
        super().register(block)
        self._owner.update(dict.fromkeys(block.properties, block.name))
        return block

    def with_blocks(self, *blocks: type[Block]) -> BlockRegistry:
        """A new registry holding these blocks and `blocks` after them (a test's own)."""
        return BlockRegistry((*self, *blocks))

    def properties(self) -> JSON:
        """Every top-level key of a service file, with its schema."""
        return {key: schema for block in self for key, schema in block.properties.items()}

    def required(self) -> list[str]:
        return [key for block in self for key in block.required]

    def descriptions(self) -> dict[str, str]:
        return {path: text for block in self for path, text in block.descriptions.items()}


def listing(what: str, values: Iterable[str], *, sort: bool = True) -> str:
    """`what: a, b, c` — the valid values, for a hint."""
    names = sorted(values) if sort else list(values)
    return f"{what}: " + (", ".join(names) if names else "none")


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name most like `name` (the one meant by a typo), or None."""
    found = difflib.get_close_matches(name, sorted(known), n=1)
    return found[0] if found else None


def check_field(c: Compiling, path: Path, field_id: str, types: tuple[str, ...], code: str) -> None:
    """Report a field id a block names at `path` that no field has (`<code>.unknown-field`,
    with the closest id) or, when `types` are given, whose field is of another type
    (`<code>.field-type`)."""
    kinds = " or ".join(("an " if t[0] in "aeiou" else "a ") + t for t in types) or "a"
    if field_id not in c.raw_fields:
        close = closest(field_id, c.raw_fields)
        c.report(
            path,
            f"{code}.unknown-field",
            f"no field {field_id!r}",
            f"did you mean {close!r}?" if close else f"name {kinds} field",
        )
    elif types and (kind := c.raw_fields[field_id][0]["type"]) not in types:
        c.report(
            path,
            f"{code}.field-type",
            f"field {field_id!r} is of type {kind}",
            f"it must be {kinds} field",
        )


def check_option_values(c: Compiling, options: list[dict[str, Any]], path: Path) -> None:
    """Report an option value given twice in one list."""
    seen: set[str] = set()
    for i, option in enumerate(options):
        value = option["value"]
        if value in seen:
            c.report(
                (*path, i, "value"),
                "option.duplicate",
                f"option value {value!r} appears twice in this list",
            )
        seen.add(value)


def check_placeholders(
    c: Compiling, path: Path, texts: Mapping[str, str] | None, allowed: frozenset[str], code: str
) -> None:
    """Report a `{placeholder}` of a bilingual text that is not one of `allowed`."""
    for lang, text in (texts or {}).items():
        for name in _PLACEHOLDER.findall(text):
            if name not in allowed:
                close = closest(name, allowed)
                c.report(
                    (*path, lang),
                    code,
                    f"unknown placeholder {{{name}}}",
                    f"did you mean {{{close}}}?" if close else listing("placeholders", allowed),
                )
