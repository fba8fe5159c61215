"""The user's language, and the interface's words in it.

Arabic is the default. The choice is kept in a cookie; `?lang=en` on any page switches it.
The words themselves live in one catalog per feature (`khidma.words`); `t` looks them up
in the current request's language. Service texts come from the YAML (`tr`).
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from flask import Flask
from flask import g
from flask import request
from markupsafe import Markup

from khidma.engine.summary import Summary
from khidma.renderer.summary import PAGE
from khidma.renderer.summary import ChangeUrl
from khidma.renderer.summary import render_html
from khidma.renderer.templating import install
from khidma.words import word
from khidma.words import words

LANGS = ("ar", "en")
COOKIE = "khidma_lang"


class _AllWords(Mapping[str, tuple[str, str]]):
    """Every catalog's words, read-only: key → (Arabic, English). A word is added in its
    feature's catalog (`khidma.words`), never here."""

    def __getitem__(self, key: str) -> tuple[str, str]:
        return words().texts[key]

    def __iter__(self) -> Iterator[str]:
        return iter(words().texts)

    def __len__(self) -> int:
        return len(words().texts)


WORDS: Mapping[str, tuple[str, str]] = _AllWords()


def current_lang() -> str:
    lang = getattr(g, "lang", None)
    return lang if lang in LANGS else "ar"


def t(key: str, **params: Any) -> str:
    """The interface text `key` in the current language (KeyError for an unknown key)."""
    return word(key, current_lang(), **params)


def tr(text: Any) -> str:
    """A bilingual definition text (`Text`) in the current language ('' for None)."""
    return "" if text is None else str(text.get(current_lang()))


def render_summary(
    summary: Summary, *, change_url: ChangeUrl | None = None, heading: int = 2
) -> Markup:
    """A summary drawn for a page (`change_url(field_id)` gives the review's "Change"
    links; `heading` the level of the sections' headings)."""
    return Markup(render_html(summary, PAGE.but(change_url=change_url, heading=heading)))


def init_app(app: Flask) -> None:
    @app.before_request
    def choose_language() -> None:
        asked = request.args.get("lang")
        g.lang = asked if asked in LANGS else request.cookies.get(COOKIE, "ar")
        if g.lang not in LANGS:
            g.lang = "ar"
        g.lang_changed = asked in LANGS

    @app.after_request
    def remember_language(response: Any) -> Any:
        if getattr(g, "lang_changed", False):
            response.set_cookie(
                COOKIE,
                g.lang,
                max_age=365 * 24 * 3600,
                samesite="Lax",
                httponly=True,
                secure=not app.config.get("DEV"),
            )
        response.headers.setdefault("Content-Language", current_lang())
        return response

    def lang_url(target: str) -> str:
        """This page in `target` language: the same path and query, `lang` replaced."""
        args = request.args.to_dict(flat=False)
        args["lang"] = [target]
        return request.path + "?" + urlencode(args, doseq=True)

    @app.context_processor
    def language_context() -> dict[str, Any]:
        lang = current_lang()
        return {
            "lang": lang,
            "dir": "rtl" if lang == "ar" else "ltr",
            "other_lang": "en" if lang == "ar" else "ar",
            "t": t,
            "tr": tr,
            "lang_url": lang_url,
        }

    app.jinja_env.filters["tr"] = tr
    app.jinja_env.globals["Markup"] = Markup
    # Pages draw summaries and shape values with the renderer's own helpers, so a page
    # and the PDF or e-mail of the same request can never show it two ways.
    install(app.jinja_env)
    app.jinja_env.globals["render_summary"] = render_summary
