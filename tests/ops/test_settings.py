"""Settings a production deployment must get right, refused at start-up when wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from khidma.config import load_settings

STRONG = "k3P9-vQ2x_Lm8Rt5Zy7Wb1Nc4Hd6Jf0Ga"


@pytest.mark.parametrize("weak", ["x", "changeme", "a" * 64, "ab" * 40, "secret-key-2025"])
def test_weak_or_short_secret_keys_are_refused(tmp_path: Path, weak: str) -> None:
    with pytest.raises(RuntimeError, match="KHIDMA_SECRET_KEY is too weak"):
        load_settings(tmp_path, environ={"KHIDMA_SECRET_KEY": weak})


def test_a_strong_secret_key_is_accepted(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, environ={"KHIDMA_SECRET_KEY": STRONG})
    assert settings["SECRET_KEY"] == STRONG


def test_a_missing_secret_key_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="token_urlsafe"):
        load_settings(tmp_path, environ={})


def test_development_makes_its_own_key(tmp_path: Path) -> None:
    first = load_settings(tmp_path, environ={"KHIDMA_DEV": "1"})["SECRET_KEY"]
    assert len(first) >= 32
    assert load_settings(tmp_path, environ={"KHIDMA_DEV": "1"})["SECRET_KEY"] == first


def test_redis_url_holds_the_rate_limit_counters(tmp_path: Path) -> None:
    settings = load_settings(
        tmp_path,
        environ={"KHIDMA_SECRET_KEY": STRONG, "KHIDMA_REDIS_URL": "redis://10.0.0.5:6379/2"},
    )
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://10.0.0.5:6379/2"


def test_trusted_proxies_must_be_a_number(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="KHIDMA_TRUSTED_PROXIES must be a whole number"):
        load_settings(
            tmp_path, environ={"KHIDMA_SECRET_KEY": STRONG, "KHIDMA_TRUSTED_PROXIES": "yes"}
        )


def test_logs_are_json_outside_development(tmp_path: Path) -> None:
    assert load_settings(tmp_path, environ={"KHIDMA_SECRET_KEY": STRONG})["LOG_FORMAT"] == "json"
    assert load_settings(tmp_path, environ={"KHIDMA_DEV": "1"})["LOG_FORMAT"] == "text"
