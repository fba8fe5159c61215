"""`khidma users …`: accounts for agency staff, auditors and administrators (and, for
tests and support, citizens). The password is asked for twice on the terminal, never
taken from the command line where the shell history would keep it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from khidma.cli_options import instance_option
from khidma.cli_options import migrated_app

ROLES = ("staff", "auditor", "admin", "citizen")


@click.group()
def users() -> None:
    """Create and list accounts."""


@users.command("create")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--agency", "agency_id", help="The agency of a staff account (its id in services.d).")
@click.option("--username", required=True)
@click.option("--national-id", "national_id", required=True, help="National ID or iqama number.")
@click.option("--name-ar", default="", help="Four-part name in Arabic.")
@click.option("--name-en", default="", help="Name in English.")
@click.option("--mobile", default=None, help="Saudi mobile (for password resets).")
@click.option("--email", default=None)
@instance_option("The instance folder (SQLite database, dev secret key).")
def create(
    role: str,
    agency_id: str | None,
    username: str,
    national_id: str,
    name_ar: str,
    name_en: str,
    mobile: str | None,
    email: str | None,
    instance: Path,
) -> None:
    """Create an account. Staff need --agency; every account needs a username and a
    checksum-valid ID number. Asks for the password (twice)."""
    from khidma.engine.identifiers import IdentifierError
    from khidma.engine.identifiers import clean_national_id
    from khidma.engine.identifiers import national_id_problem
    from khidma.engine.identifiers import normalise_saudi_mobile
    from khidma.identity.accounts import AccountConflict
    from khidma.identity.accounts import create_local_account
    from khidma.identity.accounts import username_problem
    from khidma.identity.passwords import password_problem
    from khidma.storage.models import Role
    from khidma.storage.types import utcnow

    password: str = click.prompt("Password", hide_input=True, confirmation_prompt="Password again")
    problems = []
    if national_id_problem(national_id):
        problems.append(f"--national-id: {national_id_problem(national_id)}")
    if username_problem(username):
        problems.append("--username: 3-32 of a-z 0-9 . _ -, starting with a letter")
    if role == "staff" and not agency_id:
        problems.append("--agency is required for a staff account")
    if role != "staff" and agency_id:
        problems.append("--agency is only for staff accounts")
    e164 = None
    if mobile:
        try:
            e164 = normalise_saudi_mobile(mobile)
        except IdentifierError as error:
            problems.append(f"--mobile: {error.code}")
    code = password_problem(password, username=username, national_id=national_id)
    if code:
        problems.append(f"password: {code} (8-128 characters, a letter and a digit)")
    app = migrated_app(instance) if not problems else None
    if app is not None and agency_id and agency_id not in _agencies(app):
        problems.append(
            f"--agency {agency_id!r} is not an agency of any service: "
            f"{', '.join(sorted(_agencies(app)))}"
        )
    if problems or app is None:
        for problem in problems:
            click.echo(f"error: {problem}", err=True)
        sys.exit(2)
    try:
        with app.extensions["khidma.db"].session(write=True) as session:
            user = create_local_account(
                session,
                national_id=clean_national_id(national_id),
                mobile=e164,
                name_ar=name_ar,
                name_en=name_en,
                email=email,
                username=username,
                password=password,
                now=utcnow(),
                role=Role(role),
                agency_id=agency_id,
            )
    except AccountConflict as conflict:
        click.echo(f"error: {conflict.code}", err=True)
        sys.exit(1)
    click.echo(f"created {role} {user.username} (id {user.id})")


def _agencies(app: Any) -> set[str]:
    return {d.agency.id for d in app.extensions["khidma.registry"].services()}


@users.command("list")
@instance_option()
def list_users(instance: Path) -> None:
    """Officials first (staff, auditors, admins), then citizens: role, username, ID."""
    from sqlalchemy import select

    from khidma.storage.models import User

    app = migrated_app(instance)
    with app.extensions["khidma.db"].session() as session:
        found = session.scalars(select(User).order_by(User.role, User.username)).all()
    for user in found:
        agency = f" ({user.agency_id})" if user.agency_id else ""
        click.echo(
            f"{user.role.value:<8} {user.username or '-':<24} {user.national_id or '-'}"
            f"{agency}{'' if user.is_active else ' [inactive]'}"
        )
