"""The services the platform serves now, and every version a stored request was made with."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from khidma.definitions.model import ServiceDefinition


class DefinitionRegistry:
    """Current definition per service id, plus every version ever registered, by hash.

    Replacing the current set (a reload) never forgets an older version: a draft or a
    submission pinned to it can still be shown and validated with the rules it was made
    under. Reads are lock-free; a reload swaps whole dictionaries.
    """

    def __init__(self, definitions: Iterable[ServiceDefinition] = ()) -> None:
        self._lock = threading.Lock()
        self._current: dict[str, ServiceDefinition] = {}
        self._versions: dict[tuple[str, str], ServiceDefinition] = {}
        self.replace(definitions)

    def replace(self, definitions: Iterable[ServiceDefinition]) -> None:
        """Make `definitions` the current set (services not in it are withdrawn)."""
        with self._lock:
            current = {d.id: d for d in definitions}
            versions = dict(self._versions)
            versions.update({(d.id, d.hash): d for d in current.values()})
            self._current, self._versions = current, versions

    def remember(self, definition: ServiceDefinition) -> None:
        """Keep an older version available (e.g. recompiled from a stored snapshot)."""
        with self._lock:
            self._versions = {**self._versions, (definition.id, definition.hash): definition}

    def current(self, service_id: str) -> ServiceDefinition:
        return self._current[service_id]

    def get(self, service_id: str) -> ServiceDefinition | None:
        return self._current.get(service_id)

    def version(self, service_id: str, content_hash: str) -> ServiceDefinition | None:
        return self._versions.get((service_id, content_hash))

    def services(self) -> list[ServiceDefinition]:
        return sorted(self._current.values(), key=lambda d: (d.agency.id, d.id))

    def __contains__(self, service_id: object) -> bool:
        return service_id in self._current

    def __len__(self) -> int:
        return len(self._current)
