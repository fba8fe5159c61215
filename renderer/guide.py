"""A service's guide as a PDF ("تحميل دليل الخدمة"): its card, then each step with the
labels it asks for. The card's facts are the card page's own (`card.py`, the `card`
words), so the page and the guide never say a thing two ways.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any

from khidma.renderer.card import fee_lines
from khidma.renderer.card import get
from khidma.renderer.card import text
from khidma.renderer.card import texts
from khidma.renderer.pdf import dates
from khidma.renderer.pdf import document_page
from khidma.renderer.pdf import render_pdf
from khidma.renderer.templating import environment

from khidma.fields import registry

__all__ = ["guide_context", "render_guide_html", "render_guide_pdf"]


def _channels(channels: Iterable[Any] | None, lang: str) -> list[str]:
    """Channel lines: texts, or (name, detail) pairs printed as "name — detail"."""
    lines = []
    for channel in channels or ():
        if isinstance(channel, list | tuple):
            parts = [text(part, lang) for part in channel]
            lines.append(" — ".join(p for p in parts if p))
        else:
            lines.append(text(channel, lang))
    return [line for line in lines if line]


def _asks(field: Any) -> bool:
    """Whether a guide lists `field`: not a display-only block, not a hidden value."""
    kind = get(field, "type")
    if isinstance(kind, str):  # plain data names its type
        kind = registry.as_mapping().get(kind)
    shown = getattr(kind, "summary_kind", "row") != "none"  # a hidden value is never shown
    return shown and getattr(kind, "holds_value", True) is not False


def _field_labels(fields: Iterable[Any] | None, lang: str) -> list[dict[str, Any]]:
    """[{label, fields}] per field a step asks for; a group's own fields nest under it."""
    labels: list[dict[str, Any]] = []
    for f in fields or ():
        if isinstance(f, str) or (isinstance(f, Mapping) and "label" not in f):
            label = text(f, lang)
            if label:
                labels.append({"label": label, "fields": []})
            continue
        if not _asks(f):
            continue
        label = text(get(f, "label"), lang)
        children = _field_labels(get(f, "fields"), lang)
        if label:
            labels.append({"label": label, "fields": children})
        else:
            labels.extend(children)
    return labels


def guide_context(service: Any, *, lang: str) -> dict[str, Any]:
    """The plain data of a service guide in `lang`, from a mapping or an object.

    Accepted names (all optional but `title`): `title`, `agency_name` or `agency`
    (text, or with a `name`), `summary`, `description`, `terms` (list),
    `required_documents` (list), `fees` (see `card.fee_lines`), `duration`, `channels`
    (texts or (name, detail) pairs), `steps` (each with `title` and `fields`, a field
    being a label text or having `label` and maybe `fields`; fields of type `hidden` or
    of a display-only type are left out). Every text is a plain string or bilingual
    (`{ar, en}` / `.ar`, `.en`). A compiled `ServiceDefinition` fits as it is.
    """
    agency = get(service, "agency_name") or get(service, "agency")
    if agency is not None and not isinstance(agency, str | Mapping) and hasattr(agency, "name"):
        agency = agency.name
    elif isinstance(agency, Mapping) and "name" in agency:
        agency = agency["name"]
    steps = [
        {
            "title": text(get(step, "title"), lang),
            "fields": _field_labels(get(step, "fields"), lang),
        }
        for step in get(service, "steps") or ()
    ]
    return {
        "agency": text(agency, lang),
        "title": text(get(service, "title"), lang),
        "summary": text(get(service, "summary"), lang),
        "description": text(get(service, "description"), lang),
        "terms": texts(get(service, "terms"), lang),
        "required_documents": texts(get(service, "required_documents"), lang),
        "fees": fee_lines(get(service, "fees"), lang),
        "duration": text(get(service, "duration"), lang),
        "channels": _channels(get(service, "channels"), lang),
        "steps": steps,
    }


def render_guide_html(
    service: Any, *, lang: str, generated_at: str | tuple[str, str] | None = None
) -> str:
    """The HTML `render_guide_pdf` draws."""
    context = {
        **document_page(lang),
        "guide": guide_context(service, lang=lang),
        "generated_at": dates(generated_at) if generated_at else [],
    }
    return environment().get_template("pdf/guide.html").render(context)


def render_guide_pdf(
    service: Any, *, lang: str, generated_at: str | tuple[str, str] | None = None
) -> bytes:
    """A service's guide as a PDF. `service` is plain data or a compiled definition; see
    `guide_context` for the names read. `generated_at` (a formatted date, or a (Hijri,
    Gregorian) pair) is printed under the title when given."""
    return render_pdf(render_guide_html(service, lang=lang, generated_at=generated_at))
