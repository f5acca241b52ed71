"""The whole `weerbaar analyseer` run: linking, then indicators, scores and automatic signals,
in one transaction (a failure leaves the previous run in place)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from weerbaar.access.principal import Principal
from weerbaar.cases.knownness import refresh_keys
from weerbaar.core.bulk import bulk_work
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.db import refresh_statistics
from weerbaar.detect.service import DetectionFigures, run_detection
from weerbaar.resolve.service import RunFigures, run_resolution

ProgressFn = Callable[[str, int, int], None]
STEP_LINK = "Koppelen"


def run_analysis(
    session: Session, principal: Principal, catalogue: Catalogue, *, backend: str = "duckdb",
    progress: ProgressFn | None = None,
) -> tuple[RunFigures, DetectionFigures]:
    with bulk_work():
        linking = run_resolution(session, principal, backend=backend, progress=progress)
        detection = run_detection(session, principal, catalogue, progress=progress)
        if principal.municipality_code:  # the hit/no-hit keys follow the records and signals
            linking.counts["bekendheidssleutels"] = refresh_keys(session, principal.municipality_code)
        refresh_statistics(session)
    return linking, detection
