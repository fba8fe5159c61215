"""`review`: the page where the applicant reads the answers again before submitting."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from typing import ClassVar

from khidma.definitions.blocks.base import JSON
from khidma.definitions.blocks.base import TEXT
from khidma.definitions.blocks.base import Block
from khidma.definitions.blocks.base import Compiling
from khidma.definitions.blocks.base import obj
from khidma.definitions.common import Text


class ReviewBlock(Block):
    name = "review"
    summary = "The review page before submitting (default: enabled)."
    properties: ClassVar[JSON] = {
        "review": obj({"enabled": {"type": "boolean"}, "title": TEXT, "intro": TEXT}),
    }
    descriptions: ClassVar[Mapping[str, str]] = {
        "review": "The review page before submitting (default: enabled).",
        "review/enabled": "Whether the applicant reviews the answers before submitting.",
        "review/title": "The review page's title.",
        "review/intro": "A paragraph shown at the top of the review page.",
    }

    @classmethod
    def compile(cls, c: Compiling) -> Mapping[str, Any]:
        review = c.data.get("review", {})
        return {
            "review_enabled": review.get("enabled", True),
            "review_title": Text.of(review.get("title")),
            "review_intro": Text.of(review.get("intro")),
        }
