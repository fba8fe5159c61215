"""Every sign-in of an official is an entry of the chained audit log; citizens' are not."""

from __future__ import annotations

from sqlalchemy import select

from khidma.storage import audit
from khidma.storage.trust_models import AuditEntry
from tests.drivers import Actions


def _entries(actions: Actions) -> list[AuditEntry]:
    with actions.db().session() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))


def test_an_officials_sign_in_is_chained(actions: Actions) -> None:
    assert actions.persona("auditor").status_code in (302, 303)
    assert actions.persona("staff:moh").status_code in (302, 303)
    entries = _entries(actions)
    assert [(e.action, e.actor_role) for e in entries] == [
        ("sign_in", "auditor"),
        ("sign_in", "staff"),
    ]
    assert '"via":' in entries[0].details
    with actions.db().session() as session:
        assert audit.verify(session).ok


def test_a_citizens_sign_in_is_not(actions: Actions) -> None:
    assert actions.sign_up().status_code == 303
    actions.sign_out()
    assert actions.sign_in().status_code == 303
    assert _entries(actions) == []
