"""`instructions`: a page of instructions the applicant accepts before the form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import ClassVar

from khidma.definitions import defaults
from khidma.definitions.blocks.base import JSON
from khidma.definitions.blocks.base import TEXT
from khidma.definitions.blocks.base import Block
from khidma.definitions.blocks.base import Compiling
from khidma.definitions.blocks.base import array
from khidma.definitions.blocks.base import obj
from khidma.definitions.common import Text
from khidma.definitions.common import texts


@dataclass(frozen=True)
class Instructions:
    title: Text
    items: tuple[Text, ...]
    accept_label: Text


class InstructionsBlock(Block):
    name = "instructions"
    summary = "A page of instructions the applicant accepts before the form."
    properties: ClassVar[JSON] = {
        "instructions": obj(
            {"title": TEXT, "items": array(TEXT, 1), "accept_label": TEXT},
            ["title", "items"],
        ),
    }
    descriptions: ClassVar[Mapping[str, str]] = {
        "instructions": "A page of instructions the applicant accepts before the form.",
        "instructions/title": "The instructions page's title.",
        "instructions/items": "The instructions, one text each, shown as a list.",
        "instructions/accept_label": "The label of the box the applicant ticks to accept them.",
    }

    @classmethod
    def compile(cls, c: Compiling) -> Mapping[str, Any]:
        raw = c.data.get("instructions")
        return {
            "instructions": Instructions(
                Text(**raw["title"]),
                texts(raw["items"]),
                Text(**raw.get("accept_label", defaults.DEFAULT_INSTRUCTIONS_ACCEPT)),
            )
            if raw
            else None
        }
