"""The agency's side of appointments: a day's bookings of one resource, attended /
no-show, and closing the day (its bookings cancelled, each citizen told by SMS through
the outbox in the same transaction). Staff see only their own agency's services: any
other service answers 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint
from flask import abort
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as Redirect

from khidma.booking.rules import Refusal
from khidma.booking.slots import day_slots
from khidma.booking.slots import local_now
from khidma.booking.slots import plan
from khidma.definitions.model import Booking as BookingBlock
from khidma.definitions.model import ServiceDefinition
from khidma.engine.dates import format_date
from khidma.engine.dates import parse_iso_date
from khidma.storage import bookings
from khidma.storage.booking_models import Booking
from khidma.storage.booking_models import BookingState
from khidma.storage.models import Submission
from khidma.storage.models import User
from khidma.web.audit_trail import record
from khidma.web.context import database
from khidma.web.context import now
from khidma.web.context import registry
from khidma.web.context import today
from khidma.web.i18n import current_lang
from khidma.web.notify import queue_notifications
from khidma.words import word

bp = Blueprint("booking_staff", __name__, url_prefix="/staff/bookings")


def _service(service_id: str) -> tuple[ServiceDefinition, BookingBlock]:
    definition = registry().get(service_id)
    if (
        definition is None
        or definition.booking is None
        or definition.agency.id != getattr(g.user, "agency_id", None)
    ):
        abort(404)
    return definition, definition.booking


def _day() -> dt.date:
    try:
        return parse_iso_date(request.values.get("day") or "")
    except ValueError:
        return today()


def _resource(definition: ServiceDefinition, block: BookingBlock) -> str:
    values = [o.value for o in definition.field(block.resource_field).options or ()]
    chosen = request.values.get("resource") or ""
    return chosen if chosen in values else (values[0] if values else "")


@bp.get("/<service_id>")
def day(service_id: str) -> Any:
    definition, block = _service(service_id)
    day, resource = _day(), _resource(definition, block)
    with database().session() as session:
        rows = session.execute(
            select(Booking, Submission)
            .join(Submission, Submission.id == Booking.submission_id)
            .where(
                Booking.service_id == definition.id,
                Booking.slot.startswith(day.isoformat()),
                Booking.state != BookingState.MOVED,
                Submission.answers[block.resource_field].as_string() == resource,
            )
            .order_by(Booking.starts_at, Booking.id)
        ).all()
    lang = current_lang()
    return render_template(
        "booking/staff_day.html",
        d=definition,
        resources=definition.field(block.resource_field).options or (),
        resource=resource,
        day=day,
        day_text=format_date(day, lang),
        rows=[(b, s, local_now(b.starts_at).strftime("%H:%M")) for b, s in rows],
    )


def _back(definition: ServiceDefinition, day: dt.date, resource: str) -> Redirect:
    return redirect(
        url_for(
            "booking_staff.day", service_id=definition.id, day=day.isoformat(), resource=resource
        )
    )


@bp.post("/<service_id>/mark/<token>")
def mark(service_id: str, token: str) -> Redirect:
    definition, block = _service(service_id)
    state = {"attended": BookingState.ATTENDED, "no_show": BookingState.NO_SHOW}.get(
        request.form.get("state", "")
    )
    if state is None:
        abort(400)
    with database().session(write=True) as session:
        booking = session.scalar(
            select(Booking).where(Booking.token == token, Booking.service_id == definition.id)
        )
        if booking is None:
            abort(404)
        try:
            bookings.mark(session, booking, state, now())
            record(f"booking_{state}", "booking", booking.id, session=session)
        except Refusal as refusal:
            flash(refusal.message(current_lang()), "error")
        day = local_now(booking.starts_at).date()
    return _back(definition, day, _resource(definition, block))


def _offered(definition: ServiceDefinition, block: BookingBlock, resource: str) -> list[str]:
    if not block.service_field:
        return [""]
    found = next(
        (o for o in definition.field(block.resource_field).options or () if o.value == resource),
        None,
    )
    services = found.attributes.get("services") if found is not None else None
    every = [o.value for o in definition.field(block.service_field).options or ()]
    return [s for s in every if not services or s in services]


def _notify(session: Session, definition: ServiceDefinition, cancelled: list[Booking]) -> None:
    for booking in cancelled:
        submission = session.get(Submission, booking.submission_id)
        if submission is None:
            continue
        citizen = session.get(User, submission.user_id) if submission.user_id else None
        queue_notifications(
            session, definition, submission, submission.answers, citizen, "booking_cancelled"
        )


@bp.post("/<service_id>/close")
def close_day(service_id: str) -> Redirect:
    definition, block = _service(service_id)
    day, resource = _day(), _resource(definition, block)
    count = 0
    with database().session(write=True) as session:
        for offered in _offered(definition, block, resource):
            for slot in day_slots(plan(block, resource, offered), day):
                place = bookings.Place(definition.id, resource, offered, slot)
                cancelled = bookings.close(session, place, now())
                _notify(session, definition, cancelled)
                count += len(cancelled)
        record(
            "close_day",
            "booking_day",
            f"{definition.id}:{resource}:{day.isoformat()}",
            session=session,
            cancelled=count,
        )
    flash(word("booking.staff.closed", current_lang(), count=count), "success")
    return _back(definition, day, resource)
