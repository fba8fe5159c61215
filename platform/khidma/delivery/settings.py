"""Which gateways and timings the `KHIDMA_*` settings choose (see config.py and
docs/delivery.md for every setting).

A channel gets its real adapter when its settings are there (`SMTP_HOST` for e-mail,
`SMS_URL` for SMS); otherwise, in development mode only, the development adapter; and
otherwise none: its messages stay queued, nothing is lost, and the worker says so when
it starts. Half-given settings (a host without a sender address, a URL without a key)
stop the start with a message naming what is missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import timedelta
from typing import Any

from khidma.delivery.dev import DevSender
from khidma.delivery.dispatcher import RetryPolicy
from khidma.delivery.senders import Sender
from khidma.delivery.sms_http import HttpSmsGateway
from khidma.delivery.sms_http import SmsSettings
from khidma.delivery.smtp import Security
from khidma.delivery.smtp import SmtpEmailSender
from khidma.delivery.smtp import SmtpSettings
from khidma.storage.models import Channel


class DeliverySettingsError(ValueError):
    """The delivery settings are incomplete or contradictory; the message says how."""


@dataclass(frozen=True)
class DeliverySettings:
    dev: bool = False
    poll_seconds: float = 5.0
    batch: int = 50
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    cleanup_interval: timedelta = timedelta(hours=1)
    draft_ttl: timedelta = timedelta(days=30)
    blob_grace: timedelta = timedelta(hours=24)
    smtp: SmtpSettings | None = None
    sms: SmsSettings | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> DeliverySettings:
        """From the platform's settings (`app.config`, or `config.load_settings`)."""
        smtp, sms = _smtp(config), _sms(config)
        timeouts = [s.timeout for s in (smtp, sms) if s is not None] or [30.0]
        try:
            policy = RetryPolicy(
                max_attempts=int(config["DELIVERY_MAX_ATTEMPTS"]),
                backoff=timedelta(seconds=int(config["DELIVERY_BACKOFF_SECONDS"])),
                max_backoff=timedelta(seconds=int(config["DELIVERY_MAX_BACKOFF_SECONDS"])),
                lease=timedelta(seconds=int(config["DELIVERY_LEASE_SECONDS"])),
                # an SMTP send is a connection, TLS, log-in and the data: several timeouts
                send_budget=timedelta(seconds=2 * max(timeouts)),
            )
        except ValueError as error:
            raise DeliverySettingsError(
                f"{error} (KHIDMA_DELIVERY_LEASE_SECONDS, KHIDMA_SMTP_TIMEOUT_SECONDS, "
                "KHIDMA_SMS_TIMEOUT_SECONDS, KHIDMA_DELIVERY_MAX_ATTEMPTS)"
            ) from None
        poll = float(config["DELIVERY_POLL_SECONDS"])
        if poll <= 0 or int(config["DELIVERY_BATCH"]) < 1:
            raise DeliverySettingsError(
                "KHIDMA_DELIVERY_POLL_SECONDS and KHIDMA_DELIVERY_BATCH must be at least 1"
            )
        return cls(
            dev=bool(config.get("DEV")),
            poll_seconds=poll,
            batch=int(config["DELIVERY_BATCH"]),
            policy=policy,
            cleanup_interval=timedelta(minutes=int(config["CLEANUP_INTERVAL_MINUTES"])),
            draft_ttl=timedelta(days=int(config["DRAFT_TTL_DAYS"])),
            blob_grace=timedelta(hours=int(config["BLOB_GRACE_HOURS"])),
            smtp=smtp,
            sms=sms,
        )

    def senders(self) -> dict[Channel, Sender]:
        """A new gateway for each channel that has one (each worker its own: the HTTP
        session of the SMS gateway is not shared between threads)."""
        chosen: dict[Channel, Sender] = {}
        if self.smtp is not None:
            chosen[Channel.EMAIL] = SmtpEmailSender(self.smtp)
        elif self.dev:
            chosen[Channel.EMAIL] = DevSender(Channel.EMAIL)
        if self.sms is not None:
            chosen[Channel.SMS] = HttpSmsGateway(self.sms)
        elif self.dev:
            chosen[Channel.SMS] = DevSender(Channel.SMS)
        return chosen


def _text(config: Mapping[str, Any], name: str) -> str:
    value = config.get(name)
    return str(value).strip() if value is not None else ""


def _smtp(config: Mapping[str, Any]) -> SmtpSettings | None:
    host = _text(config, "SMTP_HOST")
    if not host:
        return None
    mail_from = _text(config, "MAIL_FROM")
    if "@" not in mail_from:
        raise DeliverySettingsError(
            "KHIDMA_SMTP_HOST is set but KHIDMA_MAIL_FROM is not an address: set it to "
            "the sender, e.g. 'Khidma <no-reply@agency.gov.sa>'"
        )
    starttls, implicit = bool(config.get("SMTP_STARTTLS")), bool(config.get("SMTP_SSL"))
    if starttls and implicit:
        raise DeliverySettingsError(
            "set one of KHIDMA_SMTP_STARTTLS (port 587) and KHIDMA_SMTP_SSL (port 465), not both"
        )
    security: Security = "starttls" if starttls else "ssl" if implicit else "none"
    username = _text(config, "SMTP_USERNAME") or None
    if username and security == "none" and not bool(config.get("DEV")) and not _local(host):
        raise DeliverySettingsError(
            "KHIDMA_SMTP_USERNAME is set without TLS: set KHIDMA_SMTP_STARTTLS or "
            "KHIDMA_SMTP_SSL, so the password does not cross the network in clear"
        )
    return SmtpSettings(
        host=host,
        mail_from=mail_from,
        port=int(config.get("SMTP_PORT") or 0),
        username=username,
        password=_text(config, "SMTP_PASSWORD") or None,
        security=security,
        timeout=float(config.get("SMTP_TIMEOUT_SECONDS") or 30),
    )


def _sms(config: Mapping[str, Any]) -> SmsSettings | None:
    url = _text(config, "SMS_URL")
    if not url:
        return None
    missing = [n for n in ("SMS_API_KEY", "SMS_SENDER") if not _text(config, n)]
    if missing:
        raise DeliverySettingsError(
            "KHIDMA_SMS_URL is set but "
            + " and ".join(f"KHIDMA_{n}" for n in missing)
            + " not: the gateway needs its API key and the registered sender name"
        )
    if not url.startswith(("https://", "http://")):
        raise DeliverySettingsError(f"KHIDMA_SMS_URL must be an http(s) URL, not {url!r}")
    if url.startswith("http://") and not bool(config.get("DEV")) and not _local(url):
        raise DeliverySettingsError(
            "KHIDMA_SMS_URL must use https outside development: the API key travels with "
            "every message"
        )
    return SmsSettings(
        url=url,
        api_key=_text(config, "SMS_API_KEY"),
        sender=_text(config, "SMS_SENDER"),
        timeout=float(config.get("SMS_TIMEOUT_SECONDS") or 10),
    )


def _local(url: str) -> bool:
    """Whether a URL (or a bare host name) points at this machine."""
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname if "//" in url else url
    return host in ("127.0.0.1", "localhost", "::1")
