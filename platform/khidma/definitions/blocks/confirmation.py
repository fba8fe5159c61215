"""`confirmation`: the page shown once a request is submitted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from typing import ClassVar

from khidma.definitions import defaults
from khidma.definitions.blocks.base import JSON
from khidma.definitions.blocks.base import TEXT
from khidma.definitions.blocks.base import Block
from khidma.definitions.blocks.base import Compiling
from khidma.definitions.blocks.base import check_placeholders
from khidma.definitions.blocks.base import obj
from khidma.definitions.common import Text


class ConfirmationBlock(Block):
    name = "confirmation"
    summary = "The page shown after submitting (default: the platform's own)."
    properties: ClassVar[JSON] = {
        "confirmation": obj({"title": TEXT, "body": TEXT}, ["body"]),
    }
    descriptions: ClassVar[Mapping[str, str]] = {
        "confirmation": "The page shown after submitting (default: the platform's own).",
        "confirmation/title": "The confirmation page's title.",
        "confirmation/body": "What the applicant reads after submitting.",
    }

    @classmethod
    def compile(cls, c: Compiling) -> Mapping[str, Any]:
        confirmation = c.data.get("confirmation")
        for part in ("title", "body"):
            check_placeholders(
                c,
                ("confirmation", part),
                (confirmation or {}).get(part),
                defaults.CONFIRMATION_PLACEHOLDERS,
                "confirmation.unknown-placeholder",
            )
        return {
            "confirmation": (Text.of(confirmation.get("title")), Text(**confirmation["body"]))
            if confirmation
            else None
        }
