"""`workflow`: the statuses a request goes through and who may move it (the platform's
standard workflow when the service declares none)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import ClassVar

from khidma.definitions import defaults
from khidma.definitions.blocks.base import EXPR
from khidma.definitions.blocks.base import ID
from khidma.definitions.blocks.base import JSON
from khidma.definitions.blocks.base import TEXT
from khidma.definitions.blocks.base import Block
from khidma.definitions.blocks.base import Compiling
from khidma.definitions.blocks.base import array
from khidma.definitions.blocks.base import closest
from khidma.definitions.blocks.base import listing
from khidma.definitions.blocks.base import obj
from khidma.definitions.common import Text
from khidma.definitions.graph import reach
from khidma.definitions.yamlsource import Path
from khidma.expressions import Expression

ROLES = ["citizen", "staff", "system"]


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
    # offered only when this holds for the request's answers (None: always)
    when: Expression | None = None


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


class WorkflowBlock(Block):
    name = "workflow"
    summary = "The statuses a request goes through and who may move it."
    properties: ClassVar[JSON] = {
        "workflow": obj(
            {
                "initial": ID,
                "statuses": array(
                    obj(
                        {
                            "id": ID,
                            "label": TEXT,
                            "final": {"type": "boolean"},
                            "waiting_for": {"enum": ["staff", "citizen", "payment"]},
                        },
                        ["id", "label"],
                    ),
                    2,
                ),
                "transitions": array(
                    obj(
                        {
                            "from": {"anyOf": [ID, array(ID, 1)]},
                            "to": ID,
                            "by": array({"enum": ROLES}, 1, uniqueItems=True),
                            "label": TEXT,
                            "note_required": {"type": "boolean"},
                            "when": EXPR,
                        },
                        ["from", "to", "by"],
                    ),
                    1,
                ),
            },
            ["initial", "statuses", "transitions"],
        ),
    }
    descriptions: ClassVar[Mapping[str, str]] = {
        "workflow": (
            "The statuses a request goes through and who may move it (default: the standard)."
        ),
        "workflow/initial": "The status of a request just submitted.",
        "workflow/statuses": "The statuses (at least two; at least one final).",
        "workflow/statuses/id": "The status's id (unique among statuses).",
        "workflow/statuses/label": "What applicant and staff see.",
        "workflow/statuses/final": "The request is closed in this status; nothing may leave it.",
        "workflow/statuses/waiting_for": "Whose move it is: `staff`, `citizen` or `payment`.",
        "workflow/transitions": "The allowed moves between statuses.",
        "workflow/transitions/from": "The status (or list of statuses) the move leaves.",
        "workflow/transitions/to": "The status the move enters.",
        "workflow/transitions/by": "Who may make it: `citizen`, `staff`, `system`.",
        "workflow/transitions/label": "The button's label.",
        "workflow/transitions/note_required": (
            "Whether the person moving must write a note (a reason)."
        ),
        "workflow/transitions/when": (
            "A condition on the request's answers: the move is offered (and allowed) only "
            'when it is true, e.g. `card_delivery == "post"`.'
        ),
    }

    @classmethod
    def compile(cls, c: Compiling) -> Mapping[str, Any]:
        raw = c.data.get("workflow") or defaults.DEFAULT_WORKFLOW
        base: Path = ("workflow",)
        statuses: list[Status] = []
        seen: set[str] = set()
        for i, s in enumerate(raw["statuses"]):
            if s["id"] in seen:
                c.report(
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
                close = closest(status_id, seen)
                causes.append(
                    c.report(
                        path,
                        "workflow.unknown-status",
                        f"no status {status_id!r}",
                        (f"did you mean {close!r}? " if close else "declare it under statuses; ")
                        + listing("statuses", [s.id for s in statuses], sort=False),
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
                    c.report(
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
                    c.expr(t, "when", path, None, "top"),
                )
            )
        if c.data.get("workflow") and raw["initial"] in seen:
            reachable = reach(raw["initial"], edges) | {raw["initial"]}
            for i, s in enumerate(raw["statuses"]):
                if s["id"] not in reachable:
                    c.report(
                        (*base, "statuses", i, "id"),
                        "workflow.unreachable",
                        f"status {s['id']!r} cannot be reached from {raw['initial']!r}",
                        "fix the transition reported above first"
                        if causes
                        else "add a transition into it or remove it",
                        after=causes[0] if causes else None,
                    )
            if not any(s.final for s in statuses):
                c.report(
                    (*base, "statuses"),
                    "workflow.no-final",
                    "no status is final: a request could never be closed",
                    "mark the closing statuses with 'final: true'",
                )
        return {"workflow": Workflow(raw["initial"], tuple(statuses), tuple(transitions))}
