"""Tables of prevention: the resilience scan (weerbaarheidsscan): rounds, respondents and their answers."""

from __future__ import annotations

from weerbaar.core.models import Base  # noqa: F401
