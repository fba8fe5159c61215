"""A clamd test double: the INSTREAM protocol on a local TCP port, finding the EICAR test
string (what every antivirus reports as `Eicar-Test-Signature`). `down` makes it close
connections without answering, as a clamd that died mid-scan."""

from __future__ import annotations

import socketserver
import struct
import threading
from typing import Any

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        server: Any = self.server
        command = b""
        while not command.endswith(b"\0"):
            more = self.request.recv(1)
            if not more:
                return
            command += more
        if command != b"zINSTREAM\0":
            self.request.sendall(b"UNKNOWN COMMAND\0")
            return
        data = b""
        while True:
            (length,) = struct.unpack(">I", self._exactly(4))
            if length == 0:
                break
            data += self._exactly(length)
        server.scanned.append(len(data))
        if server.down:
            return
        answer = b"stream: Eicar-Test-Signature FOUND\0" if EICAR in data else b"stream: OK\0"
        self.request.sendall(answer)

    def _exactly(self, count: int) -> bytes:
        got = b""
        while len(got) < count:
            more = self.request.recv(count - len(got))
            if not more:
                raise ConnectionError("closed")
            got += more
        return got


class ClamdDouble(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.scanned: list[int] = []
        self.down = False
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> ClamdDouble:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.shutdown()
        self.server_close()
