"""The documented topology (docs/deployment.md), started as processes: `khidma serve` with
two workers and `khidma worker`, on PostgreSQL, Redis and an S3-compatible store, with the
national SSO (a local OpenID Connect issuer) and the SMS gateway (the simulator) outside.

A citizen signs in through the SSO, fills emirate_visit over HTTP (uploads go to S3) and
submits; the worker delivers the submission SMS to the gateway. Rate limits hold across the
two workers and a restart; `/readyz` fails while Redis is stopped and recovers after.

The proxy in front terminates TLS: the test plays it, sending `X-Forwarded-Proto: https`
(`KHIDMA_TRUSTED_PROXIES=1`) and keeping the session cookie, which is `Secure`, over the
plain loopback connection.
"""

from __future__ import annotations

import hashlib
import html
import io
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

import boto3
import pytest
import requests
from PIL import Image
from sqlalchemy import make_url

from khidma.definitions.loader import load
from khidma.delivery.sms_simulator import SimulatorServer
from khidma.delivery.sms_simulator import SmsSimulator
from tests.drivers import valid_input
from tests.identity.oidc_issuer import CLIENT_ID
from tests.identity.oidc_issuer import CLIENT_SECRET
from tests.identity.oidc_issuer import Issuer
from tests.identity.test_sso import PERSON
from tests.ops.test_serve import LIMITED
from tests.ops.test_serve import _lookups
from tests.ops.test_serve import _pids
from tests.servers import BIN
from tests.servers import ROOT
from tests.servers import Redis
from tests.servers import S3Server
from tests.servers import khidma
from tests.servers import production_env
from tests.servers import running
from tests.servers import serve
from tests.servers import start
from tests.servers import wait_until

pytestmark = pytest.mark.skipif(
    not os.environ.get("KHIDMA_TEST_DATABASE_URL"),
    reason="KHIDMA_TEST_DATABASE_URL not set: the deployment topology test needs PostgreSQL",
)

SMS_KEY = "topology-sms-key-" + "q" * 16
SENDER = "Khidma"
BUCKET = "khidma-topology"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (20, 110, 70)).save(out, "PNG")
    return out.getvalue()


PNG = _png()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A database of its own on the test PostgreSQL server, dropped afterwards."""
    import psycopg

    base = make_url(os.environ["KHIDMA_TEST_DATABASE_URL"])
    name = f"khidma_topology_{secrets.token_hex(4)}"
    admin = base.set(drivername="postgresql", database="postgres")
    conninfo = admin.render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Proxy:
    """The TLS-terminating proxy, as a requests session: every request says it came over
    https, and the `Secure` session cookie is kept although the hop is plain HTTP."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()
        self.http.headers["X-Forwarded-Proto"] = "https"
        # a browser names the page a form was posted from (CSRF checks it over https)
        self.http.headers["Referer"] = f"https://{urlsplit(base).netloc}/"

    def _keep_cookies(self, response: requests.Response) -> requests.Response:
        for cookie in self.http.cookies:
            cookie.secure = False
        return response

    def plain(self, url: str) -> str:
        """The app's https URL as the loopback URL the test reaches it on."""
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != urlsplit(self.base).netloc:
            return url
        return urlunsplit(("http", urlsplit(self.base).netloc, parts.path, parts.query, ""))

    def _url(self, path: str) -> str:
        return self.plain(self.base + path if path.startswith("/") else path)

    def get(self, path: str, **options: Any) -> requests.Response:
        return self._keep_cookies(self.http.get(self._url(path), timeout=30, **options))

    def post(self, path: str, **options: Any) -> requests.Response:
        sent = self.http.post(self._url(path), timeout=30, allow_redirects=False, **options)
        return self._keep_cookies(sent)

    def csrf(self, page: requests.Response) -> str:
        found = CSRF.search(page.text)
        assert found, f"no CSRF token on {page.url}"
        return html.unescape(found.group(1))


def sign_in_through_sso(proxy: Proxy) -> None:
    to_issuer = proxy.get("/auth/sso?next=/services/emirate_visit", allow_redirects=False)
    assert to_issuer.status_code == 302, to_issuer.text[:300]
    back = requests.get(to_issuer.headers["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text
    signed_in = proxy.get(back.headers["Location"], allow_redirects=False)
    assert signed_in.status_code == 303, signed_in.text[:500]


def submit_emirate_visit(proxy: Proxy) -> str:
    """Fill every step as a browser without JavaScript would; the reference number."""
    (definition,) = [d for d in load([ROOT / "services.d"]).services if d.id == "emirate_visit"]
    card = proxy.get("/services/emirate_visit")
    started = proxy.post("/services/emirate_visit/start", data={"csrf_token": proxy.csrf(card)})
    assert started.status_code == 302, started.text[:500]
    url = started.headers["Location"]
    answers: dict[str, Any] = {}
    for _ in range(8):
        page = proxy.get(url)
        assert page.status_code == 200, page.text[:500]
        page_id = urlsplit(page.url).path.rstrip("/").rsplit("/", 1)[1]
        if page_id == "_review":
            break
        data = valid_input(definition, definition.step(page_id), answers)
        files = {k: (f"{k}.png", PNG, "image/png") for k, v in data.items() if isinstance(v, bytes)}
        form = {k: v for k, v in data.items() if not isinstance(v, bytes)}
        form.update(action="next", csrf_token=proxy.csrf(page))
        moved = proxy.post(page.url, data=form, files=files or None)
        assert moved.status_code == 302, (page_id, moved.text[:800])
        answers.update(form)
        url = moved.headers["Location"].split("#")[0]
    review = proxy.get(url)
    token = urlsplit(review.url).path.split("/")[2]
    declarations = [d.id for d in definition.declarations]
    done = proxy.post(
        f"/drafts/{token}/submit",
        data={"declaration": declarations, "csrf_token": proxy.csrf(review)},
    )
    assert done.status_code == 302, done.text[:800]
    confirmation = proxy.get(done.headers["Location"])
    reference = re.search(r'class="reference"[^>]*><strong>([^<]+)</strong>', confirmation.text)
    assert reference, confirmation.text[:800]
    return reference.group(1)


def test_the_reference_topology(tmp_path: Path, pg_url: str) -> None:
    redis = Redis(tmp_path)
    redis.start()
    s3 = S3Server(tmp_path)
    client = boto3.client(
        "s3",
        endpoint_url=s3.url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=BUCKET)
    sms = SimulatorServer(SmsSimulator(SMS_KEY, [SENDER])).start()
    issuer = Issuer(dict(PERSON)).start()
    worker = None
    try:
        env = production_env(
            tmp_path,
            KHIDMA_DATABASE_URL=pg_url,
            KHIDMA_REDIS_URL=redis.url,
            KHIDMA_BLOB_URL=f"s3://{BUCKET}/blobs",
            KHIDMA_S3_ENDPOINT_URL=s3.url,
            KHIDMA_S3_REGION="us-east-1",
            KHIDMA_TRUSTED_PROXIES="1",
            KHIDMA_OIDC_ISSUER=issuer.url,
            KHIDMA_OIDC_CLIENT_ID=CLIENT_ID,
            KHIDMA_OIDC_CLIENT_SECRET=CLIENT_SECRET,
            KHIDMA_SMS_URL=sms.url,
            KHIDMA_SMS_API_KEY=SMS_KEY,
            KHIDMA_SMS_SENDER=SENDER,
            KHIDMA_DELIVERY_POLL_SECONDS="1",
            **s3.env(),
        )
        upgraded = khidma("db", "upgrade", env=env)
        assert upgraded.returncode == 0, upgraded.stderr
        worker = start(
            [str(BIN / "khidma"), "worker", "--instance", str(tmp_path / "instance")],
            env={**env, "PYTHONUNBUFFERED": "1"},
            log=tmp_path / "worker.log",
            port=0,
        )
        with running(serve(tmp_path, env, workers=2, name="first")) as first:
            ready = requests.get(first.url + "/readyz", timeout=10)
            assert ready.status_code == 200, ready.text
            assert set(ready.json()["checks"]) >= {"database", "blobs", "redis"}

            # a journey end to end, its notification delivered by the worker
            proxy = Proxy(first.url)
            sign_in_through_sso(proxy)
            reference = submit_emirate_visit(proxy)
            wait_until(
                lambda: any(reference in m.body for m in sms.simulator.messages()),
                f"the SMS of {reference} delivered to the gateway",
            )
            stored = client.list_objects_v2(Bucket=BUCKET, Prefix="blobs/")
            # the letter and the ID copy: one picture, one content-addressed object in S3
            keys = [o["Key"] for o in stored.get("Contents", [])]
            assert any(hashlib.sha256(PNG).hexdigest() in key for key in keys), keys

            # /readyz follows Redis
            redis.stop()
            down = requests.get(first.url + "/readyz", timeout=10)
            assert down.status_code == 503 and down.json()["checks"]["redis"]["ok"] is False
            redis.start()
            wait_until(
                lambda: requests.get(first.url + "/readyz", timeout=10).status_code == 200,
                "/readyz ready again after Redis came back",
            )

            # rate limits are shared by both workers (10 look-ups per 15 minutes per
            # address; each on a new connection, as separate visitors would make)...
            looked = _lookups(first.url, 6)
            assert all(LIMITED not in r.headers for r in looked)
            pids = _pids(first.output())
        # ... and outlive the app servers' restart
        with running(serve(tmp_path, env, workers=2, name="second")) as second:
            spent = _lookups(second.url, 5)
            assert [LIMITED in r.headers for r in spent] == [False] * 4 + [True]
            assert spent[-1].status_code == 429
            pids |= _pids(second.output())
        assert len(pids) >= 2  # counted by different worker processes (which one answers
        # a connection is the kernel's choice)
    finally:
        if worker is not None:
            worker.stop()
        issuer.stop()
        sms.stop()
        s3.stop()
        redis.stop()
