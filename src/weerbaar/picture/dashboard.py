"""The coordinator's dashboard: what waits for the intake team today.

New signals (waiting for the intake check), unweighed ones (intake positive, waiting for the
weighing), the review queue of doubtful links, overdue actions, cases by status and the trend per
phenomenon. Each part is one grouped query through the permission layer: what the principal may
not see is not counted, and the trends come from `picture.stats` with its suppression rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from weerbaar.access import logbook, rights
from weerbaar.access.policy import signal_visible
from weerbaar.access.principal import Principal
from weerbaar.cases import service as cases
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.clock import as_utc, today
from weerbaar.core.errors import Forbidden
from weerbaar.detect.models import DetectionRun
from weerbaar.intake.models import Signal, SignalStatus
from weerbaar.picture import stats
from weerbaar.resolve.review import open_pair_counts

NEW, UNWEIGHED = "nieuw", "in_behandeling"
QUEUE_LENGTH = 8
NO_ACCESS = ("Het dashboard is voor het intaketeam en de analisten van de gemeente: het telt alle signalen "
             "op het grondgebied van de gemeente.")


@dataclass(frozen=True)
class Waiting:
    """A signal waiting for the intake team, oldest first; no parties, no text."""

    id: str
    phenomenon: str | None
    phenomenon_name: str | None
    observed_on: date
    organisation: str
    since: datetime
    days: int


@dataclass
class Dashboard:
    day: date
    new: int
    unweighed: int
    waiting_new: list[Waiting]
    waiting_unweighed: list[Waiting]
    review_open: int | None  # None: the principal may not read the review queue
    review_by_kind: dict[str, int]
    overdue: list[cases.ActionView] | None
    cases_by_status: dict[str, int] | None
    case_status_names: dict[str, str]
    trends: list[stats.PhenomenonFigure] | None  # None without beeld.lezen
    months: list[stats.MonthFigures] = field(default_factory=list)  # the municipality's last 12 months
    last_analysis: datetime | None = None

    def sparkline(self, code: str) -> list[stats.Shown]:
        """Signals of one phenomenon per month (shown values: "<5" where suppressed)."""
        return [m.by_phenomenon.get(code, (0, 0))[0] for m in self.months]

    def as_json(self) -> dict[str, Any]:
        def waiting(items: list[Waiting]) -> list[dict[str, Any]]:
            return [{"id": w.id, "fenomeen": w.phenomenon, "fenomeenNaam": w.phenomenon_name,
                     "waargenomenOp": w.observed_on.isoformat(), "organisatie": w.organisation,
                     "wachtSinds": as_utc(w.since).isoformat(), "dagenWachtend": w.days,
                     "_links": {"self": {"href": f"/api/v1/signalen/{w.id}"}}} for w in items]

        return {
            "peildatum": self.day.isoformat(),
            "signalen": {"nieuw": self.new, "ongewogen": self.unweighed,
                         "oudsteNieuw": waiting(self.waiting_new),
                         "oudsteOngewogen": waiting(self.waiting_unweighed)},
            "koppelvoorstellen": None if self.review_open is None else {
                "open": self.review_open, "perSoort": self.review_by_kind},
            "verlopenActies": None if self.overdue is None else [
                {"id": v.action.id, "omschrijving": v.action.description, "deadline": v.action.deadline.isoformat(),
                 "casus": v.case_number, "status": v.status,
                 "_links": {"self": {"href": f"/api/v1/acties/{v.action.id}"}}} for v in self.overdue],
            "casussenPerStatus": self.cases_by_status,
            "trendsPerFenomeen": None if self.trends is None else [
                {"fenomeen": t.code, "naam": t.name, "signalen": t.signals_shown, "treffers": t.hits_shown,
                 "richting": t.direction,
                 "perMaand": [{"maand": m.month, "signalen": m.by_phenomenon.get(t.code, (0, 0))[0],
                               "treffers": m.by_phenomenon.get(t.code, (0, 0))[1]} for m in self.months]}
                for t in self.trends],
            "laatsteAnalyse": as_utc(self.last_analysis).isoformat() if self.last_analysis else None,
        }


def _waiting(session: Session, principal: Principal, catalogue: Catalogue, status: str,
             day: date) -> tuple[int, list[Waiting]]:
    """How many visible signals are in `status` now, and the longest-waiting of them."""
    latest = (select(SignalStatus.signal_id, func.max(SignalStatus.id).label("last"))
              .group_by(SignalStatus.signal_id).subquery())
    base = (select(Signal.id).join(latest, latest.c.signal_id == Signal.id)
            .join(SignalStatus, SignalStatus.id == latest.c.last)
            .where(SignalStatus.status == status, signal_visible(principal, catalogue)))
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.execute(
        select(Signal, SignalStatus.at).join(latest, latest.c.signal_id == Signal.id)
        .join(SignalStatus, SignalStatus.id == latest.c.last)
        .where(SignalStatus.status == status, signal_visible(principal, catalogue))
        .order_by(SignalStatus.at, Signal.id).limit(QUEUE_LENGTH)
    ).all()
    out = []
    for signal, since in rows:
        phenomenon = catalogue.phenomena.get(signal.phenomenon or "")
        out.append(Waiting(signal.id, signal.phenomenon, phenomenon.naam if phenomenon else None,
                           signal.observed_on, signal.organisation.name, since,
                           max(0, (day - as_utc(since).date()).days)))
    return total, out


def dashboard(session: Session, principal: Principal, catalogue: Catalogue, day: date | None = None) -> Dashboard:
    """Everything on the coordinator's dashboard, for the principal's municipality."""
    if not principal.can(rights.SIGNAL_READ_MUNICIPALITY) or not principal.municipality_code:
        raise Forbidden(NO_ACCESS)
    day = day or today()
    new, waiting_new = _waiting(session, principal, catalogue, NEW, day)
    unweighed, waiting_unweighed = _waiting(session, principal, catalogue, UNWEIGHED, day)
    review_open: int | None = None
    by_kind: dict[str, int] = {}
    if principal.can(rights.SOURCES_READ):
        by_kind = open_pair_counts(session, principal)
        review_open = sum(by_kind.values())
    may_cases = principal.can(rights.CASES_READ_MUNICIPALITY) or principal.can(rights.CASES_PARTICIPATE)
    overdue = cases.list_actions(session, principal, catalogue, status=cases.OVERDUE, on=day) if may_cases else None
    by_status = cases.count_by_status(session, principal, catalogue) if may_cases else None
    flow = cases.flow_of(catalogue)
    trends, months = None, []
    if principal.can(rights.PICTURE_READ):
        flt, exact = stats.Filter(), stats.exact_for(principal)
        trends = stats.phenomena_overview(session, principal, catalogue, None, flt, exact=exact)
        months = stats.monthly_trend(session, principal, catalogue, None, flt, exact=exact)
    last = session.scalar(select(func.max(DetectionRun.finished_at))
                          .where(DetectionRun.municipality_code == principal.municipality_code))
    logbook.record(session, principal, logbook.READ, object_type="dashboard", purpose="dagelijkse sturing",
                   details={"nieuw": new, "ongewogen": unweighed})
    return Dashboard(day, new, unweighed, waiting_new, waiting_unweighed, review_open, by_kind, overdue, by_status,
                     {code: s.naam for code, s in flow.statuses.items()}, trends, months, last)

