"""Rate limits on sign-in and on SMS codes, per address and per account.

Flask-Limiter holds the counters (`RATELIMIT_STORAGE_URI`: memory in one process by
default, Redis when several processes serve the platform) with a moving window. The views
call `Throttle.hit` / `check` themselves rather than decorating routes, because the
account a request is about (the ID or username typed, the mobile a code goes to) is
known only once the form is read, and because a failed password counts against the
account but a successful one does not. Each call answers None (go on) or the time at
which the caller may try again, which the page shows.

| limit                   | counts                                      | default           |
| ----------------------- | ------------------------------------------- | ----------------- |
| sign_in.address         | failed sign-ins from one address (*)        | 30 per 15 minutes |
| sign_in.account_address | wrong passwords for one account, one address | 5 per 15 minutes  |
| sign_in.account         | wrong passwords for one account, everywhere | 50 per hour       |
| code_send.address       | codes sent at one address's request         | 10 per hour       |
| code_send.mobile        | codes sent to one mobile                    | 3 per 15 minutes  |
| code_check.address      | codes typed from one address                | 30 per 15 minutes |
| code_check.mobile       | wrong codes typed for one mobile            | 10 per 15 minutes |
| identity_check.account  | identity checks for one ID number           | 5 per hour        |
| submit.account          | requests submitted by one account           | 10 per hour       |

(*) An address over its limit is refused further wrong passwords, but a right password
for an account that is not itself under attack still signs in: one attacker behind an
office's or a proxy's address must not lock everyone there out. "Account" is the ID
number or username typed, whether or not such an account exists.

An app config `RATELIMITS` (a dict of name → limit string) overrides any of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from flask import Flask
from flask import request
from flask_limiter import Limiter
from limits import RateLimitItem
from limits import parse

from khidma.identity.settings import setting

DEFAULT_LIMITS: Mapping[str, str] = {
    "sign_in.address": "30 per 15 minutes",
    "sign_in.account_address": "5 per 15 minutes",
    "sign_in.account": "50 per hour",
    "code_send.address": "10 per hour",
    "code_send.mobile": "3 per 15 minutes",
    "code_check.address": "30 per 15 minutes",
    "code_check.mobile": "10 per 15 minutes",
    "identity_check.account": "5 per hour",
    "submit.account": "10 per hour",
}


def remote_address() -> str:
    """The client's address as the WSGI server saw it (deployments behind a proxy wrap
    the app in werkzeug's ProxyFix so that this is the real client)."""
    return request.remote_addr or "unknown"


class Throttle:
    def __init__(self, limiter: Limiter, limits: Mapping[str, str]) -> None:
        self.limiter = limiter
        self.items: dict[str, RateLimitItem] = {name: parse(text) for name, text in limits.items()}

    @classmethod
    def for_app(cls, app: Flask) -> Throttle:
        limiter = Limiter(
            remote_address,
            app=app,
            storage_uri=setting(app.config, "RATELIMIT_STORAGE_URI", "memory://"),
            strategy="moving-window",
            key_prefix="khidma",
        )
        limits = {**DEFAULT_LIMITS, **app.config.get("RATELIMITS", {})}
        return cls(limiter, limits)

    def _retry_at(self, item: RateLimitItem, name: str, key: str) -> dt.datetime:
        stats = self.limiter.limiter.get_window_stats(item, name, key)
        return dt.datetime.fromtimestamp(stats.reset_time, dt.UTC)

    def hit(self, name: str, key: str) -> dt.datetime | None:
        """Count one attempt; None while within the limit, else when to try again."""
        if not self.limiter.enabled:  # RATELIMIT_ENABLED = False (some test apps)
            return None
        item = self.items[name]
        if self.limiter.limiter.hit(item, name, key):
            return None
        return self._retry_at(item, name, key)

    def clear(self, name: str, key: str) -> None:
        """Forget the attempts counted for `key` (a right password from that address)."""
        if self.limiter.enabled:
            self.limiter.limiter.clear(self.items[name], name, key)

    def check(self, name: str, key: str) -> dt.datetime | None:
        """Like `hit`, without counting."""
        if not self.limiter.enabled:
            return None
        item = self.items[name]
        if self.limiter.limiter.test(item, name, key):
            return None
        return self._retry_at(item, name, key)


def throttle() -> Throttle:
    from flask import current_app

    found: Throttle = current_app.extensions["khidma.throttle"]
    return found
