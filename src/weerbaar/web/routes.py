"""The web pages (Dutch, NL Design System) and the friendly error page.

`router` and `error_page` are what the composition root (app.py) uses.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from weerbaar.web import (
    admin_pages,
    barrier_pages,
    case_pages,
    dashboard_pages,
    login,
    map_pages,
    meeting_pages,
    network_pages,
    precase_pages,
    prevention_pages,
    quarantine_page,
    report_pages,
    review_pages,
    risk_pages,
    scan_pages,
    session_pages,
    signal_list,
    signals,
    subject_pages,
    threat_pages,
    training_pages,
)
from weerbaar.web.deps import render

router = APIRouter(include_in_schema=False)
router.include_router(login.router)
router.include_router(admin_pages.router)
router.include_router(signals.router)  # before the list: /signalen/nieuw is not an id
router.include_router(signal_list.router)
router.include_router(quarantine_page.router)
router.include_router(network_pages.router)  # before the card: /subjecten/{id}/netwerk
router.include_router(subject_pages.router)
router.include_router(review_pages.router)
router.include_router(risk_pages.router)
router.include_router(precase_pages.router)
router.include_router(case_pages.router)
router.include_router(meeting_pages.router)
router.include_router(threat_pages.router)
router.include_router(report_pages.router)
router.include_router(dashboard_pages.router)
router.include_router(map_pages.router)
router.include_router(training_pages.router)
router.include_router(scan_pages.router)
router.include_router(prevention_pages.router)
router.include_router(session_pages.router)
router.include_router(barrier_pages.router)

ERRORS = {
    400: ("Ongeldig verzoek", "De pagina kon dit verzoek niet verwerken."),
    403: ("Geen toegang", "U heeft geen toegang tot deze pagina of handeling."),
    404: ("Niet gevonden", "Deze pagina bestaat niet, of u heeft er geen toegang toe."),
    405: ("Niet toegestaan", "Deze handeling kan op deze pagina niet worden uitgevoerd."),
    500: ("Er ging iets mis", "Er ging onverwacht iets mis. De fout is vastgelegd; probeer het later opnieuw."),
}


def _login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    query = "?verlopen=1" if getattr(request.state, "session_expired", False) else "?"
    if target not in ("/", "") and request.method == "GET" and not request.headers.get("HX-Request"):
        query += ("&" if query != "?" else "") + "terug=" + quote(target, safe="/")
    location = "/inloggen" + (query if query != "?" else "")
    if request.headers.get("HX-Request"):
        # htmx would swap the login page into a fragment; ask it to navigate instead.
        return Response(status_code=200, headers={"HX-Redirect": location})
    return RedirectResponse(location, 303)


def error_page(request: Request, status: int) -> Response:
    """A Dutch error page; 401 (no or expired session) becomes a redirect to the login page."""
    if status == 401:
        return _login_redirect(request)
    title, text = ERRORS.get(status, ERRORS[500] if status >= 500 else ERRORS[400])
    message = getattr(request.state, "error_message", None)
    return render(request, "error.html", status, title=title, text=text, message=message, code=status)
