"""`lists`: the service's own option lists, by name; fields use them with `options_from`
and expressions with `lookup()`. Shared lists files (`kind: lists`) add theirs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from typing import ClassVar

from khidma.definitions.blocks.base import JSON
from khidma.definitions.blocks.base import Block
from khidma.definitions.blocks.base import Compiling
from khidma.definitions.blocks.base import check_option_values
from khidma.definitions.common import parse_options


class ListsBlock(Block):
    name = "lists"
    summary = "Option lists of this service, by id."
    properties: ClassVar[JSON] = {
        "lists": {
            "type": "object",
            "propertyNames": {"$ref": "#/$defs/id"},
            "additionalProperties": {"$ref": "#/$defs/option_list"},
        },
    }
    descriptions: ClassVar[Mapping[str, str]] = {
        "lists": "Option lists of this service, by id; fields use them with `options_from`.",
    }

    @classmethod
    def index(cls, c: Compiling) -> None:
        for name, options in c.data.get("lists", {}).items():
            if name in c.shared_lists:
                c.report(
                    ("lists", name),
                    "list.duplicate",
                    f"list {name!r} is also defined in a shared lists file",
                    "rename the local list or use the shared one",
                    key=True,
                )
                continue
            check_option_values(c, options, ("lists", name))
            c.lists[name] = parse_options(options)

    @classmethod
    def compile(cls, c: Compiling) -> Mapping[str, Any]:
        return {}  # the compiler gives the definition every list, shared ones included
