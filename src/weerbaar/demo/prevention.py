"""The demo's five-B session: one completed, signed-off beraad of Lindeveen some three months ago,
walked through the same write path as a facilitator (`prevention.sessions`), with four
commitments — two done, one overdue, one still running — so that the next session a user plans
opens with their status. Deterministic: fixed people, texts and dates relative to `today`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from weerbaar.access.principal import Principal
from weerbaar.cases import service as cases
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.clock import AMSTERDAM
from weerbaar.demo.cast import Cast
from weerbaar.prevention import sessions

# (cast organisation key, person, role in the session, legal basis)
TABLE = (
    ("gemeente", "Marloes Hofstede", "voorzitter", "riec_convenant"),
    ("politie", "Erik Wolters", "deelnemer", "riec_convenant"),
    ("woningcorporatie", "Nicole Verhoef", "deelnemer", "woningwet_hennepconvenant"),
    ("netbeheerder", "Ronald Oosterhuis", "deelnemer", "wgs"),
)
# (organisation key, phenomena ranked, strategies)
BALLOTS = (
    ("gemeente", ["hennepteelt", "woonfraude", "witwassen_vastgoed"], ["sluiting_13b", "bibob_onderzoek"]),
    ("politie", ["hennepteelt", "synthetische_drugs", "woonfraude"], ["sluiting_13b"]),
    ("woningcorporatie", ["woonfraude", "hennepteelt"], ["huurontbinding_hennep"]),
    ("netbeheerder", ["energiefraude", "hennepteelt"], ["sluiting_13b"]),
)
# (organisation key, commitment, responsible, deadline in days after the session, done after days or None)
COMMITMENTS = (
    ("woningcorporatie", "Huurders in Centrum voorlichten over signalen van hennepteelt en woonfraude",
     "Nicole Verhoef", 30, 26),
    ("netbeheerder", "Afwijkend stroomverbruik in de risicobuurten maandelijks melden aan het RIEC",
     "Ronald Oosterhuis", 45, 40),
    ("politie", "Extra surveillance rond bedrijventerrein en havengebied, bevindingen delen via het RIEC",
     "Erik Wolters", 60, None),  # past its deadline, not done: overdue
    ("gemeente", "Bibob-toets invoeren voor nieuwe exploitatievergunningen in het havengebied",
     "Marloes Hofstede", 150, None),  # still running
)
DAYS_AGO = 91


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=AMSTERDAM)


def build_prevention(session: Session, catalogue: Catalogue, cast: Cast, today: date) -> str | None:
    """Seed the completed earlier session; returns its id (None when the cast lacks a facilitator)."""
    if "coordinator" not in cast.users:
        return None
    facilitator = Principal.of(cast.users["coordinator"], catalogue, channel="cli")
    held_on = today - timedelta(days=DAYS_AGO)
    ps = sessions.create_session(session, facilitator, "Beraad ondermijning Centrum en havengebied",
                                 held_on, at=_at(held_on - timedelta(days=14), 10))
    sid = ps.id

    people = {}
    for key, name, role, basis in TABLE:
        if key not in cast.orgs:
            continue
        org = cast.orgs[key]
        people[key] = sessions.add_participant(session, facilitator, catalogue, sid, sessions.NewParticipant(
            name, org.id, role, f"{key}@lindeveen.demo", None), at=_at(held_on, 9)).id
        if basis in catalogue.legal_bases:
            sessions.set_basis(session, facilitator, catalogue, sid, org.id, basis, at=_at(held_on, 9))
    sessions.set_phase(session, facilitator, sid, "binden", sessions.DONE,
                       "Wat aan tafel gezegd wordt, blijft aan tafel. Gegevens over personen worden alleen in "
                       "het casusoverleg gedeeld, op de grondslag van de eigen organisatie.", at=_at(held_on, 9))
    sessions.capture_picture(session, facilitator, catalogue, sid, at=_at(held_on, 10))
    sessions.set_phase(session, facilitator, sid, "boeien", sessions.DONE,
                       "Hennepteelt en woonfraude vallen op in Centrum; het havengebied heeft weinig signalen "
                       "maar veel vragen.", at=_at(held_on, 10))
    sessions.set_phase(session, facilitator, sid, "bekwamen", sessions.DONE,
                       "Oefenronde met tien vragen: woonfraude en witwassen via vastgoed werden het minst herkend.",
                       at=_at(held_on, 11))
    for key, ranked, chosen in BALLOTS:
        if key in people:
            sessions.vote(session, facilitator, catalogue, sid, people[key],
                          [p for p in ranked if p in catalogue.phenomena],
                          [s for s in chosen if s in sessions.strategies(catalogue)], at=_at(held_on, 11))
    if "hennepteelt" in catalogue.phenomena:
        sessions.choose_priority(session, facilitator, catalogue, sid, "fenomeen", "hennepteelt",
                                 "Hoogste score en door alle partners genoemd.", at=_at(held_on, 12))
    if "sluiting_13b" in sessions.strategies(catalogue):
        sessions.choose_priority(session, facilitator, catalogue, sid, "strategie", "sluiting_13b",
                                 "Drie van de vier partners kozen haar; werkt samen met de huurontbinding.",
                                 at=_at(held_on, 12))
    sessions.set_phase(session, facilitator, sid, "bepalen", sessions.DONE, None, at=_at(held_on, 12))

    for key, text, responsible, deadline_days, done_days in COMMITMENTS:
        if key not in cast.orgs or key not in people:
            continue
        action = sessions.add_session_commitment(session, facilitator, sid, cases.NewAction(
            text, cast.orgs[key].id, responsible, held_on + timedelta(days=deadline_days)), at=_at(held_on, 12))
        if done_days is not None and held_on + timedelta(days=done_days) < today:
            cases.update_action(session, facilitator, catalogue, action.id, "gereed", "Uitgevoerd zoals afgesproken.",
                                at=_at(held_on + timedelta(days=done_days), 15))
    sessions.sign_off(session, facilitator, sid, at=_at(held_on, 13))
    return sid
