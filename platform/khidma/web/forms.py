"""The view of each field of a wizard page: what its template needs to draw it.

A field's type says, as data, how it is drawn (`FieldType.web.template`), how it is
posted and which attributes its control has; this module gathers that with the field's
state (visible, required, value, error, options) into a `FieldView`. The controls are
drawn with plain Jinja from the type's template: building WTForms fields and calling their
widgets per request cost more than the page's whole evaluation, and the engine, not a
form library, decides what is valid (the same rules serve a form post, an API post and
the final check at submit). The attributes that never change for a compiled field —
input type, `inputmode`, `maxlength`, `accept`, `rows`, placeholder — are worked out once
per compiled step (`step_controls`, keyed by the definition version), not per request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from types import MappingProxyType
from typing import Any

from khidma.definitions.model import Field
from khidma.definitions.model import Option
from khidma.definitions.model import ServiceDefinition
from khidma.engine.display import display_value
from khidma.engine.errors import FieldError
from khidma.engine.evaluate import State
from khidma.engine.prefill import is_locked

Attributes = Mapping[str, Any]
_NO_ATTRIBUTES: Attributes = MappingProxyType({})


def input_name(field_id: str, item: int | None = None, group: str | None = None) -> str:
    """The form name of an input: `field`, or `group-2-child` inside a group's item."""
    return field_id if item is None else f"{group}-{item}-{field_id}"


@dataclass
class FieldView:
    """Everything a template needs to draw one field."""

    field: Field
    name: str
    visible: bool
    required: bool
    value: Any  # what to show in the control: the answer, or the refused input
    display: str  # the answer as text (read-only fields, computed values)
    error: str | None = None
    options: tuple[Option, ...] = ()
    item: int | None = None
    items: list[list[FieldView]] = dc_field(default_factory=list)  # group: one row per item
    locked: bool = False
    attrs: Attributes = dc_field(default_factory=lambda: _NO_ATTRIBUTES)  # fixed attributes
    choices: tuple[tuple[str, str], ...] = ()  # (value, words) of radio buttons, boxes

    def is_chosen(self, value: str) -> bool:
        shown = self.control
        return value in shown if isinstance(shown, list) else value == shown

    @property
    def type(self) -> str:
        return self.field.type_name

    @property
    def template(self) -> str:
        return self.field.type.web.template

    @property
    def control(self) -> Any:
        """The value the control shows (`yes`/`no` for a yes/no answer, a list of
        checked values, nothing for a file input)."""
        return self.field.type.control_value(self.value)

    @property
    def block_id(self) -> str:
        return "block-" + self.name

    @property
    def error_id(self) -> str:
        return "error-" + self.name

    @property
    def hint_id(self) -> str:
        return "hint-" + self.name


# (definition id, version hash) → field id → fixed attributes. Definitions are compiled
# once and every version is kept, so this holds a bounded set; a reload adds a version.
_CONTROLS: dict[tuple[str, str], dict[str, Attributes]] = {}


def step_controls(definition: ServiceDefinition) -> Mapping[str, Attributes]:
    """The fixed HTML attributes of every input of `definition`, by field id, worked out
    once per definition version."""
    key = (definition.id, definition.hash)
    found = _CONTROLS.get(key)
    if found is None:
        found = {f.id: _fixed_attributes(f) for f in definition.all_fields()}
        _CONTROLS[key] = found
    return found


def _fixed_attributes(f: Field) -> Attributes:
    return f.type.input_attributes(f)


def field_views(
    definition: ServiceDefinition,
    fields: tuple[Field, ...],
    state: State,
    answers: Mapping[str, Any],
    refused: Mapping[str, Any],
    errors: list[FieldError],
    lang: str,
) -> list[FieldView]:
    """Views of `fields` (a step's) for the current answers and errors."""
    messages = {e.path: e.message(definition, lang) for e in errors}
    controls = step_controls(definition)
    views = []
    for f in fields:
        view = _view(f, None, None, state, answers.get(f.id), refused, messages, lang, controls)
        if f.type.web.posted == "items":
            items = answers.get(f.id) or []
            for index, item in enumerate(items):
                view.items.append(
                    [
                        _view(
                            child,
                            index,
                            f.id,
                            state,
                            item.get(child.id),
                            refused,
                            messages,
                            lang,
                            controls,
                        )
                        for child in f.fields
                    ]
                )
        views.append(view)
    return views


def _view(
    f: Field,
    item: int | None,
    group: str | None,
    state: State,
    answer: Any,
    refused: Mapping[str, Any],
    messages: Mapping[str, str],
    lang: str,
    controls: Mapping[str, Attributes],
) -> FieldView:
    name = input_name(f.id, item, group)
    path = f.id if item is None else f"{group}.{item}.{f.id}"
    # A value no one types (a computed one) is the engine's, not the stored answer.
    value = state.values.get(f.id) if item is None and not f.type.takes_input else answer
    shown = refused.get(path, value)
    options = tuple(state.options_for(f.id, item, group) or ())
    return FieldView(
        field=f,
        name=name,
        visible=state.is_visible(f.id, item, group),
        required=state.is_required(f.id, item, group),
        value=shown,
        display=display_value(f, value, lang) if value not in (None, [], "") else "",
        error=messages.get(path),
        options=options,
        item=item,
        locked=is_locked(f),
        attrs=controls.get(f.id, _NO_ATTRIBUTES),
        choices=f.type.choices(f, options, lang),
    )
