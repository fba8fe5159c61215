"""`kind`, `id`, `version`, `agency`: which service this is and whose."""

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
from khidma.definitions.blocks.base import obj
from khidma.definitions.common import Text


@dataclass(frozen=True)
class Agency:
    id: str
    name: Text


class ServiceBlock(Block):
    name = "service"
    summary = "Which service the file defines, its version and the agency that owns it."
    required = ("id", "version", "agency")
    properties: ClassVar[JSON] = {
        "kind": {"const": "service"},
        "id": ID,
        "version": {
            "type": ["string", "integer"],
            "pattern": r"^[0-9]+(\.[0-9]+){0,2}$",
            "minimum": 1,
        },
        "agency": obj({"id": ID, "name": TEXT}, ["id", "name"]),
    }
    descriptions: ClassVar[Mapping[str, str]] = {
        "kind": "What the file is: `service` (the default) or, in a shared lists file, `lists`.",
        "id": "The service's id: lower-case letters, digits and _, unique on the platform.",
        "version": 'A version label: N, N.N or N.N.N ("1.2"); versions differ by content hash.',
        "agency": "The agency that owns the service: `id` and `name`.",
        "agency/id": "The agency's id; staff accounts belong to an agency by this id.",
        "agency/name": "The agency's name, in Arabic and English.",
    }

    @classmethod
    def compile(cls, c: Compiling) -> Mapping[str, Any]:
        d = c.data
        return {
            "id": d["id"],
            "version": str(d["version"]),
            "agency": Agency(d["agency"]["id"], Text(**d["agency"]["name"])),
        }
