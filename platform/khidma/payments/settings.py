"""Payment settings: the app's config first, then `KHIDMA_<NAME>` environment variables.

- `PAYMENT_URL` — the provider's API base URL (without it, online payment is off).
- `PAYMENT_API_KEY` — sent as `Authorization: Bearer …`.
- `PAYMENT_WEBHOOK_SECRET` — the shared secret notifications are signed with.
- `SADAD_BILLER_CODE` — the biller code SADAD bills are issued under.
- `SADAD_BILL_DAYS` — how long a bill stays payable (default 3, at most 29).
- `PAYMENT_TIMEOUT` — seconds to wait for the provider's answer (default 10).
- `PUBLIC_URL` — the platform's address as citizens reach it, for links in messages
  (default: the address of the request being served).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from khidma.identity.settings import setting
from khidma.payments.gateway import MAX_SADAD_DAYS


class PaymentSettingsError(RuntimeError):
    pass


@dataclass(frozen=True)
class PaymentSettings:
    url: str | None
    api_key: str = ""
    webhook_secret: str = ""
    biller_code: str = ""
    bill_days: int = 3
    timeout: float = 10.0
    public_url: str | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.url)

    @classmethod
    def from_config(
        cls, config: Mapping[str, Any], environ: Mapping[str, str] | None = None
    ) -> PaymentSettings:
        def get(name: str, default: Any = None) -> Any:
            return setting(config, name, default, environ)

        url = get("PAYMENT_URL")
        made = cls(
            url=str(url).rstrip("/") if url else None,
            api_key=str(get("PAYMENT_API_KEY", "")),
            webhook_secret=str(get("PAYMENT_WEBHOOK_SECRET", "")),
            biller_code=str(get("SADAD_BILLER_CODE", "")),
            bill_days=_number(get("SADAD_BILL_DAYS", 3), "SADAD_BILL_DAYS", int),
            timeout=_number(get("PAYMENT_TIMEOUT", 10.0), "PAYMENT_TIMEOUT", float),
            public_url=(str(get("PUBLIC_URL")).rstrip("/") if get("PUBLIC_URL") else None),
        )
        if made.enabled:
            missing = [
                n
                for n, v in (
                    ("PAYMENT_API_KEY", made.api_key),
                    ("PAYMENT_WEBHOOK_SECRET", made.webhook_secret),
                )
                if not v
            ]
            if missing:
                raise PaymentSettingsError(
                    f"KHIDMA_PAYMENT_URL is set but {', '.join('KHIDMA_' + m for m in missing)} "
                    "is not: set them to the values the payment provider gave you"
                )
        if not 1 <= made.bill_days <= MAX_SADAD_DAYS:
            raise PaymentSettingsError(
                f"KHIDMA_SADAD_BILL_DAYS must be between 1 and {MAX_SADAD_DAYS}, "
                f"not {made.bill_days}"
            )
        return made


def _number(value: Any, name: str, kind: type[int] | type[float]) -> Any:
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise PaymentSettingsError(f"KHIDMA_{name} must be a number, not {value!r}") from None
