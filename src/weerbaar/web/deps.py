"""Request plumbing for the pages: one transaction, the logged-in principal, CSRF, templates.

A missing or expired session raises HTTPException(401); the application's error handler
hands that to `routes.error_page`, which turns it into a redirect to the login page.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from weerbaar import API_VERSION
from weerbaar.access import auth, rights
from weerbaar.access.models import WebSession
from weerbaar.access.principal import Principal
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.clock import AMSTERDAM, as_utc
from weerbaar.core.config import PACKAGE_DIR
from weerbaar.core.errors import FieldError, Forbidden, NotFound
from weerbaar.core.runtime import Runtime

SESSION_COOKIE = "weerbaar_sessie"
# Double-submit token for the login form, which has no session yet.
LOGIN_CSRF_COOKIE = "weerbaar_inlog_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")
# The statuses of catalogus/signaalverloop.yaml by code (`use_catalogue` at start-up), in order.
STATUS_LABELS: dict[str, str] = {}


def use_catalogue(catalogue: Catalogue) -> None:
    """Status names for every page and the `status` filter, from the catalogue the app runs on."""
    if catalogue.signal_flow is not None:
        STATUS_LABELS.clear()
        STATUS_LABELS.update({s.code: s.naam for s in catalogue.signal_flow.statussen})
READ_RIGHTS = (rights.SIGNAL_READ_OWN, rights.SIGNAL_READ_SHARED, rights.SIGNAL_READ_MUNICIPALITY)


def form_date(values: dict[str, str], key: str, errors: dict[str, list[str]]) -> date | None:
    """A date field of a filter form (JJJJ-MM-DD); a bad one is an error beside the field."""
    if not values.get(key):
        return None
    try:
        return date.fromisoformat(values[key])
    except ValueError:
        errors[key] = ["Ongeldige datum; gebruik de vorm JJJJ-MM-DD."]
        return None


def errors_by_field(errors: list[FieldError], prefix: str = "") -> dict[str, list[str]]:
    """The write path's errors, per form field (a form with several parts prefixes its names)."""
    out: dict[str, list[str]] = {}
    for e in errors:
        out.setdefault(prefix + e.name, []).append(e.reason)
    return out


@contextmanager
def refused_as_pages(page: Page) -> Iterator[None]:
    """What the write path refuses becomes the page a browser expects: NotFound the 404 page,
    Forbidden the 403 page with its Dutch reason."""
    try:
        yield
    except NotFound:
        raise HTTPException(404) from None
    except Forbidden as exc:
        page.request.state.error_message = exc.reason
        raise HTTPException(403) from None


def field_id(name: str) -> str:
    """An HTML id for a form field name such as `betrokkenen[1].bsn` → `f-betrokkenen-1-bsn`."""
    return "f-" + re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")


def dutch_date(value: date | str | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def short_date(value: date | str | None) -> str:
    """`26 nov. 2026`: compact enough for a table column."""
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    month = MONTHS[value.month - 1]
    return f"{value.day} {month if len(month) <= 4 else month[:3] + '.'} {value.year}"


def local_time(value: datetime | str | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return as_utc(value).astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")


def status_label(code: str | None) -> str:
    return STATUS_LABELS.get(code or "", (code or "onbekend").replace("_", " ").capitalize())


templates = Jinja2Templates(directory=PACKAGE_DIR / "web" / "templates")
templates.env.filters.update(
    field_id=field_id, datum=dutch_date, datum_kort=short_date, tijdstip=local_time, status=status_label
)
templates.env.globals.update(version=API_VERSION, rights=rights)
templates.env.trim_blocks = True
templates.env.lstrip_blocks = True


def runtime(request: Request) -> Runtime:
    return request.app.state.runtime  # type: ignore[no-any-return]


def db_session(rt: Annotated[Runtime, Depends(runtime)]) -> Iterator[Session]:
    """One transaction per request, committed before the response leaves (scope="function"),
    so a browser following a redirect always sees what the POST stored."""
    with rt.db.session() as session, session.begin():
        yield session


RuntimeDep = Annotated[Runtime, Depends(runtime)]
SessionDep = Annotated[Session, Depends(db_session, scope="function")]


async def form_data(request: Request) -> FormData:
    """The posted form, parsed once (Starlette caches it on the request)."""
    if request.method != "POST":
        return FormData()
    return await request.form()


FormDep = Annotated[FormData, Depends(form_data)]


def csrf_matches(expected: str | None, request: Request, form: FormData) -> bool:
    given = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    return bool(expected) and isinstance(given, str) and hmac.compare_digest(given, expected or "")


def refuse_csrf(request: Request) -> HTTPException:
    request.state.error_message = (
        "Dit formulier is verlopen of kwam niet van deze website (CSRF-controle). "
        "Laad de pagina opnieuw en probeer het nog eens."
    )
    return HTTPException(403)


@dataclass
class Page:
    """Everything a page handler needs: who asks, their session, the database, the runtime."""

    request: Request
    rt: Runtime
    db: Session
    ws: WebSession
    principal: Principal

    def can(self, *any_of: str) -> bool:
        return any(self.principal.can(r) for r in any_of)

    def require(self, *any_of: str, reason: str | None = None) -> None:
        if not self.can(*any_of):
            if reason:
                self.request.state.error_message = reason
            raise HTTPException(403)

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        return render(self.request, template, status, page=self, principal=self.principal,
                      csrf=self.ws.csrf_token, catalogue=self.rt.catalogue, nav=nav_items(self), **context)


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    response = templates.TemplateResponse(request, template, context, status_code=status)
    response.headers["Cache-Control"] = "no-store"  # pages hold personal data: never cache
    return response


def nav_items(page: Page) -> list[tuple[str, str, bool]]:
    """Main menu entries the principal's rights allow: (href, text, is the current page)."""
    items = [("/", "Start")]
    if page.can(rights.SIGNAL_READ_MUNICIPALITY):
        items.append(("/dashboard", "Dashboard"))
    if page.can(rights.PICTURE_READ):
        items.append(("/kaart", "Kaart"))
        items.append(("/beeld/rapport", "Beeldrapport"))
    if page.can(*READ_RIGHTS):
        items.append(("/signalen", "Signalen"))
    if page.can(rights.SIGNAL_REGISTER):
        items.append(("/signalen/nieuw", "Nieuw signaal"))
    if page.can(rights.SIGNAL_IMPORT, rights.SOURCES_IMPORT):
        items.append(("/quarantaine", "Quarantaine"))
    if page.can(rights.SOURCES_READ):
        items.append(("/subjecten", "Subjecten"))
    if page.can(rights.MATCHES_JUDGE):
        items.append(("/koppelvoorstellen", "Koppelvoorstellen"))
    if page.can(rights.RISK_READ):
        items.append(("/risico", "Risicolijst"))
    if page.can(rights.CASES_MANAGE, rights.CASES_READ_MUNICIPALITY):
        items.append(("/vooronderzoeken", "Vooronderzoeken"))
    if page.can(rights.CASES_READ_MUNICIPALITY, rights.CASES_PARTICIPATE):
        items += [("/casussen", "Casussen"), ("/acties", "Acties"), ("/overleggen", "Overleggen")]
    if page.can(*READ_RIGHTS):  # asking needs bekendheid.bevragen; seeing who asked us does not
        items.append(("/bekendheid", "Bekendheid"))
    if page.can(rights.PREVENTION_MANAGE, rights.PREVENTION_TAKE_PART):
        items.append(("/preventie", "Preventie"))
    if page.can(rights.THREATS_REGISTER, rights.THREATS_READ):
        items.append(("/dreigingen", "Dreigingen"))
    if page.can(rights.LOG_READ):
        items.append(("/logboek", "Logboek"))
    if page.can(rights.ORGANISATIONS_MANAGE, rights.USERS_MANAGE):
        items.append(("/beheer", "Beheer"))
    items.append(("/account/tweestapsverificatie", "Account"))
    path = page.request.url.path
    # The longest matching prefix wins, so /signalen/nieuw is "Nieuw signaal", not "Signalen".
    matches = [href for href, _ in items if path == href or (href != "/" and path.startswith(href + "/"))]
    current = max(matches, key=len, default=None)
    return [(href, text, href == current) for href, text in items]


def current_page(request: Request, rt: RuntimeDep, db: SessionDep, form: FormDep) -> Page:
    """The logged-in user as a Principal; every POST must carry the session's CSRF token."""
    cookie = request.cookies.get(SESSION_COOKIE)
    ws = auth.load_session(db, rt.settings, cookie)
    if ws is None or not ws.second_factor_done:
        request.state.session_expired = bool(cookie) and ws is None
        raise HTTPException(401)
    if request.method == "POST" and not csrf_matches(ws.csrf_token, request, form):
        raise refuse_csrf(request)
    return Page(request, rt, db, ws, Principal.of(ws.user, rt.catalogue, channel="web"))


PageDep = Annotated[Page, Depends(current_page)]


def set_session_cookie(response: Response, rt: Runtime, value: str) -> None:
    # No max-age: the browser forgets it on close; the server enforces idle and absolute expiry.
    response.set_cookie(SESSION_COOKIE, value, httponly=True, samesite="lax",
                        secure=rt.settings.secure_cookies, path="/")


def safe_return_path(value: Any) -> str:
    """Only local paths, so the login page cannot be used to redirect elsewhere."""
    if isinstance(value, str) and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return "/"
