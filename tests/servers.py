"""Real servers for the deployment tests, each a separate process on a free local port:
`khidma serve` (gunicorn), a private Redis (so a test may stop and start it), and an
S3-compatible server (moto's server mode). And `InThread`, a WSGI app served by a thread
of the test's own process (the browser tests' live app, the payment tests' platform,
the stand-in OIDC issuer)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from typing import Self

import pytest
import requests
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(check: object, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    last: BaseException | None = None
    while time.monotonic() < deadline:
        try:
            if check():  # type: ignore[operator]
                return
        except Exception as exc:
            last = exc
        time.sleep(0.1)
    raise AssertionError(f"{what} did not happen within {timeout:g} s (last error: {last!r})")


class InThread:
    """`wsgi` served on a free port of 127.0.0.1 by a thread of this process, from `start()`
    (or entering a `with`) to `stop()`: for an app a test calls over HTTP and whose state
    it reads or changes directly."""

    def __init__(self, wsgi: Any) -> None:
        self.server = make_server("127.0.0.1", 0, wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> Self:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)
        self.server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class Process:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(args: list[str], *, env: Mapping[str, str], log: Path, port: int) -> Process:
    stream = log.open("wb")
    process = subprocess.Popen(
        args, env={**os.environ, **env}, stdout=stream, stderr=subprocess.STDOUT, cwd=ROOT
    )
    stream.close()
    return Process(process, port, log)


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Settings of a production instance on a SQLite file in `tmp_path`."""
    return {
        "KHIDMA_DEV": "0",
        "KHIDMA_SECRET_KEY": "deploy-tests-0123456789-abcdefghijklmnopqrstuvwxyz",
        "KHIDMA_SERVICES_DIR": str(ROOT / "services.d"),
        "KHIDMA_DATABASE_URL": f"sqlite:///{tmp_path / 'khidma.sqlite3'}",
        "KHIDMA_BLOB_DIR": str(tmp_path / "blobs"),
        **extra,
    }


def khidma(*args: str, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "khidma"), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def serve(
    tmp_path: Path,
    env: Mapping[str, str],
    *,
    workers: int = 2,
    name: str = "serve",
    extra: tuple[str, ...] = (),
) -> Process:
    port = free_port()
    server = start(
        [
            str(BIN / "khidma"),
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--instance",
            str(tmp_path / "instance"),
            *extra,
        ],
        env=env,
        log=tmp_path / f"{name}-{port}.log",
        port=port,
    )

    def up() -> bool:
        if server.process.poll() is not None:
            raise AssertionError(f"khidma serve exited:\n{server.output()}")
        return requests.get(f"{server.url}/healthz", timeout=2).status_code == 200

    wait_until(up, "khidma serve answering /healthz", timeout=60)
    return server


@contextlib.contextmanager
def running(server: Process) -> Iterator[Process]:
    try:
        yield server
    finally:
        server.stop()


class Redis:
    """A private redis-server: a test may stop it and start it again on the same port."""

    def __init__(self, tmp_path: Path) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            pytest.skip("redis-server is not installed: Redis deployment tests skipped")
        self.executable = executable
        self.port = free_port()
        self.dir = tmp_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.executable,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def up() -> bool:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")

        wait_until(up, "redis-server answering PING")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


class S3Server:
    """moto's S3-compatible server, in a process of its own."""

    def __init__(self, tmp_path: Path) -> None:
        self.port = free_port()
        self.process = start(
            [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)],
            env={},
            log=tmp_path / "moto.log",
            port=self.port,
        )
        wait_until(
            lambda: requests.get(f"{self.url}/moto-api/", timeout=2).status_code < 500,
            "moto_server answering",
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        return {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
        }

    def stop(self) -> None:
        self.process.stop()
