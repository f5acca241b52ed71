"""Barrier-model pages through the TestClient, on SQLite and PostgreSQL: the list, a model with its
history, the edit form that refuses bad input naming every problem beside the field and stores
nothing, saving and reverting a local version, the gap analysis page, and who gets the pages."""

from __future__ import annotations

import sqlalchemy as sa
import yaml
from fastapi.testclient import TestClient

from weerbaar.prevention.barriers_models import BarrierModelVersion

from .test_case_pages import error_beside, post
from .test_meeting_pages import switch
from .test_meetings import html_text
from .world import World


def _versions(world: World) -> int:
    with world.runtime.db.transaction() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(BarrierModelVersion)) or 0


def test_list_and_model_pages(app_client: TestClient, world: World) -> None:
    switch(app_client, world, "woco")
    r = app_client.get("/barrieremodellen")
    assert r.status_code == 200
    text = html_text(r.text)
    for name in ("Hennepteelt", "Synthetische drugs en drugsafval", "Mensenhandel en arbeidsuitbuiting",
                 "Vakantieparken", "Witwassen via vastgoed"):
        assert name in text
    r = app_client.get("/barrieremodellen/vakantieparken")
    text = html_text(r.text)
    assert r.status_code == 200 and "Het proces in 5 stappen" in text and "Een park kopen" in text
    assert "Lokaal aanpassen" not in text  # a partner reads, the coordinator edits
    assert app_client.get("/barrieremodellen/bestaat_niet").status_code == 404
    assert app_client.get("/barrieremodellen/vakantieparken/bewerken").status_code == 403
    switch(app_client, world, "privacy")
    assert app_client.get("/barrieremodellen").status_code == 403


def test_edit_form_refuses_bad_input_naming_every_problem(app_client: TestClient, world: World) -> None:
    csrf = switch(app_client, world, "coordinator")
    form = app_client.get("/barrieremodellen/hennepteelt/bewerken")
    assert form.status_code == 200 and "Lokale versie opslaan" in form.text
    data = world.runtime.catalogue.barrier_models["hennepteelt"].model_dump(mode="json")
    data["stappen"][0]["signalen"].append("HT-99")
    data["stappen"][1]["barrieres"][0]["instrumenten"] = ["toverstaf"]
    data["stappen"][2]["partners"].append("bakkerij")
    data["stappen"][4]["code"] = data["stappen"][3]["code"]
    r = post(app_client, "/barrieremodellen/hennepteelt/bewerken", csrf,
             inhoud=yaml.safe_dump(data, allow_unicode=True, sort_keys=False), reden="")
    assert r.status_code == 422
    beside = html_text(error_beside(r.text, "f-inhoud"))
    for words in ("onbekende indicator 'HT-99'", "onbekend instrument 'toverstaf'",
                  "onbekend organisatietype 'bakkerij'", "stapcode 'kweken' komt meer dan eens voor"):
        assert words in beside, beside
    assert "Geef de reden" in error_beside(r.text, "f-reden")
    assert "HT-99" in r.text  # the text is kept in the form
    data["stappen"][3]["barrieres"][0].pop("eigenaar")
    r = post(app_client, "/barrieremodellen/hennepteelt/bewerken", csrf,
             inhoud=yaml.safe_dump(data, allow_unicode=True, sort_keys=False), reden="Test")
    assert r.status_code == 422 and "stappen.3.barrieres.0.eigenaar" in error_beside(r.text, "f-inhoud")
    r = post(app_client, "/barrieremodellen/hennepteelt/bewerken", csrf, inhoud="stappen: [", reden="Test")
    assert r.status_code == 422 and "Geen geldige YAML" in error_beside(r.text, "f-inhoud")
    assert _versions(world) == 0


def test_save_history_and_revert(app_client: TestClient, world: World) -> None:
    csrf = switch(app_client, world, "coordinator")
    data = world.runtime.catalogue.barrier_models["vakantieparken"].model_dump(mode="json")
    data["stappen"][0]["naam"] = "Een park kopen aan de Heideweg"
    r = post(app_client, "/barrieremodellen/vakantieparken/bewerken", csrf,
             inhoud=yaml.safe_dump(data, allow_unicode=True, sort_keys=False), reden="Park De Heide verkocht")
    assert r.status_code == 303 and r.headers["location"] == "/barrieremodellen/vakantieparken?melding=opgeslagen"
    text = html_text(app_client.get(r.headers["location"]).text)
    assert "Een park kopen aan de Heideweg" in text and "Lokaal aangepast" in text
    assert "Park De Heide verkocht" in text and "Coordinator Tester" in text
    assert "Lokaal aangepast" in html_text(app_client.get("/barrieremodellen").text)
    r = post(app_client, "/barrieremodellen/vakantieparken/terugzetten", csrf, reden="Terug naar het CCV-model")
    assert r.status_code == 303
    text = html_text(app_client.get("/barrieremodellen/vakantieparken").text)
    assert "Een park kopen aan de Heideweg" not in text and "(terug naar de catalogusversie)" in text
    assert "Terug naar het CCV-model" in text and "Park De Heide verkocht" in text
    assert _versions(world) == 2
    switch(app_client, world, "analist")
    assert post(app_client, "/barrieremodellen/vakantieparken/terugzetten", csrf).status_code == 403


def test_gap_analysis_page(app_client: TestClient, world: World) -> None:
    switch(app_client, world, "coordinator")
    r = app_client.get("/barrieremodellen/hennepteelt/analyse")
    assert r.status_code == 200
    text = html_text(r.text)
    assert "Stappen zonder eigenaar aan tafel" in text and "Stap 'Oogsten en knippen' heeft geen barrière" in text
    assert "wb-barrier--geen" in r.text and "wb-barrier--sterk" in r.text
    assert "Barrières waarvan niemand aan tafel het instrument kan inzetten" in text
    r = app_client.get("/barrieremodellen/hennepteelt/analyse?kies=ja&partners=gemeente&partners=belastingdienst")
    text = html_text(r.text)
    assert r.status_code == 200 and "Fiscale controle en navordering bij onverklaarbaar vermogen" in text
    assert 'value="belastingdienst" checked' in r.text
    r = app_client.get("/barrieremodellen/hennepteelt/analyse?kies=ja&partners=bakkerij")
    assert r.status_code == 422
    assert "Onbekend organisatietype 'bakkerij'" in html_text(error_beside(r.text, "f-partners"))
    assert app_client.get("/barrieremodellen/bestaat_niet/analyse").status_code == 404
