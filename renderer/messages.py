"""Notification bodies: the service's own text with its placeholders filled, and — for
an e-mail about the request — the request's summary, as plain text and as simple HTML.
An SMS stays the short text alone.

Notifications go out in Arabic first with the English beside it: the text part holds
both bodies then both summaries; the HTML part is one document with an Arabic half
(right to left) and an English half. The summaries are drawn by the one summary
renderer (`summary.py`, modes `TEXT` and `EMAIL`), so an e-mail lists exactly what the
review page, the request page and the PDF show. Nothing here queues or sends anything.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import Protocol

from khidma.renderer.summary import EMAIL
from khidma.renderer.summary import render_html
from khidma.renderer.summary import render_text
from khidma.renderer.templating import environment
from markupsafe import Markup
from markupsafe import escape

from khidma.definitions.model import Notification
from khidma.definitions.model import ServiceDefinition
from khidma.engine.dates import format_date
from khidma.engine.display import display_value
from khidma.engine.summary import Summary
from khidma.words import word

__all__ = [
    "LANGS",
    "Body",
    "about_the_request",
    "body_of",
    "fill",
    "placeholders",
]

LANGS = ("ar", "en")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class SubmissionFacts(Protocol):
    """What a body reads of a submission (a stored `Submission` fits)."""

    reference: str
    status: str
    applicant_name: str
    submitted_at: dt.datetime
    answers: Mapping[str, Any]


@dataclass(frozen=True)
class Body:
    """One notification ready for the outbox: `html` only for an e-mail."""

    channel: str
    subject: str | None
    text: str
    html: str | None = None


def _booking_values(
    definition: ServiceDefinition, answers: Mapping[str, Any], lang: str
) -> dict[str, str]:
    booking = definition.booking
    if booking is None:
        return {}
    values: dict[str, str] = {}
    if definition.has_field(booking.resource_field) and answers.get(booking.resource_field):
        resource = definition.field(booking.resource_field)
        values["resource_name"] = display_value(resource, answers[booking.resource_field], lang)
    slot = answers.get(booking.slot_field)
    if isinstance(slot, str) and "T" in slot:
        day, _, time = slot.partition("T")
        try:
            values["appointment_date"] = format_date(day, lang)
        except ValueError:
            values["appointment_date"] = day
        values["appointment_time"] = time
    return values


def placeholders(
    definition: ServiceDefinition,
    submission: SubmissionFacts,
    lang: str,
    *,
    link: str | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The placeholder values of a notification (or a confirmation page) in `lang`:
    reference, service and agency, status, applicant, submission day, the booking's
    resource, day and time when the service books, the request's `link` when given,
    and any `extra` (amount, message) from the caller."""
    status = definition.workflow.status(submission.status)
    values = {
        "reference": submission.reference,
        "service_title": definition.title.get(lang),
        "agency_name": definition.agency.name.get(lang),
        "status": status.label.get(lang) if status else submission.status,
        "applicant_name": submission.applicant_name,
        "submitted_at": submission.submitted_at.date().isoformat(),
        **_booking_values(definition, submission.answers or {}, lang),
    }
    if link:
        values["link"] = link
    values.update(extra or {})
    return values


def fill(text: str, values: Mapping[str, str]) -> str:
    """`text` with every known {placeholder} replaced; unknown ones stay as written."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def about_the_request(event: str) -> bool:
    """Whether an e-mail of `event` is about the request itself, and so carries its
    summary: on submitting and on a change of status. Messages, bookings and payments
    have e-mails about themselves."""
    return event in ("submitted", "status_changed") or event.startswith("status:")


def _paragraphs(text: str, link: str | None) -> Markup:
    """A body text as HTML paragraphs; the request's link becomes a link."""
    parts = []
    for paragraph in (p for p in text.split("\n") if p.strip()):
        html = escape(paragraph)
        if link:
            html = Markup(html.replace(escape(link), Markup('<a href="{0}">{0}</a>').format(link)))
        parts.append(Markup("<p>{}</p>").format(html))
    return Markup("\n").join(parts)


def body_of(
    note: Notification,
    values: Mapping[str, Mapping[str, str]],
    summary_of: Callable[[str], Summary] | None = None,
    *,
    event: str | None = None,
) -> Body:
    """The outbox body of one notification. `values` maps each language to its
    placeholder values; `summary_of(lang)` gives the request's summary in a language
    and is called only for an e-mail about the request (`about_the_request`)."""
    texts = {lang: fill(note.body.get(lang), values[lang]) for lang in LANGS}
    subject = None
    if note.subject is not None:
        subject = " | ".join(fill(note.subject.get(lang), values[lang]) for lang in LANGS)
    if note.channel != "email":
        return Body(note.channel, subject, "\n".join(texts[lang] for lang in LANGS))
    summaries = (
        {lang: summary_of(lang) for lang in LANGS}
        if summary_of is not None and about_the_request(event or note.event)
        else {}
    )
    return Body("email", subject, _text(texts, summaries), _html(subject, texts, summaries, values))


def _text(texts: Mapping[str, str], summaries: Mapping[str, Summary]) -> str:
    parts = [texts[lang] for lang in LANGS]
    for lang, summary in summaries.items():
        heading = f"{word('summary.title', lang)} — {summary.service_title}"
        parts.append(f"{heading}\n{'-' * len(heading)}\n\n{render_text(summary)}")
    parts.append(word("messages.automatic", "ar") + "\n" + word("messages.automatic", "en"))
    return "\n\n".join(parts) + "\n"


def _html(
    subject: str | None,
    texts: Mapping[str, str],
    summaries: Mapping[str, Summary],
    values: Mapping[str, Mapping[str, str]],
) -> str:
    halves = [
        {
            "lang": lang,
            "dir": "rtl" if lang == "ar" else "ltr",
            "body": _paragraphs(texts[lang], values[lang].get("link")),
            "summary": render_html(summaries[lang], EMAIL) if lang in summaries else None,
            "summary_title": word("summary.title", lang),
            "automatic": word("messages.automatic", lang),
        }
        for lang in LANGS
    ]
    template = environment().get_template("messages/email.html")
    return template.render(subject=subject or "", halves=halves)
