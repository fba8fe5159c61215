"""The definition cache's compiled half: a hit gives the same definition, a tampered entry
or a changed shared list compiles again, a folder open to others is not used."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from khidma.definitions.cache import DefinitionCache
from khidma.definitions.loader import load

ROOT = Path(__file__).resolve().parents[2]


def _services(tmp_path: Path) -> Path:
    folder = tmp_path / "services"
    shutil.copytree(ROOT / "services.d", folder)
    return folder


def test_hit_gives_the_same_definitions(tmp_path: Path) -> None:
    folder = _services(tmp_path)
    cache = DefinitionCache(tmp_path / "cache")
    assert cache.compiled is not None
    first = load([folder], cache=cache)
    again = load([folder], cache=DefinitionCache(tmp_path / "cache"))
    assert [d.hash for d in again.services] == [d.hash for d in first.services]
    assert [d.id for d in again.services] == [d.id for d in first.services]
    assert again.problems == first.problems
    assert oct((tmp_path / "cache").stat().st_mode & 0o777) == "0o700"
    assert oct((tmp_path / "cache" / "key").stat().st_mode & 0o777) == "0o600"
    # the restored expressions still evaluate
    for before, after in zip(first.services, again.services, strict=True):
        for field in before.all_fields():
            restored = after.field(field.id)
            assert (restored.visible_when is None) == (field.visible_when is None)
            if field.visible_when is not None and restored.visible_when is not None:
                assert restored.visible_when.source == field.visible_when.source


def test_tampered_entry_is_ignored(tmp_path: Path) -> None:
    folder = _services(tmp_path)
    first = load([folder], cache=DefinitionCache(tmp_path / "cache"))
    for entry in (tmp_path / "cache").rglob("*.compiled"):
        blob = bytearray(entry.read_bytes())
        blob[-1] ^= 1
        entry.write_bytes(bytes(blob))
    again = load([folder], cache=DefinitionCache(tmp_path / "cache"))
    assert [d.hash for d in again.services] == [d.hash for d in first.services]


def test_changed_shared_list_compiles_again(tmp_path: Path) -> None:
    folder = _services(tmp_path)
    lists = [f for f in folder.glob("*.yaml") if "kind: lists" in f.read_text("utf-8")]
    if not lists:
        return
    load([folder], cache=DefinitionCache(tmp_path / "cache"))
    target = lists[0]
    target.write_text(target.read_text("utf-8") + "\n# changed\n", "utf-8")
    cold = load([folder])
    warm = load([folder], cache=DefinitionCache(tmp_path / "cache"))
    assert [d.hash for d in warm.services] == [d.hash for d in cold.services]


def test_folder_open_to_others_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    os.chmod(folder, 0o777)
    assert DefinitionCache(folder).compiled is None
