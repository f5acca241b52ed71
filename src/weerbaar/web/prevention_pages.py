"""/preventie: the start page of prevention together (issue 7), linking every part — barrier
models and their gap analysis, the resilience scan, training and the five-B sessions — and, for
whoever runs the sessions, the latest session and its commitments still open."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from weerbaar.access import rights
from weerbaar.prevention import sessions
from weerbaar.web.deps import PageDep, refused_as_pages

router = APIRouter()


@router.get("/preventie")
def prevention_home(page: PageDep) -> Response:
    page.require(rights.PREVENTION_MANAGE, rights.PREVENTION_TAKE_PART, reason="Uw rol doet niet mee aan de preventie.")
    with refused_as_pages(page):
        rows = sessions.list_sessions(page.db, page.principal, page.rt.catalogue)
    latest = rows[0] if rows else None
    return page.render("preventie.html", title="Preventie", latest=latest, sessions_count=len(rows),
                       manages=page.can(rights.PREVENTION_MANAGE),
                       municipality_staff=page.principal.organisation_type == "gemeente")
