"""The demo municipality Lindeveen: plausible, complete, lawful to look at, and deterministic."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select
from stdnum.nl import bsn as stdnum_bsn

from weerbaar.access import auth
from weerbaar.access.principal import Principal
from weerbaar.cases.models import Case, PreCase
from weerbaar.cases.service import case_view
from weerbaar.core.config import Settings
from weerbaar.core.db import Database
from weerbaar.core.models import Address, Area, Organisation, Setting, User
from weerbaar.core.runtime import Runtime
from weerbaar.demo import build_demo
from weerbaar.intake.models import Signal, SignalParty, SignalShare, SignalStatus
from weerbaar.intake.queries import Filters, list_signals


def inside(ring: list[list[float]], lon: float, lat: float) -> bool:
    """Ray casting, written here independently of the generator's own geometry code."""
    hit = False
    for i in range(len(ring) - 1):
        (x1, y1), (x2, y2) = ring[i], ring[i + 1]
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def test_demo_municipality_is_complete_and_spread(runtime):
    summary = build_demo(runtime, seed=2026, partner_extracts=False)
    with runtime.db.session() as s:
        assert s.get(Setting, "gemeentecode").value == "GM9990"
        areas = s.scalars(select(Area)).all()
        kinds = Counter(a.kind for a in areas)
        assert kinds["gemeente"] == 1 and kinds["wijk"] == 4 and 12 <= kinds["buurt"] <= 16
        buurten = {a.code: a for a in areas if a.kind == "buurt"}
        assert all(code.startswith("BU9990") for code in buurten)
        assert all(a.geometry and a.geometry["type"] == "Polygon" for a in areas)

        addresses = s.scalars(select(Address)).all()
        assert 2500 <= len(addresses) == summary.addresses <= 3500
        for a in addresses:
            assert a.id.startswith("999020") and len(a.id) == 16, a.id
            assert "9990" <= a.postcode[:4] <= "9999" and a.postcode[4:].isalpha()
            assert inside(buurten[a.neighbourhood_code].geometry["coordinates"][0], a.lon, a.lat), a.label()
            assert a.district_code == buurten[a.neighbourhood_code].parent_code
        keys = Counter((a.postcode, a.house_number, a.house_letter, a.addition) for a in addresses)
        assert keys.most_common(1)[0][1] == 1, "een postcode met huisnummer moet één adres aanwijzen"
        uses = Counter(a.use for a in addresses)
        assert uses.most_common(1)[0][0] == "woonfunctie"
        assert {"winkelfunctie", "industriefunctie", "logiesfunctie"} <= set(uses)
        assert any(a.holiday_park == "Vakantiepark De Wildwal" for a in addresses)

        orgs = s.scalars(select(Organisation)).all()
        assert len(orgs) == summary.organisations == 8
        assert {o.municipality_code for o in orgs} == {"GM9990"}
        assert all(o.contact_name for o in orgs)

        signals = s.scalars(select(Signal)).all()
        assert 300 <= len(signals) == summary.signals <= 400
        phenomena = Counter(sig.phenomenon for sig in signals)
        assert set(phenomena) == set(runtime.catalogue.phenomena)
        top = {code for code, _ in phenomena.most_common(3)}
        assert "hennepteelt" in top and "woonfraude" in top
        assert {sig.neighbourhood_code for sig in signals if sig.neighbourhood_code} == set(buurten)
        observed_months = {(sig.observed_on.year, sig.observed_on.month) for sig in signals}
        registered_months = {(sig.registered_at.year, sig.registered_at.month) for sig in signals}
        assert len(observed_months) >= 12 and len(registered_months) >= 12
        assert all(sig.registered_at.date() >= sig.observed_on for sig in signals)
        rows: dict[str, list[SignalStatus]] = {}
        for row in s.scalars(select(SignalStatus).order_by(SignalStatus.id)):
            rows.setdefault(row.signal_id, []).append(row)
        assert all(rows[sig.id][0].at == sig.registered_at and rows[sig.id][0].status == "nieuw" for sig in signals)
        # The intake team's work so far, through the lifecycle: every status of the flow occurs,
        # each step later than the one before, none in the future.
        assert all([r.at for r in rows[sig.id]] == sorted(r.at for r in rows[sig.id]) for sig in signals)
        current = Counter(rows[sig.id][-1].status for sig in signals)
        assert set(current) == {st.code for st in runtime.catalogue.signal_flow.statussen}
        assert current["nieuw"] >= 0.1 * len(signals), "a backlog waits for the intake team"
        weighed = [r for sig in signals for r in rows[sig.id] if r.transition == "wegen"]
        assert weighed and all(set(r.details["weging"]) == {"ernst", "concreetheid", "relevantie", "uitkomst"}
                               for r in weighed)

        for sig in signals:
            codes = [i.code for i in sig.indicators]
            assert 1 <= len(codes) <= 4
            card = {i.code for i in runtime.catalogue.phenomena[sig.phenomenon].signaalkaart}
            assert set(codes) <= card
            assert sig.address_id or sig.location_note
        descriptions = [sig.description for sig in signals]
        assert len(set(descriptions)) == len(descriptions), "geen twee omschrijvingen zijn gelijk"
        shielded = sum(sig.reporter_shielded for sig in signals)
        assert 0.08 * len(signals) <= shielded <= 0.25 * len(signals)
        assert any(sig.channel == "api" for sig in signals) and any(sig.channel == "formulier" for sig in signals)

        parties = s.scalars(select(SignalParty)).all()
        bsns = [p.bsn for p in parties if p.bsn]
        assert bsns and sorted(bsns) == sorted(summary.bsns)
        assert all(stdnum_bsn.is_valid(b) for b in bsns)
        assert all(b.startswith("99999") for b in bsns), "alleen BSN's uit de testreeks van de RvIG"
        assert {p.kind for p in parties} == {"persoon", "bedrijf", "voertuig"}
        assert all(len(p.kvk_number) == 8 for p in parties if p.kvk_number)

        shares = s.scalars(select(SignalShare)).all()
        assert len(shares) == summary.shares
        assert 0.05 * len(signals) <= len(shares) <= 0.16 * len(signals)

        # The case table: cases from signals the intake team passed on, with partners, shares,
        # decisions and actions (some overdue), and closed ones with a result and follow-up date.
        cases = s.scalars(select(Case)).all()
        assert 3 <= len(cases) == summary.cases
        coordinator = Principal.of(s.scalars(select(User).where(User.role == "coordinator")).one(),
                                   runtime.catalogue, channel="web")
        views = [case_view(s, coordinator, runtime.catalogue, c.id, log=False) for c in cases]
        assert all(v.signals and len(v.participants) >= 2 and v.shares for v in views)
        assert all(v.case.created_at > max(sig.signal.registered_at for sig in v.signals) for v in views)
        statuses = Counter(v.status for v in views)
        assert statuses["uitvoering"] >= 1 and statuses["afgesloten"] >= 1, statuses
        assert all(v.closing and v.closing.details["resultaat"] and v.follow_up_on for v in views
                   if v.status == "afgesloten")
        assert any(a.overdue for v in views for a in v.actions), "the steering group has something to escalate"


def test_demo_users_log_in_and_see_what_they_may(runtime):
    summary = build_demo(runtime, seed=2026, partner_extracts=False)
    roles = {u.role for u in summary.users}
    assert {"beheerder", "coordinator", "analist", "partner", "privacy"} <= roles
    catalogue = runtime.catalogue
    with runtime.db.transaction() as s:
        for printed in summary.users:
            user = auth.check_password(s, runtime.settings, printed.email, printed.password)
            assert (user.role, user.organisation.name) == (printed.role, printed.organisation)
        partner_types = {u.organisation.type for u in s.scalars(select(User)) if u.role == "partner"}
        assert {"woningcorporatie", "netbeheerder", "politie", "omgevingsdienst"} <= partner_types

        all_ids = set(s.scalars(select(Signal.id)))
        coordinator = s.scalars(select(User).where(User.email == "coordinator@lindeveen.demo")).one()
        page = list_signals(s, Principal.of(coordinator, catalogue, "web"), catalogue, Filters(), size=1000)
        assert page.total == len(all_ids) and {r.signal.id for r in page.items} == all_ids

        shares = s.scalars(select(SignalShare)).all()
        received = Counter(sh.organisation_id for sh in shares)
        partners = [u for u in s.scalars(select(User)) if u.role == "partner" and u.organisation_id in received]
        assert partners, "minstens één partner heeft een gedeeld signaal ontvangen"
        for user in partners:
            own = set(s.scalars(select(Signal.id).where(Signal.organisation_id == user.organisation_id)))
            shared = {sh.signal_id for sh in shares if sh.organisation_id == user.organisation_id}
            page = list_signals(s, Principal.of(user, catalogue, "web"), catalogue, Filters(), size=1000)
            seen = {r.signal.id for r in page.items}
            assert seen == own | shared and page.total == len(seen)
            assert shared - own and seen < all_ids

        for role in ("beheerder", "privacy"):
            user = s.scalars(select(User).where(User.role == role)).one()
            assert list_signals(s, Principal.of(user, catalogue, "web"), catalogue, Filters()).total == 0


def test_same_seed_gives_the_same_municipality(runtime, sqlite_template: Path, tmp_path: Path):
    """Determinism across backends: a second build on SQLite matches the first, row for row."""
    other_path = tmp_path / "tweede.db"
    shutil.copy(sqlite_template, other_path)
    other = Runtime(Settings.from_env(database_url=f"sqlite:///{other_path}", data_dir=tmp_path),
                    Database(f"sqlite:///{other_path}"), runtime.catalogue)
    build_demo(runtime, seed=11, partner_extracts=False)
    build_demo(other, seed=11, partner_extracts=False)

    def fingerprint(rt: Runtime) -> tuple[list[tuple], list[tuple]]:
        with rt.db.session() as s:
            addresses = [(a.id, a.street, a.house_number, a.postcode, a.use, a.lat, a.lon)
                         for a in s.scalars(select(Address).order_by(Address.id))]
            signals = sorted((sig.description, sig.observed_on, sig.address_id, sig.phenomenon)
                             for sig in s.scalars(select(Signal)))
        return addresses, signals

    assert fingerprint(runtime) == fingerprint(other)
    other.db.engine.dispose()


def test_demo_extracts_import_and_link_against_the_answer_key(runtime):
    """`make demo` imports the generated partner extracts and links them; the person links
    are checked pairwise against the generator's answer key."""
    from itertools import combinations

    from weerbaar.cli.exporteer import subject_rows

    summary = build_demo(runtime, seed=2026)
    assert set(summary.imports) == {"adressen", "personen", "bedrijven", "functionarissen", "energie",
                                    "transacties", "huurcontracten", "signalen"}
    for source, counts in summary.imports.items():
        assert counts["in_quarantaine"] >= 1, f"{source}: the deliberately broken rows must be quarantined"
        assert counts["geaccepteerd"] > 0
    with runtime.db.session() as s:
        coordinator = s.scalars(select(User).where(User.email == "coordinator@lindeveen.demo")).one()
        principal = Principal.of(coordinator, runtime.catalogue, channel="cli")
        linked = {(bron, key): subject for bron, key, subject in subject_rows(s, principal)}
        # Once linked, the intake team recorded privacy check 1 on its open cases and pre-cases:
        # those cases show their subjects by name; pre-cases were bundled from shared subjects.
        assert summary.privacy_checks >= 3
        open_views = [v for v in (case_view(s, principal, runtime.catalogue, c.id, log=False)
                                  for c in s.scalars(select(Case))) if v.status != "afgesloten"]
        assert any(v.subjects for v in open_views)
        assert all(name for v in open_views for name in v.subject_names.values())
        assert s.scalar(select(func.count()).select_from(PreCase)) >= 1
    truth = {(bron, key): person for bron, keys in summary.truth.items() for key, person in keys.items()}
    assert set(truth) <= set(linked), "every valid person record is exported with its subject"

    def pairs(assignment: dict) -> set:
        groups: dict = {}
        for mention, group in assignment.items():
            groups.setdefault(group, []).append(mention)
        return {tuple(sorted(p)) for members in groups.values() for p in combinations(sorted(members), 2)}

    predicted = pairs({k: linked[k] for k in truth})
    actual = pairs(truth)
    precision = len(predicted & actual) / len(predicted)
    recall = len(predicted & actual) / len(actual)
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.95, f"demo linking: precision {precision:.3f}, recall {recall:.3f}, F1 {f1:.3f}"
