"""A block the platform does not have, kept with the tests: `reminders` says on which
days before a date answer the applicant is reminded. One module, like any block: its
schema keys with their descriptions, its model, its compile."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import ClassVar

from khidma.definitions.blocks import Block
from khidma.definitions.blocks import Compiling
from khidma.definitions.blocks.base import ID
from khidma.definitions.blocks.base import JSON
from khidma.definitions.blocks.base import array
from khidma.definitions.blocks.base import check_field
from khidma.definitions.blocks.base import obj


@dataclass(frozen=True)
class Reminders:
    field: str
    days_before: tuple[int, ...]  # the earliest reminder first


class RemindersBlock(Block):
    name = "reminders"
    summary = "Reminders sent some days before a date the applicant gave."
    properties: ClassVar[JSON] = {
        "reminders": obj(
            {
                "field": ID,
                "days_before": array(
                    {"type": "integer", "minimum": 1, "maximum": 30}, 1, uniqueItems=True
                ),
            },
            ["field", "days_before"],
        )
    }
    descriptions: ClassVar[Mapping[str, str]] = {
        "reminders": "Reminders sent some days before a date the applicant gave.",
        "reminders/field": "The date field the reminders count back from.",
        "reminders/days_before": "How many days before that date each reminder goes (1–30).",
    }

    @classmethod
    def compile(cls, c: Compiling) -> Mapping[str, Any]:
        raw = c.data.get("reminders")
        if raw is None:
            return {}
        check_field(c, ("reminders", "field"), raw["field"], ("date",), "reminders")
        days = tuple(sorted(raw["days_before"], reverse=True))
        return {"reminders": Reminders(raw["field"], days)}
