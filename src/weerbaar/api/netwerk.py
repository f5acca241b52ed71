"""/api/v1/subjecten/{id}/netwerk — the network around a subject, the shortest path between two
subjects, and the network as FollowTheMoney or GEXF. Only for holders of netwerk.bekijken; for
anyone else (and for a subject the reader may not see) a 404."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from weerbaar.api.deps import PrincipalDep, RuntimeDep, SessionDep
from weerbaar.api.signalen import _check_keys
from weerbaar.core.errors import FieldError, NotFound, ValidationFailed
from weerbaar.core.params import query_date, query_int
from weerbaar.picture import network, network_export

router = APIRouter(prefix="/subjecten", tags=["Netwerk"])
NETWORK_KEYS = {"diepte", "relatietypen", "vanaf", "tot", "max", "doel"}


def parse_params(params: dict[str, str], allowed: set[str] | None = None) -> tuple[int, network.Filters, int]:
    """diepte, relatietypen, vanaf, tot and max, every problem at once (422 problem+json)."""
    errors: list[FieldError] = []
    _check_keys(params, allowed or NETWORK_KEYS, errors)
    depth = query_int(params, "diepte", 1, network.MIN_DEPTH, network.MAX_DEPTH, errors)
    cap = query_int(params, "max", network.DEFAULT_MAX_NODES, 1, network.MAX_NODES, errors)
    types, unknown = network.parse_types(params.get("relatietypen"))
    if unknown:
        errors.append(FieldError("relatietypen", "relatietype_onbekend",
                                 f"Onbekend relatietype: {', '.join(unknown)}. Kies uit: "
                                 f"{', '.join(network.RELATION_TYPES)}."))
    since, until = query_date(params, "vanaf", errors), query_date(params, "tot", errors)
    if since and until and since > until:
        errors.append(FieldError("tot", "periode_ongeldig", "De datum 'tot' ligt voor de datum 'vanaf'."))
    if errors:
        raise ValidationFailed(errors)
    return depth, network.Filters(types, since, until), cap


def _network(id: str, request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep,
             ) -> tuple[network.Network, str | None]:
    if not network.may_see_networks(principal):
        raise NotFound()
    params = dict(request.query_params)
    depth, filters, cap = parse_params(params)
    return network.build(session, principal, rt.catalogue, id, depth, filters, cap), params.get("doel")


@router.get("/{id}/netwerk", summary="Het netwerk rond een subject: relaties, signalen, voertuigen en casussen")
def read(id: str, request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    net, purpose = _network(id, request, rt, session, principal)
    network.add_clusters(session, principal, rt.catalogue, net)
    network.log_read(session, principal, net, purpose)
    return net.as_dict()


@router.get("/{id}/netwerk/pad", summary="Het kortste pad tussen twee subjecten (hoogstens vier stappen)")
def path(id: str, request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    if not network.may_see_networks(principal):
        raise NotFound()
    params = dict(request.query_params)
    allowed = {"naar", "relatietypen", "vanaf", "tot", "doel"}
    target = params.get("naar", "").strip()
    try:
        _, filters, _ = parse_params(params, allowed)
        errors: list[FieldError] = []
    except ValidationFailed as exc:
        errors, filters = exc.errors, network.Filters()
    if not target:
        errors.append(FieldError("naar", "missing", "Geef het subject-id waarheen het pad moet lopen."))
    if errors:
        raise ValidationFailed(errors)
    start, end, result = network.shortest_path(session, principal, rt.catalogue, id, target, filters,
                                               params.get("doel"))
    return result.as_dict(start, end)


@router.get("/{id}/netwerk/ftm", summary="Het netwerk als FollowTheMoney-entiteiten (JSON lines)",
            response_class=Response, responses={200: {"content": {"application/x-ndjson": {}}}})
def export_ftm(id: str, request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> Response:
    net, purpose = _network(id, request, rt, session, principal)
    body = network_export.ftm_lines(session, principal, net, purpose)
    return Response(body, media_type="application/x-ndjson", headers={
        "Content-Disposition": f'attachment; filename="netwerk-{net.center}.ftm.json"'})


@router.get("/{id}/netwerk/gexf", summary="Het netwerk als GEXF (bijvoorbeeld voor Gephi)",
            response_class=Response, responses={200: {"content": {"application/gexf+xml": {}}}})
def export_gexf(id: str, request: Request, rt: RuntimeDep, session: SessionDep, principal: PrincipalDep) -> Response:
    net, purpose = _network(id, request, rt, session, principal)
    body = network_export.gexf(session, principal, net, purpose)
    return Response(body, media_type="application/gexf+xml", headers={
        "Content-Disposition": f'attachment; filename="netwerk-{net.center}.gexf"'})
