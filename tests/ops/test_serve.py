"""`khidma serve` and `khidma db` as an operator runs them: real gunicorn processes, a
real Redis, requests over TCP."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path
from typing import Any

import requests

from tests.servers import Redis
from tests.servers import khidma
from tests.servers import production_env
from tests.servers import running
from tests.servers import serve
from tests.servers import wait_until

INQUIRY = "/inquiry?service=emirate_visit&number=7&year=1447"
LIMITED = "Retry-After"


def _migrated_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = production_env(tmp_path, **extra)
    done = khidma("db", "upgrade", env=env)
    assert done.returncode == 0, done.stderr
    return env


def test_db_upgrade_then_status(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    before = khidma("db", "status", env=env)
    assert before.returncode == 1
    assert "pending" in before.stdout
    first = khidma("db", "upgrade", env=env)
    assert first.returncode == 0, first.stderr
    assert "applied" in first.stdout
    again = khidma("db", "upgrade", env=env)
    assert "already up to date" in again.stdout
    assert khidma("db", "status", env=env).stdout.strip() == "up to date"


def test_serve_refuses_an_unmigrated_database_and_says_what_to_run(tmp_path: Path) -> None:
    done = khidma("serve", "--bind", "127.0.0.1:1", env=production_env(tmp_path))
    assert done.returncode == 1
    assert "not up to date" in done.stderr
    assert "Run `khidma db upgrade` first." in done.stderr


def test_the_wsgi_module_refuses_an_unmigrated_database_too(tmp_path: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", "import khidma.wsgi"],
        env={**__import__("os").environ, **production_env(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "Run `khidma db upgrade` first." in done.stderr


def test_demo_accounts_are_refused_outside_development(tmp_path: Path) -> None:
    done = khidma(
        "run",
        "--demo",
        "--port",
        "1",
        "--instance",
        str(tmp_path / "i"),
        env=production_env(tmp_path),
    )
    assert done.returncode == 1
    assert "development mode only" in done.stderr


def _lookups(url: str, count: int) -> list[requests.Response]:
    # A new connection each time, as separate visitors from one address would make.
    return [
        requests.get(url + INQUIRY, timeout=10, headers={"Connection": "close"})
        for _ in range(count)
    ]


def _pids(log: str) -> set[int]:
    pids = set()
    for line in log.splitlines():
        if line.startswith("{") and '"/inquiry"' in line:
            pids.add(json.loads(line)["pid"])
    return pids


def test_rate_limits_hold_across_workers_and_a_restart_with_redis(tmp_path: Path) -> None:
    redis = Redis(tmp_path)
    redis.start()
    try:
        env = _migrated_env(tmp_path, KHIDMA_REDIS_URL=redis.url)
        with running(serve(tmp_path, env, name="first")) as first:
            answers = _lookups(first.url, 6)
            pids = _pids(first.output())
        assert all(LIMITED not in a.headers for a in answers)
        with running(serve(tmp_path, env, name="second")) as second:
            answers = _lookups(second.url, 5)
            pids |= _pids(second.output())
        # The allowance (10 per 15 minutes per address) is spent across four processes.
        assert [LIMITED in a.headers for a in answers] == [False] * 4 + [True]
        assert len(pids) >= 2  # two server runs: different worker processes served
        assert answers[-1].status_code == 429
        assert "أجريت عددًا كبيرًا من الاستعلامات" in answers[-1].text
    finally:
        redis.stop()


def test_without_redis_each_process_counts_alone(tmp_path: Path) -> None:
    env = _migrated_env(tmp_path)
    with running(serve(tmp_path, env, workers=1, name="one")) as one:
        assert all(LIMITED not in a.headers for a in _lookups(one.url, 10))
    with running(serve(tmp_path, env, workers=1, name="two")) as two:
        # A restart forgot the counts: this is why several processes need Redis.
        assert LIMITED not in _lookups(two.url, 1)[0].headers


def test_readyz_fails_while_redis_is_down_and_recovers(tmp_path: Path) -> None:
    redis = Redis(tmp_path)
    redis.start()
    try:
        env = _migrated_env(tmp_path, KHIDMA_REDIS_URL=redis.url)
        with running(serve(tmp_path, env)) as server:
            assert requests.get(server.url + "/readyz", timeout=5).status_code == 200
            redis.stop()
            down = requests.get(server.url + "/readyz", timeout=5)
            assert down.status_code == 503
            assert down.json()["checks"]["redis"]["ok"] is False
            assert requests.get(server.url + "/healthz", timeout=5).status_code == 200
            redis.start()
            wait_until(
                lambda: requests.get(server.url + "/readyz", timeout=5).status_code == 200,
                "/readyz ready again after Redis came back",
            )
    finally:
        redis.stop()


def test_slow_uploads_do_not_starve_the_site(tmp_path: Path) -> None:
    env = _migrated_env(tmp_path)
    with running(serve(tmp_path, env, extra=("--client-timeout", "3"))) as server:
        slow = []
        for _ in range(8):
            s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            s.sendall(
                b"POST /auth/sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: 1000000\r\n\r\nusername="
            )
            slow.append(s)
        try:
            # Eight clients are stuck half-way through their bodies; others are served.
            for path in ("/healthz", "/", "/services/emirate_visit"):
                assert requests.get(server.url + path, timeout=10).status_code == 200
            # A client that stays silent longer than --client-timeout is cut off.
            cut = threading.Event()

            def read_until_closed(sock: socket.socket) -> None:
                try:
                    while sock.recv(4096):
                        pass
                except OSError:
                    pass
                cut.set()

            threading.Thread(target=read_until_closed, args=(slow[0],), daemon=True).start()
            assert cut.wait(timeout=30), "a silent client was never cut off"
        finally:
            for s in slow:
                s.close()


def test_the_master_compiles_every_template_before_the_workers_fork(app: Any) -> None:
    from khidma.serve import warm

    env = app.jinja_env
    pages = env.list_templates(filter_func=lambda name: name.endswith((".html", ".txt")))
    env.cache.clear()
    warm(app)
    loaded = {name for (_loader, name) in env.cache}
    assert set(pages) <= loaded
    assert "wizard/step.html" in loaded and "wizard/fields/input.html" in loaded
