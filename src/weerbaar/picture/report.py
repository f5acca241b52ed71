"""The ondermijningsbeeld: a report of the municipality's (or one wijk's) picture, from aggregates only.

Its content is a plain dataclass assembled from `picture.stats` (phenomena, trends, figures per
buurt, top indicators), always with `exact=False`: a report leaves the analyst's screen, so every
count under `stats.SMALL` is shown as "<5" (and the counts that would give it away are suppressed
too). The case and action figures and the effect figures are counted here by grouped SQL over the
municipality's cases and suppressed with `stats.suppress` the same way.

What the report never holds: names, addresses, postcodes, house numbers, BSN, KvK numbers, plates,
or ids of subjects, signals or cases. Only area names and codes, phenomena, indicators and counts.
Producing it is logged in the logboek as an export (without personal data).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from weerbaar.access import logbook, rights
from weerbaar.access.principal import Principal
from weerbaar.cases import service as cases
from weerbaar.cases.models import ActionUpdate, Case, CaseAction, CaseSignal, CaseStatus, CaseSubject
from weerbaar.cases.report import dutch_date
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.clock import AMSTERDAM, as_utc, now
from weerbaar.core.errors import FieldError, Forbidden, NotFound, ValidationFailed
from weerbaar.core.models import Area
from weerbaar.intake.models import Signal
from weerbaar.picture import stats
from weerbaar.resolve.models import SignalSubject

NO_ACCESS = ("Uw rol mag het ondermijningsbeeld niet opvragen. Dat mogen de coördinator, de analist en de "
             "partnerprofessionals van de gemeente.")
MONTHS_SHORT = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
ABOVE = 1.5  # a buurt at or above this many times the municipal rate gets a recommendation
SUPPRESSION_TEXT = (
    f"Aantallen van 1 tot en met {stats.SMALL - 1} worden getoond als \"{stats.HIDDEN}\". Waar zo'n klein "
    "aantal uit een getoond totaal en de andere aantallen terug te rekenen zou zijn, is ook een tweede aantal "
    f"afgeschermd; dat staat er als \"{stats.MASKED}\". Cijfers per 1.000 adressen en verhoudingen van "
    "afgeschermde aantallen worden niet getoond (–)."
)


@dataclass(frozen=True)
class Count:
    """A labelled count as the report shows it: `value` is None when it is suppressed."""

    key: str
    label: str
    value: int | None
    shown: str


@dataclass(frozen=True)
class PhenomenonLine:
    code: str
    name: str
    signals: Count
    hits: Count
    trend: str  # "stijgend" | "dalend" | "gelijk" | "onbekend"
    recent: str = ""  # signals plus hits of the last three months, as shown
    before: str = ""  # of the three months before


@dataclass(frozen=True)
class BuurtLine:
    key: str  # its number on the map
    code: str
    name: str
    addresses: int
    signals: Count
    rate: float | None  # signals per 1,000 addresses; None when suppressed
    rate_shown: str
    ratio: float | None  # to the municipal rate; None when suppressed
    ratio_shown: str
    geometry: dict[str, Any] | None = None
    indicators: list[str] = field(default_factory=list)  # "HT-01 Afgeplakte ramen (<5)"

    @property
    def above_average(self) -> bool:
        return self.ratio is not None and self.ratio > 1


@dataclass(frozen=True)
class IndicatorLine:
    code: str
    text: str
    phenomenon: str
    count: Count


@dataclass
class PictureReport:
    title: str
    municipality: str
    municipality_code: str
    area_code: str
    area_name: str
    scope: str  # gemeente | wijk
    period: str
    start: date
    end: date
    made_on: str
    made_for: str  # the organisation that asked for it
    totals: list[Count]
    phenomena: list[PhenomenonLine]
    months: list[Count]
    buurten: list[BuurtLine]
    municipal_rate: str
    indicators: list[IndicatorLine]
    cases_by_status: list[Count]
    actions: list[Count]
    results: list[Count]
    effect: list[Count]
    barriers: list[str]
    recommendations: list[str]
    suppression: str = SUPPRESSION_TEXT
    cases_scope: str = ""

    @property
    def filename(self) -> str:
        """Area code and date only: no personal data in a file name."""
        return f"ondermijningsbeeld-{self.area_code.lower()}-{self.end.isoformat()}"


# --------------------------------------------------------------------------------------------
# Assembly
# --------------------------------------------------------------------------------------------

def period_of(day: date, months: int = 12) -> tuple[date, date]:
    """The report's period: the first day of the month `months - 1` months back, up to `day`."""
    year, month = day.year, day.month - (months - 1)
    while month < 1:
        month += 12
        year -= 1
    return date(year, month, 1), day


def figure(value: stats.Shown) -> str:
    """A shown count in Dutch notation: 12345 → "12.345"; "<5" and "x" as they are."""
    return f"{value:,}".replace(",", ".") if isinstance(value, int) else value


def decimal(value: float | None, decimals: int = 1) -> str:
    return "–" if value is None else f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def count(key: str, label: str, value: stats.Shown) -> Count:
    return Count(key, label, value if isinstance(value, int) else None, figure(value))


def wijk_area(session: Session, principal: Principal, code: str | None) -> stats.AreaInfo | None:
    """The wijk a report is restricted to (None: the whole municipality); another code is a Dutch error."""
    if code is None:
        return None
    value = code.strip().upper()
    try:
        found = stats.area(session, principal, value)
    except NotFound:
        found = None
    if found is None or found.kind != "wijk":
        raise ValidationFailed([FieldError("wijk", "onbekend", f"Onbekende wijk '{code.strip()}'. Geef de code van "
                                                                 "een wijk van uw gemeente, bijvoorbeeld WK999001.")])
    return found


BarrierSection = Callable[[Session, Principal, Catalogue], list[str]]


def build_report(session: Session, principal: Principal, catalogue: Catalogue, *, wijk: str | None = None,
                 day: date | None = None, at: datetime | None = None, channel: str | None = None,
                 barriers: BarrierSection | None = None) -> PictureReport:
    """The report for the principal's municipality or one of its wijken; logged as an export.
    `barriers`: the barrier gap section (prevention's `report_lines`, passed in by the caller so
    that the picture does not depend on prevention); without it the section says why it is empty."""
    if not principal.can(rights.PICTURE_READ) or not principal.municipality_code:
        raise Forbidden(NO_ACCESS)
    area = wijk_area(session, principal, wijk)
    moment = as_utc(at or now()).astimezone(AMSTERDAM)
    start, end = period_of(day or moment.date())
    flt = stats.Filter(None, start, end)
    within = area.code if area else None
    figures = stats.area_figures(session, principal, catalogue, "buurt", flt, within=within, exact=False)
    overview = stats.phenomena_overview(session, principal, catalogue, within, flt, exact=False)
    trend = stats.monthly_trend(session, principal, catalogue, within, flt, months=12, exact=False)
    top = stats.top_indicators(session, principal, catalogue, within, flt, exact=False)
    buurten = _buurten(session, principal, catalogue, figures, flt)
    statuses, actions, results, effect = case_figures(session, principal, catalogue, within, end)
    name = area.name if area else figures.municipality_name
    report = PictureReport(
        title=f"Ondermijningsbeeld {name}" if area is None else f"Ondermijningsbeeld wijk {name}",
        municipality=figures.municipality_name, municipality_code=figures.municipality_code,
        area_code=area.code if area else figures.municipality_code, area_name=name,
        scope="wijk" if area else "gemeente",
        period=f"{dutch_date(start)} tot en met {dutch_date(end)}", start=start, end=end,
        made_on=f"{dutch_date(moment.date())} om {moment:%H:%M}", made_for=principal.organisation_name,
        totals=_totals(figures, buurten, area is not None),
        phenomena=[PhenomenonLine(p.code, p.name, count(p.code, p.name, p.signals_shown),
                                  count(p.code, p.name, p.hits_shown), p.direction or "onbekend",
                                  figure(stats.shown(p.recent, False)), figure(stats.shown(p.before, False)))
                   for p in overview],
        months=[count(m.month, month_label(m.month), m.signals_shown) for m in trend],
        buurten=buurten, municipal_rate=decimal(figures.signals_rate),
        indicators=[IndicatorLine(i.code, i.name, i.phenomenon_name, count(i.code, i.name, i.hits_shown)) for i in top],
        cases_by_status=statuses, actions=actions, results=results, effect=effect,
        barriers=barriers(session, principal, catalogue) if barriers else [],
        recommendations=[],
        cases_scope=("de casussen met ten minste één signaal in deze wijk" if area
                     else "alle casussen van de gemeente"),
    )
    report.recommendations = recommendations(report)
    logbook.record(session, principal, logbook.EXPORT, object_type="ondermijningsbeeld", object_id=report.area_code,
                   purpose="ondermijningsbeeld maken", channel=channel,
                   details={"gebied": report.area_code, "vanaf": start.isoformat(), "tot": end.isoformat(),
                            "exact": False})
    return report


def month_label(month: str) -> str:
    """"2026-03" → "mrt 26"."""
    year, number = month.split("-")
    return f"{MONTHS_SHORT[int(number) - 1]} {year[2:]}"


def _totals(figures: stats.AreaFigures, buurten: list[BuurtLine], wijk: bool) -> list[Count]:
    if not wijk:
        return [count("adressen", "Adressen", figures.addresses),
                count("signalen", "Signalen", figures.signals_shown),
                count("hits", "Indicatorhits (laatste analyse)", figures.hits_shown)]
    # A wijk: its own totals, from its buurten's raw counts (shown under the same rule).
    addresses = sum(r.addresses for r in figures.areas)
    return [count("adressen", "Adressen", addresses),
            count("signalen", "Signalen", stats.shown(sum(r.signals for r in figures.areas), False)),
            count("hits", "Indicatorhits (laatste analyse)", stats.shown(sum(r.hits for r in figures.areas), False))]


def _buurten(session: Session, principal: Principal, catalogue: Catalogue, figures: stats.AreaFigures,
             flt: stats.Filter) -> list[BuurtLine]:
    """The buurten on the map, numbered; those above the municipal average with their top indicators."""
    shapes = stats.geometries(session, [r.code for r in figures.areas])
    out = []
    for i, r in enumerate(figures.areas, 1):
        indicators: list[str] = []
        if r.signals_ratio is not None and r.signals_ratio > 1:
            top = stats.top_indicators(session, principal, catalogue, r.code, flt, limit=3, exact=False)
            indicators = [f"{t.code} {t.name} ({figure(t.hits_shown)})" for t in top]
        out.append(BuurtLine(str(i), r.code, r.name, r.addresses, count(r.code, r.name, r.signals_shown),
                             r.signals_rate, decimal(r.signals_rate), r.signals_ratio, decimal(r.signals_ratio, 2),
                             shapes.get(r.code), indicators))
    return out


# --------------------------------------------------------------------------------------------
# Cases, actions and effect (grouped SQL over the municipality's cases)
# --------------------------------------------------------------------------------------------

def _counts(labels: dict[str, str], counts: dict[str, int]) -> list[Count]:
    """Counts in the labels' order, suppressed together (small ones and what would reveal them)."""
    shown = stats.suppress({k: counts.get(k, 0) for k in labels}, False)
    return [count(k, label, shown[k]) for k, label in labels.items()]


def _case_filter(principal: Principal, wijk: str | None) -> list[Any]:
    conditions: list[Any] = [Case.municipality_code == principal.municipality_code]
    if wijk is not None:
        in_wijk = (select(CaseSignal.case_id).join(Signal, Signal.id == CaseSignal.signal_id)
                   .join(Area, Area.code == Signal.neighbourhood_code).where(Area.parent_code == wijk))
        conditions.append(Case.id.in_(in_wijk))
    return conditions


def case_figures(session: Session, principal: Principal, catalogue: Catalogue, wijk: str | None,
                 day: date) -> tuple[list[Count], list[Count], list[Count], list[Count]]:
    """Cases by status, actions open/overdue/done, closed cases by result, and repeat signals after
    closure, of the municipality's cases (within a wijk: those with a signal there). Counts only."""
    flow = cases.flow_of(catalogue)
    conditions = _case_filter(principal, wijk)
    latest = (select(CaseStatus.case_id, func.max(CaseStatus.id).label("last"))
              .group_by(CaseStatus.case_id).subquery())
    current = (select(Case.id.label("case_id"), CaseStatus.status, CaseStatus.at, CaseStatus.details)
               .join(latest, latest.c.case_id == Case.id).join(CaseStatus, CaseStatus.id == latest.c.last)
               .where(*conditions).subquery())
    by_status: dict[str, int] = dict(session.execute(
        select(current.c.status, func.count()).group_by(current.c.status)).all())
    statuses = _counts({code: s.naam for code, s in flow.statuses.items()}, by_status)

    a_latest = (select(ActionUpdate.action_id, func.max(ActionUpdate.id).label("last"))
                .group_by(ActionUpdate.action_id).subquery())
    current_actions = (
        select(ActionUpdate.status, (CaseAction.deadline < day).label("past"))
        .join(a_latest, a_latest.c.action_id == CaseAction.id).join(ActionUpdate, ActionUpdate.id == a_latest.c.last)
        .join(Case, Case.id == CaseAction.case_id).where(*conditions).subquery())
    rows = session.execute(select(current_actions.c.status, current_actions.c.past, func.count())
                           .group_by(current_actions.c.status, current_actions.c.past)).all()
    tally = {"open": 0, "verlopen": 0, "gereed": 0, "vervallen": 0}
    for status, past, n in rows:
        if status in cases.ACTION_DONE:
            tally[status] += n
        elif past:
            tally["verlopen"] += n
        else:
            tally["open"] += n
    actions = _counts({"open": "Open of in uitvoering, binnen de termijn", "verlopen": "Verlopen (over de termijn)",
                       "gereed": "Gereed", "vervallen": "Vervallen"}, tally)

    closed = select(current.c.case_id, current.c.at, current.c.details).where(current.c.status == cases.STATUS_CLOSED)
    results: dict[str, int] = {}
    closed_rows = session.execute(closed).all()
    for _, _, details in closed_rows:
        result = (details or {}).get("resultaat") or "onbekend"
        results[result] = results.get(result, 0) + 1
    result_labels = dict(flow.resultaten)
    if "onbekend" in results:
        result_labels["onbekend"] = "Resultaat niet vastgelegd"
    result_counts = _counts(result_labels, results)
    effect = _effect(session, catalogue, [(cid, at) for cid, at, _ in closed_rows])
    return statuses, actions, result_counts, effect


def _effect(session: Session, catalogue: Catalogue, closed: list[tuple[str, datetime]]) -> list[Count]:
    """How many closed cases got a repeat signal after closing (about the same subjects or addresses,
    as `cases.service.repeat_signals` defines it), and how many such signals came in: one grouped query."""
    if not closed:
        return _counts({"gesloten": "Afgesloten casussen", "herhaald": "Met een nieuw signaal na afsluiten",
                        "signalen": "Nieuwe signalen na afsluiten"}, {})
    closing = {cid: at for cid, at in closed}
    ids = list(closing)
    subjects = (select(CaseSignal.case_id, SignalSubject.subject_id)
                .join(SignalSubject, SignalSubject.signal_id == CaseSignal.signal_id)
                .where(CaseSignal.case_id.in_(ids))
                .union(select(CaseSubject.case_id, CaseSubject.subject_id).where(CaseSubject.case_id.in_(ids)))
                .subquery())
    addresses = (select(CaseSignal.case_id, Signal.address_id).join(Signal, Signal.id == CaseSignal.signal_id)
                 .where(CaseSignal.case_id.in_(ids), Signal.address_id.is_not(None)).subquery())
    by_subject = (select(subjects.c.case_id, SignalSubject.signal_id)
                  .join(SignalSubject, SignalSubject.subject_id == subjects.c.subject_id))
    by_address = (select(addresses.c.case_id, Signal.id.label("signal_id"))
                  .join(Signal, Signal.address_id == addresses.c.address_id))
    pairs = by_subject.union(by_address).subquery()
    rows = session.execute(
        select(pairs.c.case_id, Signal.registered_at).join(Signal, Signal.id == pairs.c.signal_id)
        .outerjoin(CaseSignal, and_(CaseSignal.case_id == pairs.c.case_id, CaseSignal.signal_id == Signal.id))
        .where(CaseSignal.signal_id.is_(None), Signal.confidentiality.in_(catalogue.picture_levels))).all()
    repeated: dict[str, int] = {}
    for case_id, registered in rows:
        if as_utc(registered) > as_utc(closing[case_id]):
            repeated[case_id] = repeated.get(case_id, 0) + 1
    return _counts({"gesloten": "Afgesloten casussen", "herhaald": "Met een nieuw signaal na afsluiten",
                    "signalen": "Nieuwe signalen na afsluiten"},
                   {"gesloten": len(closed), "herhaald": len(repeated), "signalen": sum(repeated.values())})


# --------------------------------------------------------------------------------------------
# Recommendations
# --------------------------------------------------------------------------------------------

def recommendations(report: PictureReport) -> list[str]:
    """Rule-based sentences from the report's own (shown) figures, each citing its figure."""
    out: list[str] = []
    for p in report.phenomena:
        if p.trend == "stijgend":
            out.append(f"{p.name} neemt toe: {p.recent} signalen en indicatorhits in de laatste drie maanden, tegen "
                       f"{p.before} in de drie maanden daarvoor ({p.signals.shown} signalen in de hele periode). "
                       "Bespreek de aanpak van dit fenomeen in het driehoeksoverleg.")
    for b in report.buurten:
        if b.ratio is not None and b.ratio >= ABOVE:
            out.append(f"Buurt {b.name} ({b.code}) heeft {b.rate_shown} signalen per 1.000 adressen, {b.ratio_shown} "
                       f"keer het gemeentelijk gemiddelde ({report.municipal_rate}). Overweeg een gebiedsgerichte "
                       "aanpak of een integrale controle in deze buurt.")
    overdue = next((c for c in report.actions if c.key == "verlopen"), None)
    if overdue is not None and overdue.shown not in ("0", ""):
        out.append(f"Er zijn {overdue.shown} acties over hun termijn. Leg ze voor aan de stuurgroep en spreek "
                   "per actie een nieuwe termijn of een andere uitvoerder af.")
    weighing = next((c for c in report.cases_by_status if c.key == "weging"), None)
    if weighing is not None and weighing.shown not in ("0", ""):
        out.append(f"{weighing.shown} casussen wachten op de integrale weging. Plan ze in voor het eerstvolgende "
                   "casusoverleg.")
    if not out:
        out.append("De cijfers geven geen aanleiding tot bijzondere aanbevelingen: geen stijgende fenomenen, geen "
                   f"buurten op of boven {str(ABOVE).replace('.', ',')} keer het gemiddelde, geen verlopen acties en "
                   "geen casussen die op weging wachten.")
    return out
