"""`weerbaar organisatie ...`: add and list partner organisations."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text
from sqlalchemy import func, select

from weerbaar.access import admin
from weerbaar.cli.common import out, transaction
from weerbaar.core.models import Organisation, User

app = typer.Typer(help="Organisaties (ketenpartners) beheren.", no_args_is_help=True)

LABELS = {"naam": "NAAM", "type": "--type", "gemeentecode": "--gemeentecode"}


@app.command("toevoegen")
def add(
    naam: Annotated[str, typer.Argument(
        metavar="NAAM", help="Naam van de organisatie, bijvoorbeeld 'Gemeente Lindeveen'.")],
    type_: Annotated[str, typer.Option(
        "--type", metavar="TYPE",
        help="Organisatietype uit de catalogus, bijvoorbeeld gemeente, politie, woningcorporatie of netbeheerder.")],
    gemeentecode: Annotated[str | None, typer.Option(
        metavar="GM0000", help="Gemeentecode (GM + 4 cijfers) van het werkgebied; verplicht voor een gemeente.",
    )] = None,
    contactpersoon: Annotated[str | None, typer.Option(metavar="NAAM", help="Naam van de contactpersoon.")] = None,
    email: Annotated[str | None, typer.Option(metavar="E-MAIL", help="E-mailadres van de contactpersoon.")] = None,
    telefoon: Annotated[str | None, typer.Option(
        metavar="NUMMER", help="Telefoonnummer van de contactpersoon.")] = None,
) -> None:
    """Voeg een organisatie toe."""
    with transaction(LABELS) as (runtime, session):
        org = admin.add_organisation(session, runtime.catalogue, naam, type_, gemeentecode,
                                     contact_name=contactpersoon, contact_email=email, contact_phone=telefoon)
        type_name = runtime.catalogue.organisation_types[org.type].naam
        code = f", {org.municipality_code}" if org.municipality_code else ""
    out().print(f"Organisatie toegevoegd: {org.name} ({type_name}{code}).", markup=False)


@app.command("lijst")
def list_() -> None:
    """Toon alle organisaties met hun type, gemeentecode en aantal gebruikers."""
    with transaction() as (runtime, session):
        users = func.count(User.id)
        rows = session.execute(
            select(Organisation, users).outerjoin(User, User.organisation_id == Organisation.id)
            .group_by(Organisation.id).order_by(Organisation.name)
        ).all()
        types = {code: t.naam for code, t in runtime.catalogue.organisation_types.items()}
    if not rows:
        out().print("Er zijn nog geen organisaties. Voeg er een toe met 'weerbaar organisatie toevoegen'.")
        return
    table = Table(title="Organisaties")
    for column in ("Naam", "Type", "Gemeentecode", "Contactpersoon", "E-mail", "Gebruikers"):
        table.add_column(column, justify="right" if column == "Gebruikers" else "left")
    for org, count in rows:
        values = (org.name, types.get(org.type, org.type), org.municipality_code, org.contact_name,
                  org.contact_email, str(count))
        table.add_row(*(Text(v or "") for v in values))
    out().print(table)
