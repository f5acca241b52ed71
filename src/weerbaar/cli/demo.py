"""`weerbaar demo`: build the fictional municipality Lindeveen and serve it."""

from __future__ import annotations

from typing import Annotated

import typer
from rich import box
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text
from sqlalchemy.exc import SQLAlchemyError

from weerbaar.cli.common import FAILURE, fail, open_runtime, out
from weerbaar.cli.serve import check_port, serve
from weerbaar.core.config import Settings
from weerbaar.core.errors import ValidationFailed
from weerbaar.core.runtime import Runtime
from weerbaar.demo import DemoSummary, build_demo

DEMO_FILE = "demo.db"


def demo(
    host: Annotated[str, typer.Option(metavar="ADRES", help="Adres waarop de server luistert.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, metavar="POORT", help="Poort van de server.")] = 8000,
    zaad: Annotated[int, typer.Option(metavar="GETAL", help="Startgetal van de toevalsgenerator; hetzelfde zaad geeft "
                                      "dezelfde gemeente.")] = 2026,
    geen_server: Annotated[bool, typer.Option("--geen-server", help="Bouw alleen de database; start geen "
                                              "server.")] = False,
) -> None:
    """Bouw de fictieve demogemeente Lindeveen in een eigen SQLite-database en start de server.

    De demo staat altijd in demo.db in WEERBAAR_DATA (of ./data), nooit in WEERBAAR_DATABASE_URL.
    Een bestaande demodatabase wordt eerst verwijderd.
    """
    if not geen_server:
        check_port(host, port)
    base = Settings.from_env()
    path = base.data_dir / DEMO_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in (path, path.with_name(DEMO_FILE + "-wal"), path.with_name(DEMO_FILE + "-shm")):
            stale.unlink(missing_ok=True)
    except OSError as exc:
        fail(f"De oude demodatabase {path} kan niet worden verwijderd ({exc.strerror}).", FAILURE)
    runtime = open_runtime(Settings.from_env(database_url=f"sqlite:///{path}"))
    out().print(f"Demogemeente Lindeveen wordt gebouwd in {path} (zaad {zaad}) ...", markup=False)
    try:
        summary = _build_with_progress(runtime, zaad)
    except (ValidationFailed, SQLAlchemyError) as exc:
        runtime.db.engine.dispose()
        fail(f"De demo kon niet worden gebouwd; er is niets opgeslagen ({exc}).", FAILURE)
    _print_summary(summary)
    if geen_server:
        runtime.db.engine.dispose()
        return
    serve(runtime, host, port)


def _build_with_progress(runtime: Runtime, seed: int) -> DemoSummary:
    columns = (TextColumn("{task.description:<28}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=out(), transient=False) as progress:
        tasks: dict[str, TaskID] = {}

        def report(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = progress.add_task(step, total=total)
            progress.update(tasks[step], completed=done, total=total)

        return build_demo(runtime, seed, progress=report)


def _print_summary(summary: DemoSummary) -> None:
    console = out()
    console.print(
        f"Klaar in {summary.seconds:.1f} s: {summary.areas} gebieden, {summary.addresses} adressen, "
        f"{summary.organisations} organisaties, {len(summary.users)} gebruikers, {summary.signals} signalen "
        f"({summary.shares} gedeeld), {summary.cases} casussen.",
        markup=False,
    )
    if summary.imports:
        imported = ", ".join(f"{source} {c['geaccepteerd']}" + (f" (+{c['in_quarantaine']} in quarantaine)"
                                                                 if c["in_quarantaine"] else "")
                             for source, c in summary.imports.items())
        console.print(f"Bronbestanden uit {summary.extracts_dir} geïmporteerd: {imported}.", markup=False)
        console.print(
            f"Gekoppeld tot {summary.subjects.get('persoon', 0)} personen, {summary.subjects.get('bedrijf', 0)} "
            f"bedrijven en {summary.subjects.get('adres', 0)} adressen.", markup=False)
    if summary.detection:
        scores, signals = summary.detection.get("scores", {}), summary.detection.get("signalen", {})
        console.print(
            f"Analyse: {summary.detection.get('treffers', 0)} indicatortreffers; risicoscores voor "
            f"{scores.get('adres', 0)} adressen, {scores.get('persoon', 0)} personen en {scores.get('bedrijf', 0)} "
            f"bedrijven; {signals.get('nieuw', 0)} automatische signalen.", markup=False)
    table = Table(title="Demogebruikers (fictief; alleen voor deze demo)", box=box.SIMPLE_HEAD)
    for column in ("E-mail", "Wachtwoord", "Rol", "Organisatie"):
        # E-mail and password must stay whole: people copy them to log in.
        table.add_column(column, no_wrap=column in ("E-mail", "Wachtwoord"))
    for user in summary.users:
        table.add_row(*(Text(v) for v in (user.email, user.password, user.role, user.organisation)))
    console.print(table)
