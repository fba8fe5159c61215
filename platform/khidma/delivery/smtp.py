"""E-mail over SMTP (the standard library's smtplib), one connection per message.

Messages are UTF-8 throughout: an Arabic subject is encoded as RFC 2047 words, the text
body (and the HTML alternative, when there is one: multipart/alternative) as UTF-8
parts, and an address with non-ASCII characters goes out with SMTPUTF8 where the server
offers it. Every message carries a Message-ID made from its outbox key, so a copy sent
twice (a worker died between sending and recording) is recognisably the same message.

What the server says decides the retry: a 5xx about the recipient or the content is
permanent (the message is given up); timeouts, refused connections, 4xx, and problems
of our own configuration (log-in, sender address) are temporary, so nothing is lost
while they are being fixed.
"""

from __future__ import annotations

import base64
import smtplib
import ssl
from dataclasses import dataclass
from dataclasses import field
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime
from email.utils import parseaddr
from typing import Literal

from khidma.delivery.senders import PermanentDeliveryError
from khidma.delivery.senders import TemporaryDeliveryError
from khidma.storage.outbox import OutgoingMessage
from khidma.storage.types import utcnow

Security = Literal["none", "starttls", "ssl"]
DEFAULT_PORTS: dict[Security, int] = {"none": 25, "starttls": 587, "ssl": 465}


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    mail_from: str
    port: int = 0  # 0: the usual port of `security`
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    security: Security = "none"
    timeout: float = 30.0

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]


class SmtpEmailSender:
    """An `EmailSender` for an SMTP server (a relay, or a provider's submission port)."""

    def __init__(self, settings: SmtpSettings, ssl_context: ssl.SSLContext | None = None):
        self.settings = settings
        # The system's trusted CAs and hostname checking; tests pass a context that
        # trusts their own certificate.
        self._ssl = ssl_context or ssl.create_default_context()
        _, address = parseaddr(settings.mail_from)
        self._envelope_from = address
        self._domain = address.rpartition("@")[2] or "khidma.invalid"

    def send(self, message: OutgoingMessage) -> str | None:
        email = self.compose(message)
        try:
            with self._connect() as smtp:
                if self.settings.security == "starttls":
                    smtp.starttls(context=self._ssl)
                if self.settings.username:
                    _log_in(smtp, self.settings.username, self.settings.password or "")
                smtp.send_message(email, self._envelope_from, [message.recipient])
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()), (0, b""))
            _raise_for(code, f"recipient refused: {code} {_text(reply)}")
        except smtplib.SMTPDataError as error:
            _raise_for(
                error.smtp_code, f"message refused: {error.smtp_code} {_text(error.smtp_error)}"
            )
        except smtplib.SMTPNotSupportedError as error:
            raise PermanentDeliveryError(f"the mail server cannot take it: {error}") from None
        except smtplib.SMTPResponseException as error:
            # log-in, sender address, a closing server: ours to fix or wait for
            raise TemporaryDeliveryError(
                f"{type(error).__name__}: {error.smtp_code} {_text(error.smtp_error)}"
            ) from None
        except (smtplib.SMTPException, OSError) as error:  # timeouts and refusals are OSErrors
            raise TemporaryDeliveryError(
                f"{type(error).__name__}: {error or 'no answer'} "
                f"({self.settings.host}:{self.settings.effective_port})"
            ) from None
        return str(email["Message-ID"])

    def compose(self, message: OutgoingMessage) -> EmailMessage:
        """The e-mail as it goes out (for tests and previews)."""
        email = EmailMessage(policy=SMTP_POLICY)
        email["From"] = self.settings.mail_from
        email["To"] = message.recipient
        email["Subject"] = message.subject or ""
        email["Date"] = format_datetime(utcnow())
        email["Message-ID"] = f"<{message.key}@{self._domain}>"
        email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to this
        email.set_content(message.body, charset="utf-8")
        if message.html:
            email.add_alternative(message.html, subtype="html", charset="utf-8")
        return email

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.security == "ssl":
            return smtplib.SMTP_SSL(s.host, s.effective_port, timeout=s.timeout, context=self._ssl)
        return smtplib.SMTP(s.host, s.effective_port, timeout=s.timeout)

    def __repr__(self) -> str:
        s = self.settings
        return f"SmtpEmailSender({s.host}:{s.effective_port}, {s.security})"


def _log_in(smtp: smtplib.SMTP, username: str, password: str) -> None:
    if (username + password).isascii():
        smtp.login(username, password)
        return
    # smtplib encodes credentials as ASCII; AUTH PLAIN carries UTF-8 (RFC 4616).
    smtp.ehlo_or_helo_if_needed()
    if "plain" not in smtp.esmtp_features.get("auth", "").lower().split():
        raise smtplib.SMTPNotSupportedError("non-ASCII credentials need AUTH PLAIN")
    token = base64.b64encode(f"\0{username}\0{password}".encode()).decode("ascii")
    code, reply = smtp.docmd("AUTH", f"PLAIN {token}")
    if code not in (235, 503):  # 503: already authenticated
        raise smtplib.SMTPAuthenticationError(code, reply)


def _raise_for(code: int, reason: str) -> None:
    if 500 <= code < 600:
        raise PermanentDeliveryError(reason)
    raise TemporaryDeliveryError(reason)


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
