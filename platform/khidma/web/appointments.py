"""My appointments: the list (upcoming and past), one appointment with its centre or
branch, service, day (Hijri and Gregorian) and time, cancelling (a dialog with
JavaScript, a confirmation page without), rescheduling in one transaction, and the
printable ticket (a page with a print stylesheet, and a PDF) with a QR code of the
booking reference.

A booking is found by its unguessable token *and* the signed-in citizen's id: anyone
else's token answers 404. Every refusal is the engine's (`khidma.booking.rules`), checked
again on the server whatever the form sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import segno
from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from khidma.booking import rules
from khidma.booking.referrals import DevReferrals
from khidma.booking.referrals import Referral
from khidma.booking.referrals import ReferralSource
from khidma.booking.rules import Refusal
from khidma.booking.rules import slot_for
from khidma.booking.slots import local_now
from khidma.booking.slots import plan
from khidma.definitions.model import ServiceDefinition
from khidma.engine.dates import format_date
from khidma.engine.display import display_value
from khidma.storage import bookings
from khidma.storage.booking_models import Booking
from khidma.storage.booking_models import BookingState
from khidma.storage.models import Submission
from khidma.web import booking as picking
from khidma.web.context import database
from khidma.web.context import now
from khidma.web.context import pinned_definition
from khidma.web.context import today
from khidma.web.forms import FieldView
from khidma.web.i18n import current_lang
from khidma.web.notify import queue_notifications
from khidma.words import word

bp = Blueprint("appointments", __name__, url_prefix="/appointments")


@dataclass(frozen=True)
class Appointment:
    booking: Booking
    submission: Submission
    definition: ServiceDefinition
    resource: str
    service: str
    day: str
    time: str
    upcoming: bool
    cancel_refusal: Refusal | None
    movable: bool

    @property
    def active(self) -> bool:
        return self.booking.state is BookingState.ACTIVE


def _label(definition: ServiceDefinition, field_id: str | None, value: Any, lang: str) -> str:
    if not field_id or not definition.has_field(field_id) or value in (None, ""):
        return ""
    return display_value(definition.field(field_id), value, lang)


def _appointment(booking: Booking, submission: Submission, lang: str) -> Appointment:
    definition = pinned_definition(submission.service_id, submission.definition_hash)
    block = definition.booking
    assert block is not None
    answers = submission.answers
    start = local_now(booking.starts_at)
    refusal: Refusal | None = None
    try:
        rules.check_cancel(block, booking.slot, now())
    except Refusal as refused:
        refusal = refused
    active = booking.state is BookingState.ACTIVE
    return Appointment(
        booking=booking,
        submission=submission,
        definition=definition,
        resource=_label(definition, block.resource_field, answers.get(block.resource_field), lang),
        service=_label(
            definition, block.service_field, answers.get(block.service_field or ""), lang
        ),
        day=format_date(start.date(), lang),
        time=start.strftime("%H:%M"),
        upcoming=booking.starts_at > now(),
        cancel_refusal=refusal,
        movable=active and block.reschedule_allowed and refusal is None,
    )


def appointment_of(session: Session, submission: Submission, lang: str) -> Appointment | None:
    """The request's active appointment, if it is a booking."""
    booking = session.scalar(
        select(Booking).where(
            Booking.submission_id == submission.id, Booking.state == BookingState.ACTIVE
        )
    )
    return None if booking is None else _appointment(booking, submission, lang)


def _own(session: Session, token: str) -> tuple[Booking, Submission]:
    found = session.execute(
        select(Booking, Submission)
        .join(Submission, Submission.id == Booking.submission_id)
        .where(Booking.token == token, Booking.user_id == g.user.id)
    ).first()
    if found is None:
        abort(404)
    return found[0], found[1]


@bp.get("/")
def index() -> Any:
    lang = current_lang()
    with database().session() as session:
        rows = session.execute(
            select(Booking, Submission)
            .join(Submission, Submission.id == Booking.submission_id)
            .where(Booking.user_id == g.user.id, Booking.state != BookingState.MOVED)
            .order_by(Booking.starts_at)
        ).all()
    shown = [_appointment(b, s, lang) for b, s in rows]
    upcoming = [a for a in shown if a.upcoming and a.active]
    past = [a for a in shown if a not in upcoming]
    return render_template(
        "booking/index.html",
        upcoming=upcoming,
        past=past[::-1],
        referrals=[
            (r, format_date(r.starts_at.date(), lang), r.starts_at.strftime("%H:%M"))
            for r in sorted(_referrals(), key=lambda r: r.starts_at)
        ],
    )


def _referrals() -> Sequence[Referral]:
    """The citizen's referral appointments from the configured source (the development
    fixtures in development mode; an agency integration sets `khidma.referrals`)."""
    source: ReferralSource | None = current_app.extensions.get("khidma.referrals")
    if source is None and current_app.config.get("DEV"):
        source = DevReferrals()
    national_id = getattr(g.user, "national_id", None) or ""
    return source.appointments(national_id, today()) if source is not None else []


@bp.get("/<token>")
def show(token: str) -> Any:
    with database().session() as session:
        found = _own(session, token)
    return render_template("booking/show.html", a=_appointment(*found, current_lang()))


@bp.route("/<token>/cancel", methods=["GET", "POST"])
def cancel(token: str) -> Any:
    lang = current_lang()
    if request.method == "GET":
        with database().session() as session:
            found = _own(session, token)
        a = _appointment(*found, lang)
        if not a.active:
            abort(404)
        return render_template("booking/cancel.html", a=a)
    with database().session(write=True) as session:
        booking, submission = _own(session, token)
        a = _appointment(booking, submission, lang)
        block = a.definition.booking
        assert block is not None
        try:
            rules.check_cancel(block, booking.slot, now())
            bookings.cancel(session, booking, now())
        except Refusal as refusal:
            flash(refusal.message(lang), "error")
            return redirect(url_for("appointments.show", token=token))
        queue_notifications(
            session, a.definition, submission, submission.answers, g.user, "booking_cancelled"
        )
    flash(word("booking.cancelled", lang), "success")
    return redirect(url_for("appointments.show", token=token))


@bp.route("/<token>/move", methods=["GET", "POST"])
def move(token: str) -> Any:
    lang = current_lang()
    with database().session(write=request.method == "POST") as session:
        booking, submission = _own(session, token)
        a = _appointment(booking, submission, lang)
        block = a.definition.booking
        assert block is not None
        error: str | None = None
        if request.method == "POST":
            key = request.form.get("appointment", "")
            resource = str(submission.answers.get(block.resource_field) or "")
            offered = (
                str(submission.answers.get(block.service_field) or "")
                if block.service_field
                else ""
            )
            try:
                if not a.active:
                    raise Refusal("booking.not_active")
                rules.check_move(block, resource, offered, booking.slot, key, now())
                slot = slot_for(plan(block, resource, offered), key)
                place = bookings.Place(a.definition.id, resource, offered, slot)
                moved = bookings.move(session, booking, place, now())
                submission.answers = {**submission.answers, block.slot_field: key}
                queue_notifications(
                    session,
                    a.definition,
                    submission,
                    submission.answers,
                    g.user,
                    "booking_confirmed",
                )
            except Refusal as refusal:
                error = refusal.message(lang)
            else:
                new_token = moved.token
        slots = picking.picker(
            session,
            a.definition,
            submission.answers,
            "",
            now(),
            lang,
            url_for("appointments.move", token=token),
        )
    if request.method == "POST" and error is None:
        flash(word("booking.moved", lang), "success")
        return redirect(url_for("appointments.show", token=new_token))
    view = FieldView(
        field=a.definition.field(block.slot_field),
        name=block.slot_field,
        visible=True,
        required=True,
        value=request.form.get("appointment") or submission.answers.get(block.slot_field),
        display="",
        error=error,
    )
    page = render_template("booking/move.html", a=a, picker=slots, error=error, view=view)
    return page, (400 if error else 200)


def _qr(text: str) -> Markup:
    """An inline SVG QR code of `text` (the page's CSP and the PDF's fetcher both allow
    inline SVG; segno escapes nothing of ours: `text` is a reference number)."""
    return Markup(segno.make(text, error="m").svg_inline(scale=4, border=2, omitsize=True))


def _ticket_context(token: str) -> dict[str, Any]:
    with database().session() as session:
        found = _own(session, token)
    a = _appointment(*found, current_lang())
    if not a.active:
        abort(404)
    return {"a": a, "qr": _qr(a.submission.reference), "block": a.definition.booking}


@bp.get("/<token>/ticket")
def ticket(token: str) -> Any:
    return render_template("booking/ticket.html", **_ticket_context(token))


@bp.get("/<token>/ticket.pdf")
def ticket_pdf(token: str) -> Response:
    from khidma.renderer.pdf import document_page
    from khidma.renderer.pdf import render_pdf

    context = _ticket_context(token)
    html = render_template("booking/ticket_pdf.html", **context, **document_page(current_lang()))
    response = Response(render_pdf(html), mimetype="application/pdf")
    name = "ticket-" + context["a"].submission.reference.replace("/", "-") + ".pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
