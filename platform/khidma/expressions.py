"""The one expression language of service definitions.

Every condition (`visible_when`, `required_when`), computed value, option filter and rule
in a service file is a CEL expression (https://cel.dev): standard, side-effect free and
not Turing-complete, so a definition can never loop or touch the machine. This module is
the only place that knows which CEL implementation runs them; the rest of the platform sees
`compile(source) -> Expression` with `.names` (the free names it reads) and
`.evaluate(context)`.

Expressions are compiled once, when a definition is loaded. Evaluation is pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import cel
from cel import stdlib as _cel_stdlib

__all__ = [
    "EvaluationError",
    "Expression",
    "ExpressionSyntaxError",
    "compile",
    "function_names",
]


class ExpressionSyntaxError(ValueError):
    """The text is not a valid expression. `column` is 1-based within the expression."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


class EvaluationError(ValueError):
    """The expression could not be evaluated against the given values."""


def _stdlib_functions() -> dict[str, Callable[..., Any]]:
    context = cel.Context()
    _cel_stdlib.add_stdlib_to_context(context)
    return dict(context.functions)


_STDLIB = _stdlib_functions()

# Methods of a timestamp (`timestamp(t).getFullYear()`).
TIMESTAMP_PARTS = (
    "getFullYear",
    "getMonth",
    "getDayOfMonth",
    "getDayOfWeek",
    "getDayOfYear",
    "getHours",
    "getMinutes",
)

# Functions and macros the CEL runtime itself provides.
_BUILTINS = frozenset(
    {
        "size",
        "has",
        "int",
        "uint",
        "double",
        "string",
        "bytes",
        "bool",
        "timestamp",
        "duration",
        "contains",
        "startsWith",
        "endsWith",
        "matches",
        "all",
        "exists",
        "exists_one",
        "map",
        "filter",
        "type",
        "dyn",
        *TIMESTAMP_PARTS,
    }
)

_MACRO_BINDING = re.compile(r"\.\s*(?:all|exists|exists_one|map|filter)\s*\(\s*([A-Za-z_]\w*)\s*,")
_ERROR_COLUMN = re.compile(r"<input>:\d+:(\d+):\s*(.*?)(?:\n|$)")


def function_names(extra: Mapping[str, Callable[..., Any]] | None = None) -> frozenset[str]:
    """Every function name an expression may call, given the `extra` host functions."""
    # Namespaced functions (math.greatest, sets.contains, …) parse as a member of a
    # variable `math`, so a definition cannot call them; they are not offered.
    plain = frozenset(name for name in _STDLIB if "." not in name)
    return _BUILTINS | plain | frozenset(extra or {})


@dataclass(frozen=True)
class Expression:
    """A compiled expression. `names` are the free variables it reads (macro-bound names
    such as the `a` of `list.map(a, a.hours)` are not among them); `functions` are the
    named functions it calls."""

    source: str
    names: frozenset[str]
    functions: frozenset[str]
    _program: Any = field(repr=False, compare=False)
    _stdlib: Mapping[str, Callable[..., Any]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _text: str | None = field(default=None, repr=False, compare=False)  # what was compiled
    # Every variable the program refers to, macro-bound ones included: only these are
    # handed to the runtime, which converts each value it is given (a page's whole
    # answers, for every expression, cost four times the evaluation itself).
    _reads: frozenset[str] | None = field(default=None, repr=False, compare=False)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its text (the definition cache stores compiled definitions): a CEL
        program cannot be pickled, and it is compiled again only when first evaluated."""
        text = self._text or self.source
        return (_restore, (self.source, self.names, self.functions, text, self._reads))

    def promoted(self, spans: Iterable[tuple[int, int]]) -> Expression:
        """This expression with each `(start, end)` span of its source run as
        `double(…)`: the type checker's promotions, so that whole numbers and decimals mix
        (`1 + 2.5`) although the runtime does not convert between them. `source` stays the
        author's text, for messages."""
        edits: list[tuple[int, int, str]] = []
        for start, end in spans:
            edits.append((start, 1, "double("))
            edits.append((end, 0, ")"))  # at one offset, a span closes before one opens
        if not edits:
            return self
        text = self.source
        for at, _, insert in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
            text = text[:at] + insert + text[at:]
        program = cel.compile(text)
        return Expression(
            self.source, self.names, self.functions, program, self._stdlib, text, self._reads
        )

    def evaluate(
        self,
        variables: Mapping[str, Any],
        functions: Mapping[str, Callable[..., Any]] | None = None,
    ) -> Any:
        """Evaluate with `variables` (every name in `.names` should be present; a missing
        one is an `EvaluationError`) and optional host `functions`."""
        wanted = dict(self._stdlib)
        if functions:
            wanted.update({n: f for n, f in functions.items() if n in self.functions})
        reads = self._reads
        given = (
            dict(variables)
            if reads is None
            else {name: variables[name] for name in reads if name in variables}
        )
        context = cel.Context(given, wanted)
        try:
            return self._program.execute(context)
        except Exception as exc:  # the CEL runtime raises TypeError/RuntimeError/ValueError
            raise EvaluationError(f"{self.source!r}: {exc}") from exc


def compile(source: str) -> Expression:
    """Compile `source`, or raise `ExpressionSyntaxError` saying where it is wrong."""
    if not isinstance(source, str) or not source.strip():
        raise ExpressionSyntaxError("an expression must be a non-empty string", 1)
    try:
        program = cel.compile(source)
    except Exception as exc:
        text = str(exc)
        found = _ERROR_COLUMN.search(text)
        if found:
            raise ExpressionSyntaxError(found.group(2).strip(), int(found.group(1)) + 1) from None
        raise ExpressionSyntaxError(
            text.splitlines()[0] if text else "invalid expression"
        ) from None
    references = program.references()
    bound = set(_MACRO_BINDING.findall(source))
    names = frozenset(n for n in references["variables"] if n not in bound)
    functions = frozenset(
        f for f in references["functions"] if not f.startswith(("_", "@", "!", "-"))
    )
    stdlib = {name: _STDLIB[name] for name in functions if name in _STDLIB}
    reads = frozenset(references["variables"])
    return Expression(source, names, functions, program, stdlib, source, reads)


class _LazyProgram:
    """A CEL program compiled from `text` the first time it runs (after unpickling)."""

    __slots__ = ("_program", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._program: Any = None

    def execute(self, context: Any) -> Any:
        if self._program is None:
            self._program = cel.compile(self.text)
        return self._program.execute(context)


def _restore(
    source: str,
    names: frozenset[str],
    functions: frozenset[str],
    text: str,
    reads: frozenset[str] | None = None,
) -> Expression:
    stdlib = {name: _STDLIB[name] for name in functions if name in _STDLIB}
    return Expression(source, names, functions, _LazyProgram(text), stdlib, text, reads)
