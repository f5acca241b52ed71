"""`weerbaar analyseer`: link the partner extracts into persons, companies and addresses, then
run every indicator, score addresses, persons and companies and raise automatic signals."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from weerbaar.cli.common import FAILURE, err, fail, open_runtime, out
from weerbaar.cli.importeer import Gebruiker, cli_principal
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.errors import Forbidden
from weerbaar.detect.pipeline import run_analysis
from weerbaar.detect.service import DetectionFigures
from weerbaar.resolve.engine import EngineError
from weerbaar.resolve.models import KINDS
from weerbaar.resolve.service import RunFigures

KIND_LABELS = {"persoon": "Personen", "bedrijf": "Bedrijven", "adres": "Adressen"}


def analyseer(
    gebruiker: Gebruiker = None,
    rekenmachine: Annotated[
        str, typer.Option("--rekenmachine", metavar="NAAM",
                          help="Waar het koppelmodel rekent: 'duckdb' (standaard) of 'spark' (landelijke schaal).")
    ] = "duckdb",
) -> None:
    """Koppel de bronbestanden van de eigen gemeente, draai alle indicatoren, bereken de
    risicoscores en registreer automatische signalen."""
    if rekenmachine not in ("duckdb", "spark"):
        fail(f"Onbekende rekenmachine '{rekenmachine}'; kies 'duckdb' of 'spark'.")
    runtime = open_runtime()
    try:
        principal = cli_principal(runtime, gebruiker)
        bar = Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=err())
        tasks: dict[str, TaskID] = {}

        def progress(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=total)
            bar.update(tasks[step], completed=done, total=total)

        try:
            with bar, runtime.db.transaction() as session:
                figures, detection = run_analysis(session, principal, runtime.catalogue, backend=rekenmachine,
                                                  progress=progress)
        except Forbidden as exc:
            fail(exc.reason)
        except EngineError as exc:
            fail(str(exc))
        except SQLAlchemyError as exc:
            fail(f"De database gaf een fout; er is niets opgeslagen ({str(exc).splitlines()[0]}).", FAILURE)
        except KeyboardInterrupt:
            fail("Analyse afgebroken; er is niets opgeslagen.", 130)
    finally:
        runtime.db.engine.dispose()
    out().print(summary_table(figures))
    out().print(detection_table(detection, runtime.catalogue))


def summary_table(figures: RunFigures) -> Table:
    table = Table(title="Koppelen van bronnen", show_header=True)
    for column in ("Soort", "Vermeldingen", "Subjecten", "Nieuw", "Samengevoegd", "Ter beoordeling", "Seconden"):
        table.add_column(column, justify="left" if column == "Soort" else "right")
    for kind in KINDS:
        c = figures.counts.get(kind, {})
        table.add_row(KIND_LABELS[kind], *(str(c.get(k, 0)) for k in
                                           ("vermeldingen", "subjecten", "nieuw", "samengevoegd", "twijfelgevallen")),
                      f"{figures.seconds.get(kind, 0):.1f}")
    table.caption = (f"Signalen gekoppeld aan subjecten: {figures.counts.get('signalen', {}).get('koppelingen', 0)}; "
                     f"totaal {figures.seconds.get('totaal', 0):.1f} s.")
    return table


def detection_table(figures: DetectionFigures, catalogue: Catalogue) -> Table:
    table = Table(title=f"Indicatoren (peildatum {figures.peildatum.strftime('%d-%m-%Y')})", show_header=True)
    for column in ("Code", "Indicator", "Fenomeen", "Treffers"):
        table.add_column(column, justify="right" if column == "Treffers" else "left")
    for outcome in figures.rules:
        rule = catalogue.rules[outcome.code]
        table.add_row(outcome.code, rule.naam, catalogue.phenomena[rule.fenomeen].naam,
                      outcome.skipped or str(outcome.hits))
    s = figures.signals
    table.caption = (
        f"Risicoscores: {figures.scores.get('adres', 0)} adressen, {figures.scores.get('persoon', 0)} personen, "
        f"{figures.scores.get('bedrijf', 0)} bedrijven ({figures.explained} verklaard). Automatische signalen: "
        f"{s.get('nieuw', 0)} nieuw, {s.get('bijgewerkt', 0)} bijgewerkt, {s.get('heropend', 0)} heropend, "
        f"{s.get('afgesloten', 0)} afgesloten; {figures.seconds.get('totaal', 0):.1f} s."
    )
    return table
