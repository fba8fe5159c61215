"""`khidma audit …`: check the hash chain of the audit log, print its head."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from khidma.cli_options import instance_option

_INSTANCE = instance_option(
    "The instance folder (SQLite database) when KHIDMA_DATABASE_URL is not set."
)


@click.group()
def audit() -> None:
    """The tamper-evident audit log."""


@audit.command()
@_INSTANCE
@click.option(
    "--anchor",
    default=None,
    metavar="HASH",
    help="A head hash printed earlier: the chain must still contain it.",
)
def verify(instance: Path, anchor: str | None) -> None:
    """Recompute the chain from its first entry; exit 1 naming the first entry that does
    not match."""
    from khidma.storage import audit as log
    from khidma.storage.db import Database

    database = Database.from_env(instance)
    try:
        with database.session() as session:
            result = log.verify(session, anchor=anchor)
    finally:
        database.dispose()
    if result.ok:
        click.echo(f"ok: {result.checked} entries, head {result.head}")
        return
    where = f"entry {result.bad_seq} (row id {result.bad_id}): " if result.bad_seq else ""
    click.echo(f"NOT OK after {result.checked} good entries: {where}{result.reason}", err=True)
    sys.exit(1)


@audit.command()
@_INSTANCE
def head(instance: Path) -> None:
    """Print the newest entry's number and hash, to keep outside the platform."""
    from khidma.storage import audit as log
    from khidma.storage.db import Database

    database = Database.from_env(instance)
    try:
        with database.session() as session:
            seq, digest = log.head(session)
    finally:
        database.dispose()
    click.echo(f"{seq} {digest}")
