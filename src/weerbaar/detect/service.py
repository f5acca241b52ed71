"""The detection run of `weerbaar analyseer`: indicators, scores and automatic signals for one
municipality, after the linking run. Hits and scores are replaced; explanations survive."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from time import perf_counter
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from weerbaar.access import logbook, rights
from weerbaar.access.principal import Principal
from weerbaar.core import clock
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.errors import Forbidden
from weerbaar.detect.autosignals import sync_automatic_signals
from weerbaar.detect.frames import Frames, build_frames
from weerbaar.detect.indicators import Hit, RuleOutcome, run_rules
from weerbaar.detect.models import DetectionRun, IndicatorHit, RiskExplanation, RiskScore
from weerbaar.detect.scoring import Explained, Key, ReportedSignal, Score, score_all
from weerbaar.intake.models import Signal
from weerbaar.resolve.models import SignalSubject, Subject

ProgressFn = Callable[[str, int, int], None]

STEP_TABLES = "Analysetabellen opbouwen"
STEP_RULES = "Indicatoren"
STEP_SCORES = "Scores"
STEP_SIGNALS = "Automatische signalen"
STEPS = (STEP_TABLES, STEP_RULES, STEP_SCORES, STEP_SIGNALS)


@dataclass
class DetectionFigures:
    run_id: str
    peildatum: date
    rules: list[RuleOutcome] = field(default_factory=list)
    hits: int = 0
    scores: dict[str, int] = field(default_factory=dict)  # per target kind
    explained: int = 0
    signals: dict[str, int] = field(default_factory=dict)  # nieuw, bijgewerkt, afgesloten, heropend
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "peildatum": self.peildatum.isoformat(), "treffers": self.hits, "scores": self.scores,
            "verklaard": self.explained, "signalen": self.signals,
            "indicatoren": {r.code: (r.skipped or r.hits) for r in self.rules},
            "seconden": {k: round(v, 2) for k, v in self.seconds.items()},
        }


def check_may_run(principal: Principal) -> None:
    if not principal.can(rights.ANALYSIS_RUN) or not principal.municipality_code:
        raise Forbidden("Uw rol mag de analyse niet uitvoeren.")


def run_detection(
    session: Session, principal: Principal, catalogue: Catalogue, *, peildatum: date | None = None,
    progress: ProgressFn | None = None,
) -> DetectionFigures:
    check_may_run(principal)
    municipality = principal.municipality_code
    assert municipality is not None and catalogue.detection is not None
    day = peildatum or clock.today()
    run = DetectionRun(municipality_code=municipality, by_user_id=principal.user_id,
                       catalogue_version=catalogue.version)
    session.add(run)
    session.flush()
    figures = DetectionFigures(run.id, day)

    def step(name: str, done: int, total: int) -> None:
        if progress is not None:
            progress(name, done, total)

    started = perf_counter()
    step(STEP_TABLES, 0, 1)
    frames = build_frames(session, municipality, catalogue.detection)
    try:
        step(STEP_TABLES, 1, 1)
        figures.seconds["tabellen"] = perf_counter() - started
        mark = perf_counter()
        hits, figures.rules = run_rules(frames, catalogue, day, lambda d, t: step(STEP_RULES, d, t))
        figures.hits = len(hits)
        figures.seconds["indicatoren"] = perf_counter() - mark
        mark = perf_counter()
        step(STEP_SCORES, 0, 1)
        scores = score_all(hits, _reported_signals(session, municipality, catalogue, day), catalogue, day,
                           latest_explanations(session, municipality))
        places = _places(frames, scores)
        labels = _labels(session, frames, scores)
    finally:
        frames.close()
    _store(session, run, municipality, hits, scores, places, labels)
    figures.scores = {kind: sum(1 for s in scores if s.target_kind == kind) for kind in ("adres", "persoon", "bedrijf")}
    figures.explained = sum(1 for s in scores if s.explained)
    step(STEP_SCORES, 1, 1)
    figures.seconds["scores"] = perf_counter() - mark
    mark = perf_counter()
    figures.signals = sync_automatic_signals(session, principal, catalogue, scores, labels, day,
                                             lambda d, t: step(STEP_SIGNALS, d, t))
    figures.seconds["signalen"] = perf_counter() - mark
    figures.seconds["totaal"] = perf_counter() - started
    run.finished_at = clock.now()
    run.figures = figures.as_dict()
    logbook.record(session, principal, logbook.ANALYSE, object_type="detectie", object_id=run.id,
                   purpose="indicatoren en risicoscores", details={"treffers": figures.hits, **figures.signals})
    session.flush()
    return figures


def _reported_signals(session: Session, municipality: str, catalogue: Catalogue, day: date) -> list[ReportedSignal]:
    settings = catalogue.detection
    assert settings is not None
    since = day - timedelta(days=settings.signaal_horizon_dagen)
    base = (Signal.municipality_code == municipality, Signal.channel != "analyse", Signal.phenomenon.is_not(None),
            Signal.observed_on >= since, Signal.observed_on <= day)
    out: list[ReportedSignal] = []
    for sid, address, phen, observed, rel, cred in session.execute(
        select(Signal.id, Signal.address_id, Signal.phenomenon, Signal.observed_on, Signal.source_reliability,
               Signal.information_credibility).where(*base, Signal.address_id.is_not(None))
    ):
        out.append(ReportedSignal(sid, "adres", str(address), str(phen), observed, rel, cred))
    seen: set[tuple[str, str]] = set()
    for sid, subject, kind, phen, observed, rel, cred in session.execute(
        select(Signal.id, SignalSubject.subject_id, Subject.kind, Signal.phenomenon, Signal.observed_on,
               Signal.source_reliability, Signal.information_credibility)
        .join(SignalSubject, SignalSubject.signal_id == Signal.id)
        .join(Subject, Subject.id == SignalSubject.subject_id)
        .where(*base, Subject.kind.in_(["persoon", "bedrijf"]), Subject.retired_at.is_(None))
    ):
        if (sid, subject) not in seen:  # one signal counts once per subject, however many parties
            seen.add((sid, subject))
            out.append(ReportedSignal(sid, kind, subject, str(phen), observed, rel, cred))
    return out


def latest_explanations(session: Session, municipality: str) -> dict[Key, Explained]:
    latest = (
        select(func.max(RiskExplanation.id))
        .where(RiskExplanation.municipality_code == municipality)
        .group_by(RiskExplanation.target_kind, RiskExplanation.target_id, RiskExplanation.phenomenon)
    )
    out: dict[Key, Explained] = {}
    for e in session.scalars(select(RiskExplanation).where(RiskExplanation.id.in_(latest))):
        if e.status == "verklaard":
            out[(e.target_kind, e.target_id, e.phenomenon)] = Explained(frozenset(e.codes), e.at.date(), e.reason)
    return out


def _places(frames: Frames, scores: list[Score]) -> dict[tuple[str, str], str | None]:
    """Buurt of each target: the address itself, a person's current registration, a company's
    establishment."""
    rows = frames.con.execute("""
        SELECT 'adres', adres_id, buurtcode FROM adressen
        UNION ALL
        SELECT 'persoon', i.persoon, arg_max(a.buurtcode, i.datum_inschrijving)
        FROM inschrijvingen i JOIN adressen a USING (adres_id)
        WHERE i.persoon IS NOT NULL AND i.datum_uitschrijving IS NULL GROUP BY i.persoon
        UNION ALL
        SELECT 'bedrijf', b.bedrijf, arg_max(a.buurtcode, b.datum_inschrijving)
        FROM bedrijven b JOIN adressen a USING (adres_id) WHERE b.bedrijf IS NOT NULL GROUP BY b.bedrijf
    """).fetchall()
    wanted = {(s.target_kind, s.target_id) for s in scores}
    return {(kind, target): code for kind, target, code in rows if (kind, target) in wanted}


def _labels(session: Session, frames: Frames, scores: list[Score]) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    addresses = sorted({s.target_id for s in scores if s.target_kind == "adres"})
    if addresses:
        for adres_id, street, number, letter, addition, postcode in frames.con.execute(
            "SELECT adres_id, straat, huisnummer, huisletter, toevoeging, postcode FROM adressen"
            " WHERE adres_id IN (SELECT unnest($ids))", {"ids": addresses}
        ).fetchall():
            house = f"{number}{letter or ''}{'-' + addition if addition else ''}"
            out[("adres", adres_id)] = f"{street or ''} {house}, {postcode}".strip()
    subjects = sorted({s.target_id for s in scores if s.target_kind != "adres"})
    for i in range(0, len(subjects), 1000):
        for sid, kind, label in session.execute(
            select(Subject.id, Subject.kind, Subject.label).where(Subject.id.in_(subjects[i : i + 1000]))
        ):
            out[(kind, sid)] = label
    return out


def _store(
    session: Session, run: DetectionRun, municipality: str, hits: list[Hit], scores: list[Score],
    places: dict[tuple[str, str], str | None], labels: dict[tuple[str, str], str],
) -> None:
    session.execute(delete(IndicatorHit).where(IndicatorHit.municipality_code == municipality))
    session.execute(delete(RiskScore).where(RiskScore.municipality_code == municipality))
    rows = [{
        "run_id": run.id, "municipality_code": municipality, "code": h.code, "phenomenon": h.phenomenon,
        "target_kind": h.target_kind, "target_id": h.target_id,
        "neighbourhood_code": places.get((h.target_kind, h.target_id)), "reference_date": h.day,
        "weight": h.weight, "evidence": h.evidence, "explanation": h.explanation,
    } for h in hits]
    for i in range(0, len(rows), 5000):
        session.execute(insert(IndicatorHit), rows[i : i + 5000])
    score_rows = [{
        "run_id": run.id, "municipality_code": municipality, "target_kind": s.target_kind, "target_id": s.target_id,
        "label": labels.get((s.target_kind, s.target_id), s.target_id)[:300], "phenomenon": s.phenomenon,
        "score": s.score, "neighbourhood_code": places.get((s.target_kind, s.target_id)),
        "first_date": s.first_date, "last_date": s.last_date, "components": s.components, "explained": s.explained,
    } for s in scores]
    for i in range(0, len(score_rows), 5000):
        session.execute(insert(RiskScore), score_rows[i : i + 5000])
