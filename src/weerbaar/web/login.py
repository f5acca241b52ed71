"""Logging in (password, then optionally a TOTP code), logging out, and turning on TOTP."""

from __future__ import annotations

import secrets
from urllib.parse import quote

import pyotp
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from weerbaar.access import auth, logbook
from weerbaar.access.models import WebSession
from weerbaar.access.principal import Principal
from weerbaar.core.clock import as_utc, now
from weerbaar.web.deps import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    FormDep,
    PageDep,
    RuntimeDep,
    SessionDep,
    csrf_matches,
    refuse_csrf,
    render,
    safe_return_path,
    set_session_cookie,
)

router = APIRouter()

TOTP_ENABLED = "tweestaps_aangezet"  # logbook action
WRONG_CODE = "Deze code klopt niet. Gebruik de zescijferige code die uw authenticator-app nu toont."


def _text(form: FormDep, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def _login_form(request: Request, rt: RuntimeDep, *, email: str = "", error: str | None = None,
                notice: str | None = None, status: int = 200, back: str = "/") -> Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    response = render(request, "login.html", status, email=email, error=error, notice=notice,
                      csrf=token, terug=back)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="lax",
                        secure=rt.settings.secure_cookies, path="/inloggen")
    return response


def _pending(request: Request, rt: RuntimeDep, db: SessionDep) -> WebSession | None:
    return auth.load_session(db, rt.settings, request.cookies.get(SESSION_COOKIE))


def _log_login(db: SessionDep, rt: RuntimeDep, ws: WebSession, second_factor: bool) -> None:
    principal = Principal.of(ws.user, rt.catalogue, channel="web")
    logbook.record(db, principal, logbook.LOGIN, object_type="gebruiker", object_id=ws.user.id,
                   details={"tweestapsverificatie": second_factor})


@router.get("/inloggen")
def login_page(request: Request, rt: RuntimeDep, db: SessionDep) -> Response:
    ws = _pending(request, rt, db)
    back = safe_return_path(request.query_params.get("terug"))
    if ws is not None:
        return RedirectResponse(back if ws.second_factor_done else "/inloggen/code", 303)
    notice = None
    if request.query_params.get("verlopen"):
        notice = "Uw sessie is verlopen. Log opnieuw in om verder te gaan."
    elif request.query_params.get("uitgelogd"):
        notice = "U bent uitgelogd."
    return _login_form(request, rt, notice=notice, back=back)


@router.post("/inloggen")
def login(request: Request, rt: RuntimeDep, db: SessionDep, form: FormDep) -> Response:
    if not csrf_matches(request.cookies.get(LOGIN_CSRF_COOKIE), request, form):
        raise refuse_csrf(request)
    email, password = _text(form, "email"), form.get("wachtwoord")
    back = safe_return_path(form.get("terug"))
    if not email or not isinstance(password, str) or not password:
        return _login_form(request, rt, email=email, status=400, back=back,
                           error="Vul uw e-mailadres en uw wachtwoord in.")
    try:
        user = auth.check_password(db, rt.settings, email, password)
    except auth.LoginFailed as exc:
        # The failed attempt is counted and logged; this transaction commits that.
        return _login_form(request, rt, email=email, error=exc.reason, status=401, back=back)
    cookie = auth.start_session(db, rt.settings, user)
    ws = auth.load_session(db, rt.settings, cookie)
    assert ws is not None
    if ws.second_factor_done:
        _log_login(db, rt, ws, second_factor=False)
        target = back
    else:
        target = "/inloggen/code" + (f"?terug={quote(back, safe='/')}" if back != "/" else "")
    response = RedirectResponse(target, 303)
    set_session_cookie(response, rt, cookie)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/inloggen")
    return response


@router.get("/inloggen/code")
def code_page(request: Request, rt: RuntimeDep, db: SessionDep) -> Response:
    ws = _pending(request, rt, db)
    if ws is None:
        return RedirectResponse("/inloggen", 303)
    if ws.second_factor_done:
        return RedirectResponse("/", 303)
    return render(request, "login_code.html", csrf=ws.csrf_token,
                  terug=safe_return_path(request.query_params.get("terug")))


@router.post("/inloggen/code")
def code(request: Request, rt: RuntimeDep, db: SessionDep, form: FormDep) -> Response:
    ws = _pending(request, rt, db)
    if ws is None:
        return RedirectResponse("/inloggen?verlopen=1", 303)
    if not csrf_matches(ws.csrf_token, request, form):
        raise refuse_csrf(request)
    back = safe_return_path(form.get("terug"))
    if ws.second_factor_done:
        return RedirectResponse(back, 303)
    if auth.check_totp(ws.user, _text(form, "code")):
        ws.second_factor_done = True
        _log_login(db, rt, ws, second_factor=True)
        return RedirectResponse(back, 303)
    # A wrong code counts as a failed login, so guessing codes hits the same lock-out.
    try:
        auth.check_password(db, rt.settings, ws.user.email, "")
    except auth.LoginFailed as exc:
        if ws.user.locked_until is not None and as_utc(ws.user.locked_until) > now():
            db.delete(ws)
            response = _login_form(request, rt, email=ws.user.email, error=exc.reason, status=401)
            response.delete_cookie(SESSION_COOKIE, path="/")
            return response
    return render(request, "login_code.html", 401, csrf=ws.csrf_token, terug=back, error=WRONG_CODE)


@router.post("/uitloggen")
def logout(page: PageDep) -> Response:
    auth.end_session(page.db, page.request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/inloggen?uitgelogd=1", 303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/account/tweestapsverificatie")
def totp_page(page: PageDep) -> Response:
    return _totp_form(page, auth.new_totp_secret())


def _totp_form(page: PageDep, secret: str, error: str | None = None, status: int = 200) -> Response:
    user = page.ws.user
    return page.render("totp.html", status, active=user.totp_secret is not None, secret=secret,
                       uri=auth.totp_uri(user, secret), error=error, title="Tweestapsverificatie")


@router.post("/account/tweestapsverificatie")
def totp_enable(page: PageDep, form: FormDep) -> Response:
    user = page.ws.user
    if user.totp_secret is not None:
        return RedirectResponse("/account/tweestapsverificatie", 303)
    secret = _text(form, "geheim")
    code_given = _text(form, "code").replace(" ", "")
    try:
        valid = pyotp.TOTP(secret).verify(code_given, valid_window=1)
    except Exception:  # a tampered secret is not base32; treat it like a wrong code
        valid = False
    if len(secret) < 16 or not valid:
        return _totp_form(page, secret if len(secret) >= 16 else auth.new_totp_secret(), WRONG_CODE, 422)
    user.totp_secret = secret
    logbook.record(page.db, page.principal, TOTP_ENABLED, object_type="gebruiker", object_id=user.id)
    return RedirectResponse("/account/tweestapsverificatie?aangezet=1", 303)
