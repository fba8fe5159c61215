"""`steps`: the pages of the form and their fields. Every field is indexed by id first
(ids are unique across the service, groups included), so that every block and every
expression may name any field; then each compiles, with the checks its keys need that
the schema cannot make (options, ranges, dates, defaults, patterns, prefill).

Its model, `Step` and `Field`, is the core of `model.py`: the field types and the engine
read it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any
from typing import ClassVar
from typing import Protocol
from typing import cast

from khidma.definitions import defaults
from khidma.definitions.blocks.base import EXPR
from khidma.definitions.blocks.base import ID
from khidma.definitions.blocks.base import JSON
from khidma.definitions.blocks.base import TEXT
from khidma.definitions.blocks.base import Block
from khidma.definitions.blocks.base import Compiling
from khidma.definitions.blocks.base import array
from khidma.definitions.blocks.base import check_option_values
from khidma.definitions.blocks.base import closest
from khidma.definitions.blocks.base import listing
from khidma.definitions.blocks.base import obj
from khidma.definitions.common import freeze
from khidma.definitions.common import parse_options
from khidma.definitions.errors import YAML_BOOLEAN_HINT
from khidma.definitions.errors import impossible_date_hint
from khidma.definitions.model import Field
from khidma.definitions.model import Option
from khidma.definitions.model import Rule
from khidma.definitions.model import Step
from khidma.definitions.model import Text
from khidma.definitions.yamlsource import Path
from khidma.fields import FieldTypeRegistry

_DATE_BOUND = re.compile(r"^today([+-]\d+)d$")
# The keys every field may have; the others are its type's settings (`Field.settings`).
_COMMON_KEYS = frozenset(
    {
        "id",
        "type",
        "label",
        "hint",
        "placeholder",
        "default",
        "prefill",
        "readonly",
        "required",
        "visible_when",
        "required_when",
        "rules",
        "options",
        "options_from",
        "options_filter",
        "expression",
        "fields",
        "content",
        "title",
    }
)


class _Fields(Compiling, Protocol):
    types: FieldTypeRegistry  # the field types the service may use


class StepsBlock(Block):
    name = "steps"
    summary = "The pages of the form, in order, each with its fields."
    required = ("steps",)
    properties: ClassVar[JSON] = {
        "steps": array(
            obj(
                {
                    "id": ID,
                    "title": TEXT,
                    "intro": TEXT,
                    "visible_when": EXPR,
                    "fields": array({"$ref": "#/$defs/field"}, 1),
                },
                ["id", "title", "fields"],
            ),
            1,
        ),
    }
    descriptions: ClassVar[Mapping[str, str]] = {
        "steps": "The pages of the form, in order (at least one).",
        "steps/id": "The step's id (unique in the service; it appears in the wizard's URL).",
        "steps/title": "The step's title, shown above its fields and in the progress bar.",
        "steps/intro": "A paragraph shown under the step's title.",
        "steps/visible_when": "A CEL condition: the step is shown only when it is true.",
        "steps/fields": "The fields of the step, in order (at least one).",
    }

    @classmethod
    def index(cls, c: Compiling) -> None:
        _collect_fields(_with_types(c))

    @classmethod
    def compile(cls, c: Compiling) -> Mapping[str, Any]:
        return {"steps": _steps(_with_types(c))}


def _with_types(c: Compiling) -> _Fields:
    # The compiler has the field types; `Compiling` does not name them because the
    # blocks' base must not import the field types (which annotate with the model).
    return cast(_Fields, c)


def _setting(value: Any) -> Any:
    """A type-specific key's value: bilingual texts become `Text`, the rest is frozen."""
    if isinstance(value, dict) and set(value) == {"ar", "en"}:
        return Text(value["ar"], value["en"])
    return freeze(value)


def _collect_fields(c: _Fields) -> None:
    """Index every field by id (ids are unique across the whole service)."""
    seen_steps: set[str] = set()
    for s, step in enumerate(c.data["steps"]):
        if step["id"] in seen_steps:
            c.report(("steps", s, "id"), "id.duplicate", f"step id {step['id']!r} is used twice")
        seen_steps.add(step["id"])
        for i, raw in enumerate(step["fields"]):
            path: Path = ("steps", s, "fields", i)
            _index_field(c, raw, path, None)
            items = c.types[raw["type"]].value_shape == "items"
            for j, child in enumerate(raw.get("fields", ()) if items else ()):
                _index_field(c, child, (*path, "fields", j), raw["id"])


def _index_field(c: _Fields, raw: dict[str, Any], path: Path, group: str | None) -> None:
    field_id = raw["id"]
    if field_id in c.raw_fields:
        first = c.located.where(c.raw_fields[field_id][1])
        c.report(
            (*path, "id"),
            "id.duplicate",
            f"field id {field_id!r} is already used (line {first[0]})",
            "ids are unique across the whole service, groups included",
        )
        return
    if field_id in defaults.BUILTIN_NAMES or field_id in ("item", "option"):
        c.report(
            (*path, "id"),
            "id.reserved",
            f"{field_id!r} is a reserved name",
            "choose another id",
        )
        return
    c.raw_fields[field_id] = (raw, path, group)


def _steps(c: _Fields) -> tuple[Step, ...]:
    steps = []
    for s, raw_step in enumerate(c.data["steps"]):
        fields = tuple(
            _field(c, raw, ("steps", s, "fields", i), raw_step["id"], None)
            for i, raw in enumerate(raw_step["fields"])
        )
        steps.append(
            Step(
                id=raw_step["id"],
                title=Text(**raw_step["title"]),
                fields=fields,
                intro=Text.of(raw_step.get("intro")),
                visible_when=c.expr(raw_step, "visible_when", ("steps", s), None, "top"),
            )
        )
    return tuple(steps)


def _field(c: _Fields, raw: dict[str, Any], path: Path, step: str, group: str | None) -> Field:
    ftype = c.types[raw["type"]]
    where = "item" if group else "top"
    options = None
    if ftype.has_options:
        options = _field_options(c, raw, path)
    children: tuple[Field, ...] = ()
    if ftype.value_shape == "items":
        if group is not None:
            c.report(
                (*path, "type"),
                "group.nested",
                f"group {raw['id']!r} is inside group {group!r}",
                "groups cannot be nested; flatten the inner group",
            )
        else:
            children = tuple(
                _field(c, child, (*path, "fields", j), step, raw["id"])
                for j, child in enumerate(raw["fields"])
            )
    _field_ranges(c, raw, path)
    _field_semantics(c, raw, path, options)
    rules = tuple(
        r
        for r in (
            _rule(c, rule, (*path, "rules", k), where)
            for k, rule in enumerate(raw.get("rules", ()))
        )
        if r is not None
    )
    settings = {k: _setting(v) for k, v in raw.items() if k not in _COMMON_KEYS}
    if raw["type"] == "info":
        settings["content"] = Text(**raw["content"])
        settings["title"] = Text.of(raw.get("title"))
    return Field(
        id=raw["id"],
        type=ftype,
        step=step,
        label=Text.of(raw.get("label")),
        hint=Text.of(raw.get("hint")),
        placeholder=Text.of(raw.get("placeholder")),
        default=raw.get("default"),
        prefill=raw.get("prefill"),
        readonly=raw.get("readonly", False),
        required=raw.get("required", False),
        visible_when=c.expr(raw, "visible_when", path, None, where),
        required_when=c.expr(raw, "required_when", path, None, where),
        rules=rules,
        options=options,
        options_from=raw.get("options_from"),
        options_filter=c.expr(
            raw,
            "options_filter",
            path,
            raw.get("options_from"),
            where,
            option_list=raw.get("options"),
        ),
        expression=c.expr(raw, "expression", path, None, where),
        fields=children,
        group=group,
        settings=MappingProxyType(settings),
    )


def _field_options(c: _Fields, raw: dict[str, Any], path: Path) -> tuple[Option, ...] | None:
    if "options" in raw and "options_from" in raw:
        c.report(
            (*path, "options_from"),
            "options.both",
            f"field {raw['id']!r} has both 'options' and 'options_from'",
            "keep one of them",
            key=True,
        )
        return None
    if "options" in raw:
        check_option_values(c, raw["options"], (*path, "options"))
        return parse_options(raw["options"])
    if "options_from" in raw:
        name = raw["options_from"]
        if name not in c.lists:
            close = closest(name, c.lists)
            c.report(
                (*path, "options_from"),
                "list.unknown",
                f"no option list named {name!r}",
                (f"did you mean {close!r}? " if close else "")
                + listing("lists", c.lists)
                + (" — or define it under 'lists' or in a shared lists file" if not close else ""),
            )
            return None
        return c.lists[name]
    c.report(
        path,
        "options.missing",
        f"{raw['type']} field {raw['id']!r} has no options",
        "add 'options' (a list) or 'options_from' (a list name)",
    )
    return None


def _field_ranges(c: _Fields, raw: dict[str, Any], path: Path) -> None:
    pairs = [
        ("min_length", "max_length"),
        ("min_items", "max_items"),
        ("min_selected", "max_selected"),
    ]
    if raw["type"] in ("number", "integer", "time"):
        pairs.append(("min", "max"))
    for low, high in pairs:
        if low in raw and high in raw and raw[low] > raw[high]:
            c.report(
                (*path, low),
                "range.inverted",
                f"{low} ({raw[low]}) is greater than {high} ({raw[high]})",
                f"make {low} at most {high}",
            )
    if raw["type"] == "date":
        bounds = {
            key: _date_bound(c, raw[key], (*path, key)) for key in ("min", "max") if key in raw
        }
        early, late = bounds.get("min"), bounds.get("max")
        # only bounds of one kind compare: two fixed dates, or two offsets from today
        if early and late and early[0] == late[0] and early[1] > late[1]:
            c.report(
                (*path, "min"),
                "range.inverted",
                f"min ({raw['min']}) is after max ({raw['max']})",
            )
    options = raw.get("options") if raw["type"] == "checkboxes" else None
    if options and raw.get("min_selected", 0) > len(options):
        c.report(
            (*path, "min_selected"),
            "range.inverted",
            "min_selected is more than the number of options",
        )


def _date_bound(c: _Fields, text: str, path: Path) -> tuple[str, int] | None:
    """A date bound for ordering: ("relative", days from today) or ("fixed", ordinal)."""
    if text == "today":
        return ("relative", 0)
    relative = _DATE_BOUND.match(text)
    if relative:
        return ("relative", int(relative.group(1)))
    try:
        return ("fixed", dt.date.fromisoformat(text).toordinal())
    except ValueError:
        c.report(
            path,
            "date.invalid",
            f"{text!r} is not a real date",
            impossible_date_hint(text) + "; or use 'today' or 'today+30d'",
        )
        return None


def _field_semantics(
    c: _Fields, raw: dict[str, Any], path: Path, options: tuple[Option, ...] | None
) -> None:
    ftype = raw["type"]
    if raw.get("required") and "required_when" in raw:
        c.report(
            (*path, "required_when"),
            "required.conflict",
            f"field {raw['id']!r} is both always required and required_when",
            "drop 'required: true' or the condition",
            key=True,
        )
    if "prefill" in raw and not c.types[ftype].prefillable:
        c.report(
            (*path, "prefill"),
            "prefill.unsupported",
            f"a {ftype} field cannot be prefilled from the identity",
            key=True,
        )
    if (
        raw.get("readonly")
        and raw.get("required")
        and "default" not in raw
        and "prefill" not in raw
    ):
        c.report(
            (*path, "readonly"),
            "field.unfillable",
            f"field {raw['id']!r} is required and read-only but has no default or prefill",
            "give it a default or a prefill source, or make it editable",
            key=True,
        )
    if "pattern" in raw:
        try:
            re.compile(raw["pattern"])
        except re.error as exc:
            c.report(
                (*path, "pattern"),
                "pattern.invalid",
                f"the pattern is not a valid regular expression: {exc}",
            )
    if "default" in raw and options is not None:
        values = {o.value for o in options}
        chosen = raw["default"] if isinstance(raw["default"], list) else [raw["default"]]
        for value in chosen:
            if str(value) not in values:
                c.report(
                    (*path, "default"),
                    "default.not-an-option",
                    f"default {value!r} is not one of the field's options",
                    (YAML_BOOLEAN_HINT + "; " if isinstance(value, bool) else "")
                    + listing("options", [o.value for o in options], sort=False),
                )
    if "default" in raw and ftype in ("integer", "number"):
        value = raw["default"]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            c.report((*path, "default"), "default.type", f"default {value!r} is not a number")
        elif ("min" in raw and value < raw["min"]) or ("max" in raw and value > raw["max"]):
            c.report(
                (*path, "default"),
                "default.out-of-range",
                f"default {value} is outside min/max",
            )
    if ftype == "appointment" and "booking" not in c.data:
        c.report(
            (*path, "type"),
            "booking.missing",
            f"appointment field {raw['id']!r} needs a 'booking' block in the service",
        )


def _rule(c: _Fields, raw: dict[str, Any], path: Path, where: str) -> Rule | None:
    check = c.expr(raw, "check", path, None, where)
    return Rule(check, Text(**raw["message"])) if check is not None else None
