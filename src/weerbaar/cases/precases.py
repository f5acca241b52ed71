"""Pre-cases (vooronderzoeken): signals about the same subject bundled before anyone decides to
open a case ("opwaarderen").

The intake team of a municipality (right `casussen.beheren`) bundles signals it may read; the
permission layer decides which ones (`policy.signal_visible`), so a signal it cannot see is
refused as unknown. `create_pre_case` and `add_signals` are the one write path; every write,
read and list is logged. Which signals belong together is suggested by `suggest_bundles`: open
signals (by default those the weighing sent on: in vooronderzoek or doorgezet) linked to the same
subject through `SignalSubject`, not yet in a pre-case of the municipality.

Subject names appear only behind privacy check 1 (`cards.gated_refs`): a suggestion says which
subject the signals share by its id and kind, never its name, until a check is recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from weerbaar.access import logbook, rights
from weerbaar.access.policy import pre_case_visible, signal_visible, subjects_visible
from weerbaar.access.principal import Principal
from weerbaar.cases.models import PreCase, PreCaseSignal, PrivacyCheck, PrivacyCheckSubject
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.clock import as_utc
from weerbaar.core.errors import FieldError, Forbidden, NotFound, ValidationFailed
from weerbaar.core.models import Organisation
from weerbaar.intake.models import Signal
from weerbaar.intake.queries import current_status
from weerbaar.resolve import cards
from weerbaar.resolve.models import SignalSubject, Subject

OPEN_FOR_BUNDLING = ("in_vooronderzoek", "doorgezet")
MAX_TITLE = 300
MAX_SIGNALS = 200
NO_MANAGE = "Uw rol mag geen vooronderzoeken openen of aanvullen; dat doet het intaketeam van de gemeente."
NO_READ = "Uw rol mag geen vooronderzoeken inzien."
UNKNOWN_SIGNAL = "Onbekend signaal, of een signaal dat u niet mag zien."


@dataclass
class Bundle:
    """Signals that share a subject: a suggested pre-case."""

    subject_id: str
    signals: list[tuple[Signal, str]] = field(default_factory=list)  # (signal, current status)


def _require_manage(principal: Principal) -> str:
    if not principal.can(rights.CASES_MANAGE) or not principal.municipality_code:
        raise Forbidden(NO_MANAGE)
    return principal.municipality_code


def _in_own_pre_case(principal: Principal) -> Any:
    """Signals already bundled in a pre-case of the principal's municipality."""
    return (select(PreCaseSignal.signal_id).join(PreCase, PreCase.id == PreCaseSignal.pre_case_id)
            .where(PreCase.municipality_code == principal.municipality_code))


def suggest_bundles(
    session: Session, principal: Principal, catalogue: Catalogue, *,
    statuses: Sequence[str] | None = OPEN_FOR_BUNDLING, min_signals: int = 2,
) -> list[Bundle]:
    """Groups of visible signals about one visible subject, not yet in a pre-case, most signals
    first. `statuses`: the current statuses considered; None for every status that is not an
    end status of the signal flow (any open signal)."""
    _require_manage(principal)
    status = current_status()
    if statuses is None:
        flow = catalogue.signal_flow
        statuses = [s.code for s in flow.statussen if not s.eind] if flow else list(OPEN_FOR_BUNDLING)
    rows = session.execute(
        select(SignalSubject.subject_id, Signal, status)
        .join(Signal, Signal.id == SignalSubject.signal_id)
        .join(Subject, Subject.id == SignalSubject.subject_id)
        .where(signal_visible(principal, catalogue), subjects_visible(principal), Subject.merged_into.is_(None),
               status.in_(list(statuses)), Signal.id.not_in(_in_own_pre_case(principal)))
        .order_by(SignalSubject.subject_id, Signal.observed_on, Signal.id)
    ).all()
    bundles: dict[str, Bundle] = {}
    for subject_id, signal, current in rows:
        bundle = bundles.setdefault(subject_id, Bundle(subject_id))
        if all(s.id != signal.id for s, _ in bundle.signals):
            bundle.signals.append((signal, current))
    out = sorted((b for b in bundles.values() if len(b.signals) >= min_signals),
                 key=lambda b: (-len(b.signals), b.subject_id))
    logbook.record(session, principal, logbook.LIST, object_type="vooronderzoekvoorstel",
                   purpose="signalen bundelen", details={"voorstellen": len(out),
                                                         "subjecten": [b.subject_id for b in out[:50]]})
    return out


def bundles_json(session: Session, principal: Principal, catalogue: Catalogue,
                 bundles: list[Bundle]) -> list[dict[str, Any]]:
    refs = cards.gated_refs(session, principal, [b.subject_id for b in bundles])
    return [{"subject": refs.get(b.subject_id), "aantalSignalen": len(b.signals),
             "signalen": [signal_ref(s, status, catalogue) for s, status in b.signals]} for b in bundles]


# --- the write path ------------------------------------------------------------------------


def _visible_signals(session: Session, principal: Principal, catalogue: Catalogue, signal_ids: Sequence[Any],
                     errors: list[FieldError], *, pre_case_id: str | None = None) -> list[Signal]:
    """The signals asked for, each checked: readable, not twice, not already in a pre-case of
    the municipality (every problem named by its position, `signalen[i]`)."""
    wanted = [str(s).strip() if isinstance(s, str) else "" for s in signal_ids]
    found = {s.id: s for s in session.scalars(
        select(Signal).where(Signal.id.in_([w for w in wanted if w]), signal_visible(principal, catalogue)))}
    bundled = dict(session.execute(
        select(PreCaseSignal.signal_id, PreCase.title).join(PreCase, PreCase.id == PreCaseSignal.pre_case_id)
        .where(PreCaseSignal.signal_id.in_(list(found)), PreCase.municipality_code == principal.municipality_code)
    ).all()) if found else {}
    in_this = set(session.scalars(select(PreCaseSignal.signal_id).where(
        PreCaseSignal.pre_case_id == pre_case_id))) if pre_case_id else set()
    out: list[Signal] = []
    seen: set[str] = set()
    for i, wanted_id in enumerate(wanted):
        name = f"signalen[{i}]"
        signal = found.get(wanted_id)
        if signal is None:
            errors.append(FieldError(name, "signaal_onbekend", UNKNOWN_SIGNAL))
        elif wanted_id in seen:
            errors.append(FieldError(name, "dubbel", "Dit signaal staat al eerder in de lijst."))
        elif wanted_id in in_this:
            errors.append(FieldError(name, "al_in_dit_vooronderzoek", "Dit signaal hoort al bij dit vooronderzoek."))
        elif wanted_id in bundled:
            errors.append(FieldError(name, "al_in_vooronderzoek",
                                     f"Dit signaal hoort al bij het vooronderzoek '{bundled[wanted_id]}'."))
        else:
            out.append(signal)
        seen.add(wanted_id)
    return out


def _common_subject(session: Session, principal: Principal, signals: list[Signal]) -> str | None:
    """The one visible subject every signal is linked to, if there is exactly one."""
    if not signals:
        return None
    ids = [s.id for s in signals]
    shared = session.scalars(
        select(SignalSubject.subject_id).join(Subject, Subject.id == SignalSubject.subject_id)
        .where(SignalSubject.signal_id.in_(ids), subjects_visible(principal), Subject.merged_into.is_(None))
        .group_by(SignalSubject.subject_id)
        .having(func.count(func.distinct(SignalSubject.signal_id)) == len(ids))
    ).all()
    return shared[0] if len(shared) == 1 else None


def _subject(session: Session, principal: Principal, subject_id: Any, errors: list[FieldError]) -> str | None:
    if subject_id in (None, ""):
        return None
    try:
        subject, _ = cards.visible_subject(session, principal, str(subject_id))
    except NotFound:
        errors.append(FieldError("subject", "subject_onbekend",
                                 "Onbekend subject, of een subject dat u niet mag zien."))
        return None
    return subject.id


def create_pre_case(
    session: Session, principal: Principal, catalogue: Catalogue, signal_ids: Sequence[Any], title: str | None,
    subject_id: str | None = None,
) -> PreCase:
    """Open a pre-case of the principal's municipality with the given signals (and/or the subject
    it is about). Without a subject, the one subject all signals share becomes its subject."""
    municipality = _require_manage(principal)
    errors: list[FieldError] = []
    clean_title = " ".join((title or "").split())
    if not clean_title:
        errors.append(FieldError("titel", "missing", "Geef het vooronderzoek een titel."))
    elif len(clean_title) > MAX_TITLE:
        errors.append(FieldError("titel", "string_too_long", f"Te lang: maximaal {MAX_TITLE} tekens."))
    if len(signal_ids) > MAX_SIGNALS:
        errors.append(FieldError("signalen", "te_veel", f"Bundel hoogstens {MAX_SIGNALS} signalen tegelijk."))
        signal_ids = []
    signals = _visible_signals(session, principal, catalogue, signal_ids, errors)
    subject = _subject(session, principal, subject_id, errors)
    if not signal_ids and subject_id in (None, ""):
        errors.append(FieldError("signalen", "missing",
                                 "Kies minstens één signaal, of het subject waarover het vooronderzoek gaat."))
    if errors:
        raise ValidationFailed(errors)
    pre_case = PreCase(municipality_code=municipality, organisation_id=principal.organisation_id,
                       subject_id=subject or _common_subject(session, principal, signals), title=clean_title,
                       created_by_id=principal.user_id)
    session.add(pre_case)
    session.flush()
    session.add_all(PreCaseSignal(pre_case_id=pre_case.id, signal_id=s.id) for s in signals)
    logbook.record(session, principal, logbook.CREATE, object_type="vooronderzoek", object_id=pre_case.id,
                   purpose="vooronderzoek openen",
                   details={"signalen": [s.id for s in signals], "subject": pre_case.subject_id})
    session.flush()
    return pre_case


def _visible_pre_case(session: Session, principal: Principal, pre_case_id: str) -> PreCase:
    pre_case = session.scalar(select(PreCase).where(PreCase.id == str(pre_case_id), pre_case_visible(principal)))
    if pre_case is None:
        raise NotFound()
    return pre_case


def add_signals(session: Session, principal: Principal, catalogue: Catalogue, pre_case_id: str,
                signal_ids: Sequence[Any]) -> PreCase:
    """Add signals to a pre-case (the same checks as when opening it)."""
    _require_manage(principal)
    pre_case = _visible_pre_case(session, principal, pre_case_id)
    errors: list[FieldError] = []
    if not signal_ids:
        errors.append(FieldError("signalen", "missing", "Kies minstens één signaal."))
    signals = _visible_signals(session, principal, catalogue, signal_ids, errors, pre_case_id=pre_case.id)
    if errors:
        raise ValidationFailed(errors)
    session.add_all(PreCaseSignal(pre_case_id=pre_case.id, signal_id=s.id) for s in signals)
    logbook.record(session, principal, logbook.UPDATE, object_type="vooronderzoek", object_id=pre_case.id,
                   purpose="signalen toevoegen", details={"signalen": [s.id for s in signals]})
    session.flush()
    return pre_case


# --- reading -------------------------------------------------------------------------------


def _require_read(principal: Principal) -> None:
    if not (principal.can(rights.CASES_READ_MUNICIPALITY) or principal.can(rights.CASES_MANAGE)) \
            or not principal.municipality_code:
        raise Forbidden(NO_READ)


def signal_ref(signal: Signal, status: str | None, catalogue: Catalogue) -> dict[str, Any]:
    phenomenon = catalogue.phenomena.get(signal.phenomenon or "")
    text = signal.description
    return {
        "id": signal.id, "fenomeen": signal.phenomenon, "fenomeenNaam": phenomenon.naam if phenomenon else None,
        "waargenomenOp": signal.observed_on.isoformat(), "status": status,
        "organisatie": {"id": signal.organisation.id, "naam": signal.organisation.name},
        "omschrijving": text if len(text) <= 280 else text[:277] + "…",
        "_links": {"self": {"href": f"/api/v1/signalen/{signal.id}"}},
    }


def check_json(check: PrivacyCheck, subject_ids: list[str], catalogue: Catalogue) -> dict[str, Any]:
    basis = catalogue.legal_bases.get(check.legal_basis)
    return {
        "id": check.id, "fase": check.stage, "grondslag": check.legal_basis,
        "grondslagNaam": basis.naam if basis else None, "doel": check.purpose, "noodzaak": check.necessity,
        "proportionaliteit": check.proportionality, "subsidiariteit": check.subsidiarity,
        "subjecten": subject_ids, "organisatie": check.organisation_id, "door": check.by_user_name,
        "op": as_utc(check.at).isoformat(),
    }


def checks_of(session: Session, *, pre_case_id: str | None = None,
              case_id: str | None = None) -> list[tuple[PrivacyCheck, list[str]]]:
    """The privacy checks recorded for a pre-case or case, oldest first, with their subjects."""
    where = PrivacyCheck.pre_case_id == pre_case_id if pre_case_id else PrivacyCheck.case_id == case_id
    checks = session.scalars(select(PrivacyCheck).where(where).order_by(PrivacyCheck.at, PrivacyCheck.id)).all()
    subjects: dict[str, list[str]] = {}
    if checks:
        for check_id, subject_id in session.execute(
                select(PrivacyCheckSubject.check_id, PrivacyCheckSubject.subject_id)
                .where(PrivacyCheckSubject.check_id.in_([c.id for c in checks]))
                .order_by(PrivacyCheckSubject.subject_id)):
            subjects.setdefault(check_id, []).append(subject_id)
    return [(c, subjects.get(c.id, [])) for c in checks]


def pre_case_json(session: Session, principal: Principal, catalogue: Catalogue, pre_case: PreCase) -> dict[str, Any]:
    """A pre-case as the API shows it: its signals the reader may see, its subject (named only
    behind privacy check 1), its privacy checks."""
    rows = session.execute(
        select(Signal, current_status()).join(PreCaseSignal, PreCaseSignal.signal_id == Signal.id)
        .where(PreCaseSignal.pre_case_id == pre_case.id, signal_visible(principal, catalogue))
        .order_by(Signal.observed_on, Signal.id)
    ).all()
    checks = checks_of(session, pre_case_id=pre_case.id)
    refs = cards.gated_refs(session, principal, [pre_case.subject_id] if pre_case.subject_id else [])
    organisation = session.get(Organisation, pre_case.organisation_id)
    return {
        "id": pre_case.id, "titel": pre_case.title, "gemeente": pre_case.municipality_code,
        "organisatie": {"id": pre_case.organisation_id, "naam": organisation.name if organisation else None},
        "aangemaaktOp": as_utc(pre_case.created_at).isoformat(),
        "subject": refs.get(pre_case.subject_id or ""),
        "signalen": [signal_ref(s, status, catalogue) for s, status in rows],
        "privacytoetsen": [check_json(c, ids, catalogue) for c, ids in checks],
        "casus": pre_case.case_id,
        "_links": {"self": {"href": f"/api/v1/vooronderzoeken/{pre_case.id}"},
                   "privacytoetsen": {"href": f"/api/v1/vooronderzoeken/{pre_case.id}/privacytoetsen"}},
    }


def get_pre_case(session: Session, principal: Principal, catalogue: Catalogue, pre_case_id: str,
                 purpose: str | None = None) -> dict[str, Any]:
    """One pre-case of the principal's municipality (NotFound otherwise), logged as a read."""
    _require_read(principal)
    pre_case = _visible_pre_case(session, principal, pre_case_id)
    logbook.record(session, principal, logbook.READ, object_type="vooronderzoek", object_id=pre_case.id,
                   purpose=purpose or "vooronderzoek")
    return pre_case_json(session, principal, catalogue, pre_case)


def list_pre_cases(session: Session, principal: Principal, catalogue: Catalogue,
                   purpose: str | None = None) -> list[dict[str, Any]]:
    """The municipality's pre-cases, newest first, with counts (no signal contents)."""
    _require_read(principal)
    count = (select(func.count()).select_from(PreCaseSignal).where(PreCaseSignal.pre_case_id == PreCase.id)
             .correlate(PreCase).scalar_subquery())
    checks = (select(func.count()).select_from(PrivacyCheck).where(PrivacyCheck.pre_case_id == PreCase.id)
              .correlate(PreCase).scalar_subquery())
    rows = session.execute(select(PreCase, count, checks).where(pre_case_visible(principal))
                           .order_by(PreCase.created_at.desc(), PreCase.id)).all()
    refs = cards.gated_refs(session, principal, [p.subject_id for p, _, _ in rows if p.subject_id])
    logbook.record(session, principal, logbook.LIST, object_type="vooronderzoek", purpose=purpose or "vooronderzoeken",
                   details={"aantal": len(rows)})
    return [{"id": p.id, "titel": p.title, "aangemaaktOp": as_utc(p.created_at).isoformat(),
             "subject": refs.get(p.subject_id or ""), "aantalSignalen": n, "aantalPrivacytoetsen": c,
             "casus": p.case_id, "_links": {"self": {"href": f"/api/v1/vooronderzoeken/{p.id}"}}}
            for p, n, c in rows]
