"""`weerbaar gebruiker ...`: add and list users, and set up two-step verification."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text
from sqlalchemy import select

from weerbaar.access import admin, auth, logbook
from weerbaar.access.admin import find_organisation
from weerbaar.cli.common import fail, find_user, out, transaction
from weerbaar.core.errors import FieldError, ValidationFailed
from weerbaar.core.models import User

app = typer.Typer(help="Gebruikers beheren.", no_args_is_help=True)

PASSWORD_ENV = "WEERBAAR_WACHTWOORD"
LABELS = {"email": "EMAIL", "organisatie": "--organisatie", "rol": "--rol", "naam": "--naam"}


def _password() -> str:
    """From WEERBAAR_WACHTWOORD (scripts), or typed twice without echo (people)."""
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    # Hide typing on a terminal; piped input (scripts, tests) is not echoed anyway.
    hide = sys.stdin.isatty()
    first = typer.prompt("Wachtwoord", hide_input=hide)
    second = typer.prompt("Herhaal het wachtwoord", hide_input=hide)
    if first != second:
        fail("De twee wachtwoorden zijn niet gelijk; er is niets opgeslagen.")
    return str(first)


@app.command("toevoegen")
def add(
    email: Annotated[str, typer.Argument(metavar="EMAIL", help="E-mailadres; hiermee logt de gebruiker in.")],
    organisatie: Annotated[str, typer.Option(metavar="NAAM", help="Naam van de organisatie van de gebruiker.")],
    rol: Annotated[str, typer.Option(metavar="ROL", help="Rol: beheerder, coordinator, analist, partner of privacy.")],
    naam: Annotated[str | None, typer.Option(metavar="NAAM", help="Volledige naam; standaard het e-mailadres.")] = None,
) -> None:
    """Voeg een gebruiker toe. Het wachtwoord komt uit WEERBAAR_WACHTWOORD of wordt gevraagd."""
    password = _password()
    with transaction(LABELS) as (runtime, session):
        user = admin.add_user(session, runtime.catalogue, email, naam or email, organisatie, rol, password)
        logbook.record(session, None, logbook.CREATE, object_type="gebruiker", object_id=user.id,
                       channel="cli", details={"rol": user.role, "organisatie": user.organisation.name})
        role_name = runtime.catalogue.roles[user.role].naam
        line = f"Gebruiker toegevoegd: {user.email} ({role_name}) bij {user.organisation.name}."
    out().print(line, markup=False)


@app.command("lijst")
def list_(
    organisatie: Annotated[str | None, typer.Option(
        metavar="NAAM", help="Toon alleen de gebruikers van deze organisatie.")] = None,
) -> None:
    """Toon de gebruikers met hun organisatie, rol en tweestapsverificatie."""
    with transaction({"organisatie": "--organisatie"}) as (runtime, session):
        query = select(User).order_by(User.email)
        if organisatie:
            org = find_organisation(session, organisatie)
            if org is None:
                raise ValidationFailed([FieldError("organisatie", "organisatie_onbekend",
                                                   f"Onbekende organisatie '{organisatie}'.")])
            query = query.where(User.organisation_id == org.id)
        users = list(session.scalars(query))
        # A list of users is personal data: the privacy officer sees that it was read.
        logbook.record(session, None, logbook.LIST, object_type="gebruiker", channel="cli",
                       purpose="gebruikersbeheer", details={"aantal": len(users)})
        roles = {code: r.naam for code, r in runtime.catalogue.roles.items()}
        rows = [(u.email, u.name, u.organisation.name, roles.get(u.role, u.role),
                 "ja" if u.totp_secret else "nee", "ja" if u.active else "nee") for u in users]
    if not rows:
        out().print("Er zijn (nog) geen gebruikers.")
        return
    table = Table(title="Gebruikers")
    for column in ("E-mail", "Naam", "Organisatie", "Rol", "Tweestaps", "Actief"):
        table.add_column(column)
    for row in rows:
        table.add_row(*(Text(v) for v in row))
    out().print(table)


@app.command("tweestapsverificatie")
def two_step(
    email: Annotated[str, typer.Argument(metavar="EMAIL", help="E-mailadres van de gebruiker.")],
    vervang: Annotated[bool, typer.Option("--vervang", help="Vervang een bestaande sleutel.")] = False,
) -> None:
    """Stel tweestapsverificatie (TOTP) in en toon de sleutel voor een authenticator-app."""
    with transaction({"email": "EMAIL"}) as (_, session):
        user = find_user(session, email)
        if user.totp_secret and not vervang:
            raise ValidationFailed([FieldError(
                "email", "tweestaps_bestaat",
                f"{user.email} heeft al tweestapsverificatie; gebruik --vervang voor een nieuwe sleutel.",
            )])
        secret = auth.new_totp_secret()
        user.totp_secret = secret
        uri = auth.totp_uri(user, secret)
    console = out()
    console.print(f"Tweestapsverificatie ingesteld voor {user.email}.", markup=False)
    console.print("Scan de link hieronder als QR-code, of voer deze sleutel in een authenticator-app in:")
    console.print(f"Sleutel: {secret}", markup=False)
    typer.echo(uri)
