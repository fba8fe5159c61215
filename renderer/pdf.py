"""PDFs: a request's summary and a service's guide, drawn by WeasyPrint.

WeasyPrint is imported inside the functions that use it, so importing the renderer (and
the web app) costs nothing until a PDF is asked for. Every resource a PDF loads goes
through `StaticOnlyFetcher`: it serves files inside this package's `static/` folder under
the `khidma-static:` scheme and refuses everything else (http, file, data, paths that
climb out of the folder). Templates are rendered by Jinja with autoescaping on, so an
answer is always text in the PDF, never markup.
"""

from __future__ import annotations

import atexit
import datetime as dt
import gc
import logging
import mimetypes
import sys
import threading
import unicodedata
import warnings
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from khidma.renderer.fonts import STATIC_SCHEME, font_face_css

__all__ = [
    "STATIC_DIR",
    "PdfResourceRefused",
    "make_url_fetcher",
    "render_guide_html",
    "render_guide_pdf",
    "render_pdf",
    "render_summary_html",
    "render_summary_pdf",
    "static_path",
]

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
STATIC_DIR = PACKAGE_DIR / "static"
TEMPLATE_DIR = PACKAGE_DIR / "templates"

# The words a PDF prints around the answers. Service texts arrive already in the
# document's language; these are the renderer's own.
WORDS: dict[str, dict[str, str]] = {
    "ar": {
        "summary": "ملخص الطلب",
        "reference": "رقم الطلب",
        "status": "حالة الطلب",
        "submitted_at": "تاريخ التقديم",
        "generated_at": "تاريخ إصدار المستند",
        "attachments": "المرفقات",
        "file_name": "اسم الملف",
        "file_size": "الحجم",
        "file_kind": "النوع",
        "sha256": "بصمة SHA-256",
        "declarations": "الإقرارات",
        "accepted_at": "وقت الإقرار",
        "not_accepted": "لم يُقر بها",
        "no_rows": "لا توجد عناصر",
        "no_files": "لا توجد مرفقات",
        "guide": "دليل الخدمة",
        "description": "وصف الخدمة",
        "terms": "الشروط والأحكام",
        "required_documents": "المستندات المطلوبة",
        "fees": "الرسوم",
        "duration": "مدة إنجاز الخدمة",
        "channels": "قنوات تقديم الخدمة",
        "steps": "خطوات التقديم",
        "step": "الخطوة",
        "fields": "البيانات المطلوبة",
        "no_fees": "بدون رسوم",
        "fees_computed": "تُحسب الرسوم حسب بيانات الطلب",
        "currency_SAR": "ريال سعودي",
    },
    "en": {
        "summary": "Request summary",
        "reference": "Reference number",
        "status": "Status",
        "submitted_at": "Submitted",
        "generated_at": "Document issued",
        "attachments": "Attachments",
        "file_name": "File name",
        "file_size": "Size",
        "file_kind": "Type",
        "sha256": "SHA-256 fingerprint",
        "declarations": "Declarations",
        "accepted_at": "Accepted at",
        "not_accepted": "Not accepted",
        "no_rows": "No items",
        "no_files": "No attachments",
        "guide": "Service guide",
        "description": "About the service",
        "terms": "Terms and conditions",
        "required_documents": "Required documents",
        "fees": "Fees",
        "duration": "Time to complete",
        "channels": "Where to apply",
        "steps": "Steps",
        "step": "Step",
        "fields": "Information asked for",
        "no_fees": "Free of charge",
        "fees_computed": "Calculated from the request's answers",
        "currency_SAR": "SAR",
    },
}


class PdfResourceRefused(ValueError):
    """A PDF asked for a resource outside the package's static folder."""


# --------------------------------------------------------------------------- import

_HARFBUZZ_SUBSET = "HarfBuzz-Subset will be required"
_import_lock = threading.Lock()


def _load_weasyprint() -> None:
    """Import WeasyPrint once, turning its one deployment notice into a log line.

    Without the system library libharfbuzz-subset0, WeasyPrint's import raises a
    `DeprecationWarning` ("HarfBuzz-Subset will be required…") and subsets fonts with
    fontTools instead, 1.6–3 times slower. That is an instruction for whoever
    installs the machine, not a fault of the calling code, so it is logged here with
    the package to install; any other warning of the import is passed on unchanged.
    """
    if "weasyprint" in sys.modules:
        return
    with _import_lock, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import weasyprint  # noqa: F401
    for warning in caught:
        if issubclass(warning.category, DeprecationWarning) and _HARFBUZZ_SUBSET in str(
            warning.message
        ):
            log.warning(
                "WeasyPrint subsets fonts with fontTools (slower): install libharfbuzz-subset0"
            )
            continue
        warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)


# --------------------------------------------------------------------------- fetching


def static_path(url: str) -> Path:
    """The file a `khidma-static:` URL names, or `PdfResourceRefused`.

    Only regular files inside `STATIC_DIR` qualify, after symlinks and `..` are resolved;
    any other scheme (http, https, file, data, ftp…) or location is refused.
    """
    scheme, colon, rest = url.partition(":")
    if not colon or scheme.lower() != STATIC_SCHEME:
        raise PdfResourceRefused(f"PDFs load only {STATIC_SCHEME}: resources, not {url[:80]!r}")
    relative = unquote(rest.split("#", 1)[0].split("?", 1)[0]).lstrip("/")
    root = STATIC_DIR.resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise PdfResourceRefused(f"no packaged static file at {url[:80]!r}")
    return path


def _guess_type(path: Path) -> str:
    if path.suffix == ".woff":
        return "font/woff"
    if path.suffix == ".woff2":
        return "font/woff2"
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def make_url_fetcher() -> Any:
    """A WeasyPrint URL fetcher that serves `static_path(url)` and raises for anything else.

    WeasyPrint ≥ 68 takes an instance of `weasyprint.urls.URLFetcher` whose `fetch`
    returns a `URLFetcherResponse`; older releases take a callable returning a dict.
    Both shapes are built here; neither ever opens a network connection. A refused URL
    raises, and WeasyPrint logs it and draws the document without that resource.
    """
    _load_weasyprint()
    from weasyprint import urls

    if hasattr(urls, "URLFetcherResponse"):

        class StaticOnlyFetcher(urls.URLFetcher):  # type: ignore[misc]
            def fetch(self, url: str, headers: Any = None) -> Any:
                path = static_path(url)
                return urls.URLFetcherResponse(
                    url, path.read_bytes(), {"Content-Type": _guess_type(path)}
                )

        return StaticOnlyFetcher()

    def fetch_static(url: str) -> dict[str, Any]:  # WeasyPrint < 68
        path = static_path(url)
        return {"string": path.read_bytes(), "mime_type": _guess_type(path), "redirected_url": url}

    return fetch_static


# --------------------------------------------------------------------------- drawing

# Loading the six shipped faces (woff is unpacked to TrueType) costs more than laying
# out a summary, so each thread keeps one font configuration for its lifetime. Pango and
# Fontconfig objects are not shared between threads.
_local = threading.local()
# Every thread's setup, so they are released at exit while WeasyPrint's modules are still
# loaded (a FontConfiguration freed during interpreter teardown prints a TypeError).
_setups: list[tuple[Any, Any, Any]] = []


@atexit.register
def _release_setups() -> None:
    _setups.clear()
    _local.__dict__.clear()
    gc.collect()


def _font_setup() -> tuple[Any, Any, Any]:
    """(font configuration, fetcher, base stylesheet) for this thread, built once."""
    cached = getattr(_local, "setup", None)
    if cached is None:
        _load_weasyprint()
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        fetcher = make_url_fetcher()
        font_config = FontConfiguration()
        css = font_face_css() + "\n" + (STATIC_DIR / "pdf.css").read_text(encoding="utf-8")
        base = CSS(string=css, url_fetcher=fetcher, font_config=font_config)
        cached = _local.setup = (font_config, fetcher, base)
        _setups.append(cached)
    return cached


def render_pdf(html: str) -> bytes:
    """The PDF of `html` (a whole document) with the shipped fonts and `static/pdf.css`.

    The document's `<title>` becomes the PDF's title and `<html lang>` its language.
    Resources load only from the package's static folder (`khidma-static:` URLs);
    relative URLs resolve against nothing and are dropped.
    """
    font_config, fetcher, base = _font_setup()
    from weasyprint import HTML

    document = HTML(string=html, url_fetcher=fetcher, base_url=None)
    pdf: bytes = document.write_pdf(stylesheets=[base], font_config=font_config)
    return pdf


# --------------------------------------------------------------------------- templates


def text_direction(text: str) -> str:
    """`rtl` or `ltr` by the first strong character, as HTML's `dir=auto` decides.

    WeasyPrint has no `dir=auto` (nor `unicode-bidi`), so answers get an explicit
    direction: an English name, a phone number "+9665…" or "Hello!" inside an Arabic
    page would otherwise be laid out right-to-left ("9665…+", "!Hello").
    """
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja environment of the PDF templates: autoescaped, undefined names fail."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["dir"] = text_direction
    return env


def _lang(lang: str) -> str:
    if lang not in WORDS:
        raise ValueError(f"PDFs are written in 'ar' or 'en', not {lang!r}")
    return lang


def _page(lang: str) -> dict[str, str]:
    return {"lang": lang, "dir": "rtl" if lang == "ar" else "ltr"}


def _when(value: str | tuple[str, str] | list[str]) -> list[str]:
    """A date shown as given: one string, or a (Hijri, Gregorian) pair printed side by side."""
    if isinstance(value, str):
        return [value]
    return [str(part) for part in value if part]


# --------------------------------------------------------------------------- summary


def _block(block: Any) -> dict[str, Any]:
    """One answer of a summary section, by the shape of the object (see `summary.py`)."""
    if hasattr(block, "files"):
        files = [
            {"name": f.name, "size": f.size_text, "sha256": f.sha256, "kind": f.kind}
            for f in block.files
        ]
        return {"kind": "files", "id": block.field_id, "label": block.label, "files": files}
    if hasattr(block, "columns") and hasattr(block, "rows"):
        return {
            "kind": "table",
            "id": block.field_id,
            "label": block.label,
            "columns": list(block.columns),
            "rows": [list(row) for row in block.rows],
        }
    value = block.value
    lines = [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
    return {"kind": "row", "id": block.field_id, "label": block.label, "lines": lines}


# Saudi Arabia keeps UTC+3 all year; stored timestamps are UTC.
RIYADH = dt.timezone(dt.timedelta(hours=3), "AST")


def _moment(value: str | None, lang: str) -> str:
    """An ISO timestamp as Riyadh time with the Hijri and Gregorian date; other text as is."""
    if not value:
        return ""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    from khidma.engine.dates import format_date

    if moment.tzinfo is not None:
        moment = moment.astimezone(RIYADH)
    return f"{format_date(moment.date(), lang)} {moment:%H:%M}"


def _declaration(line: Any, lang: str) -> dict[str, Any]:
    accepted_at = getattr(line, "accepted_at", None)
    accepted = bool(getattr(line, "accepted", accepted_at is not None))
    return {"text": line.text, "accepted": accepted, "accepted_at": _moment(accepted_at, lang)}


def _groups(blocks: Iterable[Any]) -> list[dict[str, Any]]:
    """Blocks with consecutive rows gathered into one two-column table."""
    groups: list[dict[str, Any]] = []
    for block in map(_block, blocks):
        if block["kind"] != "row":
            groups.append(block)
        elif groups and groups[-1]["kind"] == "rows":
            groups[-1]["rows"].append(block)
        else:
            groups.append({"kind": "rows", "rows": [block]})
    return groups


def render_summary_html(
    summary: Any,
    *,
    lang: str,
    reference: str,
    status_label: str,
    submitted_at: str | tuple[str, str],
    generated_at: str | tuple[str, str],
) -> str:
    """The HTML `render_summary_pdf` draws (useful for previews and tests)."""
    lang = _lang(lang)
    context = {
        "page": _page(lang),
        "w": WORDS[lang],
        "agency": summary.agency_name,
        "title": summary.service_title,
        "reference": reference,
        "status": status_label,
        "submitted_at": _when(submitted_at),
        "generated_at": _when(generated_at),
        "sections": [
            {"id": s.step_id, "title": s.title, "groups": _groups(s.blocks)}
            for s in summary.sections
        ],
        "declarations": [_declaration(d, lang) for d in summary.declarations],
    }
    return environment().get_template("pdf/summary.html").render(context)


def render_summary_pdf(
    summary: Any,
    *,
    lang: str,
    reference: str,
    status_label: str,
    submitted_at: str | tuple[str, str],
    generated_at: str | tuple[str, str],
) -> bytes:
    """The PDF of a submitted request: every answer by section, as the citizen gave it.

    `summary` has the shape of `khidma.engine.summary.Summary` (read by attribute):
    `agency_name`, `service_title`, `sections` of (`step_id`, `title`, `blocks`), where a
    block is a row (`field_id`, `label`, `value`), a table (`field_id`, `label`,
    `columns`, `rows`) or files (`field_id`, `label`, `files` of `name`, `size_text`,
    `sha256`, `kind`), and `declarations` of (`text`, `accepted`, `accepted_at`: an ISO
    timestamp, printed as Riyadh time with the Hijri and Gregorian date, or text printed
    as it is). All texts are already in `lang` ("ar" or "en"). `submitted_at` and
    `generated_at` are formatted dates: one string, or a (Hijri, Gregorian) pair. The
    PDF is A4 with "page x of y" in the footer, titled with the service and reference.
    """
    return render_pdf(
        render_summary_html(
            summary,
            lang=lang,
            reference=reference,
            status_label=status_label,
            submitted_at=submitted_at,
            generated_at=generated_at,
        )
    )


# --------------------------------------------------------------------------- guide


def _get(source: Any, name: str, default: Any = None) -> Any:
    if isinstance(source, Mapping):
        return source.get(name, default)
    return getattr(source, name, default)


def _text(value: Any, lang: str) -> str:
    """A bilingual text (`{ar, en}` mapping, or an object with `.ar`/`.en`) in `lang`;
    a plain string as it is; None as ""."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return str(value.get(lang) or value.get("ar") or "")
    if hasattr(value, "ar") and hasattr(value, "en"):
        return str(getattr(value, lang))
    return str(value)


def _texts(values: Iterable[Any] | None, lang: str) -> list[str]:
    return [t for t in (_text(v, lang) for v in values or ()) if t]


def _fees(fees: Any, lang: str) -> list[str]:
    """Fee lines: a ready text, a list of texts, or a `Fees`-shaped record."""
    if fees is None:
        return []
    if isinstance(fees, str | Mapping) and not _get(fees, "kind"):
        return [_text(fees, lang)]
    if isinstance(fees, list | tuple):
        return _texts(fees, lang)
    words = WORDS[lang]
    kind = _get(fees, "kind", "none")
    lines = []
    if kind == "none":
        lines.append(words["no_fees"])
    elif kind == "fixed":
        amount = _get(fees, "amount")
        amount_text = f"{amount:g}" if isinstance(amount, int | float) else str(amount)
        currency = str(_get(fees, "currency") or "SAR")
        lines.append(f"{amount_text} {words.get('currency_' + currency, currency)}")
    else:
        lines.append(words["fees_computed"])
    note = _text(_get(fees, "note"), lang)
    if note:
        lines.append(note)
    return lines


def _channels(channels: Iterable[Any] | None, lang: str) -> list[str]:
    """Channel lines: texts, or (name, detail) pairs printed as "name — detail"."""
    lines = []
    for channel in channels or ():
        if isinstance(channel, list | tuple):
            parts = [_text(part, lang) for part in channel]
            lines.append(" — ".join(p for p in parts if p))
        else:
            lines.append(_text(channel, lang))
    return [line for line in lines if line]


def _asks(field: Any) -> bool:
    """Whether a guide lists `field`: not a display-only block, not a hidden value."""
    if _get(field, "type_name") == "hidden" or _get(field, "type") == "hidden":
        return False
    kind = _get(field, "type")
    return getattr(kind, "holds_value", True) is not False


def _field_labels(fields: Iterable[Any] | None, lang: str) -> list[dict[str, Any]]:
    """[{label, fields}] per field a step asks for; a group's own fields nest under it."""
    labels: list[dict[str, Any]] = []
    for f in fields or ():
        if isinstance(f, str) or (isinstance(f, Mapping) and "label" not in f):
            text = _text(f, lang)
            if text:
                labels.append({"label": text, "fields": []})
            continue
        if not _asks(f):
            continue
        label = _text(_get(f, "label"), lang)
        children = _field_labels(_get(f, "fields"), lang)
        if label:
            labels.append({"label": label, "fields": children})
        else:
            labels.extend(children)
    return labels


def guide_context(service: Any, *, lang: str) -> dict[str, Any]:
    """The plain data of a service guide in `lang`, from a mapping or an object.

    Accepted names (all optional but `title`): `title`, `agency_name` or `agency`
    (text, or with a `name`), `summary`, `description`, `terms` (list),
    `required_documents` (list), `fees` (text, list, or `kind`/`amount`/`currency`/`note`
    as in `Fees`), `duration`, `channels` (texts or (name, detail) pairs), `steps` (each
    with `title` and `fields`, a field being a label text or having `label` and maybe
    `fields`; fields of type `hidden` or of a display-only type are left out). Every
    text is a plain string or bilingual (`{ar, en}` / `.ar`, `.en`). A compiled
    `ServiceDefinition` fits as it is.
    """
    agency = _get(service, "agency_name") or _get(service, "agency")
    if agency is not None and not isinstance(agency, str | Mapping) and hasattr(agency, "name"):
        agency = agency.name
    elif isinstance(agency, Mapping) and "name" in agency:
        agency = agency["name"]
    steps = [
        {
            "title": _text(_get(step, "title"), lang),
            "fields": _field_labels(_get(step, "fields"), lang),
        }
        for step in _get(service, "steps") or ()
    ]
    return {
        "agency": _text(agency, lang),
        "title": _text(_get(service, "title"), lang),
        "summary": _text(_get(service, "summary"), lang),
        "description": _text(_get(service, "description"), lang),
        "terms": _texts(_get(service, "terms"), lang),
        "required_documents": _texts(_get(service, "required_documents"), lang),
        "fees": _fees(_get(service, "fees"), lang),
        "duration": _text(_get(service, "duration"), lang),
        "channels": _channels(_get(service, "channels"), lang),
        "steps": steps,
    }


def render_guide_html(
    service: Any, *, lang: str, generated_at: str | tuple[str, str] | None = None
) -> str:
    """The HTML `render_guide_pdf` draws."""
    lang = _lang(lang)
    context = {
        "page": _page(lang),
        "w": WORDS[lang],
        "guide": guide_context(service, lang=lang),
        "generated_at": _when(generated_at) if generated_at else [],
    }
    return environment().get_template("pdf/guide.html").render(context)


def render_guide_pdf(
    service: Any, *, lang: str, generated_at: str | tuple[str, str] | None = None
) -> bytes:
    """A service's guide as a PDF: its card, then each step with the labels it asks for.

    `service` is plain data or a compiled definition; see `guide_context` for the names
    read. `generated_at` (a formatted date, or a (Hijri, Gregorian) pair) is printed
    under the title when given.
    """
    return render_pdf(render_guide_html(service, lang=lang, generated_at=generated_at))
