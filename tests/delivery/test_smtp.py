"""E-mail over SMTP against a real SMTP server (aiosmtpd) the tests start: Arabic UTF-8
subjects and bodies, text + HTML, STARTTLS / implicit TLS with log-in, what a refusal
means for the message, and a server that is down for a while."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from pathlib import Path

import pytest
from aiosmtpd.smtp import AuthResult
from aiosmtpd.smtp import LoginPassword
from cryptography import x509
from cryptography.x509.oid import NameOID
from sqlalchemy import select

from khidma.delivery.dispatcher import RetryPolicy
from khidma.delivery.dispatcher import deliver_due
from khidma.delivery.senders import PermanentDeliveryError
from khidma.delivery.senders import TemporaryDeliveryError
from khidma.delivery.smtp import SmtpEmailSender
from khidma.delivery.smtp import SmtpSettings
from khidma.storage import Channel
from khidma.storage import Database
from khidma.storage import OutboxMessage
from khidma.storage.outbox import OutgoingMessage
from khidma.trust.signing import self_signed_pem
from tests.delivery.conftest import NOW
from tests.delivery.conftest import Clock
from tests.delivery.conftest import Mailbox
from tests.delivery.conftest import SmtpServer
from tests.delivery.conftest import free_port
from tests.delivery.conftest import queue_email

FROM = "منصة خدمة <no-reply@khidma.example.sa>"


def outgoing(**changes: object) -> OutgoingMessage:
    values: dict[str, object] = {
        "id": 7,
        "channel": Channel.EMAIL,
        "recipient": "citizen@example.sa",
        "subject": "تم استلام طلبك رقم 12/1448 | Request 12/1448 received",
        "body": "تم استلام طلبك رقم 12/1448.\nYour request 12/1448 was received.",
        "html": None,
        "attempt": 1,
        "created_at": NOW,
    }
    values.update(changes)
    return OutgoingMessage(**values)  # type: ignore[arg-type]


def sender_for(server: SmtpServer, **changes: object) -> SmtpEmailSender:
    settings: dict[str, object] = {
        "host": "127.0.0.1",
        "port": server.port,
        "mail_from": FROM,
        "timeout": 10.0,
    }
    settings.update(changes)
    context = changes.pop("ssl_context", None)
    settings.pop("ssl_context", None)
    return SmtpEmailSender(SmtpSettings(**settings), ssl_context=context)  # type: ignore[arg-type]


def test_arabic_subject_and_body_arrive_intact(smtp_server: SmtpServer) -> None:
    reference = sender_for(smtp_server).send(outgoing())
    [(mail_from, rcpt, email)] = smtp_server.mailbox.received
    assert mail_from == "no-reply@khidma.example.sa" and rcpt == ["citizen@example.sa"]
    assert email["Subject"] == "تم استلام طلبك رقم 12/1448 | Request 12/1448 received"
    assert email["From"].addresses[0].display_name == "منصة خدمة"
    assert email["Message-ID"] == reference == f"<{outgoing().key}@khidma.example.sa>"
    assert email["Auto-Submitted"] == "auto-generated"
    assert email.get_content_type() == "text/plain"
    assert email.get_content_charset() == "utf-8"
    # text travels in canonical form (CRLF line breaks, RFC 2045)
    assert email.get_content().replace("\r\n", "\n").rstrip("\n") == outgoing().body


def test_an_html_body_makes_a_multipart_alternative(smtp_server: SmtpServer) -> None:
    html = "<p dir='rtl'>تم استلام طلبك رقم <b>12/1448</b></p>"
    sender_for(smtp_server).send(outgoing(html=html))
    [email] = smtp_server.mailbox.messages()
    assert email.get_content_type() == "multipart/alternative"
    text, rich = email.iter_parts()
    assert text.get_content_type() == "text/plain" and "12/1448" in text.get_content()
    assert rich.get_content_type() == "text/html" and rich.get_content().strip() == html


def test_a_non_ascii_address_goes_out_with_smtputf8(smtp_server: SmtpServer) -> None:
    sender_for(smtp_server).send(outgoing(recipient="مواطن@example.sa"))
    [(_, rcpt, _)] = smtp_server.mailbox.received
    assert rcpt == ["مواطن@example.sa"]


def test_a_refused_recipient_is_permanent_a_busy_one_temporary(smtp_server: SmtpServer) -> None:
    smtp_server.mailbox.refuse["nobody@example.sa"] = "550 5.1.1 no such user"
    smtp_server.mailbox.refuse["full@example.sa"] = "452 4.2.2 mailbox full"
    sender = sender_for(smtp_server)
    with pytest.raises(PermanentDeliveryError, match=r"550 5\.1\.1 no such user"):
        sender.send(outgoing(recipient="nobody@example.sa"))
    with pytest.raises(TemporaryDeliveryError, match="452"):
        sender.send(outgoing(recipient="full@example.sa"))
    assert smtp_server.mailbox.received == []


def test_no_server_is_temporary() -> None:
    settings = SmtpSettings(host="127.0.0.1", port=free_port(), mail_from=FROM, timeout=5)
    with pytest.raises(TemporaryDeliveryError, match="ConnectionRefusedError"):
        SmtpEmailSender(settings).send(outgoing())


# -- TLS and log-in ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (the client trusts it explicitly)."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    address = x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
    key, cert = self_signed_pem(name, 2, [(address, False)])
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert)
    key_file.write_bytes(key)
    return cert_file, key_file


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


def client_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificate[0]))


def accept(username: str, password: str):  # type: ignore[no-untyped-def]
    def authenticator(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode(),
            auth_data.password.decode(),
        ) == (username, password)
        return AuthResult(success=ok, handled=False)

    return authenticator


def test_starttls_with_log_in(certificate: tuple[Path, Path]) -> None:
    server = SmtpServer(
        Mailbox(),
        tls_context=server_context(certificate),
        require_starttls=True,
        authenticator=accept("khidma", "s3cret-كلمة"),
        auth_required=True,
    ).start()

    def logging_in(password: str) -> SmtpEmailSender:
        return sender_for(
            server,
            security="starttls",
            username="khidma",
            password=password,
            ssl_context=client_context(certificate),
        )

    try:
        logging_in("s3cret-كلمة").send(outgoing())
        assert len(server.mailbox.messages()) == 1
        wrong = logging_in("wrong")
        # our configuration, not the message: temporary, so nothing is lost meanwhile
        with pytest.raises(TemporaryDeliveryError, match="SMTPAuthenticationError"):
            wrong.send(outgoing())
        untrusting = sender_for(server, security="starttls", username="khidma", password="x")
        with pytest.raises(TemporaryDeliveryError, match="CERTIFICATE_VERIFY_FAILED"):
            untrusting.send(outgoing())
    finally:
        server.stop()


def test_implicit_tls(certificate: tuple[Path, Path]) -> None:
    server = SmtpServer(Mailbox(), ssl_context=server_context(certificate)).start()
    try:
        sender_for(server, security="ssl", ssl_context=client_context(certificate)).send(outgoing())
        assert len(server.mailbox.messages()) == 1
    finally:
        server.stop()


# -- the server down for a while ----------------------------------------------------------


def test_server_down_then_up_delivers_every_e_mail_once(database: Database) -> None:
    server = SmtpServer(Mailbox())  # not started: connections are refused
    queue_email(database, 5, at=NOW, html=True)
    senders = {Channel.EMAIL: sender_for(server)}
    policy = RetryPolicy(jitter=0)
    clock = Clock()
    for _ in range(3):  # three passes while it is down: nothing lost, nothing given up
        result = deliver_due(database, senders, policy=policy, clock=clock)
        assert (result.claimed, result.sent, result.failed) == (5, 0, 5)
        clock.advance(dt.timedelta(hours=1))
    with database.session() as session:
        rows = list(session.scalars(select(OutboxMessage)))
    assert {(r.attempts, r.sent_at, r.given_up_at) for r in rows} == {(3, None, None)}
    assert all("ConnectionRefusedError" in (r.last_error or "") for r in rows)

    server.start()
    try:
        assert deliver_due(database, senders, policy=policy, clock=clock).sent == 5
        assert deliver_due(database, senders, policy=policy, clock=clock).claimed == 0
        received = sorted(str(m["To"]) for m in server.mailbox.messages())
        assert received == [f"citizen{i}@example.sa" for i in range(5)]
    finally:
        server.stop()
