"""Tables of prevention: the five-B partner session (beraad): phases, participants, priorities and commitments."""

from __future__ import annotations

from weerbaar.core.models import Base  # noqa: F401
