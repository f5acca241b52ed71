"""The network page of a subject: a Cytoscape.js drawing with filters, expansion on click, clusters,
the shortest path and exports, and the same network as plain tables (works without JavaScript).
Only for holders of netwerk.bekijken; anyone else gets the 404 page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse, Response

from weerbaar.access import rights
from weerbaar.core.errors import NotFound
from weerbaar.picture import network, network_export
from weerbaar.web.deps import Page, PageDep, form_date

router = APIRouter()

KIND_LABELS = {"persoon": "Persoon", "bedrijf": "Bedrijf", "adres": "Adres", "signaal": "Signaal",
               "voertuig": "Voertuig", "casus": "Casus"}


def _allowed(page: Page) -> None:
    if not (page.can(rights.NETWORK_READ) and network.may_see_networks(page.principal)):
        raise HTTPException(404)


def _params(page: Page) -> tuple[dict[str, Any], dict[str, list[str]], int, network.Filters, int]:
    """The filter form (GET): every problem beside its field."""
    query = page.request.query_params
    values: dict[str, Any] = {k: (query.get(k) or "").strip() for k in ("diepte", "vanaf", "tot", "max", "naar")}
    chosen = [t for t in query.getlist("relatietype") if t]
    values["relatietypen"] = chosen
    errors: dict[str, list[str]] = {}

    def number(key: str, default: int, low: int, high: int) -> int:
        raw = values[key]
        if not raw:
            return default
        if raw.isascii() and raw.isdigit() and low <= int(raw) <= high:
            return int(raw)
        errors[key] = [f"Moet een geheel getal van {low} tot en met {high} zijn."]
        return default

    depth = number("diepte", 1, network.MIN_DEPTH, network.MAX_DEPTH)
    cap = number("max", network.DEFAULT_MAX_NODES, 1, network.MAX_NODES)
    unknown = [t for t in chosen if t not in network.RELATION_TYPES]
    if unknown:
        errors["relatietype"] = [f"Onbekend relatietype: {', '.join(unknown)}."]
    since, until = form_date(values, "vanaf", errors), form_date(values, "tot", errors)
    if since and until and since > until:
        errors.setdefault("tot", []).append("De datum 'tot' ligt voor de datum 'vanaf'.")
    types = frozenset(t for t in chosen if t in network.RELATION_TYPES) or None
    return values, errors, depth, network.Filters(types, since, until), cap


@router.get("/subjecten/{subject_id}/netwerk")
def network_page(subject_id: str, page: PageDep) -> Response:
    _allowed(page)
    values, errors, depth, filters, cap = _params(page)
    status = 422 if errors else 200
    if errors:
        depth, filters, cap = 1, network.Filters(), network.DEFAULT_MAX_NODES
    try:
        net = network.subject_network(page.db, page.principal, page.rt.catalogue, subject_id, depth, filters, cap)
        path = None
        if values["naar"] and not errors:
            start, end, result = network.shortest_path(page.db, page.principal, page.rt.catalogue, net.center,
                                                       values["naar"], filters)
            path = result.as_dict(start, end)
    except NotFound:
        if values["naar"] and values["naar"] != subject_id:
            errors["naar"] = ["Dit subject bestaat niet of u mag het niet zien."]
            return _render(page, subject_id, values, errors, None, None, 422)
        raise HTTPException(404) from None
    return _render(page, subject_id, values, errors, net, path, status)


def _render(page: Page, subject_id: str, values: dict[str, Any], errors: dict[str, list[str]],
            net: network.Network | None, path: dict[str, Any] | None, status: int) -> Response:
    if net is None:
        try:
            net = network.subject_network(page.db, page.principal, page.rt.catalogue, subject_id)
        except NotFound:
            raise HTTPException(404) from None
    data = net.as_dict()
    nodes = {n["id"]: n for n in data["knopen"]}
    center = nodes[net.center]
    title = f"Netwerk van {center['label'] or net.center}"
    query = page.request.url.query
    return page.render(
        "netwerk.html", status, title=title, net=data, nodes=nodes, center=center, values=values, errors=errors,
        path=path, kinds=KIND_LABELS, type_labels=network.TYPE_LABELS, relation_types=network.RELATION_TYPES,
        placeholder=network.PLACEHOLDER_LABEL, query=("?" + query) if query else "",
        max_depth=network.MAX_DEPTH,
    )


@router.get("/subjecten/{subject_id}/netwerk/gegevens")
def network_data(subject_id: str, page: PageDep) -> Response:
    """The network as JSON for the page's script (expanding a clicked node with diepte=1)."""
    _allowed(page)
    _, errors, depth, filters, cap = _params(page)
    if errors:
        return JSONResponse({"fouten": errors}, status_code=422)
    try:
        net = network.subject_network(page.db, page.principal, page.rt.catalogue, subject_id, depth, filters, cap)
    except NotFound:
        raise HTTPException(404) from None
    return JSONResponse(net.as_dict(), headers={"Cache-Control": "no-store"})


@router.get("/subjecten/{subject_id}/netwerk/{fmt}")
def network_export_page(subject_id: str, fmt: str, page: PageDep) -> Response:
    """Downloads: FollowTheMoney (JSON lines) or GEXF, with the page's filters."""
    _allowed(page)
    if fmt not in ("ftm", "gexf"):
        raise HTTPException(404)
    _, errors, depth, filters, cap = _params(page)
    if errors:
        raise HTTPException(400)
    try:
        net = network.build(page.db, page.principal, page.rt.catalogue, subject_id, depth, filters, cap)
    except NotFound:
        raise HTTPException(404) from None
    if fmt == "ftm":
        body, media, name = network_export.ftm_lines(page.db, page.principal, net), "application/x-ndjson", "ftm.json"
    else:
        body, media, name = network_export.gexf(page.db, page.principal, net), "application/gexf+xml", "gexf"
    return Response(body, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="netwerk-{net.center}.{name}"', "Cache-Control": "no-store"})
