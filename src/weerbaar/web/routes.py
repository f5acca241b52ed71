"""Web pages (placeholder until the web UI lands)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

router = APIRouter()


def error_page(request: Request, status: int) -> Response:
    return HTMLResponse(f"<h1>Fout {status}</h1>", status_code=status)
