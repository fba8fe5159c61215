"""`declarations`: statements the applicant must accept before submitting."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import ClassVar

from khidma.definitions.blocks.base import ID
from khidma.definitions.blocks.base import JSON
from khidma.definitions.blocks.base import TEXT
from khidma.definitions.blocks.base import Block
from khidma.definitions.blocks.base import Compiling
from khidma.definitions.blocks.base import array
from khidma.definitions.blocks.base import obj
from khidma.definitions.common import Text


@dataclass(frozen=True)
class Declaration:
    id: str
    text: Text


class DeclarationsBlock(Block):
    name = "declarations"
    summary = "Statements the applicant must accept before submitting."
    properties: ClassVar[JSON] = {
        "declarations": array(obj({"id": ID, "text": TEXT}, ["id", "text"])),
    }
    descriptions: ClassVar[Mapping[str, str]] = {
        "declarations": "Statements the applicant must accept before submitting.",
        "declarations/id": "The declaration's id (unique in the service).",
        "declarations/text": "What the applicant declares.",
    }

    @classmethod
    def compile(cls, c: Compiling) -> Mapping[str, Any]:
        seen: set[str] = set()
        result = []
        for i, raw in enumerate(c.data.get("declarations", ())):
            if raw["id"] in seen or raw["id"] in c.raw_fields:
                c.report(
                    ("declarations", i, "id"),
                    "id.duplicate",
                    f"declaration id {raw['id']!r} is already used",
                )
            seen.add(raw["id"])
            result.append(Declaration(raw["id"], Text(**raw["text"])))
        return {"declarations": tuple(result)}
