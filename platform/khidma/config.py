"""Settings: defaults, then `KHIDMA_*` environment variables, then explicit overrides.

Nothing secret lives here. In development mode a random secret key is made once and kept
in the instance folder; in production `KHIDMA_SECRET_KEY` must be set.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

DEFAULTS: dict[str, Any] = {
    "DEV": False,  # development mode: dev SSO stand-in, dev outbox page, demo data
    "SERVICES_DIR": "services.d",
    "DATABASE_URL": None,  # default: SQLite file in the instance folder
    "BLOB_DIR": None,  # default: instance/blobs
    "DRAFT_TTL_DAYS": 30,
    "DRAFT_MAX_KB": 1024,  # what one draft may hold (answers and inputs kept as typed)
    "DRAFTS_PER_CITIZEN": 20,  # open drafts one citizen may have at a time
    "SESSION_IDLE_MINUTES": 30,
    "MAX_UPLOAD_MB": 25,
    "SECRET_KEY": None,
    # --- running as a service (docs/deployment.md) -----------------------------------
    "REDIS_URL": None,  # shared rate-limit counters when several processes serve
    "BLOB_URL": None,  # s3://bucket/prefix for an S3-compatible store (default: BLOB_DIR)
    "S3_ENDPOINT_URL": None,  # MinIO, Ceph, … (default: AWS)
    "S3_REGION": None,
    "TRUSTED_PROXIES": 0,  # how many reverse proxies in front set X-Forwarded-*
    "HSTS_SECONDS": 63072000,  # two years; sent outside development mode only
    "LOG_FORMAT": None,  # "json" (default outside development) or "text"
    # --- delivery: the outbox worker, its clean-up job and the gateways (docs/delivery.md)
    "DELIVERY_POLL_SECONDS": 2,  # how often an idle worker looks for due messages
    "DELIVERY_BATCH": 50,  # messages claimed at a time
    "DELIVERY_MAX_ATTEMPTS": 8,  # then the message is given up (~1 hour of back-off)
    "DELIVERY_BACKOFF_SECONDS": 30,  # wait after the first failure; doubles each time
    "DELIVERY_MAX_BACKOFF_SECONDS": 3600,
    "DELIVERY_LEASE_SECONDS": 300,  # a claimed message is left to its worker this long
    "CLEANUP_INTERVAL_MINUTES": 60,  # expired drafts and unused blobs (DRAFT_TTL_DAYS)
    "BLOB_GRACE_HOURS": 24,  # an unreferenced blob younger than this is kept (uploads)
    "SMTP_HOST": None,  # unset: no e-mail gateway (development: the dev one)
    "SMTP_PORT": 0,  # 0: 465 with SMTP_SSL, 587 with SMTP_STARTTLS, else 25
    "SMTP_USERNAME": None,
    "SMTP_PASSWORD": None,
    "SMTP_STARTTLS": False,
    "SMTP_SSL": False,
    "SMTP_TIMEOUT_SECONDS": 30,
    "MAIL_FROM": None,  # e.g. "Khidma <no-reply@agency.gov.sa>"
    "SMS_URL": None,  # unset: no SMS gateway (development: the dev one)
    "SMS_API_KEY": None,
    "SMS_SENDER": None,  # the sender name registered with the SMS provider
    "SMS_TIMEOUT_SECONDS": 10,
    # --- end of delivery
    "PAYMENT_RECONCILE_MINUTES": 5,  # the worker settles unfinished payments (0: never)
    # --- trust: signed documents (docs/trust.md) -------------------------------------
    "SIGNING_KEY_FILE": None,  # PEM; unset: a self-signed key made in the instance folder
    "SIGNING_CERT_FILE": None,  # PEM certificate of that key
    "SIGNING_KEY_PASSWORD": None,
    "TSA_URL": None,  # an RFC 3161 time-stamp authority: signatures become PAdES B-T
    "PUBLIC_URL": None,  # e.g. https://khidma.gov.sa, for QR codes (default: the request's)
}

# A secret key shorter than this, or made of few distinct characters, is refused outside
# development: it signs the session cookies and the CSRF tokens.
MIN_SECRET_LENGTH = 32
MIN_SECRET_DISTINCT = 12

_BOOL = {
    "1": True,
    "true": True,
    "yes": True,
    "on": True,
    "0": False,
    "false": False,
    "no": False,
    "off": False,
    "": False,
}


def _coerce(name: str, text: str) -> Any:
    default = DEFAULTS.get(name)
    if isinstance(default, bool):
        if text.strip().lower() not in _BOOL:
            raise ValueError(f"KHIDMA_{name} must be true or false, not {text!r}")
        return _BOOL[text.strip().lower()]
    if isinstance(default, int):
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"KHIDMA_{name} must be a whole number, not {text!r}") from None
    return text


def load_settings(
    instance_path: Path,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The platform's settings (upper-case keys without the KHIDMA_ prefix)."""
    env = os.environ if environ is None else environ
    settings = dict(DEFAULTS)
    for key, value in env.items():
        if key.startswith("KHIDMA_") and key[7:] in DEFAULTS:
            settings[key[7:]] = _coerce(key[7:], value)
    settings.update(overrides or {})
    if not settings["DATABASE_URL"]:
        settings["DATABASE_URL"] = f"sqlite:///{instance_path / 'khidma.sqlite3'}"
    if not settings["BLOB_DIR"]:
        settings["BLOB_DIR"] = str(instance_path / "blobs")
    if not settings["SECRET_KEY"]:
        if not settings["DEV"]:
            raise RuntimeError(
                "KHIDMA_SECRET_KEY is not set. Set it to a long random value "
                "(python -c 'import secrets; print(secrets.token_urlsafe(48))'), "
                "or set KHIDMA_DEV=1 for development."
            )
        settings["SECRET_KEY"] = _dev_secret(instance_path)
    elif not settings["DEV"]:
        check_secret_key(str(settings["SECRET_KEY"]))
    if settings["REDIS_URL"] and not settings.get("RATELIMIT_STORAGE_URI"):
        settings["RATELIMIT_STORAGE_URI"] = settings["REDIS_URL"]
    if settings["LOG_FORMAT"] is None:
        settings["LOG_FORMAT"] = "text" if settings["DEV"] else "json"
    return settings


def check_secret_key(key: str) -> None:
    """Refuse a secret key that could be guessed: short, or of few distinct characters
    (`x`, `changeme`, `aaaa…`)."""
    if len(key) < MIN_SECRET_LENGTH or len(set(key)) < MIN_SECRET_DISTINCT:
        raise RuntimeError(
            f"KHIDMA_SECRET_KEY is too weak: use at least {MIN_SECRET_LENGTH} random "
            "characters (python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )


def _dev_secret(instance_path: Path) -> str:
    path = instance_path / "dev-secret-key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key
