"""The demo's case table: cases opened from weighed signals, through the same write path as
everyone (`cases.service`), at dates in the past.

Signals passed to the RIEC or taken into further investigation, about the same address, become a
case; the partners of the phenomenon are invited on a basis that fits them; each gets a share of
what it needs; the table weighs the instruments and agrees actions (some now overdue, for the
escalation list); the older cases are closed with a result and a follow-up date.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from weerbaar.access.principal import Principal
from weerbaar.cases import service
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.models import Organisation
from weerbaar.intake.lifecycle import current_status
from weerbaar.intake.models import Signal

MAX_CASES = 8
# Bases a partner type takes part on, most specific first (codes of catalogus/grondslagen.yaml).
PREFERRED_BASES = ("woningwet_hennepconvenant", "riec_convenant", "wgs")
# Who does what, per instrument owner type (the people are the demo's own contacts).
ACTION_TEXTS = {
    "gemeente": "Voornemen tot sluiting opstellen en de bewoner horen",
    "woningcorporatie": "Gesprek met de huurder en aanzegging ontbinding huurovereenkomst",
    "politie": "Bevindingen van de controle vastleggen en delen via het RIEC",
    "netbeheerder": "Aansluiting controleren op illegale aftap",
    "omgevingsdienst": "Integrale controle ter plaatse op bouw- en milieuregels",
    "belastingdienst": "Aangiften van de betrokken onderneming beoordelen",
    "riec": "Casusoverleg voorbereiden en het integrale beeld opstellen",
    "zorg": "Declaraties van de zorgaanbieder steekproefsgewijs controleren",
}
RESULTS_BY_INSTRUMENT = {
    "sluiting_13b": "pand_gesloten",
    "huurontbinding_hennep": "huurcontract_ontbonden",
    "bibob_onderzoek": "vergunning_geweigerd",
    "bestuursdwang_bouw_milieu": "bestuurlijke_boete",
    "strafrechtelijk_onderzoek": "strafrechtelijk_vervolgd",
    "fiscale_controle": "fiscaal_afgedaan",
}


def _basis_for(catalogue: Catalogue, org: Organisation) -> str | None:
    for code in PREFERRED_BASES:
        basis = catalogue.legal_bases.get(code)
        if basis is not None and (not basis.partnertypen or org.type in basis.partnertypen):
            return code
    return None


def build_cases(session: Session, catalogue: Catalogue, rng: random.Random, signals: list[Signal],
                coordinator: Principal, orgs: dict[str, Organisation], partner_names: dict[str, str],
                share_with: dict[str, tuple[str, ...]], moment: datetime) -> int:
    """Open up to MAX_CASES cases; returns how many."""
    by_address: dict[str, list[Signal]] = defaultdict(list)
    for s in signals:
        if s.address_id and s.phenomenon and current_status(session, s.id) in ("doorgezet", "in_vooronderzoek"):
            by_address[s.address_id].append(s)
    groups = sorted(by_address.values(), key=lambda g: (-len(g), min(s.registered_at for s in g)))[:MAX_CASES]
    flow = service.flow_of(catalogue)
    made = 0
    for n, group in enumerate(groups):
        group.sort(key=lambda s: s.registered_at)
        phenomenon = group[0].phenomenon or ""
        opened = max(s.registered_at for s in group) + timedelta(days=rng.randint(10, 20))
        if opened >= moment - timedelta(days=3):
            continue
        name = catalogue.phenomena[phenomenon].naam if phenomenon in catalogue.phenomena else "Casus"
        street = f"{group[0].postcode or ''} {group[0].house_number or ''}".strip()
        case = service.open_case(session, coordinator, catalogue, service.NewCase(
            title=f"{name}, {street}", signals=[s.id for s in group], phenomenon=phenomenon or None,
            reason="Doorgezet na weging aan de intaketafel; meerdere partners zien hetzelfde adres."), at=opened)
        at = opened + timedelta(hours=2)
        partners: list[Organisation] = []
        for key in share_with.get(phenomenon, ())[:2]:
            org = orgs.get(key)
            basis = _basis_for(catalogue, org) if org is not None else None
            if org is None or basis is None or org.id == coordinator.organisation_id:
                continue
            service.invite(session, coordinator, catalogue, case.id, org.id, basis,
                           "Kan vanuit de eigen taak bijdragen aan de aanpak.", at=at)
            fields = ["locatie", "omschrijving"] if org.type != "politie" else [
                "locatie", "omschrijving", "betrokkenen", "identificerende_nummers"]
            service.share(session, coordinator, catalogue, case.id, org.id, [s.id for s in group], [], fields,
                          "Nodig om de eigen interventie voor te bereiden (privacytoets 2A).", at=at)
            partners.append(org)
        participants = [orgs["gemeente"], *partners] if "gemeente" in orgs else partners
        instruments = [i for i in catalogue.instruments.values()
                       if (not i.fenomenen or phenomenon in i.fenomenen)]
        choices: list[service.Choice] = []
        for inst in instruments[:3]:
            owner = next((o for o in participants if o.type in inst.eigenaars), None)
            chosen = owner is not None and len([c for c in choices if c.chosen]) < 2
            choices.append(service.Choice(
                inst.code, chosen,
                "Past bij wat is aangetroffen en de partner kan het inzetten." if chosen
                else "Geen partner aan tafel die dit instrument kan inzetten; nu niet gekozen.",
                owner.id if chosen and owner else None))
        if not any(c.chosen for c in choices):
            continue  # nothing to weigh with: the case stays in its information phase
        at += timedelta(days=rng.randint(7, 14))
        if at >= moment:
            continue
        service.change_status(session, coordinator, catalogue, case.id, service.CaseChange("naar_weging"), at=at)
        service.decide(session, coordinator, catalogue, case.id, choices, service.Check2B(
            "riec_convenant", "De gekozen interventies samen uitvoeren om de ondermijning te beëindigen.",
            "Zonder de bevindingen van de partners kan geen van hen de eigen interventie onderbouwen.",
            "Alleen de gegevens over dit adres en de betrokkenen bij deze signalen worden gedeeld.",
            "Lichtere middelen (een waarschuwing, een gesprek) zijn eerder zonder resultaat ingezet.",
            "De uitvoerders delen hun bevindingen met elkaar via het RIEC.", [o.id for o in partners]), at=at)
        service.change_status(session, coordinator, catalogue, case.id, service.CaseChange("naar_uitvoering"),
                              at=at + timedelta(hours=1))
        actions = []
        for c in choices:
            if not c.chosen or c.organisation is None:
                continue
            org = next(o for o in participants if o.id == c.organisation)
            deadline = (at + timedelta(days=rng.randint(14, 60))).date()
            actions.append(service.add_action(session, coordinator, catalogue, case.id, service.NewAction(
                ACTION_TEXTS.get(org.type, "Eigen interventie uitvoeren"), org.id,
                partner_names.get(org.id, "Contactpersoon"), deadline), at=at + timedelta(hours=1)))
        age = (moment - at).days
        for action in actions:
            if action.deadline < moment.date() and rng.random() < 0.6:
                done_at = datetime.combine(action.deadline, datetime.min.time(), tzinfo=at.tzinfo) \
                    - timedelta(days=rng.randint(0, 5))
                service.update_action(session, coordinator, catalogue, action.id, "gereed",
                                      "Uitgevoerd zoals afgesproken.", at=max(done_at, at + timedelta(hours=2)))
        if age > 90 and n % 2 == 0:
            picked = [c.instrument or "" for c in choices if c.chosen]
            result = next((RESULTS_BY_INSTRUMENT[i] for i in picked if i in RESULTS_BY_INSTRUMENT), "geen_grond")
            closed = at + timedelta(days=rng.randint(45, 80))
            if closed < moment and result in flow.resultaten:
                for action in actions:
                    if service.action_status(session, action.id) not in service.ACTION_DONE:
                        service.update_action(session, coordinator, catalogue, action.id, "gereed",
                                              "Afgerond bij het afsluiten van de casus.", at=closed)
                service.change_status(session, coordinator, catalogue, case.id, service.CaseChange(
                    "afsluiten", "De interventies zijn uitgevoerd; het resultaat is vastgelegd.", result,
                    (closed + timedelta(days=182)).date()), at=closed)
        made += 1
    session.flush()
    return made


def after_linking(session: Session, catalogue: Catalogue, coordinator: Principal, max_pre_cases: int = 3) -> int:
    """Once the analysis has linked signals to subjects: the intake team records privacy check 1
    on each open case (so its subjects' cards open), and bundles the first suggested groups of
    signals about one subject into pre-cases, each with its own check. Returns the checks made."""
    from sqlalchemy import select

    from weerbaar.cases import precases, privacy
    from weerbaar.cases.models import Case
    from weerbaar.resolve.models import Subject

    made = 0
    texts = {
        "purpose": "Nagaan wie achter de signalen op dit adres zit, om de interventies van de partners te richten.",
        "necessity": "De signalen alleen zijn niet genoeg om een bestuurlijk besluit zorgvuldig te onderbouwen.",
        "proportionality": "Alleen de bronnen over de betrokken subjecten en de laatste twee jaar worden bekeken.",
        "subsidiarity": "Een gesprek met de bewoners zou het onderzoek vroegtijdig kenbaar maken aan de daders.",
    }
    for case in session.scalars(select(Case).order_by(Case.number)):
        if service.current_status(session, case.id) == service.STATUS_CLOSED:
            continue
        subjects = list(session.scalars(select(Subject.id).where(
            Subject.id.in_(service.case_subject_ids(case.id)), Subject.merged_into.is_(None))))
        if subjects:
            privacy.record_check_1(session, coordinator, catalogue, case_id=case.id, legal_basis="gemeentewet_172",
                                   subject_ids=subjects[:20], **texts)
            made += 1
    for _ in range(max_pre_cases):
        # Suggested again each time: a signal about two subjects is in two suggestions.
        bundles = precases.suggest_bundles(session, coordinator, catalogue)
        if not bundles:
            break
        bundle = bundles[0]
        pre_case = precases.create_pre_case(session, coordinator, catalogue, [s.id for s, _ in bundle.signals],
                                            f"Vooronderzoek {bundle.subject_id}", subject_id=bundle.subject_id)
        privacy.record_check_1(session, coordinator, catalogue, pre_case_id=pre_case.id,
                               legal_basis="gemeentewet_172", subject_ids=[bundle.subject_id], **texts)
        made += 1
    session.flush()
    return made
