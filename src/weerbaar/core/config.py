"""Settings from the environment; one immutable object passed down explicitly."""

from __future__ import annotations

import os
import secrets
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
    # Background tiles for the map (/kaart), a Leaflet URL template such as
    # https://tiles.example/{z}/{x}/{y}.png (WEERBAAR_KAART_TEGELS). Unset: a plain background, no
    # outside requests. The tile host must be allowed by the Content-Security-Policy's img-src.
    map_tiles: str | None = None

    def log_key(self) -> bytes:
        """The secret for pseudonyms in the logboek: WEERBAAR_LOGBOEK_SLEUTEL, or a key file in
        the data folder created on first use (readable by the owner only), never the database."""
        if os.environ.get("WEERBAAR_LOGBOEK_SLEUTEL"):
            return os.environ["WEERBAAR_LOGBOEK_SLEUTEL"].encode()
        path = self.data_dir / "logboek.sleutel"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
        return path.read_text().strip().encode()

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        data_dir = _default_data_dir()
        url = os.environ.get("WEERBAAR_DATABASE_URL") or f"sqlite:///{data_dir / 'weerbaar.db'}"
        values: dict[str, object] = {
            "database_url": url,
            "data_dir": data_dir,
            "secure_cookies": os.environ.get("WEERBAAR_SECURE_COOKIES", "") == "1",
        }
        if os.environ.get("WEERBAAR_KAART_TEGELS"):
            values["map_tiles"] = os.environ["WEERBAAR_KAART_TEGELS"]
        if os.environ.get("WEERBAAR_ASSETS"):
            values["assets_dir"] = Path(os.environ["WEERBAAR_ASSETS"])
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
