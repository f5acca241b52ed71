"""Area figures: the one place every aggregate of the picture is counted and suppressed.

The map, the buurt pages, the dashboard and the ondermijningsbeeld report all count through
here, so that one rule decides what is counted (signals of the principal's municipality, of
every organisation, up to the confidentiality levels the catalogue marks `in_beeld`; the
indicator hits of the latest analysis run) and one rule decides what is shown (counts of 1 to 4
as "<5" unless the principal may see exact figures, plus secondary suppression so a hidden count
cannot be computed back from a shown total).

Counting is aggregation, not a read of signals: no signal, subject or address leaves this
module, only counts per area, month, phenomenon and indicator. Each figure read is still logged
(object type "beeld", without personal data). Every count is one grouped SQL query; there are no
per-area loops of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, TypeVar

from sqlalchemy import ColumnElement, extract, func, select
from sqlalchemy.orm import Session

from weerbaar.access import logbook, rights
from weerbaar.access.principal import Principal
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.clock import today
from weerbaar.core.errors import Forbidden, NotFound
from weerbaar.core.models import Address, Area
from weerbaar.detect.models import IndicatorHit
from weerbaar.intake.models import Signal

SMALL = 5
HIDDEN = "<5"  # a primary-suppressed count: 1 to 4
MASKED = "x"  # a secondary-suppressed count (5 or more), hidden so a "<5" cannot be computed back
UNKNOWN = "onbekend"  # the cell of signals and hits without a known area

K = TypeVar("K", bound=Hashable)
Shown = int | str
Level = Literal["buurt", "wijk"]


# --- suppression ---------------------------------------------------------------------------


def shown(count: int, exact: bool) -> Shown:
    """A single count as it may be shown: 1 to 4 become "<5" unless `exact`; 0 stays 0."""
    if exact or count == 0 or count >= SMALL:
        return count
    return HIDDEN


def _bounds(value: Shown) -> tuple[int, int | None]:
    """What someone reading the shown cell knows of its value: an interval (None: unbounded)."""
    if value == HIDDEN:
        return 1, SMALL - 1
    if value == MASKED:
        return SMALL, None
    assert isinstance(value, int)
    return value, value


def determinable(cells: Iterable[Shown], total: int) -> bool:
    """Can any hidden cell be computed exactly from the shown cells and the total?

    The reader knows every shown value, the total, that "<5" is 1..4 and that "x" is 5 or more.
    The hidden cells must then sum to `total - sum(shown)`; a hidden cell is determined when its
    feasible interval (given the others' bounds) holds one value.
    """
    values = list(cells)
    hidden = [_bounds(v) for v in values if isinstance(v, str)]
    if not hidden:
        return False
    rest = total - sum(v for v in values if isinstance(v, int))
    for i, (lo, hi) in enumerate(hidden):
        others = hidden[:i] + hidden[i + 1:]
        others_low = sum(o_lo for o_lo, _ in others)
        others_high = None if any(o_hi is None for _, o_hi in others) else sum(o_hi or 0 for _, o_hi in others)
        low = lo if others_high is None else max(lo, rest - others_high)
        high = rest - others_low if hi is None else min(hi, rest - others_low)
        if low >= high:
            return True
    return False


def suppress(counts: Mapping[K, int], exact: bool, total_shown: bool = True) -> dict[K, Shown]:
    """Counts of one row or group as they may be shown.

    Primary suppression hides 1..4 as "<5". When the group's total is shown, secondary
    suppression then hides the next-smallest non-zero counts as "x" until no hidden cell can be
    computed back from the shown cells and the total (usually one extra cell: the classic rule
    "if exactly one cell is suppressed, suppress the next-smallest too").
    """
    if exact:
        return dict(counts)
    out: dict[K, Shown] = {k: shown(v, exact=False) for k, v in counts.items()}
    if not total_shown:
        return out
    total = sum(counts.values())
    candidates = sorted((v, i, k) for i, (k, v) in enumerate(counts.items()) if v >= SMALL)
    while candidates and determinable(out.values(), total):
        _, _, key = candidates.pop(0)
        out[key] = MASKED
    return out


def rate(count: Shown, addresses: int) -> float | None:
    """Per 1,000 addresses; None when the count is hidden or there are no addresses."""
    if isinstance(count, str) or addresses <= 0:
        return None
    return round(count * 1000 / addresses, 2)


def ratio(value: float | None, average: float | None) -> float | None:
    """An area's rate divided by the municipal average rate (None when either is unknown or 0)."""
    if value is None or not average:
        return None
    return round(value / average, 2)


def exact_for(principal: Principal) -> bool:
    return principal.can(rights.PICTURE_EXACT)


# --- filters and access ----------------------------------------------------------------------


@dataclass(frozen=True)
class Filter:
    """What to count: one phenomenon (None: all) in an inclusive period of dates (None: open).
    Signals are dated by `observed_on`, indicator hits by `reference_date`."""

    phenomenon: str | None = None
    start: date | None = None
    end: date | None = None

    def signal_clauses(self) -> list[ColumnElement[bool]]:
        out: list[ColumnElement[bool]] = []
        if self.phenomenon:
            out.append(Signal.phenomenon == self.phenomenon)
        if self.start:
            out.append(Signal.observed_on >= self.start)
        if self.end:
            out.append(Signal.observed_on <= self.end)
        return out

    def hit_clauses(self) -> list[ColumnElement[bool]]:
        out: list[ColumnElement[bool]] = []
        if self.phenomenon:
            out.append(IndicatorHit.phenomenon == self.phenomenon)
        if self.start:
            out.append(IndicatorHit.reference_date >= self.start)
        if self.end:
            out.append(IndicatorHit.reference_date <= self.end)
        return out

    def as_log(self) -> dict[str, Any]:
        return {"fenomeen": self.phenomenon, "vanaf": self.start.isoformat() if self.start else None,
                "tot": self.end.isoformat() if self.end else None}


def _municipality(principal: Principal) -> str:
    if not principal.can(rights.PICTURE_READ) or not principal.municipality_code:
        raise Forbidden("Uw rol mag het beeld van de gemeente niet inzien.")
    return principal.municipality_code


def _signals_where(municipality: str, catalogue: Catalogue, flt: Filter) -> list[ColumnElement[bool]]:
    return [Signal.municipality_code == municipality,
            Signal.confidentiality.in_(catalogue.picture_levels), *flt.signal_clauses()]


def _hits_where(municipality: str, flt: Filter) -> list[ColumnElement[bool]]:
    return [IndicatorHit.municipality_code == municipality, *flt.hit_clauses()]


def _log(session: Session, principal: Principal, what: str, object_id: str | None, flt: Filter,
         **details: Any) -> None:
    logbook.record(session, principal, logbook.READ, object_type="beeld", object_id=object_id,
                   purpose="ondermijningsbeeld", details={"onderdeel": what, **flt.as_log(), **details})


# --- areas --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaInfo:
    code: str
    name: str
    kind: str
    parent_code: str | None


def _areas(session: Session, municipality: str) -> dict[str, AreaInfo]:
    """The municipality's wijken and buurten (by the parent chain), without their geometry."""
    wijk_codes = select(Area.code).where(Area.kind == "wijk", Area.parent_code == municipality)
    rows = session.execute(
        select(Area.code, Area.name, Area.kind, Area.parent_code).where(
            ((Area.kind == "wijk") & (Area.parent_code == municipality))
            | ((Area.kind == "buurt") & Area.parent_code.in_(wijk_codes))
        ).order_by(Area.code)
    ).all()
    return {r.code: AreaInfo(r.code, r.name, r.kind, r.parent_code) for r in rows}


def area(session: Session, principal: Principal, code: str) -> AreaInfo:
    """One wijk or buurt of the principal's municipality; NotFound for any other."""
    municipality = _municipality(principal)
    found = _areas(session, municipality).get(code)
    if found is None:
        raise NotFound()
    return found


def municipality_name(session: Session, code: str) -> str:
    return session.scalar(select(Area.name).where(Area.code == code)) or code


def geometries(session: Session, codes: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The boundaries (GeoJSON geometry, WGS84) of the given areas, where known."""
    wanted = list(codes)
    if not wanted:
        return {}
    rows = session.execute(select(Area.code, Area.geometry).where(Area.code.in_(wanted))).all()
    return {r.code: r.geometry for r in rows if r.geometry}


# --- area figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaRow:
    """One area's figures. The raw counts are for computing only; show the `*_shown` fields,
    `*_rate` and `*_ratio` (already None when derived from a hidden count)."""

    code: str
    name: str
    kind: str  # buurt | wijk | onbekend
    parent_code: str | None
    addresses: int
    signals: int
    hits: int
    signals_shown: Shown
    hits_shown: Shown
    signals_rate: float | None  # per 1,000 addresses
    hits_rate: float | None
    signals_ratio: float | None  # rate / municipal average rate
    hits_ratio: float | None


@dataclass(frozen=True)
class AreaFigures:
    level: str
    municipality_code: str
    municipality_name: str
    exact: bool
    filter: Filter
    rows: list[AreaRow]  # the areas, then (if any) the cell "locatie onbekend"
    addresses: int
    signals: int
    hits: int
    signals_shown: Shown
    hits_shown: Shown
    signals_rate: float | None  # the municipal average per 1,000 addresses
    hits_rate: float | None

    @property
    def areas(self) -> list[AreaRow]:
        return [r for r in self.rows if r.kind != UNKNOWN]

    def row(self, code: str) -> AreaRow | None:
        return next((r for r in self.rows if r.code == code), None)


def _address_counts(session: Session, buurten: list[str]) -> dict[tuple[str | None, str | None], int]:
    """Addresses per buurt of the municipality (by `neighbourhood_code`: its index answers this
    without reading the table)."""
    if not buurten:
        return {}
    rows = session.execute(
        select(Address.neighbourhood_code, func.count())
        .where(Address.neighbourhood_code.in_(buurten))
        .group_by(Address.neighbourhood_code)
    ).all()
    return {(r[0], None): r[1] for r in rows}


def _signal_counts(session: Session, municipality: str, catalogue: Catalogue,
                   flt: Filter) -> dict[tuple[str | None, str | None], int]:
    rows = session.execute(
        select(Signal.neighbourhood_code, Signal.district_code, func.count())
        .where(*_signals_where(municipality, catalogue, flt))
        .group_by(Signal.neighbourhood_code, Signal.district_code)
    ).all()
    return {(r[0], r[1]): r[2] for r in rows}


def _hit_counts(session: Session, municipality: str, flt: Filter) -> dict[tuple[str | None, str | None], int]:
    rows = session.execute(
        select(IndicatorHit.neighbourhood_code, func.count())
        .where(*_hits_where(municipality, flt))
        .group_by(IndicatorHit.neighbourhood_code)
    ).all()
    return {(r[0], None): r[1] for r in rows}


def _roll_up(counts: Mapping[tuple[str | None, str | None], int], areas: Mapping[str, AreaInfo],
             level: str) -> dict[str, int]:
    """Counts keyed by (buurt, wijk) onto the level's area codes; the rest under UNKNOWN."""
    out: dict[str, int] = defaultdict(int)
    for (buurt, wijk), n in counts.items():
        b = areas.get(buurt) if buurt else None
        if b is not None and b.kind == "buurt":
            code = b.code if level == "buurt" else b.parent_code
        elif level == "wijk" and wijk and wijk in areas and areas[wijk].kind == "wijk":
            code = wijk
        else:
            code = None
        out[code if code is not None else UNKNOWN] += n
    return out


def _suppressed(counts: Mapping[str, int], codes: list[str], areas: Mapping[str, AreaInfo], level: str,
                exact: bool) -> dict[str, Shown]:
    """Suppress per group whose total is shown elsewhere: buurten per wijk (the wijk's figure is
    on the wijk map), wijken (and the unknown cell) against the municipal total."""
    cells = {c: counts.get(c, 0) for c in codes}
    if level == "wijk":
        return suppress(cells, exact)
    groups: dict[str | None, dict[str, int]] = defaultdict(dict)
    for c, n in cells.items():
        groups[areas[c].parent_code if c in areas else None][c] = n
    out: dict[str, Shown] = {}
    for group in groups.values():
        out.update(suppress(group, exact))
    return out


def area_figures(
    session: Session, principal: Principal, catalogue: Catalogue, level: Level, flt: Filter,
    within: str | None = None, exact: bool | None = None,
) -> AreaFigures:
    """One row per wijk or buurt of the principal's municipality (`within`: only the buurten of
    that wijk), with the municipal totals and averages. `exact=None`: as the principal may."""
    municipality = _municipality(principal)
    exact = exact_for(principal) if exact is None else exact
    areas = _areas(session, municipality)
    if within is not None and (within not in areas or areas[within].kind != "wijk"):
        raise NotFound()
    buurten = [a.code for a in areas.values() if a.kind == "buurt"]
    addresses = _roll_up(_address_counts(session, buurten), areas, level)
    signals = _roll_up(_signal_counts(session, municipality, catalogue, flt), areas, level)
    hits = _roll_up(_hit_counts(session, municipality, flt), areas, level)

    codes = [a.code for a in areas.values() if a.kind == level]
    if signals.get(UNKNOWN) or hits.get(UNKNOWN):
        codes.append(UNKNOWN)
    signals_shown = _suppressed(signals, codes, areas, level, exact)
    hits_shown = _suppressed(hits, codes, areas, level, exact)

    total_addresses = sum(addresses.values())
    total_signals, total_hits = sum(signals.values()), sum(hits.values())
    avg_signals = rate(total_signals, total_addresses)
    avg_hits = rate(total_hits, total_addresses)
    rows = []
    for c in codes:
        info = areas.get(c)
        if within is not None and (info is None or info.parent_code != within):
            continue
        n_addr = addresses.get(c, 0) if info else 0
        s_rate = rate(signals_shown[c], n_addr)
        h_rate = rate(hits_shown[c], n_addr)
        rows.append(AreaRow(
            code=c, name=info.name if info else "Locatie onbekend", kind=info.kind if info else UNKNOWN,
            parent_code=info.parent_code if info else None, addresses=n_addr,
            signals=signals.get(c, 0), hits=hits.get(c, 0),
            signals_shown=signals_shown[c], hits_shown=hits_shown[c],
            signals_rate=s_rate, hits_rate=h_rate,
            signals_ratio=ratio(s_rate, avg_signals), hits_ratio=ratio(h_rate, avg_hits),
        ))
    _log(session, principal, f"gebiedscijfers per {level}", within or municipality, flt)
    return AreaFigures(
        level=level, municipality_code=municipality, municipality_name=municipality_name(session, municipality),
        exact=exact, filter=flt, rows=rows, addresses=total_addresses, signals=total_signals, hits=total_hits,
        signals_shown=shown(total_signals, exact), hits_shown=shown(total_hits, exact),
        signals_rate=rate(shown(total_signals, exact), total_addresses),
        hits_rate=rate(shown(total_hits, exact), total_addresses),
    )


# --- trends, indicators, phenomena --------------------------------------------------------------


def _area_clauses(session: Session, municipality: str, area_code: str | None) -> tuple[
        list[ColumnElement[bool]], list[ColumnElement[bool]]]:
    """Signal and hit clauses that restrict to one wijk or buurt (NotFound outside the municipality)."""
    if area_code is None:
        return [], []
    areas = _areas(session, municipality)
    found = areas.get(area_code)
    if found is None:
        raise NotFound()
    if found.kind == "buurt":
        return [Signal.neighbourhood_code == area_code], [IndicatorHit.neighbourhood_code == area_code]
    buurten = [a.code for a in areas.values() if a.parent_code == area_code]
    return ([Signal.neighbourhood_code.in_(buurten)
             | (Signal.neighbourhood_code.is_(None) & (Signal.district_code == area_code))],
            [IndicatorHit.neighbourhood_code.in_(buurten)])


def _month_key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _months_back(last: date, months: int) -> list[tuple[int, int]]:
    out = []
    y, m = last.year, last.month
    for _ in range(months):
        out.append((y, m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out[::-1]


@dataclass(frozen=True)
class MonthFigures:
    month: str  # YYYY-MM
    signals: int
    hits: int
    signals_shown: Shown
    hits_shown: Shown
    # Per phenomenon code: (signals shown, hits shown), only phenomena with any count.
    by_phenomenon: dict[str, tuple[Shown, Shown]] = field(default_factory=dict)


def _monthly(session: Session, municipality: str, catalogue: Catalogue, flt: Filter,
             extra_signals: list[ColumnElement[bool]], extra_hits: list[ColumnElement[bool]],
             first: date, last: date) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]]:
    """Counts per (YYYY-MM, phenomenon) of signals and hits between first and last."""
    y_s, m_s = extract("year", Signal.observed_on), extract("month", Signal.observed_on)
    sig_rows = session.execute(
        select(y_s, m_s, Signal.phenomenon, func.count())
        .where(*_signals_where(municipality, catalogue, flt), *extra_signals,
               Signal.observed_on >= first, Signal.observed_on <= last)
        .group_by(y_s, m_s, Signal.phenomenon)
    ).all()
    y_h, m_h = extract("year", IndicatorHit.reference_date), extract("month", IndicatorHit.reference_date)
    hit_rows = session.execute(
        select(y_h, m_h, IndicatorHit.phenomenon, func.count())
        .where(*_hits_where(municipality, flt), *extra_hits,
               IndicatorHit.reference_date >= first, IndicatorHit.reference_date <= last)
        .group_by(y_h, m_h, IndicatorHit.phenomenon)
    ).all()
    sig = {(_month_key(int(r[0]), int(r[1])), r[2] or UNKNOWN): r[3] for r in sig_rows}
    hit = {(_month_key(int(r[0]), int(r[1])), r[2] or UNKNOWN): r[3] for r in hit_rows}
    return sig, hit


def _end(flt: Filter) -> date:
    return flt.end or today()


def monthly_trend(
    session: Session, principal: Principal, catalogue: Catalogue, area_code: str | None, flt: Filter,
    months: int = 12, exact: bool | None = None,
) -> list[MonthFigures]:
    """Signals and hits per month for the `months` months up to the filter's end (or today),
    for the municipality or one of its wijken or buurten; per phenomenon as well."""
    municipality = _municipality(principal)
    exact = exact_for(principal) if exact is None else exact
    extra_s, extra_h = _area_clauses(session, municipality, area_code)
    keys = _months_back(_end(flt), months)
    first = date(*keys[0], 1)
    if flt.start and flt.start > first:
        first = flt.start
    sig, hit = _monthly(session, municipality, catalogue, flt, extra_s, extra_h, first, _end(flt))
    labels = [_month_key(y, m) for y, m in keys]
    sig_month = {m: sum(n for (mm, _), n in sig.items() if mm == m) for m in labels}
    hit_month = {m: sum(n for (mm, _), n in hit.items() if mm == m) for m in labels}
    sig_shown, hit_shown = suppress(sig_month, exact), suppress(hit_month, exact)
    out = []
    for m in labels:
        phen = sorted({p for (mm, p) in sig if mm == m} | {p for (mm, p) in hit if mm == m})
        ps = suppress({p: sig.get((m, p), 0) for p in phen}, exact)
        ph = suppress({p: hit.get((m, p), 0) for p in phen}, exact)
        out.append(MonthFigures(m, sig_month[m], hit_month[m], sig_shown[m], hit_shown[m],
                                {p: (ps[p], ph[p]) for p in phen}))
    _log(session, principal, "trend per maand", area_code or municipality, flt, maanden=months)
    return out


@dataclass(frozen=True)
class IndicatorFigure:
    code: str
    name: str
    phenomenon: str
    phenomenon_name: str
    hits: int
    hits_shown: Shown


def top_indicators(
    session: Session, principal: Principal, catalogue: Catalogue, area_code: str | None, flt: Filter,
    limit: int = 10, exact: bool | None = None,
) -> list[IndicatorFigure]:
    """The indicators with the most hits (of the latest analysis run) in the area."""
    municipality = _municipality(principal)
    exact = exact_for(principal) if exact is None else exact
    _, extra_h = _area_clauses(session, municipality, area_code)
    rows = session.execute(
        select(IndicatorHit.code, IndicatorHit.phenomenon, func.count())
        .where(*_hits_where(municipality, flt), *extra_h)
        .group_by(IndicatorHit.code, IndicatorHit.phenomenon)
    ).all()
    counts = {(r[0], r[1]): r[2] for r in rows}
    visible = suppress(counts, exact)
    ranked = sorted(counts, key=lambda k: (-counts[k], k))[:limit]
    out = []
    for code, phenomenon in ranked:
        known = catalogue.indicators.get(code)
        name = known[1].tekst if known else code
        p = catalogue.phenomena.get(phenomenon)
        out.append(IndicatorFigure(code, name, phenomenon, p.naam if p else phenomenon,
                                   counts[(code, phenomenon)], visible[(code, phenomenon)]))
    _log(session, principal, "indicatoren", area_code or municipality, flt, aantal=len(out))
    return out


Direction = Literal["stijgend", "dalend", "gelijk"]


@dataclass(frozen=True)
class PhenomenonFigure:
    code: str
    name: str
    signals: int
    hits: int
    signals_shown: Shown
    hits_shown: Shown
    # Signals plus hits of the last 3 months against the 3 before; None when both are small
    # and the principal sees no exact figures (a direction would hint at a hidden count).
    direction: Direction | None
    recent: int
    before: int


def _direction(recent: int, before: int, exact: bool) -> Direction | None:
    if not exact and recent < SMALL and before < SMALL:
        return None
    if recent > before:
        return "stijgend"
    if recent < before:
        return "dalend"
    return "gelijk"


def phenomena_overview(
    session: Session, principal: Principal, catalogue: Catalogue, area_code: str | None, flt: Filter,
    exact: bool | None = None,
) -> list[PhenomenonFigure]:
    """Per phenomenon of the catalogue (in its order): signals, hits and the trend direction."""
    municipality = _municipality(principal)
    exact = exact_for(principal) if exact is None else exact
    extra_s, extra_h = _area_clauses(session, municipality, area_code)
    sig_rows = session.execute(
        select(Signal.phenomenon, func.count()).where(*_signals_where(municipality, catalogue, flt), *extra_s)
        .group_by(Signal.phenomenon)).all()
    hit_rows = session.execute(
        select(IndicatorHit.phenomenon, func.count()).where(*_hits_where(municipality, flt), *extra_h)
        .group_by(IndicatorHit.phenomenon)).all()
    sig = {r[0]: r[1] for r in sig_rows}
    hit = {r[0]: r[1] for r in hit_rows}
    # The direction: six whole months up to the filter's end.
    keys = _months_back(_end(flt), 6)
    first = date(*keys[0], 1)
    msig, mhit = _monthly(session, municipality, catalogue, Filter(flt.phenomenon), extra_s, extra_h,
                          first, _end(flt))
    recent_months = {_month_key(y, m) for y, m in keys[3:]}
    codes = list(catalogue.phenomena)
    sig_shown = suppress({c: sig.get(c, 0) for c in codes}, exact)
    hit_shown = suppress({c: hit.get(c, 0) for c in codes}, exact)
    out = []
    for c, p in catalogue.phenomena.items():
        if flt.phenomenon and c != flt.phenomenon:
            continue
        recent = before = 0
        for (m, pc), n in [*msig.items(), *mhit.items()]:
            if pc == c:
                if m in recent_months:
                    recent += n
                else:
                    before += n
        out.append(PhenomenonFigure(c, p.naam, sig.get(c, 0), hit.get(c, 0), sig_shown[c], hit_shown[c],
                                    _direction(recent, before, exact), recent, before))
    _log(session, principal, "fenomenen", area_code or municipality, flt)
    return out


# --- one area at a time ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaDetail:
    info: AreaInfo
    row: AreaRow | None  # the area's figures as on the map
    figures: AreaFigures  # the level it belongs to, with the municipal averages
    trend: list[MonthFigures]
    top: list[IndicatorFigure]
    overview: list[PhenomenonFigure]


def area_detail(session: Session, principal: Principal, catalogue: Catalogue, code: str, flt: Filter,
                months: int = 12, exact: bool | None = None) -> AreaDetail:
    """Everything about one wijk or buurt of the principal's municipality (NotFound otherwise)."""
    info = area(session, principal, code)
    level: Level = "buurt" if info.kind == "buurt" else "wijk"
    figures = area_figures(session, principal, catalogue, level, flt,
                           within=info.parent_code if level == "buurt" else None, exact=exact)
    return AreaDetail(info, figures.row(code), figures,
                      monthly_trend(session, principal, catalogue, code, flt, months, exact=exact),
                      top_indicators(session, principal, catalogue, code, flt, exact=exact),
                      phenomena_overview(session, principal, catalogue, code, flt, exact=exact))
