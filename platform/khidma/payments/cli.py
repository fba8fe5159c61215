"""`khidma payments …`: reconcile unfinished payments, and who may refund."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click

from khidma.cli_options import instance_option
from khidma.cli_options import migrated_app

_INSTANCE = instance_option("The instance folder.")


def run_reconciliation(app: Any, *, min_age: dt.timedelta | None = None) -> Any:
    """What the worker calls periodically: settle unfinished payments of `app` (None when
    online payment is off). Returns the `ReconcileReport`."""
    service = app.extensions.get("khidma.payments")
    if service is None:
        return None
    with app.app_context():
        if min_age is None:
            return service.reconcile()
        return service.reconcile(min_age=min_age)


@click.group()
def payments() -> None:
    """Payments: reconciliation and refund permissions."""


@payments.command()
@_INSTANCE
@click.option(
    "--min-age",
    type=click.FloatRange(0),
    default=120.0,
    show_default=True,
    help="Seconds an unfinished payment is left alone before it is polled.",
)
def reconcile(instance: Path, min_age: float) -> None:
    """Poll the provider for unfinished payments and settle them; retry unconfirmed
    refunds; refund second payments of paid requests. Run it every few minutes."""
    app = migrated_app(instance)
    report = run_reconciliation(app, min_age=dt.timedelta(seconds=min_age))
    if report is None:
        raise click.ClickException("online payment is off: KHIDMA_PAYMENT_URL is not set")
    click.echo(
        f"polled {report.polled}, settled {report.settled}, recreated {report.recreated}, "
        f"refunds retried {report.refunds_retried}, duplicates refunded "
        f"{report.duplicates_refunded}, errors {len(report.errors)}"
    )
    for error in report.errors:
        click.echo(f"  {error}", err=True)
    sys.exit(1 if report.errors else 0)


def _staff(session: Any, username: str) -> Any:
    from sqlalchemy import select

    from khidma.storage.models import Role
    from khidma.storage.models import User

    user = session.scalar(select(User).where(User.username == username))
    if user is None or user.role is not Role.STAFF:
        raise click.ClickException(f"no staff account named {username!r}")
    return user


def _set_refunder(username: str, instance: Path, allowed: bool) -> None:
    from khidma.storage import payments as store

    app = migrated_app(instance)
    with app.extensions["khidma.db"].session(write=True) as session:
        user_id = _staff(session, username).id
        if allowed:
            store.grant_refund(session, user_id)
        else:
            store.revoke_refund(session, user_id)
    click.echo(f"{username} {'may' if allowed else 'may no longer'} refund payments")


@payments.command("grant-refund")
@click.argument("username")
@_INSTANCE
def grant_refund(username: str, instance: Path) -> None:
    """Allow a member of staff to refund payments of their agency's requests."""
    _set_refunder(username, instance, True)


@payments.command("revoke-refund")
@click.argument("username")
@_INSTANCE
def revoke_refund(username: str, instance: Path) -> None:
    """Take the refund permission away."""
    _set_refunder(username, instance, False)
