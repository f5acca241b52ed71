"""Tables of prevention: training (Bekwamen): exercise rounds, participants and their answers."""

from __future__ import annotations

from weerbaar.core.models import Base  # noqa: F401
