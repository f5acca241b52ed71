"""The principal: who is asking, for which organisation, in which role, with which rights."""

from __future__ import annotations

from dataclasses import dataclass

from weerbaar.core.catalogue import Catalogue
from weerbaar.core.models import User


@dataclass(frozen=True)
class Principal:
    user_id: str
    email: str
    name: str
    organisation_id: str
    organisation_name: str
    organisation_type: str
    municipality_code: str | None
    role: str
    rights: frozenset[str]
    max_confidentiality_rank: int
    channel: str = "web"  # web | api | cli

    def can(self, right: str) -> bool:
        return right in self.rights

    @classmethod
    def of(cls, user: User, catalogue: Catalogue, channel: str) -> Principal:
        role = catalogue.roles.get(user.role)
        return cls(
            user_id=user.id,
            email=user.email,
            name=user.name,
            organisation_id=user.organisation_id,
            organisation_name=user.organisation.name,
            organisation_type=user.organisation.type,
            municipality_code=user.organisation.municipality_code,
            role=user.role,
            rights=frozenset(role.rechten if role else ()),
            max_confidentiality_rank=catalogue.confidentiality_rank(user.max_confidentiality),
            channel=channel,
        )
