"""Request-scoped dependencies for the API: runtime, transaction, principal."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from weerbaar.access.auth import user_for_token
from weerbaar.access.principal import Principal
from weerbaar.core.errors import FieldError, ValidationFailed
from weerbaar.core.runtime import Runtime


class Unauthenticated(Exception):
    pass


def runtime(request: Request) -> Runtime:
    return request.app.state.runtime  # type: ignore[no-any-return]


def db_session(rt: Annotated[Runtime, Depends(runtime)]) -> Iterator[Session]:
    """One transaction per request, committed before the response leaves (scope="function"),
    so a client that reads right after a 201 sees its own write; rolled back on error."""
    with rt.db.session() as session, session.begin():
        yield session


def api_principal(
    request: Request,
    rt: Annotated[Runtime, Depends(runtime)],
    session: Annotated[Session, Depends(db_session, scope="function")],
) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated()
    user = user_for_token(session, token.strip())
    if user is None:
        raise Unauthenticated()
    return Principal.of(user, rt.catalogue, channel="api")


def clean_query(request: Request, _: Annotated[Principal, Depends(api_principal)]) -> None:
    """Refuse NUL characters in query parameters (after authentication, so an anonymous caller
    still gets a 401): PostgreSQL can neither store nor compare them, which would be a 500."""
    bad = [key for key, value in request.query_params.multi_items() if "\x00" in key or "\x00" in value]
    if bad:
        raise ValidationFailed([FieldError(key.replace("\x00", "\\0"), "teken_ongeldig",
                                           "Bevat een ongeldig teken (NUL).") for key in dict.fromkeys(bad)])


RuntimeDep = Annotated[Runtime, Depends(runtime)]
SessionDep = Annotated[Session, Depends(db_session, scope="function")]
PrincipalDep = Annotated[Principal, Depends(api_principal)]
