"""The risk pages: ranked, self-explaining lists, the detail with "verklaard", and the published
indicator catalogue — on data imported as partner extracts and scored by the real analysis run."""

from __future__ import annotations

import csv
import html
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from weerbaar.access.models import AccessLogEntry
from weerbaar.core import clock
from weerbaar.detect.models import RiskExplanation
from weerbaar.detect.pipeline import run_analysis
from weerbaar.ingest.records import import_source
from weerbaar.web.risk_pages import dutch_number

from .test_web import csrf_of, login_as
from .world import World

CROWDED = "9990200000000011"  # 30 m², five adults: woonfraude (I-IN-01), strongest
SHARED = "9990200000000012"  # 40 m², four adults: woonfraude (I-IN-01), weaker
EMPTY = "9990200000000013"  # nobody registered: administratieve leegstand (I-LE-01), weakest
ROW = re.compile(r'id="vermelding-([^"]+)"')
SUM = re.compile(r"gewicht ([\d,]+) × sterkte ([\d,]+) × verval ([\d,]+) = <strong>bijdrage ([\d,]+)</strong>")


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _address(adres_id: str, street: str, number: int, postcode: str, buurt: str, m2: int) -> dict[str, Any]:
    return {"adres_id": adres_id, "straat": street, "huisnummer": number, "postcode": postcode,
            "woonplaats": "Lindeveen", "gemeentecode": "GM9990", "wijkcode": "WK999001", "buurtcode": buurt,
            "gebruiksdoel": "woonfunctie", "oppervlakte_m2": m2, "bouwjaar": 1972, "vakantiepark": ""}


def _resident(n: int, adres_id: str) -> dict[str, Any]:
    first = ["Anna", "Bram", "Cor", "Dirk", "Eva", "Fleur", "Gert", "Hanna", "Ivo"][n]
    return {"persoon_id": f"BRP-{n}", "bsn": "", "voornamen": first, "tussenvoegsel": "",
            "geslachtsnaam": f"Proefpersoon{n}", "geboortedatum": f"19{70 + n}-0{1 + n % 9}-1{n}",
            "geslacht": "", "adres_id": adres_id, "datum_inschrijving": "2020-01-01", "datum_uitschrijving": ""}


def populate(world: World, folder: Path) -> None:
    """Four partner extracts imported as the coordinator would, then `weerbaar analyseer`."""
    rt, coordinator = world.runtime, world["coordinator"].principal
    bought = (clock.today() - timedelta(days=30)).isoformat()
    extracts = {
        "adressen": [_address(CROWDED, "Havenstraat", 3, "9991AA", "BU99900101", 30),
                     _address(SHARED, "Molenweg", 14, "9991AB", "BU99900102", 40),
                     _address(EMPTY, "Molenweg", 16, "9991AB", "BU99900102", 80)],
        "personen": [_resident(n, CROWDED) for n in range(5)] + [_resident(n, SHARED) for n in range(5, 9)],
        "bedrijven": [{"kvk_nummer": "12345678", "vestigingsnummer": "", "handelsnaam": "Molenweg Software",
                       "rechtsvorm": "eenmanszaak", "sbi_code": "6201", "adres_id": SHARED,
                       "datum_inschrijving": "2019-05-01", "datum_uitschrijving": ""}],
        "transacties": [{"transactie_id": "KAD-1", "adres_id": EMPTY, "datum": bought, "koopsom": "400000",
                         "koper_type": "natuurlijk_persoon", "koper_voornamen": "Daan", "koper_tussenvoegsel": "",
                         "koper_geslachtsnaam": "Verhoef", "koper_geboortedatum": "2001-04-05",
                         "koper_kvk_nummer": "", "koper_naam": "", "hypotheek": "nee", "verkoper_naam": ""}],
    }
    for source, rows in extracts.items():
        import_source(rt, source, _write(folder / f"{source}.csv", rows), coordinator)
    with rt.db.transaction() as s:
        run_analysis(s, coordinator, rt.catalogue)


@pytest.fixture
def scored(world: World, tmp_path: Path) -> World:
    populate(world, tmp_path)
    return world


def ranked_ids(text: str) -> list[str]:
    return ROW.findall(text)


def explanations(world: World) -> list[tuple[str, str, str]]:
    with world.runtime.db.session() as s:
        return [(x.target_id, x.phenomenon, x.status) for x in s.scalars(select(RiskExplanation)
                                                                         .order_by(RiskExplanation.id))]


def test_coordinator_sees_ranked_explained_lists_and_filters_them(app_client, scored):
    """Addresses in score order, each explaining itself; the persons tab; the filters."""
    login_as(app_client, scored["coordinator"])
    with scored.runtime.db.session() as s:
        logged = s.scalar(select(func.count()).where(AccessLogEntry.object_type == "risicolijst"))
    r = app_client.get("/risico")
    assert r.status_code == 200
    ids = ranked_ids(r.text)
    assert ids.index(CROWDED) < ids.index(SHARED) < ids.index(EMPTY)
    text = html.unescape(r.text)
    # Each row explains itself: the indicator and the sentence with the data behind it.
    assert "Veel volwassenen ingeschreven op een kleine woning:" in text
    assert "5 volwassenen ingeschreven in het afgelopen jaar op 30 m²" in text
    assert "Woonfraude en adresfraude" in text and "Oude Haven" in text
    # Expanded: weight × strength × decay = contribution, and the evidence under the rule's labels.
    rule = scored.runtime.catalogue.rules["I-IN-01"]
    sums = SUM.findall(r.text)
    strength = min(rule.parameters["min_m2_per_volwassene"].waarde / 6, 3)  # 30 m² for five adults: 6 m² each
    expected = (f"{rule.gewicht:.1f}".replace(".", ","), f"{strength:.2f}".replace(".", ","))
    assert expected in [(w, st) for w, st, _, _ in sums], sums
    for weight, strength, decay, part in sums:
        product = float(weight.replace(",", ".")) * float(strength.replace(",", ".")) * float(decay.replace(",", "."))
        assert abs(product - float(part.replace(",", "."))) < 0.05, (weight, strength, decay, part)
    assert f"{rule.bewijs['m2_per_volwassene']}</th><td>6</td>" in text
    assert 'href="/indicatoren#I-IN-01"' in r.text
    assert "Laatste analyse:" in text and 'href="/indicatoren"' in r.text
    assert f'href="/risico/adres/{CROWDED}"' in r.text
    with scored.runtime.db.session() as s:
        assert s.scalar(select(func.count()).where(AccessLogEntry.object_type == "risicolijst")) == logged + 1
    check_persons_tab(app_client)
    check_filters(app_client)


def check_persons_tab(app_client) -> None:  # type: ignore[no-untyped-def]
    r = app_client.get("/risico?soort=subject")
    assert r.status_code == 200
    text = html.unescape(r.text)
    assert "Jonge koper betaalt een hoge koopsom zonder hypotheek" in text
    assert "zonder hypotheek (transactie KAD-1)" in text
    subject = re.search(r'href="/subjecten/(P-\d+)"', r.text)
    assert subject, "a person links to the subject card"
    assert CROWDED not in ranked_ids(r.text)
    detail = app_client.get(f"/risico/subject/{subject[1]}")
    assert detail.status_code == 200 and "Daan" in detail.text and "Witwassen via vastgoed" in detail.text
    assert app_client.get("/risico/subject/X-1").status_code == 404


def check_filters(app_client) -> None:  # type: ignore[no-untyped-def]
    woonfraude = ranked_ids(app_client.get("/risico?soort=adres&fenomeen=woonfraude").text)
    assert woonfraude == [CROWDED, SHARED]
    molenkwartier = ranked_ids(app_client.get("/risico?buurt=BU99900102").text)
    assert SHARED in molenkwartier and EMPTY in molenkwartier and CROWDED not in molenkwartier
    both = app_client.get("/risico?fenomeen=hennepteelt&buurt=BU99900102")
    assert EMPTY in ranked_ids(both.text) and SHARED not in ranked_ids(both.text)
    assert 'value="BU99900102" selected' in both.text  # the form keeps its values
    wrong = app_client.get("/risico?fenomeen=onzin&van=2026-13-01")
    assert wrong.status_code == 422
    assert "Onbekend fenomeen" in wrong.text and "Ongeldige datum" in wrong.text
    assert app_client.get("/risico?buurt=BU99910101").status_code == 422  # not a buurt of ours


def test_who_may_read_and_who_may_explain(app_client, scored):
    """Partner: refused. Analyst: reads, cannot explain. Without CSRF: refused. Another
    municipality's coordinator: sees nothing of ours."""
    login_as(app_client, scored["woco"])
    assert app_client.get("/risico").status_code == 403
    assert app_client.get(f"/risico/adres/{CROWDED}").status_code == 403
    assert 'href="/risico"' not in app_client.get("/").text
    assert app_client.get("/indicatoren").status_code == 200  # the catalogue is public to every user

    app_client.cookies.clear()
    check_analyst(app_client, scored)
    app_client.cookies.clear()
    check_csrf(app_client, scored)
    app_client.cookies.clear()
    csrf = login_as(app_client, scored["buur_coordinator"])
    r = app_client.get("/risico")
    assert r.status_code == 200 and ranked_ids(r.text) == [] and "Geen adressen met een score" in r.text
    assert app_client.get(f"/risico/adres/{CROWDED}").status_code == 404
    posted = app_client.post(f"/risico/adres/{CROWDED}/verklaren",
                             data={"csrf": csrf, "fenomeen": "woonfraude", "reden": "Niet van ons."})
    assert posted.status_code == 404
    assert explanations(scored) == []


def test_explain_needs_a_reason_then_moves_the_entry_down_and_can_be_withdrawn(app_client, scored):
    csrf = login_as(app_client, scored["coordinator"])
    path = f"/risico/adres/{CROWDED}"
    page = app_client.get(path)
    assert page.status_code == 200 and "Markeren als verklaard" in page.text
    assert "Deze vermelding is nog niet verklaard." in page.text

    missing = app_client.post(f"{path}/verklaren", data={"csrf": csrf, "fenomeen": "woonfraude", "reden": "  "})
    assert missing.status_code == 422
    assert "Geef de reden: waarom is deze vermelding verklaard?" in missing.text
    assert 'id="f-reden"' in missing.text and 'aria-invalid="true"' in missing.text
    assert explanations(scored) == []

    reason = "Groot gezin met volwassen kinderen; bekend bij het wijkteam."
    done = app_client.post(f"{path}/verklaren", data={"csrf": csrf, "fenomeen": "woonfraude", "reden": reason},
                           follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"{path}?melding=verklaard"
    shown = app_client.get(done.headers["location"])
    assert "Vastgelegd: de vermelding is verklaard" in shown.text
    assert reason in shown.text and scored["coordinator"].user.name in shown.text and "Verklaard" in shown.text
    assert explanations(scored) == [(CROWDED, "woonfraude", "verklaard")]

    ids = ranked_ids(app_client.get("/risico").text)
    assert ids[-1] == CROWDED and ids.index(SHARED) < ids.index(CROWDED)
    hidden = app_client.get("/risico?verklaard=nee")  # the form's hidden "nee" without the checkbox
    assert CROWDED not in ranked_ids(hidden.text) and SHARED in ranked_ids(hidden.text)

    back = app_client.post(f"{path}/intrekken", data={"csrf": csrf, "intrekken_fenomeen": "woonfraude",
                                                      "intrekken_reden": ""})
    assert back.status_code == 422 and "Geef de reden" in back.text and 'id="f-intrekken-reden-fout"' in back.text
    back = app_client.post(f"{path}/intrekken", data={"csrf": csrf, "intrekken_fenomeen": "woonfraude",
                                                      "intrekken_reden": "Toch nader onderzoeken."})
    assert back.status_code == 200 and "de verklaring is ingetrokken" in back.text  # followed the 303
    assert explanations(scored)[-1] == (CROWDED, "woonfraude", "ingetrokken")
    assert ranked_ids(app_client.get("/risico").text)[0] == CROWDED


def check_analyst(app_client, scored: World) -> None:  # type: ignore[no-untyped-def]
    csrf = login_as(app_client, scored["analist"])
    page = app_client.get(f"/risico/adres/{CROWDED}")
    assert page.status_code == 200 and "Markeren als verklaard" not in page.text
    assert "Alleen de coördinator" in page.text
    r = app_client.post(f"/risico/adres/{CROWDED}/verklaren",
                        data={"csrf": csrf, "fenomeen": "woonfraude", "reden": "Ik wil dit verklaren."})
    assert r.status_code == 403
    assert explanations(scored) == []


def test_indicator_catalogue_lists_every_rule_and_the_scoring(app_client, world, catalogue):
    login_as(app_client, world["woco"])
    r = app_client.get("/indicatoren")
    assert r.status_code == 200
    text = html.unescape(r.text)
    assert catalogue.rules, "the catalogue ships indicators"
    for code, rule in catalogue.rules.items():
        assert f'id="{code}"' in r.text, code
        assert rule.naam in text and rule.toelichting in text
        for name, parameter in rule.parameters.items():
            assert name in text and parameter.reden in text
    settings = catalogue.detection
    assert f"na {settings.halfwaardetijd_dagen} dagen telt een bijdrage nog half zo zwaar" in text
    assert f"op tot {dutch_number(settings.automatisch_signaal_drempel)} of meer" in text
    assert "<pre class=\"wb-sql\"><code>WITH" in r.text or "<pre class=\"wb-sql\"><code>SELECT" in r.text


def check_csrf(app_client, scored: World) -> None:  # type: ignore[no-untyped-def]
    login_as(app_client, scored["coordinator"])
    r = app_client.post(f"/risico/adres/{CROWDED}/verklaren", data={"fenomeen": "woonfraude", "reden": "Reden."})
    assert r.status_code == 403 and "CSRF" in r.text
    assert explanations(scored) == []
    assert csrf_of(app_client.get(f"/risico/adres/{CROWDED}").text)


def test_dutch_numbers() -> None:
    assert [dutch_number(v) for v in (38.8, 6.0, 15718, 123456, 1965, 0.894, None, "tekst")] == [
        "38,8", "6", "15.718", "123.456", "1965", "0,89", "–", "tekst"]
