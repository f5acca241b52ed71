"""The coordinator's dashboard page (`/dashboard`): the intake team's day at a glance."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from weerbaar.access import rights
from weerbaar.cases import service as cases
from weerbaar.picture.dashboard import NO_ACCESS, dashboard
from weerbaar.web.deps import PageDep

router = APIRouter()


@router.get("/dashboard")
def dashboard_page(page: PageDep) -> Response:
    page.require(rights.SIGNAL_READ_MUNICIPALITY, reason=NO_ACCESS)
    board = dashboard(page.db, page.principal, page.rt.catalogue)
    return page.render("dashboard.html", title="Dashboard", board=board, flow=cases.flow_of(page.rt.catalogue))
