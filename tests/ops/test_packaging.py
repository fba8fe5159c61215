"""The wheel a deployment installs holds the whole platform.

An editable install (`make run`, `make test`) finds any package folder below
`platform/khidma`; a wheel holds only the packages `pyproject.toml` names and the data its
package-data patterns match. A folder added but not named worked in every test and was
missing in production, as `khidma.booking` and `khidma.definitions.blocks` were.
"""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "setuptools"
]


def _on_disk() -> set[str]:
    found = set()
    for package, folder in SETUPTOOLS["package-dir"].items():
        for init in (ROOT / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / folder)
            found.add(".".join((package, *relative.parts)))
    return found


def test_every_package_folder_is_named() -> None:
    assert _on_disk() - set(SETUPTOOLS["packages"]) == set(), "add these to pyproject.toml"
    assert set(SETUPTOOLS["packages"]) - _on_disk() == set(), "these are named but absent"


def test_every_data_file_is_matched_by_package_data() -> None:
    """Each file of a package folder that is not Python (templates, fonts, schemas, the
    migration template) is matched by a package-data pattern of the package that holds it."""
    unmatched = []
    for package, folder in SETUPTOOLS["package-dir"].items():
        base = ROOT / folder
        for path in base.rglob("*"):
            if not path.is_file() or path.suffix in {".py", ".pyc"} or "__pycache__" in path.parts:
                continue
            owner = path.parent
            while not (owner / "__init__.py").exists():
                owner = owner.parent
            dotted = ".".join((package, *owner.relative_to(base).parts))
            if dotted not in SETUPTOOLS["packages"]:
                continue  # a package the test above names
            inside = path.relative_to(owner).as_posix()
            patterns = SETUPTOOLS.get("package-data", {}).get(dotted, [])
            if not any(
                fnmatch(inside, p) or fnmatch(inside, p.replace("**/", "")) for p in patterns
            ):
                unmatched.append(f"{dotted}: {inside}")
    assert unmatched == []
