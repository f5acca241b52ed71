"""Cases as the API shows them (Dutch camelCase), with need-to-know applied to every part.

A participant that does not see the whole case gets only the signals shared with it, and of
those only the fields shared with it (privacy check 2A). The reporter shield carries through:
the reporter of a signal is never shown in a case. Officials who signal, decide or enforce are
pseudonymised in what partners see ("medewerker van …"); the intake team sees names.
"""

from __future__ import annotations

from typing import Any

from weerbaar.cases.service import ActionView, CaseView, SharedSignal, flow_of
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.clock import as_utc
from weerbaar.intake.serialize import location, organisation_ref, party
from weerbaar.resolve.models import Subject

PSEUDONYM = "medewerker van {organisatie}"


def shared_signal(item: SharedSignal, catalogue: Catalogue) -> dict[str, Any]:
    s, fields = item.signal, item.fields
    phen = catalogue.phenomena.get(s.phenomenon or "")
    out: dict[str, Any] = {
        "id": s.id,
        "fenomeen": s.phenomenon,
        "fenomeenNaam": phen.naam if phen else None,
        "waargenomenOp": s.observed_on.isoformat(),
        "organisatie": organisation_ref(s.organisation),
        "gedeeldeVelden": sorted(fields),
    }
    if "omschrijving" in fields:
        out["omschrijving"] = s.description
    if "locatie" in fields:
        out["locatie"] = location(s)
    if "betrokkenen" in fields:
        parties = [party(p) for p in s.parties]
        if "identificerende_nummers" not in fields:
            for p in parties:
                for key in ("bsn", "kvkNummer", "kenteken"):
                    p.pop(key, None)
        out["betrokkenen"] = parties
    if "indicatoren" in fields:
        out["indicatoren"] = [i.code for i in s.indicators]
    if "bronwaardering" in fields:
        out["bron"] = {"betrouwbaarheid": s.source_reliability, "informatie": s.information_credibility}
    return out


def subject_ref(s: Subject, name: str | None) -> dict[str, Any]:
    """A case's subject; `name` as `CaseView.subject_names` allows it (None: withheld)."""
    return {"id": s.id, "soort": s.kind, "naam": name, "gegevensZichtbaar": name is not None,
            "_links": {"self": {"href": f"/api/v1/subjecten/{s.id}"}}}


def action(a: ActionView, catalogue: Catalogue) -> dict[str, Any]:
    flow = flow_of(catalogue)
    return {
        "id": a.action.id,
        "casus": a.action.case_id,
        "casusnummer": a.case_number,
        "omschrijving": a.action.description,
        "organisatie": {"id": a.action.organisation_id, "naam": a.organisation_name},
        "verantwoordelijke": a.responsible_shown,
        "deadline": a.action.deadline.isoformat(),
        "status": a.status,
        "statusNaam": flow.actiestatussen.get(a.status, a.status),
        "verlopen": a.overdue,
        "_links": {"self": {"href": f"/api/v1/acties/{a.action.id}"}},
    }


def _who(view: CaseView, name: str | None) -> str | None:
    """Names of officials only for those who see the whole case."""
    if view.whole or name is None:
        return name
    owner = next((o.name for p, o in view.participants if o.id == view.case.organisation_id), "de gemeente")
    return PSEUDONYM.format(organisatie=owner)


def case_summary(view_case: Any, status: str, catalogue: Catalogue, extra: dict[str, Any] | None = None
                 ) -> dict[str, Any]:
    flow = flow_of(catalogue)
    phen = catalogue.phenomena.get(view_case.phenomenon or "")
    return {
        "id": view_case.id,
        "casusnummer": view_case.number,
        "titel": view_case.title,
        "fenomeen": view_case.phenomenon,
        "fenomeenNaam": phen.naam if phen else None,
        "status": status,
        "statusNaam": flow.statuses[status].naam if status in flow.statuses else status,
        "vertrouwelijkheid": view_case.confidentiality,
        "geopendOp": as_utc(view_case.created_at).isoformat(),
        **(extra or {}),
        "_links": {"self": {"href": f"/api/v1/casussen/{view_case.id}"}},
    }


def case_detail(view: CaseView, catalogue: Catalogue, transitions: list[str]) -> dict[str, Any]:
    flow = flow_of(catalogue)
    out = case_summary(view.case, view.status, catalogue)
    closing = view.closing
    out.update(
        geheel=view.whole,
        statusgeschiedenis=[
            {"status": h.status, "overgang": h.transition, "tijdstip": as_utc(h.at).isoformat(),
             "door": _who(view, h.by_user_name), "toelichting": h.note,
             **({"gegevens": h.details} if h.details else {})}
            for h in view.history
        ],
        deelnemers=[
            {"organisatie": organisation_ref(o), "grondslag": p.legal_basis,
             "grondslagNaam": catalogue.legal_bases[p.legal_basis].naam if p.legal_basis in catalogue.legal_bases
             else p.legal_basis,
             "uitgenodigdOp": as_utc(p.at).isoformat(), **({"reden": p.reason} if view.whole else {})}
            for p, o in view.participants
        ],
        signalen=[shared_signal(s, catalogue) for s in view.signals],
        subjecten=[subject_ref(s, view.subject_names.get(s.id)) for s in view.subjects],
        delingen=[
            {"id": sh.id, "organisatie": sh.organisation_id, "velden": sh.fields, "reden": sh.reason,
             "signalen": [i for k, i in view.share_items.get(sh.id, []) if k == "signaal"],
             "subjecten": [i for k, i in view.share_items.get(sh.id, []) if k == "subject"],
             "tijdstip": as_utc(sh.at).isoformat()}
            for sh in view.shares
        ],
        besluiten=[
            {"id": d.id, "instrument": d.instrument,
             "instrumentNaam": catalogue.instruments[d.instrument].naam if d.instrument in catalogue.instruments
             else d.instrument,
             "gekozen": d.chosen, "motivering": d.reasons, "organisatie": d.organisation_id,
             "overleg": d.meeting_id, "tijdstip": as_utc(d.at).isoformat(), "door": _who(view, d.by_user_name)}
            for d in view.decisions
        ],
        acties=[action(a, catalogue) for a in view.actions],
        resultaat=(closing.details or {}).get("resultaat") if closing else None,
        resultaatNaam=flow.resultaten.get((closing.details or {}).get("resultaat", "")) if closing else None,
        nazorgdatum=view.follow_up_on.isoformat() if view.follow_up_on else None,
        mogelijkeOvergangen=transitions,
    )
    if view.whole:
        out["privacytoetsen"] = [
            {"id": c.id, "fase": c.stage, "grondslag": c.legal_basis, "doel": c.purpose, "noodzaak": c.necessity,
             "proportionaliteit": c.proportionality, "subsidiariteit": c.subsidiarity,
             **({"extraDeling": c.extra_sharing} if c.extra_sharing else {}),
             "door": c.by_user_name, "tijdstip": as_utc(c.at).isoformat()}
            for c in view.checks
        ]
        out["herhaalsignalen"] = [
            {"id": s.id, "fenomeen": s.phenomenon, "waargenomenOp": s.observed_on.isoformat(),
             "geregistreerdOp": as_utc(s.registered_at).isoformat(),
             "_links": {"self": {"href": f"/api/v1/signalen/{s.id}"}}}
            for s in view.repeat_signals
        ]
    return out
