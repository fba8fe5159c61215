"""Read the text of a WeasyPrint PDF back in logical (reading) order, with pypdf.

Why not `page.extract_text()`: a PDF stores glyphs in *visual* order, left to right.
WeasyPrint's ToUnicode map gives each glyph the logical characters of its cluster (no
presentation forms; lam-alef is one glyph that reads "لا"), but an Arabic line is drawn
from its end to its start. pypdf's plain mode guesses the direction per character: it
gets pure Arabic right but reverses Arabic-Indic digits (it counts U+0660–U+0669 as
right-to-left) and misplaces neutral punctuation (« » : / ،). Its layout mode keeps
visual order, and reversing that string character by character breaks every glyph that
stands for two characters (لا, the الله ligature).

So this module walks the content stream with pypdf, keeps each glyph's text as one unit,
and cuts the stream into segments at each text matrix (`Tm`): WeasyPrint sets one per
line of each text box, in document order. Each segment is then put back in logical order
by the Unicode bidirectional algorithm (UAX #9, implicit rules; PDFs from our templates
have no explicit embeddings). Reordering with levels 1 and 2 is its own inverse, so
running the algorithm on the visual sequence recovers the logical one.

A segment may have been laid out in the document's direction (the template's words) or
in its own (answers carry `dir` from their first strong character, as `dir=auto` would):
`logical` tries both and keeps the reading that agrees with its own direction.

Brackets: HarfBuzz draws "(" in a right-to-left run with the glyph of ")", and
WeasyPrint's ToUnicode keeps the text of the first use of a glyph, so a bracket's
ToUnicode text may be its mirror. A bracket is taken from the embedded font's cmap (the
shape drawn) and mirrored at odd levels (UAX #9 rule L4).

Known ambiguity: some different logical strings draw the same: in an Arabic line,
"ب abc 12" and "ب 12 abc" both draw as "abc 12 ب". The algorithm gives the first. Lines
of Arabic, Arabic with digits and punctuation, Latin words between Arabic ones, and
Latin-only lines come back exactly; see docs/pdf.md.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterator
from typing import Any
from typing import NamedTuple

import pypdf
from pypdf.generic import ContentStream


class Unit(NamedTuple):
    """One glyph: its ToUnicode text and, for a bracket, the bracket it looks like."""

    text: str
    shape: str | None = None


# ------------------------------------------------------------------ ToUnicode maps


def _hex_text(hexstr: str) -> str:
    return bytes.fromhex(hexstr).decode("utf-16-be", errors="replace")


def _parse_to_unicode(data: bytes) -> dict[int, str]:
    text = data.decode("latin-1")
    cmap: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            cmap[int(src, 16)] = _hex_text(dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, rest in re.findall(
            r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]*>)", block
        ):
            start, end = int(lo, 16), int(hi, 16)
            if rest.startswith("["):
                for i, dst in enumerate(re.findall(r"<([0-9A-Fa-f]*)>", rest)):
                    cmap[start + i] = _hex_text(dst)
            else:
                base = bytes.fromhex(rest[1:-1])
                head, last = base[:-2], int.from_bytes(base[-2:], "big")
                for i in range(end - start + 1):
                    cmap[start + i] = (head + (last + i).to_bytes(2, "big")).decode(
                        "utf-16-be", errors="replace"
                    )
    return cmap


# Bidi_Mirrored pairs a form may hold (UAX #9 rule L4; BidiMirroring.txt).
MIRRORS = dict(zip("()<>[]{}«»‹›", ")(><][}{»«›‹", strict=True))


class _Font:
    def __init__(self, font: Any) -> None:
        font = font.get_object()
        self.width = 2 if font.get("/Subtype") == "/Type0" else 1
        to_unicode = font.get("/ToUnicode")
        self.cmap = _parse_to_unicode(to_unicode.get_object().get_data()) if to_unicode else {}
        self.shapes = self._mirrored_shapes(font)

    @staticmethod
    def _mirrored_shapes(font: Any) -> dict[int, str]:
        """Glyph id → the bracket it looks like, from the embedded font's own cmap.

        HarfBuzz draws "(" in a right-to-left run with the glyph of ")", and WeasyPrint's
        ToUnicode keeps one text per glyph (the first seen). So the ToUnicode text of a
        bracket glyph may be its mirror; the glyph's shape and its bidi level are not.
        """
        descendants = font.get("/DescendantFonts")
        if not descendants:
            return {}
        descriptor = descendants[0].get_object().get("/FontDescriptor")
        embedded = descriptor.get_object().get("/FontFile2") if descriptor else None
        if embedded is None:
            return {}
        from fontTools.ttLib import TTFont

        ttf = TTFont(io.BytesIO(embedded.get_object().get_data()), lazy=True)
        cmap = ttf.getBestCmap() or {}
        return {ttf.getGlyphID(cmap[ord(char)]): char for char in MIRRORS if ord(char) in cmap}

    def units(self, raw: bytes) -> list[Unit]:
        codes = (
            int.from_bytes(raw[i : i + self.width], "big") for i in range(0, len(raw), self.width)
        )
        return [Unit(self.cmap.get(code, "\ufffd"), self.shapes.get(code)) for code in codes]


# ------------------------------------------------------------------ content streams


def _raw(operand: Any) -> bytes:
    if isinstance(operand, bytes):
        return bytes(operand)
    original = getattr(operand, "original_bytes", None)
    if original is not None:
        return bytes(original)
    return str(operand).encode("latin-1", errors="replace")


def _multiply(m: list[float], n: list[float]) -> list[float]:
    return [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]


def _segments(
    contents: Any, resources: Any, reader: pypdf.PdfReader, ctm: list[float]
) -> Iterator[tuple[float, list[Unit]]]:
    """(x where the segment starts, in points from the page's left edge; its glyph texts)."""
    fonts = resources.get("/Font", {}) if resources else {}
    xobjects = resources.get("/XObject", {}) if resources else {}
    loaded: dict[str, _Font] = {}
    font: _Font | None = None
    stack: list[list[float]] = []
    x = 0.0
    segment: list[Unit] = []
    for operands, operator in ContentStream(contents, reader).operations:
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop()
        elif operator == b"cm":
            ctm = _multiply([float(v) for v in operands], ctm)
        elif operator in (b"Tm", b"BT", b"Td", b"TD", b"T*"):
            if segment:
                yield x, segment
            segment = []
            if operator == b"Tm":
                x = _multiply([float(v) for v in operands], ctm)[4]
        elif operator == b"Tf":
            name = str(operands[0])
            if name not in loaded:
                loaded[name] = _Font(fonts[name])
            font = loaded[name]
        elif operator in (b"Tj", b"'", b'"') and font is not None:
            segment.extend(font.units(_raw(operands[-1])))
        elif operator == b"TJ" and font is not None:
            for item in operands[0]:
                if not isinstance(item, int | float):
                    segment.extend(font.units(_raw(item)))
        elif operator == b"Do":
            xobject = xobjects[str(operands[0])].get_object()
            if xobject.get("/Subtype") == "/Form":
                if segment:
                    yield x, segment
                segment = []
                inner = xobject.get("/Resources", resources)
                yield from _segments(xobject, inner, reader, ctm)
    if segment:
        yield x, segment


# ------------------------------------------------------------------ bidi


def _type(unit: str) -> str:
    for char in unit:
        kind = unicodedata.bidirectional(char)
        if kind not in ("NSM", "BN"):
            return kind
    return "NSM"


def _levels(types: list[str], base: int) -> list[int]:
    """Embedding levels by UAX #9's implicit rules W1–W7, N1–N2 and I1–I2."""
    sos = "R" if base % 2 else "L"
    t = list(types)
    n = len(t)
    for i in range(n):  # W1
        if t[i] == "NSM":
            t[i] = t[i - 1] if i else sos
    last = sos
    for i in range(n):  # W2, W3
        if t[i] in ("L", "R", "AL"):
            last = t[i]
        if t[i] == "EN" and last == "AL":
            t[i] = "AN"
        if t[i] == "AL":
            t[i] = "R"
    for i in range(1, n - 1):  # W4
        if t[i] == "ES" and t[i - 1] == t[i + 1] == "EN":
            t[i] = "EN"
        elif t[i] == "CS" and t[i - 1] == t[i + 1] and t[i - 1] in ("EN", "AN"):
            t[i] = t[i - 1]
    for i in range(n):  # W5
        if t[i] == "ET":
            j = i
            while j < n and t[j] == "ET":
                j += 1
            if (i and t[i - 1] == "EN") or (j < n and t[j] == "EN"):
                for k in range(i, j):
                    t[k] = "EN"
    t = ["ON" if x in ("ES", "ET", "CS") else x for x in t]  # W6
    last = sos
    for i in range(n):  # W7
        if t[i] in ("L", "R"):
            last = t[i]
        elif t[i] == "EN" and last == "L":
            t[i] = "L"
    strong = ("L", "R", "EN", "AN")
    i = 0
    while i < n:  # N1, N2: numbers count as R
        if t[i] in strong:
            i += 1
            continue
        j = i
        while j < n and t[j] not in strong:
            j += 1
        before = "L" if (sos if i == 0 else t[i - 1]) == "L" else "R"
        after = "L" if (sos if j == n else t[j]) == "L" else "R"
        resolved = before if before == after else sos
        t[i:j] = [resolved] * (j - i)
        i = j
    levels = []
    for x in t:  # I1, I2
        if base % 2 == 0:
            levels.append(base + {"R": 1, "AN": 2, "EN": 2}.get(x, 0))
        else:
            levels.append(base + (1 if x in ("L", "EN", "AN") else 0))
    return levels


def _reorder(units: list[str], levels: list[int]) -> list[str]:
    """UAX #9 rule L2: reverse every run at each level from the highest down to 1."""
    order = list(range(len(units)))
    top = max(levels, default=0)
    lowest_odd = min((lv for lv in levels if lv % 2), default=top + 1)
    for level in range(top, lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    return [units[k] for k in order]


def _auto_level(text: str) -> int:
    """The paragraph level `dir=auto` gives `text` (the renderer's `text_direction`)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return 1
        if kind == "L":
            return 0
    return 0


def logical(units: list[Unit], *, rtl: bool) -> str:
    """A segment's glyphs (visual order) as a logical-order string.

    A segment was laid out either in the document's direction (our own words) or in the
    direction its own text asks for (answers carry `dir` from their first strong
    character). The document's direction is tried first and kept when the text it
    gives agrees with it; else the other direction, under the same test. A bracket is
    the one its glyph shows at an even level and that one's mirror at an odd level.
    """
    units = [u for u in units if u.text]
    if not units:
        return ""
    types = [_type(u.text) for u in units]
    document = 1 if rtl else 0
    readings = []
    for base in (document, 1 - document):
        levels = _levels(types, base)
        texts = [
            u.text if u.shape is None else (u.shape if level % 2 == 0 else MIRRORS[u.shape])
            for u, level in zip(units, levels, strict=True)
        ]
        readings.append((base, "".join(_reorder(texts, levels))))
    for base, text in readings:
        if _auto_level(text) == base:
            return text
    return readings[0][1]


# ------------------------------------------------------------------ public


def pdf_positioned(pdf: bytes, *, rtl: bool) -> list[list[tuple[str, float]]]:
    """Per page, (text, x) of each drawn line of each text box, in document order.

    The text is in logical order, NFC, without spaces at its ends; x is where the line
    starts (its left end), in points from the page's left edge. `rtl` is the direction
    the document was laid out in.
    """
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    pages = []
    for page in reader.pages:
        contents = page.get_contents()
        found: list[tuple[str, float]] = []
        if contents is not None:
            identity = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
            for x, units in _segments(contents, page.get("/Resources"), reader, identity):
                # A space at either end is layout: the gap between two inline boxes,
                # or the space a wrapped line hangs at its end.
                text = unicodedata.normalize("NFC", logical(units, rtl=rtl)).strip()
                if text:
                    found.append((text, x))
        pages.append(found)
    return pages


def pdf_segments(pdf: bytes, *, rtl: bool) -> list[list[str]]:
    """Per page, the text of each drawn line of each text box, in logical order (NFC)."""
    return [[text for text, _ in page] for page in pdf_positioned(pdf, rtl=rtl)]


def pdf_text(pdf: bytes, *, rtl: bool) -> str:
    """All segments of all pages, one per line, in logical order."""
    return "\n".join(line for page in pdf_segments(pdf, rtl=rtl) for line in page)


def embedded_fonts(pdf: bytes) -> set[str]:
    """The names of the fonts a PDF embeds, without their subset tags ("ABCDEF+")."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return {
        str(font.get_object()["/BaseFont"]).lstrip("/").split("+", 1)[-1]
        for page in reader.pages
        for font in page["/Resources"].get("/Font", {}).values()
    }


def is_drawn(text: str, lines: list[str]) -> bool:
    """Whether `text` is drawn exactly: as one line, or as consecutive lines where it
    wraps at a space or breaks at a newline."""
    text = unicodedata.normalize("NFC", text)
    if text in lines:
        return True
    for start, first in enumerate(lines):
        if not text.startswith(first):
            continue
        joined = first
        for line in lines[start + 1 :]:
            rest = text[len(joined) :]
            if rest[:1] not in (" ", "\n") or not rest[1:].startswith(line):
                break
            joined += rest[0] + line
            if joined == text:
                return True
    return False
