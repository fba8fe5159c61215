"""What an uploaded file holds besides its content: active content, another format
hidden inside it, and images whose pixels would not fit in memory. Pure: bytes in, a
message code out (`file.active`, `file.image_too_large`), or None when the file is fine.

- PDF: JavaScript (`/JS`, `/JavaScript`), actions run on opening or on events
  (`/OpenAction` with an action, `/AA`, `/Launch`), embedded files, rich media and XFA
  forms are refused. Names are read with their `#xx` escapes undone, and the Flate
  streams (object streams included) are inflated, up to a bound, and read too.
- Any kind: HTML or SVG markup (`<script`, `<html`, `<iframe`, `<svg`, `<!doctype html`)
  anywhere in the bytes makes a polyglot, which a browser could be talked into running.
- Images: the dimensions are read from the header (PNG IHDR, JPEG SOF, WebP VP8/VP8L/
  VP8X) before anything decodes them; more than `MAX_PIXELS` or a side over `MAX_SIDE`
  is refused (a 48 KB PNG of 20000×20000 is 1.6 GB decoded).
- DOCX/XLSX: macros (`vbaProject.bin`) and archives that inflate past `MAX_UNZIPPED`.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

MAX_PIXELS = 40_000_000  # 40 megapixels: any phone photo or scanned page
MAX_SIDE = 12_000
MAX_INFLATED = 64 * 1024 * 1024  # what the PDF check inflates at most, in all
MAX_UNZIPPED = 200 * 1024 * 1024

_MARKUP = re.compile(rb"<(?:script|html|iframe|svg|body|object|embed)\b|<!doctype\s+html", re.I)
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_ACTIVE = re.compile(
    rb"/(?:JS|JavaScript|AA|Launch|EmbeddedFile|EmbeddedFiles|RichMedia|XFA|GoToE|ImportData"
    rb"|SubmitForm)(?![A-Za-z0-9])"
)
_PDF_OPEN_ACTION = re.compile(rb"/OpenAction\s*<<[^>]*/S\s*/(?!GoTo\b)", re.S)
_FLATE = re.compile(rb"stream\r?\n(.*?)endstream", re.S)


def content_problem(data: bytes, kind: str) -> str | None:
    """A message code when `data` (already sniffed as `kind`) must be refused."""
    if _MARKUP.search(data):
        return "file.active"
    if kind == "pdf":
        return "file.active" if _pdf_active(data) else None
    if kind in ("png", "jpeg", "webp"):
        size = image_size(data, kind)
        if size is None:
            return "file.type"  # no readable header: not the image it claims to be
        width, height = size
        if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
            return "file.image_too_large"
        return None
    if kind in ("docx", "xlsx"):
        return _office_problem(data)
    return None


def _pdf_active(data: bytes) -> bool:
    def active(chunk: bytes) -> bool:
        chunk = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), chunk)
        return bool(_PDF_ACTIVE.search(chunk) or _PDF_OPEN_ACTION.search(chunk))

    if active(data):
        return True
    budget = MAX_INFLATED
    for match in _FLATE.finditer(data):
        try:
            inflater = zlib.decompressobj()
            inner = inflater.decompress(match.group(1), budget)
        except zlib.error:
            continue
        budget -= len(inner)
        if active(inner) or _MARKUP.search(inner):
            return True
        if budget <= 0:
            return True  # a PDF that inflates this far is a bomb: refuse it
    return False


def image_size(data: bytes, kind: str) -> tuple[int, int] | None:
    """(width, height) from the image's header, without decoding it; None when the
    header cannot be read."""
    try:
        if kind == "png":
            if data[12:16] != b"IHDR":
                return None
            width, height = struct.unpack(">II", data[16:24])
            return int(width), int(height)
        if kind == "jpeg":
            return _jpeg_size(data)
        if kind == "webp":
            return _webp_size(data)
    except struct.error:
        return None
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    at = 2
    while at + 9 < len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:
            at += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return int(width), int(height)
        at += 2 + length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X":
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    if chunk == b"VP8L":
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 ":
        width, height = struct.unpack("<HH", data[26:30])
        return int(width) & 0x3FFF, int(height) & 0x3FFF
    return None


def _office_problem(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return "file.type"
    if any(e.filename.lower().endswith("vbaproject.bin") for e in entries):
        return "file.active"
    if sum(e.file_size for e in entries) > MAX_UNZIPPED:
        return "file.active"  # a zip bomb
    return None
