"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import secrets
from datetime import UTC
from datetime import datetime
from typing import Any
from typing import cast

from sqlalchemy import JSON
from sqlalchemy import DateTime
from sqlalchemy import Dialect
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.mutable import MutableDict
from sqlalchemy.types import TypeDecorator
from sqlalchemy.types import TypeEngine


def utcnow() -> datetime:
    """Now, timezone-aware, in UTC: the only kind of timestamp the database accepts."""
    return datetime.now(UTC)


def new_token() -> str:
    """An unguessable URL token (128 random bits, 22 URL-safe characters)."""
    return secrets.token_urlsafe(16)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    PostgreSQL keeps `timestamptz`; SQLite has no time zones, so the value is stored as
    UTC without an offset and the offset is put back on reading. Naive datetimes are
    refused: their meaning depends on the server's clock settings.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware one (types.utcnow())")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# A JSON object: JSON on SQLite, JSONB on PostgreSQL (indexable, compact; key order is not
# kept, which nothing relies on: rendering follows the definition's field order).
# Top-level changes (`draft.answers["x"] = 1`) are noticed by the session; changes inside
# nested values are not, so assign a new value for those.
JSONObject: TypeEngine[dict[str, Any]] = MutableDict.as_mutable(
    cast("TypeEngine[dict[str, Any]]", JSON().with_variant(JSONB(), "postgresql"))
)

# A JSON array, replaced whole when it changes (never mutated in place).
JSONList: TypeEngine[list[Any]] = cast(
    "TypeEngine[list[Any]]", JSON().with_variant(JSONB(), "postgresql")
)
