"""Paying for a request: the citizen's pay page, the return from the provider's hosted
page, the provider's notifications, receipts (page and PDF), and staff refunds.

Who sees what (the access table lets the roles in; these views check the object): a
payment is the citizen's whose request it is, and the staff's of the request's agency;
anyone else gets 404. The return from the hosted page proves nothing: it makes us ask
the provider again. Notifications are refused unless signed (no CSRF token: the provider
cannot have one; the HMAC signature is the proof) and answered at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint
from flask import Flask
from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import g
from flask import has_app_context
from flask import has_request_context
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from khidma.definitions.model import ServiceDefinition
from khidma.formatting import date_pair
from khidma.formatting import local_time
from khidma.payments.gateway import Method
from khidma.payments.gateway import NotificationRefused
from khidma.payments.history import PaymentView
from khidma.payments.history import payment_view
from khidma.payments.http import HttpGateway
from khidma.payments.money import MoneyError
from khidma.payments.money import format_money
from khidma.payments.money import parse_amount
from khidma.payments.notices import receipt_number
from khidma.payments.service import PaymentError
from khidma.payments.service import PaymentService
from khidma.payments.service import RefundError
from khidma.payments.settings import PaymentSettings
from khidma.payments.states import State
from khidma.payments.words import WORDS
from khidma.storage import payments as store
from khidma.storage.models import Role
from khidma.storage.models import Submission
from khidma.storage.models import User
from khidma.storage.payment_models import Payment
from khidma.web.account import definition_of
from khidma.web.account import service_title
from khidma.web.audit_trail import record
from khidma.web.context import database
from khidma.web.context import now
from khidma.web.i18n import current_lang
from khidma.web.i18n import t
from khidma.web.i18n import tr
from khidma.web.lifecycle import advance_on_payment
from khidma.web.request_record import status_label

log = logging.getLogger(__name__)

bp = Blueprint("payments", __name__)
REASON_MAX = 500


# --------------------------------------------------------------------------- set-up


class FlaskUrls:
    """The service's absolute URLs: from `PUBLIC_URL` when set, else from the request
    being served (the host the citizen or the provider reached us at)."""

    def __init__(self, app: Flask, public_url: str | None) -> None:
        self.app = app
        self.public_url = public_url

    def _url(self, endpoint: str, **values: Any) -> str:
        if self.public_url:
            parts = urlsplit(self.public_url)
            adapter = self.app.url_map.bind(
                parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https"
            )
            return adapter.build(endpoint, values, force_external=True)
        if has_request_context():
            return url_for(endpoint, _external=True, **values)
        return ""

    def return_url(self, payment: Payment) -> str:
        return self._url("payments.returned", token=payment.token)

    def notification_url(self) -> str | None:
        return self._url("payments.notifications") or None

    def request_link(self, submission: Submission) -> str:
        return self._url("account.request", token=submission.token)


def init_app(app: Flask) -> None:
    """Build the payment service from the settings (none when `PAYMENT_URL` is unset)
    and register the pages."""
    from khidma.web.extensions import csrf

    settings = PaymentSettings.from_config(app.config)
    service = None
    if settings.enabled:
        assert settings.url is not None
        gateway = HttpGateway(
            settings.url,
            settings.api_key,
            settings.webhook_secret,
            timeout=(3.05, settings.timeout),
        )
        service = PaymentService(
            app.extensions["khidma.db"],
            gateway,
            _definitions(app),
            settings,
            urls=FlaskUrls(app, settings.public_url),
            on_paid=advance_on_payment,
        )
    app.extensions["khidma.payments"] = service
    app.extensions["khidma.payment_settings"] = settings
    csrf.exempt(notifications)
    app.register_blueprint(bp)
    app.jinja_env.globals["payment_history"] = history_for
    app.jinja_env.filters["khidma_money"] = lambda amount: format_money(amount, current_lang())


def _definitions(app: Flask) -> Callable[[str, str], ServiceDefinition | None]:
    """The definition version a request was made with, from any thread (a worker, a
    test's threads): the lookup needs the app, so it brings its context along."""

    def lookup(service_id: str, content_hash: str) -> ServiceDefinition | None:
        if has_app_context():
            return definition_of(service_id, content_hash)
        with app.app_context():
            return definition_of(service_id, content_hash)

    return lookup


def payments() -> PaymentService | None:
    service: PaymentService | None = current_app.extensions.get("khidma.payments")
    return service


# --------------------------------------------------------------------------- who


def _user() -> User:
    user = g.get("user")
    if user is None:
        abort(404)
    assert isinstance(user, User)
    return user


def _may_see(user: User, submission: Submission) -> bool:
    if user.role is Role.CITIZEN:
        return submission.user_id == user.id
    if user.role is Role.STAFF:
        definition = definition_of(submission.service_id, submission.definition_hash)
        return definition is not None and definition.agency.id == user.agency_id
    return user.role is Role.AUDITOR  # reads every agency's requests, read only


def _citizen_submission(session: Any, token: str) -> Submission:
    user = _user()
    submission = session.scalar(
        select(Submission).where(Submission.token == token, Submission.user_id == user.id)
    )
    if submission is None:
        abort(404)
    assert isinstance(submission, Submission)
    return submission


def _payment(session: Any, token: str) -> tuple[Payment, Submission]:
    """The payment with this token and its request, if the signed-in user may see it."""
    payment = session.scalar(select(Payment).where(Payment.token == token))
    if payment is None:
        abort(404)
    submission = session.get_one(Submission, payment.submission_id)
    if not _may_see(_user(), submission):
        abort(404)
    return payment, submission


# --------------------------------------------------------------------------- the partial


def history_for(submission: Submission, *, with_events: bool = False) -> PaymentView:
    """For templates: `payment_history(submission)` — what `payments/_history.html`
    shows. The request page includes that partial with `submission` in its context."""
    with database().session() as session:
        return payment_view(session, payments(), submission, now(), with_events=with_events)


# --------------------------------------------------------------------------- the pay page


def _with_provider_form_action(response: BaseResponse) -> BaseResponse:
    """The pay form's POST is answered with a redirect to the provider's hosted page;
    browsers hold form redirects to the page's `form-action`, so it names the provider."""
    settings: PaymentSettings = current_app.extensions["khidma.payment_settings"]
    if settings.url:
        parts = urlsplit(settings.url)
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            f"frame-ancestors 'none'; form-action 'self' {parts.scheme}://{parts.netloc}; "
            "base-uri 'none'"
        )
    return response


def _pay_page(submission: Submission, *, error: str | None = None, status: int = 200) -> Any:
    definition = definition_of(submission.service_id, submission.definition_hash)
    view = history_for(submission)
    methods = [
        m for m in (view.fee.methods if view.fee else ()) if m in Method.__members__.values()
    ]
    html = render_template(
        "payments/pay.html",
        submission=submission,
        definition=definition,
        service=service_title(definition, submission.service_id),
        status=status_label(definition, submission.status),
        view=view,
        methods=methods,
        error=error,
        enabled=payments() is not None,
        fee_note=tr(definition.fees.note) if definition and definition.fees.note else "",
    )
    return _with_provider_form_action(Response(html, status=status))


@bp.get("/account/requests/<token>/pay")
def pay(token: str) -> Any:
    with database().session() as session:
        submission = _citizen_submission(session, token)
    return _pay_page(submission)


_START_ERRORS = {
    "not_due": "payments.error.not_due",
    "already_paid": "payments.error.already_paid",
    "method": "payments.error.method",
    "fee": "payments.error.fee",
    "unavailable": "payments.error.unavailable",
    "refused": "payments.error.refused",
}


@bp.post("/account/requests/<token>/pay")
def start(token: str) -> Any:
    service = payments()
    with database().session() as session:
        submission = _citizen_submission(session, token)
    method = request.form.get("method", "")
    if service is None:
        abort(404)
    if method not in Method.__members__.values():
        return _pay_page(submission, error=t("payments.error.method"), status=400)
    try:
        payment = service.start(submission.id, method, user_id=_user().id, now=now())
    except PaymentError as error:
        if error.code == "method":
            return _pay_page(submission, error=t("payments.error.method"), status=400)
        flash(t(_START_ERRORS.get(error.code, "payments.error.refused")), "warning")
        return redirect(url_for("payments.pay", token=token), code=303)
    if Method(payment.method).hosted and payment.next_url:
        return redirect(payment.next_url, code=303)
    return redirect(url_for("payments.pay", token=token, _anchor="bill"), code=303)


def _outcome(payment: Payment, confirmed: bool) -> None:
    state = State(payment.state)
    if state is State.SUCCESS:
        flash(t("payments.outcome.success"), "success")
    elif state.finished:
        flash(t("payments.outcome.failed"), "warning")
    elif payment.method == Method.SADAD and confirmed:
        return  # the bill is shown; nothing to say
    else:
        flash(t("payments.outcome.pending"), "info")


def _ask_provider(token: str) -> tuple[Payment, Submission]:
    """Ask the provider for the citizen's payment and apply what it says; the notice
    for the next page is flashed."""
    service = payments()
    with database().session() as session:
        payment, submission = _payment(session, token)
    if _user().role is not Role.CITIZEN or service is None:
        abort(404)
    payment, confirmed = service.refresh(payment.id, source="return", now=now())
    _outcome(payment, confirmed)
    return payment, submission


@bp.get("/payments/<token>/return")
def returned(token: str) -> Any:
    """The payer is back from the hosted page: ask the provider, never trust the trip."""
    payment, submission = _ask_provider(token)
    if payment.state == State.SUCCESS:
        return redirect(url_for("payments.receipt", token=payment.token), code=303)
    return redirect(url_for("payments.pay", token=submission.token), code=303)


@bp.post("/payments/<token>/refresh")
def refresh(token: str) -> Any:
    """ "Check the payment again" (a SADAD bill, or a payment left unconfirmed)."""
    _, submission = _ask_provider(token)
    return redirect(url_for("payments.pay", token=submission.token), code=303)


# --------------------------------------------------------------------------- notifications


@bp.post("/payments/notifications")
def notifications() -> Any:
    """The provider's signed notifications: 200 when taken (or already taken), 401 when
    unsigned or wrongly signed, 400 when malformed or stale (a replay)."""
    service = payments()
    if service is None:
        abort(404)
    body = request.get_data(cache=False)
    try:
        result = service.notification(dict(request.headers), body, now=now())
    except NotificationRefused as refused:
        log.warning("notification refused (%s): %s", refused.reason, refused)
        status = 401 if refused.reason in ("unsigned", "bad_signature") else 400
        return jsonify(error=refused.reason), status
    return jsonify(result=result), 200


# --------------------------------------------------------------------------- receipts


def _receipt_context(payment: Payment, submission: Submission, lang: str) -> dict[str, Any]:
    definition = definition_of(submission.service_id, submission.definition_hash)
    return {
        "payment": payment,
        "submission": submission,
        "number": receipt_number(submission, payment),
        "service": service_title(definition, submission.service_id),
        "agency": definition.agency.name.get(lang) if definition else "",
        "amount": format_money(payment.amount, lang),
        "refunded": format_money(payment.refunded, lang) if payment.refunded else None,
        "method": WORDS[f"payments.method.{payment.method}"][lang],
        "paid_at": date_pair(payment.paid_at or payment.updated_at, lang),
        "paid_time": local_time(payment.paid_at or payment.updated_at).strftime("%H:%M"),
    }


def _paid_payment(token: str) -> tuple[Payment, Submission]:
    with database().session() as session:
        payment, submission = _payment(session, token)
    if payment.state != State.SUCCESS:
        abort(404)
    return payment, submission


@bp.get("/payments/<token>/receipt")
def receipt(token: str) -> Any:
    payment, submission = _paid_payment(token)
    context = _receipt_context(payment, submission, current_lang())
    back = {
        Role.CITIZEN: lambda: url_for("account.request", token=submission.token),
        Role.AUDITOR: lambda: url_for("audit.request", token=submission.token),
    }.get(_user().role, lambda: url_for("payments.staff_request", token=submission.token))()
    _audit_if_auditor("audit_view_receipt", payment)
    return render_template("payments/receipt.html", back=back, **context)


@bp.get("/payments/<token>/receipt.pdf")
def receipt_pdf(token: str) -> Response:
    from khidma.renderer.pdf import render_pdf

    payment, submission = _paid_payment(token)
    lang = current_lang()
    context = _receipt_context(payment, submission, lang)
    _audit_if_auditor("audit_download_receipt", payment)
    html = render_template(
        "payments/receipt_pdf.html",
        w={k: v[lang] for k, v in WORDS.items()},
        page={"lang": lang, "dir": "rtl" if lang == "ar" else "ltr"},
        **context,
    )
    response = Response(render_pdf(html), mimetype="application/pdf")
    name = f"receipt-{context['number'].replace('/', '-')}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _audit_if_auditor(action: str, payment: Payment) -> None:
    """An auditor's every view and download is itself audited."""
    if _user().role is Role.AUDITOR:
        record(action, "payment", payment.id, order_id=payment.order_id)


# --------------------------------------------------------------------------- staff


def _staff_submission(session: Any, token: str) -> Submission:
    submission = session.scalar(select(Submission).where(Submission.token == token))
    if submission is None or not _may_see(_user(), submission):
        abort(404)
    assert isinstance(submission, Submission)
    return submission


def _staff_page(
    submission: Submission,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> Any:
    definition = definition_of(submission.service_id, submission.definition_hash)
    with database().session() as session:
        allowed = store.can_refund(session, _user().id)
    return render_template(
        "payments/staff.html",
        submission=submission,
        service=service_title(definition, submission.service_id),
        status=status_label(definition, submission.status),
        view=history_for(submission, with_events=True),
        can_refund=allowed,
        errors=errors or {},
        form=form or {},
        reason_max=REASON_MAX,
    ), status


@bp.get("/staff/requests/<token>/payments")
def staff_request(token: str) -> Any:
    with database().session() as session:
        submission = _staff_submission(session, token)
    return _staff_page(submission)


@bp.post("/staff/payments/<token>/refund")
def refund(token: str) -> Any:
    service = payments()
    user = _user()
    with database().session() as session:
        payment, submission = _payment(session, token)
        allowed = store.can_refund(session, user.id)
    if not allowed:
        abort(403)
    if service is None:
        abort(404)
    left = payment.amount - payment.refunded
    amount_text = request.form.get("amount", "").strip()
    reason = request.form.get("reason", "").strip()
    form = {"amount": amount_text, "reason": reason, "payment": payment.token}
    errors: dict[str, str] = {}
    amount = left
    if amount_text:
        try:
            amount = parse_amount(amount_text)
        except MoneyError as error:
            errors["amount"] = t(
                f"payments.refund_error.{error.code}", amount=format_money(left, current_lang())
            )
    if not errors and amount > left:
        errors["amount"] = t(
            "payments.refund_error.over", amount=format_money(left, current_lang())
        )
    if not reason or len(reason) > REASON_MAX:
        errors["reason"] = t("payments.refund_error.reason")
    if not errors:
        try:
            done = service.refund(payment.id, amount, user_id=user.id, reason=reason, now=now())
        except RefundError as error:
            if error.code == "over":
                errors["amount"] = t(
                    "payments.refund_error.over",
                    amount=format_money(error.refundable, current_lang()),
                )
            elif error.code == "pending":
                flash(t("payments.refund_pending"), "info")
                return redirect(url_for("payments.staff_request", token=submission.token), code=303)
            else:
                errors["amount"] = t("payments.refund_error.refused", detail=error.detail)
        else:
            record("refund", "payment", payment.id, amount=done.amount, submission=submission.id)
            flash(
                t("payments.refund_done", amount=format_money(done.amount, current_lang())),
                "success",
            )
            return redirect(url_for("payments.staff_request", token=submission.token), code=303)
    return _staff_page(submission, errors=errors, form=form, status=400)
