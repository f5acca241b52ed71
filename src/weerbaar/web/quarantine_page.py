"""The quarantine page: rows imports refused, with file, line, column and reason.

For whoever may import (the coordinator, the analyst): they fix the partner's file or ask
the partner to. Reading the quarantine is a list of personal data and is logged as such.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import func, select

from weerbaar.access import rights
from weerbaar.ingest import quarantine
from weerbaar.web.deps import PageDep

router = APIRouter()

PAGE_SIZE = 100
NO_ACCESS = "Uw rol mag de quarantaine niet inzien; dat mag wie mag importeren."


@router.get("/quarantaine")
def quarantine_page(page: PageDep) -> Response:
    page.require(rights.SIGNAL_IMPORT, rights.SOURCES_IMPORT, reason=NO_ACCESS)
    params = page.request.query_params
    sources = quarantine.readable_sources(page.principal)
    bron = params.get("bron", "").strip()
    errors: dict[str, list[str]] = {}
    if bron and bron not in sources:
        errors["bron"] = [f"Onbekende bron '{bron}'; kies uit {', '.join(sources)}."]
    raw_page = params.get("pagina", "")
    number = int(raw_page) if raw_page.isdigit() and 0 < int(raw_page) < 10**7 else 1
    rows, total = [], 0
    if not errors:
        query = quarantine.quarantine_query(page.principal, bron or None)
        total = page.db.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
        rows = list(page.db.scalars(query.offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE)))
        quarantine.log_reading(page.db, page.principal, len(rows), bron or None, None)
    return page.render(
        "quarantaine.html", 422 if errors else 200, title="Quarantaine", rows=rows, total=total, number=number,
        pages=max(1, -(-total // PAGE_SIZE)), bron=bron, errors=errors,
        source_options=[(s, s) for s in sources],
    )
