"""docs/delivery.md stays true: every setting of the delivery block is described."""

from __future__ import annotations

from pathlib import Path

from khidma.config import DEFAULTS

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "delivery.md"


def delivery_settings() -> list[str]:
    names = list(DEFAULTS)
    block = names[names.index("DELIVERY_POLL_SECONDS") : names.index("SMS_TIMEOUT_SECONDS") + 1]
    return [*block, "DRAFT_TTL_DAYS"]


def test_every_delivery_setting_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [n for n in delivery_settings() if f"`KHIDMA_{n}`" not in text]
    assert missing == []


def test_the_readme_links_the_delivery_doc() -> None:
    assert "(docs/delivery.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
