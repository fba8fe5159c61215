"""Every field type's normaliser: a table of (field snippet, input, stored value or error).

Each snippet is compiled as a real one-field service, so the table also shows how a
definition's keys (`min`, `accept`, `pattern`…) reach the engine.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any

import pytest
import yaml
from tests.drivers import service_yaml

from khidma.definitions.loader import compile_text
from khidma.definitions.model import Field
from khidma.engine.errors import InvalidValue
from khidma.engine.values import is_empty
from khidma.engine.values import normalise
from khidma.fields import FieldType
from khidma.fields import registry

TODAY = dt.date(2026, 3, 15)
SHA = "a" * 64
OPTIONS = [
    {"value": "red", "label": {"ar": "أحمر", "en": "Red"}},
    {"value": "green", "label": {"ar": "أخضر", "en": "Green"}},
    {"value": "blue", "label": {"ar": "أزرق", "en": "Blue"}},
]
LABEL = {"ar": "حقل", "en": "Field"}
BOOKING = {
    "resource_field": "branch",
    "slot_field": "f",
    "schedule": {"sun": ["08:00-12:00"]},
    "slot_minutes": 15,
    "capacity_per_slot": 1,
    "window": {"max_days_ahead": 30},
}


@functools.cache
def _compiled(snippet_json: str) -> Field:
    snippet = {"id": "f", **json.loads(snippet_json)}
    if snippet["type"] != "info":
        snippet.setdefault("label", LABEL)
    fields = [snippet]
    blocks: dict[str, Any] = {"steps": [{"id": "s", "title": LABEL, "fields": fields}]}
    if snippet["type"] == "appointment":
        fields.append({"id": "branch", "type": "select", "label": LABEL, "options": OPTIONS})
        blocks["booking"] = BOOKING
    text = service_yaml("values_test", yaml.safe_dump(blocks, allow_unicode=True))
    return compile_text(text, "<values>").field("f")


def field_of(snippet: dict[str, Any]) -> Field:
    return _compiled(json.dumps(snippet, sort_keys=True))


def ref(name: str = "a.pdf", size: int = 1000, kind: str = "pdf", **extra: Any) -> dict[str, Any]:
    return {"id": f"blob-{name}", "name": name, "size": size, "kind": kind, "sha256": SHA, **extra}


TEXT = {"type": "text"}
CHOICE = {"type": "select", "options": OPTIONS}
CHECKS = {"type": "checkboxes", "options": OPTIONS}
GROUP = {"type": "group", "fields": [{"id": "c", "type": "text", "label": LABEL}]}

GOOD: list[tuple[dict[str, Any], Any, Any]] = [
    # text and textarea
    (TEXT, "  Salma  ", "Salma"),
    (TEXT, "two\nlines", "two lines"),
    (TEXT, "bell\x07", "bell"),
    ({"type": "text", "max_length": 5}, "12345", "12345"),
    ({"type": "text", "min_length": 2}, "ab", "ab"),
    ({"type": "text", "pattern": "^[0-9]{5}$"}, "١٢٣٤٥", "12345"),  # Arabic keyboard digits
    ({"type": "textarea"}, " line 1\r\nline 2 ", "line 1\nline 2"),
    # number
    ({"type": "number"}, "12.5", 12.5),
    ({"type": "number"}, "١٢٫٥", 12.5),  # Eastern Arabic digits, Arabic decimal separator
    ({"type": "number"}, "1,500.25", 1500.25),
    ({"type": "number"}, "١٬٥٠٠", 1500.0),
    ({"type": "number"}, "-3", -3.0),
    ({"type": "number"}, 7, 7.0),
    ({"type": "number"}, 7.25, 7.25),
    ({"type": "number", "decimals": 2}, "3.10", 3.1),
    ({"type": "number", "min": 0, "max": 10}, "10", 10.0),
    # integer
    ({"type": "integer"}, "42", 42),
    ({"type": "integer"}, "٤٢", 42),
    ({"type": "integer"}, " 12.0 ", 12),
    ({"type": "integer"}, 5, 5),
    ({"type": "integer"}, 5.0, 5),
    ({"type": "integer", "min": 1, "max": 50}, "50", 50),
    # email
    ({"type": "email"}, " Name.Surname@Example.COM ", "Name.Surname@example.com"),
    ({"type": "email"}, "a+tag@sub.domain.sa", "a+tag@sub.domain.sa"),
    # mobile
    ({"type": "mobile"}, "05 0123 4567", "+966501234567"),
    ({"type": "mobile"}, "٠٥٠١٢٣٤٥٦٧", "+966501234567"),
    ({"type": "mobile"}, "+966501234567", "+966501234567"),
    # national_id
    ({"type": "national_id"}, "١٠٠٠٠٠٠٠٠٨", "1000000008"),
    ({"type": "national_id", "accept": ["citizen"]}, " 1000000008 ", "1000000008"),
    # date
    ({"type": "date"}, "2026-02-28", "2026-02-28"),
    ({"type": "date", "min": "today-730d"}, "2024-03-15", "2024-03-15"),  # the bound itself
    ({"type": "date"}, "٢٠٢٦-٠٣-١٥", "2026-03-15"),
    ({"type": "date"}, {"day": "5", "month": "3", "year": "2026"}, "2026-03-05"),
    ({"type": "date", "min": "today", "max": "today+30d"}, "2026-04-14", "2026-04-14"),
    ({"type": "date", "min": "today-730d", "max": "today"}, "2024-03-16", "2024-03-16"),
    ({"type": "date", "min": "2000-01-01"}, "2000-01-01", "2000-01-01"),
    # time
    ({"type": "time"}, "9:05", "09:05"),
    ({"type": "time"}, "٠٩:٣٠", "09:30"),
    ({"type": "time"}, "14:30:00", "14:30"),
    ({"type": "time", "min": "08:00", "max": "16:00", "step_minutes": 30}, "15:30", "15:30"),
    # select / radio
    (CHOICE, "green", "green"),
    (CHOICE, " blue ", "blue"),
    ({"type": "radio", "options": OPTIONS}, "red", "red"),
    # checkboxes
    (CHECKS, ["blue", "red"], ["red", "blue"]),
    (CHECKS, "green", ["green"]),
    (CHECKS, ["red", "red"], ["red"]),
    ({**CHECKS, "max_selected": 2}, ["red", "blue"], ["red", "blue"]),
    # yes_no
    ({"type": "yes_no"}, "yes", True),
    ({"type": "yes_no"}, "No", False),
    ({"type": "yes_no"}, True, True),
    ({"type": "yes_no"}, "false", False),
    # file
    ({"type": "file"}, [ref()], [ref()]),
    ({"type": "file"}, ref(), [ref()]),
    ({"type": "file"}, [ref(extra="dropped")], [ref()]),
    (
        {"type": "file", "max_files": 2, "accept": ["pdf", "png"]},
        [ref(), ref("b.png", kind="png")],
        [ref(), ref("b.png", kind="png")],
    ),
    ({"type": "file", "max_size_mb": 1}, [ref(size=1024 * 1024)], [ref(size=1024 * 1024)]),
    # appointment
    ({"type": "appointment"}, "2026-03-22T09:15", "2026-03-22T09:15"),
    ({"type": "appointment"}, "2026-03-22 09:15", "2026-03-22T09:15"),
    # hidden
    ({"type": "hidden"}, " web ", "web"),
    ({"type": "hidden"}, 3, 3),
    # group: structure only
    (GROUP, [{"c": "x", "unknown": 1}, {}], [{"c": "x"}, {}]),
    (GROUP, {"1": {"c": "b"}, "0": {"c": "a"}}, [{"c": "a"}, {"c": "b"}]),
    # computed: never from input
    ({"type": "computed", "expression": "1 + 1"}, "99", None),
]

BAD: list[tuple[dict[str, Any], Any, str]] = [
    (TEXT, 12, "text.invalid"),
    ({"type": "text", "min_length": 3}, "ab", "text.too_short"),
    ({"type": "text", "max_length": 3}, "abcd", "text.too_long"),
    ({"type": "textarea", "max_length": 3}, "a\nbcd", "text.too_long"),
    ({"type": "text", "pattern": "^[0-9]{5}$"}, "1234", "text.pattern"),
    ({"type": "text", "pattern": "[0-9]{5}"}, "x12345", "text.pattern"),  # the whole value
    ({"type": "number"}, "twelve", "number.invalid"),
    ({"type": "number"}, "1e5", "number.invalid"),
    ({"type": "number"}, "12,5", "number.invalid"),
    ({"type": "number"}, "1.2.3", "number.invalid"),
    ({"type": "number"}, True, "number.invalid"),
    ({"type": "number"}, float("nan"), "number.invalid"),
    ({"type": "number"}, float("inf"), "number.invalid"),
    ({"type": "number"}, "9" * 20, "number.too_large"),
    ({"type": "number", "decimals": 1}, "1.25", "number.decimals"),
    ({"type": "number", "min": 1}, "0.5", "number.too_small"),
    ({"type": "number", "max": 10}, "10.01", "number.too_large"),
    ({"type": "integer"}, "12.5", "integer.invalid"),
    ({"type": "integer"}, "abc", "integer.invalid"),
    ({"type": "integer"}, [1], "integer.invalid"),
    ({"type": "integer", "min": 1}, "0", "number.too_small"),
    ({"type": "integer", "max": 50}, "٥١", "number.too_large"),
    ({"type": "email"}, "name@", "email.invalid"),
    ({"type": "email"}, "name@example", "email.invalid"),
    ({"type": "email"}, "two@@example.com", "email.invalid"),
    ({"type": "email"}, "a b@example.com", "email.invalid"),
    ({"type": "email"}, ".a@example.com", "email.invalid"),
    ({"type": "email", "max_length": 10}, "abcdef@example.com", "text.too_long"),
    ({"type": "mobile"}, "0112345678", "mobile.invalid"),
    ({"type": "mobile"}, "+971501234567", "mobile.not_saudi"),
    ({"type": "mobile"}, True, "mobile.invalid"),
    ({"type": "national_id"}, "12345", "national_id.length"),
    ({"type": "national_id"}, 1000000008, "national_id.length"),
    ({"type": "national_id"}, "3000000004", "national_id.prefix"),
    ({"type": "national_id"}, "1000000007", "national_id.checksum"),
    ({"type": "national_id", "accept": ["resident"]}, "1000000008", "national_id.not_accepted"),
    ({"type": "date"}, "2026-02-30", "date.invalid"),
    ({"type": "date"}, "15/03/2026", "date.invalid"),
    ({"type": "date"}, "20260315", "date.invalid"),
    ({"type": "date"}, {"day": "31", "month": "4", "year": "2026"}, "date.invalid"),
    ({"type": "date"}, {"day": "x"}, "date.invalid"),
    ({"type": "date"}, 20260315, "date.invalid"),
    ({"type": "date", "min": "today+1d"}, "2026-03-15", "date.too_early"),
    ({"type": "date", "max": "today"}, "2026-03-16", "date.too_late"),
    ({"type": "date", "min": "today-730d"}, "2024-03-14", "date.too_early"),
    ({"type": "time"}, "24:00", "time.invalid"),
    ({"type": "time"}, "9.30", "time.invalid"),
    ({"type": "time"}, "09:60", "time.invalid"),
    ({"type": "time", "min": "08:00"}, "07:59", "time.out_of_range"),
    ({"type": "time", "max": "16:00"}, "16:01", "time.out_of_range"),
    ({"type": "time", "min": "08:00", "step_minutes": 30}, "08:45", "time.step"),
    (CHOICE, "purple", "option.invalid"),
    (CHOICE, ["red"], "option.invalid"),
    (CHOICE, "Red", "option.invalid"),
    ({"type": "radio", "options": OPTIONS}, 1, "option.invalid"),
    (CHECKS, ["red", "pink"], "option.invalid"),
    (CHECKS, [1], "option.invalid"),
    ({**CHECKS, "min_selected": 2}, ["red"], "checkboxes.too_few"),
    ({**CHECKS, "max_selected": 1}, ["red", "blue"], "checkboxes.too_many"),
    ({"type": "yes_no"}, "maybe", "yes_no.invalid"),
    ({"type": "yes_no"}, 1, "yes_no.invalid"),
    ({"type": "file"}, "a.pdf", "file.invalid"),
    ({"type": "file"}, [{"name": "a.pdf"}], "file.invalid"),
    ({"type": "file"}, [ref(size=-1)], "file.invalid"),
    ({"type": "file"}, [{**ref(), "sha256": "xyz"}], "file.invalid"),
    ({"type": "file"}, [ref(size=0)], "file.empty"),
    ({"type": "file", "accept": ["pdf"]}, [ref("a.png", kind="png")], "file.type"),
    ({"type": "file", "max_size_mb": 1}, [ref(size=1024 * 1024 + 1)], "file.too_large"),
    ({"type": "file"}, [ref(), ref("b.pdf")], "file.too_many"),  # one file unless max_files
    ({"type": "file", "max_files": 2}, [ref(), ref("b"), ref("c")], "file.too_many"),
    ({"type": "appointment"}, "2026-03-22", "appointment.invalid"),
    ({"type": "appointment"}, "2026-02-30T09:00", "appointment.invalid"),
    ({"type": "appointment"}, "2026-03-22T25:00", "appointment.invalid"),
    ({"type": "hidden"}, {"a": 1}, "value.invalid"),
    (GROUP, "x", "value.invalid"),
    (GROUP, ["x"], "value.invalid"),
]


def _case_id(case: tuple[dict[str, Any], Any, Any]) -> str:
    return f"{case[0]['type']}:{case[1]!r:.30}"


@pytest.mark.parametrize(("snippet", "raw", "expected"), GOOD, ids=[_case_id(c) for c in GOOD])
def test_good_input_is_normalised(snippet: dict[str, Any], raw: Any, expected: Any) -> None:
    field = field_of(snippet)
    value = normalise(field, raw, today=TODAY)
    assert value == expected
    assert type(value) is type(expected)
    # Normalised values are accepted again unchanged: submissions are re-checked with them.
    assert normalise(field, value, today=TODAY) == value


@pytest.mark.parametrize(("snippet", "raw", "code"), BAD, ids=[_case_id(c) for c in BAD])
def test_bad_input_is_refused_with_a_code(snippet: dict[str, Any], raw: Any, code: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        normalise(field_of(snippet), raw, today=TODAY)
    assert caught.value.code == code


@pytest.mark.parametrize("type_name", sorted(registry.names()))
@pytest.mark.parametrize("raw", [None, "", "   ", []])
def test_empty_input_is_the_empty_value(type_name: str, raw: Any) -> None:
    snippet: dict[str, Any] = {"type": type_name}
    if registry[type_name].has_options:
        snippet["options"] = OPTIONS
    if type_name == "group":
        snippet["fields"] = [{"id": "c", "type": "text", "label": LABEL}]
    if type_name == "computed":
        snippet["expression"] = "1"
    if type_name == "info":
        snippet = {"type": "info", "content": LABEL}
    field = field_of(snippet)
    assert normalise(field, raw, today=TODAY) == field.type.empty_value()


def test_every_type_that_takes_input_has_its_own_normaliser() -> None:
    for field_type in registry:
        if field_type.takes_input and field_type.holds_value:
            assert field_type.normalise.__func__ is not FieldType.normalise.__func__, field_type


def test_every_registered_type_has_a_case_in_the_tables() -> None:
    covered = {snippet["type"] for snippet, _, _ in GOOD + BAD}
    assert set(registry.names()) - {"info"} <= covered


def test_options_allowed_now_are_the_filtered_ones() -> None:
    field = field_of(CHOICE)
    allowed = tuple(o for o in field.options or () if o.value != "red")
    assert normalise(field, "blue", today=TODAY, options=allowed) == "blue"
    with pytest.raises(InvalidValue) as caught:
        normalise(field, "red", today=TODAY, options=allowed)
    assert caught.value.code == "option.invalid"


def test_date_bounds_move_with_today() -> None:
    field = field_of({"type": "date", "min": "today", "max": "today+30d"})
    assert normalise(field, "2026-04-14", today=TODAY) == "2026-04-14"
    with pytest.raises(InvalidValue) as caught:
        normalise(field, "2026-04-14", today=dt.date(2026, 3, 1))
    assert caught.value.code == "date.too_late"
    assert caught.value.params == {"max": "2026-03-31"}


def test_pattern_message_of_the_definition_is_carried() -> None:
    field = field_of(
        {"type": "text", "pattern": "^[0-9]{5}$", "pattern_message": {"ar": "خمسة", "en": "Five"}}
    )
    with pytest.raises(InvalidValue) as caught:
        normalise(field, "12", today=TODAY)
    assert caught.value.text is not None and caught.value.text.en == "Five"


@pytest.mark.parametrize(
    ("value", "empty"),
    [(None, True), ("", True), (" \n", True), ([], True), ({}, True), (0, False), (False, False)],
)
def test_is_empty(value: Any, empty: bool) -> None:
    assert is_empty(value) is empty
