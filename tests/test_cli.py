"""The `weerbaar` command line, run in-process against a temporary SQLite database."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from weerbaar.access import auth
from weerbaar.access.models import AccessLogEntry
from weerbaar.app import create_app
from weerbaar.cli.main import app
from weerbaar.core.config import Settings
from weerbaar.core.db import Database
from weerbaar.core.models import Organisation, User
from weerbaar.core.runtime import Runtime

STRONG = "Sterk-wachtwoord-2026"


@pytest.fixture
def env(tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """WEERBAAR_DATA and WEERBAAR_DATABASE_URL pointed at a fresh, migrated SQLite file."""
    target = tmp_path / "cli.db"
    shutil.copy(sqlite_template, target)
    url = f"sqlite:///{target}"
    monkeypatch.setenv("WEERBAAR_DATA", str(tmp_path))
    monkeypatch.setenv("WEERBAAR_DATABASE_URL", url)
    monkeypatch.delenv("WEERBAAR_WACHTWOORD", raising=False)
    monkeypatch.setenv("COLUMNS", "200")  # Rich tables unwrapped, so rows can be read back
    yield url


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), input=input, env=env, prog_name="weerbaar")


def count(url: str, model: type) -> int:
    db = Database(url)
    try:
        with db.session() as s:
            return s.scalar(select(func.count()).select_from(model)) or 0
    finally:
        db.engine.dispose()


def add_gemeente() -> None:
    result = run("organisatie", "toevoegen", "Gemeente Lindeveen", "--type", "gemeente", "--gemeentecode", "gm9990",
                 "--contactpersoon", "Marloes Hofstede", "--email", "ondermijning@lindeveen.demo")
    assert result.exit_code == 0, result.output


def add_user(email: str = "jan@lindeveen.demo", role: str = "coordinator") -> None:
    result = run("gebruiker", "toevoegen", email, "--organisatie", "Gemeente Lindeveen", "--rol", role,
                 "--naam", "Jan de Vries", env={"WEERBAAR_WACHTWOORD": STRONG})
    assert result.exit_code == 0, result.output


def test_organisation_is_added_and_listed(env):
    add_gemeente()
    db = Database(env)
    with db.session() as s:
        org = s.scalars(select(Organisation)).one()
        assert (org.name, org.type, org.municipality_code) == ("Gemeente Lindeveen", "gemeente", "GM9990")
        assert org.contact_name == "Marloes Hofstede"
    db.engine.dispose()
    listed = run("organisatie", "lijst")
    assert listed.exit_code == 0
    row = next(line for line in listed.stdout.splitlines() if "Gemeente Lindeveen" in line)
    assert "GM9990" in row and "Marloes Hofstede" in row


def test_bad_organisation_names_every_problem_in_dutch_and_stores_nothing(env):
    add_gemeente()
    result = run("organisatie", "toevoegen", "Gemeente Lindeveen", "--type", "gemeent", "--gemeentecode", "GM99")
    assert result.exit_code == 2
    errors = result.stderr
    assert "NAAM: Er bestaat al een organisatie 'Gemeente Lindeveen'" in errors
    assert "--type: Onbekend organisatietype 'gemeent'" in errors
    assert "--gemeentecode: Een gemeentecode is GM gevolgd door 4 cijfers" in errors
    assert "Traceback" not in result.output
    assert count(env, Organisation) == 1


def test_usage_errors_are_dutch_with_exit_code_2(env):
    missing = run("organisatie", "toevoegen", "Politie Lindeveen")
    assert missing.exit_code == 2
    assert "De optie '--type' ontbreekt." in missing.stderr
    assert "Gebruik: weerbaar organisatie toevoegen" in missing.stderr
    bad_number = run("token", "maak", "jan@lindeveen.demo", "--dagen", "veel")
    assert bad_number.exit_code == 2
    assert "Ongeldige waarde voor '--dagen': Moet een geheel getal zijn." in bad_number.stderr
    unknown = run("organisatie", "verwijderen")
    assert unknown.exit_code == 2 and "Onbekende opdracht 'verwijderen'." in unknown.stderr
    for result in (missing, bad_number, unknown):
        assert "Missing" not in result.output and "Invalid" not in result.output
        assert "Traceback" not in result.output
    assert count(env, Organisation) == 0


def test_help_is_dutch(env):
    result = run("--help")
    assert result.exit_code == 0
    assert "Gebruik: weerbaar" in result.stdout and "Opdrachten" in result.stdout
    for command in ("server", "demo", "organisatie", "gebruiker", "token", "importeer", "quarantaine"):
        assert command in result.stdout
    sub = run("gebruiker", "toevoegen", "--help")
    assert "Toon deze hulp en stop." in sub.stdout
    assert "Usage" not in sub.stdout and "Show this message" not in sub.stdout


def test_user_with_password_from_environment_can_log_in(env):
    add_gemeente()
    add_user()
    db = Database(env)
    settings = Settings.from_env()
    with db.transaction() as s:
        user = auth.check_password(s, settings, "JAN@lindeveen.demo", STRONG)
        assert (user.name, user.role, user.organisation.name) == ("Jan de Vries", "coordinator", "Gemeente Lindeveen")
    db.engine.dispose()


def test_weak_password_is_refused_and_nothing_stored(env):
    add_gemeente()
    result = run("gebruiker", "toevoegen", "zwak@lindeveen.demo", "--organisatie", "Gemeente Lindeveen",
                 "--rol", "analist", env={"WEERBAAR_WACHTWOORD": "kort"})
    assert result.exit_code == 2
    assert "wachtwoord: Een wachtwoord heeft minstens 12 tekens." in result.stderr
    assert "wachtwoord: Gebruik minstens één cijfer." in result.stderr
    assert count(env, User) == 0


def test_bad_user_names_every_problem(env):
    add_gemeente()
    result = run("gebruiker", "toevoegen", "geen-email", "--organisatie", "Onbekend", "--rol", "baas",
                 env={"WEERBAAR_WACHTWOORD": STRONG})
    assert result.exit_code == 2
    for expected in ("EMAIL: Geef een geldig e-mailadres.", "--organisatie: Onbekende organisatie 'Onbekend'.",
                     "--rol: Onbekende rol 'baas'."):
        assert expected in result.stderr
    assert count(env, User) == 0


def test_password_is_asked_twice_when_not_in_environment(env):
    add_gemeente()
    differs = run("gebruiker", "toevoegen", "piet@lindeveen.demo", "--organisatie", "Gemeente Lindeveen",
                  "--rol", "analist", input=f"{STRONG}\nAnder-wachtwoord-1\n")
    assert differs.exit_code == 2
    assert "De twee wachtwoorden zijn niet gelijk" in differs.stderr
    assert count(env, User) == 0
    same = run("gebruiker", "toevoegen", "piet@lindeveen.demo", "--organisatie", "Gemeente Lindeveen",
               "--rol", "analist", input=f"{STRONG}\n{STRONG}\n")
    assert same.exit_code == 0, same.output
    assert "Herhaal het wachtwoord" in same.stdout
    assert count(env, User) == 1


def test_user_list_shows_users_and_is_logged(env):
    add_gemeente()
    add_user()
    before = count(env, AccessLogEntry)
    result = run("gebruiker", "lijst")
    assert result.exit_code == 0
    row = next(line for line in result.stdout.splitlines() if "jan@lindeveen.demo" in line)
    assert "Jan de Vries" in row and "Coördinator ondermijning" in row
    assert count(env, AccessLogEntry) == before + 1


def test_token_is_the_last_line_and_works_against_the_api(env):
    add_gemeente()
    add_user()
    result = run("token", "maak", "jan@lindeveen.demo", "--naam", "koppeling test", "--dagen", "7")
    assert result.exit_code == 0, result.output
    token = result.stdout.rstrip("\n").splitlines()[-1]
    assert token.startswith(auth.TOKEN_PREFIX) and " " not in token
    runtime = Runtime.start(Settings.from_env())
    with TestClient(create_app(runtime)) as client:
        ok = client.get("/api/v1/organisaties", headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200
        assert [o["naam"] for o in ok.json()["items"]] == ["Gemeente Lindeveen"]
        wrong = client.get("/api/v1/organisaties", headers={"Authorization": f"Bearer {token}x"})
        assert wrong.status_code == 401
    runtime.db.engine.dispose()


def test_token_for_unknown_user_is_refused(env):
    result = run("token", "maak", "niemand@lindeveen.demo")
    assert result.exit_code == 2
    assert "Er is geen gebruiker met e-mailadres 'niemand@lindeveen.demo'." in result.stderr


def test_two_step_verification_prints_a_working_uri(env):
    add_gemeente()
    add_user()
    result = run("gebruiker", "tweestapsverificatie", "jan@lindeveen.demo")
    assert result.exit_code == 0, result.output
    uri = result.stdout.strip().splitlines()[-1]
    assert uri.startswith("otpauth://totp/Weerbaar:")
    totp = pyotp.parse_uri(uri)
    db = Database(env)
    with db.session() as s:
        user = s.scalars(select(User)).one()
        assert auth.check_totp(user, totp.now())
        assert not auth.check_totp(user, totp.at(time.time() + 3600))  # an hour off is refused
    db.engine.dispose()
    again = run("gebruiker", "tweestapsverificatie", "jan@lindeveen.demo")
    assert again.exit_code == 2 and "--vervang" in again.stderr


def test_demo_builds_its_own_database_and_leaves_the_configured_one_alone(env, tmp_path):
    stale = tmp_path / "demo.db"
    stale.write_text("geen database")  # an old demo is removed first, whatever it holds
    result = run("demo", "--geen-server", "--zaad", "7")
    assert result.exit_code == 0, result.output
    assert "coordinator@lindeveen.demo" in result.stdout and "Demo-Lindeveen-2026" in result.stdout
    demo_url = f"sqlite:///{stale}"
    assert count(demo_url, Organisation) == 8
    assert count(env, Organisation) == 0


def test_server_refuses_a_port_in_use(env):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("server", "--port", str(port))
    assert result.exit_code == 1
    assert f"Poort {port} op 127.0.0.1 is al in gebruik" in result.stderr


def test_server_refuses_the_test_suites_password_profile(env):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run("server", "--port", str(port))  # this process hashes with the suite's cheap profile
    assert result.exit_code == 1
    assert "WEERBAAR_WACHTWOORDHASH=test is alleen voor de testsuite" in result.stderr


def test_server_serves_the_api(env):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-c", "from weerbaar.cli.main import main; main()", "server", "--port", str(port)]
    # A real server, so without the suite's cheap password profile (which it would refuse).
    server_env = {k: v for k, v in os.environ.items() if k != "WEERBAAR_WACHTWOORDHASH"}
    process = subprocess.Popen(command, env=server_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=1) as response:
                    status, document = response.status, json.load(response)
                break
            except (urllib.error.URLError, ConnectionError):
                assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
                assert time.monotonic() < deadline, "de server kwam niet op tijd op"
                time.sleep(0.2)
        assert status == 200
        assert document["info"]["title"] == "Weerbaar API"
    finally:
        process.terminate()
        process.wait(timeout=10)
