"""A step post checks in a read transaction and saves in a short write transaction after
(`wizard._post_then_save`). What another request saves in between decides what happens:
a save that changed nothing the checks read (the same post twice, a double click) lets
this one be saved as checked; a save of other answers (a second tab) makes the post run
again under the write lock, so that neither tab's answers are lost."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import khidma.web.wizard as wizard_module
from khidma.storage.models import Draft
from tests.drivers import errors_in
from tests.drivers import valid_input
from tests.wizard.test_evaluation_count import at_applicant_step


def meanwhile(monkeypatch: pytest.MonkeyPatch, change: Callable[[], None]) -> list[int]:
    """Run `change` once, right after the first checks of a step post (before its save);
    returns the list that counts how many times the post's checks ran."""
    real = wizard_module._post_step
    runs: list[int] = []

    def checked_then_changed(*args: Any, **kwargs: Any) -> Any:
        response = real(*args, **kwargs)
        runs.append(1)
        if len(runs) == 1:
            change()
        return response

    monkeypatch.setattr(wizard_module, "_post_step", checked_then_changed)
    return runs


def save(app: Any, token: str, **values: Any) -> None:
    with app.extensions["khidma.db"].session(write=True) as db:
        draft = db.query(Draft).filter_by(token=token).one()
        for name, value in values.items():
            setattr(draft, name, value)


def stored(app: Any, token: str) -> Draft:
    with app.extensions["khidma.db"].session() as db:
        draft: Draft = db.query(Draft).filter_by(token=token).one()
        return draft


def test_a_save_that_changed_nothing_checked_does_not_make_the_post_run_again(
    app: Any, citizen: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = at_applicant_step(app, citizen)
    data = valid_input(w.definition, w.step(), {})
    # the same post, saved by another request meanwhile: only when it was saved moves
    runs = meanwhile(monkeypatch, lambda: save(app, w.token, current_step="applicant"))
    response = w.fill_step(**data)
    assert response.status_code == 302, errors_in(response.data.decode())
    assert len(runs) == 1
    assert stored(app, w.token).answers["full_name"] == data["full_name"]


def test_answers_saved_by_another_tab_meanwhile_are_kept(
    app: Any, citizen: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = at_applicant_step(app, citizen)
    data = valid_input(w.definition, w.step(), {})
    subject = "مناقشة موضوع يخص الحي مع الإدارة المختصة"

    def other_tab() -> None:  # answers a later step of the same draft
        answers = dict(stored(app, w.token).answers, visit_subject=subject)
        save(app, w.token, answers=answers)

    runs = meanwhile(monkeypatch, other_tab)
    response = w.fill_step(**data)
    assert response.status_code == 302, errors_in(response.data.decode())
    assert len(runs) == 2  # checked again under the write lock, against the new answers
    answers = stored(app, w.token).answers
    assert answers["visit_subject"] == subject
    assert answers["full_name"] == data["full_name"]
