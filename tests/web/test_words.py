"""The platform's words: one catalog per feature, no key in two catalogs, every key a
template or a view asks for defined, and each word in both languages."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from khidma.words import CATALOGS
from khidma.words import DuplicateWord
from khidma.words import merge
from khidma.words import words

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "renderer" / "templates"
# t('key') / w('key'), t("key"), or the literal start of a key built with ~, + or f"…{x}"
USE = re.compile(r"""\b[tw]\(\s*(f?)(['"])([A-Za-z0-9_.]+)(\{|\2\s*(~|\+)?)""")

# The same words under two keys, each kept until the files that use the second key fold
# it into the first (wizard templates: the wizard's owner; auth: identity's). The list
# may only shrink: a new pair fails the test.
SAME_WORDS_KNOWN = {
    frozenset({"agency", "auth.agency"}),
    frozenset({"my_requests", "wizard.my_requests"}),
    frozenset({"submitted_on", "wizard.submitted_on"}),
    frozenset({"status", "wizard.status"}),
    frozenset({"error", "wizard.error", "auth.error"}),
    frozenset({"there_is_a_problem", "wizard.there_is_a_problem", "auth.there_is_a_problem"}),
    frozenset({"service", "wizard.service"}),
    frozenset({"wizard.completed", "auth.step_done"}),
    frozenset({"wizard.continue", "auth.continue"}),
    frozenset({"auth.password", "auth.new_password"}),
    frozenset({"auth.step.code", "auth.code"}),
}


def uses() -> list[tuple[str, str, bool]]:
    """(file, key or key prefix, is it a prefix) for every word asked for."""
    found = []
    sources = [*TEMPLATES.rglob("*.html"), *TEMPLATES.rglob("*.txt")]
    sources += [*(ROOT / "platform" / "khidma").rglob("*.py"), *(ROOT / "renderer").glob("*.py")]
    for path in sources:
        for m in USE.finditer(path.read_text(encoding="utf-8")):
            prefix = bool(m.group(1)) or m.group(4) == "{" or bool(m.group(5))
            found.append((str(path.relative_to(ROOT)), m.group(3), prefix))
    return found


def test_a_key_in_two_catalogs_is_refused() -> None:
    with pytest.raises(DuplicateWord, match=r"'card' and 'account'"):
        merge({"card": {"x.title": ("أ", "A")}, "account": {"x.title": ("ب", "B")}})


def test_a_word_needs_both_languages() -> None:
    with pytest.raises(ValueError, match="an Arabic and an English text"):
        merge({"card": {"x": ("أ", "")}})
    assert merge({"card": {"x": {"ar": "أ", "en": "A"}}}).get("x", "en") == "A"


def test_the_catalogs_merge_without_a_key_defined_twice() -> None:
    merged = words()
    assert set(merged.origin.values()) == set(CATALOGS)
    assert len(merged.texts) > 250


def test_every_word_asked_for_is_defined() -> None:
    merged = words()
    found = uses()
    assert len(found) > 300  # the scan sees the templates and the views
    missing = [
        (path, key)
        for path, key, prefix in found
        if not (any(k.startswith(key) for k in merged.texts) if prefix else key in merged)
    ]
    assert missing == []


def test_each_word_says_the_same_in_both_languages() -> None:
    for key, (ar, en) in words().texts.items():
        assert ar.strip() and en.strip(), key
        assert set(re.findall(r"{\w+}", ar)) == set(re.findall(r"{\w+}", en)), key


def test_no_new_word_is_defined_twice_under_another_key() -> None:
    by_text: dict[tuple[str, str], set[str]] = defaultdict(set)
    for key, pair in words().texts.items():
        by_text[pair].add(key)
    repeated = {frozenset(keys) for keys in by_text.values() if len(keys) > 1}
    assert repeated <= SAME_WORDS_KNOWN, repeated - SAME_WORDS_KNOWN


def test_the_renderer_and_the_views_define_no_words_of_their_own() -> None:
    """Words live in catalogs only: no `WORDS` table in the renderer or the web views."""
    for path in [*(ROOT / "renderer").glob("*.py"), *(ROOT / "platform/khidma/web").glob("*.py")]:
        assert not re.search(r"^WORDS\b[^=]*=\s*\{", path.read_text(), re.M), path
