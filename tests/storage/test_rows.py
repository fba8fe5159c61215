"""Model instances read on a Core connection (`khidma.storage.rows`): the same object a
session would have loaded and closed."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy import select

from khidma.storage import Database
from khidma.storage import Role
from khidma.storage import User
from khidma.storage.rows import columns
from khidma.storage.rows import detached


def _user(database: Database) -> int:
    with database.session() as session:
        user = User(username="salem", name_ar="سالم", name_en="Salem", role=Role.CITIZEN)
        session.add(user)
        session.flush()
        return user.id


def test_a_detached_row_is_the_instance_a_session_loads(database: Database) -> None:
    user_id = _user(database)
    with database.session() as session:
        loaded = session.get(User, user_id)
    with database.connection() as connection:
        row = connection.execute(select(*columns(User)).where(User.id == user_id)).one()
    made = detached(User, row)
    keys = [attribute.key for attribute in inspect(User).column_attrs]
    assert {k: getattr(made, k) for k in keys} == {k: getattr(loaded, k) for k in keys}
    state = inspect(made)
    assert state.detached and state.key == inspect(loaded).key
    assert not state.unloaded and not state.modified


def test_extra_values_after_the_columns_are_ignored(database: Database) -> None:
    user_id = _user(database)
    with database.connection() as connection:
        row = connection.execute(select(*columns(User), 42).where(User.id == user_id)).one()
    assert detached(User, row).id == user_id


def test_attached_to_a_session_it_is_updated_not_inserted(database: Database) -> None:
    user_id = _user(database)
    with database.connection() as connection:
        row = connection.execute(select(*columns(User)).where(User.id == user_id)).one()
    user = detached(User, row)
    with database.session(write=True) as session:
        session.add(user)
        user.name_en = "Salem A."
    with database.session() as session:
        assert session.scalar(select(User.name_en).where(User.id == user_id)) == "Salem A."
        assert session.scalar(select(User.id).order_by(User.id.desc())) == user_id
