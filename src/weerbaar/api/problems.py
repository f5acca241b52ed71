"""`application/problem+json` (RFC 9457) responses, in Dutch, listing every invalid field."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from weerbaar.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from weerbaar.intake.schemas import DUTCH_REASONS

PROBLEM = "application/problem+json"
TITLES = {
    400: "Ongeldig verzoek",
    401: "Niet geauthenticeerd",
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
    409: "Conflict",
    415: "Mediatype niet ondersteund",
    422: "Ongeldige invoer",
    429: "Te veel verzoeken",
    500: "Interne fout",
}


def problem(status: int, detail: str, *, title: str | None = None,
            invalid: list[FieldError] | None = None, headers: dict[str, str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"https://weerbaar.nl/problemen/{status}",
        "title": title or TITLES.get(status, "Fout"),
        "status": status,
        "detail": detail,
    }
    if invalid:
        body["invalidParams"] = [e.as_dict() for e in invalid]
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _request_errors(exc: RequestValidationError) -> list[FieldError]:
    out = []
    for err in exc.errors():
        loc = [p for p in err["loc"] if p not in ("query", "path", "body", "header")]
        name = ".".join(str(p) for p in loc) or "(verzoek)"
        template = DUTCH_REASONS.get(err["type"], "Ongeldige waarde.")
        ctx = {k: str(v) for k, v in (err.get("ctx") or {}).items()}
        try:
            reason = template.format(**ctx)
        except (KeyError, IndexError):
            reason = template
        out.append(FieldError(name, err["type"], reason))
    return out


def install(app: Any) -> None:
    @app.exception_handler(ValidationFailed)
    async def _invalid(_: Request, exc: ValidationFailed) -> JSONResponse:
        n = len(exc.errors)
        return problem(422, f"De invoer bevat {n} fout{'en' if n != 1 else ''}; niets is opgeslagen.",
                       invalid=exc.errors)

    @app.exception_handler(RequestValidationError)
    async def _request_invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _request_errors(exc)
        return problem(422, f"Het verzoek bevat {len(errors)} ongeldige parameter(s).", invalid=errors)

    @app.exception_handler(NotFound)
    async def _not_found(_: Request, __: NotFound) -> JSONResponse:
        return problem(404, "Dit object bestaat niet of u heeft er geen toegang toe.")

    @app.exception_handler(Forbidden)
    async def _forbidden(_: Request, exc: Forbidden) -> JSONResponse:
        return problem(403, exc.reason)

    @app.exception_handler(Conflict)
    async def _conflict(_: Request, exc: Conflict) -> JSONResponse:
        return problem(409, exc.reason)
