"""The wizard's slot picker, holds and the booking at submit, through real form posts
(Flask test client, SQLite file): free days and times shown, forged posts refused with the
engine's messages, the booking made in the submit transaction with its SMS queued."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from khidma.storage.booking_models import Booking
from khidma.storage.booking_models import BookingSlot
from khidma.storage.models import OutboxMessage
from khidma.storage.models import Submission
from tests.drivers import WizardDriver
from tests.drivers import make_app
from tests.drivers import sign_in
from tests.drivers import valid_input

# Wednesday 2 December 2026, 09:00 in Riyadh.
NOW = dt.datetime(2026, 12, 2, 6, 0, tzinfo=dt.UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """The app on a SQLite file, or on a PostgreSQL schema of its own."""
    extra = {"DATABASE_URL": request.getfixturevalue("pg_url")} if request.param != "sqlite" else {}
    made = make_app(tmp_path, NOW=NOW, **extra)
    yield made
    made.extensions["khidma.db"].dispose()


def to_slot_step(app: Any, client: Any, service: str, **overrides: Any) -> WizardDriver:
    w = WizardDriver(app, client, service)
    slot_field = w.definition.booking.slot_field
    for _ in range(12):
        page = (
            w.definition.step(w.page_id)
            if w.page_id in {s.id for s in w.definition.steps}
            else None
        )
        if page is None:
            w.accept_instructions()
            continue
        if slot_field in {f.id for f in page.fields}:
            return w
        with app.app_context():
            draft_answers = _answers(app, w.token)
        own = {k: v for k, v in overrides.items() if k in {f.id for f in page.fields}}
        response = w.fill_step(**valid_input(w.definition, page, draft_answers, **own))
        assert response.status_code == 302, response.data.decode()[:2000]
    raise AssertionError("no slot step")


def to_review(app: Any, w: WizardDriver) -> None:
    """Fill the steps after the slot's with valid answers, up to the review."""
    for _ in range(8):
        if w.page_id == "_review":
            return
        page = w.definition.step(w.page_id)
        response = w.fill_step(**valid_input(w.definition, page, _answers(app, w.token)))
        assert response.status_code == 302, response.data.decode()[:2000]
    raise AssertionError("no review")


def _answers(app: Any, token: str) -> dict[str, Any]:
    from khidma.storage.models import Draft

    with app.extensions["khidma.db"].session() as session:
        draft = session.scalar(select(Draft).where(Draft.token == token))
        return dict(draft.answers)


def times(html: str) -> list[str]:
    return re.findall(r'name="appointment" value="([0-9T:-]+)"', html)


@pytest.mark.parametrize("service", ["traffic", "mawid"])
def test_the_picker_shows_free_days_and_times_and_a_choice_is_booked_at_submit(
    app: Any, service: str
) -> None:
    client = sign_in(app)
    w = to_slot_step(app, client, service)
    html = client.get(w.url + "?lang=en").data.decode()
    assert "Choose a day" in html and "Thursday" in html and "1448 AH" in html
    assert "Friday" not in html and "Saturday" not in html  # the Saudi weekend
    first = "2026-12-03" if service == "traffic" else "2026-12-02"  # traffic: from tomorrow
    offered = times(html)
    assert offered and offered[0].startswith(first)
    friday = client.get(w.url + "?day=2026-12-04&lang=en").data.decode()
    assert times(friday) == offered  # not a bookable day: the first free day instead

    today = [
        (
            "2026-12-02T12:00",
            "The earliest day you can book is 23 Jumada al-Akhirah 1448 AH (3 December 2026)",
        )
    ]
    for forged, message in [
        *(today if service == "traffic" else []),  # traffic books from tomorrow
        ("2026-12-04T09:00", "no appointments on Friday or Saturday"),
        ("2026-12-07T09:07", "start every 15 minutes"),
        ("2026-12-07T03:00", "outside the opening hours"),
        ("2027-02-03T09:00", "The last day you can book is"),
        ("2027-09-23T09:00", "closed that day for an official holiday"),
        ("2024-01-07T09:00", "has passed"),
    ]:
        response = w.post({"action": "next", "appointment": forged, "lang": "en"})
        assert response.status_code == 200, forged
        assert message in response.data.decode(), forged

    chosen = offered[1]
    response = w.fill_step(appointment=chosen)
    assert response.status_code == 302
    with app.extensions["khidma.db"].session() as session:
        slot = session.scalar(select(BookingSlot).where(BookingSlot.slot == chosen))
        assert slot is not None and slot.taken == 1  # held
    again = client.get(f"/drafts/{w.token}/slot?day={chosen[:10]}").data.decode()
    assert f'value="{chosen}"\n        checked' in again or f'value="{chosen}" checked' in again

    to_review(app, w)
    response = w.submit()
    assert response.status_code == 302, response.data.decode()[:3000]
    with app.extensions["khidma.db"].session() as session:
        booking = session.scalars(select(Booking)).one()
        assert booking.slot == chosen and booking.submission_id is not None
        events = {m.event: m for m in session.scalars(select(OutboxMessage))}
    if w.definition.notifications_for("booking_confirmed"):
        assert "booking_confirmed" in events
    if w.definition.notifications_for("booking_reminder"):
        due = booking.starts_at - dt.timedelta(days=1)
        assert events["booking_reminder"].next_attempt_at == max(due, NOW)


def test_a_hold_that_expired_is_refused_at_submit_and_the_slot_chosen_again(
    app: Any, tmp_path: Path
) -> None:
    client = sign_in(app)
    w = to_slot_step(app, client, "traffic")
    chosen = times(client.get(w.url).data.decode())[0]
    assert w.fill_step(appointment=chosen).status_code == 302
    to_review(app, w)
    app.config["NOW"] = NOW + dt.timedelta(minutes=11)
    response = client.post(
        f"/drafts/{w.token}/submit?lang=en",
        data={"declaration": [d.id for d in w.definition.declarations]},
    )
    assert response.status_code == 409
    assert "held for you for a limited time" in response.data.decode()
    assert "appointment" not in _answers(app, w.token)
    assert _answers(app, w.token)  # every other answer stays


def book_one(app: Any, client: Any, service: str, day: str = "2026-12-07") -> str:
    """Book the first free time of `day` at `service` through the wizard; its token."""
    w = to_slot_step(app, client, service)
    chosen = times(client.get(f"{w.url}?day={day}").data.decode())[0]
    assert chosen.startswith(day)
    assert w.fill_step(appointment=chosen).status_code == 302
    to_review(app, w)
    response = w.submit()
    assert response.status_code == 302
    done = client.get(response.headers["Location"] + "?lang=en").data.decode()
    assert "Appointment ticket" in done and chosen[11:] in done
    with app.extensions["khidma.db"].session() as session:
        query = select(Booking).where(Booking.slot == chosen).order_by(Booking.id.desc())
        booking = session.scalars(query).first()
        assert booking is not None
        return booking.token


def test_my_appointments_cancel_with_confirmation_and_the_ticket(app: Any) -> None:
    client = sign_in(app)
    token = book_one(app, client, "traffic")
    listing = client.get("/appointments/?lang=en").data.decode()
    assert "Upcoming appointments" in listing and f"/appointments/{token}" in listing
    # other appointments: the development referral source's fixtures
    assert "King Fahd Hospital" in listing and "R-2041" in listing
    shown = client.get(f"/appointments/{token}?lang=en").data.decode()
    assert 'data-dialog="cancel-dialog"' in shown and "Do you want to cancel" in shown
    ticket = client.get(f"/appointments/{token}/ticket?lang=en").data.decode()
    assert "<svg" in ticket and "Documents to bring" in ticket and "Original national ID" in ticket
    for lang in ("en", "ar"):  # the QR code in right-to-left text too
        pdf = client.get(f"/appointments/{token}/ticket.pdf?lang={lang}")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    confirm = client.get(f"/appointments/{token}/cancel?lang=en").data.decode()
    assert "Confirm cancelling the appointment" in confirm
    response = client.post(f"/appointments/{token}/cancel?lang=en")
    assert response.status_code == 302
    with app.extensions["khidma.db"].session() as session:
        booking = session.scalars(select(Booking).where(Booking.token == token)).one()
        assert booking.state.value == "cancelled"
        slot = session.get(BookingSlot, booking.slot_id)
        assert slot is not None and slot.taken == 0
        events = [m.event for m in session.scalars(select(OutboxMessage))]
    assert "booking_cancelled" in events
    assert client.get(f"/appointments/{token}/ticket").status_code == 404


def test_cancelling_past_the_deadline_is_refused(app: Any) -> None:
    client = sign_in(app)
    token = book_one(app, client, "traffic", "2026-12-03")  # the deadline is 24 hours before
    assert "07:30" in client.get(f"/appointments/{token}").data.decode()
    shown = client.get(f"/appointments/{token}?lang=en").data.decode()
    assert "less than 24 hours before" in shown and "data-dialog" not in shown
    response = client.post(f"/appointments/{token}/cancel?lang=en")  # forged
    assert response.status_code == 302
    with app.extensions["khidma.db"].session() as session:
        assert session.scalars(select(Booking)).one().state.value == "active"


def test_mawid_reschedules_in_one_transaction(app: Any) -> None:
    client = sign_in(app)
    token = book_one(app, client, "mawid")
    page = client.get(f"/appointments/{token}/move?lang=en").data.decode()
    new = times(page)[3]
    bad = client.post(
        f"/appointments/{token}/move?lang=en", data={"appointment": "2026-12-04T09:00"}
    )
    assert bad.status_code == 400 and "Friday or Saturday" in bad.data.decode()
    response = client.post(f"/appointments/{token}/move?lang=en", data={"appointment": new})
    assert response.status_code == 302
    with app.extensions["khidma.db"].session() as session:
        rows = {b.state.value: b for b in session.scalars(select(Booking))}
    assert rows["moved"].token == token and rows["active"].slot == new
    assert client.get(response.headers["Location"]).status_code == 200


def test_someone_elses_appointment_is_not_found(app: Any) -> None:
    token = book_one(app, sign_in(app), "traffic")
    stranger = sign_in(app, "resident")
    for url in ("", "/cancel", "/move", "/ticket", "/ticket.pdf"):
        assert stranger.get(f"/appointments/{token}{url}").status_code == 404


DEPENDANT = {
    "booking_for": "dependant",
    "dependant_name": "سارة محمد القحطاني",
    "dependant_national_id": "2000000006",
}


def test_the_limit_counts_per_patient_and_a_forged_fifth_booking_is_refused(app: Any) -> None:
    client = sign_in(app)
    for _ in range(4):  # mawid: at most 4 upcoming appointments per patient
        book_one(app, client, "mawid")
    w = to_slot_step(app, client, "mawid")
    free = times(client.get(f"{w.url}?day=2026-12-08").data.decode())
    response = w.post({"action": "next", "appointment": free[0], "lang": "en"})
    assert response.status_code == 200
    assert "You already have 4 upcoming appointments" in response.data.decode()
    # the same account books for a dependant: another patient, another count
    w = to_slot_step(app, client, "mawid", **DEPENDANT)
    assert w.fill_step(appointment=free[0]).status_code == 302
    to_review(app, w)
    assert w.submit().status_code == 302
    with app.extensions["khidma.db"].session() as session:
        people = sorted({b.person for b in session.scalars(select(Booking))})
    assert people[0] == "dependant_national_id:2000000006" and people[1].startswith("user:")


def test_staff_see_the_day_mark_attendance_and_close_the_day(app: Any) -> None:
    citizen = sign_in(app)
    first = book_one(app, citizen, "traffic")
    second = book_one(app, citizen, "traffic")
    with app.extensions["khidma.db"].session() as session:
        mine = {b.token: b for b in session.scalars(select(Booking))}
        submission = session.get(Submission, mine[first].submission_id)
        assert submission is not None
        branch, reference = submission.answers["traffic_branch"], submission.reference
    staff = sign_in(app, "staff:moi_traffic")
    url = f"/staff/bookings/traffic?day=2026-12-07&resource={branch}&lang=en"
    page = staff.get(url).data.decode()
    assert reference in page and "Attended" in page
    assert (
        staff.post(f"/staff/bookings/traffic/mark/{first}", data={"state": "attended"}).status_code
        == 302
    )
    response = staff.post(
        "/staff/bookings/traffic/close?lang=en", data={"day": "2026-12-07", "resource": branch}
    )
    assert response.status_code == 302
    assert "1 bookings were cancelled" in staff.get(response.headers["Location"]).data.decode()
    with app.extensions["khidma.db"].session() as session:
        states = {b.token: b.state.value for b in session.scalars(select(Booking))}
        events = [m.event for m in session.scalars(select(OutboxMessage))]
    assert states == {first: "attended", second: "cancelled"}
    assert events.count("booking_cancelled") == 1
    w = to_slot_step(app, citizen, "traffic")
    closed = citizen.get(f"{w.url}?day=2026-12-07").data.decode()
    assert not [t for t in times(closed) if t.startswith("2026-12-07")]
    other_agency = sign_in(app, "staff:moh")
    assert other_agency.get(url).status_code == 404
    assert citizen.get(url).status_code == 403


def test_losing_the_race_for_a_slot_shows_the_nearest_free_times_of_that_day(app: Any) -> None:
    from khidma.booking.rules import slot_for
    from khidma.booking.slots import plan
    from khidma.storage.bookings import Booker
    from khidma.storage.bookings import Place
    from khidma.storage.bookings import book

    client = sign_in(app)
    w = to_slot_step(app, client, "mawid")
    wanted = times(client.get(f"{w.url}?day=2026-12-09&lang=en").data.decode())[2]
    answers = _answers(app, w.token)
    block = w.definition.booking
    resource, clinic = answers[block.resource_field], answers[block.service_field]
    slot = slot_for(plan(block, resource, clinic), wanted)
    with app.extensions["khidma.db"].session(write=True) as session:  # two others were faster
        for person in ("a", "b"):
            book(session, Place("mawid", resource, clinic, slot), Booker(person), NOW)
    response = w.post({"action": "next", "appointment": wanted, "lang": "en"})
    html = response.data.decode()
    assert response.status_code == 200 and "has just been taken" in html
    left = times(html)
    assert wanted not in left and left[0].startswith("2026-12-09")
    assert _answers(app, w.token).get(block.resource_field) == resource  # nothing lost
