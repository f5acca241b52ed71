"""`weerbaar importeer ...`: import partner extracts in the standard delivery format.

`signalen` registers signals; every other source (adressen, personen, ..., ftm) becomes
immutable, versioned source records (ingest.records)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
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
from weerbaar.ingest import cells
from weerbaar.ingest.csvfile import FileRefused
from weerbaar.ingest.records import Progress as ProgressCallback
from weerbaar.ingest.records import import_source
from weerbaar.ingest.signals import ImportSummary, import_signals
from weerbaar.picture.geoimport import import_areas
from weerbaar.resolve import incremental

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
        summary = _run_import(bestand, lambda progress: import_signals(runtime, bestand, principal, progress))
        if summary.nieuw:
            # Matched against known persons, companies and addresses, as a signal from the form is.
            with runtime.db.transaction() as session:
                incremental.link_unlinked(session, principal.municipality_code)
    finally:
        runtime.db.engine.dispose()
    _report(summary, "signalen")


Organisatie = Annotated[
    str | None,
    typer.Option("--organisatie", metavar="NAAM",
                 help="De partner die het bestand aanleverde (standaard uw eigen organisatie)."),
]
Peildatum = Annotated[
    str | None,
    typer.Option("--peildatum", metavar="DATUM",
                 help="De datum waarop het bestand de stand beschrijft, JJJJ-MM-DD of DD-MM-JJJJ (standaard vandaag)."),
]
MappingFile = Annotated[
    Path | None,
    typer.Option("--mapping", metavar="BESTAND", help="YAML-mapping voor een bestand in een andere indeling."),
]

SOURCE_HELP = {
    "adressen": "Adressen en panden (BAG-achtig) importeren; werkt ook het adressenregister bij.",
    "personen": "Inschrijvingen van personen (BRP-achtig) importeren.",
    "bedrijven": "Bedrijven en vestigingen (KvK-achtig) importeren.",
    "functionarissen": "Bestuurders, eigenaren en andere functionarissen van bedrijven importeren.",
    "energie": "Energieverbruik per aansluiting en periode (netbeheerder) importeren.",
    "transacties": "Vastgoedtransacties (Kadaster-achtig) importeren.",
    "huurcontracten": "Huurcontracten van de woningcorporatie importeren.",
}


def _peildatum(value: str | None) -> date | None:
    try:
        return cells.parse_date(value)
    except cells.CellError as exc:
        fail(f"--peildatum: {exc.reason}")


def _source_command(source: str, help_text: str) -> None:
    def command(
        bestand: Path,
        organisatie: Organisatie = None,
        peildatum: Peildatum = None,
        mapping: MappingFile = None,
        gebruiker: Gebruiker = None,
    ) -> None:
        _import_records(source, bestand, organisatie, peildatum, mapping, gebruiker)

    # Set as an object, not a string: the help names the source, which only this closure knows.
    command.__annotations__["bestand"] = Annotated[
        Path, typer.Argument(metavar="BESTAND", help=f"CSV-bestand in het formaat '{source}'.")
    ]
    command.__doc__ = help_text + " Afgekeurde regels gaan naar de quarantaine."
    app.command(source)(command)


for _source, _help in SOURCE_HELP.items():
    _source_command(_source, _help)


@app.command("ftm")
def ftm(
    bestand: Annotated[
        Path, typer.Argument(metavar="BESTAND", help="FollowTheMoney-entiteiten, één JSON-object per regel.")
    ],
    organisatie: Organisatie = None,
    peildatum: Peildatum = None,
    gebruiker: Gebruiker = None,
) -> None:
    """FollowTheMoney-entiteiten (JSON-regels) importeren als bron 'ftm'; afgekeurde regels gaan naar de quarantaine."""
    _import_records("ftm", bestand, organisatie, peildatum, None, gebruiker)


def _import_records(
    source: str, bestand: Path, organisatie: str | None, peildatum: str | None, mapping: Path | None,
    gebruiker: str | None,
) -> None:
    extract_date = _peildatum(peildatum)
    runtime = open_runtime()
    try:
        principal = cli_principal(runtime, gebruiker)
        summary = _run_import(bestand, lambda progress: import_source(
            runtime, source, bestand, principal, organisation=organisatie, extract_date=extract_date,
            mapping=mapping, progress=progress,
        ))
    finally:
        runtime.db.engine.dispose()
    _report(summary, source)


def _report(summary: ImportSummary, source: str) -> None:
    console = out()
    console.print(summary_table(summary))
    if summary.delimiter:
        console.print(f"Tekenset: {summary.encoding}; scheidingsteken: '{summary.delimiter}'.")
    if summary.seen_before:
        console.print("Dit bestand is al eerder ingelezen; er is niets dubbel opgeslagen.")
    if summary.in_quarantaine:
        console.print(
            f"{summary.in_quarantaine} regel(s) in quarantaine; bekijk ze met "
            f"'weerbaar quarantaine lijst --bron {source}'."
        )


def _run_import(bestand: Path, do: Callable[[ProgressCallback], ImportSummary]) -> ImportSummary:
    columns = (
        TextColumn("Importeren"), BarColumn(), TaskProgressColumn(), DownloadColumn(), TimeRemainingColumn(),
    )
    # The bar appears with the first row read, so a refused file shows only its errors.
    bar = Progress(*columns, console=err())
    task = bar.add_task("importeren", total=None, start=False)
    shown = -1

    def progress(done: int, total: int) -> None:
        nonlocal shown
        if done == shown:  # called per row; the bar only moves when more of the file was read
            return
        shown = done
        if not bar.live.is_started:
            bar.start()
            bar.start_task(task)
        bar.update(task, completed=done, total=total)

    try:
        try:
            return do(progress)
        finally:
            if bar.live.is_started:
                bar.stop()
    except FileRefused as exc:
        fail([*exc.problems, "Het bestand is niet geïmporteerd; er is niets opgeslagen."])
    except Forbidden as exc:
        fail(exc.reason)
    except ValidationFailed as exc:
        fail([*validation_lines(exc, {"organisatie": "--organisatie", "peildatum": "--peildatum"}),
              "Het bestand is niet geïmporteerd; er is niets opgeslagen."])
    except OSError as exc:
        fail(f"Het bestand '{bestand}' is niet te lezen ({exc.strerror or exc}); er is niets opgeslagen.")
    except SQLAlchemyError as exc:
        fail(f"De database gaf een fout; er is niets opgeslagen ({str(exc).splitlines()[0]}).", FAILURE)
    except KeyboardInterrupt:
        fail("Import afgebroken; er is niets opgeslagen.", 130)


# --- issue 6: area boundaries (picture/geoimport.py) ---

_KIND_LABELS = {"gemeente": "Gemeenten", "wijk": "Wijken", "buurt": "Buurten"}
_SHOWN_PROBLEMS = 100


@app.command("gebieden")
def gebieden(
    bestand: Annotated[Path, typer.Argument(metavar="BESTAND", help="GeoJSON (FeatureCollection) of TopoJSON.")],
    gemeente: Annotated[str | None, typer.Option(
        "--gemeente", metavar="GMxxxx", help="Alleen de gebieden van deze gemeente (standaard alle in het bestand).",
    )] = None,
    niveau: Annotated[str | None, typer.Option(
        "--niveau", metavar="buurt|wijk|gemeente", help="Alleen gebieden van dit niveau (standaard alle).",
    )] = None,
    gebruiker: Gebruiker = None,
) -> None:
    """Gebiedsgrenzen van het CBS (gemeenten, wijken, buurten) importeren of bijwerken.

    Leest GeoJSON en TopoJSON in WGS84 of RD New (EPSG:28992); het coördinatenstelsel wordt
    herkend. Codes en namen komen uit statcode/statnaam, buurtcode/buurtnaam, wijkcode/wijknaam
    of gemeentecode/gemeentenaam. Bevat het bestand een fout, dan wordt het hele bestand
    geweigerd met elke fout per object en wordt er niets opgeslagen. Opnieuw importeren werkt
    gebieden bij op hun code en maakt nooit dubbele gebieden.
    """
    runtime = open_runtime()
    bar = Progress(TextColumn("Gebieden lezen"), BarColumn(), TaskProgressColumn(), TimeRemainingColumn(),
                   console=err())
    task = bar.add_task("gebieden", total=None)
    started = time.monotonic()

    def progress(done: int, total: int) -> None:
        # The bar appears only when the import takes longer than a second.
        if not bar.live.is_started:
            if time.monotonic() - started < 1.0:
                return
            bar.start()
        bar.update(task, completed=done, total=total)

    try:
        principal = cli_principal(runtime, gebruiker)
        try:
            summary = import_areas(runtime, bestand, principal, gemeente, niveau, progress)
        finally:
            if bar.live.is_started:
                bar.stop()
    except FileRefused as exc:
        shown = exc.problems[:_SHOWN_PROBLEMS]
        more = len(exc.problems) - len(shown)
        fail([*shown, *([f"… en nog {more} problemen."] if more else []),
              "Het bestand is niet geïmporteerd; er is niets opgeslagen."])
    except Forbidden as exc:
        fail(exc.reason)
    except SQLAlchemyError as exc:
        fail(f"De database gaf een fout; er is niets opgeslagen ({str(exc).splitlines()[0]}).", FAILURE)
    except KeyboardInterrupt:
        fail("Import afgebroken; er is niets opgeslagen.", 130)
    finally:
        runtime.db.engine.dispose()

    read = summary.read
    console = out()
    table = Table(title=f"Samenvatting import {read.file_name}", show_header=True)
    for column in ("Niveau", "Nieuw", "Gewijzigd", "Ongewijzigd", "Totaal"):
        table.add_column(column, justify="left" if column == "Niveau" else "right")
    for kind, label in _KIND_LABELS.items():
        counts = summary.counts[kind]
        table.add_row(label, str(counts["nieuw"]), str(counts["gewijzigd"]), str(counts["ongewijzigd"]),
                      str(summary.imported(kind)))
    console.print(table)
    console.print(f"Formaat: {read.format}; coördinatenstelsel: {read.crs}; {read.features} objecten gelezen.")
    if read.other_municipality:
        console.print(f"{read.other_municipality} gebied(en) van andere gemeenten overgeslagen "
                      f"(alleen {summary.gemeente}).")
    if read.other_level:
        console.print(f"{read.other_level} gebied(en) van een ander niveau overgeslagen (alleen {summary.niveau}).")
    missing = read.without_boundary
    if missing:
        names = ", ".join(f"{a.code} {a.name}" for a in missing[:20]) + (" …" if len(missing) > 20 else "")
        console.print(f"Let op: {len(missing)} gebied(en) zonder bruikbare grens (het bestand is te grof; de grens "
                      f"valt samen tot een lijn of punt): opgeslagen zonder grens, een bekende grens blijft "
                      f"staan: {names}.")
    if summary.parent_unknown:
        console.print(f"{summary.parent_unknown} gebied(en) liggen in een wijk of gemeente die nog niet bekend is; "
                      "importeer ook dat niveau.")
