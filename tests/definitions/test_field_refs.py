"""`blocks.base.check_field`: what a block reports for a key naming a field — the one
check `booking` and the test `reminders` block share (a plug-in's block may use it too)."""

from __future__ import annotations

from typing import Any

import pytest

from khidma.definitions.blocks.base import check_field
from khidma.definitions.blocks.base import closest
from khidma.definitions.yamlsource import Path


class Reports:
    """The part of `Compiling` that `check_field` uses: the fields, and `report`."""

    def __init__(self, **types: str) -> None:
        self.raw_fields = {
            fid: ({"id": fid, "type": t}, ("steps",), None) for fid, t in types.items()
        }
        self.problems: list[tuple[Path, str, str, str]] = []

    def report(
        self, path: Path, code: str, message: str, hint: str = "", **_: Any
    ) -> tuple[int, int]:
        self.problems.append((path, code, message, hint))
        return 1, 1


PATH: Path = ("booking", "resource_field")


@pytest.mark.parametrize(
    ("field_id", "types", "expected"),
    [
        ("branch", ("select", "radio"), []),
        (
            "branches",
            ("select", "radio"),
            [(PATH, "booking.unknown-field", "no field 'branches'", "did you mean 'branch'?")],
        ),
        (
            "zzz",
            ("select", "radio"),
            [(PATH, "booking.unknown-field", "no field 'zzz'", "name a select or a radio field")],
        ),
        (
            "name",
            ("select", "radio"),
            [
                (
                    PATH,
                    "booking.field-type",
                    "field 'name' is of type text",
                    "it must be a select or a radio field",
                )
            ],
        ),
        (
            "name",
            ("appointment",),
            [
                (
                    PATH,
                    "booking.field-type",
                    "field 'name' is of type text",
                    "it must be an appointment field",
                )
            ],
        ),
        ("name", (), []),  # any type
        ("zzz", (), [(PATH, "booking.unknown-field", "no field 'zzz'", "name a field")]),
    ],
)
def test_a_named_field_must_exist_and_be_of_a_named_type(
    field_id: str, types: tuple[str, ...], expected: list[tuple[Path, str, str, str]]
) -> None:
    c = Reports(branch="select", name="text")
    check_field(c, PATH, field_id, types, "booking")  # type: ignore[arg-type]
    assert c.problems == expected


def test_closest_is_the_likely_typo_or_none() -> None:
    assert closest("visit_dya", ["visitors", "visit_day"]) == "visit_day"
    assert closest("zzz", ["visitors", "visit_day"]) is None
    assert closest("x", []) is None
