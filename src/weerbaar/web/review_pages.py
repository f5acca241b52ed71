"""The review page: uncertain pairs side by side with the model's explanation, confirmed or
rejected by the coordinator (htmx swaps the pair for the recorded verdict; without
JavaScript the form posts and the page reloads)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import RedirectResponse, Response

from weerbaar.access import rights
from weerbaar.core.errors import Forbidden, NotFound, ValidationFailed
from weerbaar.resolve import review
from weerbaar.web.deps import FormDep, Page, PageDep
from weerbaar.web.subject_pages import FIELD_LABELS, KINDS

router = APIRouter()

PAGE_SIZE = 20


def _page_number(page: Page) -> int:
    raw = page.request.query_params.get("pagina", "")
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) < 10**6 else 1


def _queue_page(page: Page, errors: dict[str, dict[str, list[str]]] | None = None, status: int = 200) -> Response:
    number = _page_number(page)
    try:
        pairs, total = review.open_pairs(page.db, page.principal, number, PAGE_SIZE)
        judged, _ = review.list_judgements(page.db, page.principal, 1, 10)
    except Forbidden as exc:
        page.request.state.error_message = exc.reason
        raise HTTPException(403) from None
    notice = review.TAKES_EFFECT if page.request.query_params.get("melding") == "beoordeeld" else None
    return page.render(
        "koppelvoorstellen.html", status, title="Koppelvoorstellen", pairs=pairs, total=total, number=number,
        pages=max(1, -(-total // PAGE_SIZE)), judged=judged, may_judge=page.can(rights.MATCHES_JUDGE),
        labels=FIELD_LABELS, kinds=KINDS, notice=notice, errors=errors or {},
    )


@router.get("/koppelvoorstellen")
def queue(page: PageDep) -> Response:
    page.require(rights.SOURCES_READ, reason=review.NO_READ)
    return _queue_page(page)


@router.post("/koppelvoorstellen/{pair_id}/oordeel")
def judge(pair_id: str, page: PageDep, posted: FormDep) -> Response:
    page.require(rights.MATCHES_JUDGE, reason=review.NO_JUDGE)
    verdict, reason = posted.get("oordeel"), posted.get("toelichting")
    htmx = bool(page.request.headers.get("HX-Request"))
    try:
        judgement = review.judge(page.db, page.principal, pair_id, verdict if isinstance(verdict, str) else "",
                                 reason.strip() or None if isinstance(reason, str) else None)
    except NotFound:
        raise HTTPException(404) from None
    except ValidationFailed as exc:
        reasons = {e.name: [e.reason] for e in exc.errors}
        if htmx:  # htmx swaps only 2xx responses: the error goes into the pair's status line
            return page.render("_oordeel.html", pair_id=pair_id, judgement=None, errors=reasons)
        return _queue_page(page, {pair_id: reasons}, status=422)
    if htmx:
        return page.render("_oordeel.html", pair_id=pair_id, judgement=judgement, errors={},
                           message=review.TAKES_EFFECT)
    return RedirectResponse("/koppelvoorstellen?melding=beoordeeld", 303)
