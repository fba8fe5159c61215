"""Demo accounts for `khidma run --demo`: one of each role, with known passwords.

Development data only: the passwords are printed and the same on every machine. Running
it again resets these accounts to the printed passwords (and unlocks them).
"""

from __future__ import annotations

from sqlalchemy import select

from khidma.definitions.registry import DefinitionRegistry
from khidma.identity.accounts import set_password
from khidma.identity.accounts import upsert_from_claims
from khidma.identity.personas import Persona
from khidma.identity.personas import personas
from khidma.storage.db import Database
from khidma.storage.models import Role
from khidma.storage.models import User
from khidma.storage.models import UserSource
from khidma.storage.types import utcnow

DEMO_PASSWORD = "demo-{key}-1446"


def _demo_personas(registry: DefinitionRegistry) -> list[Persona]:
    everyone = personas(registry)
    picked = [p for p in everyone if p.key in ("citizen", "resident")]
    picked += [p for p in everyone if p.role is Role.STAFF]
    picked += [p for p in everyone if p.role in (Role.AUDITOR, Role.ADMIN)]
    return picked


def create_demo_users(
    database: Database, registry: DefinitionRegistry
) -> list[tuple[str, str, str, str]]:
    """Create (or reset) the demo accounts; returns (role, username, password, note) for
    each, to print: a citizen, a resident, a member of staff of every agency, an auditor
    and an administrator. Each can also sign in through the development SSO page."""
    rows: list[tuple[str, str, str, str]] = []
    now = utcnow()
    with database.session(write=True) as session:
        for persona in _demo_personas(registry):
            user, _ = upsert_from_claims(
                session, persona.claims, now=now, role=persona.role, agency_id=persona.agency_id
            )
            taken = session.scalar(
                select(User.id).where(User.username == persona.username, User.id != user.id)
            )
            if taken is None:
                user.username = persona.username
            password = DEMO_PASSWORD.format(key=persona.key.split(":")[0])
            set_password(user, password)
            user.is_supervisor = persona.supervisor
            user.source = UserSource.LOCAL
            user.identity_verified_at = now  # development personas: known identities
            user.last_login_at = None
            note = f"{persona.label.en}; ID {persona.claims.national_id}"
            if persona.agency_id:
                note += f"; agency {persona.agency_id}"
            rows.append((persona.role.value, user.username or "", password, note))
    return rows


def describe(rows: list[tuple[str, str, str, str]]) -> str:
    """The sign-in instructions `khidma run --demo` prints."""
    width = max((len(r[1]) for r in rows), default=8)
    lines = ["Demo accounts (sign in at /auth/sign-in with the username or the ID number):"]
    for role, username, password, note in rows:
        lines.append(f"  {role:<8} {username:<{width}}  {password:<20} {note}")
    lines.append("Or choose a persona at /auth/dev-sso (development mode only).")
    return "\n".join(lines)
