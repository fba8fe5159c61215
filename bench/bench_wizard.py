"""Benchmark: a wizard step under gunicorn, side by side with the hand-written page.

Run by hand (needs `wrk`, Debian package `wrk`):

    python bench/bench_wizard.py [--connections 32] [--duration 20] [--workers 2]

Starts, one after the other on the same machine, `khidma serve` (emirate_visit's first
step, a signed-in citizen's draft, SQLite) and the same page written by hand with Flask +
Flask-WTF (`bench/handwritten.py`, under the same gunicorn settings), then drives each
with wrk: a GET of the step, and a valid POST of it (which saves and redirects), each
after a few seconds of the same load that are not measured (`--warmup`).
Prints requests/s, latency percentiles and errors for each, and the ratio
Khidma / hand-written. Paste the table into docs/performance.md.

`--before DIR` also runs Khidma from another source tree (e.g. `git archive` of an older
commit unpacked in DIR) in the same run, so a change is measured side by side with what it
replaces under the same machine load:

    git archive BASE | tar -x -C /tmp/before
    python bench/bench_wizard.py --before /tmp/before
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

ANSWERS = {
    "applicant_type": "individual",
    "full_name": "سالم أحمد محمد الحربي",
    "mobile": "0501234567",
    "email": "salem@example.com",
    "governorate": "najran",
}
Rows = list[tuple[str, str, dict[str, float]]]  # (who, GET or POST, wrk's numbers)
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait(url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        try:
            if requests.get(url, timeout=1).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{url} never answered")


def khidma_draft(instance: Path) -> tuple[str, str, str]:
    """Sign a citizen in through the development SSO and start an emirate_visit draft:
    (step path, session cookie, CSRF token)."""
    os.environ["KHIDMA_DEV"] = "1"
    from khidma.app import create_app

    app = create_app({"SERVICES_DIR": str(ROOT / "services.d")}, instance_path=instance)
    app.extensions["khidma.db"].upgrade()
    client = app.test_client()
    page = client.get("/auth/dev-sso").get_data(as_text=True)
    token = _CSRF.search(page).group(1)  # type: ignore[union-attr]
    client.post("/auth/dev-sso", data={"persona": "citizen", "csrf_token": token})
    card = client.get("/services/emirate_visit").get_data(as_text=True)
    token = _CSRF.search(card).group(1)  # type: ignore[union-attr]
    started = client.post("/services/emirate_visit/start", data={"csrf_token": token})
    path = started.headers["Location"]
    step = client.get(path, follow_redirects=True)
    path = step.request.path
    token = _CSRF.search(step.get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    cookie = client.get_cookie("khidma_session")
    assert cookie is not None
    app.extensions["khidma.db"].dispose()
    return path, f"khidma_session={cookie.value}", token


def tree_env(tree: Path | None) -> dict[str, str]:
    """The environment that imports `khidma` from `tree` (a source checkout) instead of
    this one: its `platform/` first on the path, with its renderer beside the package."""
    if tree is None:
        return {}
    link = tree / "platform" / "khidma" / "renderer"
    if not link.exists():
        link.symlink_to(tree / "renderer", target_is_directory=True)
    return {"PYTHONPATH": str(tree / "platform")}


def prepared_draft(instance: Path, tree: Path | None) -> tuple[str, str, str]:
    """`khidma_draft` run by the code of `tree` (in its own process)."""
    out = subprocess.run(
        [sys.executable, __file__, "--draft", str(instance)],
        env={**os.environ, **tree_env(tree)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path, cookie, token = json.loads(out.splitlines()[-1])
    return str(path), str(cookie), str(token)


def baseline_draft(url: str) -> tuple[str, str, str]:
    with requests.Session() as s:
        page = s.get(url + "/drafts/bench/applicant", timeout=5)
        token = _CSRF.search(page.text).group(1)  # type: ignore[union-attr]
        cookie = "; ".join(f"{c.name}={c.value}" for c in s.cookies)
    return "/drafts/bench/applicant", cookie, token


def wrk(
    url: str,
    cookie: str,
    *,
    body: str | None,
    connections: int,
    duration: int,
    folder: Path,
    warmup: int = 0,
) -> dict[str, float]:
    script = folder / "wrk.lua"
    lines = [f'wrk.headers["Cookie"] = "{cookie}"']
    if body is not None:
        lines += [
            'wrk.method = "POST"',
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"',
            f"wrk.body = {json.dumps(body)}",
        ]
    script.write_text("\n".join(lines) + "\n")
    if warmup:  # a start's first requests (template compiles, pools) are not measured
        subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{warmup}s", "-s", str(script), url],
            capture_output=True,
            check=True,
        )
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}  # type: ignore[union-attr]
    for pct in ("50", "90", "99"):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        assert m, out
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
        result[f"p{pct}"] = float(m.group(1)) * scale
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    result["errors"] = float(bad.group(1) if bad else 0) + (
        sum(int(x) for x in sock.groups()) if sock else 0
    )
    return result


def get_and_post(
    label: str, url: str, cookie: str, body: str, folder: Path, args: argparse.Namespace
) -> Rows:
    """wrk on the page at `url` of a running server: a GET of it, then a POST of `body`."""

    def measure(data: str | None) -> dict[str, float]:
        return wrk(
            url,
            cookie,
            body=data,
            connections=args.connections,
            duration=args.duration,
            folder=folder,
            warmup=args.warmup,
        )

    return [(label, "GET", measure(None)), (label, "POST", measure(body))]


def gunicorn_args(workers: int, threads: int) -> list[str]:
    return ["--workers", str(workers), "--threads", str(threads)]


def khidma_rows(label: str, tree: Path | None, folder: Path, args: argparse.Namespace) -> Rows:
    instance = folder / f"instance-{label}"
    path, cookie, token = prepared_draft(instance, tree)
    body = urlencode({**ANSWERS, "csrf_token": token})
    port = free_port()
    env = {
        **os.environ,
        **tree_env(tree),
        "KHIDMA_DEV": "1",
        "KHIDMA_SERVICES_DIR": str(ROOT / "services.d"),
        "KHIDMA_LOG_FORMAT": "json",
    }
    server = subprocess.Popen(
        [
            str(BIN / "khidma"),
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--instance",
            str(instance),
            *gunicorn_args(args.workers, args.threads),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait(url + "/healthz", server)
        check = requests.get(url + path, headers={"Cookie": cookie}, timeout=5)
        assert check.status_code == 200 and "csrf_token" in check.text, check.status_code
        return get_and_post(label, url + path, cookie, body, folder, args)
    finally:
        server.terminate()
        server.wait()


def handwritten_rows(folder: Path, args: argparse.Namespace) -> Rows:
    port = free_port()
    benv = {
        **os.environ,
        "BASELINE_DB": str(folder / "baseline.sqlite3"),
        "BASELINE_SECRET": "baseline-" + "q" * 40,
        "BASELINE_STATIC": str(ROOT / "renderer" / "static"),
        "PYTHONPATH": str(ROOT),
    }
    baseline = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "bench.handwritten:create()",
            "--bind",
            f"127.0.0.1:{port}",
            "--worker-class",
            "gthread",
            *gunicorn_args(args.workers, args.threads),
        ],
        env=benv,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait(url + "/static/css/khidma.css", baseline)
        bpath, bcookie, btoken = baseline_draft(url)
        bbody = urlencode({**ANSWERS, "csrf_token": btoken})
        return get_and_post("hand-written", url + bpath, bcookie, bbody, folder, args)
    finally:
        baseline.terminate()
        baseline.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--warmup", type=int, default=3, help="seconds of load not measured")
    parser.add_argument("--before", type=Path, help="also run Khidma from this source tree")
    parser.add_argument("--draft", type=Path, help=argparse.SUPPRESS)  # internal
    args = parser.parse_args()
    if args.draft is not None:  # prepare a draft with this process's khidma, print it
        print(json.dumps(khidma_draft(args.draft)))
        return
    rows: Rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.before is not None:
            rows += khidma_rows("Khidma before", args.before.resolve(), folder, args)
        rows += khidma_rows("Khidma", None, folder, args)
        rows += handwritten_rows(folder, args)

    print(
        f"workers {args.workers} × threads {args.threads}, {args.connections} connections, "
        f"{args.duration} s each after {args.warmup} s of warm-up, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    print("| page | request | req/s | p50 ms | p90 ms | p99 ms | errors | × hand-written |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    by = {(w, n): r for w, n, r in rows}
    for who, name, r in rows:
        ratio = r["rps"] / by[("hand-written", name)]["rps"]
        print(
            f"| {who} | {name} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p90']:.1f} | "
            f"{r['p99']:.1f} | {r['errors']:.0f} | {ratio:.2f}× |"
        )


if __name__ == "__main__":
    main()
