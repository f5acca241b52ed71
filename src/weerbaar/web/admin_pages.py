"""Start page, the logboek for the privacy officer, and the read-only beheer overview."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import func, select

from weerbaar.access import logbook, rights
from weerbaar.access.models import AccessLogEntry
from weerbaar.core.models import Organisation, User
from weerbaar.intake import queries
from weerbaar.web import case_pages, lookups
from weerbaar.web.deps import READ_RIGHTS, STATUS_LABELS, PageDep

router = APIRouter()

LOG_PAGE_SIZE = 50
ACTION_LABELS = {
    logbook.CREATE: "Aanmaken", logbook.READ: "Lezen", logbook.SEARCH: "Zoeken",
    logbook.LIST: "Lijst raadplegen", logbook.EXPORT: "Exporteren", logbook.SHARE: "Delen",
    logbook.IMPORT: "Importeren", logbook.LOGIN: "Inloggen", logbook.LOGIN_FAILED: "Inloggen mislukt",
    logbook.READ_LOG: "Logboek lezen", logbook.ANALYSE: "Analyseren", logbook.JUDGE: "Beoordelen",
}


@router.get("/")
def home(page: PageDep) -> Response:
    counts = None
    if page.can(*READ_RIGHTS):
        counts = queries.counts_by_status(page.db, page.principal, page.rt.catalogue)
        counts = {**dict.fromkeys(["nieuw"], 0), **counts}
    role = page.rt.catalogue.roles.get(page.principal.role)
    return page.render("home.html", title="Start", counts=counts, total=sum((counts or {}).values()),
                       role=role, status_labels=STATUS_LABELS, overdue=case_pages.overdue_actions(page))


def _date(raw: str, key: str, errors: dict[str, list[str]]) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[key] = ["Ongeldige datum; gebruik de vorm JJJJ-MM-DD."]
        return None


@router.get("/logboek")
def log_page(page: PageDep) -> Response:
    page.require(rights.LOG_READ, reason="Alleen de privacyfunctionaris mag het logboek lezen.")
    params = page.request.query_params
    values = {k: params.get(k, "").strip() for k in ("vanaf", "tot", "actie", "organisatie")}
    errors: dict[str, list[str]] = {}
    vanaf, tot = _date(values["vanaf"], "vanaf", errors), _date(values["tot"], "tot", errors)
    raw_page = params.get("pagina", "")
    number = int(raw_page) if raw_page.isdigit() and 0 < int(raw_page) < 10**7 else 1
    chain = None
    if params.get("keten") == "controleer":
        intact, broken = logbook.verify_chain(page.db)
        chain = {"intact": intact, "broken": broken, "count": logbook.count(page.db)}
    entries, total = [], 0
    if not errors:
        clauses = logbook.filter_clauses(vanaf, tot, None, values["organisatie"] or None, values["actie"] or None, None)
        total = page.db.scalar(select(func.count()).select_from(AccessLogEntry).where(*clauses)) or 0
        entries = list(page.db.scalars(
            select(AccessLogEntry).where(*clauses).order_by(AccessLogEntry.id.desc())
            .offset((number - 1) * LOG_PAGE_SIZE).limit(LOG_PAGE_SIZE)
        ))
        # Reading the log is itself an access worth recording.
        logbook.record(page.db, page.principal, logbook.READ_LOG, object_type="logboek", purpose="toezicht",
                       details={"filters": {k: v for k, v in values.items() if v}, "pagina": number,
                                "aantal": len(entries)})
    actions = dict(ACTION_LABELS)
    known = page.db.scalars(select(AccessLogEntry.action).distinct())
    actions.update({a: a.replace("_", " ").capitalize() for a in known if a not in actions})
    return page.render(
        "logboek.html", 422 if errors else 200, title="Logboek", entries=entries, total=total,
        number=number, pages=max(1, -(-total // LOG_PAGE_SIZE)), values=values, errors=errors,
        chain=chain, actions=actions, org_options=[(o.id, o.name) for o in lookups.organisations(page.db)],
    )


@router.get("/beheer")
def admin_page(page: PageDep) -> Response:
    page.require(rights.ORGANISATIONS_MANAGE, rights.USERS_MANAGE,
                 reason="Alleen een beheerder mag organisaties en gebruikers bekijken.")
    orgs = lookups.organisations(page.db)
    users = list(page.db.scalars(select(User).join(Organisation).order_by(Organisation.name, User.name)))
    per_org = dict(page.db.execute(select(User.organisation_id, func.count()).group_by(User.organisation_id)).all())
    return page.render("beheer.html", title="Beheer", orgs=orgs, users=users, per_org=per_org)
