"""The engine tests' fixture services, compiled once per session: `permit`
(`fixtures/engine_permit.yaml`, a small service that exercises the engine) and `minimal`
(`fixtures/minimal.yaml`). Compiled definitions are frozen, so tests may share them."""

from __future__ import annotations

from pathlib import Path

import pytest

from khidma.definitions.loader import load
from khidma.definitions.model import ServiceDefinition

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_service(name: str) -> ServiceDefinition:
    """The one service of `fixtures/<name>`, which must load without a problem."""
    result = load([FIXTURES / name])
    assert not result.problems, result.problems
    (service,) = result.services
    return service


@pytest.fixture(scope="session")
def permit() -> ServiceDefinition:
    return fixture_service("engine_permit.yaml")


@pytest.fixture(scope="session")
def minimal() -> ServiceDefinition:
    return fixture_service("minimal.yaml")
