"""`khidma worker`, and the delivery thread of `khidma run` (the commands are in
khidma.cli; their work is here)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from khidma.delivery.settings import DeliverySettings
from khidma.delivery.settings import DeliverySettingsError
from khidma.delivery.worker import in_process_delivery
from khidma.delivery.worker import log_to_console
from khidma.delivery.worker import worker_for

if TYPE_CHECKING:
    from flask import Flask


def run_worker(instance: Path, *, once: bool, poll: float | None, cleanup: bool) -> None:
    from khidma.app import StartupError
    from khidma.app import create_app

    log_to_console()
    try:
        # The web app's own settings, database and blob store: one configuration.
        app = create_app(instance_path=instance)
        changes = {"poll_seconds": poll} if poll else {}
        worker = worker_for(app, cleanup=cleanup, **changes)
    except (StartupError, RuntimeError, DeliverySettingsError) as exc:
        raise click.ClickException(str(exc)) from None
    if not worker.senders:
        raise click.ClickException(
            "no gateway configured: set KHIDMA_SMTP_HOST and/or KHIDMA_SMS_URL "
            "(or KHIDMA_DEV=1 for the development gateways); see docs/delivery.md"
        )
    database = worker.database
    click.echo(f"database: {database.url.render_as_string(hide_password=True)}", err=True)
    restore = worker.handle_signals()
    try:
        worker.run(once=once)
    finally:
        restore()
        database.dispose()


@contextlib.contextmanager
def delivery_for_run(app: Flask, enabled: bool | None) -> Iterator[None]:
    """Deliver in-process while `khidma run` serves: by default in development only."""
    if not (app.config.get("DEV") if enabled is None else enabled):
        yield
        return
    log_to_console()
    try:
        DeliverySettings.from_config(app.config)  # refuse half-given settings before serving
    except DeliverySettingsError as exc:
        raise click.ClickException(str(exc)) from None
    with in_process_delivery(app) as worker:
        channels = ", ".join(f"{c} via {s!r}" for c, s in worker.senders.items())
        click.echo(f"delivering the outbox in-process: {channels or 'no gateway'}")
        yield
