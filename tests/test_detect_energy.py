"""Energy indicators against their legitimate look-alikes: a grow room stands out, a heat pump,
an electric car and a big household do not; a meter bypass stands out, solar panels do not."""

from __future__ import annotations

from .detect_world import GAS, Town, analyse, hits, periods, scores, years_ago
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
