"""The demo's organisations and users: the municipality, its chain partners and one login each.

All people here are fictional. Demo passwords are fixed and printed, so that anyone can try
every role; they still meet the password rules of `access.auth`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from weerbaar.access import admin
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.models import Organisation, User

DEMO_PASSWORD = "Demo-Lindeveen-2026"


@dataclass(frozen=True)
class OrgPlan:
    key: str
    name: str
    type: str
    contact: str
    email: str
    phone: str


ORGANISATIONS = (
    OrgPlan("gemeente", "Gemeente Lindeveen", "gemeente", "Marloes Hofstede",
            "ondermijning@lindeveen.demo", "0318-799100"),
    OrgPlan("politie", "Politie Basisteam Lindeveen", "politie", "Erik Wolters",
            "basisteam@politie-lindeveen.demo", "0318-799200"),
    OrgPlan("woningcorporatie", "Woonstichting Thuisvast", "woningcorporatie", "Nicole Verhoef",
            "woonfraude@thuisvast.demo", "0318-799300"),
    OrgPlan("netbeheerder", "Stroomnet Netbeheer", "netbeheerder", "Ronald Oosterhuis",
            "fraude@stroomnet.demo", "0318-799400"),
    OrgPlan("omgevingsdienst", "Omgevingsdienst Regio Lindeveen", "omgevingsdienst", "Hanneke Smeets",
            "toezicht@odrl.demo", "0318-799500"),
    OrgPlan("riec", "RIEC Midden-Lindeveen", "riec", "Jurgen Lammers",
            "info@riec-midden-lindeveen.demo", "0318-799600"),
    OrgPlan("belastingdienst", "Belastingdienst regio", "belastingdienst", "Yvonne Brink",
            "convenant@belastingdienst-regio.demo", "0318-799700"),
    OrgPlan("zorg", "Zorgkantoor Lindeveen", "zorg", "Said Haddou",
            "zorgfraude@zorgkantoor-lindeveen.demo", "0318-799800"),
)


@dataclass(frozen=True)
class UserPlan:
    key: str
    email: str
    name: str
    org: str
    role: str


USERS = (
    UserPlan("beheerder", "beheerder@lindeveen.demo", "Sanne de Wit", "gemeente", "beheerder"),
    UserPlan("coordinator", "coordinator@lindeveen.demo", "Marloes Hofstede", "gemeente", "coordinator"),
    UserPlan("analist", "analist@lindeveen.demo", "Tim Verbeek", "gemeente", "analist"),
    UserPlan("privacy", "privacy@lindeveen.demo", "Carla Jonkman", "gemeente", "privacy"),
    UserPlan("handhaving", "handhaving@lindeveen.demo", "Rachid Bouali", "gemeente", "partner"),
    UserPlan("woningcorporatie", "woningcorporatie@lindeveen.demo", "Nicole Verhoef",
             "woningcorporatie", "partner"),
    UserPlan("netbeheerder", "netbeheerder@lindeveen.demo", "Ronald Oosterhuis", "netbeheerder", "partner"),
    UserPlan("politie", "politie@lindeveen.demo", "Erik Wolters", "politie", "partner"),
    UserPlan("omgevingsdienst", "omgevingsdienst@lindeveen.demo", "Hanneke Smeets",
             "omgevingsdienst", "partner"),
    UserPlan("riec", "riec@lindeveen.demo", "Jurgen Lammers", "riec", "partner"),
    UserPlan("belastingdienst", "belastingdienst@lindeveen.demo", "Yvonne Brink", "belastingdienst", "partner"),
    UserPlan("zorg", "zorg@lindeveen.demo", "Said Haddou", "zorg", "partner"),
)


@dataclass(frozen=True)
class Cast:
    orgs: dict[str, Organisation]
    users: dict[str, User]


def build_cast(
    session: Session, catalogue: Catalogue, municipality_code: str,
    progress: Callable[[int, int], None] | None = None,
) -> Cast:
    orgs = {
        o.key: admin.add_organisation(session, catalogue, o.name, o.type, municipality_code,
                                      contact_name=o.contact, contact_email=o.email, contact_phone=o.phone)
        for o in ORGANISATIONS
    }
    users: dict[str, User] = {}
    for done, u in enumerate(USERS, 1):
        # Password hashing (argon2) is deliberately slow: report each user.
        users[u.key] = admin.add_user(session, catalogue, u.email, u.name, orgs[u.org].name, u.role,
                                      DEMO_PASSWORD)
        if progress is not None:
            progress(done, len(USERS))
    return Cast(orgs, users)
