"""Transaction inquiry ("الاستعلام عن معاملة"): anyone gives a service, a reference number
and its Hijri year and sees the request's status — nothing else about it.

Being public, the page is an oracle for guessing references, so every lookup counts
against the visitor's address (a moving window; `RATELIMITS["inquiry.address"]`, default
10 per 15 minutes). The counters live where the identity layer keeps its own
(Flask-Limiter's storage: memory in one process, or Redis across processes). The form
works with GET (a bookmarkable address) and POST.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from flask import Blueprint
from flask import current_app
from flask import render_template
from flask import request
from limits import RateLimitItem
from limits import parse
from limits.strategies import RateLimiter
from sqlalchemy import select

from khidma.engine.dates import hijri_year
from khidma.engine.identifiers import normalise_digits
from khidma.identity.throttle import throttle
from khidma.storage.models import Submission
from khidma.storage.references import format_reference
from khidma.web.account import definition_of
from khidma.web.account import service_title
from khidma.web.context import database
from khidma.web.context import registry
from khidma.web.context import today
from khidma.web.i18n import current_lang
from khidma.web.i18n import t
from khidma.web.request_record import status_label

bp = Blueprint("inquiry", __name__)

LIMIT_NAME = "inquiry.address"
DEFAULT_LIMIT = "10 per 15 minutes"
# INVENTED: the first Hijri year the platform's references can belong to.
FIRST_YEAR = 1440
_NUMBER = re.compile(r"\d{1,9}")
_YEAR = re.compile(r"\d{4}")
FIELDS = ("service", "number", "year")


@dataclass
class Inquiry:
    """What was asked and what the page says about it."""

    service: str = ""
    number: str = ""
    year: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    found: dict[str, str] | None = None
    not_found: bool = False
    retry_minutes: int | None = None


# --------------------------------------------------------------------------- the limit


def _limiter() -> RateLimiter:
    # The identity layer's Flask-Limiter (moving window) and its storage.
    strategy: RateLimiter = throttle().limiter.limiter
    return strategy


def _limit_item(name: str = LIMIT_NAME, default: str = DEFAULT_LIMIT) -> RateLimitItem:
    text = current_app.config.get("RATELIMITS", {}).get(name, default)
    return parse(text)


def count_lookup(address: str, name: str = LIMIT_NAME, default: str = DEFAULT_LIMIT) -> int | None:
    """Count one lookup from `address` against the limit `name` (a `RATELIMITS` key,
    else `default`): None while within it, else the whole minutes until the next lookup
    is allowed (at least 1). Other public look-up pages use it with their own name."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return None  # limits switched off (Flask-Limiter's own setting)
    limiter, item = _limiter(), _limit_item(name, default)
    if limiter.hit(item, name, address):
        return None
    reset = limiter.get_window_stats(item, name, address).reset_time
    seconds = max(reset - dt.datetime.now(dt.UTC).timestamp(), 1.0)
    return max(1, math.ceil(seconds / 60))


def minutes_text(minutes: int, lang: str) -> str:
    """ "N minutes", with Arabic's dual and plural forms."""
    if lang != "ar":
        return "1 minute" if minutes == 1 else f"{minutes} minutes"
    if minutes == 1:
        return "دقيقة واحدة"
    if minutes == 2:
        return "دقيقتين"
    if 3 <= minutes <= 10:
        return f"{minutes} دقائق"
    return f"{minutes} دقيقة"


# --------------------------------------------------------------------------- checking


def _check(ask: Inquiry) -> tuple[str, int, int] | None:
    """(service id, sequence, year) when the three inputs are well formed; else fills
    `ask.errors` (one message per input, in the order of the form)."""
    services = {d.id for d in registry().services()}
    if ask.service not in services:
        ask.errors["service"] = t("inquiry.error.service")
    number = normalise_digits(ask.number).strip()
    year_text = normalise_digits(ask.year).strip()
    if "/" in number:  # "67/1447" typed in the number box
        number, _, typed_year = (part.strip() for part in number.partition("/"))
        year_text = year_text or typed_year
    sequence = int(number) if _NUMBER.fullmatch(number) else 0
    if not number:
        ask.errors["number"] = t("inquiry.error.number_missing")
    elif sequence < 1:
        ask.errors["number"] = t("inquiry.error.number")
    last = hijri_year(today())
    first = int(current_app.config.get("INQUIRY_FIRST_YEAR", FIRST_YEAR))
    year = int(year_text) if _YEAR.fullmatch(year_text) else 0
    if not year_text:
        ask.errors["year"] = t("inquiry.error.year_missing")
    elif not year:
        ask.errors["year"] = t("inquiry.error.year", first=first, last=last)
    elif not first <= year <= last:
        ask.errors["year"] = t("inquiry.error.year_range", first=first, last=last)
    return None if ask.errors else (ask.service, sequence, year)


def _look_up(service_id: str, sequence: int, year: int) -> dict[str, str] | None:
    with database().session() as session:
        found = session.execute(
            select(Submission.status, Submission.definition_hash).where(
                Submission.service_id == service_id,
                Submission.hijri_year == year,
                Submission.reference_seq == sequence,
            )
        ).first()
    if found is None:
        return None
    definition = definition_of(service_id, found.definition_hash)
    return {
        "reference": format_reference(sequence, year),
        "service": service_title(definition, service_id),
        "status": status_label(definition, found.status),
    }


@bp.route("/inquiry", methods=["GET", "POST"])
def index() -> Any:
    source = request.form if request.method == "POST" else request.args
    asked = request.method == "POST" or any(name in source for name in FIELDS)
    service, number, year = (source.get(name, "")[:40] for name in FIELDS)
    ask = Inquiry(service=service, number=number, year=year)
    status = 200
    if asked:
        retry = count_lookup(request.remote_addr or "unknown")
        if retry is not None:
            ask.retry_minutes = retry
            status = 429
        else:
            checked = _check(ask)
            if checked is not None:
                ask.found = _look_up(*checked)
                ask.not_found = ask.found is None
            if ask.errors:
                status = 400
    services = sorted(registry().services(), key=lambda d: d.title.get(current_lang()))
    response = current_app.make_response(
        (
            render_template(
                "inquiry/index.html",
                ask=ask,
                services=services,
                minutes_text=minutes_text,
                this_year=hijri_year(today()),
            ),
            status,
        )
    )
    if ask.retry_minutes:
        response.headers["Retry-After"] = str(ask.retry_minutes * 60)
    response.headers["Cache-Control"] = "no-store"
    return response
