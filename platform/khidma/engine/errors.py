"""Errors in the applicant's answers: where they are, their stable code, their message.

A `FieldError` names the input it belongs to (a top-level field, or a child field of one
item of a group), a code from `khidma.engine.messages`, the parameters of the message and
— so that the form can show again exactly what was typed — the raw input that was refused.
Errors are data: they can be compared in tests and serialised for the JSON API
(`as_dict`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from khidma.definitions.model import EMPTY
from khidma.definitions.model import Field
from khidma.definitions.model import ServiceDefinition
from khidma.definitions.model import Text
from khidma.engine import messages
from khidma.engine.display import setting_text
from khidma.fields import InvalidValue

__all__ = ["FieldError", "InvalidValue"]

# how much of a declaration the error list quotes to say which one is meant
EXCERPT_WORDS = 8


@dataclass(frozen=True)
class FieldError:
    """One problem with one input.

    `field_id` is the top-level field (for a group child: the group, with `item_index`
    the 0-based item and `child_id` the child field; for a declaration: its id). `text`,
    when set, is the definition's own message (a rule's `message`, a `pattern_message`)
    and wins over the catalogue. `raw` is what the applicant sent for that input when the
    value was refused (None when the value itself was fine, e.g. a failed rule)."""

    field_id: str
    code: str
    params: Mapping[str, Any] = field(default_factory=lambda: EMPTY)
    item_index: int | None = None
    child_id: str | None = None
    text: Text | None = None
    raw: Any = field(default=None, compare=False)

    @property
    def input_id(self) -> str:
        """The id of the field the error is shown beside."""
        return self.child_id or self.field_id

    @property
    def path(self) -> str:
        """`field_id`, or `group.index.child` for a group child; `group.index` for an item."""
        if self.item_index is None:
            return self.field_id
        tail = f".{self.child_id}" if self.child_id else ""
        return f"{self.field_id}.{self.item_index}{tail}"

    def message(self, definition: ServiceDefinition, lang: str, *, in_summary: bool = False) -> str:
        """The translated message. With `in_summary` (the error list at the top of the
        page) an error inside a group item starts with the item's title and number, and a
        declaration not accepted quotes the declaration's first words."""
        target = _field(definition, self.input_id)
        if self.text is not None:
            text = self.text.get(lang)
        else:
            params = _params(self, target, lang)
            text = messages.message(
                self.code,
                lang,
                params,
                variant=_variant(self, target),
                field_type=target.type if target is not None else None,
            )
        if in_summary and target is None and self.code == "declaration.required":
            text = f"{text}: {_declaration_excerpt(definition, self.field_id, lang)}"
        if in_summary and self.item_index is not None:
            group = _field(definition, self.field_id)
            title = (setting_text(group, "item_title") or group.label) if group else None
            prefix = title.get(lang) if title is not None else self.field_id
            text = f"{prefix} {self.item_index + 1}: {text}"
        return text

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (without the message, which depends on the language)."""
        return {
            "field": self.field_id,
            "item": self.item_index,
            "child": self.child_id,
            "code": self.code,
            "params": dict(self.params),
        }


def _declaration_excerpt(definition: ServiceDefinition, declaration_id: str, lang: str) -> str:
    """The declaration's first words, quoted: the error list at the top of the page is far
    from the checkbox, so it says which declaration is meant."""
    found = next((d for d in definition.declarations if d.id == declaration_id), None)
    if found is None:
        return declaration_id
    words = found.text.get(lang).split()
    excerpt = " ".join(words[:EXCERPT_WORDS]) + ("…" if len(words) > EXCERPT_WORDS else "")
    return f"«{excerpt}»" if lang == "ar" else f"“{excerpt}”"


def _field(definition: ServiceDefinition, field_id: str) -> Field | None:
    return definition.field(field_id) if definition.has_field(field_id) else None


def _variant(error: FieldError, target: Field | None) -> str | None:
    if error.code == "required":
        if target is None or target.label is None:
            return "unlabelled"
        return target.type.required_variant
    if error.code == "national_id.not_accepted":
        accept: Any = error.params.get("accept") or ()
        return str(accept[0]) if len(accept) == 1 else None
    return None


def _params(error: FieldError, target: Field | None, lang: str) -> dict[str, Any]:
    params: dict[str, Any] = dict(error.params)
    if target is not None and target.label is not None:
        label = target.label.get(lang)
    else:
        label = "هذا الحقل" if lang == "ar" else "This field"
    params["label"] = label  # as written: a label is not a sentence to re-case
    return target.type.message_params(target, params, lang) if target is not None else params
