"""`weerbaar importeer ...`: import partner extracts in the standard delivery format."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from weerbaar.access.principal import Principal
from weerbaar.cli.common import FAILURE, err, fail, find_user, open_runtime, out, validation_lines
from weerbaar.core.errors import Forbidden, NotFound, ValidationFailed
from weerbaar.core.runtime import Runtime
from weerbaar.ingest.csvfile import FileRefused
from weerbaar.ingest.signals import ImportSummary, import_signals

app = typer.Typer(help="Partnerbestanden importeren (CSV in het standaard aanleverformaat).", no_args_is_help=True)

Gebruiker = Annotated[
    str | None,
    typer.Option(
        "--gebruiker", "-g", envvar="WEERBAAR_GEBRUIKER", show_envvar=False,
        help="E-mailadres van wie dit doet (standaard de omgevingsvariabele WEERBAAR_GEBRUIKER).",
    ),
]


@app.callback()
def _group() -> None:
    """Partnerbestanden importeren (CSV in het standaard aanleverformaat)."""


def cli_principal(runtime: Runtime, email: str | None) -> Principal:
    """The user the command acts as, from --gebruiker or WEERBAAR_GEBRUIKER."""
    if not email or not email.strip():
        fail("Geef met --gebruiker (of de omgevingsvariabele WEERBAAR_GEBRUIKER) uw e-mailadres.")
    with runtime.db.session() as session:
        try:
            user = find_user(session, email)
        except NotFound as exc:
            fail(str(exc))
        if not user.active:
            fail(f"De gebruiker '{user.email}' is niet actief.")
        return Principal.of(user, runtime.catalogue, channel="cli")


def summary_table(summary: ImportSummary) -> Table:
    table = Table(title=f"Samenvatting import {summary.file_name}", show_header=True)
    table.add_column("Regels")
    table.add_column("Aantal", justify="right")
    labels = {
        "gelezen": "Gelezen", "geaccepteerd": "Geaccepteerd", "in_quarantaine": "In quarantaine",
        "nieuw": "Nieuw", "gewijzigd": "Gewijzigd", "ongewijzigd": "Ongewijzigd",
    }
    for key, value in summary.counts().items():
        table.add_row(labels[key], str(value))
    return table


@app.command("signalen")
def signalen(
    bestand: Annotated[Path, typer.Argument(metavar="BESTAND", help="CSV-bestand in het formaat 'signalen'.")],
    gebruiker: Gebruiker = None,
) -> None:
    """Signalen van professionals in bulk importeren; afgekeurde regels gaan naar de quarantaine."""
    runtime = open_runtime()
    try:
        principal = cli_principal(runtime, gebruiker)
        summary = _run_import(runtime, bestand, principal)
    finally:
        runtime.db.engine.dispose()
    console = out()
    console.print(summary_table(summary))
    console.print(f"Tekenset: {summary.encoding}; scheidingsteken: '{summary.delimiter}'.")
    if summary.seen_before:
        console.print("Dit bestand is al eerder ingelezen; er is niets dubbel opgeslagen.")
    if summary.in_quarantaine:
        console.print(
            f"{summary.in_quarantaine} regel(s) in quarantaine; bekijk ze met "
            "'weerbaar quarantaine lijst --bron signalen'."
        )


def _run_import(runtime: Runtime, bestand: Path, principal: Principal) -> ImportSummary:
    columns = (
        TextColumn("Importeren"), BarColumn(), TaskProgressColumn(), DownloadColumn(), TimeRemainingColumn(),
    )
    # The bar appears with the first row read, so a refused file shows only its errors.
    bar = Progress(*columns, console=err())
    task = bar.add_task("importeren", total=None, start=False)

    def progress(done: int, total: int) -> None:
        if not bar.live.is_started:
            bar.start()
            bar.start_task(task)
        bar.update(task, completed=done, total=total)

    try:
        try:
            return import_signals(runtime, bestand, principal, progress)
        finally:
            if bar.live.is_started:
                bar.stop()
    except FileRefused as exc:
        fail([*exc.problems, "Het bestand is niet geïmporteerd; er is niets opgeslagen."])
    except Forbidden as exc:
        fail(exc.reason)
    except ValidationFailed as exc:
        fail(validation_lines(exc))
    except OSError as exc:
        fail(f"Het bestand '{bestand}' is niet te lezen ({exc.strerror or exc}); er is niets opgeslagen.")
    except SQLAlchemyError as exc:
        fail(f"De database gaf een fout; er is niets opgeslagen ({str(exc).splitlines()[0]}).", FAILURE)
    except KeyboardInterrupt:
        fail("Import afgebroken; er is niets opgeslagen.", 130)
