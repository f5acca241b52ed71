"""`weerbaar token maak`: an API bearer token for a user, shown once."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from weerbaar.access import auth, logbook
from weerbaar.cli.common import find_user, out, transaction
from weerbaar.core.clock import now
from weerbaar.core.errors import FieldError, ValidationFailed

app = typer.Typer(help="API-tokens uitgeven.", no_args_is_help=True)


@app.command("maak")
def make(
    email: Annotated[str, typer.Argument(
        metavar="EMAIL", help="E-mailadres van de gebruiker namens wie het token werkt.")],
    naam: Annotated[str, typer.Option(
        metavar="TEKST", help="Omschrijving van het token, bijvoorbeeld de koppeling die het gebruikt.",
    )] = "Token via de opdrachtregel",
    dagen: Annotated[int, typer.Option(
        min=1, max=3650, metavar="GETAL", help="Aantal dagen dat het token geldig is.")] = 90,
) -> None:
    """Maak een API-token. Het token staat alleen op de laatste regel van de uitvoer."""
    with transaction({"email": "EMAIL", "naam": "--naam"}) as (_, session):
        user = find_user(session, email)
        problems = []
        if not user.active:
            problems.append(FieldError("email", "gebruiker_inactief", f"{user.email} is niet actief."))
        if not naam.strip():
            problems.append(FieldError("naam", "missing", "Geef een omschrijving van het token."))
        if problems:
            raise ValidationFailed(problems)
        token = auth.issue_token(session, user, naam.strip(), dagen)
        logbook.record(session, None, logbook.CREATE, object_type="api_token", object_id=user.id,
                       channel="cli", details={"omschrijving": naam.strip(), "dagen": dagen})
        until = (now() + timedelta(days=dagen)).date().isoformat()
        who = user.email
    out().print(f"API-token voor {who} ('{naam.strip()}'), geldig tot en met {until}. "
                "Het wordt maar één keer getoond; bewaar het veilig.", markup=False)
    typer.echo(token)
