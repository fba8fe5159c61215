"""The fonts shipped for PDFs, and the `@font-face` rules that load them.

The files live in `static/fonts/` beside their SIL OFL 1.1 licences; `docs/pdf.md` says
where each came from and why the Arabic body font is the one it is. Family names carry a
`Khidma` prefix so that a font of the same name installed on the machine can never stand
in for the shipped file: every PDF looks the same on every host.
"""

from __future__ import annotations

from dataclasses import dataclass

#: URL scheme the PDF fetcher serves from the package's static folder (see `pdf.py`).
STATIC_SCHEME = "khidma-static"


@dataclass(frozen=True)
class FontFace:
    family: str
    file: str  # relative to static/
    weight: int
    licence: str  # relative to static/


ARABIC = "Khidma Plex Arabic"  # IBM Plex Sans Arabic: Arabic and Latin glyphs
NASKH = "Khidma Naskh"  # Noto Naskh Arabic: Arabic only, a fallback
LATIN = "Khidma Plex"  # IBM Plex Sans: the wider Latin repertoire for English

_PLEX_OFL = "fonts/IBMPlex-OFL.txt"
_NOTO_OFL = "fonts/NotoNaskhArabic-OFL.txt"

FACES: tuple[FontFace, ...] = (
    FontFace(ARABIC, "fonts/IBMPlexSansArabic-Regular.woff", 400, _PLEX_OFL),
    FontFace(ARABIC, "fonts/IBMPlexSansArabic-Bold.woff", 700, _PLEX_OFL),
    FontFace(LATIN, "fonts/IBMPlexSans-Regular.woff", 400, _PLEX_OFL),
    FontFace(LATIN, "fonts/IBMPlexSans-Bold.woff", 700, _PLEX_OFL),
    FontFace(NASKH, "fonts/NotoNaskhArabic-Regular.ttf", 400, _NOTO_OFL),
    FontFace(NASKH, "fonts/NotoNaskhArabic-Bold.ttf", 700, _NOTO_OFL),
)

#: `font-family` lists per document language. Arabic text always reaches an Arabic face
#: and Latin text a Latin one, whichever language the document is in.
STACKS: dict[str, tuple[str, ...]] = {
    "ar": (ARABIC, LATIN, NASKH),
    "en": (LATIN, ARABIC, NASKH),
}


def font_face_css(faces: tuple[FontFace, ...] = FACES) -> str:
    """`@font-face` rules for `faces`, with URLs only the PDF fetcher can open, then the
    `font-family` stack of each document language (English for any other)."""
    rules = []
    for face in faces:
        fmt = "woff" if face.file.endswith(".woff") else "truetype"
        rules.append(
            "@font-face {"
            f" font-family: {_css_string(face.family)};"
            f" src: url({_css_string(f'{STATIC_SCHEME}:{face.file}')}) format({_css_string(fmt)});"
            f" font-weight: {face.weight}; font-style: normal; }}"
        )
    rules.append(f"html {{ font-family: {font_family_css('en')}; }}")
    rules.extend(
        f"html:lang({lang}) {{ font-family: {font_family_css(lang)}; }}" for lang in STACKS
    )
    return "\n".join(rules)


def font_family_css(lang: str) -> str:
    """The `font-family` value for a document in `lang` (English for anything not Arabic)."""
    stack = STACKS.get(lang, STACKS["en"])
    return ", ".join(_css_string(name) for name in stack)


def _css_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return f'"{escaped}"'
