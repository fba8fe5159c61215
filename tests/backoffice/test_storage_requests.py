"""The back office's storage: guarded moves and claims (also racing threads), messages,
read marks, and the keyset-paginated queue; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from khidma.storage import Database
from khidma.storage import Role
from khidma.storage import StatusEvent
from khidma.storage import Submission
from khidma.storage import User
from khidma.storage import requests as store

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
NewSubmission = Callable[..., Submission]


def _staff(database: Database, n: int) -> list[int]:
    with database.session(write=True) as session:
        users = [User(username=f"staff{i}", role=Role.STAFF, agency_id="a") for i in range(n)]
        session.add_all(users)
        session.flush()
        return [u.id for u in users]


def _stored(database: Database, new_submission: NewSubmission, seq: int = 1, **kw: object) -> int:
    with database.session(write=True) as session:
        submission = new_submission(seq, 1448, **kw)
        session.add(submission)
        session.flush()
        return submission.id


def _get(database: Database, sid: int) -> Submission:
    with database.session() as session:
        found = session.get(Submission, sid)
        assert found is not None
        session.expunge(found)
        return found


def test_a_move_bumps_the_version_and_writes_history(
    database: Database, new_submission: NewSubmission
) -> None:
    sid = _stored(database, new_submission)
    with database.session(write=True) as session:
        submission = session.get(Submission, sid)
        assert submission is not None and submission.version == 1
        version = store.move(
            session,
            submission,
            status="submitted",
            version=1,
            to="in_progress",
            role="staff",
            actor_id=None,
            note="بدأنا",
            now=NOW,
            due_on=dt.date(2026, 12, 2),
        )
        assert version == 2
    after = _get(database, sid)
    assert (after.status, after.version, after.due_on) == ("in_progress", 2, dt.date(2026, 12, 2))
    with database.session() as session:
        events = session.scalars(select(StatusEvent).where(StatusEvent.submission_id == sid))
        assert [(e.from_status, e.to_status, e.note) for e in events] == [
            ("submitted", "in_progress", "بدأنا")
        ]


@pytest.mark.parametrize(("status", "version"), [("in_progress", 1), ("submitted", 2)])
def test_a_move_from_what_is_no_longer_so_is_refused(
    database: Database, new_submission: NewSubmission, status: str, version: int
) -> None:
    sid = _stored(database, new_submission)
    with pytest.raises(store.Changed), database.session(write=True) as session:
        submission = session.get(Submission, sid)
        assert submission is not None
        store.move(
            session,
            submission,
            status=status,
            version=version,
            to="approved",
            role="staff",
            actor_id=None,
            note=None,
            now=NOW,
        )
    assert _get(database, sid).status == "submitted"


def _race(database: Database, jobs: list[Callable[[Database], str]]) -> list[str]:
    barrier = threading.Barrier(len(jobs))

    def run(job: Callable[[Database], str]) -> str:
        barrier.wait()
        try:
            return job(database)
        except store.Changed:
            return "changed"

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def test_two_staff_moving_at_once_one_wins_nothing_twice(
    database: Database, new_submission: NewSubmission
) -> None:
    sid = _stored(database, new_submission)

    def to(target: str) -> Callable[[Database], str]:
        def job(db: Database) -> str:
            with db.session(write=True) as session:
                submission = session.get(Submission, sid)
                assert submission is not None
                store.move(
                    session,
                    submission,
                    status="submitted",
                    version=1,
                    to=target,
                    role="staff",
                    actor_id=None,
                    note="x",
                    now=NOW,
                )
            return target

        return job

    results = _race(database, [to("approved"), to("rejected"), to("approved"), to("needs_info")])
    assert results.count("changed") == 3
    won = next(r for r in results if r != "changed")
    after = _get(database, sid)
    assert (after.status, after.version) == (won, 2)
    with database.session() as session:
        events = list(session.scalars(select(StatusEvent).where(StatusEvent.submission_id == sid)))
    assert [e.to_status for e in events] == [won]


def test_one_holder_at_a_time(database: Database, new_submission: NewSubmission) -> None:
    sid = _stored(database, new_submission)
    staff = _staff(database, 5)

    def claim(user_id: int) -> Callable[[Database], str]:
        def job(db: Database) -> str:
            with db.session(write=True) as session:
                submission = session.get(Submission, sid)
                assert submission is not None
                store.claim(session, submission, version=1, user_id=user_id)
            return str(user_id)

        return job

    results = _race(database, [claim(u) for u in staff])
    assert results.count("changed") == 4
    holder = int(next(r for r in results if r != "changed"))
    assert _get(database, sid).assigned_to == holder
    other = next(u for u in staff if u != holder)
    with database.session(write=True) as session:
        submission = session.get(Submission, sid)
        assert submission is not None
        with pytest.raises(store.Changed):  # only the holder may release
            store.release(session, submission, version=2, user_id=other)
        with pytest.raises(store.Changed):  # nor claim what is held
            store.claim(session, submission, version=2, user_id=other)
        assert store.release(session, submission, version=2, user_id=holder) == 3
        assert store.reassign(session, submission, version=3, to_user_id=other) == 4
    assert _get(database, sid).assigned_to == other


def test_messages_and_read_marks(database: Database, new_submission: NewSubmission) -> None:
    with database.session(write=True) as session:
        citizen = User(national_id="1000000008", role=Role.CITIZEN)
        session.add(citizen)
        session.flush()
        a, b = new_submission(1, 1448, user_id=citizen.id), new_submission(2, 1448)
        session.add_all([a, b])
        session.flush()
        store.add_message(
            session,
            a,
            role="staff",
            author_id=None,
            body="أرفق الخطاب",
            now=NOW,
            documents=["خطاب الجهة"],
        )
        store.add_message(session, a, role="staff", author_id=None, body="وأيضاً", now=NOW)
        store.add_message(session, a, role="citizen", author_id=citizen.id, body="تم", now=NOW)
        store.add_message(session, b, role="staff", author_id=None, body="ليس لك", now=NOW)
        ids = citizen.id, a.id
    citizen_id, aid = ids
    with database.session() as session:
        assert store.unread_counts(session, citizen_id) == {aid: 2}
        first = session.scalars(select(Submission).where(Submission.id == aid)).one().messages[0]
        assert (first.documents, first.requests_documents) == (["خطاب الجهة"], True)
    with database.session(write=True) as session:
        assert store.mark_read(session, aid, reader_role="citizen", now=NOW) == 2
        assert store.mark_read(session, aid, reader_role="citizen", now=NOW) == 0
        assert store.mark_read(session, aid, reader_role="staff", now=NOW) == 1
    with database.session() as session:
        assert store.unread_counts(session, citizen_id) == {}


def _queue_fixture(database: Database, new_submission: NewSubmission) -> list[int]:
    ids = []
    with database.session(write=True) as session:
        owner = User(national_id="1000000016", role=Role.CITIZEN)
        session.add(owner)
        session.flush()
        for i in range(1, 8):
            submission = new_submission(
                i,
                1448,
                status="needs_info" if i % 3 == 0 else "submitted",
                submitted_at=NOW + dt.timedelta(hours=i),
                due_on=dt.date(2026, 11, 20 + i),
                applicant_name="سارة الزهراني" if i == 5 else "محمد",
                user_id=owner.id if i == 6 else None,
            )
            session.add(submission)
            session.flush()
            ids.append(submission.id)
    return ids


def _refs(page: store.QueuePage) -> list[str]:
    return [s.reference for s in page.rows]


def test_the_queue_pages_by_keyset(
    database: Database, new_submission: NewSubmission, service_id: str
) -> None:
    _queue_fixture(database, new_submission)
    seen: list[str] = []
    with database.session() as session:
        for sort in ("oldest", "newest", "due"):
            cursor = None
            seen = []
            while True:
                page = store.queue(
                    session, store.QueueFilter([service_id], sort=sort), after=cursor, limit=3
                )
                seen += _refs(page)
                cursor = page.next_cursor
                if cursor is None:
                    break
            expected = [f"{i}/1448" for i in range(1, 8)]
            assert seen == (expected[::-1] if sort == "newest" else expected)
        # a cursor someone edited starts again from the top
        page = store.queue(session, store.QueueFilter([service_id]), after="garbage", limit=2)
        assert _refs(page) == ["1/1448", "2/1448"]


@pytest.mark.parametrize(
    ("options", "refs"),
    [
        ({"status": "needs_info"}, ["3/1448", "6/1448"]),
        ({"waiting": {"traffic_violation_objection": ["needs_info"]}}, ["3/1448", "6/1448"]),
        ({"search": "5/1448"}, ["5/1448"]),
        ({"search": " ٥/١٤٤٨ "}, ["5/1448"]),  # Eastern Arabic digits
        ({"search": "الزهراني"}, ["5/1448"]),
        ({"search": "1000000016"}, ["6/1448"]),
        ({"search": "100%"}, []),
        ({"unassigned": True}, [f"{i}/1448" for i in range(1, 8)]),
        ({"assigned_to": 1}, []),
        (
            {
                "overdue_on": dt.date(2026, 11, 24),
                "open_statuses": {"traffic_violation_objection": ["submitted", "needs_info"]},
            },
            ["1/1448", "2/1448", "3/1448"],
        ),
        ({"service": "another"}, []),
    ],
)
def test_the_queue_filters(
    database: Database,
    new_submission: NewSubmission,
    service_id: str,
    options: dict[str, object],
    refs: list[str],
) -> None:
    _queue_fixture(database, new_submission)
    with database.session() as session:
        f = store.QueueFilter([service_id], **options)  # type: ignore[arg-type]
        assert _refs(store.queue(session, f)) == refs


def test_counts_per_status_ignore_the_status_filter(
    database: Database, new_submission: NewSubmission, service_id: str
) -> None:
    _queue_fixture(database, new_submission)
    with database.session() as session:
        f = store.QueueFilter([service_id], status="needs_info")
        assert store.status_counts(session, f) == {"submitted": 5, "needs_info": 2}
        assert store.status_counts(session, store.QueueFilter(["another"])) == {}


def test_due_soonest_lists_the_requests_without_a_due_day_last(
    database: Database, new_submission: NewSubmission, service_id: str
) -> None:
    with database.session(write=True) as session:
        for i, due in enumerate([None, dt.date(2026, 12, 3), None, dt.date(2026, 12, 1), None], 1):
            session.add(new_submission(i, 1448, due_on=due))
    seen: list[str] = []
    cursor = None
    with database.session() as session:
        while True:
            page = store.queue(
                session, store.QueueFilter([service_id], sort="due"), after=cursor, limit=2
            )
            seen += _refs(page)
            if (cursor := page.next_cursor) is None:
                break
    assert seen == ["4/1448", "2/1448", "1/1448", "3/1448", "5/1448"]
