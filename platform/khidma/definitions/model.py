"""The compiled, immutable form of a service definition.

Everything the engine and the web layer need is here, already checked: expressions are
compiled, option lists resolved, the dependency graph between fields and the evaluation
order computed. `Field`, `Rule` and `Step` are defined here; each block's dataclasses
(`Fees`, `Booking`, `Workflow`, …) in its module of `definitions.blocks`, and named here
too, so the model is read from this module. Nothing in it parses YAML or touches I/O.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from functools import cached_property
from typing import TYPE_CHECKING
from typing import Any

from khidma.definitions.blocks.booking import Booking
from khidma.definitions.blocks.booking import BookingRule
from khidma.definitions.blocks.card import SignIn
from khidma.definitions.blocks.declarations import Declaration
from khidma.definitions.blocks.fees import Fees
from khidma.definitions.blocks.instructions import Instructions
from khidma.definitions.blocks.notifications import Notification
from khidma.definitions.blocks.service import Agency
from khidma.definitions.blocks.workflow import Status
from khidma.definitions.blocks.workflow import Transition
from khidma.definitions.blocks.workflow import Workflow
from khidma.definitions.common import EMPTY
from khidma.definitions.common import Lang
from khidma.definitions.common import Option
from khidma.definitions.common import Text
from khidma.definitions.common import empty as _empty
from khidma.expressions import Expression

if TYPE_CHECKING:
    from khidma.fields import FieldType

# The blocks' own dataclasses, named here too: the model is read from this module.
__all__ = [
    "EMPTY",
    "Agency",
    "Booking",
    "BookingRule",
    "Declaration",
    "Fees",
    "Field",
    "Instructions",
    "Lang",
    "Notification",
    "Option",
    "Rule",
    "ServiceDefinition",
    "SignIn",
    "Status",
    "Step",
    "Text",
    "Transition",
    "Unit",
    "Workflow",
]


@dataclass(frozen=True)
class Rule:
    check: Expression
    message: Text


@dataclass(frozen=True)
class Field:
    id: str
    type: type[FieldType]
    step: str
    label: Text | None = None
    hint: Text | None = None
    placeholder: Text | None = None
    default: Any = None
    prefill: str | None = None
    readonly: bool = False
    required: bool = False
    visible_when: Expression | None = None
    required_when: Expression | None = None
    rules: tuple[Rule, ...] = ()
    options: tuple[Option, ...] | None = None  # inline or resolved from `options_from`
    options_from: str | None = None
    options_filter: Expression | None = None
    expression: Expression | None = None  # computed fields
    fields: tuple[Field, ...] = ()  # group items
    group: str | None = None  # the group this field belongs to, if any
    settings: Mapping[str, Any] = field(
        default_factory=_empty
    )  # type-specific keys (min, max, accept, …)

    @property
    def type_name(self) -> str:
        return self.type.name

    def setting(self, key: str, default: Any = None) -> Any:
        return self.settings.get(key, default)

    def expressions(self) -> Iterator[Expression]:
        for expr in (self.visible_when, self.required_when, self.options_filter, self.expression):
            if expr is not None:
                yield expr
        for rule in self.rules:
            yield rule.check


@dataclass(frozen=True)
class Step:
    id: str
    title: Text
    fields: tuple[Field, ...]
    intro: Text | None = None
    visible_when: Expression | None = None


# A top-level field and, for a group, its children: what the engine settles together.
Unit = tuple[Field, tuple[Field, ...]]


@dataclass(frozen=True, eq=False)
class ServiceDefinition:
    """One version of one service, compiled. Identity is (`id`, `hash`): two definitions
    are equal, and hash alike, when they are the same version of the same service."""

    id: str
    version: str
    hash: str
    source: str  # the file it came from
    agency: Agency
    title: Text
    summary: Text
    description: Text
    steps: tuple[Step, ...]
    workflow: Workflow
    sign_in: SignIn = field(default_factory=SignIn)
    fees: Fees = field(default_factory=Fees)
    keywords: tuple[str, ...] = ()
    audience: str = "individuals"
    beneficiaries: tuple[str, ...] = ()
    duration: Text | None = None
    sla_days: int | None = None
    channels: tuple[tuple[Text, Text | None], ...] = ()
    terms: tuple[Text, ...] = ()
    required_documents: tuple[Text, ...] = ()
    instructions: Instructions | None = None
    rating_enabled: bool = True
    review_enabled: bool = True
    review_title: Text | None = None
    review_intro: Text | None = None
    declarations: tuple[Declaration, ...] = ()
    confirmation: tuple[Text | None, Text] | None = None
    booking: Booking | None = None
    notifications: tuple[Notification, ...] = ()
    lists: Mapping[str, tuple[Option, ...]] = field(default_factory=_empty)
    # field id → ids of the fields whose visibility, requirement, options or value read it,
    # directly or through computed values (what must be re-rendered when it changes)
    affects: Mapping[str, frozenset[str]] = field(default_factory=_empty)
    # every field id (top level and inside groups) in an order in which reading only
    # earlier fields is enough to evaluate each one
    evaluation_order: tuple[str, ...] = ()
    # the top-level fields, each with its children, in the order the engine settles them:
    # each after the top-level fields it (or a child) reads (`definitions.graph`)
    evaluation_units: tuple[Unit, ...] = field(default=(), repr=False, compare=False)
    # the models of blocks the platform does not declare (a plug-in's), by key
    extensions: Mapping[str, Any] = field(default_factory=_empty)
    raw: Mapping[str, Any] = field(default_factory=_empty, repr=False, compare=False)
    shared_lists_used: tuple[str, ...] = ()  # shared lists this version reads (in `lists`)
    _fields: Mapping[str, Field] = field(default_factory=_empty, repr=False, compare=False)

    def field(self, field_id: str) -> Field:
        return self._fields[field_id]

    def has_field(self, field_id: str) -> bool:
        return field_id in self._fields

    def all_fields(self) -> Iterator[Field]:
        """Every field, in the order of the steps, group items right after their group."""
        for step in self.steps:
            for f in step.fields:
                yield f
                yield from f.fields

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ServiceDefinition):
            return NotImplemented
        return (self.id, self.hash) == (other.id, other.hash)

    def __hash__(self) -> int:
        return hash((self.id, self.hash))

    def step(self, step_id: str) -> Step:
        """The step with this id; KeyError if there is none."""
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)

    @cached_property
    def step_condition_names(self) -> frozenset[str]:
        """The names the steps' `visible_when` conditions read (once per definition)."""
        return frozenset(
            name for s in self.steps if s.visible_when is not None for name in s.visible_when.names
        )

    @cached_property
    def reads_lang(self) -> bool:
        """Whether any expression of the service reads `lang` (once per definition)."""
        expressions: list[Expression | None] = [s.visible_when for s in self.steps]
        for f in self.all_fields():
            expressions += [f.visible_when, f.required_when, f.options_filter, f.expression]
            expressions += [r.check for r in f.rules]
        expressions.append(self.fees.expression)
        return any(e is not None and "lang" in e.names for e in expressions)

    def notifications_for(self, event: str) -> tuple[Notification, ...]:
        return tuple(n for n in self.notifications if n.event == event)
