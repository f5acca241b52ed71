"""Bulk import of signals from a partner's CSV file (the `signalen` layout).

One file is one transaction: either every good row is registered and every bad row is in
quarantine, or (on a crash, Ctrl-C, or a file that cannot be read) nothing changed at all.
Rows go through the same validation and the same write path as the API
(`parse_signal`, `register_signal`), so an imported signal is indistinguishable from
one registered by hand except for its provenance.

Idempotency: a file is recognised by its SHA-256, a row by (organisation, signaal_id)
and the content hash of the validated signal. A row seen before with the same content
is "ongewijzigd". A row whose signaal_id exists with different content is "gewijzigd":
the signal is not edited — a signal records what was reported then, and the logbook and
shares refer to that — but the row is quarantined so that a coordinator decides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from weerbaar.access import admin, logbook, rights
from weerbaar.access.principal import Principal
from weerbaar.core.errors import Forbidden, ValidationFailed
from weerbaar.core.runtime import Runtime
from weerbaar.ingest import rows
from weerbaar.ingest.csvfile import CsvFile, CsvRecord, FileRefused, open_csv
from weerbaar.ingest.models import ImportedAttributes, ImportRun
from weerbaar.ingest.runs import QuarantineWriter, find_run
from weerbaar.intake.models import Signal
from weerbaar.intake.schemas import SignaalIn, parse_signal
from weerbaar.intake.service import Provenance, content_hash, register_signal

SOURCE = "signalen"
MAX_KEY = 100  # Signal.source_key
CHANGED = "signaal_id bestaat al met andere inhoud; het bestaande signaal is niet gewijzigd."

Progress = Callable[[int, int], None]  # (bytes read, file size)


@dataclass
class ImportSummary:
    file_name: str
    encoding: str
    delimiter: str
    run_id: str | None = None
    seen_before: bool = False  # the same file (by content) was imported earlier
    gelezen: int = 0  # data rows (or entities) read; blank rows not counted
    # Signals: nieuw + ongewijzigd (a changed signal is quarantined, see the module docstring).
    # Partner extracts: nieuw + gewijzigd + ongewijzigd (a change becomes a new version).
    geaccepteerd: int = 0
    in_quarantaine: int = 0  # rows with at least one problem
    nieuw: int = 0
    gewijzigd: int = 0
    ongewijzigd: int = 0

    def counts(self) -> dict[str, int]:
        keys = ("gelezen", "geaccepteerd", "in_quarantaine", "nieuw", "gewijzigd", "ongewijzigd")
        return {k: v for k, v in asdict(self).items() if k in keys}


def import_signals(
    runtime: Runtime, path: Path | str, principal: Principal, progress: Progress | None = None
) -> ImportSummary:
    """Import one signalen file; raises Forbidden or FileRefused (Dutch) before storing anything."""
    if not (principal.can(rights.SIGNAL_IMPORT) and principal.can(rights.SIGNAL_REGISTER)):
        raise Forbidden("Uw rol mag geen signalen importeren; dat mag de coördinator of analist.")
    with open_csv(path) as csv_file:
        problems = rows.header_problems(csv_file.header)
        if problems:
            raise FileRefused(problems)
        with runtime.db.transaction() as session:
            return _Import(session, runtime, principal, csv_file, progress).run()


class _Import:
    def __init__(
        self, session: Session, runtime: Runtime, principal: Principal, csv_file: CsvFile,
        progress: Progress | None,
    ) -> None:
        self.session = session
        self.catalogue = runtime.catalogue
        self.principal = principal
        self.csv = csv_file
        self.file_name = csv_file.name[:300]
        self.progress = progress
        self.summary = ImportSummary(csv_file.name, csv_file.encoding, csv_file.delimiter)
        self.organisations: dict[str, tuple[str | None, str | None]] = {}

    def run(self) -> ImportSummary:
        run = find_run(self.session, SOURCE, self.csv.facts.sha256, self.principal)
        self.summary.seen_before = run is not None
        if run is None:
            run = ImportRun(source=SOURCE, file_name=self.file_name, file_hash=self.csv.facts.sha256,
                            by_user_id=self.principal.user_id, counts={})
            self.session.add(run)
            self.session.flush()
        self.run_id = run.id
        self.summary.run_id = run.id
        self.quarantine = QuarantineWriter(self.session, run.id, SOURCE, self.file_name, self.csv.header,
                                           earlier_run_id=run.id if self.summary.seen_before else None)
        for record in self.csv:
            self._row(record)
            if self.progress is not None:
                self.progress(self.csv.bytes_read, self.csv.facts.size)
        self.quarantine.flush()
        if not self.summary.seen_before:
            run.counts = self.summary.counts()
        logbook.record(
            self.session, self.principal, logbook.IMPORT, object_type="import", object_id=run.id,
            purpose="bulkimport signalen",
            details={"bron": SOURCE, "bestand": self.file_name, "sha256": self.csv.facts.sha256,
                     "eerderIngelezen": self.summary.seen_before, **self.summary.counts()},
        )
        return self.summary

    def _row(self, record: CsvRecord) -> None:
        self.summary.gelezen += 1
        if record.problem:
            self._quarantine(record, [(None, record.problem)])
            return
        problems: list[tuple[str | None, str]] = []
        key = (record.cells.get("signaal_id") or "").strip()
        if not key:
            problems.append(("signaal_id", "Geef het signaal_id: de sleutel van het signaal bij de bron."))
        elif len(key) > MAX_KEY:
            problems.append(("signaal_id", f"Het signaal_id is te lang: maximaal {MAX_KEY} tekens."))
        organisation_id, org_problem = self._organisation(record.cells.get("organisatie") or "")
        if org_problem:
            problems.append(("organisatie", org_problem))
        data = self._validate(record, problems)
        if problems or data is None:
            self._quarantine(record, problems)
            return
        assert organisation_id is not None
        existing = self.session.execute(
            select(Signal.id, Signal.content_hash).where(
                Signal.organisation_id == organisation_id, Signal.source_key == key
            )
        ).first()
        if existing is not None:
            if existing.content_hash == content_hash(data):
                self.summary.ongewijzigd += 1
                self.summary.geaccepteerd += 1
            else:
                self.summary.gewijzigd += 1
                self._quarantine(record, [("signaal_id", CHANGED)])
            return
        provenance = Provenance("bulk", source_key=key, source_file=self.file_name,
                                organisation_id=organisation_id)
        signal = register_signal(self.session, self.principal, data, self.catalogue, provenance)
        if extra := rows.extras(record.cells):
            self.session.add(ImportedAttributes(run_id=self.run_id, object_type="signaal",
                                                object_id=signal.id, line=record.line, attributes=extra))
        self.summary.nieuw += 1
        self.summary.geaccepteerd += 1

    def _validate(self, record: CsvRecord, problems: list[tuple[str | None, str]]) -> SignaalIn | None:
        mapped = rows.map_row(record.cells)
        problems.extend(mapped.problems)
        try:
            return parse_signal(mapped.body, self.catalogue)
        except ValidationFailed as exc:
            # A cell that could not be read at all already explains its column; the
            # schema's "missing" for the same column would only repeat it.
            unreadable = {column for column, _ in mapped.problems}
            for error in exc.errors:
                column = rows.column_for(error, mapped.origin)
                if column not in unreadable:
                    problems.append((column, rows.reason_for(error)))
            return None

    def _organisation(self, name: str) -> tuple[str | None, str | None]:
        name = name.strip()
        if not name:
            return None, "Geef de organisatie die het signaal heeft gemeld."
        cache_key = name.lower()
        if cache_key not in self.organisations:
            if len(self.organisations) > 1000:  # memory stays flat even for odd files
                self.organisations.clear()
            self.organisations[cache_key] = self._resolve_organisation(name)
        return self.organisations[cache_key]

    def _resolve_organisation(self, name: str) -> tuple[str | None, str | None]:
        org = admin.find_organisation(self.session, name)
        if org is None:
            return None, f"Onbekende organisatie '{name}'; gebruik de naam zoals die in Weerbaar staat."
        own = self.principal.municipality_code
        # The intake team imports on behalf of the partners it serves, not for another municipality.
        if org.municipality_code and own and org.municipality_code != own:
            return None, f"De organisatie '{org.name}' hoort niet bij uw gemeente."
        return org.id, None

    def _quarantine(self, record: CsvRecord, problems: list[tuple[str | None, str]]) -> None:
        self.summary.in_quarantaine += 1
        self.quarantine.add(record.line, record.cells, problems)
