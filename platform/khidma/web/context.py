"""The platform's shared parts as the current app holds them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from flask import abort
from flask import current_app

from khidma.definitions.snapshot import from_snapshot
from khidma.formatting import RIYADH
from khidma.storage.snapshots import definition_source

if TYPE_CHECKING:
    from khidma.definitions.model import ServiceDefinition
    from khidma.definitions.registry import DefinitionRegistry
    from khidma.storage.blobs import BlobStore
    from khidma.storage.db import Database


def registry() -> DefinitionRegistry:
    reg: DefinitionRegistry = current_app.extensions["khidma.registry"]
    return reg


def database() -> Database:
    db: Database = current_app.extensions["khidma.db"]
    return db


def blobs() -> BlobStore:
    store: BlobStore = current_app.extensions["khidma.blobs"]
    return store


def current_definition(service_id: str) -> ServiceDefinition:
    """The version of `service_id` served now (404 when there is no such service)."""
    found = registry().get(service_id)
    if found is None:
        abort(404)
    return found


def pinned_definition(service_id: str, content_hash: str) -> ServiceDefinition:
    """The version a draft or request was made with: current, or compiled from storage."""
    found = registry().version(service_id, content_hash)
    if found is not None:
        return found
    with database().session() as session:
        text = definition_source(session, service_id, content_hash)
    if text is None:
        abort(404)
    definition = from_snapshot(text, f"{service_id}@{content_hash[:12]}")
    registry().remember(definition)
    return definition


def now() -> dt.datetime:
    """The current time (UTC). Tests may set `KHIDMA_NOW` in the app config."""
    fixed = current_app.config.get("NOW")
    return fixed if isinstance(fixed, dt.datetime) else dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today's date in Saudi Arabia (the date citizens mean)."""
    return now().astimezone(RIYADH).date()
