"""Which gateways the KHIDMA_* settings choose, and the settings that are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from khidma.config import load_settings
from khidma.delivery.dev import DevSender
from khidma.delivery.settings import DeliverySettings
from khidma.delivery.settings import DeliverySettingsError
from khidma.delivery.sms_http import HttpSmsGateway
from khidma.delivery.smtp import SmtpEmailSender
from khidma.storage import Channel

SMTP = {
    "KHIDMA_SMTP_HOST": "smtp.agency.gov.sa",
    "KHIDMA_SMTP_STARTTLS": "1",
    "KHIDMA_SMTP_USERNAME": "khidma",
    "KHIDMA_SMTP_PASSWORD": "secret",
    "KHIDMA_MAIL_FROM": "Khidma <no-reply@agency.gov.sa>",
}
SMS = {
    "KHIDMA_SMS_URL": "https://sms.example.sa/v1/messages",
    "KHIDMA_SMS_API_KEY": "key-123",
    "KHIDMA_SMS_SENDER": "Khidma",
}


def settings(tmp_path: Path, **env: str) -> DeliverySettings:
    environ = {"KHIDMA_SECRET_KEY": "delivery-settings-7Hq2Vx9Lm4Rt8Zp1Ws6Kc3", **env}
    return DeliverySettings.from_config(load_settings(tmp_path, environ=environ))


def test_defaults(tmp_path: Path) -> None:
    chosen = settings(tmp_path)
    assert (chosen.poll_seconds, chosen.batch, chosen.policy.max_attempts) == (2, 50, 8)
    assert chosen.senders() == {}  # production without gateways: messages wait
    dev = settings(tmp_path, KHIDMA_DEV="1").senders()
    assert all(isinstance(s, DevSender) for s in dev.values()) and set(dev) == set(Channel)


def test_real_gateways_from_the_environment(tmp_path: Path) -> None:
    chosen = settings(tmp_path, KHIDMA_DEV="1", KHIDMA_SMTP_TIMEOUT_SECONDS="20", **SMTP, **SMS)
    senders = chosen.senders()
    assert isinstance(senders[Channel.EMAIL], SmtpEmailSender)
    assert isinstance(senders[Channel.SMS], HttpSmsGateway)
    assert chosen.smtp is not None and chosen.sms is not None
    assert (chosen.smtp.security, chosen.smtp.effective_port, chosen.smtp.timeout) == (
        "starttls", 587, 20,
    )  # fmt: skip
    assert chosen.policy.send_budget.total_seconds() == 40
    assert "secret" not in repr(chosen) and "key-123" not in repr(chosen)
    only_sms = settings(tmp_path, KHIDMA_DEV="1", **SMS).senders()
    assert isinstance(only_sms[Channel.EMAIL], DevSender)  # development fills the gap


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({**SMTP, "KHIDMA_MAIL_FROM": ""}, "KHIDMA_MAIL_FROM"),
        ({**SMTP, "KHIDMA_SMTP_SSL": "1"}, "not both"),
        ({**SMTP, "KHIDMA_SMTP_STARTTLS": "0"}, "without TLS"),
        ({**SMS, "KHIDMA_SMS_SENDER": ""}, "KHIDMA_SMS_SENDER"),
        ({**SMS, "KHIDMA_SMS_URL": "http://sms.example.sa/"}, "https"),
        ({**SMS, "KHIDMA_SMS_URL": "sms.example.sa"}, "http(s) URL"),
        ({"KHIDMA_DELIVERY_LEASE_SECONDS": "30"}, "KHIDMA_DELIVERY_LEASE_SECONDS"),
        ({"KHIDMA_DELIVERY_POLL_SECONDS": "0"}, "at least 1"),
    ],
)
def test_incomplete_settings_are_refused_with_what_to_set(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    with pytest.raises(
        DeliverySettingsError, match=message.replace("(", r"\(").replace(")", r"\)")
    ):
        settings(tmp_path, **env)


def test_a_local_gateway_may_be_plain_http(tmp_path: Path) -> None:
    local = {**SMS, "KHIDMA_SMS_URL": "http://127.0.0.1:8025/v1/messages"}
    assert settings(tmp_path, **local).sms is not None
