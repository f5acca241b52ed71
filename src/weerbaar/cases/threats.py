"""The register of threats and intimidation against officials and board members.

Anyone with `dreigingen.registreren` may report a threat (an official of the municipality, a
partner's employee); the register itself is restricted: only holders of `dreigingen.lezen` of the
municipality read it, and whoever reported a threat keeps seeing their own report
(`access.policy.threats_visible`). A report may point at the case and the decision that
triggered it, but only at a case the reporter may see. Every report, list and read is logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from weerbaar.access import logbook, rights
from weerbaar.access.policy import case_visible, threats_visible
from weerbaar.access.principal import Principal
from weerbaar.cases.models import Case, CaseDecision, Threat
from weerbaar.cases.service import flow_of
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.clock import now, today
from weerbaar.core.errors import FieldError, Forbidden, NotFound, ValidationFailed

MIN_DESCRIPTION = 10
MAX_DESCRIPTION = 5000
MAX_NAME = 200


@dataclass
class NewThreat:
    occurred_on: date | None
    target_role: str | None
    kind: str | None
    description: str | None
    reported_to_police: bool | None
    target_name: str | None = None
    case_id: str | None = None
    decision_id: str | None = None


def register_threat(session: Session, principal: Principal, catalogue: Catalogue, new: NewThreat, *,
                    at: datetime | None = None) -> Threat:
    """Record one threat; every problem at once. The threat belongs to the municipality of the
    linked case, or else to the reporter's own municipality."""
    if not principal.can(rights.THREATS_REGISTER):
        raise Forbidden("Uw rol mag geen bedreiging melden.")
    flow = flow_of(catalogue)
    moment = at or now()
    errors: list[FieldError] = []
    if new.occurred_on is None:
        errors.append(FieldError("datum", "missing", "Geef de datum van het voorval (JJJJ-MM-DD)."))
    elif new.occurred_on > (at.date() if at else today()):
        errors.append(FieldError("datum", "in_toekomst", "De datum van het voorval ligt niet in de toekomst."))
    if not new.target_role:
        errors.append(FieldError("doelwit", "missing", "Kies wie werd bedreigd: " + ", ".join(flow.doelwitten) + "."))
    elif new.target_role not in flow.doelwitten:
        errors.append(FieldError("doelwit", "onbekend", "Kies uit " + ", ".join(flow.doelwitten) + "."))
    if not new.kind:
        errors.append(FieldError("soort", "missing", "Kies de soort: " + ", ".join(flow.dreigingssoorten) + "."))
    elif new.kind not in flow.dreigingssoorten:
        errors.append(FieldError("soort", "onbekend", "Kies uit " + ", ".join(flow.dreigingssoorten) + "."))
    description = (new.description or "").strip()
    if not description:
        errors.append(FieldError("omschrijving", "missing", "Beschrijf wat er is gebeurd."))
    elif len(description) < MIN_DESCRIPTION:
        errors.append(FieldError("omschrijving", "te_kort",
                                 f"Beschrijf wat er is gebeurd in minstens {MIN_DESCRIPTION} tekens."))
    elif len(description) > MAX_DESCRIPTION:
        errors.append(FieldError("omschrijving", "string_too_long", f"Te lang: maximaal {MAX_DESCRIPTION} tekens."))
    name = (new.target_name or "").strip() or None
    if name and len(name) > MAX_NAME:
        errors.append(FieldError("naamDoelwit", "string_too_long", f"Te lang: maximaal {MAX_NAME} tekens."))
    if new.reported_to_police is None:
        errors.append(FieldError("aangifteGedaan", "missing", "Geef aan of er aangifte is gedaan (ja of nee)."))
    case: Case | None = None
    if new.case_id:
        # Only a case the reporter may see: an unknown case and an invisible one read the same.
        case = session.scalars(select(Case).where(Case.id == new.case_id, case_visible(principal, catalogue))).first()
        if case is None:
            errors.append(FieldError("casus", "onbekend", "Onbekende casus, of een casus die u niet mag zien."))
    if new.decision_id:
        if not new.case_id:
            errors.append(FieldError("besluit", "casus_ontbreekt",
                                     "Een besluit hoort bij een casus; geef ook de casus."))
        elif case is not None and session.scalars(select(CaseDecision.id).where(
                CaseDecision.id == new.decision_id, CaseDecision.case_id == case.id)).first() is None:
            errors.append(FieldError("besluit", "onbekend", "Onbekend besluit van deze casus."))
    municipality = case.municipality_code if case is not None else principal.municipality_code
    if municipality is None and not new.case_id:
        errors.append(FieldError("casus", "missing", (
            "Uw organisatie hoort niet bij één gemeente; koppel de melding aan de casus waarover het gaat.")))
    if errors:
        raise ValidationFailed(errors)
    assert municipality is not None and new.occurred_on is not None
    threat = Threat(municipality_code=municipality, occurred_on=new.occurred_on, target_role=new.target_role,
                    target_name=name, kind=new.kind, description=description,
                    reported_to_police=bool(new.reported_to_police), case_id=case.id if case else None,
                    decision_id=new.decision_id if case else None, registered_at=moment,
                    registered_by_id=principal.user_id, organisation_id=principal.organisation_id)
    session.add(threat)
    session.flush()
    logbook.record(session, principal, logbook.CREATE, object_type="dreiging", object_id=threat.id,
                   purpose="bedreiging melden", details={"soort": new.kind, "doelwit": new.target_role,
                                                         "casus": threat.case_id})
    return threat


@dataclass
class ThreatFilters:
    kind: str | None = None
    target_role: str | None = None
    since: date | None = None
    until: date | None = None


def filter_errors(catalogue: Catalogue, f: ThreatFilters) -> list[FieldError]:
    """What is wrong with the filters of a register query (in the API's parameter names)."""
    flow = flow_of(catalogue)
    errors: list[FieldError] = []
    if f.kind and f.kind not in flow.dreigingssoorten:
        errors.append(FieldError("soort", "onbekend", "Kies uit " + ", ".join(flow.dreigingssoorten) + "."))
    if f.target_role and f.target_role not in flow.doelwitten:
        errors.append(FieldError("doelwit", "onbekend", "Kies uit " + ", ".join(flow.doelwitten) + "."))
    if f.since and f.until and f.since > f.until:
        errors.append(FieldError("tot", "periode_ongeldig", "De datum 'tot' ligt voor de datum 'vanaf'."))
    return errors


def list_threats(session: Session, principal: Principal, catalogue: Catalogue,
                 filters: ThreatFilters | None = None) -> list[Threat]:
    """The register as far as this principal may read it (its own reports, or the municipality's
    register for holders of dreigingen.lezen); newest first; logged as a list read."""
    f = filters or ThreatFilters()
    errors = filter_errors(catalogue, f)
    if errors:
        raise ValidationFailed(errors)
    query = select(Threat).where(threats_visible(principal))
    if f.kind:
        query = query.where(Threat.kind == f.kind)
    if f.target_role:
        query = query.where(Threat.target_role == f.target_role)
    if f.since:
        query = query.where(Threat.occurred_on >= f.since)
    if f.until:
        query = query.where(Threat.occurred_on <= f.until)
    rows = list(session.scalars(query.order_by(Threat.occurred_on.desc(), Threat.registered_at.desc())))
    logbook.record(session, principal, logbook.LIST, object_type="dreigingen", purpose="dreigingenregister raadplegen",
                   details={"aantal": len(rows), "register": principal.can(rights.THREATS_READ)})
    return rows


def get_threat(session: Session, principal: Principal, threat_id: str) -> Threat:
    """One threat, or NotFound when this principal may not read it."""
    threat = session.scalars(select(Threat).where(Threat.id == threat_id, threats_visible(principal))).first()
    if threat is None:
        raise NotFound()
    logbook.record(session, principal, logbook.READ, object_type="dreiging", object_id=threat.id,
                   purpose="dreiging inzien")
    return threat
