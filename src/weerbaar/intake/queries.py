"""Reading signals: open, list, filter and search — always through the permission layer,
always logged. Everything a principal cannot see is simply not in the SQL result."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, select
from sqlalchemy.orm import Session, selectinload

from weerbaar.access import logbook
from weerbaar.access.policy import reporter_visible, signal_visible
from weerbaar.access.principal import Principal
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.errors import NotFound
from weerbaar.core.names import fold, query_words
from weerbaar.core.pseudonyms import pseudonymise
from weerbaar.intake.models import Signal, SignalParty, SignalShare, SignalStatus


def current_status() -> Any:
    return (
        select(SignalStatus.status)
        .where(SignalStatus.signal_id == Signal.id)
        .order_by(SignalStatus.id.desc())
        .limit(1)
        .correlate(Signal)
        .scalar_subquery()
    )


def _with_party(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """Signals with a party meeting all conditions. An IN-subquery lets the database start
    from the indexed party column (bsn, kvk, plate) instead of probing every signal."""
    return Signal.id.in_(select(SignalParty.signal_id).where(*conditions))


@dataclass
class SignalRow:
    signal: Signal
    status: str
    reporter_visible: bool


@dataclass
class Page:
    items: list[SignalRow]
    total: int
    page: int
    size: int


@dataclass
class Filters:
    """Non-personal filters (allowed in a query string)."""

    fenomeen: str | None = None
    status: str | None = None
    vanaf: date | None = None
    tot: date | None = None
    buurt: str | None = None
    wijk: str | None = None
    organisatie: str | None = None
    kanaal: str | None = None

    def clauses(self) -> list[ColumnElement[bool]]:
        out: list[ColumnElement[bool]] = []
        if self.fenomeen:
            out.append(Signal.phenomenon == self.fenomeen)
        if self.status:
            out.append(current_status() == self.status)
        if self.vanaf:
            out.append(Signal.observed_on >= self.vanaf)
        if self.tot:
            out.append(Signal.observed_on <= self.tot)
        if self.buurt:
            out.append(Signal.neighbourhood_code == self.buurt)
        if self.wijk:
            out.append(Signal.district_code == self.wijk)
        if self.organisatie:
            out.append(Signal.organisation_id == self.organisatie)
        if self.kanaal:
            out.append(Signal.channel == self.kanaal)
        return out

    def as_log(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.__dict__.items() if v}


@dataclass
class Criteria:
    """Search criteria that may be personal data: only ever sent in a request body."""

    naam: str | None = None
    geboortedatum: date | None = None
    bsn: str | None = None
    kvk_nummer: str | None = None
    bedrijfsnaam: str | None = None
    kenteken: str | None = None
    adres_id: str | None = None
    postcode: str | None = None
    huisnummer: int | None = None
    huisletter: str | None = None
    toevoeging: str | None = None
    tekst: str | None = None
    filters: Filters = field(default_factory=Filters)

    def is_empty(self) -> bool:
        return not any(v for k, v in self.__dict__.items() if k != "filters")

    def clauses(self) -> list[ColumnElement[bool]]:
        out = self.filters.clauses()
        person: list[ColumnElement[bool]] = []
        if self.naam:
            for w in query_words(self.naam):
                if len(w) == 1:  # an initial
                    person.append(SignalParty.name_key.like(f"% {w}%"))
                else:
                    person.append(SignalParty.name_key.like(f"% {w} %"))
        if self.geboortedatum:
            d = self.geboortedatum
            options = [d]
            if d.day <= 12 and d.day != d.month:  # day and month swapped in the source
                options.append(date(d.year, d.day, d.month))
            person.append(SignalParty.birth_date.in_(options))
        if self.bsn:
            person.append(SignalParty.bsn == self.bsn)
        if person:
            out.append(_with_party(SignalParty.kind == "persoon", *person))
        if self.kvk_nummer:
            out.append(_with_party(SignalParty.kvk_number == self.kvk_nummer))
        if self.bedrijfsnaam:
            out.append(
                exists().where(
                    SignalParty.signal_id == Signal.id,
                    func.lower(SignalParty.company_name).like(_contains(self.bedrijfsnaam.lower()), escape="\\"),
                )
            )
        if self.kenteken:
            out.append(_with_party(SignalParty.plate == self.kenteken))
        if self.adres_id:
            out.append(Signal.address_id == self.adres_id)
        if self.postcode:
            out.append(Signal.postcode == self.postcode)
            if self.huisnummer is not None:
                out.append(Signal.house_number == self.huisnummer)
            if self.huisletter:
                out.append(Signal.house_letter == self.huisletter.upper())
            if self.toevoeging:
                out.append(Signal.addition == self.toevoeging.upper())
        if self.tekst:
            for word in fold(self.tekst).split():
                out.append(Signal.search_text.like(_contains(word), escape="\\"))
        return out

    def as_log(self) -> dict[str, Any]:
        """What was searched for, with identifiers pseudonymised (never a BSN in the log)."""
        logged: dict[str, Any] = {}
        for key, value in self.__dict__.items():
            if key == "filters" or not value:
                continue
            sensitive = key in {"naam", "geboortedatum", "bsn", "kenteken", "tekst"}
            logged[key] = f"hash:{pseudonymise(str(value))}" if sensitive else str(value)
        logged.update(self.filters.as_log())
        return logged


def _contains(text: str) -> str:
    """A LIKE pattern for "contains text", with LIKE's wildcards in the text taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _rows(session: Session, query: Select[Any]) -> list[SignalRow]:
    return [SignalRow(s, st, bool(rv)) for s, st, rv in session.execute(query).unique().all()]


def _base(principal: Principal, catalogue: Catalogue) -> Select[Any]:
    return select(Signal, current_status().label("status"), reporter_visible(principal).label("rv")).where(
        signal_visible(principal, catalogue)
    )


def get_signal(
    session: Session, principal: Principal, catalogue: Catalogue, signal_id: str, purpose: str | None = None
) -> SignalRow:
    query = _base(principal, catalogue).where(Signal.id == signal_id).options(
        selectinload(Signal.parties), selectinload(Signal.indicators), selectinload(Signal.history)
    )
    rows = _rows(session, query)
    if not rows:
        raise NotFound()
    logbook.record(
        session, principal, logbook.READ, object_type="signaal", object_id=signal_id,
        purpose=purpose or "signaalbehandeling",
    )
    return rows[0]


def _page(
    session: Session,
    principal: Principal,
    catalogue: Catalogue,
    clauses: list[ColumnElement[bool]],
    page: int,
    size: int,
) -> Page:
    visible = and_(signal_visible(principal, catalogue), *clauses)
    total = session.scalar(select(func.count()).select_from(Signal).where(visible)) or 0
    query = (
        _base(principal, catalogue)
        .where(*clauses)
        .order_by(Signal.observed_on.desc(), Signal.registered_at.desc(), Signal.id)
        .offset((page - 1) * size)
        .limit(size)
        .options(selectinload(Signal.indicators), selectinload(Signal.parties))
    )
    return Page(_rows(session, query), total, page, size)


def list_signals(
    session: Session, principal: Principal, catalogue: Catalogue, filters: Filters,
    page: int = 1, size: int = 20, purpose: str | None = None,
) -> Page:
    result = _page(session, principal, catalogue, filters.clauses(), page, size)
    logbook.record(
        session, principal, logbook.LIST, object_type="signaal", purpose=purpose or "signaalbehandeling",
        details={"filters": filters.as_log(), "pagina": page, "ids": [r.signal.id for r in result.items]},
    )
    return result


def search_signals(
    session: Session, principal: Principal, catalogue: Catalogue, criteria: Criteria,
    page: int = 1, size: int = 20, purpose: str | None = None,
) -> Page:
    result = _page(session, principal, catalogue, criteria.clauses(), page, size)
    logbook.record(
        session, principal, logbook.SEARCH, object_type="signaal", purpose=purpose or "signaalbehandeling",
        details={"criteria": criteria.as_log(), "pagina": page, "treffers": result.total,
                 "ids": [r.signal.id for r in result.items]},
    )
    return result


def shares_of(session: Session, signal_id: str) -> list[SignalShare]:
    return list(session.scalars(select(SignalShare).where(SignalShare.signal_id == signal_id).order_by(SignalShare.at)))


def counts_by_status(session: Session, principal: Principal, catalogue: Catalogue) -> dict[str, int]:
    status = current_status()
    rows = session.execute(
        select(status, func.count()).select_from(Signal).where(signal_visible(principal, catalogue)).group_by(status)
    ).all()
    return {s: n for s, n in rows}
