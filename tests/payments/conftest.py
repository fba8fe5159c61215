"""Payment fixtures: the real app on a real port (SQLite file, or PostgreSQL in a schema
of its own), the simulated provider as its own WSGI server on another port, a signed-in
citizen, and requests seeded straight into storage in the status that waits for payment.

The simulator holds its ordinary notifications until `sim.flush()` (notify_delay=None),
so each test decides when "the provider's notification arrives"; the "before the payer
returns" and "twice" options are sent by the simulator during the hosted-page POST.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import shutil
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import URL
from sqlalchemy import func
from sqlalchemy import select

from khidma.app import create_app
from khidma.definitions.snapshot import snapshot
from khidma.payments.service import PaymentService
from khidma.payments.simulator import Provider
from khidma.payments.simulator import RunningSimulator
from khidma.payments.simulator import serve_in_thread
from khidma.storage.models import OutboxMessage
from khidma.storage.models import Role
from khidma.storage.models import Submission
from khidma.storage.models import User
from khidma.storage.payment_models import Payment
from khidma.storage.snapshots import save_definition
from tests.browser import static_read_whole
from tests.servers import InThread

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
API_KEY = "test-api-key-" + "k" * 20
SECRET = "test-webhook-secret-" + "s" * 20
BILLER = "901"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PAYMENT_EVENTS = ("payment_received", "payment_failed", "payment_due", "payment_refunded")


@pytest.fixture
def sim() -> Iterator[RunningSimulator]:
    running = serve_in_thread(Provider(API_KEY, SECRET, notify_delay=None))
    yield running
    running.stop()


@pytest.fixture
def services_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "services.d"
    folder.mkdir()
    shutil.copy(ROOT / "services.d" / "mumaris_renewal.yaml", folder)
    shutil.copy(FIXTURES / "building_fee.yaml", folder)
    return folder


class _Dispatch:
    """A WSGI app whose target is set after the server has its port."""

    target: Any = None

    def __call__(self, environ: Any, start_response: Any) -> Any:
        return self.target(environ, start_response)


@dataclass
class Platform:
    app: Flask
    url: str

    @property
    def service(self) -> PaymentService:
        service = self.app.extensions["khidma.payments"]
        assert isinstance(service, PaymentService)
        return service

    def db(self) -> Any:
        return self.app.extensions["khidma.db"]


@pytest.fixture
def make_platform(
    database_url: URL,
    services_dir: Path,
    tmp_path: Path,
    sim: RunningSimulator,
) -> Iterator[Callable[..., Platform]]:
    made: list[tuple[InThread, Flask]] = []
    counter = itertools.count()

    def make(**config: Any) -> Platform:
        dispatch = _Dispatch()
        server = InThread(static_read_whole(dispatch))
        url = server.url
        settings = {
            "DEV": True,
            "SERVICES_DIR": str(services_dir),
            "SECRET_KEY": "payments-tests-" + "q" * 40,
            "DATABASE_URL": database_url.render_as_string(hide_password=False),
            "PAYMENT_URL": sim.url,
            "PAYMENT_API_KEY": API_KEY,
            "PAYMENT_WEBHOOK_SECRET": SECRET,
            "SADAD_BILLER_CODE": BILLER,
            "PUBLIC_URL": url,
            **config,
        }
        app = create_app(settings, instance_path=tmp_path / f"instance-{next(counter)}")
        app.config["TESTING"] = True
        app.extensions["khidma.db"].upgrade()
        dispatch.target = app
        server.start()
        made.append((server, app))
        return Platform(app, url)

    yield make
    for server, app in made:
        server.stop()
        app.extensions["khidma.db"].dispose()


@pytest.fixture
def platform(make_platform: Callable[..., Platform]) -> Platform:
    return make_platform()


# --------------------------------------------------------------------------- people


class Person:
    """A browser stand-in: the Flask test client with the CSRF token of each page."""

    def __init__(self, platform: Platform, persona: str) -> None:
        self.platform = platform
        self.client: FlaskClient = platform.app.test_client()
        page = self.client.get("/auth/dev-sso")
        response = self.client.post(
            "/auth/dev-sso", data={"persona": persona, "csrf_token": self.token(page)}
        )
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        with platform.db().session() as session:
            uid = self._uid()
            self.user = session.get_one(User, uid)

    def _uid(self) -> int:
        with self.client.session_transaction() as flask_session:
            return int(flask_session["uid"])

    @staticmethod
    def token(response: Any) -> str:
        found = CSRF.search(response.get_data(as_text=True))
        assert found, "no CSRF token on the page"
        return found.group(1)

    def post_form(self, page: str, action: str, data: dict[str, str]) -> Any:
        """GET `page`, then POST `data` with its CSRF token to `action`."""
        token = self.token(self.client.get(page))
        return self.client.post(action, data={**data, "csrf_token": token})

    def pay(self, submission: Submission, method: str) -> Any:
        page = f"/account/requests/{submission.token}/pay"
        return self.post_form(page, page, {"method": method})

    def get(self, url: str) -> Any:
        """Follow a URL the provider sent the browser to (our own origin only)."""
        parts = urlsplit(url)
        return self.client.get(parts.path + (f"?{parts.query}" if parts.query else ""))


@pytest.fixture
def citizen(platform: Platform) -> Person:
    return Person(platform, "citizen")


def seed_request(
    platform: Platform,
    user: User,
    *,
    service_id: str = "mumaris_renewal",
    status: str = "approved",
    answers: dict[str, Any] | None = None,
) -> Submission:
    """A request stored as if submitted and then approved by staff."""
    definition = platform.app.extensions["khidma.registry"].get(service_id)
    with platform.db().session(write=True) as session:
        save_definition(session, definition, snapshot(definition))
        seq = (
            session.scalar(
                select(func.max(Submission.reference_seq)).where(
                    Submission.service_id == service_id
                )
            )
            or 0
        ) + 1
        submission = Submission(
            service_id=service_id,
            definition_version=definition.version,
            definition_hash=definition.hash,
            reference_seq=seq,
            hijri_year=1447,
            reference=f"{seq}/1447",
            status=status,
            user_id=user.id,
            answers=answers
            if answers is not None
            else {
                "email": "practitioner@example.sa",
                "mobile": "+966501234567",
            },
            applicant_name=user.name_ar,
            submitted_at=dt.datetime.now(dt.UTC),
        )
        session.add(submission)
    return submission


# --------------------------------------------------------------------------- the provider


def hosted_decision(
    url: str, outcome: str = "success", notify: str = "normal", late_success: bool = False
) -> str:
    """What the payer does on the provider's hosted page; returns where the provider
    sends the browser back to."""
    assert requests.get(url, timeout=10).status_code == 200
    data = {"outcome": outcome, "notify": notify}
    if late_success:
        data["late_success"] = "1"
    response = requests.post(url, data=data, allow_redirects=False, timeout=10)
    assert response.status_code == 303, response.text[:300]
    return str(response.headers["Location"])


def choose_sadad(page: Any) -> str:
    """On the pay page in the browser: pay by SADAD; the number of the bill it shows (with
    our biller code beside it)."""
    page.locator("#method-sadad").check()
    page.locator("#pay").click()
    page.wait_for_url(re.compile(r".*/pay#bill$"))
    bill = str(page.locator(".bill-number").inner_text()).strip()
    assert re.fullmatch(r"\d{12}", bill)
    assert page.locator(".biller-code").inner_text().strip() == BILLER
    return bill


def flush(sim: RunningSimulator) -> int:
    response = requests.post(f"{sim.url}/_sim/flush", timeout=30)
    return int(response.json()["delivered"])


def provider_payments(sim: RunningSimulator) -> list[dict[str, Any]]:
    return list(requests.get(f"{sim.url}/_sim/payments", timeout=10).json())


# --------------------------------------------------------------------------- what was recorded


def payments_of(platform: Platform, submission: Submission) -> list[Payment]:
    with platform.db().session() as session:
        return list(
            session.scalars(
                select(Payment).where(Payment.submission_id == submission.id).order_by(Payment.id)
            )
        )


def messages(
    platform: Platform, submission: Submission, *, live: bool = True
) -> list[OutboxMessage]:
    """The payment messages queued for the citizen (`live`: not withdrawn)."""
    with platform.db().session() as session:
        rows = list(
            session.scalars(
                select(OutboxMessage)
                .where(
                    OutboxMessage.submission_id == submission.id,
                    OutboxMessage.event.in_(PAYMENT_EVENTS),
                )
                .order_by(OutboxMessage.id)
            )
        )
    if live:
        rows = [m for m in rows if not (m.last_error or "").startswith("withdrawn")]
    return rows


def status_of(platform: Platform, submission: Submission) -> str:
    with platform.db().session() as session:
        return str(session.get_one(Submission, submission.id).status)


def staff_user(platform: Platform, person: Person) -> User:
    assert person.user.role is Role.STAFF
    return person.user
