"""The core stays pure: no web framework, no forms library, no database.

The engine, the definition compiler, the expression language and the field types must
run in a worker, a CLI or a test without Flask or SQLAlchemy. Two checks: every `import`
statement of every module of the core (read, not run — an import inside a function
counts too), and a fresh interpreter that imports the whole core and then looks at what
got loaded (catching a forbidden module pulled in through a third-party one).
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

CORE_PACKAGES = ("khidma.engine", "khidma.definitions", "khidma.fields")
CORE_MODULES = (
    "khidma.expressions",
    "khidma.expression_syntax",
    "khidma.formatting",  # numbers, money and days for every output
    # the pure rules of payments: amounts, fees, provider states, the gateway's data
    "khidma.payments.money",
    "khidma.payments.fees",
    "khidma.payments.states",
    "khidma.payments.gateway",
    # the pure booking engine: slots of a resource, may book / cancel / move
    "khidma.booking",
    "khidma.booking.slots",
    "khidma.booking.rules",
    "khidma.booking.referrals",
    "khidma.booking.words",
    # `khidma test`: scenarios run through the engine alone
    "khidma.scenarios",
)
FORBIDDEN = ("flask", "werkzeug", "wtforms", "sqlalchemy")


def _forbidden(module: str) -> bool:
    top = module.split(".")[0].lower()
    return top in FORBIDDEN or top.startswith("flask_")  # Flask extensions are Flask too


def core_modules() -> list[str]:
    names = list(CORE_MODULES)
    for package_name in CORE_PACKAGES:
        package = importlib.import_module(package_name)
        names.append(package_name)
        names.extend(
            info.name for info in pkgutil.walk_packages(package.__path__, prefix=package_name + ".")
        )
    return sorted(names)


def imported_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value)
    return names


def test_the_core_has_modules_to_check() -> None:
    modules = core_modules()
    assert "khidma.engine.evaluate" in modules
    assert "khidma.definitions.compiler" in modules


@pytest.mark.parametrize("module_name", core_modules())
def test_no_core_module_imports_the_web_or_the_database(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert module.__file__ is not None
    bad = sorted(n for n in imported_names(Path(module.__file__)) if _forbidden(n))
    assert bad == [], f"{module_name} imports {bad}; keep the core free of web and database"


def test_importing_the_core_loads_no_web_or_database_module() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = [m for m in result.stdout.split() if _forbidden(m)]
    assert loaded == [], f"importing the core loads {loaded}"


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("import flask", {"flask"}),
        ("from sqlalchemy.orm import Session", {"sqlalchemy.orm"}),
        ("def f():\n    import wtforms", {"wtforms"}),
        ("import importlib\nimportlib.import_module('werkzeug')", {"importlib", "werkzeug"}),
        ("from . import sibling", set()),
    ],
)
def test_the_scanner_sees_every_kind_of_import(
    tmp_path: Path, source: str, found: set[str]
) -> None:
    path = tmp_path / "module.py"
    path.write_text(source, encoding="utf-8")
    assert imported_names(path) == found
