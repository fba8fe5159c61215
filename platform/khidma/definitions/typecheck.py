"""Types for expressions, checked when a definition is loaded.

Every field gives expressions a value of a known type (see `field_type`); every
expression is checked against those types, so that it works for every answer of the right
type or is refused with the place and the fix. The rules (docs/definition-format.md,
"Types"):

- Numbers: whole numbers and decimals mix freely. `1 + 2.5` is 3.5; an arithmetic
  operation with a decimal on either side is done in decimals (the checker wraps the other
  side in `double(…)` in the program it hands to the runtime, which does not coerce).
  Two whole numbers stay whole (`7 / 2` is 3).
- Conditions (`visible_when`, `required_when`, rule `check`, `options_filter`) give
  true or false; a fee expression gives a number.
- `==`, `!=`, `in` compare values of one type (any number with any number; anything with
  `null`). A choice field compared with text that is not one of its options is an error
  listing the options. A date is text `YYYY-MM-DD`, compared with dates only.
- `&&`, `||`, `!` take true/false; `+` adds numbers, joins texts or lists; `-`, `*`, `/`
  take numbers, `%` whole numbers.

An expression is read with `khidma.expression_syntax`; syntax it does not cover is left
unchecked (`dyn`) rather than refused. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from khidma.definitions.errors import impossible_date_hint
from khidma.definitions.model import Option
from khidma.expression_syntax import Node
from khidma.expression_syntax import Unsupported
from khidma.expression_syntax import parse
from khidma.expressions import TIMESTAMP_PARTS
from khidma.fields import FieldTypeRegistry

__all__ = ["Checked", "Issue", "ServiceTypes", "Type", "TypeChecker", "field_type"]


@dataclass(frozen=True)
class Type:
    """An expression type. `kind`: int, uint, double, number (whole or decimal, known only
    when run), string, bool, null, bytes, timestamp, duration, list (`of` = (element,)),
    map (`of` = (key, value)), record (`fields`), dyn (anything). A string may carry
    `options` (a choice field's values) and `form` ("date", "time", "datetime")."""

    kind: str
    of: tuple[Type, ...] = ()
    fields: Mapping[str, Type] | None = None
    options: tuple[str, ...] | None = None
    form: str = ""
    name: str = ""  # what it is, for messages: "field 'colour'", "an item of 'people'"

    def describe(self) -> str:
        if self.kind == "string":
            if self.options is not None:
                return "an option value" + (f" of {self.name}" if self.name else "")
            return {"date": "a date", "time": "a time", "datetime": "a date and time"}.get(
                self.form, "text"
            )
        if self.kind == "list":
            inner = self.of[0] if self.of else DYN
            if inner.options is not None:
                return "a list of option values" + (f" of {inner.name}" if inner.name else "")
            if inner.kind == "record":
                return "a list of items" + (f" ({inner.name})" if inner.name else "")
            return "a list" if inner.kind == "dyn" else f"a list of {_plural(inner.describe())}"
        if self.kind == "record" and self.name:
            return self.name
        return _KIND_NAMES.get(self.kind, self.kind)


_KIND_NAMES = {
    "int": "a whole number",
    "uint": "a whole number",
    "double": "a decimal number",
    "number": "a number",
    "bool": "true/false",
    "null": "null",
    "bytes": "bytes",
    "timestamp": "a timestamp",
    "duration": "a duration",
    "map": "a map",
    "record": "a map",
    "dyn": "anything",
    "type": "a type",
}


_RECEIVER_NAMES = {
    "string": "text",
    "bytes": "bytes",
    "list": "a list",
    "map": "a map",
    "record": "a map",
}


def _plural(text: str) -> str:
    for article in ("an ", "a "):
        text = text.removeprefix(article)
    return {"text": "texts", "true/false": "true/false values"}.get(text, text + "s")


DYN = Type("dyn")
INT = Type("int")
DOUBLE = Type("double")
NUMBER = Type("number")
STRING = Type("string")
BOOL = Type("bool")
NULL = Type("null")
DATE = Type("string", form="date")
_NUMERIC = frozenset({"int", "uint", "double", "number"})
_WHOLE = frozenset({"int", "uint"})

# What each field type's answer is in an expression (engine/values.py makes them so).
_FIELD_KINDS: Mapping[str, Type] = {
    "text": STRING,
    "textarea": STRING,
    "email": STRING,
    "mobile": STRING,
    "national_id": STRING,
    "number": DOUBLE,
    "integer": INT,
    "date": DATE,
    "time": Type("string", form="time"),
    "appointment": Type("string", form="datetime"),
    "yes_no": BOOL,
    "file": Type("list", (DYN,)),
    "hidden": DYN,
}
_SHAPE_KINDS = {"scalar": DYN, "list": Type("list", (DYN,)), "files": Type("list", (DYN,))}


def value_type(value: Any) -> Type:
    """The type of a YAML value (an option attribute)."""
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT
    if isinstance(value, float):
        return DOUBLE
    if isinstance(value, str):
        return STRING
    if value is None:
        return NULL
    if isinstance(value, Mapping):
        return Type("record", fields={str(k): value_type(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return Type("list", (join_all(value_type(v) for v in value),))
    return DYN


def join(a: Type, b: Type) -> Type | None:
    """The type that holds both, or None when they do not mix."""
    if a.kind == "dyn" or b.kind == "dyn":
        return DYN
    if a.kind == "null":
        return b
    if b.kind == "null":
        return a
    if a.kind in _NUMERIC and b.kind in _NUMERIC:
        if a.kind == b.kind:
            return a if a.kind != "number" else NUMBER
        return NUMBER
    if a.kind != b.kind:
        return None
    if a.kind == "string":
        if a.options is not None and b.options is not None:
            return a if a.options == b.options else STRING
        return a if a == b else STRING
    if a.kind in ("list", "map"):
        parts = [join(x, y) for x, y in zip(a.of, b.of, strict=True)]
        return Type(a.kind, tuple(p or DYN for p in parts))
    if a.kind == "record":
        names = set(a.fields or {}) | set(b.fields or {})
        merged = {
            n: join((a.fields or {}).get(n, NULL), (b.fields or {}).get(n, NULL)) or DYN
            for n in names
        }
        return Type("record", fields=merged, name=a.name if a.name == b.name else "")
    return a


def join_all(types: Iterable[Type]) -> Type:
    result: Type | None = None
    for t in types:
        result = t if result is None else (join(result, t) or DYN)
    return result if result is not None else DYN


def options_type(options: Iterable[Option], name: str) -> Type:
    """What `option` (in an `options_filter`) or `lookup(list, …)` gives: the options'
    attributes, typed by their values, `label` (text) and a `value` that is one of them."""
    fields: dict[str, Type] = {}
    values = []
    for option in options:
        values.append(option.value)
        for key, raw in option.attributes.items():
            t = value_type(raw)
            fields[key] = join(fields[key], t) or DYN if key in fields else t
    fields["value"] = Type("string", options=tuple(values), name=name)
    fields["label"] = STRING
    return Type("record", fields=fields, name=f"an option of {name}")


def field_type(
    raw: Mapping[str, Any],
    shape: str,
    options: tuple[str, ...] | None,
    children: Mapping[str, Type] | None = None,
) -> Type:
    """The type of a field's answer as expressions see it (not for computed fields, whose
    type is their expression's). `shape` is the field type's `value_shape`."""
    name = f"field {raw['id']!r}"
    kind = raw["type"]
    if options is not None:
        choice = Type("string", options=options, name=name)
        return Type("list", (choice,), name=name) if shape == "list" else choice
    if shape == "items":
        item = Type("record", fields=dict(children or {}), name=f"an item of {raw['id']!r}")
        return Type("list", (item,), name=name)
    known = _FIELD_KINDS.get(kind) or _SHAPE_KINDS.get(shape, DYN)
    return Type(known.kind, known.of, known.fields, known.options, known.form, name)


@dataclass(frozen=True)
class Issue:
    """A type error: at `offset` in the expression's source."""

    offset: int
    code: str
    message: str
    hint: str = ""


@dataclass
class Checked:
    """What checking one expression found: its type, its issues, and the spans of the
    source to wrap in `double(…)` so that whole numbers and decimals mix at run time."""

    type: Type
    issues: list[Issue] = field(default_factory=list)
    promotions: list[tuple[int, int]] = field(default_factory=list)


class _Error(Exception):
    def __init__(self, issue: Issue) -> None:
        self.issue = issue


# Functions: (receiver kinds or None for a free function, result) -------------------------
_STRING_TO_BOOL = ("contains", "startsWith", "endsWith", "matches")
_STRING_TO_STRING = ("lowerAscii", "upperAscii", "trim", "charAt", "substring", "replace")
_TIMESTAMP_PARTS = TIMESTAMP_PARTS
_CONVERSIONS = {
    "int": INT,
    "uint": Type("uint"),
    "double": DOUBLE,
    "string": STRING,
    "bool": BOOL,
    "bytes": Type("bytes"),
    "dyn": DYN,
    "type": Type("type"),
    "duration": Type("duration"),
}
_MACROS = frozenset({"all", "exists", "exists_one", "map", "filter"})


class TypeChecker:
    """Checks the expressions of one service. `fields` maps every value-holding top-level
    field id to a function giving its type (computed fields infer theirs on demand);
    `lists` gives the type of an option of a list by name (None for no such list);
    `builtins` the types of `today` and `lang`."""

    def __init__(
        self,
        fields: Mapping[str, Callable[[], Type]],
        lists: Callable[[str], Type | None],
        builtins: Mapping[str, Type],
    ) -> None:
        self.fields = fields
        self.lists = lists
        self.builtins = builtins

    def check(self, source: str, scope: Mapping[str, Type], expect: str = "") -> Checked:
        """Type `source` with the field and builtin names plus `scope` (item, option).
        `expect`: "bool" for conditions, "number" for fees."""
        try:
            tree = parse(source)
        except Unsupported:
            return Checked(DYN)
        run = _Run(self, dict(scope))
        try:
            result = run.infer(tree)
        except _Error as err:
            return Checked(DYN, [err.issue])
        except RecursionError:
            return Checked(DYN)
        issues = run.issues
        if expect == "bool" and result.kind not in ("bool", "dyn"):
            issues.append(
                Issue(
                    tree.start,
                    "expr.not-boolean",
                    f"this condition gives {result.describe()}, not true or false",
                    _boolean_hint(tree, result),
                )
            )
        if expect == "number" and result.kind not in (*_NUMERIC, "dyn", "null"):
            issues.append(
                Issue(
                    tree.start,
                    "expr.type",
                    f"a fee expression must give a number; this gives {result.describe()}",
                )
            )
        return Checked(result, issues, run.promotions)


def _boolean_hint(tree: Node, result: Type) -> str:
    if result.kind in _NUMERIC:
        return "compare it, e.g. `… > 0`"
    if result.options is not None:
        return "compare it with one of the options: " + ", ".join(result.options)
    if result.kind == "string":
        return 'compare it, e.g. `… == "text"` or `… != null`'
    if result.kind == "list":
        return 'test it, e.g. `size(…) > 0` or `"value" in …`'
    return "make it a comparison that is true or false"


class _Run:
    """One expression's checking: the names in scope, issues and promotions found."""

    def __init__(self, checker: TypeChecker, scope: dict[str, Type]) -> None:
        self.checker = checker
        self.scope = scope
        self.issues: list[Issue] = []
        self.promotions: list[tuple[int, int]] = []
        self.sure_double: set[tuple[int, int]] = set()

    def fail(self, node: Node, message: str, hint: str = "", code: str = "expr.type") -> None:
        raise _Error(Issue(node.start, code, message, hint))

    # -- nodes ---------------------------------------------------------------------------
    def infer(self, node: Node) -> Type:
        method = getattr(self, "_" + node.kind)
        result: Type = method(node)
        return result

    def _literal(self, node: Node) -> Type:
        if node.name == "double":
            self.sure_double.add((node.start, node.end))
        return Type(node.name)

    def _ident(self, node: Node) -> Type:
        if node.name in self.scope:
            return self.scope[node.name]
        if node.name in self.checker.fields:
            return self.checker.fields[node.name]()
        return self.checker.builtins.get(node.name, DYN)

    def _list(self, node: Node) -> Type:
        return Type("list", (join_all(self.infer(a) for a in node.args),))

    def _map(self, node: Node) -> Type:
        keys = [self.infer(a) for a in node.args[0::2]]
        values = [self.infer(a) for a in node.args[1::2]]
        literal_keys = [a.value for a in node.args[0::2] if a.kind == "literal"]
        if len(literal_keys) == len(keys) and all(isinstance(k, str) for k in literal_keys):
            return Type("record", fields=dict(zip(literal_keys, values, strict=True)))
        return Type("map", (join_all(keys), join_all(values)))

    def _select(self, node: Node) -> Type:
        operand = self.infer(node.args[0])
        return self.member(node, operand, node.name)

    def member(self, node: Node, operand: Type, name: str) -> Type:
        if operand.kind == "dyn":
            return DYN
        if operand.kind == "map":
            return operand.of[1] if operand.of else DYN
        if operand.kind == "record":
            fields = operand.fields or {}
            if name in fields:
                return fields[name]
            if not fields:
                return DYN
            close = difflib.get_close_matches(name, sorted(fields), n=1)
            self.fail(
                node,
                f"{operand.describe()} has no {name!r}",
                (f"did you mean {close[0]!r}? " if close else "")
                + "it has: "
                + ", ".join(sorted(fields)),
                "expr.unknown-name",
            )
        hint = f"size({_text(node.args[0])})" if name in ("length", "size", "count") else ""
        self.fail(
            node,
            f"{operand.describe()} has no member {name!r}",
            f"use {hint}" if hint else "only maps, group items and options have members",
        )
        return DYN

    def _index(self, node: Node) -> Type:
        operand, index = self.infer(node.args[0]), self.infer(node.args[1])
        if operand.kind == "list":
            if index.kind not in (*_WHOLE, "dyn", "number"):
                self.fail(node.args[1], f"a list index is a whole number, not {index.describe()}")
            return operand.of[0] if operand.of else DYN
        if operand.kind == "record" and node.args[1].kind == "literal":
            return self.member(node, operand, str(node.args[1].value))
        if operand.kind in ("map", "record", "dyn"):
            return operand.of[1] if operand.kind == "map" and operand.of else DYN
        self.fail(node, f"{operand.describe()} cannot be indexed with […]")
        return DYN

    def _unary(self, node: Node) -> Type:
        operand = self.infer(node.args[0])
        if node.name == "!":
            self.want_bool(node.args[0], operand, "!")
            return BOOL
        if operand.kind not in (*_NUMERIC, "dyn"):
            self.fail(node, f"'-' needs a number, not {operand.describe()}")
        return operand

    def want_bool(self, node: Node, t: Type, op: str) -> None:
        if t.kind not in ("bool", "dyn"):
            self.fail(
                node,
                f"{op!r} needs true/false on each side, not {t.describe()}",
                _boolean_hint(node, t),
            )

    def _cond(self, node: Node) -> Type:
        test, then, other = (self.infer(a) for a in node.args)
        self.want_bool(node.args[0], test, "?")
        result = join(then, other)
        if result is None:
            self.fail(
                node.args[2],
                f"the two branches of '? :' give {then.describe()} and {other.describe()}",
                "make both branches give the same type: convert with string(…) or int(…)",
            )
            return DYN
        if then.kind in _NUMERIC and other.kind in _NUMERIC and then.kind != other.kind:
            self.promote(node.args[1:])
            self.sure_double.add((node.start, node.end))
            return DOUBLE
        return result

    def promote(self, nodes: Iterable[Node]) -> None:
        for n in nodes:
            if (n.start, n.end) not in self.sure_double:
                self.promotions.append((n.start, n.end))

    def _binary(self, node: Node) -> Type:
        left_node, right_node = node.args
        left, right = self.infer(left_node), self.infer(right_node)
        op = node.name
        if op in ("&&", "||"):
            self.want_bool(left_node, left, op)
            self.want_bool(right_node, right, op)
            return BOOL
        if op in ("==", "!="):
            self.comparable(node, left, right, ordered=False)
            self.check_options(node, left_node, left, right_node, right)
            return BOOL
        if op in ("<", "<=", ">", ">="):
            self.comparable(node, left, right, ordered=True)
            return BOOL
        if op == "in":
            return self.membership(node, left, right)
        return self.arithmetic(node, left, right)

    def arithmetic(self, node: Node, left: Type, right: Type) -> Type:
        op = node.name
        kinds = {left.kind, right.kind}
        if "dyn" in kinds:
            return DYN
        if kinds <= _NUMERIC:
            if op == "%" and not kinds <= _WHOLE:
                self.fail(
                    node,
                    "'%' (remainder) works on whole numbers only",
                    "make both sides whole numbers, e.g. int(x) % 2",
                )
            if left.kind == right.kind and left.kind in _WHOLE:
                return left
            self.promote(node.args)
            self.sure_double.add((node.start, node.end))
            return DOUBLE
        if op == "+" and len(kinds) == 1 and left.kind in ("string", "list", "bytes"):
            return STRING if left.kind == "string" else join(left, right) or DYN
        if op in ("+", "-") and kinds <= {"timestamp", "duration"}:
            if kinds == {"timestamp"} and op == "-":
                return Type("duration")  # the time between two timestamps
            return Type("timestamp") if "timestamp" in kinds else Type("duration")
        what = f"{left.describe()} {op} {right.describe()}"
        if "string" in kinds and kinds & _NUMERIC:
            hint = "convert first: string(n) for text, int(t) or double(t) for a number"
            if left.form == "date" or right.form == "date":
                hint = (
                    'dates are text YYYY-MM-DD: compare them (born <= "2008-01-01"), '
                    "do not add days to them"
                )
        else:
            hint = f"{op!r} works on numbers" + (", texts and lists" if op == "+" else "")
        self.fail(node, f"cannot compute {what}", hint)
        return DYN

    def comparable(self, node: Node, left: Type, right: Type, *, ordered: bool) -> None:
        kinds = {left.kind, right.kind}
        if "dyn" in kinds or (not ordered and "null" in kinds):
            return
        if kinds <= _NUMERIC:
            return
        if ordered:
            if len(kinds) == 1 and left.kind in ("string", "timestamp", "duration", "bytes"):
                self.check_date_text(node)
                return
        elif join(left, right) is not None:
            return
        hint = ""
        if "string" in kinds and kinds & _NUMERIC:
            hint = "text never equals a number: convert one side, e.g. int(x) or string(n)"
        if "bool" in kinds and kinds & (_NUMERIC | {"string"}):
            hint = "write true or false without quotes"
        if "null" in kinds:
            hint = "null is only compared with == or !="
        self.fail(
            node,
            f"{left.describe()} and {right.describe()} cannot be compared with {node.name!r}",
            hint,
        )

    def check_date_text(self, node: Node) -> None:
        left, right = node.args
        for side, other in ((left, right), (right, left)):
            t = self.infer(other)
            if t.form == "date" and side.kind == "literal" and side.name == "string":
                self.check_date_literal(side)

    def check_date_literal(self, literal: Node) -> None:
        text = str(literal.value)
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            self.issues.append(
                Issue(
                    literal.start,
                    "expr.bad-date",
                    f"{text!r} is not a date",
                    impossible_date_hint(text),
                )
            )
        else:
            if len(text) != 10:
                self.issues.append(
                    Issue(
                        literal.start,
                        "expr.bad-date",
                        f"{text!r} is not written YYYY-MM-DD",
                        "dates are compared as text: write them YYYY-MM-DD",
                    )
                )

    def check_options(self, node: Node, ln: Node, lt: Type, rn: Node, rt: Type) -> None:
        for choice, other in ((lt, rn), (rt, ln)):
            if choice.options is not None:
                self.literal_among(other, choice)
            if choice.form == "date" and other.kind == "literal" and other.name == "string":
                self.check_date_literal(other)

    def literal_among(self, node: Node, choice: Type) -> None:
        if node.kind != "literal" or node.name != "string":
            return
        options = choice.options or ()
        if node.value in options:
            return
        close = difflib.get_close_matches(str(node.value), options, n=1)
        self.issues.append(
            Issue(
                node.start,
                "expr.not-an-option",
                f"{node.value!r} is not an option of {choice.name or 'this field'}",
                (f"did you mean {close[0]!r}? " if close else "")
                + "options: "
                + ", ".join(options),
            )
        )

    def membership(self, node: Node, left: Type, right: Type) -> Type:
        left_node, right_node = node.args
        if right.kind == "list":
            element = right.of[0] if right.of else DYN
            if join(left, element) is None and left.kind != "dyn":
                self.fail(
                    node,
                    f"{left.describe()} is never in {right.describe()}",
                    "compare values of the same type",
                )
            if element.options is not None:
                self.literal_among(left_node, element)
            if left.options is not None and right_node.kind == "list":
                for item in right_node.args:
                    self.literal_among(item, left)
            return BOOL
        if right.kind in ("map", "record", "dyn"):
            return BOOL
        hint = f"use {_text(right_node)}.contains(…)" if right.kind == "string" else ""
        self.fail(node, f"'in' needs a list or a map on its right, not {right.describe()}", hint)
        return BOOL

    # -- calls ---------------------------------------------------------------------------
    def _call(self, node: Node) -> Type:
        name = node.name
        if name in _MACROS and node.target is not None:
            return self.macro(node)
        if name == "has":
            return BOOL
        args = ([node.target] if node.target is not None else []) + list(node.args)
        types = [self.infer(a) for a in args]
        if name == "double" and types:
            self.sure_double.add((node.start, node.end))
        if name in _CONVERSIONS:
            return _CONVERSIONS[name]
        if name == "timestamp":
            return self.timestamp(node, args, types)
        if name == "lookup":
            return self.lookup(args)
        return self.function(node, name, args, types)

    def timestamp(self, node: Node, args: list[Node], types: list[Type]) -> Type:
        if types and types[0].form == "date":
            self.fail(
                node,
                "timestamp() needs a date and time with its zone, not a date",
                f'write timestamp({_text(args[0])} + "T00:00:00Z")',
            )
        return Type("timestamp")

    def lookup(self, args: list[Node]) -> Type:
        if not args or args[0].kind != "literal":
            return DYN
        record = self.checker.lists(str(args[0].value))
        value = (record.fields or {}).get("value") if record is not None else None
        if value is not None and len(args) > 1:
            self.literal_among(args[1], value)  # lookup("branches", "riyad")
        return record or DYN

    def function(self, node: Node, name: str, args: list[Node], types: list[Type]) -> Type:
        first = types[0] if types else DYN
        if name == "size":
            self.receiver(node, name, first, ("string", "bytes", "list", "map", "record"))
            return INT
        if name in _STRING_TO_BOOL:
            kinds = ("string", "list") if name == "contains" else ("string",)
            self.receiver(node, name, first, kinds)
            return BOOL
        if name in _STRING_TO_STRING:
            self.receiver(node, name, first, ("string",))
            return STRING
        if name in ("indexOf", "lastIndexOf"):
            self.receiver(node, name, first, ("string", "list"))
            return INT
        if name == "split":
            self.receiver(node, name, first, ("string",))
            return Type("list", (STRING,))
        if name == "join":
            self.receiver(node, name, first, ("list",))
            element = first.of[0] if first.kind == "list" and first.of else DYN
            if element.kind not in ("string", "dyn"):
                self.fail(
                    node,
                    f"join() joins a list of texts, not {first.describe()}",
                    'make them texts first: list.map(x, string(x)).join(", ")',
                )
            return STRING
        if name in _TIMESTAMP_PARTS:
            if first.kind == "string":
                self.fail(
                    node,
                    f"{name}() works on a timestamp, not on {first.describe()}",
                    f'convert it: timestamp({_text(args[0])} + "T00:00:00Z").{name}()',
                )
            return INT
        if name in ("max", "min", "sum"):
            return self.aggregate(node, name, types)
        if name in ("reverse", "sort", "distinct", "slice"):
            return first
        if name == "flatten":
            inner = first.of[0] if first.kind == "list" and first.of else DYN
            return inner if inner.kind == "list" else Type("list", (DYN,))
        return DYN

    def receiver(self, node: Node, name: str, t: Type, kinds: tuple[str, ...]) -> None:
        if t.kind not in (*kinds, "dyn"):
            wanted = " or ".join(dict.fromkeys(_RECEIVER_NAMES[k] for k in kinds))
            self.fail(node, f"{name}() works on {wanted}, not on {t.describe()}")

    def aggregate(self, node: Node, name: str, types: list[Type]) -> Type:
        values = types[0].of[0] if len(types) == 1 and types[0].kind == "list" else None
        members = [values] if values is not None else types
        for t in members:
            if t is not None and t.kind not in (*_NUMERIC, "dyn", "null"):
                if name != "sum" and t.kind == "string":
                    continue
                self.fail(node, f"{name}() works on numbers, not on {t.describe()}")
        result = join_all(t for t in members if t is not None)
        # sum([]) is the whole number 0, and max/min of mixed numbers keep the winner's kind
        if result.kind == "double":
            return NUMBER
        return result

    def macro(self, node: Node) -> Type:
        assert node.target is not None
        collection = self.infer(node.target)
        if collection.kind in ("list", "map"):
            element = collection.of[0] if collection.of else DYN
        elif collection.kind == "dyn":
            element = DYN
        else:
            self.fail(node, f"{node.name}() works on a list, not on {collection.describe()}")
            element = DYN
        if not node.args or node.args[0].kind != "ident":
            return DYN
        variable = node.args[0].name
        saved = self.scope.get(variable)
        self.scope[variable] = element
        try:
            bodies = [self.infer(a) for a in node.args[1:]]
        finally:
            if saved is None:
                self.scope.pop(variable, None)
            else:
                self.scope[variable] = saved
        if node.name in ("all", "exists", "exists_one"):
            for body, arg in zip(bodies, node.args[1:], strict=True):
                self.want_bool(arg, body, node.name + "()")
            return BOOL
        if node.name == "filter":
            if bodies:
                self.want_bool(node.args[1], bodies[0], "filter()")
            return Type("list", (element,))
        return Type("list", (bodies[-1] if bodies else DYN,))


class ServiceTypes:
    """The types of one service's names, from its schema-valid data, and the checking of
    its expressions. `fields` maps every field id to (its raw data, its group id or None);
    `lists` are the option lists it may use; `registry` the field types."""

    def __init__(
        self,
        fields: Mapping[str, tuple[Mapping[str, Any], str | None]],
        lists: Mapping[str, tuple[Option, ...]],
        registry: FieldTypeRegistry,
    ) -> None:
        self.fields = fields
        self.lists = lists
        self.registry = registry
        self._types: dict[str, Type] = {}
        self._list_types: dict[str, Type | None] = {}
        self._typing: set[str] = set()
        top = {
            fid: functools.partial(self.field_type, fid)
            for fid, (raw, group) in fields.items()
            if group is None and registry[raw["type"]].holds_value
        }
        builtins = {"today": DATE, "lang": Type("string", options=("ar", "en"), name="lang")}
        self.checker = TypeChecker(top, self.list_type, builtins)

    def check(
        self,
        source: str,
        group: str | None,
        options: tuple[Option, ...] | None = None,
        expect: str = "",
    ) -> Checked:
        """Check `source`, written inside `group` (or at the top level), in an
        `options_filter` over `options` when they are given."""
        scope: dict[str, Type] = {}
        if group is not None:
            scope["item"] = self.item_type(group)
        if options is not None:
            scope["option"] = options_type(options, "the options")
        return self.checker.check(source, scope, expect)

    def list_type(self, name: str) -> Type | None:
        """An option of list `name`; built when first asked, as shared lists can be long
        and most services use few of them."""
        if name not in self._list_types:
            options = self.lists.get(name)
            found = None if options is None else options_type(options, f"list {name!r}")
            self._list_types[name] = found
        return self._list_types[name]

    def item_type(self, group: str) -> Type:
        children = {
            cid: self.field_type(cid)
            for cid, (raw, g) in self.fields.items()
            if g == group and self.registry[raw["type"]].holds_value
        }
        return Type("record", fields=children, name=f"an item of {group!r}")

    def field_type(self, field_id: str) -> Type:
        """The type of a field's answer; a computed field's is its expression's (one in a
        cycle, reported elsewhere, is `dyn`)."""
        if field_id not in self._types:
            if field_id in self._typing:
                return DYN
            self._typing.add(field_id)
            try:
                self._types[field_id] = self._field_type(field_id)
            finally:
                self._typing.discard(field_id)
        return self._types[field_id]

    def _field_type(self, field_id: str) -> Type:
        raw, group = self.fields[field_id]
        ftype = self.registry[raw["type"]]
        name = f"field {field_id!r}"
        if raw["type"] == "computed":
            found = self.check(raw["expression"], group).type
            if raw.get("format") == "integer" and found.kind == "double":
                found = NUMBER  # integral results are made whole
            return Type(found.kind, found.of, found.fields, found.options, found.form, name)
        options = None
        if ftype.has_options:
            chosen = raw.get("options")
            if chosen is not None:
                options = tuple(str(o["value"]) for o in chosen)
            elif raw.get("options_from") in self.lists:
                options = tuple(o.value for o in self.lists[raw["options_from"]])
        children = self.item_type(field_id).fields if ftype.value_shape == "items" else None
        return field_type(raw, ftype.value_shape, options, children)


def _text(node: Node) -> str:
    """A short rendering of a node for hints (names and members; otherwise `…`)."""
    if node.kind == "ident":
        return node.name
    if node.kind == "select" and node.args:
        return f"{_text(node.args[0])}.{node.name}"
    return "…"
