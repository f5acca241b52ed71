"""Serving the application with uvicorn, with a Dutch message when the port is taken."""

from __future__ import annotations

import socket

from weerbaar.cli.common import FAILURE, fail, out
from weerbaar.core.runtime import Runtime


def check_port(host: str, port: int) -> None:
    """Fail early (before a demo is built) when the address cannot be used."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        fail(f"Onbekend adres '{host}' voor --host.")
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError:
            fail(f"Poort {port} op {host} is al in gebruik of niet beschikbaar; kies een andere met --port.",
                 FAILURE)


def serve(runtime: Runtime, host: str, port: int) -> None:
    import uvicorn

    from weerbaar.app import create_app

    check_port(host, port)
    from weerbaar.access import auth

    if auth.TEST_PROFILE:
        fail("WEERBAAR_WACHTWOORDHASH=test is alleen voor de testsuite (goedkope wachtwoordhashes); "
             "haal deze variabele weg voordat u de server start.", FAILURE)
    shown = f"[{host}]" if ":" in host else host
    console = out()
    console.print(f"Weerbaar draait op http://{shown}:{port}/ (stoppen met Ctrl+C).", markup=False)
    console.print(f"De API staat op http://{shown}:{port}/api/v1/ .", markup=False)
    # Uvicorn's own start-up lines are English; warnings and errors still come through.
    uvicorn.run(create_app(runtime), host=host, port=port, log_level="warning")
    console.print("Weerbaar is gestopt.")
