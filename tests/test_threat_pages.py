"""The threats register pages through the TestClient, on SQLite and PostgreSQL: reporting a threat
with every error beside its field, the restricted register (the municipality's readers see all
of it, a reporter only its own reports, a colleague nothing), its filters, and who gets the pages
at all."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from weerbaar.cases.models import Threat
from weerbaar.core import clock

from .case_setup import make_case
from .test_case_pages import error_beside, post
from .test_meeting_pages import switch
from .test_meetings import html_text
from .world import World

ACCESS = "Het dreigingenregister is beperkt toegankelijk"
WOCO_TEXT = "Na de huisbezoeken stond de huurder twee avonden bij de woning van de opzichter."
ANALYST_TEXT = "Anonieme brief aan de wethouder met de vraag de sluiting terug te draaien."
POLICE_TEXT = "Wijkagent online met naam en woonadres genoemd in een groepschat."


def form(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"datum": (clock.today() - timedelta(days=3)).isoformat(), "doelwit": "partnermedewerker",
                            "naamDoelwit": "Opzichter Wim Kraaijenbrink", "soort": "intimidatie",
                            "omschrijving": WOCO_TEXT, "aangifteGedaan": "ja", "casus": ""}
    body.update(overrides)
    return body


def report(client: TestClient, csrf: str, **overrides: Any) -> None:
    r = post(client, "/dreigingen/nieuw", csrf, **form(**overrides))
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/dreigingen?melding=gemeld"


def test_reporting_with_every_error_beside_its_field(app_client: TestClient, world: World) -> None:
    shared = make_case(app_client, world, title="Hennepzolder Zwaluwstraat")
    hidden = make_case(app_client, world, title="Bedrijfspand Kraanvogelpad", partners=("politie",))
    csrf = switch(app_client, world, "woco")
    home = app_client.get("/").text
    assert 'href="/dreigingen"' in home and ">Dreigingen<" in home
    page = app_client.get("/dreigingen/nieuw")
    assert page.status_code == 200 and ACCESS in page.text
    assert f'value="{shared.case.id}"' in page.text and f'value="{hidden.case.id}"' not in page.text

    r = post(app_client, "/dreigingen/nieuw", csrf, datum="", doelwit="", soort="", omschrijving="kort",
             naamDoelwit="Wim")
    assert r.status_code == 422
    assert "Geef de datum van het voorval" in error_beside(r.text, "f-datum")
    assert "Kies wie werd bedreigd" in error_beside(r.text, "f-doelwit")
    assert "Kies de soort" in error_beside(r.text, "f-soort")
    assert "minstens 10 tekens" in error_beside(r.text, "f-omschrijving")
    assert "ja of nee" in error_beside(r.text, "f-aangifteGedaan")
    assert 'value="Wim"' in r.text  # what was typed stays
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    r = post(app_client, "/dreigingen/nieuw", csrf, **form(datum=tomorrow, doelwit="burgemeester",
                                                            aangifteGedaan="misschien", casus=hidden.case.id))
    assert r.status_code == 422
    assert "niet in de toekomst" in error_beside(r.text, "f-datum")
    assert "Kies uit ambtenaar" in error_beside(r.text, "f-doelwit")
    assert "Kies ja of nee." in error_beside(r.text, "f-aangifteGedaan")
    assert "Onbekende casus, of een casus die u niet mag zien." in error_beside(r.text, "f-casus")
    r = post(app_client, "/dreigingen/nieuw", csrf, **form(datum="gisteren"))
    assert r.status_code == 422 and "JJJJ-MM-DD" in error_beside(r.text, "f-datum")
    with world.runtime.db.session() as s:
        assert s.scalars(sa.select(Threat)).first() is None  # nothing stored

    report(app_client, csrf, casus=shared.case.id)
    page = app_client.get("/dreigingen?melding=gemeld").text
    assert "De melding is vastgelegd" in page and ACCESS in page
    assert "U ziet hier alleen de meldingen die u zelf heeft gedaan." in page
    text = html_text(page)
    assert WOCO_TEXT in text and "Opzichter Wim Kraaijenbrink" in text and "Medewerker van een ketenpartner" in text
    assert f'href="/casussen/{shared.case.id}"' in page and shared.case.number in page
    with world.runtime.db.session() as s:
        stored = s.scalars(sa.select(Threat)).one()
    assert (stored.case_id, stored.reported_to_police, stored.organisation_id) == (
        shared.case.id, True, world.orgs["woco"].id)


def test_the_register_hides_others_reports_from_a_partner(app_client: TestClient, world: World) -> None:
    csrf = switch(app_client, world, "woco")
    report(app_client, csrf, datum="2026-01-10")
    csrf = switch(app_client, world, "analist")
    report(app_client, csrf, datum="2026-02-20", doelwit="bestuurder", soort="bedreiging", naamDoelwit="",
           omschrijving=ANALYST_TEXT, aangifteGedaan="nee")
    csrf = switch(app_client, world, "politie")
    report(app_client, csrf, datum="2026-03-05", doelwit="handhaver", soort="doxing", omschrijving=POLICE_TEXT)

    def seen(actor: str, query: str = "") -> set[str]:
        switch(app_client, world, actor)
        r = app_client.get(f"/dreigingen{query}")
        assert r.status_code == 200, (actor, r.text)
        text = html_text(r.text)
        assert ACCESS in text
        return {t for t in (WOCO_TEXT, ANALYST_TEXT, POLICE_TEXT) if t in text}

    # The coordinator reads Lindeveen's register; each reporter only its own report.
    assert seen("coordinator") == {WOCO_TEXT, ANALYST_TEXT, POLICE_TEXT}
    assert seen("woco") == {WOCO_TEXT}
    assert seen("politie") == {POLICE_TEXT}
    assert seen("analist") == {ANALYST_TEXT}
    assert seen("woco2") == set()  # a colleague of the same partner: nothing
    assert seen("buur_coordinator") == set()  # another municipality's register
    # Filters: kind, target and period.
    assert seen("coordinator", "?soort=doxing") == {POLICE_TEXT}
    assert seen("coordinator", "?doelwit=bestuurder") == {ANALYST_TEXT}
    assert seen("coordinator", "?vanaf=2026-02-01&tot=2026-02-28") == {ANALYST_TEXT}
    assert seen("woco", "?soort=doxing") == set()  # filters never widen what one sees

    r = app_client.get("/dreigingen?soort=toveren&vanaf=gisteren&tot=2026-01-01")
    assert r.status_code == 422
    assert "Kies uit bedreiging" in error_beside(r.text, "f-soort")
    assert "JJJJ-MM-DD" in error_beside(r.text, "f-vanaf")
    assert WOCO_TEXT not in r.text
    r = app_client.get("/dreigingen?vanaf=2026-03-01&tot=2026-02-01")
    assert r.status_code == 422
    assert "ligt voor de datum 'vanaf'" in error_beside(r.text, "f-tot").replace("&#39;", "'")

    # Without either right: no menu item, no pages.
    for actor in ("beheerder", "privacy"):
        switch(app_client, world, actor)
        assert 'href="/dreigingen"' not in app_client.get("/").text, actor
        assert app_client.get("/dreigingen").status_code == 403, actor
        assert app_client.get("/dreigingen/nieuw").status_code == 403, actor
