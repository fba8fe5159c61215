"""What changes when the platform runs behind a reverse proxy, over HTTPS, for real.

- `TRUSTED_PROXIES = N`: the N proxies in front of the app set `X-Forwarded-For`,
  `-Proto`, `-Host` and `-Port`; werkzeug's ProxyFix takes the client's address and the
  scheme from them, so rate limits count real clients and redirects stay on https. With
  0 (the default) those headers are ignored: a client cannot forge its address.
- Outside development mode every response carries HSTS, so browsers never fall back to
  plain HTTP for the portal (`HSTS_SECONDS`, default two years).
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response


def init_app(app: Flask) -> None:
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops < 0:
        raise ValueError("KHIDMA_TRUSTED_PROXIES must be 0 or more")
    if hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops
        )
    if not app.config.get("DEV"):
        hsts = f"max-age={int(app.config.get('HSTS_SECONDS') or 0)}; includeSubDomains"

        @app.after_request
        def _hsts(response: Response) -> Any:
            response.headers.setdefault("Strict-Transport-Security", hsts)
            return response
