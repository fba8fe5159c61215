"""Whether a session has ended: right, and read along an index however long the user's
audit log grows (every request of a signed-in user asks it)."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import insert

from khidma.identity.accounts import ENDS_ALL_SESSIONS
from khidma.identity.accounts import ENDS_ONE_SESSION
from khidma.identity.accounts import SESSION_OBJECT
from khidma.identity.accounts import record
from khidma.identity.accounts import session_ended
from khidma.storage.db import Database
from khidma.storage.models import AuditLog
from khidma.storage.models import User
from khidma.web.access import _SESSION_USER

BEGAN = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
LINES = 20_000  # a busy member of staff's audit lines, in a few weeks


def busy_user(database: Database) -> int:
    """A user with many audit lines of their own, beside another user's few."""
    with database.session(write=True) as session:
        busy, other = User(username="busy"), User(username="other")
        session.add_all([busy, other])
        session.flush()
        uid, oid = busy.id, other.id
    lines = [
        {
            "action": "request_status_changed",
            "user_id": uid if i % 10 else oid,
            "object_type": "submission",
            "object_id": str(i),
            "created_at": BEGAN - dt.timedelta(days=30) + dt.timedelta(seconds=90 * i),
        }
        for i in range(LINES)
    ]
    with database.engine.begin() as connection:
        connection.execute(insert(AuditLog), lines)
    return uid


def test_a_session_ends_by_its_own_sign_out_or_a_reset_since_it_began(database: Database) -> None:
    uid = busy_user(database)
    with database.session(write=True) as session:
        assert not session_ended(session, uid, "s1", BEGAN)
        record(session, ENDS_ALL_SESSIONS[0], user_id=uid, now=BEGAN - dt.timedelta(hours=1))
        record(
            session,
            ENDS_ONE_SESSION,
            user_id=uid,
            now=BEGAN,
            object_type=SESSION_OBJECT,
            object_id="s2",
        )
    with database.session(write=True) as session:
        assert not session_ended(session, uid, "s1", BEGAN)  # reset before it; another's sign-out
        assert session_ended(session, uid, "s2", BEGAN)
        record(session, ENDS_ALL_SESSIONS[1], user_id=uid, now=BEGAN + dt.timedelta(minutes=5))
    with database.session() as session:
        assert session_ended(session, uid, "s1", BEGAN)


def test_the_session_check_reads_indexes_not_the_users_audit_lines(database: Database) -> None:
    """On SQLite, the plan; on PostgreSQL, the generic plan of the statement prepared with
    its parameters (what the driver runs after a few requests), on a table where one user
    holds nine lines in ten."""
    uid = busy_user(database)
    params = {"uid": uid, "sid": "s1", "since": BEGAN}
    # The statement as the driver is handed it: the fixed actions written in, the rest bound.
    state = _SESSION_USER.compile(dialect=database.engine.dialect).construct_expanded_state(params)
    with database.engine.connect() as connection:
        if database.backend == "sqlite":
            plan = connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + state.statement, tuple(state.positional_parameters)
            ).all()
            lines = [row[-1] for row in plan]
            assert not [line for line in lines if line.startswith("SCAN")], lines
            assert sum("audit_log USING" in line for line in lines) == 2, lines
            return
        connection.exec_driver_sql("ANALYZE audit_log")
        numbered = {"uid": "$1::integer", "sid": "$2::varchar", "since": "$3::timestamptz"}
        typed = r"%\((\w+)\)s(::[A-Z]+( WITH TIME ZONE)?)?"
        sql = re.sub(typed, lambda m: numbered[m.group(1)], state.statement)
        connection.exec_driver_sql(
            f"PREPARE session_user_check (integer, varchar, timestamptz) AS {sql}"
        )
        connection.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
        arguments = f"{uid}, 's1', '{BEGAN.isoformat()}'"
        plan = connection.exec_driver_sql(f"EXPLAIN EXECUTE session_user_check({arguments})").all()
        lines = [row[0] for row in plan]
        assert not [line for line in lines if "Seq Scan" in line], lines
