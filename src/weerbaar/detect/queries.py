"""Reading the risk lists (always through `access.policy.risk_visible` and the logbook) and the
one write path for "verklaard": a coordinator explains an entry with a reason, or withdraws that."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from weerbaar.access import logbook, rights
from weerbaar.access.policy import risk_visible
from weerbaar.access.principal import Principal
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.errors import FieldError, Forbidden, NotFound, ValidationFailed
from weerbaar.detect.models import DetectionRun, RiskExplanation, RiskScore
from weerbaar.intake.models import Signal
from weerbaar.intake.service import STATUS_CLOSED, revise_automatic_signal

KINDS = ("adres", "persoon", "bedrijf")
MAX_REASON = 2000


@dataclass(frozen=True)
class RiskFilters:
    kinds: tuple[str, ...] = ("adres",)
    phenomenon: str | None = None
    neighbourhood: str | None = None
    since: date | None = None  # evidence on or after
    until: date | None = None  # evidence on or before
    include_explained: bool = True

    def clauses(self) -> list[ColumnElement[bool]]:
        out: list[ColumnElement[bool]] = [RiskScore.target_kind.in_(self.kinds)]
        if self.phenomenon:
            out.append(RiskScore.phenomenon == self.phenomenon)
        if self.neighbourhood:
            out.append(RiskScore.neighbourhood_code == self.neighbourhood)
        if self.since:
            out.append(or_(RiskScore.last_date.is_(None), RiskScore.last_date >= self.since))
        if self.until:
            out.append(or_(RiskScore.first_date.is_(None), RiskScore.first_date <= self.until))
        if not self.include_explained:
            out.append(RiskScore.explained.is_(False))
        return out

    def as_log(self) -> dict[str, Any]:
        return {k: v for k, v in {
            "soort": ",".join(self.kinds), "fenomeen": self.phenomenon, "buurt": self.neighbourhood,
            "van": self.since.isoformat() if self.since else None,
            "tot": self.until.isoformat() if self.until else None,
        }.items() if v}


@dataclass
class RiskEntry:
    """One address, person or company on a ranked list: its total score over the phenomena the
    filters let through, the leading phenomenon, and every part (per phenomenon)."""

    target_kind: str
    target_id: str
    label: str
    score: float
    neighbourhood: str | None
    explained: bool
    parts: list[RiskScore] = field(default_factory=list)

    @property
    def phenomenon(self) -> str:
        return self.parts[0].phenomenon if self.parts else ""

    def components(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for part in self.parts:
            for c in part.components:
                yield part.phenomenon, c

    def indicator_codes(self) -> list[str]:
        return list(dict.fromkeys(c["code"] for _, c in self.components() if c["soort"] == "indicator"))


def _check(principal: Principal) -> None:
    if not principal.can(rights.RISK_READ) or not principal.municipality_code:
        raise Forbidden("Uw rol mag de risicolijsten niet inzien.")


def _ranked(principal: Principal, filters: RiskFilters) -> Select[str, str, Any, Any]:
    counted = case((RiskScore.explained.is_(True), 0.0), else_=RiskScore.score)
    return (
        select(RiskScore.target_kind, RiskScore.target_id, func.sum(counted).label("total"),
               func.min(case((RiskScore.explained.is_(True), 1), else_=0)).label("all_explained"))
        .where(risk_visible(principal), *filters.clauses())
        .group_by(RiskScore.target_kind, RiskScore.target_id)
    )


def ranked(
    session: Session, principal: Principal, filters: RiskFilters, *, page: int = 1, size: int = 25,
    purpose: str = "risicolijst", log: bool = True,
) -> tuple[list[RiskEntry], int]:
    """A page of the ranked list: highest score first; explained entries go last (score 0)."""
    _check(principal)
    grouped = _ranked(principal, filters).subquery()
    total = session.scalar(select(func.count()).select_from(grouped)) or 0
    rows = session.execute(
        select(grouped).order_by(grouped.c.all_explained, grouped.c.total.desc(), grouped.c.target_id)
        .limit(size).offset((page - 1) * size)
    ).all()
    entries = _entries(session, principal, filters, [(r.target_kind, r.target_id, r.total, r.all_explained)
                                                      for r in rows])
    if log:
        logbook.record(session, principal, logbook.LIST, object_type="risicolijst", object_id=None,
                       purpose=purpose, details={**filters.as_log(), "pagina": page, "aantal": len(entries)})
    return entries, total


def all_ranked(session: Session, principal: Principal, filters: RiskFilters, purpose: str) -> list[RiskEntry]:
    """The whole list (exports), in batches, logged once as an export."""
    _check(principal)
    grouped = _ranked(principal, filters).subquery()
    rows = session.execute(
        select(grouped).order_by(grouped.c.all_explained, grouped.c.total.desc(), grouped.c.target_id)
    ).all()
    out: list[RiskEntry] = []
    for i in range(0, len(rows), 500):
        part = rows[i : i + 500]
        out += _entries(session, principal, filters, [(r.target_kind, r.target_id, r.total, r.all_explained)
                                                      for r in part])
    logbook.record(session, principal, logbook.EXPORT, object_type="risicolijst", object_id=None,
                   purpose=purpose, details={**filters.as_log(), "aantal": len(out)})
    return out


def _entries(
    session: Session, principal: Principal, filters: RiskFilters, keys: list[tuple[str, str, float, int]]
) -> list[RiskEntry]:
    if not keys:
        return []
    wanted = [and_(RiskScore.target_kind == k, RiskScore.target_id == t) for k, t, _, _ in keys]
    parts: dict[tuple[str, str], list[RiskScore]] = defaultdict(list)
    for part in session.scalars(
        select(RiskScore).where(risk_visible(principal), *filters.clauses(), or_(*wanted))
        .order_by(RiskScore.explained, RiskScore.score.desc())
    ):
        parts[(part.target_kind, part.target_id)].append(part)
    out = []
    for kind, target, total, all_explained in keys:
        mine = parts.get((kind, target), [])
        label = mine[0].label if mine else target
        out.append(RiskEntry(kind, target, label, round(float(total or 0), 2),
                             mine[0].neighbourhood_code if mine else None, bool(all_explained), mine))
    return out


def entry(session: Session, principal: Principal, kind: str, target_id: str) -> RiskEntry:
    """Every phenomenon of one address, person or company, with all components; 404 when invisible."""
    _check(principal)
    parts = list(session.scalars(
        select(RiskScore).where(risk_visible(principal), RiskScore.target_kind == kind,
                                RiskScore.target_id == target_id)
        .order_by(RiskScore.explained, RiskScore.score.desc())
    ))
    if not parts:
        raise NotFound()
    logbook.record(session, principal, logbook.READ, object_type="risico", object_id=f"{kind}:{target_id}",
                   purpose="risicoscore inzien", details={})
    total = sum(p.score for p in parts if not p.explained)
    return RiskEntry(kind, target_id, parts[0].label, round(total, 2), parts[0].neighbourhood_code,
                     all(p.explained for p in parts), parts)


def explanations(session: Session, principal: Principal, kind: str, target_id: str) -> list[RiskExplanation]:
    _check(principal)
    return list(session.scalars(
        select(RiskExplanation).where(RiskExplanation.municipality_code == principal.municipality_code,
                                      RiskExplanation.target_kind == kind, RiskExplanation.target_id == target_id)
        .order_by(RiskExplanation.id)
    ))


def last_run(session: Session, principal: Principal) -> DetectionRun | None:
    return session.scalars(
        select(DetectionRun).where(DetectionRun.municipality_code == principal.municipality_code,
                                   DetectionRun.finished_at.is_not(None))
        .order_by(DetectionRun.started_at.desc())
    ).first()


def explain(
    session: Session, principal: Principal, catalogue: Catalogue, kind: str, target_id: str, phenomenon: str,
    reason: str, *, withdraw: bool = False,
) -> RiskExplanation:
    """Mark an entry "verklaard" (or withdraw that). The entry stays down on later runs until an
    indicator it did not cover fires or a newer signal arrives; its automatic signal is closed."""
    errors: list[FieldError] = []
    if phenomenon not in catalogue.phenomena:
        errors.append(FieldError("fenomeen", "fenomeen_onbekend", f"Onbekend fenomeen '{phenomenon}'."))
    text = (reason or "").strip()
    if not text:
        errors.append(FieldError("reden", "missing", "Geef de reden: waarom is deze vermelding verklaard?"))
    elif len(text) > MAX_REASON:
        errors.append(FieldError("reden", "string_too_long", f"Te lang: maximaal {MAX_REASON} tekens."))
    if errors:
        raise ValidationFailed(errors)
    _check(principal)
    part = session.scalars(
        select(RiskScore).where(risk_visible(principal), RiskScore.target_kind == kind,
                                RiskScore.target_id == target_id, RiskScore.phenomenon == phenomenon)
    ).first()
    if part is None:
        raise NotFound()
    if not principal.can(rights.RISK_EXPLAIN):
        raise Forbidden("Uw rol mag vermeldingen op de risicolijst niet verklaren.")
    row = RiskExplanation(
        municipality_code=principal.municipality_code, target_kind=kind, target_id=target_id,
        phenomenon=phenomenon, status="ingetrokken" if withdraw else "verklaard", reason=text,
        codes=[c["code"] for c in part.components],  # indicator codes and signal ids
        by_user_id=principal.user_id, by_user_name=principal.name,
    )
    session.add(row)
    part.explained = not withdraw  # the derived row follows at once; the next run recomputes it
    logbook.record(session, principal, logbook.JUDGE, object_type="risico", object_id=f"{kind}:{target_id}",
                   purpose=text[:300], details={"fenomeen": phenomenon, "status": row.status})
    if not withdraw:
        _close_automatic_signal(session, principal, kind, target_id, phenomenon, text)
    session.flush()
    return row


def _close_automatic_signal(
    session: Session, principal: Principal, kind: str, target_id: str, phenomenon: str, reason: str
) -> None:
    from weerbaar.detect.autosignals import PREFIX

    signal = session.scalars(select(Signal).where(
        Signal.organisation_id == principal.organisation_id, Signal.channel == "analyse",
        Signal.source_key == f"{PREFIX}{phenomenon}:{kind}:{target_id}",
    )).first()
    if signal is None or not principal.can(rights.ANALYSIS_RUN):
        return
    if signal.history and signal.history[-1].status == STATUS_CLOSED:
        return
    revise_automatic_signal(session, principal, signal, status=STATUS_CLOSED,
                            note=f"Afgesloten: de vermelding op de risicolijst is verklaard ({reason[:500]}).")
