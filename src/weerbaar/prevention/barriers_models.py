"""Tables of prevention: a municipality's local versions of the catalogue's barrier models."""

from __future__ import annotations

from weerbaar.core.models import Base  # noqa: F401
