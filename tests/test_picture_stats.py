"""Area figures (picture.stats): suppression of small counts, what is counted, rates and ratios.
The database tests run on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from weerbaar.access.models import AccessLogEntry
from weerbaar.core.errors import Forbidden, NotFound
from weerbaar.core.models import Address, Area
from weerbaar.detect.models import IndicatorHit
from weerbaar.intake.models import Signal
from weerbaar.picture import stats

from .world import World

OUDE_HAVEN, MOLEN, CENTRUM = "BU99900101", "BU99900102", "WK999001"
NOORD, BOSRAND = "WK999002", "BU99900201"
_ids = itertools.count(1)


# --- suppression ----------------------------------------------------------------------------------


def test_shown_hides_one_to_four_unless_exact() -> None:
    assert [stats.shown(n, exact=False) for n in (0, 1, 4, 5, 17)] == [0, "<5", "<5", 5, 17]
    assert [stats.shown(n, exact=True) for n in (0, 1, 4, 5)] == [0, 1, 4, 5]


def test_one_small_cell_takes_the_next_smallest_with_it() -> None:
    assert stats.suppress({"a": 3, "b": 10, "c": 7, "d": 0}, exact=False) == {"a": "<5", "b": 10, "c": "x", "d": 0}
    # Two cells of 1 add up to 2: both would be known, so one more is hidden.
    assert stats.suppress({"a": 1, "b": 1, "c": 7, "d": 9}, exact=False) == {"a": "<5", "b": "<5", "c": "x", "d": 9}
    # 2 + 3 = 5 leaves 1..4 for either: nothing more to hide.
    assert stats.suppress({"a": 2, "b": 3, "c": 7}, exact=False) == {"a": "<5", "b": "<5", "c": 7}
    # 1 + 5 = 6 with "<5" and "x" would pin both down: a third cell goes too.
    assert stats.suppress({"a": 1, "b": 5, "c": 6, "d": 8}, exact=False) == {"a": "<5", "b": "x", "c": "x", "d": 8}
    assert stats.suppress({"a": 1, "b": 5}, exact=True) == {"a": 1, "b": 5}
    assert stats.suppress({"a": 3, "b": 10}, exact=False, total_shown=False) == {"a": "<5", "b": 10}


def test_rates_from_hidden_counts_are_hidden() -> None:
    assert stats.rate("<5", 100) is None and stats.rate("x", 100) is None
    assert stats.rate(7, 0) is None
    assert stats.rate(7, 200) == 35.0
    assert stats.ratio(None, 3.0) is None and stats.ratio(6.0, 0) is None
    assert stats.ratio(6.0, 3.0) == 2.0


def _solutions(cells: dict[str, stats.Shown], total: int) -> list[dict[str, int]]:
    """Every assignment of the hidden cells a reader could hold true: "<5" is 1..4, "x" 5 or more,
    all together the total (enumerated, independently of stats.determinable)."""
    hidden = [k for k, v in cells.items() if isinstance(v, str)]
    rest = total - sum(v for v in cells.values() if isinstance(v, int))
    out: list[dict[str, int]] = []

    def walk(i: int, left: int, chosen: dict[str, int]) -> None:
        if i == len(hidden):
            if left == 0:
                out.append(dict(chosen))
            return
        low, high = (1, 4) if cells[hidden[i]] == "<5" else (5, left)
        for v in range(low, min(high, left) + 1):
            chosen[hidden[i]] = v
            walk(i + 1, left - v, chosen)
        chosen.pop(hidden[i], None)

    walk(0, rest, {})
    return out


@settings(max_examples=400, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=14), min_size=1, max_size=6))
def test_no_hidden_cell_can_be_computed_back(values: list[int]) -> None:
    counts = {f"c{i}": v for i, v in enumerate(values)}
    cells = stats.suppress(counts, exact=False)
    total = sum(values)
    for k, v in cells.items():
        # Primary suppression exactly for 1..4; zeros and shown counts are the true counts.
        assert (v == "<5") == (1 <= counts[k] <= 4)
        if isinstance(v, int):
            assert v == counts[k]
        else:
            assert counts[k] >= 1
    solutions = _solutions(cells, total)
    assert {k: counts[k] for k in cells if isinstance(cells[k], str)} in solutions
    if all(isinstance(v, str) for k, v in cells.items() if counts[k] > 0):
        return  # nothing left to hide: a caller showing this total must hide it too
    for k, v in cells.items():
        if isinstance(v, str):
            assert len({s[k] for s in solutions}) >= 2, (counts, cells)


# --- counting in the database --------------------------------------------------------------------


def _address(s, buurt: str | None, wijk: str | None, municipality: str = "GM9990") -> None:  # type: ignore[no-untyped-def]
    n = next(_ids)
    s.add(Address(id=f"9990300{n:09d}", street="Teststraat", house_number=n, postcode="9991ZZ",
                  city="Lindeveen", municipality_code=municipality, district_code=wijk,
                  neighbourhood_code=buurt))


def _signal(s, world: World, buurt: str | None, wijk: str | None, *, municipality: str = "GM9990",  # type: ignore[no-untyped-def]
            confidentiality: str = "zaakvertrouwelijk", phenomenon: str = "hennepteelt",
            observed: date = date(2026, 10, 10), org: str = "woco") -> None:
    s.add(Signal(phenomenon=phenomenon, description="Testsignaal", observed_on=observed,
                 municipality_code=municipality, district_code=wijk, neighbourhood_code=buurt,
                 source_reliability="B", information_credibility="2", confidentiality=confidentiality,
                 organisation_id=world.orgs[org].id, channel="api"))


def _hit(s, buurt: str | None, *, municipality: str = "GM9990", code: str = "HT-01",  # type: ignore[no-untyped-def]
         phenomenon: str = "hennepteelt", when: date = date(2026, 10, 1)) -> None:
    s.add(IndicatorHit(run_id="run-1", municipality_code=municipality, code=code, phenomenon=phenomenon,
                       target_kind="adres", target_id=f"A{next(_ids)}", neighbourhood_code=buurt,
                       reference_date=when, weight=1.0))


@pytest.fixture
def picture_world(world: World) -> World:
    return populate(world)


def populate(world: World) -> World:
    """Lindeveen with a second wijk; 40, 60 and 100 addresses; signals and hits in each buurt,
    plus what must not count: a classified signal and a neighbouring municipality's."""
    with world.runtime.db.transaction() as s:
        s.add_all([Area(code=NOORD, kind="wijk", name="Noord", parent_code="GM9990"),
                   Area(code=BOSRAND, kind="buurt", name="Bosrand", parent_code=NOORD),
                   Area(code="GM9991", kind="gemeente", name="Zandhoven"),
                   Area(code="WK999101", kind="wijk", name="Dorp", parent_code="GM9991"),
                   Area(code="BU99910101", kind="buurt", name="Dorpskern", parent_code="WK999101")])
        for buurt, wijk, n in ((OUDE_HAVEN, CENTRUM, 39), (MOLEN, CENTRUM, 59), (BOSRAND, NOORD, 100)):
            for _ in range(n):
                _address(s, buurt, wijk)
        for _ in range(50):
            _address(s, "BU99910101", "WK999101", municipality="GM9991")
        for _ in range(12):
            _signal(s, world, OUDE_HAVEN, CENTRUM)
        for _ in range(2):
            _signal(s, world, MOLEN, CENTRUM, phenomenon="synthetische_drugs", observed=date(2026, 9, 3))
        for _ in range(8):
            _signal(s, world, BOSRAND, NOORD, confidentiality="vertrouwelijk", org="politie")
        _signal(s, world, None, None, org="netbeheer")  # no location: counts for the municipality
        # Not counted: classified (above 'vertrouwelijk') and another municipality's.
        _signal(s, world, OUDE_HAVEN, CENTRUM, confidentiality="confidentieel", org="politie")
        _signal(s, world, "BU99910101", "WK999101", municipality="GM9991", org="buurgemeente")
        for _ in range(6):
            _hit(s, OUDE_HAVEN)
        for _ in range(3):
            _hit(s, BOSRAND, code="SD-02", phenomenon="synthetische_drugs", when=date(2026, 8, 20))
        _hit(s, "BU99910101", municipality="GM9991")
    return world


def test_area_figures_count_what_the_rules_say(picture_world: World) -> None:
    w = picture_world
    with w.runtime.db.transaction() as s:
        f = stats.area_figures(s, w["analist"].principal, w.runtime.catalogue, "buurt", stats.Filter())
    assert f.exact is True
    got = {r.code: (r.addresses, r.signals, r.hits) for r in f.rows}
    assert got == {OUDE_HAVEN: (40, 12, 6), MOLEN: (60, 2, 0), BOSRAND: (100, 8, 3), stats.UNKNOWN: (0, 1, 0)}
    assert (f.addresses, f.signals, f.hits) == (200, 23, 9)
    # Per 1,000 addresses and the ratio to the municipal average, computed here independently.
    average = 23 * 1000 / 200
    oude = f.row(OUDE_HAVEN)
    assert oude is not None
    assert oude.signals_rate == pytest.approx(12 * 1000 / 40)
    assert oude.signals_ratio == pytest.approx(round((12 * 1000 / 40) / average, 2))
    assert oude.hits_rate == pytest.approx(6 * 1000 / 40)
    assert f.signals_rate == pytest.approx(average)
    assert [r.name for r in f.areas] == ["Oude Haven", "Molenkwartier", "Bosrand"]


def test_wijk_level_and_within(picture_world: World) -> None:
    w = picture_world
    with w.runtime.db.transaction() as s:
        wijken = stats.area_figures(s, w["analist"].principal, w.runtime.catalogue, "wijk", stats.Filter())
        centrum = stats.area_figures(s, w["analist"].principal, w.runtime.catalogue, "buurt", stats.Filter(),
                                     within=CENTRUM)
        with pytest.raises(NotFound):
            stats.area_figures(s, w["analist"].principal, w.runtime.catalogue, "buurt", stats.Filter(),
                               within="WK999101")
    assert {r.code: (r.addresses, r.signals, r.hits) for r in wijken.areas} == {CENTRUM: (100, 14, 6),
                                                                               NOORD: (100, 8, 3)}
    assert [r.code for r in centrum.rows] == [OUDE_HAVEN, MOLEN]


def test_partner_sees_small_counts_suppressed(picture_world: World) -> None:
    w = picture_world
    with w.runtime.db.transaction() as s:
        f = stats.area_figures(s, w["woco"].principal, w.runtime.catalogue, "buurt", stats.Filter())
    assert f.exact is False
    molen, oude = f.row(MOLEN), f.row(OUDE_HAVEN)
    assert molen is not None and oude is not None
    # Molenkwartier's 2 signals are "<5"; in the group of Centrum, Oude Haven's 12 goes with it.
    assert (molen.signals_shown, molen.signals_rate, molen.signals_ratio) == ("<5", None, None)
    assert oude.signals_shown == "x" and oude.signals_rate is None
    bosrand = f.row(BOSRAND)
    assert bosrand is not None and bosrand.hits_shown == "<5" and bosrand.signals_shown == 8
    assert f.signals_shown == 23


def test_filter_by_phenomenon_and_period(picture_world: World) -> None:
    w = picture_world
    cat = w.runtime.catalogue
    with w.runtime.db.transaction() as s:
        drugs = stats.area_figures(s, w["analist"].principal, cat, "buurt", stats.Filter("synthetische_drugs"))
        september = stats.area_figures(s, w["analist"].principal, cat, "buurt",
                                       stats.Filter(None, date(2026, 9, 1), date(2026, 9, 30)))
    assert (drugs.signals, drugs.hits) == (2, 3)
    assert (september.signals, september.hits) == (2, 0)


def test_trend_indicators_and_phenomena(picture_world: World) -> None:
    w = picture_world
    cat, analist = w.runtime.catalogue, w["analist"].principal
    flt = stats.Filter(end=date(2026, 10, 31))
    with w.runtime.db.transaction() as s:
        months = stats.monthly_trend(s, analist, cat, None, flt, months=4)
        buurt = stats.monthly_trend(s, analist, cat, OUDE_HAVEN, flt, months=4)
        top = stats.top_indicators(s, analist, cat, None, flt)
        overview = stats.phenomena_overview(s, analist, cat, None, flt)
        wijk_top = stats.top_indicators(s, analist, cat, NOORD, flt)
    assert [(m.month, m.signals, m.hits) for m in months] == [
        ("2026-07", 0, 0), ("2026-08", 0, 3), ("2026-09", 2, 0), ("2026-10", 21, 6)]
    assert months[3].by_phenomenon["hennepteelt"] == (21, 6)
    assert [(m.month, m.signals) for m in buurt][-1] == ("2026-10", 12)
    assert [(t.code, t.hits) for t in top] == [("HT-01", 6), ("SD-02", 3)]
    assert top[0].name == cat.indicators["HT-01"][1].tekst
    assert [(t.code, t.hits) for t in wijk_top] == [("SD-02", 3)]
    by_code = {p.code: p for p in overview}
    assert list(by_code) == list(cat.phenomena)
    assert (by_code["hennepteelt"].signals, by_code["hennepteelt"].hits) == (21, 6)
    assert by_code["hennepteelt"].direction == "stijgend"  # Aug-Oct 27 against May-Jul 0
    assert by_code["synthetische_drugs"].recent == 5


def test_access_and_logging(picture_world: World) -> None:
    w = picture_world
    with w.runtime.db.transaction() as s:
        for actor in ("privacy", "beheerder"):
            with pytest.raises(Forbidden):
                stats.area_figures(s, w[actor].principal, w.runtime.catalogue, "buurt", stats.Filter())
        with pytest.raises(NotFound):
            stats.monthly_trend(s, w["analist"].principal, w.runtime.catalogue, "BU99910101", stats.Filter())
        # Zandhoven's coordinator sees Zandhoven: one signal, one hit, neither of Lindeveen.
        f = stats.area_figures(s, w["buur_coordinator"].principal, w.runtime.catalogue, "buurt", stats.Filter())
        assert [(r.code, r.signals, r.hits) for r in f.rows] == [("BU99910101", 1, 1)]
        assert f.row("BU99910101") is not None and f.rows[0].signals_shown == "<5"
    with w.runtime.db.transaction() as s:
        entries = s.scalars(select(AccessLogEntry).where(AccessLogEntry.object_type == "beeld")).all()
    assert [e.object_id for e in entries] == ["GM9991"]
    assert entries[0].details is not None and entries[0].details["onderdeel"] == "gebiedscijfers per buurt"


# --- the catalogue's in_beeld flag ------------------------------------------------------------------


def test_catalogue_counts_up_to_vertrouwelijk(catalogue) -> None:  # type: ignore[no-untyped-def]
    assert catalogue.picture_levels == ("openbaar", "beperkt_openbaar", "intern", "zaakvertrouwelijk",
                                        "vertrouwelijk")


def test_in_beeld_must_be_a_rising_ladder_and_present(copy_of_catalogue) -> None:  # type: ignore[no-untyped-def]
    from weerbaar.core.catalogue import CatalogueError, load_catalogue

    path = copy_of_catalogue / "vertrouwelijkheid.yaml"
    text = path.read_text(encoding="utf-8")
    # Classified counted while a lower level is not; and one level without the flag.
    broken = text.replace("code: geheim\n    in_beeld: false", "code: geheim\n    in_beeld: true", 1)
    broken = broken.replace("code: openbaar\n    in_beeld: true\n", "code: openbaar\n", 1)
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(CatalogueError) as failed:
        load_catalogue(copy_of_catalogue)
    problems = failed.value.problems
    assert any("niveaus.0.in_beeld" in p and "ontbreekt" in p for p in problems), problems
    path.write_text(text.replace("code: geheim\n    in_beeld: false", "code: geheim\n    in_beeld: true", 1),
                    encoding="utf-8")
    with pytest.raises(CatalogueError) as failed:
        load_catalogue(copy_of_catalogue)
    assert any("in_beeld moet eerst 'true'" in p for p in failed.value.problems), failed.value.problems
