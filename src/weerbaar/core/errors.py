"""Domain errors that name every problem at once, in Dutch.

They map one-to-one onto `application/problem+json` (RFC 9457) with the NL API Design
Rules' `invalidParams` list, onto form errors beside fields, and onto quarantine reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldError:
    name: str  # dotted path in API terms, e.g. "betrokkenen[0].bsn"
    code: str  # stable machine code, e.g. "bsn_ongeldig"
    reason: str  # Dutch sentence for people

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "code": self.code, "reason": self.reason}


@dataclass
class ValidationFailed(Exception):
    errors: list[FieldError] = field(default_factory=list)
    title: str = "Ongeldige invoer"

    def __str__(self) -> str:
        return "; ".join(f"{e.name}: {e.reason}" for e in self.errors)


class NotFound(Exception):
    """Also raised when something exists but the principal may not know it exists."""


class Forbidden(Exception):
    def __init__(self, reason: str = "U heeft geen recht op deze handeling.") -> None:
        super().__init__(reason)
        self.reason = reason


class Conflict(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
