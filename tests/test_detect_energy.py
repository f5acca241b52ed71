"""Energy indicators against their legitimate look-alikes: a grow room stands out, a heat pump,
an electric car and a big household do not; a meter bypass stands out, solar panels do not."""

from __future__ import annotations

import math
from typing import Any

from .detect_world import GAS, Town, address_row, analyse, energy_rows, hits, periods, rule_hits, scores, years_ago
from .world import World

GROW, EV, HEATPUMP, FAMILY, BYPASS, SOLAR, EMPTY_LIT = (f"99902000001000{i:02d}" for i in range(7))
SUMMER = {4, 5, 6, 7, 8, 9}


def town(tmp_path) -> Town:  # type: ignore[no-untyped-def]
    t = Town(tmp_path / "bronnen")
    for i in range(10):  # ordinary two-person homes: the peers
        a = t.address(f"99902000002000{i:02d}")
        t.household(f"n{i}-", a, 2)
        t.typical_energy(a, 240 + 5 * i)
    t.address(GROW)
    t.household("g-", GROW, 2)
    t.energy(GROW, [250] * 6 + [250 + 2400] * 6, [GAS[m.month - 1] for m in periods()])
    t.address(EV)
    t.household("e-", EV, 2)
    t.energy(EV, [250] * 4 + [250 + 300] * 8, [GAS[m.month - 1] for m in periods()])
    t.address(HEATPUMP)
    t.household("w-", HEATPUMP, 2)
    t.energy(HEATPUMP, [250] * 5 + [250 + (650 if m.month in (11, 12, 1, 2, 3) else 150) for m in periods()[5:]],
             [GAS[m.month - 1] for m in periods()[:5]] + [0] * 7)
    t.address(FAMILY, m2=190)
    t.household("f-", FAMILY, 7)
    t.typical_energy(FAMILY, 560)
    t.address(BYPASS)
    t.household("b-", BYPASS, 4)
    t.energy(BYPASS, [45] * 12, [GAS[m.month - 1] for m in periods()])
    t.address(SOLAR)
    t.household("s-", SOLAR, 3)
    t.energy(SOLAR, [20 if m.month in SUMMER else 300 for m in periods()], [GAS[m.month - 1] for m in periods()])
    t.address(EMPTY_LIT)  # nobody registered, yet a household's use
    t.typical_energy(EMPTY_LIT, 220)
    shop = t.address("9990200000300001", use="winkelfunctie", m2=120, street="Markt")
    t.company("12345678", "Bakkerij Markt", "1071", shop, years_ago(8))
    t.energy(shop, [700] * 12)
    return t


def test_grow_room_stands_out_and_look_alikes_do_not(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    town(tmp_path).load(world)
    analyse(world)
    high, step = hits(world, "I-EN-01"), hits(world, "I-EN-02")
    assert GROW in high and GROW in step
    for decoy in (EV, HEATPUMP, FAMILY, SOLAR, BYPASS):
        assert decoy not in high and decoy not in step, decoy
    assert "2.650 kWh per maand" in step[GROW].explanation and "250 kWh" in step[GROW].explanation
    assert step[GROW].evidence["maanden"] == 6
    ranked = [s.target_id for s in scores(world, "hennepteelt")]
    assert ranked[0] == GROW


def test_meter_bypass_stands_out_and_solar_panels_do_not(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    town(tmp_path).load(world)
    analyse(world)
    low = hits(world, "I-EN-03")
    assert set(low) == {BYPASS}
    assert low[BYPASS].evidence["bewoners"] == 4
    vacant_use = hits(world, "I-EN-04")
    assert set(vacant_use) == {EMPTY_LIT}
    assert "2.640 kWh per jaar" in vacant_use[EMPTY_LIT].explanation


def test_score_is_the_sum_of_its_components(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    town(tmp_path).load(world)
    analyse(world)
    for s in scores(world):
        assert abs(s.score - sum(c["bijdrage"] for c in s.components)) < 0.01
        for c in s.components:
            assert abs(c["bijdrage"] - c["gewicht"] * c["sterkte"] * c["verval"]) < 0.01
            assert c["uitleg"]


def test_years_helper_is_sane() -> None:
    assert 39 <= (periods()[-1] - years_ago(40)).days // 365 <= 40


def test_a_bypass_from_a_month_on_stands_out_solar_panels_do_not(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A meter bypassed from some month on measures a flat, small share; solar panels have a
    season: near nothing in summer, more in spring and autumn."""
    t = Town(tmp_path / "bronnen")
    for i in range(6):
        a = t.address(f"99902000002000{i:02d}")
        t.household(f"n{i}-", a, 2)
        t.typical_energy(a, 240)
    late = "9990200000400001"
    t.address(late)
    t.household("l-", late, 3)
    t.energy(late, [300] * 7 + [45, 50, 42, 48, 44])  # from five months ago on
    shares = [2.5, 4.5, 8.0, 11.5, 13.5, 13.5, 13.5, 11.5, 9.0, 6.0, 4.0, 2.5]  # solar yield per calendar month
    for n, size in enumerate((0.7, 1.0, 1.3)):  # small, matching and large installations
        solar = f"99902000004001{n:02d}"
        t.address(solar)
        t.household(f"z{n}-", solar, 3)
        t.energy(solar, [max(0.0, 260 - size * 3120 * shares[m.month - 1] / 100) for m in periods()])
    shop = t.address("9990200000300001", use="winkelfunctie", m2=120, street="Markt")
    t.company("12345678", "Bakkerij Markt", "1071", shop, years_ago(8))
    t.load(world)
    analyse(world)
    low = hits(world, "I-EN-03")
    assert set(low) == {late}, {k: v.explanation for k, v in low.items()}
    assert "sinds" in low[late].explanation and low[late].evidence["maanden"] == 5


def season(month: int) -> float:
    """Use of a building through the year: a fifth more in January, a fifth less in July."""
    return 1 + 0.2 * math.cos(2 * math.pi * (month - 1) / 12)


WIGGLE = [1.03, 0.97, 1.02, 0.98, 1.04, 0.96, 1.01, 0.99, 1.03, 0.97, 1.02, 0.98]  # ordinary month-to-month noise


def test_grow_room_in_a_large_building_stands_out_against_its_own_season_and_its_peers() -> None:
    """In a shed that uses thousands of kWh a month itself, a grow room is a fraction extra: its
    start is seen once the season is taken out (I-EN-02), a room that ran all year by the excess
    over comparable sheds in kWh (I-EN-01). Sheds that differ a third from each other, or grow a
    little, are not a grow room."""
    months = [m.month for m in periods()]
    rows: dict[str, list[dict[str, Any]]] = {"adressen": [], "energie": []}

    def shed(adres_id: str, m2: int, per_m2: float, extra: list[float]) -> None:
        rows["adressen"].append(address_row(adres_id, "industriefunctie", m2))
        base = m2 * per_m2 / 12
        rows["energie"] += energy_rows(adres_id, [base * season(m) * w + e for m, w, e in zip(
            months, WIGGLE, extra, strict=True)], [100.0] * 12)

    for i in range(10):  # ordinary sheds, 0.75 to 1.25 times the usual use per m²
        shed(f"99902000005000{i:02d}", 1000, 45 * (0.75 + 0.05 * i), [0.0] * 12)
    started, all_year, bigger, busier = (f"99902000005001{i:02d}" for i in range(4))
    shed(started, 1000, 45, [0.0] * 6 + [1800.0] * 6)  # a room of about eight lamps, six months ago
    shed(all_year, 900, 45, [3600.0] * 12)  # a room running since before the window
    shed(bigger, 3000, 45 * 1.45, [0.0] * 12)  # a heavy user, well within one and a half times
    shed(busier, 1000, 45, [0.0] * 6 + [450.0] * 6)  # a new machine: a tenth more
    step, high = rule_hits("I-EN-02", rows), rule_hits("I-EN-01", rows)
    assert started in step and all_year in high, (step, high)
    assert step[started].day == periods()[-1]  # the jump is still there: current evidence
    assert step[started].evidence["maand"] == periods()[6].strftime("%m-%Y")
    loud = {a for a in (set(step) | set(high)) if a not in (started, all_year)}
    assert not loud, {a: (step.get(a) or high[a]).explanation for a in loud}


def test_a_bypass_outranks_solar_panels_installed_during_the_year() -> None:
    """Both measure little from the same month on. A bypassed meter measures the same share of
    the household's use month after month; net use with new solar panels jumps with the weather.
    The bypass weighs more, and its evidence is as recent as the last month."""
    rows: dict[str, list[dict[str, Any]]] = {"adressen": [], "energie": [], "inschrijvingen": []}
    for n, (adres_id, after) in enumerate((("9990200000600001", [55, 58, 52, 50, 54, 57, 53]),
                                           ("9990200000600002", [6, 22, 9, 25, 5, 18, 8]))):
        rows["adressen"].append(address_row(adres_id))
        rows["energie"] += energy_rows(adres_id, [280.0] * 5 + [float(k) for k in after])
        rows["inschrijvingen"] += [{"persoon": f"P-60{n}{i}", "adres_id": adres_id, "geboortedatum": years_ago(40),
                                    "datum_inschrijving": years_ago(6), "datum_uitschrijving": None} for i in range(3)]
    low = rule_hits("I-EN-03", rows)
    bypass, solar = "9990200000600001", "9990200000600002"
    assert bypass in low
    assert low[bypass].day == periods()[-1]
    assert low[bypass].strength > (low[solar].strength if solar in low else 0) + 0.5


def test_use_of_an_empty_dwelling_counts_a_shop_below_it_does_not() -> None:
    """I-EN-04 is about living unregistered: in a building that is also a shop, the shop's part
    explains the use, even when its company is registered elsewhere."""
    home, shop_home = "9990200000700001", "9990200000700002"
    rows: dict[str, list[dict[str, Any]]] = {
        "adressen": [address_row(home), address_row(shop_home, "woonfunctie|winkelfunctie", 300)],
        "energie": energy_rows(home, [220.0] * 12) + energy_rows(shop_home, [900.0] * 12),
    }
    used = rule_hits("I-EN-04", rows)
    assert set(used) == {home}, {k: v.explanation for k, v in used.items()}
