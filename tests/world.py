"""A small, fixed cast for tests: organisations, a user per role, API tokens.

Municipality Lindeveen (GM9990) with its partners, and a neighbouring municipality
Zandhoven (GM9991) whose people must never see Lindeveen's signals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from weerbaar.access import admin, auth
from weerbaar.access.principal import Principal
from weerbaar.core.models import Address, Area, Organisation, Setting, User
from weerbaar.core.runtime import Runtime

PASSWORD = "Test-wachtwoord-1"


@dataclass
class Actor:
    user: User
    token: str
    principal: Principal

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class World:
    runtime: Runtime
    orgs: dict[str, Organisation] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    addresses: dict[str, Address] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Actor:
        return self.actors[key]


ORGS: list[tuple[str, str, str, str | None]] = [
    # key, name, type, gemeentecode
    ("gemeente", "Gemeente Lindeveen", "gemeente", "GM9990"),
    ("woco", "Woonstichting Thuisvast", "woningcorporatie", "GM9990"),
    ("netbeheer", "Stroomnet Netbeheer", "netbeheerder", "GM9990"),
    ("politie", "Politie Basisteam Lindeveen", "politie", "GM9990"),
    ("buurgemeente", "Gemeente Zandhoven", "gemeente", "GM9991"),
]

ACTORS: list[tuple[str, str, str]] = [
    # key, organisation key, role
    ("beheerder", "gemeente", "beheerder"),
    ("coordinator", "gemeente", "coordinator"),
    ("analist", "gemeente", "analist"),
    ("privacy", "gemeente", "privacy"),
    ("gemeente_partner", "gemeente", "partner"),
    ("woco", "woco", "partner"),
    ("woco2", "woco", "partner"),
    ("netbeheer", "netbeheer", "partner"),
    ("politie", "politie", "partner"),
    ("buur_coordinator", "buurgemeente", "coordinator"),
]


def build_world(runtime: Runtime) -> World:
    world = World(runtime)
    cat = runtime.catalogue
    with runtime.db.transaction() as s:
        s.add(Setting(key="gemeentecode", value="GM9990"))
        s.add_all([
            Area(code="GM9990", kind="gemeente", name="Lindeveen"),
            Area(code="WK999001", kind="wijk", name="Centrum", parent_code="GM9990"),
            Area(code="BU99900101", kind="buurt", name="Oude Haven", parent_code="WK999001"),
            Area(code="BU99900102", kind="buurt", name="Molenkwartier", parent_code="WK999001"),
        ])
        for i, (pc, nr, buurt) in enumerate([("9991AA", 1, "BU99900101"), ("9991AB", 12, "BU99900102")]):
            a = Address(id=f"99902000000000{i + 1:02d}", street="Havenstraat" if i == 0 else "Molenweg",
                        house_number=nr, postcode=pc, city="Lindeveen", municipality_code="GM9990",
                        district_code="WK999001", neighbourhood_code=buurt, use="woonfunctie",
                        floor_area=80, year_built=1965, lat=52.1 + i / 100, lon=5.1)
            s.add(a)
            world.addresses[buurt] = a
        for key, name, type_, code in ORGS:
            world.orgs[key] = admin.add_organisation(
                s, cat, name, type_, code, contact_name=f"Contact {name}", contact_email=f"contact@{key}.example"
            )
        for key, org_key, role in ACTORS:
            user = admin.add_user(s, cat, f"{key}@{org_key}.example", f"{key.title()} Tester",
                                  world.orgs[org_key].name, role, PASSWORD)
            token = auth.issue_token(s, user, "test")
            world.actors[key] = Actor(user, token, Principal.of(user, cat, channel="api"))
    return world


def signal_body(**overrides: Any) -> dict[str, Any]:
    """A valid signal as the API takes it; override any field."""
    body: dict[str, Any] = {
        "fenomeen": "hennepteelt",
        "indicatoren": ["HT-01", "HT-03"],
        "omschrijving": "Ramen afgeplakt met folie, dag en nacht zoemend geluid van ventilatoren.",
        "waargenomenOp": "2026-10-14",
        "locatie": {"postcode": "9991 AA", "huisnummer": 1},
        "betrokkenen": [
            {"soort": "persoon", "voornamen": "Pieter", "tussenvoegsel": "van der", "geslachtsnaam": "Wal",
             "geboortedatum": "1985-06-07", "bsn": "111222333"},
            {"soort": "bedrijf", "naam": "Groeimaat B.V.", "kvkNummer": "12345678"},
            {"soort": "voertuig", "kenteken": "AB-123-C"},
        ],
        "bron": {"betrouwbaarheid": "B", "informatie": "2"},
        "vertrouwelijkheid": "vertrouwelijk",
        "melderAfgeschermd": False,
    }
    body.update(overrides)
    return body


CHECK_TEXTS = {
    "purpose": "Nagaan of op dit adres hennep wordt geteeld, om zo nodig bestuurlijk op te treden.",
    "necessity": "De signalen zijn concreet maar niet voldoende om een besluit op te baseren.",
    "proportionality": "Alleen de bronnen over deze subjecten en de laatste twee jaar worden bekeken.",
    "subsidiarity": "Een gesprek met de bewoner zou het onderzoek vroegtijdig kenbaar maken.",
}


def privacy_check(world: World, actor: str, subject_ids: list[str], legal_basis: str = "gemeentewet_172") -> str:
    """Privacy check 1 by `actor` covering the subjects (through a pre-case about the first), so
    that the actor's organisation may open their details. Returns the check's id."""
    from weerbaar.cases import precases, privacy

    principal, cat = world[actor].principal, world.runtime.catalogue
    with world.runtime.db.transaction() as s:
        pre_case = precases.create_pre_case(s, principal, cat, [], f"Vooronderzoek {subject_ids[0]}",
                                            subject_id=subject_ids[0])
        check = privacy.record_check_1(s, principal, cat, pre_case_id=pre_case.id, legal_basis=legal_basis,
                                       subject_ids=subject_ids, **CHECK_TEXTS)
        return check.id
