"""The review queue: pairs of mentions the model is unsure about, and the coordinator's
judgements on them (and on mentions split off a subject card).

Judgements are append-only (who, when, why). They do not edit subjects here: the next
`weerbaar analyseer` run reads them (the latest verdict per pair wins, "zelfde" is
transitive, "verschillend" blocks) and rebuilds the subjects accordingly. Saying so to
the user is part of every response, so nobody expects the card to change at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from weerbaar.access import logbook, rights
from weerbaar.access.policy import source_records_visible
from weerbaar.access.principal import Principal
from weerbaar.core.clock import as_utc
from weerbaar.core.errors import FieldError, Forbidden, NotFound, ValidationFailed
from weerbaar.core.models import Organisation, User
from weerbaar.ingest.models import SourceRecord
from weerbaar.resolve.cards import (
    explanation_lines,
    mention_fields,
    record_provenance,
    visible_subject,
)
from weerbaar.resolve.mentions import parse_uid
from weerbaar.resolve.models import MatchJudgement, ReviewPair, Subject, SubjectLink

SAME, DIFFERENT = "zelfde", "verschillend"
VERDICTS = (SAME, DIFFERENT)
MAX_REASON = 2000
TAKES_EFFECT = ("Het oordeel is vastgelegd en geldt vanaf de volgende analyse (weerbaar analyseer); "
                "tot dan blijven de subjecten zoals ze zijn.")
NO_READ = "Uw rol mag geen bronregistraties en koppelvoorstellen inzien."
NO_JUDGE = "Uw rol mag geen koppelingen beoordelen; dat mag de coördinator van de gemeente."

Mention = tuple[int, str]  # (record_id, role)


def check_may_read(principal: Principal) -> None:
    if not principal.can(rights.SOURCES_READ) or not principal.municipality_code:
        raise Forbidden(NO_READ)


def check_may_judge(principal: Principal) -> None:
    if not principal.can(rights.MATCHES_JUDGE) or not principal.municipality_code:
        raise Forbidden(NO_JUDGE)


def _same_pair(model: Any, a: Mention, b: Mention) -> Any:
    """A judgement about the pair (a, b) in either order."""
    return or_(
        and_(model.record_a == a[0], model.role_a == a[1], model.record_b == b[0], model.role_b == b[1]),
        and_(model.record_a == b[0], model.role_a == b[1], model.record_b == a[0], model.role_b == a[1]),
    )


def _judged_later() -> Any:
    """A judgement on the review pair's mentions (either order) made after the pair was queued."""
    return exists().where(
        MatchJudgement.at >= ReviewPair.created_at,
        or_(
            and_(MatchJudgement.record_a == ReviewPair.record_a, MatchJudgement.role_a == ReviewPair.role_a,
                 MatchJudgement.record_b == ReviewPair.record_b, MatchJudgement.role_b == ReviewPair.role_b),
            and_(MatchJudgement.record_a == ReviewPair.record_b, MatchJudgement.role_a == ReviewPair.role_b,
                 MatchJudgement.record_b == ReviewPair.record_a, MatchJudgement.role_b == ReviewPair.role_a),
        ),
    )


def _open_pairs(principal: Principal) -> list[Any]:
    """Pairs of the principal's municipality, not judged since they were queued, both of whose
    records the principal may read (an EXISTS per side: a primary-key lookup per pair, instead of
    the set of every visible record, which is millions of rows in a large municipality)."""
    a, b = aliased(SourceRecord), aliased(SourceRecord)
    return [ReviewPair.municipality_code == principal.municipality_code, ~_judged_later(),
            exists().where(a.id == ReviewPair.record_a, source_records_visible(principal, a)),
            exists().where(b.id == ReviewPair.record_b, source_records_visible(principal, b))]


# --- reading ---------------------------------------------------------------------------------


@dataclass
class _Side:
    record: SourceRecord
    organisation: str
    subject: tuple[str, str] | None  # (id, label) of the subject it is linked to now


def _sides(session: Session, principal: Principal, mentions: set[Mention]) -> dict[Mention, _Side]:
    """Both sides of many pairs in two queries: the records (visible ones only) and their links."""
    ids = sorted({record for record, _ in mentions})
    if not ids:
        return {}
    records = {
        r.id: (r, org) for r, org in session.execute(
            select(SourceRecord, Organisation.name).join(Organisation, Organisation.id == SourceRecord.organisation_id)
            .where(SourceRecord.id.in_(ids), source_records_visible(principal))
        ).all()
    }
    links = {
        (record, role): (sid, label) for record, role, sid, label in session.execute(
            select(SubjectLink.record_id, SubjectLink.role, Subject.id, Subject.label)
            .join(Subject, Subject.id == SubjectLink.subject_id).where(SubjectLink.record_id.in_(ids))
        ).all()
    }
    return {m: _Side(records[m[0]][0], records[m[0]][1], links.get(m)) for m in mentions if m[0] in records}


def _side_json(side: _Side, role: str) -> dict[str, Any]:
    out = {**record_provenance(side.record, side.organisation), "rol": role,
           "gegevens": mention_fields(side.record, role), "subject": None}
    if side.subject:
        sid, label = side.subject
        out["subject"] = {"id": sid, "naam": label, "_links": {"self": {"href": f"/api/v1/subjecten/{sid}"}}}
    return out


def _comparison(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    """The fields of both mentions side by side, in a fixed order, with equal or not."""
    order = ["voornamen", "tussenvoegsel", "geslachtsnaam", "geboortedatum", "bsn", "naam", "kvk_nummer",
             "adres_id", "postcode", "huisnummer", "huisletter", "toevoeging", "adres_tekst"]
    keys = [k for k in order if k in a or k in b] + sorted((set(a) | set(b)) - set(order))
    return [{"veld": k, "a": a.get(k), "b": b.get(k),
             "gelijk": a.get(k) is not None and str(a.get(k)).casefold() == str(b.get(k)).casefold()}
            for k in keys]


def pair_json(pair: ReviewPair, sides: dict[Mention, _Side]) -> dict[str, Any] | None:
    side_a, side_b = sides.get((pair.record_a, pair.role_a)), sides.get((pair.record_b, pair.role_b))
    if side_a is None or side_b is None:
        return None
    a, b = _side_json(side_a, pair.role_a), _side_json(side_b, pair.role_b)
    explanation = pair.explanation or {}
    return {
        "id": pair.id,
        "soort": pair.kind,
        "kans": round(pair.probability, 4),
        "matchgewicht": explanation.get("matchgewicht"),
        "zelfdeSubject": bool(explanation.get("zelfdeSubject")),
        "uitleg": explanation_lines(explanation),
        "a": a,
        "b": b,
        "vergelijking": _comparison(a["gegevens"], b["gegevens"]),
        "aangemaaktOp": as_utc(pair.created_at).isoformat(),
        "_links": {"self": {"href": f"/api/v1/koppelvoorstellen/{pair.id}"},
                   "oordeel": {"href": f"/api/v1/koppelvoorstellen/{pair.id}/oordeel"}},
    }


def _render(session: Session, principal: Principal, pairs: list[ReviewPair]) -> list[dict[str, Any]]:
    mentions = {(p.record_a, p.role_a) for p in pairs} | {(p.record_b, p.role_b) for p in pairs}
    sides = _sides(session, principal, mentions)
    return [j for j in (pair_json(p, sides) for p in pairs) if j is not None]


def open_pairs(
    session: Session, principal: Principal, page: int = 1, size: int = 20, kind: str | None = None
) -> tuple[list[dict[str, Any]], int]:
    """Open pairs of the principal's municipality without a later judgement, most uncertain first."""
    check_may_read(principal)
    clauses = _open_pairs(principal) + ([ReviewPair.kind == kind] if kind else [])
    total = session.scalar(select(func.count()).select_from(ReviewPair).where(*clauses)) or 0
    pairs = list(session.scalars(
        select(ReviewPair).where(*clauses)
        .order_by(func.abs(ReviewPair.probability - 0.5), ReviewPair.created_at, ReviewPair.id)
        .offset((page - 1) * size).limit(size)
    ))
    items = _render(session, principal, pairs)
    logbook.record(session, principal, logbook.LIST, object_type="koppelvoorstel", purpose="koppelingen beoordelen",
                   details={"pagina": page, "ids": [i["id"] for i in items]})
    return items, total


def open_pair_counts(session: Session, principal: Principal) -> dict[str, int]:
    """How many open pairs wait per kind (persoon, bedrijf, adres): the size of the review queue."""
    check_may_read(principal)
    return dict(session.execute(select(ReviewPair.kind, func.count()).where(*_open_pairs(principal))
                                .group_by(ReviewPair.kind)).all())


def _pair(session: Session, principal: Principal, pair_id: str) -> ReviewPair:
    pair = session.scalar(select(ReviewPair).where(
        ReviewPair.id == pair_id, ReviewPair.municipality_code == principal.municipality_code))
    if pair is None:
        raise NotFound()
    return pair


def get_pair(session: Session, principal: Principal, pair_id: str) -> dict[str, Any]:
    check_may_read(principal)
    items = _render(session, principal, [_pair(session, principal, pair_id)])
    if not items:
        raise NotFound()
    item = items[0]
    item["beoordeeld"] = session.scalar(select(exists().where(
        _same_pair(MatchJudgement, (item["a"]["id"], item["a"]["rol"]), (item["b"]["id"], item["b"]["rol"]))))) or False
    logbook.record(session, principal, logbook.READ, object_type="koppelvoorstel", object_id=pair_id,
                   purpose="koppelingen beoordelen")
    return item


# --- judging ---------------------------------------------------------------------------------


def check_verdict(verdict: Any, reason: Any, errors: list[FieldError]) -> None:
    if verdict not in VERDICTS:
        errors.append(FieldError("oordeel", "oordeel_ongeldig", "Kies 'zelfde' of 'verschillend'."))
    if reason is not None and not isinstance(reason, str):
        errors.append(FieldError("toelichting", "string_type", "Moet tekst zijn."))
    elif isinstance(reason, str) and len(reason) > MAX_REASON:
        errors.append(FieldError("toelichting", "string_too_long", f"Te lang: maximaal {MAX_REASON} tekens."))


def _append(
    session: Session, principal: Principal, kind: str, a: Mention, b: Mention, verdict: str, reason: str | None,
    object_id: str,
) -> MatchJudgement:
    judgement = MatchJudgement(
        kind=kind, record_a=a[0], role_a=a[1], record_b=b[0], role_b=b[1], verdict=verdict,
        reason=(reason or "").strip() or None, by_user_id=principal.user_id, organisation_id=principal.organisation_id,
    )
    session.add(judgement)
    session.flush()
    logbook.record(session, principal, logbook.JUDGE, object_type="koppeloordeel", object_id=str(judgement.id),
                   purpose="koppelingen beoordelen",
                   details={"oordeel": verdict, "over": object_id, "a": f"{a[0]}:{a[1]}", "b": f"{b[0]}:{b[1]}"})
    return judgement


def judge(
    session: Session, principal: Principal, pair_id: str, verdict: str, reason: str | None
) -> MatchJudgement:
    """Append a coordinator's verdict on a queued pair; it takes effect on the next run."""
    check_may_judge(principal)
    errors: list[FieldError] = []
    check_verdict(verdict, reason, errors)
    if errors:
        raise ValidationFailed(errors)
    pair = _pair(session, principal, pair_id)
    if not _sides_visible(session, principal, [pair.record_a, pair.record_b]):
        raise NotFound()
    return _append(session, principal, pair.kind, (pair.record_a, pair.role_a), (pair.record_b, pair.role_b),
                   verdict, reason, pair.id)


def _sides_visible(session: Session, principal: Principal, record_ids: list[int]) -> bool:
    found = session.scalar(select(func.count()).select_from(SourceRecord).where(
        SourceRecord.id.in_(record_ids), source_records_visible(principal)))
    return found == len(set(record_ids))


def split_off(
    session: Session, principal: Principal, subject_id: str, record_id: Any, role: Any, reason: Any
) -> tuple[MatchJudgement, str]:
    """Split a mention off a subject: "verschillend" between it and the mention that linked
    it in (the link's explanation `via`). Returns the judgement and the subject id used."""
    check_may_judge(principal)
    errors: list[FieldError] = []
    if not isinstance(record_id, int) or isinstance(record_id, bool):
        errors.append(FieldError("bronregistratie", "int_type",
                                 "Geef het id (een geheel getal) van de bronregistratie."))
    if not isinstance(role, str) or not role.strip():
        errors.append(FieldError("rol", "missing", "Geef de rol van de vermelding (bijvoorbeeld persoon of koper)."))
    check_verdict(DIFFERENT, reason, errors)
    if errors:
        raise ValidationFailed(errors)
    subject, _ = visible_subject(session, principal, subject_id)
    link = session.scalar(select(SubjectLink).join(SourceRecord, SourceRecord.id == SubjectLink.record_id).where(
        SubjectLink.subject_id == subject.id, SubjectLink.record_id == record_id, SubjectLink.role == role.strip(),
        source_records_visible(principal)))
    if link is None:
        raise ValidationFailed([FieldError(
            "bronregistratie", "niet_gekoppeld",
            f"Deze bronregistratie (met deze rol) hoort niet bij subject {subject.id}.")])
    via = _via(session, link)
    if via is None:
        raise ValidationFailed([FieldError("bronregistratie", "niets_te_ontkoppelen",
                                           "Deze vermelding is niet via een andere vermelding gekoppeld; "
                                           "er valt niets te ontkoppelen.")])
    judgement = _append(session, principal, subject.kind, (link.record_id, link.role), via, DIFFERENT, reason,
                        subject.id)
    return judgement, subject.id


def _via(session: Session, link: SubjectLink) -> Mention | None:
    """The mention that linked this one into its subject; for the subject's first mention
    (no `via`), the mention that was linked through it."""
    via = (link.explanation or {}).get("via") or {}
    record = via.get("bronregistratie", via.get("record"))
    if isinstance(record, int) and via.get("rol"):
        return record, str(via["rol"])
    if isinstance(via.get("uid"), str):
        return parse_uid(via["uid"])
    for other in session.scalars(select(SubjectLink).where(
            SubjectLink.subject_id == link.subject_id, SubjectLink.id != link.id).order_by(SubjectLink.id)):
        back = (other.explanation or {}).get("via") or {}
        if back.get("bronregistratie", back.get("record")) == link.record_id and back.get("rol") == link.role:
            return other.record_id, other.role
    return None


# --- judgements ------------------------------------------------------------------------------


def judgement_json(j: MatchJudgement, user: User, organisation: str, sides: dict[Mention, _Side]) -> dict[str, Any]:
    def side(m: Mention) -> dict[str, Any]:
        s = sides.get(m)
        if s is None:
            return {"id": m[0], "rol": m[1]}
        return _side_json(s, m[1])

    return {
        "id": j.id,
        "soort": j.kind,
        "oordeel": j.verdict,
        "toelichting": j.reason,
        "door": {"id": user.id, "naam": user.name, "organisatie": organisation},
        "op": as_utc(j.at).isoformat(),
        "a": side((j.record_a, j.role_a)),
        "b": side((j.record_b, j.role_b)),
    }


def list_judgements(
    session: Session, principal: Principal, page: int = 1, size: int = 20
) -> tuple[list[dict[str, Any]], int]:
    """Judgements on records of the principal's municipality, newest first, with who and when."""
    check_may_read(principal)
    clauses = [MatchJudgement.record_a.in_(select(SourceRecord.id).where(source_records_visible(principal)))]
    total = session.scalar(select(func.count()).select_from(MatchJudgement).where(*clauses)) or 0
    rows = session.execute(
        select(MatchJudgement, User, Organisation.name)
        .join(User, User.id == MatchJudgement.by_user_id)
        .join(Organisation, Organisation.id == MatchJudgement.organisation_id)
        .where(*clauses).order_by(MatchJudgement.at.desc(), MatchJudgement.id.desc())
        .offset((page - 1) * size).limit(size)
    ).all()
    mentions = {(j.record_a, j.role_a) for j, _, _ in rows} | {(j.record_b, j.role_b) for j, _, _ in rows}
    sides = _sides(session, principal, mentions)
    items = [judgement_json(j, user, org, sides) for j, user, org in rows]
    logbook.record(session, principal, logbook.LIST, object_type="koppeloordeel", purpose="koppelingen beoordelen",
                   details={"pagina": page, "ids": [i["id"] for i in items]})
    return items, total


def judgement_created(j: MatchJudgement, principal: Principal, about: str) -> dict[str, Any]:
    """The response to a new judgement: what was recorded, by whom, and when it takes effect."""
    return {
        "id": j.id,
        "over": about,
        "soort": j.kind,
        "oordeel": j.verdict,
        "toelichting": j.reason,
        "door": {"id": principal.user_id, "naam": principal.name, "organisatie": principal.organisation_name},
        "op": as_utc(j.at).isoformat(),
        "a": {"bronregistratie": j.record_a, "rol": j.role_a},
        "b": {"bronregistratie": j.record_b, "rol": j.role_b},
        "melding": TAKES_EFFECT,
    }
