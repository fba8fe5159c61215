"""The catalog of services and each service's card."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from flask import Blueprint
from flask import Response
from flask import render_template
from flask import request
from flask import url_for
from flask.blueprints import BlueprintSetupState
from sqlalchemy import func
from sqlalchemy import select

from khidma.definitions.model import ServiceDefinition
from khidma.renderer.card import fee_lines
from khidma.storage.models import Rating
from khidma.web.context import current_definition
from khidma.web.context import database
from khidma.web.context import registry
from khidma.web.context import today
from khidma.web.i18n import current_lang

bp = Blueprint("catalog", __name__)


@bp.record_once
def _favicon(state: BlueprintSetupState) -> None:
    """Browsers ask for /favicon.ico on every page, whatever the page links: serve the
    shipped icon there too, as the static file it is (no session, no database)."""
    app = state.app
    app.add_url_rule(
        "/favicon.ico",
        endpoint="static",
        view_func=app.view_functions["static"],
        defaults={"filename": "favicon.ico"},
    )


# Arabic letters that users type interchangeably when searching.
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي", "ـ": ""})


def fold(text: str) -> str:
    """Search form of a text: case-, diacritic- and alef/hamza-insensitive."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.translate(_FOLD)


@lru_cache(maxsize=1024)
def search_text(d: ServiceDefinition) -> str:
    """The folded text a search looks in; once per definition version, not per request."""
    parts = [d.id, *d.keywords]
    for text in (d.title, d.summary, d.description, d.agency.name):
        parts += [text.ar, text.en]
    return fold(" ".join(parts))


def matching(services: Iterable[ServiceDefinition], query: str) -> list[ServiceDefinition]:
    words = fold(query).split()
    return [d for d in services if all(w in search_text(d) for w in words)]


@bp.get("/")
def index() -> str:
    query = request.args.get("q", "").strip()[:200]
    audience = request.args.get("audience", "")
    services = registry().services()
    audiences = [a for a in AUDIENCES if any(d.audience == a for d in services)]
    if audience in AUDIENCES:
        services = [d for d in services if d.audience == audience]
    if query:
        services = matching(services, query)
    agencies: dict[str, list[ServiceDefinition]] = {}
    for d in services:
        agencies.setdefault(d.agency.id, []).append(d)
    return render_template(
        "catalog/index.html",
        agencies=agencies,
        query=query,
        count=len(services),
        audience=audience if audience in AUDIENCES else "",
        audiences=audiences,
    )


# Who a service is for (`audience` in the YAML), in the portal's order.
AUDIENCES = ("individuals", "businesses")


@dataclass(frozen=True)
class ServiceRating:
    average: float
    count: int


def service_rating(service_id: str) -> ServiceRating:
    """The average of the stars citizens gave the service, and how many did."""
    with database().session() as session:
        average, count = session.execute(
            select(func.avg(Rating.stars), func.count(Rating.id)).where(
                Rating.service_id == service_id
            )
        ).one()
    return ServiceRating(float(average or 0), int(count))


@bp.get("/services/<service_id>")
def service_card(service_id: str) -> str:
    definition = current_definition(service_id)
    return render_template(
        "catalog/service.html",
        d=definition,
        fees=fee_lines(definition.fees, current_lang()),
        rating=service_rating(definition.id) if definition.rating_enabled else None,
        guide_url=url_for("catalog.guide_pdf", service_id=definition.id),
    )


@lru_cache(maxsize=32)
def _guide(definition: ServiceDefinition, lang: str, day: dt.date) -> bytes:
    # Drawing a PDF costs far more than serving it; the guide changes only with the
    # definition version, the language and the date printed on it.
    from khidma.engine.dates import format_date
    from khidma.renderer.guide import render_guide_pdf

    pdf: bytes = render_guide_pdf(definition, lang=lang, generated_at=format_date(day, lang))
    return pdf


@bp.get("/services/<service_id>/guide.pdf")
def guide_pdf(service_id: str) -> Response:
    """The service guide ("تحميل دليل الخدمة"), drawn from the definition."""
    definition = current_definition(service_id)
    lang = current_lang()
    response = Response(_guide(definition, lang, today()), mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{definition.id}-guide-{lang}.pdf"'
    )
    return response
