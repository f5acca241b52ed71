"""Pseudonyms in the logboek use a per-installation secret kept outside the database."""

from __future__ import annotations

import stat

from weerbaar.core import pseudonyms
from weerbaar.core.config import Settings


def test_key_file_is_created_once_and_private(tmp_path, monkeypatch):
    monkeypatch.delenv("WEERBAAR_LOGBOEK_SLEUTEL", raising=False)
    settings = Settings.from_env(database_url="sqlite://", data_dir=tmp_path)
    first = settings.log_key()
    assert len(first) == 64
    assert settings.log_key() == first  # stable across calls and restarts
    mode = stat.S_IMODE((tmp_path / "logboek.sleutel").stat().st_mode)
    assert mode == 0o600


def test_environment_key_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("WEERBAAR_LOGBOEK_SLEUTEL", "een-geheime-sleutel-van-de-gemeente")
    settings = Settings.from_env(database_url="sqlite://", data_dir=tmp_path)
    assert settings.log_key() == b"een-geheime-sleutel-van-de-gemeente"
    assert not (tmp_path / "logboek.sleutel").exists()


def test_pseudonym_depends_on_the_key():
    try:
        pseudonyms.configure_key(b"a" * 32)
        first = pseudonyms.pseudonymise("111222333")
        assert pseudonyms.pseudonymise("111222333") == first
        pseudonyms.configure_key(b"b" * 32)
        assert pseudonyms.pseudonymise("111222333") != first
        assert "111222333" not in first
    finally:
        pseudonyms.configure_key(b"test-sleutel-" * 3)


def test_short_keys_are_refused():
    import pytest

    with pytest.raises(ValueError, match="te kort"):
        pseudonyms.configure_key(b"kort")
