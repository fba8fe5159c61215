"""What every field type shares: the base class, the registry, and the pieces of schema
and value handling that several types reuse.

A field type is a class whose attributes say everything that is true of every field of
that type; the engine, the web layer and the renderer read those attributes instead of
asking for the type's name. Nothing here imports Flask or a database: the web side of a
type is data (`Web`), which `khidma.web.forms` and the templates turn into controls.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any
from typing import ClassVar
from typing import Literal
from typing import Protocol

from khidma.bilingual import Text
from khidma.registry import Registry


class OptionSpec(Protocol):
    """What a field type reads of an option (`definitions.model.Option` is one)."""

    @property
    def value(self) -> str: ...
    @property
    def label(self) -> Text: ...


class FieldSpec(Protocol):
    """What a field type reads of a compiled field (`definitions.model.Field` is one).
    The types name this, not the model, so that the model may name the types."""

    @property
    def id(self) -> str: ...
    @property
    def type(self) -> type[FieldType]: ...
    @property
    def options(self) -> tuple[OptionSpec, ...] | None: ...
    @property
    def fields(self) -> tuple[FieldSpec, ...]: ...
    @property
    def prefill(self) -> str | None: ...
    def setting(self, key: str, default: Any = None) -> Any: ...


def setting_text(field: FieldSpec, key: str) -> Text | None:
    """A bilingual setting of the field (`unit`, `yes_label`, `pattern_message`,
    `item_title`…) as `Text`; None when the field does not have it."""
    return Text.coerce(field.setting(key))


JSON = dict[str, Any]
Words = tuple[str, str]  # (Arabic, English)

TEXT: JSON = {"$ref": "#/$defs/text"}
EXPR: JSON = {"$ref": "#/$defs/expression"}
ID: JSON = {"$ref": "#/$defs/id"}

PREFILL_SOURCES = (
    "national_id",
    "full_name_ar",
    "full_name_en",
    "first_name_ar",
    "family_name_ar",
    "mobile",
    "email",
    "date_of_birth",
    "date_of_birth_hijri",
    "nationality",
    "gender",
)


def key(schema: JSON, description: str) -> JSON:
    """A schema key with its `description`, which editors show as hover help."""
    return {**schema, "description": description}


# Keys every field that holds an answer accepts.
COMMON_INPUT: JSON = {
    "id": key(ID, "The field's id: unique in the service, the name expressions use."),
    "type": key({"type": "string"}, "The field type (text, number, date, select, …)."),
    "label": key(TEXT, "What the applicant reads beside the control, in Arabic and English."),
    "hint": key(TEXT, "A line of help shown under the label."),
    "placeholder": key(TEXT, "Example text shown inside an empty control."),
    "default": key({}, "The value the field starts with."),
    "prefill": key(
        {"enum": list(PREFILL_SOURCES)},
        "An identity claim of the signed-in applicant that fills the field.",
    ),
    "readonly": key({"type": "boolean"}, "Shown but not editable (a prefilled value)."),
    "required": key({"type": "boolean"}, "An answer must be given."),
    "visible_when": key(EXPR, "An expression: the field is shown only when it is true."),
    "required_when": key(EXPR, "An expression: the field is required only when it is true."),
    "rules": key(
        {"type": "array", "items": {"$ref": "#/$defs/rule"}},
        "Extra checks: each an expression `check` and the `message` shown when it is false.",
    ),
}


class InvalidValue(ValueError):
    """Raised by a normaliser: the input cannot become a value. `code` and `params` are
    those of the resulting `FieldError`; `text` (a `Text`) overrides the catalogue's
    message."""

    def __init__(self, code: str, text: Any = None, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params: dict[str, Any] = params
        self.text = text


@dataclass(frozen=True)
class ValueContext:
    """What a normaliser may need besides the field and the input: the date bounds are
    relative to `today`; `options` are the options allowed now (after `options_filter`),
    None meaning all of the field's options."""

    today: dt.date
    options: tuple[OptionSpec, ...] | None = None


Posted = Literal["single", "several", "files", "items", "none"]


@dataclass(frozen=True)
class Web:
    """The web side of a type, as data. `template` draws the field's block (under
    `renderer/templates/`, or any folder the app's template loader searches); `posted`
    says how the browser sends it: one value, several values of one name (checkboxes),
    uploads, a group's items, or nothing. `input_type`/`inputmode`/`attributes` are the
    HTML attributes of a single `<input>`."""

    template: str = "wizard/fields/input.html"
    posted: Posted = "single"
    input_type: str = "text"
    inputmode: str | None = None
    attributes: Mapping[str, str] = dc_field(default_factory=dict)


def setting_words(field: FieldSpec, name: str, lang: str) -> str | None:
    """A bilingual setting (`unit`, `yes_label`, …) in `lang`: compiled settings hold a
    `Text` or an `{ar, en}` mapping; both answer `.get(lang)`."""
    value = field.setting(name)
    if value is None or not hasattr(value, "get"):
        return None
    text = value.get(lang)
    return None if text is None else str(text)


def join_words(parts: list[str], lang: str) -> str:
    return ("، " if lang == "ar" else ", ").join(parts)


# Control characters, and the Unicode direction embeddings, overrides and isolates
# (U+202A–202E, U+2066–2069) that reorder what is shown ("abc\u202edcba… fdp.exe" reads
# "…exe.pdf"), as file names drop them too. The marks U+200E/U+200F stay: they reorder
# nothing around them.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")

SummaryKind = Literal["row", "files", "table", "none"]


class FieldType:
    """What every field of one type has in common. Subclasses set the class attributes
    and override the methods that differ; every method is a classmethod because a type
    is never instantiated (the compiled `Field` carries the per-field settings)."""

    name: ClassVar[str]
    summary: ClassVar[str]  # one line, for docs and `khidma schema`
    holds_value: ClassVar[bool] = True  # False for display-only blocks
    takes_input: ClassVar[bool] = True  # False when no input is ever taken (computed)
    value_shape: ClassVar[str] = "scalar"  # "scalar" | "list" | "items" | "files"
    has_options: ClassVar[bool] = False
    family_keys: ClassVar[JSON] = {}  # keys a family of types shares (options)
    keys: ClassVar[JSON] = {}
    required_keys: ClassVar[tuple[str, ...]] = ("id", "type", "label")
    # Keys of COMMON_INPUT the type does not accept.
    without_keys: ClassVar[tuple[str, ...]] = ()
    # The messages of the codes the type's normaliser raises, code → (Arabic, English).
    messages: ClassVar[Mapping[str, Words]] = {}
    # Which wording of "required" fits: None ("Enter …"), "choose" ("Select …"), "yes_no".
    required_variant: ClassVar[str | None] = None
    required_code: ClassVar[str] = "required"
    # How the review, the PDF, the e-mail and the JSON export show an answer: one row,
    # a list of files, a table of items, or not at all; `listed` rows split on new lines.
    summary_kind: ClassVar[SummaryKind] = "row"
    summary_listed: ClassVar[bool] = False
    # The page shows the answer in words under the control (a date's Hijri day).
    display_hint: ClassVar[bool] = False
    # An identity claim (`prefill`) can fill it: a claim is one scalar.
    prefillable: ClassVar[bool] = True
    # Its value comes from a default or an identity claim, never from the applicant.
    always_locked: ClassVar[bool] = False
    # The applicant may change it from the review page.
    changeable: ClassVar[bool] = True
    # A valid raw input and the value it becomes, for tests of every type.
    example: ClassVar[Any] = None
    web: ClassVar[Web] = Web()
    # the applicant's contact this type holds ("email", "mobile"): where a request's
    # e-mail goes when the account has none
    contact: ClassVar[str | None] = None
    # a request's subject line names the first answers of this type (a centre, a branch)
    names_subject: ClassVar[bool] = False

    @classmethod
    def from_claim(cls, field: FieldSpec, claim: Any) -> Any:
        """An identity claim as this type's raw input, before it is normalised (the date
        type reads a Hijri birth date); by default the claim as it is."""
        return claim

    @classmethod
    def schema(cls) -> JSON:
        if cls.holds_value:
            base = {k: v for k, v in COMMON_INPUT.items() if k not in cls.without_keys}
        else:
            base = {"id": COMMON_INPUT["id"], "type": COMMON_INPUT["type"]}
        base.update(cls.family_keys)
        base.update(cls.keys)
        base["type"] = {"const": cls.name, "description": cls.summary}
        return {
            "type": "object",
            "description": cls.summary,
            "properties": base,
            "required": list(cls.required_keys),
            "additionalProperties": False,
        }

    @classmethod
    def empty_value(cls) -> Any:
        """The value expressions see for an unanswered field of this type."""
        return [] if cls.value_shape in ("list", "items", "files") else None

    @classmethod
    def normalise(cls, field: FieldSpec, raw: Any, ctx: ValueContext) -> Any:
        """The stored value of non-empty `raw`, or `InvalidValue`. Accepts its own output."""
        raise NotImplementedError(f"field type {cls.name!r} has no normaliser")

    @classmethod
    def message_params(cls, field: FieldSpec, params: dict[str, Any], lang: str) -> dict[str, Any]:
        """The parameters of an error message of this type, put in words for `lang`
        (a date bound as a date, file kinds as a list)."""
        return params

    @classmethod
    def display(cls, field: FieldSpec, value: Any, lang: str) -> str:
        """The plain text of a non-empty stored value; never raises for an odd value."""
        if isinstance(value, (list, tuple)):
            return join_words([str(v) for v in value], lang)
        return str(value)

    @classmethod
    def export(cls, value: Any) -> Any:
        """The answer in the JSON export: stored answers are already JSON."""
        return value

    @classmethod
    def control_value(cls, value: Any) -> Any:
        """What the control shows for a stored value (or the refused input)."""
        return "" if value is None else value

    @classmethod
    def input_attributes(cls, field: FieldSpec) -> dict[str, Any]:
        """The HTML attributes of the control that do not change between requests (its
        `type` is `web.input_type`, written by the template)."""
        attrs: dict[str, Any] = dict(cls.web.attributes)
        if cls.web.inputmode:
            attrs["inputmode"] = cls.web.inputmode
        return attrs

    @classmethod
    def choices(
        cls, field: FieldSpec, options: tuple[OptionSpec, ...], lang: str
    ) -> tuple[tuple[str, str], ...]:
        """The (value, words) pairs the applicant chooses among: the options allowed now."""
        return tuple((option.value, option.label.get(lang)) for option in options)


class FieldTypeRegistry(Registry[FieldType]):
    """Name → field type. Refuses two types with one name; tests may build their own."""

    what = "field type"

    def as_mapping(self) -> Mapping[str, type[FieldType]]:
        return dict(self._items)

    def with_types(self, *types: type[FieldType]) -> FieldTypeRegistry:
        """A new registry holding these types and `types` (a test's own type)."""
        return FieldTypeRegistry((*self, *types))
