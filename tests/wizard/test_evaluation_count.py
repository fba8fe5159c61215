"""How often one wizard request evaluates the answers (issue 13): a step GET once, a step
POST at most twice (the answers it was opened with, and the answers it leaves), the review
page once, a submit's checks once. Every place that needs the evaluation — the pages and
how far along they are, the fields drawn, the summary, the fee — is handed the one state
(`evaluate(…, known=state)` hands it back where `holds_for` says it serves other answers)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest

import khidma.engine.evaluate as evaluate_module
from tests.drivers import WizardDriver
from tests.drivers import errors_in
from tests.drivers import valid_input
from tests.wizard.test_wizard_web import complete_emirate


class Evaluations:
    """Counts the calls of `khidma.engine.evaluate.evaluate`, wherever it is looked up
    (every module of ours that imported it by name), by the module that called it. A call
    that hands back the caller's `known` evaluation evaluated nothing and is not counted."""

    def __init__(self) -> None:
        self.by_module: dict[str, int] = {}

    @property
    def total(self) -> int:
        return sum(self.by_module.values())

    def during(self, request: Callable[[], Any]) -> tuple[Any, int]:
        self.by_module.clear()
        return request(), self.total


@pytest.fixture
def evaluations(monkeypatch: pytest.MonkeyPatch) -> Iterator[Evaluations]:
    real = evaluate_module.evaluate
    counter = Evaluations()

    def counting_for(name: str) -> Callable[..., Any]:
        def counting(*args: Any, **kwargs: Any) -> Any:
            state = real(*args, **kwargs)
            if state is not kwargs.get("known"):
                counter.by_module[name] = counter.by_module.get(name, 0) + 1
            return state

        return counting

    for name, module in list(sys.modules.items()):
        if name.startswith("khidma") and getattr(module, "evaluate", None) is real:
            monkeypatch.setattr(module, "evaluate", counting_for(name))
    yield counter


def at_applicant_step(app: Any, client: Any) -> WizardDriver:
    w = WizardDriver(app, client, "emirate_visit")
    if w.page_id == "_instructions":
        w.accept_instructions()
    if w.page_id != "applicant":  # the first step, past what opens it
        w.url = client.get(w.url, follow_redirects=True).request.path
    assert w.page_id == "applicant", w.url
    return w


def test_a_step_get_evaluates_once(app: Any, citizen: Any, evaluations: Evaluations) -> None:
    w = at_applicant_step(app, citizen)
    response, count = evaluations.during(lambda: citizen.get(w.url))
    assert response.status_code == 200
    assert count == 1


def test_a_valid_step_post_evaluates_twice(
    app: Any, citizen: Any, evaluations: Evaluations
) -> None:
    w = at_applicant_step(app, citizen)
    data = valid_input(w.definition, w.step(), {})
    response, count = evaluations.during(lambda: w.fill_step(**data))
    assert response.status_code == 302, errors_in(response.data.decode())
    assert count <= 2
    # and the page it goes to, a GET, once
    response, count = evaluations.during(lambda: citizen.get(w.url))
    assert response.status_code == 200 and count == 1


def test_an_invalid_step_post_evaluates_twice(
    app: Any, citizen: Any, evaluations: Evaluations
) -> None:
    w = at_applicant_step(app, citizen)
    data = valid_input(w.definition, w.step(), {}, mobile="12")
    response, count = evaluations.during(lambda: w.fill_step(**data))
    assert response.status_code == 200 and errors_in(response.data.decode())
    assert count <= 2


def test_review_and_submit_evaluate_once(app: Any, citizen: Any, evaluations: Evaluations) -> None:
    w = complete_emirate(app, citizen)
    response, count = evaluations.during(lambda: citizen.get(w.url))
    assert response.status_code == 200
    assert count == 1
    refused, count = evaluations.during(lambda: w.submit(declarations=[]))
    assert refused.status_code == 200 and errors_in(refused.data.decode())
    assert count == 1  # the checks, the pages and the review page shown again
    done, count = evaluations.during(lambda: w.submit())
    assert done.status_code == 302
    # The checks, the fee and the pages: one. Once committed, the request's summary is
    # drawn from the stored request for its notifications (Arabic and English) and its
    # PDF, each by `build_summary` from what was stored: counted apart.
    after = evaluations.by_module.get("khidma.engine.summary", 0)
    assert count - after <= 1, evaluations.by_module
