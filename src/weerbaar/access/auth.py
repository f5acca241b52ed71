"""Authentication: argon2 passwords, optional TOTP, expiring web sessions, API bearer tokens."""

from __future__ import annotations

import hashlib
import os
import secrets
from datetime import timedelta

import pyotp
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from weerbaar.access import logbook
from weerbaar.access.models import ApiToken, WebSession
from weerbaar.core.clock import as_utc, now
from weerbaar.core.config import Settings
from weerbaar.core.models import User

# WEERBAAR_WACHTWOORDHASH=test selects argon2's cheapest profile: the test suite builds hundreds of
# worlds of ten users each, and the real profile costs about 0.2 s per hash on a small machine. It is
# set only by tests/conftest.py; `weerbaar server` refuses to start with it (cli/serve.py).
TEST_PROFILE = os.environ.get("WEERBAAR_WACHTWOORDHASH") == "test"
_hasher = PasswordHasher.from_parameters(profiles.CHEAPEST) if TEST_PROFILE else PasswordHasher()
TOKEN_PREFIX = "wb_"
MIN_PASSWORD_LENGTH = 12


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_problems(password: str) -> list[str]:
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"Een wachtwoord heeft minstens {MIN_PASSWORD_LENGTH} tekens.")
    if password.lower() == password or password.upper() == password:
        problems.append("Gebruik hoofdletters én kleine letters.")
    if not any(c.isdigit() for c in password):
        problems.append("Gebruik minstens één cijfer.")
    return problems


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class LoginFailed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


GENERIC_FAILURE = "Onbekende combinatie van e-mailadres en wachtwoord."


def check_password(session: Session, settings: Settings, email: str, password: str) -> User:
    """Verify credentials; counts failures and locks the account after too many."""
    user = session.scalars(select(User).where(User.email == email.strip().lower())).first()
    if user is None or not user.active:
        _hasher.hash("tijdrovend")  # same work as a real check: no user enumeration by timing
        raise LoginFailed(GENERIC_FAILURE)
    if user.locked_until and as_utc(user.locked_until) > now():
        raise LoginFailed(
            "Dit account is tijdelijk geblokkeerd na te veel mislukte pogingen. Probeer het later opnieuw."
        )
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_logins += 1
        if user.failed_logins >= settings.max_failed_logins:
            user.locked_until = now() + timedelta(minutes=settings.lockout_minutes)
            user.failed_logins = 0
        logbook.record(session, None, logbook.LOGIN_FAILED, object_type="gebruiker", object_id=user.id, channel="web")
        raise LoginFailed(GENERIC_FAILURE) from None
    user.failed_logins = 0
    user.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name="Weerbaar")


def check_totp(user: User, code: str) -> bool:
    if not user.totp_secret:
        return True
    return pyotp.TOTP(user.totp_secret).verify(code.strip().replace(" ", ""), valid_window=1)


def start_session(session: Session, settings: Settings, user: User) -> str:
    """Create a web session; returns the cookie value (only its hash is stored)."""
    cookie = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=_digest(cookie),
            user_id=user.id,
            expires_at=now() + timedelta(hours=settings.session_max_hours),
            second_factor_done=user.totp_secret is None,
            csrf_token=secrets.token_urlsafe(24),
        )
    )
    session.flush()
    return cookie


def load_session(session: Session, settings: Settings, cookie: str | None) -> WebSession | None:
    """The live session for a cookie, or None when absent, expired or idle too long."""
    if not cookie:
        return None
    ws = session.get(WebSession, _digest(cookie))
    if ws is None:
        return None
    moment = now()
    idle_limit = as_utc(ws.last_seen) + timedelta(minutes=settings.session_idle_minutes)
    if as_utc(ws.expires_at) <= moment or idle_limit <= moment or not ws.user.active:
        session.delete(ws)
        return None
    ws.last_seen = moment
    return ws


def end_session(session: Session, cookie: str | None) -> None:
    if cookie:
        ws = session.get(WebSession, _digest(cookie))
        if ws is not None:
            session.delete(ws)


def issue_token(session: Session, user: User, label: str, days: int | None = None) -> str:
    """Create an API bearer token for a user; returns it once (only its hash is stored)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            user_id=user.id,
            label=label,
            token_hash=_digest(token),
            prefix=token[:10],
            expires_at=now() + timedelta(days=days) if days else None,
        )
    )
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    row = session.scalars(select(ApiToken).where(ApiToken.token_hash == _digest(token))).first()
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    if row.expires_at is not None and as_utc(row.expires_at) <= now():
        return None
    row.last_used_at = now()
    return row.user
