"""PDFs: a request's summary and a service's guide, drawn by WeasyPrint.

WeasyPrint is imported inside the functions that use it, so importing the renderer (and
the web app) costs nothing until a PDF is asked for. Every resource a PDF loads goes
through `StaticOnlyFetcher`: it serves files inside this package's `static/` folder under
the `khidma-static:` scheme and refuses everything else (http, file, data, paths that
climb out of the folder). Templates are rendered by the renderer's Jinja environment
with autoescaping on, so an answer is always text in the PDF, never markup. The
summary's sections are drawn by the one summary renderer (`summary.py`, mode `PDF`), the
same templates as the review page; the guide lives in `guide.py`.
"""

from __future__ import annotations

import atexit
import gc
import logging
import mimetypes
import sys
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from typing import NotRequired
from typing import TypedDict
from typing import Unpack
from urllib.parse import unquote

from khidma.renderer.fonts import STATIC_SCHEME
from khidma.renderer.fonts import font_face_css
from khidma.renderer.summary import PDF
from khidma.renderer.summary import render_html
from khidma.renderer.templating import environment
from khidma.renderer.templating import text_direction

from khidma.engine.summary import Summary
from khidma.words import word

__all__ = [
    "LANGS",
    "STATIC_DIR",
    "EmbeddedFile",
    "PdfResourceRefused",
    "Seal",
    "SummaryPage",
    "dates",
    "document_page",
    "make_url_fetcher",
    "render_pdf",
    "render_summary_html",
    "render_summary_pdf",
    "static_path",
    "text_direction",
]

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
STATIC_DIR = PACKAGE_DIR / "static"
LANGS = ("ar", "en")


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
_archival_lock = threading.Lock()
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


@dataclass(frozen=True)
class Seal:
    """What an issued document prints so anyone can check it: the public verification
    address (as text and as a QR code, inline SVG) and the document's code."""

    url: str
    code: str
    qr_svg: str


@dataclass(frozen=True)
class EmbeddedFile:
    """A file carried inside a PDF (PDF/A-3 "associated file"): name, bytes, what it is."""

    name: str
    data: bytes
    description: str
    relationship: str = "Data"


def render_pdf(
    html: str, *, variant: str | None = None, files: Sequence[EmbeddedFile] = ()
) -> bytes:
    """The PDF of `html` (a whole document) with the shipped fonts and `static/pdf.css`.

    The document's `<title>` becomes the PDF's title and `<html lang>` its language.
    Resources load only from the package's static folder (`khidma-static:` URLs);
    relative URLs resolve against nothing and are dropped. `variant` is a WeasyPrint
    PDF variant ("pdf/a-3b" for an archival document with `files` embedded).
    """
    font_config, fetcher, base = _font_setup()
    from weasyprint import HTML
    from weasyprint import Attachment

    document = HTML(string=html, url_fetcher=fetcher, base_url=None)
    attachments = [
        Attachment(
            string=f.data,
            name=f.name,
            description=f.description,
            relationship=f.relationship,
            url_fetcher=fetcher,
        )
        for f in files
    ]
    if variant is None:
        pdf: bytes = document.write_pdf(stylesheets=[base], font_config=font_config)
        return pdf
    # WeasyPrint opens the sRGB profile of an archival variant and never closes it; the
    # file is closed here, by collecting it, rather than in some later garbage collection
    # that would warn wherever it happened to run. One archival drawing at a time per
    # process: `catch_warnings` is process-wide state, and drawing is CPU-bound under the
    # GIL, so parallel drawings gain nothing and starve the threads that hold database
    # write turns (fifty submits at once on SQLite).
    with _archival_lock, warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        pdf = document.write_pdf(
            stylesheets=[base],
            font_config=font_config,
            pdf_variant=variant,
            attachments=attachments or None,
        )
        del document, attachments
        gc.collect()
    return pdf


# --------------------------------------------------------------------------- documents


def document_page(lang: str) -> dict[str, Any]:
    """What every PDF template reads about its document: language, direction and a word
    lookup `w(key)` in that language. ValueError for a language PDFs are not written in."""
    if lang not in LANGS:
        raise ValueError(f"PDFs are written in 'ar' or 'en', not {lang!r}")

    def w(key: str, **params: Any) -> str:
        return word(key, lang, **params)

    return {"page": {"lang": lang, "dir": "rtl" if lang == "ar" else "ltr"}, "w": w}


def dates(value: str | tuple[str, str] | list[str]) -> list[str]:
    """A date shown as given: one string, or a (Hijri, Gregorian) pair printed side by side."""
    if isinstance(value, str):
        return [value]
    return [str(part) for part in value if part]


# --------------------------------------------------------------------------- summary


class SummaryPage(TypedDict):
    """What a summary PDF prints around the answers: in `lang` ("ar" or "en"), the
    request's `reference` and status, when it was submitted and when the PDF was made
    (formatted dates: one string, or a (Hijri, Gregorian) pair printed side by side) and,
    for an issued document, the `seal` of its public verification page."""

    lang: str
    reference: str
    status_label: str
    submitted_at: str | tuple[str, str]
    generated_at: str | tuple[str, str]
    seal: NotRequired[Seal | None]


def render_summary_html(summary: Summary, **page: Unpack[SummaryPage]) -> str:
    """The HTML `render_summary_pdf` draws (useful for previews and tests)."""
    context = {
        "seal": page.get("seal"),
        **document_page(page["lang"]),
        "agency": summary.agency_name,
        "title": summary.service_title,
        "reference": page["reference"],
        "status": page["status_label"],
        "submitted_at": dates(page["submitted_at"]),
        "generated_at": dates(page["generated_at"]),
        "answers": render_html(summary, PDF),
    }
    return environment().get_template("pdf/summary.html").render(context)


def render_summary_pdf(
    summary: Summary,
    *,
    variant: str | None = None,
    files: Sequence[EmbeddedFile] = (),
    **page: Unpack[SummaryPage],
) -> bytes:
    """The PDF of a submitted request: every answer by section, as the citizen gave it.

    `summary` is the request's render tree (`khidma.engine.summary.Summary`), in the
    page's `lang`; its declarations are printed with when they were accepted (an ISO
    timestamp, as Riyadh time with the Hijri and Gregorian date). The PDF is A4 with
    "page x of y" in the footer, titled with the service and reference. With a `seal`,
    it carries the QR code and code of the public verification page; `variant` and
    `files` are passed to `render_pdf`.
    """
    return render_pdf(
        render_summary_html(summary, **page),
        variant=variant,
        files=files,
    )
