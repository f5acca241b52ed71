"""`weerbaar exporteer ...`: which subject each imported person record became (CSV), subjects
with their dated relations as FollowTheMoney entities (one JSON object per line), the risk
lists of addresses, persons and companies, and the signals (CSV or JSON lines).

Each needs the right to read what it exports and is logged in the logboek as an export.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from weerbaar.access import logbook, rights
from weerbaar.access.policy import signal_visible, source_records_visible
from weerbaar.access.principal import Principal
from weerbaar.cli.common import err, fail, transaction
from weerbaar.cli.importeer import Gebruiker, cli_principal
from weerbaar.core.catalogue import Catalogue
from weerbaar.detect.queries import RiskEntry, RiskFilters, all_ranked
from weerbaar.ingest.models import SourceRecord
from weerbaar.intake.models import Signal
from weerbaar.resolve.ftm import ExportFigures, export_entities
from weerbaar.resolve.models import SubjectLink

app = typer.Typer(help="Subjecten, risicolijsten en signalen exporteren.", no_args_is_help=True)
FORMATS = ("csv",)
HEADER = ("bron", "sleutel", "subject_id")
NO_READ = "Uw rol mag geen subjecten exporteren; dat mag de coördinator of analist van de gemeente."

# Person records per source: the role of the person in it and the source's key column
# (None: functionarissen has no key; its 1-based line in the file is the key).
PERSON_SOURCES: dict[str, tuple[str, str | None]] = {
    "personen": ("persoon", "persoon_id"),
    "functionarissen": ("functionaris", None),
    "transacties": ("koper", "transactie_id"),
    "huurcontracten": ("huurder", "contract_id"),
}

Uitvoer = Annotated[
    Path | None, typer.Option("--uitvoer", "-o", help="Schrijf naar dit bestand in plaats van naar het scherm.")
]


@app.callback()
def _group() -> None:
    """Subjecten, risicolijsten en signalen exporteren."""


def _is_person_record(source: str, data: dict[str, Any]) -> bool:
    """A transaction is a person record only when its buyer is a natural person."""
    if source != "transacties":
        return True
    kind = (data.get("koper_type") or "").strip()
    return kind == "natuurlijk_persoon" or (not kind and bool(data.get("koper_geslachtsnaam")))


def subject_rows(session: Session, principal: Principal) -> Iterator[tuple[str, str, str]]:
    """(bron, sleutel, subject_id) per current person record the principal may read; an
    empty subject_id when the record is not linked yet (no analysis run since its import)."""
    person_link = or_(*(and_(SourceRecord.source == source, SubjectLink.role == role)
                        for source, (role, _) in PERSON_SOURCES.items()))
    rows = session.execute(
        select(SourceRecord.source, SourceRecord.record_key, SourceRecord.line, SourceRecord.data,
               SubjectLink.subject_id)
        .outerjoin(SubjectLink, and_(SubjectLink.record_id == SourceRecord.id, person_link))
        .where(SourceRecord.source.in_(sorted(PERSON_SOURCES)), SourceRecord.superseded_at.is_(None),
               source_records_visible(principal))
        .order_by(SourceRecord.source, SourceRecord.file_name, SourceRecord.line, SourceRecord.id)
        .execution_options(yield_per=5000)
    )
    for source, record_key, line, data, subject_id in rows:
        data = data or {}
        if not _is_person_record(source, data):
            continue
        column = PERSON_SOURCES[source][1]
        key = str(line) if column is None else str(data.get(column) or record_key)
        yield source, key, subject_id or ""


def write_subjects_csv(rows: Iterator[tuple[str, str, str]], out: TextIO) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def write_ftm(entities: Iterator[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for entity in entities:
        out.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count


def _check_may_export(principal: Principal) -> None:
    if not principal.can(rights.SOURCES_READ) or not principal.municipality_code:
        fail(NO_READ)


def _write(uitvoer: Path | None, write: Callable[[TextIO], int]) -> int:
    if uitvoer is None:
        return write(sys.stdout)
    try:
        with uitvoer.open("w", encoding="utf-8", newline="") as fh:
            return write(fh)
    except OSError as exc:
        fail(f"Kan niet schrijven naar '{uitvoer}' ({exc.strerror or exc}).")


@app.command("subjecten")
def subjecten(
    formaat: Annotated[str, typer.Option("--formaat", "-f", help="Alleen csv.")] = "csv",
    uitvoer: Uitvoer = None,
    gebruiker: Gebruiker = None,
) -> None:
    """Per geïmporteerde persoonsregistratie het subject: kolommen bron,sleutel,subject_id."""
    if formaat not in FORMATS:
        fail(f"Onbekend formaat '{formaat}'; kies csv.")
    with transaction() as (runtime, session):
        principal = cli_principal(runtime, gebruiker)
        _check_may_export(principal)
        count = _write(uitvoer, lambda fh: write_subjects_csv(subject_rows(session, principal), fh))
        logbook.record(session, principal, logbook.EXPORT, object_type="subject", purpose="export subjecten",
                       details={"formaat": "csv", "regels": count, "bestand": str(uitvoer) if uitvoer else None})
    if uitvoer is not None:
        err().print(f"{count} regel(s) geschreven naar {uitvoer}.")


@app.command("ftm")
def ftm(uitvoer: Uitvoer = None, gebruiker: Gebruiker = None) -> None:
    """Subjecten en hun gedateerde relaties als FollowTheMoney-entiteiten (één JSON-object per regel)."""
    figures = ExportFigures()
    with transaction() as (runtime, session):
        principal = cli_principal(runtime, gebruiker)
        _check_may_export(principal)
        count = _write(uitvoer, lambda fh: write_ftm(export_entities(session, principal, figures), fh))
        logbook.record(session, principal, logbook.EXPORT, object_type="subject", purpose="export followthemoney",
                       details={"formaat": "ftm", "entiteiten": count, "subjecten": figures.subjects,
                                "relaties": figures.relations, "bestand": str(uitvoer) if uitvoer else None})
    if uitvoer is not None:
        err().print(f"{count} entiteit(en) geschreven naar {uitvoer}: {figures.subjects} subject(en), "
                    f"{figures.relations} relatie(s).")


# --- risk lists and signals (issue 4) ---------------------------------------------------------------

RISK_FORMATS = ("csv", "jsonl")
Formaat = Annotated[str, typer.Option("--formaat", "-f", help="csv (standaard) of jsonl.")]


def risk_records(entries: list[RiskEntry], key: str) -> Iterator[dict[str, Any]]:
    """One record per address or subject with a score above zero, highest first."""
    for e in entries:
        if e.score <= 0:
            continue
        yield {key: e.target_id, "score": round(e.score, 2), "fenomeen": e.phenomenon,
               "indicatoren": e.indicator_codes()}


def write_records(records: Iterator[dict[str, Any]], columns: tuple[str, ...], formaat: str, out: TextIO) -> int:
    count = 0
    writer = csv.writer(out, lineterminator="\n") if formaat == "csv" else None
    if writer is not None:
        writer.writerow(columns)
    for record in records:
        if writer is not None:
            writer.writerow(["|".join(v) if isinstance(v, list) else ("" if v is None else v)
                             for v in (record[c] for c in columns)])
        else:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def _risk_export(kinds: tuple[str, ...], key: str, formaat: str, uitvoer: Path | None, gebruiker: str | None,
                 fenomeen: str | None, what: str) -> None:
    if formaat not in RISK_FORMATS:
        fail(f"Onbekend formaat '{formaat}'; kies csv of jsonl.")
    with transaction() as (runtime, session):
        if fenomeen and fenomeen not in runtime.catalogue.phenomena:
            fail(f"Onbekend fenomeen '{fenomeen}'. Kies uit: {', '.join(runtime.catalogue.phenomena)}.")
        principal = cli_principal(runtime, gebruiker)
        if not principal.can(rights.RISK_READ) or not principal.municipality_code:
            fail("Uw rol mag de risicolijsten niet exporteren; dat mag de coördinator of analist van de gemeente.")
        entries = all_ranked(session, principal, RiskFilters(kinds=kinds, phenomenon=fenomeen), f"export {what}")
        columns = (key, "score", "fenomeen", "indicatoren")
        count = _write(uitvoer, lambda fh: write_records(risk_records(entries, key), columns, formaat, fh))
    if uitvoer is not None:
        err().print(f"{count} regel(s) geschreven naar {uitvoer}.")


Fenomeen = Annotated[str | None, typer.Option("--fenomeen", help="Alleen dit fenomeen (code uit de catalogus).")]


@app.command("risico-adressen")
def risico_adressen(formaat: Formaat = "csv", uitvoer: Uitvoer = None, fenomeen: Fenomeen = None,
                    gebruiker: Gebruiker = None) -> None:
    """Adressen met een risicoscore boven nul, hoogste eerst: adres_id,score,fenomeen,indicatoren."""
    _risk_export(("adres",), "adres_id", formaat, uitvoer, gebruiker, fenomeen, "risico-adressen")


@app.command("risico-personen")
def risico_personen(formaat: Formaat = "csv", uitvoer: Uitvoer = None, fenomeen: Fenomeen = None,
                    gebruiker: Gebruiker = None) -> None:
    """Personen met een risicoscore boven nul, hoogste eerst: subject_id,score,fenomeen,indicatoren."""
    _risk_export(("persoon",), "subject_id", formaat, uitvoer, gebruiker, fenomeen, "risico-personen")


@app.command("risico-bedrijven")
def risico_bedrijven(formaat: Formaat = "csv", uitvoer: Uitvoer = None, fenomeen: Fenomeen = None,
                     gebruiker: Gebruiker = None) -> None:
    """Bedrijven met een risicoscore boven nul, hoogste eerst: subject_id,score,fenomeen,indicatoren."""
    _risk_export(("bedrijf",), "subject_id", formaat, uitvoer, gebruiker, fenomeen, "risico-bedrijven")


SIGNAL_COLUMNS = ("id", "bronSleutel", "fenomeen", "fenomeenSuggestie", "indicatoren", "bron", "adresId")


def signal_records(session: Session, principal: Principal, catalogue: Catalogue) -> Iterator[dict[str, Any]]:
    query = (
        select(Signal).where(signal_visible(principal, catalogue))
        .options(selectinload(Signal.indicators)).order_by(Signal.registered_at, Signal.id)
        .execution_options(yield_per=1000)
    )
    for signal in session.scalars(query):
        yield {
            "id": signal.id, "bronSleutel": signal.source_key, "fenomeen": signal.phenomenon,
            "fenomeenSuggestie": signal.phenomenon_suggestion, "indicatoren": [i.code for i in signal.indicators],
            "bron": signal.channel, "adresId": signal.address_id,
        }


@app.command("signalen")
def signalen(formaat: Formaat = "jsonl", uitvoer: Uitvoer = None, gebruiker: Gebruiker = None) -> None:
    """Alle signalen die u mag lezen: id, bronSleutel, fenomeen, fenomeenSuggestie, indicatoren, bron, adresId."""
    if formaat not in RISK_FORMATS:
        fail(f"Onbekend formaat '{formaat}'; kies csv of jsonl.")
    with transaction() as (runtime, session):
        principal = cli_principal(runtime, gebruiker)
        count = _write(uitvoer, lambda fh: write_records(signal_records(session, principal, runtime.catalogue),
                                                         SIGNAL_COLUMNS, formaat, fh))
        logbook.record(session, principal, logbook.EXPORT, object_type="signaal", purpose="export signalen",
                       details={"formaat": formaat, "regels": count, "bestand": str(uitvoer) if uitvoer else None})
    if uitvoer is not None:
        err().print(f"{count} signaal/signalen geschreven naar {uitvoer}.")
