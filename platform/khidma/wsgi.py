"""The WSGI entry point for servers other than `khidma serve`:
`gunicorn 'khidma.wsgi:app'`, uWSGI, mod_wsgi. Settings come from `KHIDMA_*` variables.

Like `khidma serve`, it refuses to start on a database that is not migrated, so a fresh
instance never answers 500 ("no such table"): run `khidma db upgrade` first.
"""

from __future__ import annotations

import os

from khidma.app import create_app
from khidma.app import require_migrated

app = create_app(instance_path=os.environ.get("KHIDMA_INSTANCE_PATH") or None)
require_migrated(app)
