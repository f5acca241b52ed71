"""Composition root: the FastAPI application with the API under /api/v1 and the web pages."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from weerbaar import API_VERSION
from weerbaar.api import problems
from weerbaar.api.deps import Unauthenticated
from weerbaar.api.router import PREFIX, openapi, router
from weerbaar.core.config import PACKAGE_DIR
from weerbaar.core.runtime import Runtime
from weerbaar.web import deps as web_deps
from weerbaar.web import routes as web

log = logging.getLogger("weerbaar")


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "geolocation=(), camera=(), microphone=()",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; frame-ancestors 'none'; form-action 'self'"
    ),
}


def security_headers(map_tiles: str | None) -> dict[str, str]:
    """The headers of every response; a configured tile server (WEERBAAR_KAART_TEGELS) is the
    one outside origin images may come from."""
    if not map_tiles:
        return SECURITY_HEADERS
    parts = urlsplit(map_tiles.replace("{s}", "a").replace("{z}", "0").replace("{x}", "0").replace("{y}", "0"))
    origin = f"{parts.scheme}://{parts.netloc}".replace("://a.", "://*.") if parts.netloc else ""
    if parts.scheme not in ("https", "http") or not origin:
        return SECURITY_HEADERS
    policy = SECURITY_HEADERS["Content-Security-Policy"].replace("img-src 'self' data:",
                                                                f"img-src 'self' data: {origin}")
    return {**SECURITY_HEADERS, "Content-Security-Policy": policy}


def create_app(runtime: Runtime | None = None) -> FastAPI:
    rt = runtime or Runtime.start()
    app = FastAPI(
        title="Weerbaar",
        version=API_VERSION,
        openapi_url=f"{PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.runtime = rt
    web_deps.use_catalogue(rt.catalogue)
    app.openapi = lambda: openapi(app)  # type: ignore[method-assign]
    problems.install(app)

    @app.exception_handler(Unauthenticated)
    async def _unauthenticated(_: Request, __: Unauthenticated) -> JSONResponse:
        return problems.problem(
            401, "Geef een geldig bearer-token in de Authorization-header.",
            headers={"WWW-Authenticate": 'Bearer realm="weerbaar"'},
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith(PREFIX):
            return problems.problem(exc.status_code, str(exc.detail) if exc.status_code != 404 else
                                    "Deze bron bestaat niet.")
        return web.error_page(request, exc.status_code)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.error("Onverwachte fout bij %s %s", request.method, request.url.path, exc_info=exc)
        if request.url.path.startswith(PREFIX):
            # Unhandled errors bypass the header middleware; set the contract header here.
            return problems.problem(500, "Er ging onverwacht iets mis; de fout is vastgelegd.",
                                    headers={"API-Version": API_VERSION})
        return web.error_page(request, 500)

    headers = security_headers(rt.settings.map_tiles)

    @app.middleware("http")
    async def _headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        for key, value in headers.items():
            response.headers.setdefault(key, value)
        if request.url.path.startswith(PREFIX):
            response.headers["API-Version"] = API_VERSION
            response.headers.setdefault("Cache-Control", "no-store")
            if request.url.path == f"{PREFIX}/openapi.json":
                response.headers["Access-Control-Allow-Origin"] = "*"
        return response

    app.include_router(router())
    app.mount("/static/vendor", StaticFiles(directory=rt.settings.assets_dir, check_dir=False), name="vendor")
    app.mount("/static", StaticFiles(directory=PACKAGE_DIR / "web" / "static", check_dir=False), name="static")
    app.include_router(web.router)
    return app
