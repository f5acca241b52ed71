"""Authentication: argon2 passwords, lockout, API tokens, expiring web sessions, TOTP."""

from __future__ import annotations

import dataclasses
import os
from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from weerbaar.access import auth, logbook
from weerbaar.access.models import AccessLogEntry, ApiToken, WebSession
from weerbaar.core.clock import now
from weerbaar.core.config import Settings
from weerbaar.core.models import User
from weerbaar.core.runtime import Runtime

from .world import PASSWORD, World


def attempt(rt: Runtime, email: str, password: str, settings: Settings | None = None) -> str:
    """One login attempt in its own transaction, as a login page would do it; returns the
    user id or the Dutch failure reason. The failure count must survive the refusal."""
    with rt.db.transaction() as s:
        try:
            return auth.check_password(s, settings or rt.settings, email, password).id
        except auth.LoginFailed as exc:
            return exc.reason


# --------------------------------------------------------------------------------------------
# Passwords
# --------------------------------------------------------------------------------------------
def test_password_is_stored_as_argon2_and_verifies(runtime: Runtime, world: World) -> None:
    user = world["woco"].user
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    assert attempt(runtime, "WOCO@woco.example ", PASSWORD) == user.id


def test_outside_the_test_suite_passwords_get_argon2s_full_profile() -> None:
    """The suite hashes with argon2's cheapest profile (conftest); a server, the CLI and the demo
    use the library's default (RFC 9106 low-memory: 64 MiB, 3 passes, 4 lanes)."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "WEERBAAR_WACHTWOORDHASH"}
    code = "from weerbaar.access import auth; print(auth.TEST_PROFILE, auth.hash_password('Lang-genoeg-wachtwoord-1'))"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    profile, hashed = out.split()
    assert profile == "False" and hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert auth.TEST_PROFILE  # and this process is the suite


def test_wrong_password_and_unknown_user_get_the_same_answer(runtime: Runtime, world: World) -> None:
    wrong = attempt(runtime, "woco@woco.example", "Fout-wachtwoord-9")
    unknown = attempt(runtime, "niemand@nergens.example", PASSWORD)
    assert wrong == unknown == auth.GENERIC_FAILURE


def test_inactive_user_cannot_log_in(runtime: Runtime, world: World) -> None:
    with runtime.db.transaction() as s:
        s.get(User, world["woco"].user.id).active = False  # type: ignore[union-attr]
    assert attempt(runtime, "woco@woco.example", PASSWORD) == auth.GENERIC_FAILURE


@pytest.mark.parametrize(("password", "problems"), [
    ("kort1A", 1), ("alleenkleineletters1", 1), ("ALLEENHOOFDLETTERS1", 1), ("GeenCijfersHierZo", 1),
    ("kort", 3), ("Test-wachtwoord-1", 0),
])
def test_password_strength_rules(password: str, problems: int) -> None:
    assert len(auth.password_problems(password)) == problems


def test_failed_logins_are_logged_without_the_password(runtime: Runtime, world: World) -> None:
    attempt(runtime, "woco@woco.example", "Geraden-wachtwoord-7")
    with runtime.db.session() as s:
        rows = s.scalars(sa.select(AccessLogEntry).where(AccessLogEntry.action == logbook.LOGIN_FAILED)).all()
    assert [r.object_id for r in rows] == [world["woco"].user.id]
    assert "Geraden-wachtwoord-7" not in repr([(r.details, r.purpose) for r in rows])


# --------------------------------------------------------------------------------------------
# Lockout
# --------------------------------------------------------------------------------------------
def test_account_locks_after_max_failures_and_refuses_the_right_password(runtime: Runtime, world: World) -> None:
    n = runtime.settings.max_failed_logins
    for _ in range(n - 1):
        attempt(runtime, "woco@woco.example", "Fout-wachtwoord-9")
    assert attempt(runtime, "woco@woco.example", PASSWORD) == world["woco"].user.id  # resets the count
    for _ in range(n):
        attempt(runtime, "woco@woco.example", "Fout-wachtwoord-9")
    assert "geblokkeerd" in attempt(runtime, "woco@woco.example", PASSWORD)


def test_lockout_respects_the_configured_threshold(runtime: Runtime, world: World) -> None:
    strict = dataclasses.replace(runtime.settings, max_failed_logins=2)
    attempt(runtime, "woco@woco.example", "Fout-wachtwoord-9", strict)
    before = attempt(runtime, "woco@woco.example", PASSWORD, strict)
    attempt(runtime, "woco@woco.example", "Fout-wachtwoord-9", strict)
    attempt(runtime, "woco@woco.example", "Fout-wachtwoord-9", strict)
    assert (before, "geblokkeerd" in attempt(runtime, "woco@woco.example", PASSWORD, strict)) == (
        world["woco"].user.id, True)


def test_lock_expires(runtime: Runtime, world: World) -> None:
    for _ in range(runtime.settings.max_failed_logins):
        attempt(runtime, "woco@woco.example", "Fout-wachtwoord-9")
    with runtime.db.transaction() as s:
        user = s.get(User, world["woco"].user.id)
        assert user is not None and user.locked_until is not None
        user.locked_until = now() - timedelta(seconds=1)  # the lock period has passed
    assert attempt(runtime, "woco@woco.example", PASSWORD) == world["woco"].user.id


def test_lockout_is_per_account(runtime: Runtime, world: World) -> None:
    for _ in range(runtime.settings.max_failed_logins):
        attempt(runtime, "woco@woco.example", "Fout-wachtwoord-9")
    assert attempt(runtime, "woco2@woco.example", PASSWORD) == world["woco2"].user.id


# --------------------------------------------------------------------------------------------
# API tokens
# --------------------------------------------------------------------------------------------
def _token_row(rt: Runtime, user_id: str) -> sa.Update:
    return sa.update(ApiToken).where(ApiToken.user_id == user_id)


def test_token_is_stored_only_as_a_hash(runtime: Runtime, world: World) -> None:
    with runtime.db.session() as s:
        row = s.scalars(sa.select(ApiToken).where(ApiToken.user_id == world["woco"].user.id)).one()
    assert world["woco"].token not in (row.token_hash, row.prefix) and row.prefix == world["woco"].token[:10]


def test_valid_token_is_accepted_and_last_use_recorded(app_client: TestClient, runtime: Runtime,
                                                       world: World) -> None:
    assert app_client.get("/api/v1/signalen", headers=world["woco"].headers).status_code == 200
    with runtime.db.session() as s:
        row = s.scalars(sa.select(ApiToken).where(ApiToken.user_id == world["woco"].user.id)).one()
    assert row.last_used_at is not None


@pytest.mark.parametrize("change", ["revoked", "expired", "user_inactive"])
def test_revoked_expired_or_inactive_token_is_refused(app_client: TestClient, runtime: Runtime, world: World,
                                                      change: str) -> None:
    user_id = world["woco"].user.id
    with runtime.db.transaction() as s:
        if change == "revoked":
            s.execute(_token_row(runtime, user_id).values(revoked_at=now()))
        elif change == "expired":
            s.execute(_token_row(runtime, user_id).values(expires_at=now() - timedelta(minutes=1)))
        else:
            s.execute(sa.update(User).where(User.id == user_id).values(active=False))
    r = app_client.get("/api/v1/signalen", headers=world["woco"].headers)
    other = app_client.get("/api/v1/signalen", headers=world["woco2"].headers)
    assert (r.status_code, other.status_code) == (401, 200)


def test_token_with_lifetime_works_until_it_expires(app_client: TestClient, runtime: Runtime,
                                                    world: World) -> None:
    with runtime.db.transaction() as s:
        token = auth.issue_token(s, s.get(User, world["woco"].user.id), "kort", days=1)  # type: ignore[arg-type]
    with runtime.db.session() as s:
        row = s.scalars(sa.select(ApiToken).where(ApiToken.label == "kort")).one()
    lifetime = row.expires_at.replace(tzinfo=None) - row.created_at.replace(tzinfo=None)  # type: ignore[union-attr]
    headers = {"Authorization": f"Bearer {token}"}
    assert app_client.get("/api/v1/signalen", headers=headers).status_code == 200
    assert timedelta(hours=23) < lifetime <= timedelta(days=1, seconds=5)


# --------------------------------------------------------------------------------------------
# Web sessions
# --------------------------------------------------------------------------------------------
def _start(rt: Runtime, user_id: str) -> str:
    with rt.db.transaction() as s:
        return auth.start_session(s, rt.settings, s.get(User, user_id))  # type: ignore[arg-type]


def _load(rt: Runtime, cookie: str | None, settings: Settings | None = None) -> str | None:
    with rt.db.transaction() as s:
        ws = auth.load_session(s, settings or rt.settings, cookie)
        return ws.user_id if ws else None


def _age(rt: Runtime, **values: object) -> None:
    with rt.db.transaction() as s:
        s.execute(sa.update(WebSession).values(**values))


def test_session_loads_while_fresh(runtime: Runtime, world: World) -> None:
    cookie = _start(runtime, world["coordinator"].user.id)
    assert (_load(runtime, cookie), _load(runtime, cookie)) == (world["coordinator"].user.id,) * 2


def test_session_cookie_is_stored_only_as_a_hash(runtime: Runtime, world: World) -> None:
    cookie = _start(runtime, world["coordinator"].user.id)
    with runtime.db.session() as s:
        stored = s.scalars(sa.select(WebSession.token_hash)).all()
    assert len(stored) == 1 and cookie not in stored


@pytest.mark.parametrize("cookie", [None, "", "bestaat-niet"])
def test_no_or_unknown_cookie_is_no_session(runtime: Runtime, world: World, cookie: str | None) -> None:
    assert _load(runtime, cookie) is None


def test_session_expires_after_idle_time_and_is_removed(runtime: Runtime, world: World) -> None:
    cookie = _start(runtime, world["coordinator"].user.id)
    idle = timedelta(minutes=runtime.settings.session_idle_minutes, seconds=1)
    _age(runtime, last_seen=now() - idle)
    assert _load(runtime, cookie) is None
    with runtime.db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(WebSession)) == 0


def test_activity_keeps_the_session_alive(runtime: Runtime, world: World) -> None:
    cookie = _start(runtime, world["coordinator"].user.id)
    almost = timedelta(minutes=runtime.settings.session_idle_minutes - 1)
    _age(runtime, last_seen=now() - almost)
    assert _load(runtime, cookie) == world["coordinator"].user.id  # and refreshes last_seen
    _age(runtime, created_at=now())  # unrelated column, to prove the next load reads fresh data
    assert _load(runtime, cookie) == world["coordinator"].user.id


def test_session_expires_at_its_absolute_end_even_when_active(runtime: Runtime, world: World) -> None:
    cookie = _start(runtime, world["coordinator"].user.id)
    _age(runtime, expires_at=now() - timedelta(seconds=1), last_seen=now())
    assert _load(runtime, cookie) is None


def test_session_lifetime_follows_settings(runtime: Runtime, world: World) -> None:
    _start(runtime, world["coordinator"].user.id)
    with runtime.db.session() as s:
        ws = s.scalars(sa.select(WebSession)).one()
    span = ws.expires_at.replace(tzinfo=None) - ws.created_at.replace(tzinfo=None)
    assert abs(span - timedelta(hours=runtime.settings.session_max_hours)) < timedelta(seconds=5)


def test_zero_idle_minutes_expires_immediately(runtime: Runtime, world: World) -> None:
    cookie = _start(runtime, world["coordinator"].user.id)
    assert _load(runtime, cookie, dataclasses.replace(runtime.settings, session_idle_minutes=0)) is None


def test_session_of_deactivated_user_is_refused(runtime: Runtime, world: World) -> None:
    cookie = _start(runtime, world["coordinator"].user.id)
    with runtime.db.transaction() as s:
        s.get(User, world["coordinator"].user.id).active = False  # type: ignore[union-attr]
    assert _load(runtime, cookie) is None


def test_ended_session_is_gone(runtime: Runtime, world: World) -> None:
    cookie = _start(runtime, world["coordinator"].user.id)
    with runtime.db.transaction() as s:
        auth.end_session(s, cookie)
    assert _load(runtime, cookie) is None


# --------------------------------------------------------------------------------------------
# TOTP
# --------------------------------------------------------------------------------------------
def _with_totp(rt: Runtime, user_id: str) -> tuple[User, str]:
    secret = auth.new_totp_secret()
    with rt.db.transaction() as s:
        user = s.get(User, user_id)
        assert user is not None
        user.totp_secret = secret
    return user, secret


def test_totp_accepts_the_current_code_with_spaces(runtime: Runtime, world: World) -> None:
    user, secret = _with_totp(runtime, world["coordinator"].user.id)
    code = pyotp.TOTP(secret).now()
    assert auth.check_totp(user, code) and auth.check_totp(user, f" {code[:3]} {code[3:]} ")


def test_totp_refuses_a_wrong_or_stale_code(runtime: Runtime, world: World) -> None:
    user, secret = _with_totp(runtime, world["coordinator"].user.id)
    totp = pyotp.TOTP(secret)
    good = totp.now()
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    stale = totp.at(now() - timedelta(minutes=5))
    assert (auth.check_totp(user, wrong), auth.check_totp(user, stale), auth.check_totp(user, "")) == (
        False, False, False)


def test_user_without_totp_needs_no_second_factor(runtime: Runtime, world: World) -> None:
    assert auth.check_totp(world["woco"].user, "")


def test_session_of_totp_user_starts_before_the_second_factor(runtime: Runtime, world: World) -> None:
    _with_totp(runtime, world["coordinator"].user.id)
    _start(runtime, world["coordinator"].user.id)
    _start(runtime, world["woco"].user.id)
    with runtime.db.session() as s:
        done = dict(s.execute(sa.select(WebSession.user_id, WebSession.second_factor_done)).all())
    assert done == {world["coordinator"].user.id: False, world["woco"].user.id: True}


def test_provisioning_uri_names_weerbaar_and_the_user(runtime: Runtime, world: World) -> None:
    user, secret = _with_totp(runtime, world["coordinator"].user.id)
    uri = auth.totp_uri(user, secret)
    assert uri.startswith("otpauth://totp/Weerbaar:") and "issuer=Weerbaar" in uri and secret in uri
