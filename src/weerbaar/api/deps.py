"""Request-scoped dependencies for the API: runtime, transaction, principal."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from weerbaar.access.auth import user_for_token
from weerbaar.access.principal import Principal
from weerbaar.core.runtime import Runtime


class Unauthenticated(Exception):
    pass


def runtime(request: Request) -> Runtime:
    return request.app.state.runtime  # type: ignore[no-any-return]


def db_session(rt: Annotated[Runtime, Depends(runtime)]) -> Iterator[Session]:
    """One transaction per request: committed when the handler returns, rolled back on error."""
    with rt.db.session() as session, session.begin():
        yield session


def api_principal(
    request: Request,
    rt: Annotated[Runtime, Depends(runtime)],
    session: Annotated[Session, Depends(db_session)],
) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated()
    user = user_for_token(session, token.strip())
    if user is None:
        raise Unauthenticated()
    return Principal.of(user, rt.catalogue, channel="api")


RuntimeDep = Annotated[Runtime, Depends(runtime)]
SessionDep = Annotated[Session, Depends(db_session)]
PrincipalDep = Annotated[Principal, Depends(api_principal)]
