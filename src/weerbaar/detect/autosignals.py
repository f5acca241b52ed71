"""Automatic signals: where the indicators of one phenomenon add up to the catalogue's threshold,
the analysis registers a signal (channel "analyse") that enters the same register and workflow
as a reported one. One signal per address, person or company and phenomenon, found again by
its source key on every run: renewed when the evidence changes, closed with the reason when the
evidence is gone or a coordinator explained it, reopened when it returns."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from weerbaar.access.principal import Principal
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.errors import ValidationFailed
from weerbaar.detect.scoring import Score
from weerbaar.intake.models import Signal, SignalStatus
from weerbaar.intake.schemas import parse_signal
from weerbaar.intake.service import STATUS_CLOSED, STATUS_NEW, Provenance, register_signal, revise_automatic_signal
from weerbaar.resolve.incremental import link_signals
from weerbaar.resolve.models import SignalSubject
from weerbaar.resolve.service import iter_mentions

PREFIX = "analyse:"


def source_key(score: Score) -> str:
    return f"{PREFIX}{score.phenomenon}:{score.target_kind}:{score.target_id}"


def _description(catalogue: Catalogue, score: Score, label: str, peildatum: date) -> str:
    phenomenon = catalogue.phenomena[score.phenomenon].naam
    subject = {"adres": f"adres {label}", "persoon": f"persoon {score.target_id}",
               "bedrijf": f"bedrijf {label}"}[score.target_kind]
    parts = [f"Automatisch signaal uit de analyse van {peildatum.strftime('%d-%m-%Y')}: de gegevens van de "
             f"partners wijzen bij {subject} op {phenomenon.lower()}."]
    for c in score.components:
        if c["soort"] == "indicator":
            parts.append(f"{c['naam']} ({c['code']}): {c['uitleg']}")
    parts.append("Dit is een aanwijzing, geen vaststelling: toets het signaal zoals elk ander signaal.")
    return "\n".join(parts)[:5000]


def sync_automatic_signals(
    session: Session, principal: Principal, catalogue: Catalogue, scores: list[Score],
    labels: dict[tuple[str, str], str], peildatum: date, progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    settings = catalogue.detection
    assert settings is not None
    counts = {"nieuw": 0, "bijgewerkt": 0, "afgesloten": 0, "heropend": 0, "ongewijzigd": 0}
    wanted = {source_key(s): s for s in scores
              if s.indicator_score >= settings.automatisch_signaal_drempel and not s.explained}
    explained = {source_key(s): s for s in scores if s.explained}
    existing = {
        str(sig.source_key): sig for sig in session.scalars(
            select(Signal).where(Signal.organisation_id == principal.organisation_id, Signal.channel == "analyse",
                                 Signal.source_key.like(f"{PREFIX}%"))
            .options(selectinload(Signal.indicators))
        )
    }
    status = _current_status(session, [s.id for s in existing.values()])
    total = len(wanted) + len(existing)
    to_link: list[Signal] = []  # new address signals, matched against the subjects in batches
    for done, (key, score) in enumerate(wanted.items(), 1):
        label = labels.get((score.target_kind, score.target_id), score.target_id)
        text = _description(catalogue, score, label, peildatum)
        codes = [c for c in dict.fromkeys(score.codes())]
        signal = existing.get(key)
        if signal is None:
            signal = _register(session, principal, catalogue, score, key, text, codes, peildatum)
            if score.target_kind == "adres":
                to_link.append(signal)
            counts["nieuw"] += 1
        elif status.get(signal.id) == STATUS_CLOSED:
            revise_automatic_signal(session, principal, signal, description=text, indicator_codes=codes,
                                    status=STATUS_NEW, note="Heropend door de analyse: " + ", ".join(codes))
            counts["heropend"] += 1
        elif sorted(codes) != sorted(i.code for i in signal.indicators) or signal.description != text:
            revise_automatic_signal(session, principal, signal, description=text, indicator_codes=codes,
                                    note="Bijgewerkt door de analyse van " + peildatum.strftime("%d-%m-%Y")
                                    + ": " + ", ".join(codes))
            counts["bijgewerkt"] += 1
        else:
            counts["ongewijzigd"] += 1
        if progress is not None and done % 50 == 0:
            progress(done, total)
    for i in range(0, len(to_link), 500):
        link_signals(session, to_link[i : i + 500])
    for key, signal in existing.items():
        if key in wanted or status.get(signal.id) == STATUS_CLOSED:
            continue
        if key in explained:
            reason = "Afgesloten: de vermelding op de risicolijst is door een coördinator verklaard."
        else:
            reason = ("Afgesloten: bij de analyse van " + peildatum.strftime("%d-%m-%Y")
                      + " is het bewijs verdwenen; de indicatoren "
                      + ", ".join(i.code for i in signal.indicators) + " slaan niet meer (genoeg) aan.")
        revise_automatic_signal(session, principal, signal, status=STATUS_CLOSED, note=reason)
        counts["afgesloten"] += 1
    if progress is not None:
        progress(total, total)
    return counts


def _current_status(session: Session, signal_ids: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for i in range(0, len(signal_ids), 1000):
        part = signal_ids[i : i + 1000]
        latest = select(func.max(SignalStatus.id)).where(SignalStatus.signal_id.in_(part)).group_by(
            SignalStatus.signal_id)
        for sid, st in session.execute(select(SignalStatus.signal_id, SignalStatus.status)
                                       .where(SignalStatus.id.in_(latest))):
            out[sid] = st
    return out


def _register(
    session: Session, principal: Principal, catalogue: Catalogue, score: Score, key: str, text: str,
    codes: list[str], peildatum: date,
) -> Signal:
    settings = catalogue.detection
    assert settings is not None
    auto = settings.automatisch_signaal
    data: dict[str, Any] = {
        "fenomeen": score.phenomenon, "indicatoren": codes, "omschrijving": text,
        "waargenomenOp": min(score.last_date or peildatum, peildatum).isoformat(),
        "bron": {"betrouwbaarheid": auto["betrouwbaarheid"], "informatie": auto["informatie"]},
        "vertrouwelijkheid": auto["vertrouwelijkheid"],
    }
    if score.target_kind == "adres":
        data["locatie"] = {"adresId": score.target_id}
    else:
        party = _party(session, score)
        if party:
            data["betrokkenen"] = [party]
    try:
        signaal = parse_signal(data, catalogue)
    except ValidationFailed:  # a party as a partner wrote it may not pass intake's checks
        data.pop("betrokkenen", None)
        signaal = parse_signal(data, catalogue)
    signal = register_signal(session, principal, signaal, catalogue, Provenance("analyse", source_key=key))
    if score.target_kind != "adres" and signal.parties:
        session.add(SignalSubject(signal_id=signal.id, party_id=signal.parties[0].id, subject_id=score.target_id,
                                  probability=1.0, explanation={"bron": "analyse",
                                                                "uitleg": "Rechtstreeks uit de analyse."}))
        session.flush()
    return signal


def _party(session: Session, score: Score) -> dict[str, Any] | None:
    """The person or company as the partner records name it (the first mention with a name)."""
    for _, _, mention in iter_mentions(session, [score.target_id]):
        f = mention.fields
        if score.target_kind == "persoon" and f.get("geslachtsnaam"):
            return {"soort": "persoon", "rol": "betrokkene", "voornamen": f.get("voornamen"),
                    "tussenvoegsel": f.get("tussenvoegsel"), "geslachtsnaam": f.get("geslachtsnaam"),
                    "geboortedatum": f.get("geboortedatum"), "bsn": f.get("bsn")}
        if score.target_kind == "bedrijf" and (f.get("kvk_nummer") or f.get("naam")):
            return {"soort": "bedrijf", "rol": "betrokkene", "naam": f.get("naam"), "kvkNummer": f.get("kvk_nummer")}
    return None
