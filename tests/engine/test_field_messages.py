"""Error messages of field types: the label as written, every placeholder filled.

Two defects a new user hit (issue 7): an upload refused by a content check said "…must
be a {accept}" (normal and group file fields, both languages), and English messages
lower-cased the label ("Select you are applying as"). The first one's cases are rows of
the message table in test_validate.py."""

from __future__ import annotations

from khidma.definitions.model import ServiceDefinition
from khidma.engine import messages
from khidma.engine.errors import FieldError


def test_messages_use_the_label_as_written(permit: ServiceDefinition) -> None:
    """Every code of every field, in English: the label appears exactly as the service
    wrote it (a label such as "You are applying as" is not the start of a sentence)."""
    checked = 0
    for field in permit.all_fields():
        if field.label is None:
            continue
        label = field.label.en
        for code in messages.CODES:
            text = messages.MESSAGES[code].en
            if "{label" not in text or code == "required.unlabelled":
                continue
            error = FieldError(field.id, code, {"min": 1, "max": 2, "step": 5, "name": "x"})
            shown = error.message(permit, "en")
            assert label in shown, (code, shown)
            checked += 1
    assert checked > 100


def test_no_message_lower_cases_a_label() -> None:
    assert not any(
        "label_lc" in text.en or "label_lc" in text.ar for text in messages.MESSAGES.values()
    )
