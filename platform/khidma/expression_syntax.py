"""The shape of an expression: a small parser for CEL, for the load-time type checker.

The CEL runtime the platform uses (the `cel` package, a Rust binding) compiles and runs
expressions but does not expose their syntax tree, so this module parses the same
language into `Node`s that keep where each part stands in the source (for errors at
file:line:col, and for the numeric promotions `khidma.definitions.typecheck` inserts).

Only text the runtime has already accepted is parsed here (`expressions.compile` runs
first), so errors need no care: anything this parser does not know raises
`Unsupported`, and the checker then leaves that expression untyped rather than guess.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["Node", "Unsupported", "parse"]


class Unsupported(ValueError):
    """The text uses syntax this parser does not cover (message construction, `.?`…)."""


@dataclass(frozen=True)
class Node:
    """One part of an expression. `kind` is one of:
    `literal` (value, `name` the CEL type: int, uint, double, string, bytes, bool, null),
    `ident` (name), `select` (name = the member; args = (operand,)),
    `index` (args = (operand, index)), `call` (name; target = receiver or None; args),
    `list` (args), `map` (args = key, value, key, value…), `unary` (name = op; args),
    `binary` (name = op; args = (left, right)), `cond` (args = (test, then, else)).
    `start`/`end` are offsets into the source, end exclusive."""

    kind: str
    start: int
    end: int
    name: str = ""
    args: tuple[Node, ...] = ()
    target: Node | None = None
    value: Any = None


_TOKEN = re.compile(
    r"""
    (?P<space>\s+|//[^\n]*)
  | (?P<string>[rR]?[bB]?[rR]?(?:\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''
        |"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'))
  | (?P<number>0[xX][0-9a-fA-F]+[uU]?
        |(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?[uU]?)
  | (?P<ident>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<op>\|\||&&|==|!=|<=|>=|[<>+\-*/%!?:.,()\[\]{}])
    """,
    re.VERBOSE,
)

# CEL's binary operators, from the loosest: || then && then relations, + -, * / %.
_PRECEDENCE = {
    "||": 1,
    "&&": 2,
    **dict.fromkeys(("<", "<=", ">", ">=", "==", "!=", "in"), 3),
    "+": 4,
    "-": 4,
    "*": 5,
    "/": 5,
    "%": 5,
}


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int
    end: int


def _tokens(source: str) -> list[_Token]:
    found: list[_Token] = []
    at = 0
    for m in _TOKEN.finditer(source):
        if m.start() != at:
            break
        at = m.end()
        kind = m.lastgroup or ""
        if kind != "space":
            found.append(_Token(kind, m.group(), m.start(), at))
    if at != len(source):
        raise Unsupported(f"unexpected {source[at]!r}")
    found.append(_Token("end", "", len(source), len(source)))
    return found


def _literal_number(text: str) -> tuple[str, Any]:
    if text[-1] in "uU":
        return "uint", int(text[:-1], 0)
    if text.lower().startswith("0x"):
        return "int", int(text, 16)
    if any(c in text for c in ".eE"):
        return "double", float(text)
    return "int", int(text)


def _literal_string(text: str) -> tuple[str, Any]:
    prefix = re.match(r"[rRbB]*", text).group()  # type: ignore[union-attr]
    body = text[len(prefix) :]
    kind = "bytes" if "b" in prefix.lower() else "string"
    quote = 3 if body[:3] in ('"""', "'''") else 1
    if "r" in prefix.lower():
        return kind, body[quote:-quote]
    try:
        value = ast.literal_eval(body)
    except (ValueError, SyntaxError):
        value = body[quote:-quote]
    return kind, value


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = _tokens(source)
        self.at = 0

    @property
    def peek(self) -> _Token:
        return self.tokens[self.at]

    def take(self, text: str | None = None) -> _Token:
        token = self.tokens[self.at]
        if text is not None and token.text != text:
            raise Unsupported(f"expected {text!r}, found {token.text!r}")
        self.at += 1
        return token

    def accept(self, text: str) -> bool:
        if self.peek.text == text and self.peek.kind in ("op", "ident"):
            self.at += 1
            return True
        return False

    # expr = binary ['?' binary ':' expr]
    def expr(self) -> Node:
        test = self.binary(1)
        if self.accept("?"):
            then = self.binary(1)
            self.take(":")
            other = self.expr()
            return Node("cond", test.start, other.end, args=(test, then, other))
        return test

    def binary(self, lowest: int) -> Node:
        """Operators of precedence `lowest` and above, left to right (precedence climbing)."""
        left = self.unary()
        while True:
            token = self.tokens[self.at]
            level = _PRECEDENCE.get(token.text, 0) if token.kind in ("op", "ident") else 0
            if level < lowest:
                return left
            self.at += 1
            right = self.binary(level + 1)
            left = Node("binary", left.start, right.end, token.text, (left, right))

    def unary(self) -> Node:
        if self.peek.text in ("!", "-") and self.peek.kind == "op":
            token = self.take()
            operand = self.unary()
            if (
                token.text == "-"
                and operand.kind == "literal"
                and operand.name in ("int", "double")
            ):
                return Node("literal", token.start, operand.end, operand.name, value=-operand.value)
            return Node("unary", token.start, operand.end, token.text, (operand,))
        return self.member()

    def member(self) -> Node:
        node = self.primary()
        while True:
            if self.accept("."):
                name = self.take()
                if name.kind != "ident":
                    raise Unsupported("a member name must follow '.'")
                if self.peek.text == "(":
                    args, end = self.arguments()
                    node = Node("call", node.start, end, name.text, args, target=node)
                else:
                    node = Node("select", node.start, name.end, name.text, (node,))
            elif self.peek.text == "[" and self.peek.kind == "op":
                self.take()
                index = self.expr()
                end = self.take("]").end
                node = Node("index", node.start, end, args=(node, index))
            else:
                return node

    def arguments(self) -> tuple[tuple[Node, ...], int]:
        self.take("(")
        args: list[Node] = []
        while self.peek.text != ")":
            args.append(self.expr())
            if not self.accept(","):
                break
        return tuple(args), self.take(")").end

    def primary(self) -> Node:
        token = self.peek
        if token.kind == "number":
            self.take()
            kind, value = _literal_number(token.text)
            return Node("literal", token.start, token.end, kind, value=value)
        if token.kind == "string":
            self.take()
            kind, value = _literal_string(token.text)
            return Node("literal", token.start, token.end, kind, value=value)
        if token.kind == "ident":
            self.take()
            if token.text in ("true", "false"):
                return Node("literal", token.start, token.end, "bool", value=token.text == "true")
            if token.text == "null":
                return Node("literal", token.start, token.end, "null")
            if self.peek.text == "(":
                args, end = self.arguments()
                return Node("call", token.start, end, token.text, args)
            if self.peek.text == "{":
                raise Unsupported("message construction")
            return Node("ident", token.start, token.end, token.text)
        if token.text == "(":
            self.take()
            inner = self.expr()
            self.take(")")
            return inner
        if token.text == "[":
            return self.sequence("]", "list")
        if token.text == "{":
            return self.sequence("}", "map")
        raise Unsupported(f"unexpected {token.text!r}")

    def sequence(self, close: str, kind: str) -> Node:
        start = self.take().start
        items: list[Node] = []
        while self.peek.text != close:
            items.append(self.expr())
            if kind == "map":
                self.take(":")
                items.append(self.expr())
            if not self.accept(","):
                break
        end = self.take(close).end
        return Node(kind, start, end, args=tuple(items))


@functools.lru_cache(maxsize=4096)
def parse(source: str) -> Node:
    """The syntax tree of `source`, or `Unsupported`. Trees are immutable, so one is kept
    per text: services repeat a condition in `visible_when` and `required_when`."""
    parser = _Parser(source)
    try:
        node = parser.expr()
    except (IndexError, RecursionError) as exc:
        raise Unsupported(str(exc)) from None
    if parser.peek.kind != "end":
        raise Unsupported(f"unexpected {parser.peek.text!r}")
    return node
