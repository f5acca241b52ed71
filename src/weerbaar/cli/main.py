"""The `weerbaar` command: server, demo, and administration of organisations, users and tokens.

Everything a user reads here is Dutch; usage errors included (see cli/dutch.py).
"""

from __future__ import annotations

from typing import Annotated

import typer

from weerbaar.cli import exporteer, gebruiker, importeer, organisatie, quarantaine, rapport, token
from weerbaar.cli.analyseer import analyseer
from weerbaar.cli.common import open_runtime
from weerbaar.cli.demo import demo
from weerbaar.cli.dutch import DutchGroup
from weerbaar.cli.serve import serve

app = typer.Typer(
    cls=DutchGroup,
    help="Weerbaar: signalen van ondermijning registreren, delen en opvolgen.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(organisatie.app, name="organisatie")
app.add_typer(gebruiker.app, name="gebruiker")
app.add_typer(token.app, name="token")
app.add_typer(importeer.app, name="importeer")
app.add_typer(quarantaine.app, name="quarantaine")
app.add_typer(exporteer.app, name="exporteer")
app.add_typer(rapport.app, name="rapport")
app.command("demo")(demo)
app.command("analyseer")(analyseer)


@app.command("server")
def server(
    host: Annotated[str, typer.Option(metavar="ADRES", help="Adres waarop de server luistert.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, metavar="POORT", help="Poort van de server.")] = 8000,
) -> None:
    """Start de webapplicatie en de API met de database uit WEERBAAR_DATABASE_URL."""
    serve(open_runtime(), host, port)


def main() -> None:
    app(prog_name="weerbaar")


if __name__ == "__main__":
    main()
