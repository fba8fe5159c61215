"""The wizard's path through a service: which pages, in which order, and how far along.

Pages are the instructions to accept (page 0, when the definition has `instructions`),
the visible steps in definition order (numbered from 1), and the review page (when
`review_enabled`). A step is complete when its answers pass every check
(`validate_submission`'s errors for it are none) and, if the caller tracks visits, the
applicant has been on it. The instructions page is complete once accepted. The review page
is never complete: submitting is what finishes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any
from typing import Literal

from khidma.definitions.model import ServiceDefinition
from khidma.definitions.model import Step
from khidma.definitions.model import Text
from khidma.engine.errors import FieldError
from khidma.engine.evaluate import State
from khidma.engine.evaluate import evaluate
from khidma.engine.prefill import Identity
from khidma.engine.validate import validate_submission

__all__ = ["INSTRUCTIONS", "REVIEW", "Page", "Wizard", "plan"]

# Step ids start with a letter, so these can never clash with one.
INSTRUCTIONS = "_instructions"
REVIEW = "_review"
DEFAULT_REVIEW_TITLE = Text("مراجعة الطلب", "Check your answers")

PageKind = Literal["instructions", "step", "review"]


@dataclass(frozen=True)
class Page:
    """One page of the wizard. `number` is 0 for the instructions, 1… for the visible
    steps, and one more than the last step for the review."""

    id: str
    kind: PageKind
    number: int
    title: Text
    step: Step | None = None


@dataclass(frozen=True)
class Wizard:
    """The pages for the current answers and which are complete. `errors` are the errors
    of every visible step (what `validate_submission` says), for the progress indicator
    and the review page."""

    pages: tuple[Page, ...]
    complete: frozenset[str]
    errors: tuple[FieldError, ...] = ()
    # the evaluation of the answers the pages were planned for (see `plan`)
    state: State | None = dc_field(default=None, compare=False, repr=False)

    @property
    def steps(self) -> tuple[Page, ...]:
        """The step pages only (the numbered progress indicator)."""
        return tuple(p for p in self.pages if p.kind == "step")

    def page(self, page_id: str) -> Page | None:
        """The page with that id, or None when it is not on the path (a hidden step)."""
        return next((p for p in self.pages if p.id == page_id), None)

    def _index(self, page_id: str) -> int | None:
        return next((i for i, p in enumerate(self.pages) if p.id == page_id), None)

    def next(self, page_id: str) -> Page | None:
        """The page after `page_id`; None after the last or for a page not on the path."""
        index = self._index(page_id)
        if index is None or index + 1 >= len(self.pages):
            return None
        return self.pages[index + 1]

    def previous(self, page_id: str) -> Page | None:
        """The page before `page_id`; None before the first or for a page not on the path."""
        index = self._index(page_id)
        return self.pages[index - 1] if index else None

    def first_incomplete(self) -> Page | None:
        """Where to send the applicant: the first page not complete (the review page when
        every other page is); None only when there are no pages at all."""
        return next((p for p in self.pages if p.id not in self.complete), None)

    def can_open(self, page_id: str) -> bool:
        """True when the page is on the path and every page before it is complete (no
        skipping ahead by editing the URL)."""
        index = self._index(page_id)
        return index is not None and all(p.id in self.complete for p in self.pages[:index])

    def errors_of(self, step_id: str, definition: ServiceDefinition) -> tuple[FieldError, ...]:
        """The errors of one step's fields."""
        return tuple(e for e in self.errors if _step_of(definition, e) == step_id)


def _step_of(definition: ServiceDefinition, error: FieldError) -> str | None:
    if definition.has_field(error.field_id):
        return definition.field(error.field_id).step
    return None


def plan(
    definition: ServiceDefinition,
    answers: Mapping[str, Any],
    *,
    today: dt.date,
    identity: Identity | None = None,
    instructions_accepted: bool = False,
    visited: Collection[str] | None = None,
    state: State | None = None,
) -> Wizard:
    """The wizard for `answers`. With `visited` (step ids the applicant has submitted at
    least once), an unvisited step is never complete, even when it has nothing required.

    A caller that has already evaluated the answers passes `state`, used when it holds
    for them (`evaluate.holds_for`), by the check of every step too: the answers are not
    evaluated again. The wizard keeps the evaluation it was planned from (`Wizard.state`)."""
    state = evaluate(definition, answers, today=today, identity=identity, known=state)
    pages: list[Page] = []
    complete: set[str] = set()
    if definition.instructions is not None:
        pages.append(Page(INSTRUCTIONS, "instructions", 0, definition.instructions.title))
        if instructions_accepted:
            complete.add(INSTRUCTIONS)
    errors = validate_submission(
        definition, answers, today=today, identity=identity, state=state
    ).errors
    failing = {_step_of(definition, e) for e in errors}
    visible = [s for s in definition.steps if s.id in state.visible_steps]
    for number, step in enumerate(visible, start=1):
        pages.append(Page(step.id, "step", number, step.title, step))
        if step.id not in failing and (visited is None or step.id in visited):
            complete.add(step.id)
    if definition.review_enabled:
        title = definition.review_title or DEFAULT_REVIEW_TITLE
        pages.append(Page(REVIEW, "review", len(visible) + 1, title))
    return Wizard(tuple(pages), frozenset(complete), tuple(errors), state)
