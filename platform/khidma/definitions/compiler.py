"""Turn schema-valid service data into a `ServiceDefinition`, checking what the schema
cannot: references between parts, expressions, cycles, ranges, duplicates.

Every check reports a `Problem` with a stable code and the place in the file; the compiler
goes on after a problem so that one run shows them all. It only runs on data the JSON
Schema accepted, so it may rely on shapes, never on meaning.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import itertools
import json
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from khidma import expressions
from khidma.definitions import defaults, typecheck
from khidma.definitions.errors import YAML_BOOLEAN_HINT, Problem, impossible_date_hint
from khidma.definitions.model import (
    Agency,
    Booking,
    BookingRule,
    Declaration,
    Fees,
    Field,
    Instructions,
    Notification,
    Option,
    Rule,
    ServiceDefinition,
    SignIn,
    Status,
    Step,
    Text,
    Transition,
    Workflow,
)
from khidma.definitions.yamlsource import Located, Path
from khidma.fields import FieldTypeRegistry
from khidma.fields import registry as default_registry

HOST_FUNCTIONS = frozenset({"lookup"})
_LOOKUP = re.compile(r"\blookup\s*\(\s*(\"[^\"]*\"|'[^']*'|[^,)]*)")
_MEMBER = re.compile(r"\b(item|option)\s*\.\s*([A-Za-z_]\w*)")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_DATE_BOUND = re.compile(r"^today([+-]\d+)d$")
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


def digest(data: Any) -> str:
    """sha256 of the canonical JSON of `data`: the same for the same meaning, whatever the
    YAML's comments, order of keys or layout."""
    canonical = json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def content_hash(data_digest: str, list_digests: Mapping[str, str]) -> str:
    """Identity of a definition version: its data and the shared lists it uses."""
    lists = ",".join(f"{name}={value}" for name, value in sorted(list_digests.items()))
    return hashlib.sha256(f"{data_digest}|{lists}".encode()).hexdigest()


def list_digest(options: Iterable[Option]) -> str:
    return digest(
        [
            {"value": o.value, "label": {"ar": o.label.ar, "en": o.label.en}, **_thaw(o.attributes)}
            for o in options
        ]
    )


def parse_options(raw: Iterable[Mapping[str, Any]]) -> tuple[Option, ...]:
    return tuple(
        Option(
            str(o["value"]),
            Text(o["label"]["ar"], o["label"]["en"]),
            MappingProxyType({k: _freeze(v) for k, v in o.items() if k not in ("value", "label")}),
        )
        for o in raw
    )


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _setting(value: Any) -> Any:
    """A type-specific key's value: bilingual texts become `Text`, the rest is frozen."""
    if isinstance(value, dict) and set(value) == {"ar", "en"}:
        return Text(value["ar"], value["en"])
    return _freeze(value)


def _texts(raw: Iterable[Mapping[str, str]] | None) -> tuple[Text, ...]:
    return tuple(Text(t["ar"], t["en"]) for t in raw or ())


class Compiler:
    """Compiles one service file. Use `compile_service`."""

    def __init__(
        self,
        located: Located,
        file: str,
        shared_lists: Mapping[str, tuple[Option, ...]],
        types: FieldTypeRegistry,
        list_digests: Mapping[str, str] | None = None,
    ) -> None:
        self.list_digests = list_digests or {}
        self.located = located
        self.data: dict[str, Any] = located.data
        self.file = file
        self.types = types
        self.problems: list[Problem] = []
        self.shared_lists = shared_lists
        self.lists: dict[str, tuple[Option, ...]] = dict(shared_lists)
        self.raw_fields: dict[str, tuple[dict[str, Any], Path, str | None]] = {}
        self.compiled_exprs: dict[Path, expressions.Expression] = {}
        self._scopes: dict[str, frozenset[str]] = {}
        self._attributes: dict[str, frozenset[str]] = {}
        self._service_types: typecheck.ServiceTypes | None = None

    # -- reporting -------------------------------------------------------------------
    def report(
        self,
        path: Path,
        code: str,
        message: str,
        hint: str = "",
        *,
        key: bool = False,
        column_offset: int = 0,
        after: tuple[int, int] | None = None,
    ) -> tuple[int, int]:
        """Record a problem at `path`; `after` is the place of the problem causing it.
        Returns the place, for problems caused by this one."""
        line, col = self.located.where(path, key=key)
        self.problems.append(
            Problem(self.file, line, col + column_offset, code, message, hint, after)
        )
        return line, col + column_offset

    # -- entry -----------------------------------------------------------------------
    def compile(self) -> ServiceDefinition | None:
        self._collect_lists()
        self._collect_fields()
        steps = self._steps()
        workflow = self._workflow()
        booking = self._booking()
        fees = self._fees()
        notifications = self._notifications(workflow)
        self._confirmation()
        declarations = self._declarations()
        affects, order = self._dependencies()
        if self.problems:
            return None
        d = self.data
        instructions = d.get("instructions")
        review = d.get("review", {})
        confirmation = d.get("confirmation")
        sign_in = d.get("sign_in", {"required": True})
        duration = d.get("duration")
        used = sorted(self._used_shared_lists())
        list_digests = {
            name: self.list_digests[name]
            if name in self.list_digests
            else list_digest(self.shared_lists[name])
            for name in used
        }
        fields = {f.id: f for s in steps for top in s.fields for f in (top, *top.fields)}
        return ServiceDefinition(
            id=d["id"],
            version=str(d["version"]),
            hash=content_hash(self.located.digest or digest(d), list_digests),
            source=self.file,
            agency=Agency(d["agency"]["id"], Text(**d["agency"]["name"])),
            title=Text(**d["title"]),
            summary=Text(**d["summary"]),
            description=Text(**d["description"]),
            steps=steps,
            workflow=workflow,
            sign_in=SignIn(
                required=sign_in["required"],
                methods=tuple(sign_in.get("methods", ("national_sso", "local_account"))),
                note=Text.of(sign_in.get("note")),
            ),
            fees=fees,
            keywords=tuple(d.get("keywords", ())),
            audience=d.get("audience", "individuals"),
            beneficiaries=tuple(d.get("beneficiaries", ())),
            duration=Text.of(duration["text"]) if duration else None,
            sla_days=duration.get("sla_days") if duration else None,
            channels=tuple(
                (Text(**c["name"]), Text.of(c.get("detail"))) for c in d.get("channels", ())
            ),
            terms=_texts(d.get("terms")),
            required_documents=_texts(d.get("required_documents")),
            instructions=Instructions(
                Text(**instructions["title"]),
                _texts(instructions["items"]),
                Text(**instructions.get("accept_label", defaults.DEFAULT_INSTRUCTIONS_ACCEPT)),
            )
            if instructions
            else None,
            rating_enabled=d.get("rating", {}).get("enabled", True),
            review_enabled=review.get("enabled", True),
            review_title=Text.of(review.get("title")),
            review_intro=Text.of(review.get("intro")),
            declarations=declarations,
            confirmation=(Text.of(confirmation.get("title")), Text(**confirmation["body"]))
            if confirmation
            else None,
            booking=booking,
            notifications=notifications,
            lists=MappingProxyType(dict(self.lists)),
            affects=MappingProxyType(affects),
            evaluation_order=order,
            raw=MappingProxyType(d),
            shared_lists_used=tuple(used),
            _fields=MappingProxyType(fields),
        )

    # -- lists -----------------------------------------------------------------------
    def _collect_lists(self) -> None:
        for name, options in self.data.get("lists", {}).items():
            if name in self.shared_lists:
                self.report(
                    ("lists", name),
                    "list.duplicate",
                    f"list {name!r} is also defined in a shared lists file",
                    "rename the local list or use the shared one",
                    key=True,
                )
                continue
            self._check_option_values(options, ("lists", name))
            self.lists[name] = parse_options(options)

    def _check_option_values(self, options: list[dict[str, Any]], path: Path) -> None:
        seen: set[str] = set()
        for i, option in enumerate(options):
            value = option["value"]
            if value in seen:
                self.report(
                    (*path, i, "value"),
                    "option.duplicate",
                    f"option value {value!r} appears twice in this list",
                )
            seen.add(value)

    def _used_shared_lists(self) -> set[str]:
        used = {
            raw["options_from"]
            for raw, _, _ in self.raw_fields.values()
            if raw.get("options_from") in self.shared_lists
        }
        for expr in self.compiled_exprs.values():
            used.update(n for n in _lookup_targets(expr.source) if n in self.shared_lists)
        return used

    # -- fields ----------------------------------------------------------------------
    def _collect_fields(self) -> None:
        """Index every field by id (ids are unique across the whole service)."""
        seen_steps: set[str] = set()
        for s, step in enumerate(self.data["steps"]):
            if step["id"] in seen_steps:
                self.report(
                    ("steps", s, "id"), "id.duplicate", f"step id {step['id']!r} is used twice"
                )
            seen_steps.add(step["id"])
            for i, raw in enumerate(step["fields"]):
                path: Path = ("steps", s, "fields", i)
                self._index_field(raw, path, None)
                items = self.types[raw["type"]].value_shape == "items"
                for j, child in enumerate(raw.get("fields", ()) if items else ()):
                    self._index_field(child, (*path, "fields", j), raw["id"])

    def _index_field(self, raw: dict[str, Any], path: Path, group: str | None) -> None:
        field_id = raw["id"]
        if field_id in self.raw_fields:
            first = self.located.where(self.raw_fields[field_id][1])
            self.report(
                (*path, "id"),
                "id.duplicate",
                f"field id {field_id!r} is already used (line {first[0]})",
                "ids are unique across the whole service, groups included",
            )
            return
        if field_id in defaults.BUILTIN_NAMES or field_id in ("item", "option"):
            self.report(
                (*path, "id"),
                "id.reserved",
                f"{field_id!r} is a reserved name",
                "choose another id",
            )
            return
        self.raw_fields[field_id] = (raw, path, group)

    def _steps(self) -> tuple[Step, ...]:
        steps = []
        for s, raw_step in enumerate(self.data["steps"]):
            fields = tuple(
                self._field(raw, ("steps", s, "fields", i), raw_step["id"], None)
                for i, raw in enumerate(raw_step["fields"])
            )
            steps.append(
                Step(
                    id=raw_step["id"],
                    title=Text(**raw_step["title"]),
                    fields=fields,
                    intro=Text.of(raw_step.get("intro")),
                    visible_when=self._expr(raw_step, "visible_when", ("steps", s), None, "top"),
                )
            )
        return tuple(steps)

    def _field(self, raw: dict[str, Any], path: Path, step: str, group: str | None) -> Field:
        ftype = self.types[raw["type"]]
        where = "item" if group else "top"
        options = None
        if ftype.has_options:
            options = self._field_options(raw, path)
        children: tuple[Field, ...] = ()
        if ftype.value_shape == "items":
            if group is not None:
                self.report(
                    (*path, "type"),
                    "group.nested",
                    f"group {raw['id']!r} is inside group {group!r}",
                    "groups cannot be nested; flatten the inner group",
                )
            else:
                children = tuple(
                    self._field(child, (*path, "fields", j), step, raw["id"])
                    for j, child in enumerate(raw["fields"])
                )
        self._field_ranges(raw, path)
        self._field_semantics(raw, path, options)
        rules = tuple(
            r
            for r in (
                self._rule(rule, (*path, "rules", k), where)
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
            visible_when=self._expr(raw, "visible_when", path, None, where),
            required_when=self._expr(raw, "required_when", path, None, where),
            rules=rules,
            options=options,
            options_from=raw.get("options_from"),
            options_filter=self._expr(
                raw,
                "options_filter",
                path,
                raw.get("options_from"),
                where,
                option_list=raw.get("options"),
            ),
            expression=self._expr(raw, "expression", path, None, where),
            fields=children,
            group=group,
            settings=MappingProxyType(settings),
        )

    def _field_options(self, raw: dict[str, Any], path: Path) -> tuple[Option, ...] | None:
        if "options" in raw and "options_from" in raw:
            self.report(
                (*path, "options_from"),
                "options.both",
                f"field {raw['id']!r} has both 'options' and 'options_from'",
                "keep one of them",
                key=True,
            )
            return None
        if "options" in raw:
            self._check_option_values(raw["options"], (*path, "options"))
            return parse_options(raw["options"])
        if "options_from" in raw:
            name = raw["options_from"]
            if name not in self.lists:
                close = difflib.get_close_matches(name, list(self.lists), n=1)
                self.report(
                    (*path, "options_from"),
                    "list.unknown",
                    f"no option list named {name!r}",
                    (f"did you mean {close[0]!r}? " if close else "")
                    + _listing("lists", self.lists)
                    + (
                        " — or define it under 'lists' or in a shared lists file"
                        if not close
                        else ""
                    ),
                )
                return None
            return self.lists[name]
        self.report(
            path,
            "options.missing",
            f"{raw['type']} field {raw['id']!r} has no options",
            "add 'options' (a list) or 'options_from' (a list name)",
        )
        return None

    def _field_ranges(self, raw: dict[str, Any], path: Path) -> None:
        pairs = [
            ("min_length", "max_length"),
            ("min_items", "max_items"),
            ("min_selected", "max_selected"),
        ]
        if raw["type"] in ("number", "integer", "time"):
            pairs.append(("min", "max"))
        for low, high in pairs:
            if low in raw and high in raw and raw[low] > raw[high]:
                self.report(
                    (*path, low),
                    "range.inverted",
                    f"{low} ({raw[low]}) is greater than {high} ({raw[high]})",
                    f"make {low} at most {high}",
                )
        if raw["type"] == "date":
            bounds = {
                key: self._date_bound(raw[key], (*path, key))
                for key in ("min", "max")
                if key in raw
            }
            early, late = bounds.get("min"), bounds.get("max")
            # only bounds of one kind compare: two fixed dates, or two offsets from today
            if early and late and early[0] == late[0] and early[1] > late[1]:
                self.report(
                    (*path, "min"),
                    "range.inverted",
                    f"min ({raw['min']}) is after max ({raw['max']})",
                )
        options = raw.get("options") if raw["type"] == "checkboxes" else None
        if options and raw.get("min_selected", 0) > len(options):
            self.report(
                (*path, "min_selected"),
                "range.inverted",
                "min_selected is more than the number of options",
            )

    def _date_bound(self, text: str, path: Path) -> tuple[str, int] | None:
        """A date bound for ordering: ("relative", days from today) or ("fixed", ordinal)."""
        if text == "today":
            return ("relative", 0)
        relative = _DATE_BOUND.match(text)
        if relative:
            return ("relative", int(relative.group(1)))
        try:
            return ("fixed", dt.date.fromisoformat(text).toordinal())
        except ValueError:
            self.report(
                path,
                "date.invalid",
                f"{text!r} is not a real date",
                impossible_date_hint(text) + "; or use 'today' or 'today+30d'",
            )
            return None

    def _field_semantics(
        self, raw: dict[str, Any], path: Path, options: tuple[Option, ...] | None
    ) -> None:
        ftype = raw["type"]
        if raw.get("required") and "required_when" in raw:
            self.report(
                (*path, "required_when"),
                "required.conflict",
                f"field {raw['id']!r} is both always required and required_when",
                "drop 'required: true' or the condition",
                key=True,
            )
        if "prefill" in raw and not self.types[ftype].prefillable:
            self.report(
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
            self.report(
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
                self.report(
                    (*path, "pattern"),
                    "pattern.invalid",
                    f"the pattern is not a valid regular expression: {exc}",
                )
        if "default" in raw and options is not None:
            values = {o.value for o in options}
            chosen = raw["default"] if isinstance(raw["default"], list) else [raw["default"]]
            for value in chosen:
                if str(value) not in values:
                    self.report(
                        (*path, "default"),
                        "default.not-an-option",
                        f"default {value!r} is not one of the field's options",
                        (YAML_BOOLEAN_HINT + "; " if isinstance(value, bool) else "")
                        + _listing("options", [o.value for o in options], sort=False),
                    )
        if "default" in raw and ftype in ("integer", "number"):
            value = raw["default"]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.report(
                    (*path, "default"), "default.type", f"default {value!r} is not a number"
                )
            elif ("min" in raw and value < raw["min"]) or ("max" in raw and value > raw["max"]):
                self.report(
                    (*path, "default"),
                    "default.out-of-range",
                    f"default {value} is outside min/max",
                )
        if ftype == "appointment" and "booking" not in self.data:
            self.report(
                (*path, "type"),
                "booking.missing",
                f"appointment field {raw['id']!r} needs a 'booking' block in the service",
            )

    def _rule(self, raw: dict[str, Any], path: Path, where: str) -> Rule | None:
        check = self._expr(raw, "check", path, None, where)
        return Rule(check, Text(**raw["message"])) if check is not None else None

    # -- expressions -----------------------------------------------------------------
    def _expr(
        self,
        owner: Mapping[str, Any],
        key: str,
        path: Path,
        options_from: str | None,
        where: str,
        option_list: list[dict[str, Any]] | None = None,
    ) -> expressions.Expression | None:
        source = owner.get(key)
        if source is None:
            return None
        epath = (*path, key)
        try:
            expr = expressions.compile(source)
        except expressions.ExpressionSyntaxError as exc:
            self.report(
                epath,
                "expr.syntax",
                f"expression {source!r}: {exc.message}",
                "see the expressions section of docs/definition-format.md",
                column_offset=max((exc.column or 1) - 1, 0) if "\n" not in source else 0,
            )
            return None
        ok = True
        known = self._names_for(where)
        if key == "options_filter":
            known = known | {"option"}
        for name in sorted(expr.names - known):
            if name in ("item", "option"):
                self.report(
                    epath,
                    "expr.out-of-scope",
                    f"{name!r} is only available "
                    + ("inside a group's fields" if name == "item" else "in options_filter"),
                )
            elif self._group_field(name):
                self._report_group_field(epath, name, where)
            else:
                close = difflib.get_close_matches(name, sorted(known), n=1)
                self.report(
                    epath,
                    "expr.unknown-name",
                    f"expression reads {name!r}, which is not a field",
                    f"did you mean {close[0]!r}?" if close else "names are field ids",
                )
            ok = False
        allowed_functions = expressions.function_names() | HOST_FUNCTIONS
        for function in sorted(expr.functions - allowed_functions):
            self.report(epath, "expr.unknown-function", f"unknown function {function!r}")
            ok = False
        for target in _lookup_targets(source):
            if target not in self.lists:
                self.report(
                    epath,
                    "list.unknown",
                    f"lookup() names no option list {target!r}",
                    "the first argument of lookup is a list name in quotes; "
                    + _listing("lists", self.lists),
                )
                ok = False
        ok = self._check_members(expr, epath, where, options_from, option_list) and ok
        typed = self._typed(expr, epath, key, options_from, option_list) if ok else None
        if typed is not None:
            self.compiled_exprs[epath] = typed
        return typed

    # -- types -----------------------------------------------------------------------
    def _typed(
        self,
        expr: expressions.Expression,
        epath: Path,
        key: str,
        options_from: str | None,
        option_list: list[dict[str, Any]] | None,
    ) -> expressions.Expression | None:
        """Type-check `expr` (khidma.definitions.typecheck); None when it is refused. The
        expression returned runs with the checker's numeric promotions."""
        expect = {"expression": "number" if epath[0] == "fees" else ""}.get(key, "bool")
        options = None
        if key == "options_filter":
            options = (
                parse_options(option_list) if option_list else self.lists.get(options_from or "")
            )
        checked = self.service_types.check(expr.source, self._group_of(epath), options, expect)
        for issue in checked.issues:
            offset = issue.offset if "\n" not in expr.source.strip() else 0
            self.report(
                epath,
                issue.code,
                f"expression {expr.source!r}: {issue.message}",
                issue.hint,
                column_offset=offset,
            )
        if checked.issues:
            return None
        return expr.promoted(checked.promotions) if checked.promotions else expr

    @property
    def service_types(self) -> typecheck.ServiceTypes:
        if self._service_types is None:  # once every field is indexed
            self._service_types = typecheck.ServiceTypes(
                {fid: (raw, group) for fid, (raw, _, group) in self.raw_fields.items()},
                self.lists,
                self.types,
            )
        return self._service_types

    def _group_field(self, name: str) -> str | None:
        entry = self.raw_fields.get(name)
        return entry[2] if entry else None

    def _report_group_field(self, epath: Path, name: str, where: str) -> None:
        group = self._group_field(name)
        inside = where == "item" and self._group_of(epath) == group
        self.report(
            epath,
            "expr.group-field",
            f"expression reads {name!r}, a field of group {group!r}, by its bare id",
            f"inside the group, read it as item.{name}"
            if inside
            else f"each item of {group!r} has its own {name}: e.g. "
            f"{group}.exists(i, i.{name} == …) or {group}.map(i, i.{name})",
        )

    def _names_for(self, where: str) -> frozenset[str]:
        if where not in self._scopes:
            self._scopes[where] = self._scope(where)
        return self._scopes[where]

    def _scope(self, where: str) -> frozenset[str]:
        top = {
            fid
            for fid, (raw, _, group) in self.raw_fields.items()
            if group is None and self.types[raw["type"]].holds_value
        }
        names = top | defaults.BUILTIN_NAMES
        if where == "item":
            names.add("item")
        return frozenset(names)

    def _check_members(
        self,
        expr: expressions.Expression,
        path: Path,
        where: str,
        options_from: str | None,
        option_list: list[dict[str, Any]] | None,
    ) -> bool:
        ok = True
        for owner, member in _MEMBER.findall(expr.source):
            if owner == "item" and where == "item" and "item" in expr.names:
                group_id = self._group_of(path)
                children = {c for c, (_, _, g) in self.raw_fields.items() if g == group_id}
                if member not in children:
                    self.report(
                        path,
                        "expr.unknown-name",
                        f"item has no field {member!r}",
                        "item fields: " + ", ".join(sorted(children)),
                    )
                    ok = False
            elif owner == "option" and "option" in expr.names:
                if option_list:
                    attributes = frozenset({"value", "label"} | {k for o in option_list for k in o})
                else:
                    attributes = self._list_attributes(options_from or "")
                if attributes and member not in attributes:
                    self.report(
                        path,
                        "expr.unknown-name",
                        f"the options have no attribute {member!r}",
                        "attributes: " + ", ".join(sorted(attributes)),
                    )
                    ok = False
        return ok

    def _list_attributes(self, name: str) -> frozenset[str]:
        if name not in self._attributes:
            options = self.lists.get(name, ())
            found = {k for o in options for k in o.attributes}
            self._attributes[name] = (
                frozenset({"value", "label"} | found) if options else frozenset()
            )
        return self._attributes[name]

    def _group_of(self, path: Path) -> str | None:
        # path: steps, s, fields, i, fields, j, ...
        if len(path) >= 6 and path[4] == "fields":
            step = self.data["steps"][path[1]]
            group: str = step["fields"][path[3]]["id"]
            return group
        return None

    # -- dependencies ----------------------------------------------------------------
    def _dependencies(self) -> tuple[dict[str, frozenset[str]], tuple[str, ...]]:
        """Who reads whom; cycles are errors; a safe evaluation order."""
        reads: dict[str, set[str]] = {fid: set() for fid in self.raw_fields}
        field_at = {fpath: fid for fid, (_, fpath, _) in self.raw_fields.items()}
        for epath, expr in self.compiled_exprs.items():
            # expressions directly under a field; rules (…, "rules", k, "check") validate,
            # they do not shape what is shown, so they are not dependencies
            owner = field_at.get(epath[:-1])
            if owner is None:
                continue
            names = set(expr.names) & set(self.raw_fields)
            if "item" in expr.names:
                group = self.raw_fields[owner][2]
                names |= {m for o, m in _MEMBER.findall(expr.source) if o == "item"}
                names.discard(group or "")
            reads[owner] |= names
        # a group's value is made of its items' values
        for fid, (_, _, group) in self.raw_fields.items():
            if group is not None:
                reads[group].add(fid)
        order, cycles = _toposort(reads)
        for cycle in cycles:
            self._report_cycle(cycle, field_at)
        affects: dict[str, set[str]] = {fid: set() for fid in self.raw_fields}
        for reader, sources in reads.items():
            for source in sources:
                affects[source].add(reader)
        # a change inside a group item is a change of the group's value (`people.map(…)`)
        for fid, (_, _, group) in self.raw_fields.items():
            if group is not None:
                affects[fid].add(group)
        closure = {fid: frozenset(_reach(fid, affects) - {fid}) for fid in affects}
        return closure, tuple(order)

    def _report_cycle(self, cycle: list[str], field_at: Mapping[Path, str]) -> None:
        """A cycle is reported at each expression that makes one of its links (field i
        reads field i+1); a link made by a group holding its items has no expression."""
        all_computed = all(self.raw_fields[f][0]["type"] == "computed" for f in cycle)
        code = "computed.cycle" if all_computed else "condition.cycle"
        circle = " → ".join([*cycle, cycle[0]])
        hint = "break the circle: a value cannot depend on itself"
        reported = False
        for reader, source in zip(cycle, [*cycle[1:], cycle[0]], strict=True):
            for epath, expr in self.compiled_exprs.items():
                if field_at.get(epath[:-1]) != reader:
                    continue
                members = {m for o, m in _MEMBER.findall(expr.source) if o == "item"}
                if source in expr.names or source in members:
                    self.report(
                        epath,
                        code,
                        f"{reader}'s {epath[-1]} reads {source}, and so on in a circle: {circle}",
                        hint,
                    )
                    reported = True
        if not reported:
            self.report(self.raw_fields[cycle[0]][1], code, f"a circle: {circle}", hint)

    # -- workflow, booking, fees, notifications --------------------------------------
    def _workflow(self) -> Workflow:
        raw = self.data.get("workflow") or defaults.DEFAULT_WORKFLOW
        base: Path = ("workflow",)
        statuses: list[Status] = []
        seen: set[str] = set()
        for i, s in enumerate(raw["statuses"]):
            if s["id"] in seen:
                self.report(
                    (*base, "statuses", i, "id"),
                    "workflow.duplicate-status",
                    f"status {s['id']!r} is declared twice",
                )
            seen.add(s["id"])
            statuses.append(
                Status(s["id"], Text(**s["label"]), s.get("final", False), s.get("waiting_for"))
            )

        causes: list[tuple[int, int]] = []  # unknown statuses in transitions

        def known(status_id: str, path: Path) -> bool:
            if status_id not in seen:
                close = difflib.get_close_matches(status_id, sorted(seen), n=1)
                causes.append(
                    self.report(
                        path,
                        "workflow.unknown-status",
                        f"no status {status_id!r}",
                        (f"did you mean {close[0]!r}? " if close else "declare it under statuses; ")
                        + _listing("statuses", [s.id for s in statuses], sort=False),
                    )
                )
                return False
            return True

        known(raw["initial"], (*base, "initial"))
        causes.clear()  # a wrong initial status stops the reachability check altogether
        transitions = []
        edges: dict[str, set[str]] = {s: set() for s in seen}
        for i, t in enumerate(raw["transitions"]):
            sources = t["from"] if isinstance(t["from"], list) else [t["from"]]
            path: Path = (*base, "transitions", i)
            good = all([known(src, (*path, "from")) for src in sources]) & known(
                t["to"], (*path, "to")
            )
            finals = {s.id for s in statuses if s.final}
            for src in sources:
                if src in finals and good:
                    self.report(
                        (*path, "from"),
                        "workflow.from-final",
                        f"status {src!r} is final; nothing may leave it",
                        "remove 'final: true' or this transition",
                    )
                if good:
                    edges[src].add(t["to"])
            transitions.append(
                Transition(
                    tuple(sources),
                    t["to"],
                    tuple(t["by"]),
                    Text.of(t.get("label")),
                    t.get("note_required", False),
                )
            )
        if self.data.get("workflow") and raw["initial"] in seen:
            reachable = _reach(raw["initial"], edges) | {raw["initial"]}
            for i, s in enumerate(raw["statuses"]):
                if s["id"] not in reachable:
                    self.report(
                        (*base, "statuses", i, "id"),
                        "workflow.unreachable",
                        f"status {s['id']!r} cannot be reached from {raw['initial']!r}",
                        "fix the transition reported above first"
                        if causes
                        else "add a transition into it or remove it",
                        after=causes[0] if causes else None,
                    )
            if not any(s.final for s in statuses):
                self.report(
                    (*base, "statuses"),
                    "workflow.no-final",
                    "no status is final: a request could never be closed",
                    "mark the closing statuses with 'final: true'",
                )
        return Workflow(raw["initial"], tuple(statuses), tuple(transitions))

    def _booking(self) -> Booking | None:
        raw = self.data.get("booking")
        if raw is None:
            return None
        base: Path = ("booking",)
        expected = {
            "resource_field": ("select", "radio"),
            "service_field": ("select", "radio"),
            "slot_field": ("appointment",),
        }
        for key, types in expected.items():
            if key not in raw:
                continue
            fid = raw[key]
            if fid not in self.raw_fields:
                self.report((*base, key), "booking.unknown-field", f"no field {fid!r} for {key}")
            elif self.raw_fields[fid][0]["type"] not in types:
                self.report(
                    (*base, key),
                    "booking.field-type",
                    f"{key} {fid!r} is a {self.raw_fields[fid][0]['type']} field",
                    "it must be "
                    + " or ".join(("an " if t[0] in "aeiou" else "a ") + t for t in types)
                    + " field",
                )
        if "beneficiary_field" in raw and raw["beneficiary_field"] not in self.raw_fields:
            fid = raw["beneficiary_field"]
            self.report(
                (*base, "beneficiary_field"),
                "booking.unknown-field",
                f"no field {fid!r} for beneficiary_field",
            )
        schedule = self._schedule(raw["schedule"], (*base, "schedule"))
        rules = {
            key: {
                value: BookingRule(
                    schedule=(
                        self._schedule(rule["schedule"], (*base, key, value, "schedule"))
                        if "schedule" in rule
                        else None
                    ),
                    slot_minutes=rule.get("slot_minutes"),
                    capacity_per_slot=rule.get("capacity_per_slot"),
                    closed_dates=frozenset(rule.get("closed_dates", ())),
                )
                for value, rule in raw.get(key, {}).items()
            }
            for key in ("resources", "services")
        }
        window = raw["window"]
        if window.get("min_days_ahead", 0) > window["max_days_ahead"]:
            self.report(
                (*base, "window", "min_days_ahead"),
                "range.inverted",
                "min_days_ahead is greater than max_days_ahead",
            )
        cancellation = raw.get("cancellation", {"allowed": True})
        ticket = raw.get("ticket", {})
        return Booking(
            resource_field=raw["resource_field"],
            slot_field=raw["slot_field"],
            schedule=schedule,
            slot_minutes=raw["slot_minutes"],
            capacity_per_slot=raw["capacity_per_slot"],
            min_days_ahead=window.get("min_days_ahead", 0),
            max_days_ahead=window["max_days_ahead"],
            service_field=raw.get("service_field"),
            closed_dates=frozenset(raw.get("closed_dates", ())),
            cancellation_allowed=cancellation["allowed"],
            cancellation_deadline_hours=cancellation.get("deadline_hours", 0),
            reschedule_allowed=raw.get("reschedule", {}).get("allowed", False),
            max_active_per_person=raw.get("max_active_per_person"),
            documents_to_bring=_texts(ticket.get("documents_to_bring")),
            ticket_instructions=_texts(ticket.get("instructions")),
            resources=MappingProxyType(rules["resources"]),
            services=MappingProxyType(rules["services"]),
            hold_minutes=raw.get("hold_minutes", 10),
            beneficiary_field=raw.get("beneficiary_field"),
        )

    def _schedule(
        self, raw: Mapping[str, list[str]], path: Path
    ) -> Mapping[str, tuple[tuple[str, str], ...]]:
        schedule: dict[str, tuple[tuple[str, str], ...]] = {}
        for day, spans in raw.items():
            parsed = []
            for i, span in enumerate(spans):
                start, end = span.split("-")
                if start >= end:
                    self.report(
                        (*path, day, i),
                        "booking.bad-hours",
                        f"opening hours {span!r} end before they start",
                    )
                parsed.append((start, end))
            parsed.sort()
            for (_, end1), (start2, _) in itertools.pairwise(parsed):
                if start2 < end1:
                    self.report(
                        (*path, day), "booking.bad-hours", f"opening hours on {day} overlap"
                    )
            schedule[day] = tuple(parsed)
        return MappingProxyType(schedule)

    def _fees(self) -> Fees:
        raw = self.data.get("fees")
        if raw is None:
            return Fees()
        expression = self._expr(raw, "expression", ("fees",), None, "top")
        return Fees(
            kind=raw["kind"],
            amount=raw.get("amount"),
            expression=expression,
            currency=raw.get("currency", "SAR"),
            payable=raw.get("payable"),
            methods=tuple(raw.get("methods", ())),
            note=Text.of(raw.get("note")),
        )

    def _notifications(self, workflow: Workflow) -> tuple[Notification, ...]:
        result = []
        statuses = {s.id for s in workflow.statuses}
        for i, raw in enumerate(self.data.get("notifications", ())):
            path: Path = ("notifications", i)
            event = raw["event"]
            if event.startswith("status:") and event[7:] not in statuses:
                self.report(
                    (*path, "event"),
                    "notification.unknown-status",
                    f"event {event!r} names no status of the workflow",
                    _listing("statuses", [s.id for s in workflow.statuses], sort=False),
                )
            if event.startswith("booking_") and "booking" not in self.data:
                self.report(
                    (*path, "event"),
                    "notification.no-booking",
                    f"event {event!r} needs a booking block",
                )
            if raw["channel"] == "email" and "subject" not in raw:
                self.report(path, "notification.no-subject", "an e-mail needs a subject")
            for part in ("subject", "body"):
                self._placeholders(
                    (*path, part),
                    raw.get(part),
                    defaults.PLACEHOLDERS,
                    "notification.unknown-placeholder",
                )
            result.append(
                Notification(
                    event, raw["channel"], Text(**raw["body"]), Text.of(raw.get("subject"))
                )
            )
        return tuple(result)

    def _placeholders(
        self, path: Path, texts: Mapping[str, str] | None, allowed: frozenset[str], code: str
    ) -> None:
        for lang, text in (texts or {}).items():
            for name in _PLACEHOLDER.findall(text):
                if name not in allowed:
                    close = difflib.get_close_matches(name, sorted(allowed), n=1)
                    self.report(
                        (*path, lang),
                        code,
                        f"unknown placeholder {{{name}}}",
                        f"did you mean {{{close[0]}}}?"
                        if close
                        else "placeholders: " + ", ".join(sorted(allowed)),
                    )

    def _confirmation(self) -> None:
        raw = self.data.get("confirmation") or {}
        for part in ("title", "body"):
            self._placeholders(
                ("confirmation", part),
                raw.get(part),
                defaults.CONFIRMATION_PLACEHOLDERS,
                "confirmation.unknown-placeholder",
            )

    def _declarations(self) -> tuple[Declaration, ...]:
        seen: set[str] = set()
        result = []
        for i, raw in enumerate(self.data.get("declarations", ())):
            if raw["id"] in seen or raw["id"] in self.raw_fields:
                self.report(
                    ("declarations", i, "id"),
                    "id.duplicate",
                    f"declaration id {raw['id']!r} is already used",
                )
            seen.add(raw["id"])
            result.append(Declaration(raw["id"], Text(**raw["text"])))
        return tuple(result)


def _listing(what: str, values: Iterable[str], *, sort: bool = True) -> str:
    """`what: a, b, c` — the valid values, for a hint."""
    names = sorted(values) if sort else list(values)
    return f"{what}: " + (", ".join(names) if names else "none")


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


def _lookup_targets(source: str) -> list[str]:
    targets = []
    for arg in _LOOKUP.findall(source):
        arg = arg.strip()
        targets.append(arg[1:-1] if arg[:1] in "\"'" and arg[-1:] == arg[:1] else arg)
    return targets


def _reach(start: str, edges: Mapping[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(edges.get(start, ()))
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(edges.get(node, ()))
    return seen


def _toposort(reads: Mapping[str, set[str]]) -> tuple[list[str], list[list[str]]]:
    """Order nodes so each comes after what it reads; also return the cycles found."""
    order: list[str] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done
    cycles: list[list[str]] = []
    for root in reads:
        if state.get(root):
            continue
        stack: list[tuple[str, list[str]]] = [(root, sorted(reads[root]))]
        path = [root]
        state[root] = 1
        while stack:
            node, pending = stack[-1]
            if pending:
                nxt = pending.pop()
                if state.get(nxt) == 1:
                    cycles.append(path[path.index(nxt) :])
                elif not state.get(nxt):
                    state[nxt] = 1
                    path.append(nxt)
                    stack.append((nxt, sorted(reads.get(nxt, ()))))
            else:
                stack.pop()
                path.pop()
                state[node] = 2
                order.append(node)
    unique: dict[frozenset[str], list[str]] = {}
    for cycle in cycles:
        unique.setdefault(frozenset(cycle), cycle)
    return order, list(unique.values())


def compile_service(
    located: Located,
    file: str,
    shared_lists: Mapping[str, tuple[Option, ...]],
    types: FieldTypeRegistry = default_registry,
    list_digests: Mapping[str, str] | None = None,
) -> tuple[ServiceDefinition | None, list[Problem]]:
    compiler = Compiler(located, file, shared_lists, types, list_digests)
    definition = compiler.compile()
    return definition, compiler.problems
