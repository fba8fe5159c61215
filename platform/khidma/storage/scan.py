"""The virus-scan hook: every upload passes `VirusScanner.scan` before it is stored.

`ClamdScanner` speaks clamd's INSTREAM protocol (TCP `host:port`, or a Unix socket path),
configured by `KHIDMA_CLAMD_ADDRESS` (and `KHIDMA_CLAMD_TIMEOUT`, seconds, default 30):

    zINSTREAM\\0  then chunks: <4-byte big-endian length><bytes>…  then <0000>
    answer: "stream: OK\\0" | "stream: <signature> FOUND\\0" | "… ERROR\\0"

A scanner that cannot answer refuses the upload ("could not be checked, try again"):
failing open would let anything through while clamd is down. Without the setting there
is no scanner and uploads are not scanned (development); tests put a faithful
clamd-protocol double on a local port.
"""

from __future__ import annotations

import enum
import logging
import socket
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import Protocol

log = logging.getLogger(__name__)

CHUNK = 64 * 1024


class Verdict(enum.StrEnum):
    CLEAN = "clean"
    INFECTED = "infected"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class ScanResult:
    verdict: Verdict
    signature: str | None = None


class VirusScanner(Protocol):
    def scan(self, data: bytes) -> ScanResult: ...


class ClamdScanner:
    def __init__(self, address: str, timeout: float = 30.0) -> None:
        self.address, self.timeout = address, timeout

    def _connect(self) -> socket.socket:
        if self.address.startswith("/"):
            unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            unix.settimeout(self.timeout)
            unix.connect(self.address)
            return unix
        host, _, port = self.address.rpartition(":")
        return socket.create_connection((host or "127.0.0.1", int(port)), self.timeout)

    def scan(self, data: bytes) -> ScanResult:
        try:
            with self._connect() as conn:
                conn.sendall(b"zINSTREAM\0")
                for at in range(0, len(data), CHUNK):
                    piece = data[at : at + CHUNK]
                    conn.sendall(struct.pack(">I", len(piece)) + piece)
                conn.sendall(struct.pack(">I", 0))
                answer = b""
                while not answer.endswith(b"\0"):
                    more = conn.recv(4096)
                    if not more:
                        break
                    answer += more
        except (OSError, ValueError) as error:
            log.warning("virus scan unavailable: %s", error)
            return ScanResult(Verdict.UNAVAILABLE)
        text = answer.rstrip(b"\0").decode("utf-8", "replace").strip()
        if text.endswith(" OK"):
            return ScanResult(Verdict.CLEAN)
        if text.endswith(" FOUND"):
            signature = text.removeprefix("stream:").removesuffix("FOUND").strip()
            log.warning("upload refused: virus scan found %s", signature)
            return ScanResult(Verdict.INFECTED, signature)
        log.warning("virus scan answered %r", text[:200])
        return ScanResult(Verdict.UNAVAILABLE)


def build_scanner(config: Mapping[str, Any]) -> VirusScanner | None:
    from khidma.identity.settings import setting

    address = setting(config, "CLAMD_ADDRESS")
    if not address:
        return None
    return ClamdScanner(str(address), float(setting(config, "CLAMD_TIMEOUT", 30.0)))
