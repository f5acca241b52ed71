"""Query parameters as the API and the pages read them: every problem collected as a Dutch
FieldError, so that a request is refused once with all of them (problem+json `invalidParams`,
or each error beside its field)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from weerbaar.core.errors import FieldError


def query_date(params: Mapping[str, str], key: str, errors: list[FieldError]) -> date | None:
    value = (params.get(key) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(FieldError(key, "date_parsing", "Ongeldige datum; gebruik JJJJ-MM-DD."))
        return None


def query_int(params: Mapping[str, str], key: str, default: int, low: int, high: int, errors: list[FieldError]) -> int:
    value = params.get(key)
    if value is None:
        return default
    # isascii: "²" and other Unicode digits pass isdigit() but not int().
    if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
        errors.append(FieldError(key, "int_parsing", f"Moet een geheel getal van {low} tot en met {high} zijn."))
        return default
    return int(value)
