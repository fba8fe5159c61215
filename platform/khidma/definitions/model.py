"""The compiled, immutable form of a service definition.

Everything the engine and the web layer need is here, already checked: expressions are
compiled, option lists resolved, the dependency graph between fields computed. Nothing in
this module parses YAML or touches I/O.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from khidma.bilingual import Text as Text  # re-exported: most of the package names it here
from khidma.expressions import Expression

if TYPE_CHECKING:
    from khidma.fields import FieldType

Lang = Literal["ar", "en"]
EMPTY: Mapping[str, Any] = MappingProxyType({})


def _empty() -> Mapping[str, Any]:
    return EMPTY


@dataclass(frozen=True)
class Option:
    value: str
    label: Text
    attributes: Mapping[str, Any] = field(default_factory=_empty)

    def as_context(self) -> dict[str, Any]:
        """What an `options_filter` sees as `option`."""
        return {**self.attributes, "value": self.value, "label": self.label.ar}


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


@dataclass(frozen=True)
class Declaration:
    id: str
    text: Text


@dataclass(frozen=True)
class Fees:
    kind: Literal["none", "fixed", "computed"] = "none"
    amount: float | None = None
    expression: Expression | None = None
    currency: str = "SAR"
    payable: Literal["on_submit", "after_approval"] | None = None
    methods: tuple[str, ...] = ()
    note: Text | None = None


@dataclass(frozen=True)
class Instructions:
    title: Text
    items: tuple[Text, ...]
    accept_label: Text


@dataclass(frozen=True)
class BookingRule:
    """A resource's or a service's own settings in a `booking` block (None: the block's)."""

    schedule: Mapping[str, tuple[tuple[str, str], ...]] | None = None
    slot_minutes: int | None = None
    capacity_per_slot: int | None = None
    closed_dates: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Booking:
    resource_field: str
    slot_field: str
    schedule: Mapping[str, tuple[tuple[str, str], ...]]  # weekday → ((from, to), …)
    slot_minutes: int
    capacity_per_slot: int
    min_days_ahead: int
    max_days_ahead: int
    service_field: str | None = None
    closed_dates: frozenset[str] = frozenset()
    cancellation_allowed: bool = True
    cancellation_deadline_hours: int = 0
    reschedule_allowed: bool = False
    max_active_per_person: int | None = None
    documents_to_bring: tuple[Text, ...] = ()
    ticket_instructions: tuple[Text, ...] = ()
    resources: Mapping[str, BookingRule] = field(default_factory=dict)
    services: Mapping[str, BookingRule] = field(default_factory=dict)
    hold_minutes: int = 10
    beneficiary_field: str | None = None


@dataclass(frozen=True)
class Status:
    id: str
    label: Text
    final: bool = False
    waiting_for: str | None = None


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    to: str
    by: tuple[str, ...]
    label: Text | None = None
    note_required: bool = False


@dataclass(frozen=True)
class Workflow:
    initial: str
    statuses: tuple[Status, ...]
    transitions: tuple[Transition, ...]

    def status(self, status_id: str) -> Status | None:
        """The status with this id, or None (a request may outlive its workflow's change)."""
        return next((s for s in self.statuses if s.id == status_id), None)

    def allowed(self, current: str, role: str) -> tuple[Transition, ...]:
        """The transitions `role` may make from `current`."""
        return tuple(t for t in self.transitions if current in t.sources and role in t.by)


@dataclass(frozen=True)
class Notification:
    event: str
    channel: Literal["sms", "email"]
    body: Text
    subject: Text | None = None


@dataclass(frozen=True)
class Agency:
    id: str
    name: Text


@dataclass(frozen=True)
class SignIn:
    required: bool = True
    methods: tuple[str, ...] = ("national_sso", "local_account")
    note: Text | None = None


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
    sign_in: SignIn = SignIn()
    fees: Fees = Fees()
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

    def notifications_for(self, event: str) -> tuple[Notification, ...]:
        return tuple(n for n in self.notifications if n.event == event)
