"""SMS through an HTTP gateway: JSON over HTTP(S) with an API key.

The request (what `sms_simulator` implements, and what a provider adapter maps to):

    POST {KHIDMA_SMS_URL}
    Authorization: Bearer {KHIDMA_SMS_API_KEY}
    Idempotency-Key: {the outbox message's key: the same for every attempt}
    {"to": "+9665…", "sender": "{KHIDMA_SMS_SENDER}", "body": "…", "reference": "outbox-12"}

    201 (or 200 for a repeated Idempotency-Key) {"id": "…", "status": "accepted", …}

What the answer means for the message: 2xx accepted (the gateway's id is kept); 4xx
permanent (a bad number, an unknown sender, a refused key: trying the same request again
gives the same answer), except 408 and 429, which are temporary; 5xx, timeouts and
refused connections temporary. A `Retry-After` in seconds is honoured. The idempotency
key makes a retry after a lost answer safe: the gateway sends it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import timedelta

import requests

from khidma.delivery.senders import PermanentDeliveryError
from khidma.delivery.senders import TemporaryDeliveryError
from khidma.storage.outbox import OutgoingMessage

RETRYABLE_4XX = frozenset({408, 425, 429})
CONNECT_TIMEOUT = 5.0


@dataclass(frozen=True)
class SmsSettings:
    url: str
    api_key: str = field(repr=False)
    sender: str
    timeout: float = 10.0


class HttpSmsGateway:
    """An `SmsGateway` for a JSON-over-HTTP SMS provider."""

    def __init__(self, settings: SmsSettings, session: requests.Session | None = None) -> None:
        self.settings = settings
        self._http = session or requests.Session()
        self._http.headers.update(
            {"Authorization": f"Bearer {settings.api_key}", "Accept": "application/json"}
        )

    def send(self, message: OutgoingMessage) -> str | None:
        s = self.settings
        try:
            response = self._http.post(
                s.url,
                json={
                    "to": message.recipient,
                    "sender": s.sender,
                    "body": message.body,
                    "reference": f"outbox-{message.id}",
                },
                headers={"Idempotency-Key": message.key},
                timeout=(min(CONNECT_TIMEOUT, s.timeout), s.timeout),
                allow_redirects=False,
            )
        except requests.Timeout:
            raise TemporaryDeliveryError(
                f"no answer from the SMS gateway in {s.timeout:g} s"
            ) from None
        except requests.RequestException as error:
            raise TemporaryDeliveryError(
                f"SMS gateway unreachable: {type(error).__name__}"
            ) from None
        status = response.status_code
        if 200 <= status < 300:
            return _gateway_id(response)
        reason = f"SMS gateway answered {status}: {_error_text(response)}"
        if status in RETRYABLE_4XX or status >= 500:
            raise TemporaryDeliveryError(reason, _retry_after(response))
        raise PermanentDeliveryError(reason)

    def close(self) -> None:
        self._http.close()

    def __repr__(self) -> str:
        return f"HttpSmsGateway({self.settings.url!r}, sender={self.settings.sender!r})"


def _gateway_id(response: requests.Response) -> str | None:
    try:
        data = response.json()
    except ValueError:
        return None  # accepted all the same; the status code is the contract
    value = data.get("id") if isinstance(data, dict) else None
    return str(value) if value is not None else None


def _error_text(response: requests.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:200] or response.reason or ""
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        return f"{error.get('code', '')} {error.get('message', '')}".strip()
    return str(data)[:200]


def _retry_after(response: requests.Response) -> timedelta | None:
    value = response.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return timedelta(seconds=min(int(value), 24 * 3600))
    return None  # an HTTP date, or nothing: the usual back-off
