"""Identity settings: the app's config first, then `KHIDMA_<NAME>` environment variables.

The platform's `config.DEFAULTS` lists the settings every deployment has; the identity
settings below are read here so that a deployment without national SSO or Redis needs to
set nothing:

- `SSO_PROVIDER`: `oidc`, `dev` (the development stand-in, refused unless `DEV`) or
  `none`; default `oidc` when `OIDC_ISSUER` or `OIDC_METADATA_URL` is set, else `dev` in
  development mode, else `none`.
- `OIDC_ISSUER` (discovery at `<issuer>/.well-known/openid-configuration`) or
  `OIDC_METADATA_URL`; `OIDC_CLIENT_ID`, `OIDC_CLIENT_SECRET`, `OIDC_SCOPE` (default
  `openid profile email phone`), `OIDC_REDIRECT_URI` (default: this app's callback URL),
  `OIDC_TOKEN_AUTH_METHOD` (default `client_secret_basic`).
- `RATELIMIT_STORAGE_URI`: where rate-limit counters live; `memory://` (one process) by
  default, `redis://127.0.0.1:6379` when several processes serve the platform.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any


def setting(
    config: Mapping[str, Any],
    name: str,
    default: Any = None,
    environ: Mapping[str, str] | None = None,
) -> Any:
    """`config[name]` when set, else the environment's `KHIDMA_<name>`, else `default`."""
    value = config.get(name)
    if value is not None and value != "":
        return value
    env = os.environ if environ is None else environ
    text = env.get(f"KHIDMA_{name}", "").strip()
    return text if text else default
