"""PDFs load nothing but the package's own static files: no network, no other file."""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from khidma.renderer import pdf
from khidma.renderer.pdf import STATIC_DIR
from khidma.renderer.pdf import PdfResourceRefused
from khidma.renderer.pdf import make_url_fetcher
from khidma.renderer.pdf import render_pdf
from khidma.renderer.pdf import static_path
from pdftext import pdf_text

REFUSED = [
    "http://example.com/logo.png",
    "https://example.com/style.css",
    "ftp://example.com/x",
    "file:///etc/passwd",
    "FILE:///etc/passwd",
    "data:text/plain,hello",
    "//example.com/x.png",
    "logo.png",
    "khidma-static:../../pyproject.toml",
    "khidma-static:fonts/../../pdf.py",
    "khidma-static:%2e%2e/pdf.py",
    "khidma-static:fonts/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
    "khidma-static:/etc/passwd",
    "khidma-static:fonts",  # a folder
    "khidma-static:fonts/missing.woff",
]


@pytest.mark.parametrize("url", REFUSED)
def test_refuses_anything_but_packaged_static_files(url: str) -> None:
    with pytest.raises(PdfResourceRefused):
        static_path(url)
    with pytest.raises(PdfResourceRefused):
        make_url_fetcher()(url)


def test_serves_a_packaged_font() -> None:
    path = static_path("khidma-static:fonts/IBMPlexSansArabic-Regular.woff")
    assert path == STATIC_DIR / "fonts" / "IBMPlexSansArabic-Regular.woff"
    response = make_url_fetcher()("khidma-static:fonts/IBMPlexSansArabic-Regular.woff?v=1#x")
    assert response.read()[:4] == b"wOFF"


def test_refuses_a_symlink_that_leaves_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    static = tmp_path / "static"
    static.mkdir()
    (static / "inside.css").write_text("p {}")
    (tmp_path / "secret.txt").write_text("secret")
    (static / "link.txt").symlink_to(tmp_path / "secret.txt")
    monkeypatch.setattr(pdf, "STATIC_DIR", static)
    assert static_path("khidma-static:inside.css") == (static / "inside.css").resolve()
    with pytest.raises(PdfResourceRefused):
        static_path("khidma-static:link.txt")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every attempt to reach the network, recorded and failed."""
    attempts: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(repr(args[:2]))
        raise OSError("network use in a PDF render")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse)
    return attempts


HOSTILE_HTML = """<!doctype html>
<html lang="en"><head><title>External</title>
<link rel="stylesheet" href="https://example.com/evil.css">
<link rel="attachment" href="file:///etc/passwd">
<style>
@import url("http://example.com/import.css");
@font-face { font-family: Evil; src: url(file:///usr/share/fonts/truetype/dejavu/DejaVuSans.ttf); }
body { background: url(file:///etc/passwd); }
</style></head>
<body>
<p>Before the image</p>
<img src="http://example.com/logo.png" alt="logo">
<img src="file:///etc/hostname" alt="host">
<object data="file:///etc/passwd"></object>
<a rel="attachment" href="file:///etc/passwd">passwd</a>
<p>After the image</p>
</body></html>"""


def test_external_resources_make_no_request_and_the_pdf_still_renders(
    no_network: list[str], weasyprint_warnings
) -> None:
    out = render_pdf(HOSTILE_HTML)
    assert out.startswith(b"%PDF-")
    text = pdf_text(out, rtl=False)
    assert "Before the image" in text and "After the image" in text
    assert b"root:x:0:0" not in out
    assert no_network == []
    # WeasyPrint logs each refusal and goes on without the resource.
    refused = "\n".join(weasyprint_warnings())
    for url in ("http://example.com/logo.png", "https://example.com/evil.css", "/etc/passwd"):
        assert url in refused


def test_importing_the_renderer_does_not_import_weasyprint() -> None:
    code = "import sys, khidma.renderer.pdf; print('weasyprint' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_renders_under_warnings_as_errors_with_or_without_harfbuzz_subset() -> None:
    # Without libharfbuzz-subset0 WeasyPrint's import warns; the renderer logs that
    # instead, so `-W error` (as in this suite) still renders.
    code = (
        "from khidma.renderer.pdf import render_pdf;print(render_pdf('<p>مرحبا</p>')[:5].decode())"
    )
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "%PDF-"
