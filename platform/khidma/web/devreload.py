"""Live preview in development: a saved change to `services.d` is served at once.

In development mode (`DEV`, e.g. `khidma run`) the start of a request looks, at most every
`CHECK_SECONDS`, at the size and modification time of every definition file. When one
changed (or a file came or went), the folder is loaded again: if it loads cleanly the
registry swaps to the new definitions in one step; if it does not, the last good version
keeps serving and every page shows a banner linking to `/dev/definitions`, which lists the
loader's problems (file:line:col, message, hint) — the same list `khidma check` prints.

No thread and no file-system events: a `stat` of a few files per half second costs
microseconds and works the same under Werkzeug's threaded server and in tests. Never in
production: `init_app` does nothing unless `DEV` is on (and `LIVE_RELOAD` is not off).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from flask import Blueprint
from flask import Flask
from flask import abort
from flask import current_app
from flask import render_template

from khidma.definitions.errors import Problem
from khidma.definitions.loader import find_files
from khidma.definitions.loader import load
from khidma.definitions.registry import DefinitionRegistry

CHECK_SECONDS = 0.5
EXTENSION = "khidma.devreload"

bp = Blueprint("devreload", __name__, url_prefix="/dev")

Snapshot = dict[str, tuple[int, int]]


class DefinitionWatcher:
    """Reloads `folder` into `registry` when its files change; keeps the problems of the
    last failed reload (empty when the definitions served are the files on disk)."""

    def __init__(
        self, folder: str | Path, registry: DefinitionRegistry, interval: float = CHECK_SECONDS
    ) -> None:
        self.folder = Path(folder)
        self.registry = registry
        self.interval = interval
        self.problems: list[Problem] = []
        self.reloads = 0
        self._lock = threading.Lock()
        self._snapshot = self._stat()
        self._next_check = time.monotonic() + interval

    def _stat(self) -> Snapshot:
        snapshot: Snapshot = {}
        for path in find_files([self.folder]):
            try:
                info = path.stat()
            except OSError:
                continue  # removed while we looked: the next look sees it gone
            snapshot[str(path)] = (info.st_mtime_ns, info.st_size)
        return snapshot

    def check(self) -> None:
        """Reload if a file changed since the last look. Cheap when nothing did; a request
        arriving while another reloads goes on with the definitions of the moment."""
        now = time.monotonic()
        if now < self._next_check or not self._lock.acquire(blocking=False):
            return
        try:
            self._next_check = now + self.interval
            snapshot = self._stat()
            if snapshot != self._snapshot:
                self._snapshot = snapshot
                self.reload()
        finally:
            self._lock.release()

    def reload(self) -> None:
        result = load([self.folder])
        self.reloads += 1
        if not result.problems and not result.services:
            result.problems.append(
                Problem(str(self.folder), 1, 1, "file.none", "no service definitions found")
            )
        self.problems = result.problems
        if not result.problems:
            self.registry.replace(result.services)  # one swap: a request sees old or new


def init_app(app: Flask) -> None:
    if not app.config.get("DEV") or not app.config.get("LIVE_RELOAD", True):
        return
    watcher = DefinitionWatcher(app.config["SERVICES_DIR"], app.extensions["khidma.registry"])
    app.extensions[EXTENSION] = watcher
    app.before_request(watcher.check)
    app.register_blueprint(bp)

    @app.context_processor
    def definition_problems() -> dict[str, Any]:
        return {"definition_problems": watcher.problems}


@bp.get("/definitions")
def problems() -> str:
    watcher: DefinitionWatcher | None = current_app.extensions.get(EXTENSION)
    if watcher is None:
        abort(404)
    return render_template(
        "devtools/definitions.html",
        problems=watcher.problems,
        folder=str(watcher.folder),
        services=watcher.registry.services(),
    )
