"""What every folder of tests shares: the suite's one browser (tests/browser.py), password
hashing cheap enough for tests, and the service definitions compiled once per session.

Each folder keeps its own `app` fixture (its settings differ: development mode, CSRF,
database), so any folder runs on its own with plain `pytest tests/<folder>`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher, Type

import khidma.app
from khidma.definitions.loader import LoadResult, load
from khidma.identity import passwords

pytest_plugins = ["tests.browser"]

# argon2id still, with the smallest cost it takes: the real parameters (64 MiB, 3 passes)
# spend over a second per hash on this machine, and the suite signs up hundreds of times.
# tests/identity/test_units.py checks the real ones through `real_password_hashing`.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
REAL_HASHER = passwords._HASHER


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    passwords._HASHER = CHEAP_HASHER
    passwords._dummy_hash.cache_clear()
    yield
    passwords._HASHER = REAL_HASHER
    passwords._dummy_hash.cache_clear()


@pytest.fixture
def real_password_hashing() -> Iterator[None]:
    """The production argon2 parameters, for the test that checks them."""
    passwords._HASHER = REAL_HASHER
    passwords._dummy_hash.cache_clear()
    yield
    passwords._HASHER = CHEAP_HASHER
    passwords._dummy_hash.cache_clear()


def _fingerprint(paths: Iterable[str | Path]) -> tuple[Any, ...]:
    """What a load depends on: every definition file's path, size and modification."""
    found = []
    for path in paths:
        root = Path(path).resolve()
        files = sorted(root.rglob("*.y*ml")) if root.is_dir() else [root]
        found += [(str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files if f.exists()]
    return tuple(found)


_LOADED: dict[tuple[Any, ...], LoadResult] = {}


def load_once(paths: Iterable[str | Path], *args: Any, **kwargs: Any) -> LoadResult:
    """`load`, compiled once per session for the same unchanged files. The compiled
    definitions are frozen, so apps may share them; each app still builds its own
    registry (which remembers pinned versions per app)."""
    paths = list(paths)
    if args or kwargs:
        return load(paths, *args, **kwargs)
    key = _fingerprint(paths)
    if key not in _LOADED:
        _LOADED[key] = load(paths)
    cached = _LOADED[key]
    return dataclasses.replace(
        cached,
        services=list(cached.services),
        lists=dict(cached.lists),
        problems=list(cached.problems),
    )


@pytest.fixture(scope="session", autouse=True)
def definitions_loaded_once() -> Iterator[None]:
    real = khidma.app.load
    khidma.app.load = load_once  # type: ignore[assignment]
    yield
    khidma.app.load = real
