"""`weerbaar quarantaine ...`: the rows imports refused, with file, line, column and reason."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.table import Table

from weerbaar.cli.common import err, fail, transaction
from weerbaar.cli.importeer import Gebruiker, cli_principal
from weerbaar.ingest import quarantine

app = typer.Typer(help="Afgekeurde importregels (quarantaine) bekijken.", no_args_is_help=True)
FORMATS = ("tabel", "csv")


@app.callback()
def _group() -> None:
    """Afgekeurde importregels (quarantaine) bekijken."""


def _table(rows, out: TextIO) -> int:  # type: ignore[no-untyped-def]
    table = Table(title="Quarantaine")
    table.add_column("Bron", no_wrap=True)
    table.add_column("Bestand", overflow="fold")  # file names have no spaces to wrap at
    table.add_column("Regel", justify="right", no_wrap=True)
    table.add_column("Kolom", overflow="fold")
    table.add_column("Reden", ratio=1)
    count = 0
    for row in rows:
        source, file_name, line, column, reason = quarantine.as_csv_row(row)
        table.add_row(source, file_name, str(line), column, reason)
        count += 1
    # On screen Rich fits the terminal; in a file, wide enough that reasons stay readable.
    console = Console(file=out, highlight=False, width=None if out is sys.stdout else 200)
    console.print(table if count else "De quarantaine is leeg.")
    return count


@app.command("lijst")
def lijst(
    formaat: Annotated[str, typer.Option("--formaat", "-f", help="tabel of csv.")] = "tabel",
    bron: Annotated[
        str | None, typer.Option("--bron", help=f"Alleen deze bron: {', '.join(quarantine.SOURCES)}.")
    ] = None,
    uitvoer: Annotated[
        Path | None, typer.Option("--uitvoer", "-o", help="Schrijf naar dit bestand in plaats van naar het scherm.")
    ] = None,
    gebruiker: Gebruiker = None,
) -> None:
    """De quarantaine van de imports van uw organisatie tonen of exporteren."""
    problems = []
    if formaat not in FORMATS:
        problems.append(f"Onbekend formaat '{formaat}'; kies tabel of csv.")
    if bron is not None and bron not in quarantine.SOURCES:
        problems.append(f"Onbekende bron '{bron}'; kies uit {', '.join(quarantine.SOURCES)}.")
    if problems:
        fail(problems)
    write = quarantine.write_csv if formaat == "csv" else _table
    with transaction() as (runtime, session):
        principal = cli_principal(runtime, gebruiker)
        rows = quarantine.quarantined_rows(session, principal, bron)
        if uitvoer is None:
            count = write(rows, sys.stdout)
        else:
            try:
                with uitvoer.open("w", encoding="utf-8", newline="") as fh:
                    count = write(rows, fh)
            except OSError as exc:
                fail(f"Kan niet schrijven naar '{uitvoer}' ({exc.strerror or exc}).")
        quarantine.log_reading(session, principal, count, bron, str(uitvoer) if uitvoer else None)
    if uitvoer is not None:
        err().print(f"{count} regel(s) geschreven naar {uitvoer}.")
