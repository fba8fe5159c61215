"""Khidma: government e-services from one YAML file each."""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any


def _defer_cel_cli() -> None:
    """The `cel` package's `__init__` imports its own command line (typer, rich,
    prompt_toolkit): most of a second at every start of the platform or of `khidma
    check`, for a module the platform never uses. A stand-in `cel.cli` is registered
    first; it imports the real one the first time anything reads from it."""
    if "cel" in sys.modules or "cel.cli" in sys.modules:
        return
    package = importlib.util.find_spec("cel")  # locates the package without running it
    if package is None:
        return
    stand_in = types.ModuleType("cel.cli")
    stand_in.__spec__ = importlib.machinery.ModuleSpec("cel.cli", None)

    def real(name: str) -> Any:
        if sys.modules.get("cel.cli") is stand_in:
            del sys.modules["cel.cli"]
        return getattr(importlib.import_module("cel.cli"), name)

    stand_in.__getattr__ = real  # type: ignore[method-assign]
    sys.modules["cel.cli"] = stand_in


_defer_cel_cli()
