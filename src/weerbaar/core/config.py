"""Settings from the environment; one immutable object passed down explicitly."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = PACKAGE_DIR.parent.parent


def _default_data_dir() -> Path:
    return Path(os.environ.get("WEERBAAR_DATA", PROJECT_DIR / "data"))


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    catalogue_dir: Path = field(default=PACKAGE_DIR / "catalogus")
    assets_dir: Path = field(default=PROJECT_DIR / "node_modules")
    # Web sessions: an idle timeout and an absolute lifetime (BIO: sessions must expire).
    session_idle_minutes: int = 30
    session_max_hours: int = 10
    # Failed logins before an account is locked for `lockout_minutes`.
    max_failed_logins: int = 5
    lockout_minutes: int = 15
    # Cookies are Secure unless we serve plain http on localhost (demo, tests).
    secure_cookies: bool = False

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        data_dir = _default_data_dir()
        url = os.environ.get("WEERBAAR_DATABASE_URL") or f"sqlite:///{data_dir / 'weerbaar.db'}"
        values: dict[str, object] = {
            "database_url": url,
            "data_dir": data_dir,
            "secure_cookies": os.environ.get("WEERBAAR_SECURE_COOKIES", "") == "1",
        }
        if os.environ.get("WEERBAAR_ASSETS"):
            values["assets_dir"] = Path(os.environ["WEERBAAR_ASSETS"])
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
