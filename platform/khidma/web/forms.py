"""A wizard step as a WTForms form built at runtime, and the view of each field.

WTForms draws the controls: each field type becomes a WTForms field whose validators'
flags (`required`, `maxlength`, `minlength`) become the HTML attributes, so the markup and
the definition say the same thing. The engine, not WTForms, decides what is valid: the
same rules serve a form post, an API post and the final check at submit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from wtforms import (
    Field as WTField,
)
from wtforms import (
    FileField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms import validators as v
from wtforms.fields.choices import SelectChoice
from wtforms.form import BaseForm
from wtforms.widgets import CheckboxInput, ListWidget

from khidma.definitions.model import Field, Option, ServiceDefinition
from khidma.engine.display import display_value
from khidma.engine.errors import FieldError
from khidma.engine.evaluate import State
from khidma.engine.prefill import is_locked
from khidma.web.i18n import current_lang, tr

INPUT_TYPES = {
    "email": "email",
    "mobile": "tel",
    "date": "date",
    "time": "time",
    "appointment": "datetime-local",
}
INPUT_MODES = {"number": "decimal", "integer": "numeric", "national_id": "numeric", "mobile": "tel"}


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

    @property
    def type(self) -> str:
        return self.field.type_name

    @property
    def block_id(self) -> str:
        return "block-" + self.name

    @property
    def error_id(self) -> str:
        return "error-" + self.name

    @property
    def hint_id(self) -> str:
        return "hint-" + self.name


def _wtforms_field(view: FieldView) -> WTField:
    f = view.field
    required = view.required and not view.locked
    checks: list[Any] = [v.InputRequired() if required else v.Optional()]
    if f.setting("max_length"):
        checks.append(v.Length(min=f.setting("min_length") or -1, max=f.setting("max_length")))
    kind = f.type_name
    choices = [SelectChoice(o.value, tr(o.label)) for o in view.options]
    render: dict[str, Any] = {}
    if kind in INPUT_TYPES:
        render["type"] = INPUT_TYPES[kind]
    if kind in INPUT_MODES:
        render["inputmode"] = INPUT_MODES[kind]
    if kind == "national_id":
        render.update(maxlength=14, autocomplete="off", dir="ltr")
    if kind in ("mobile", "email"):
        render.update(dir="ltr", autocomplete="tel" if kind == "mobile" else "email")
    if f.placeholder:
        render["placeholder"] = tr(f.placeholder)
    if kind == "select":
        return SelectField(
            choices=[SelectChoice("", "—"), *choices], validators=checks, render_kw=render
        )
    if kind in ("radio", "yes_no"):
        if kind == "yes_no":
            arabic = current_lang() == "ar"
            yes, no = f.setting("yes_label"), f.setting("no_label")
            choices = [
                SelectChoice("yes", tr(yes) if yes else ("نعم" if arabic else "Yes")),
                SelectChoice("no", tr(no) if no else ("لا" if arabic else "No")),
            ]
        return RadioField(choices=choices, validators=checks, render_kw=render)
    if kind == "checkboxes":
        return SelectMultipleField(
            choices=choices,
            validators=checks,
            render_kw=render,
            widget=ListWidget(prefix_label=False),
            option_widget=CheckboxInput(),
        )
    if kind == "file":
        render["accept"] = ",".join(
            {
                "pdf": ".pdf,application/pdf",
                "jpeg": ".jpg,.jpeg,image/jpeg",
                "png": ".png,image/png",
                "webp": ".webp,image/webp",
                "docx": ".docx",
                "xlsx": ".xlsx",
            }[k]
            for k in f.setting("accept", ("pdf", "jpeg", "png"))
        )
        many = (f.setting("max_files") or 1) > 1
        return (MultipleFileField if many else FileField)(
            validators=[v.Optional()], render_kw=render
        )
    if kind == "textarea":
        render["rows"] = f.setting("rows") or 5
        return TextAreaField(validators=checks, render_kw=render)
    return StringField(validators=checks, render_kw=render)


def build_form(views: list[FieldView]) -> BaseForm:
    """The WTForms form of a page: one control per visible, editable input."""
    controls: dict[str, WTField] = {}
    data: dict[str, Any] = {}
    for view in _inputs(views):
        controls[view.name] = _wtforms_field(view)
        data[view.name] = _control_value(view)
    form = BaseForm(controls)
    form.process(data=data)
    return form


def _inputs(views: list[FieldView]) -> list[FieldView]:
    found = []
    for view in views:
        if view.type == "group":
            for row in view.items:
                found.extend(_inputs(row))
        elif view.field.type.holds_value and view.type not in ("computed", "hidden"):
            found.append(view)
    return found


def _control_value(view: FieldView) -> Any:
    value = view.value
    if view.type == "yes_no" and isinstance(value, bool):
        return "yes" if value else "no"
    if view.type == "checkboxes":
        return list(value or [])
    if view.type == "file":
        return None
    return "" if value is None else value


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
    views = []
    for f in fields:
        view = _view(f, None, None, state, answers.get(f.id), refused, messages, lang)
        if f.type_name == "group":
            items = answers.get(f.id) or []
            for index, item in enumerate(items):
                view.items.append(
                    [
                        _view(
                            child, index, f.id, state, item.get(child.id), refused, messages, lang
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
) -> FieldView:
    name = input_name(f.id, item, group)
    path = f.id if item is None else f"{group}.{item}.{f.id}"
    value = state.values.get(f.id) if item is None and f.type_name == "computed" else answer
    shown = refused.get(path, value)
    return FieldView(
        field=f,
        name=name,
        visible=state.is_visible(f.id, item, group),
        required=state.is_required(f.id, item, group),
        value=shown,
        display=display_value(f, value, lang) if value not in (None, [], "") else "",
        error=messages.get(path),
        options=tuple(state.options_for(f.id, item, group) or ()),
        item=item,
        locked=is_locked(f),
    )
