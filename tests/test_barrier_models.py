"""Barrier models: the shipped ones validate, planted errors are each named in Dutch; the effective
model per municipality (catalogue overlaid by a local version); the gap analysis; the API."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from weerbaar.core.catalogue import CatalogueError, load_catalogue
from weerbaar.core.config import PACKAGE_DIR

SHIPPED = PACKAGE_DIR / "catalogus"


# --------------------------------------------------------------------------------------------
# The catalogue files
# --------------------------------------------------------------------------------------------
def test_shipped_barrier_models_validate() -> None:
    cat = load_catalogue(SHIPPED)
    assert {"hennepteelt", "synthetische_drugs", "mensenhandel_arbeidsuitbuiting", "vakantieparken",
            "witwassen_vastgoed"} <= set(cat.barrier_models)
    assert len(cat.barrier_models["hennepteelt"].stappen) == 7
    assert len(cat.barrier_models["vakantieparken"].stappen) == 5
    steps = [s.code for s in cat.barrier_models["mensenhandel_arbeidsuitbuiting"].stappen]
    assert steps == ["werving_entree", "huisvesting", "registratie", "arbeid", "verblijf", "financien_terugkeer"]
    assert any("afval" in s.code for s in cat.barrier_models["synthetische_drugs"].stappen)
    known = set(cat.indicators) | set(cat.rules)
    for model in cat.barrier_models.values():
        for step in model.stappen:
            assert set(step.signalen) <= known
            for barrier in step.barrieres:
                assert barrier.eigenaar in cat.organisation_types
                assert set(barrier.instrumenten) <= set(cat.instruments)
    # Every observer on a signal card has an entry in waarnemers.yaml.
    observers = {w for _, ind in cat.indicators.values() for w in ind.waarnemers}
    assert observers <= set(cat.observers)


def _edit(folder: Path, name: str, change: Callable[[Any], None]) -> None:
    path = folder / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def unknown_indicator(folder: Path) -> None:
    _edit(folder, "barrieremodellen/hennepteelt.yaml", lambda d: d["stappen"][0]["signalen"].append("HT-99"))


def unknown_instrument(folder: Path) -> None:
    _edit(folder, "barrieremodellen/vakantieparken.yaml",
          lambda d: d["stappen"][0]["barrieres"][0]["instrumenten"].append("toverstaf"))


def unknown_org_type(folder: Path) -> None:
    _edit(folder, "barrieremodellen/synthetische_drugs.yaml", lambda d: d["stappen"][1]["partners"].append("bakkerij"))


def duplicate_step(folder: Path) -> None:
    def change(d: Any) -> None:
        d["stappen"][1]["code"] = d["stappen"][0]["code"]

    _edit(folder, "barrieremodellen/witwassen_vastgoed.yaml", change)


def missing_owner(folder: Path) -> None:
    _edit(folder, "barrieremodellen/mensenhandel_arbeidsuitbuiting.yaml",
          lambda d: d["stappen"][2]["barrieres"][0].pop("eigenaar"))


def unknown_observer_type(folder: Path) -> None:
    _edit(folder, "waarnemers.yaml", lambda d: d["waarnemers"].update({"boer": ["boerenbond"]}))


PLANTED = [
    (unknown_indicator, ["barrieremodellen/hennepteelt.yaml", "stappen.0.signalen", "onbekende indicator 'HT-99'"]),
    (unknown_instrument, ["barrieremodellen/vakantieparken.yaml", "stappen.0.barrieres.0.instrumenten",
                          "onbekend instrument 'toverstaf'"]),
    (unknown_org_type, ["barrieremodellen/synthetische_drugs.yaml", "stappen.1.partners",
                        "onbekend organisatietype 'bakkerij'"]),
    (duplicate_step, ["barrieremodellen/witwassen_vastgoed.yaml", "stapcode 'plaatsen_financiering'",
                      "meer dan eens"]),
    (missing_owner, ["barrieremodellen/mensenhandel_arbeidsuitbuiting.yaml", "stappen.2.barrieres.0.eigenaar",
                     "ontbreekt"]),
    (unknown_observer_type, ["waarnemers.yaml", "boer", "onbekend organisatietype 'boerenbond'"]),
]


def _problems(folder: Path) -> list[str]:
    with pytest.raises(CatalogueError) as exc:
        load_catalogue(folder)
    return exc.value.problems


@pytest.mark.parametrize(("plant", "words"), PLANTED, ids=[p.__name__ for p, _ in PLANTED])
def test_each_planted_barrier_error_is_named(copy_of_catalogue: Path, plant: Callable[[Path], None],
                                             words: list[str]) -> None:
    plant(copy_of_catalogue)
    problems = _problems(copy_of_catalogue)
    assert len(problems) == 1, problems
    assert all(w in problems[0] for w in words), problems


def test_all_planted_barrier_errors_are_named_at_once(copy_of_catalogue: Path) -> None:
    for plant, _ in PLANTED:
        plant(copy_of_catalogue)
    problems = _problems(copy_of_catalogue)
    for _, words in PLANTED:
        assert any(all(w in p for w in words) for p in problems), (words, problems)
    assert len(problems) == len(PLANTED), problems


def test_model_code_must_match_its_file_name(copy_of_catalogue: Path) -> None:
    _edit(copy_of_catalogue, "barrieremodellen/hennepteelt.yaml", lambda d: d.update({"code": "wiet"}))
    assert any("wijkt af van de bestandsnaam" in p for p in _problems(copy_of_catalogue))


# --------------------------------------------------------------------------------------------
# Local versions, the gap analysis and the API (on both databases)
# --------------------------------------------------------------------------------------------
from datetime import timedelta  # noqa: E402

import sqlalchemy as sa  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from weerbaar.core.catalogue import Catalogue  # noqa: E402
from weerbaar.core.clock import today  # noqa: E402
from weerbaar.core.errors import Forbidden, NotFound, ValidationFailed  # noqa: E402
from weerbaar.prevention import barriers  # noqa: E402
from weerbaar.prevention.barriers_models import BarrierModelVersion  # noqa: E402

from .world import World, signal_body  # noqa: E402


def _local_text(catalogue: Catalogue, code: str, change: Callable[[Any], None]) -> str:
    data = catalogue.barrier_models[code].model_dump(mode="json")
    change(data)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _save(world: World, code: str, text: str, reason: str = "Lokale aanpassing") -> BarrierModelVersion:
    with world.runtime.db.transaction() as s:
        row = barriers.save_local_version(s, world["coordinator"].principal, world.runtime.catalogue, code, text,
                                          reason)
        s.expunge(row)
        return row


def test_local_version_overlays_the_catalogue_and_keeps_history(world: World) -> None:
    cat = world.runtime.catalogue

    def rename(d: Any) -> None:
        d["stappen"][0]["naam"] = "Benodigdheden kopen bij de growshop"

    v1 = _save(world, "hennepteelt", _local_text(cat, "hennepteelt", rename), "Growshop aan de Markt")
    assert (v1.version, v1.catalogue_version, v1.by_user_name) == (1, 1, "Coordinator Tester")
    with world.runtime.db.transaction() as s:
        eff = barriers.effective_model(s, world["woco"].principal, cat, "hennepteelt")
        assert eff.locally_modified and eff.model.stappen[0].naam == "Benodigdheden kopen bij de growshop"
        assert eff.version == "catalogus 1, lokaal 1"
        other = barriers.effective_model(s, world["buur_coordinator"].principal, cat, "hennepteelt")
        assert not other.locally_modified  # another municipality sees the catalogue version
        assert other.model == cat.barrier_models["hennepteelt"]
        barriers.revert_to_catalogue(s, world["coordinator"].principal, cat, "hennepteelt", "Terug")
    with world.runtime.db.transaction() as s:
        eff = barriers.effective_model(s, world["coordinator"].principal, cat, "hennepteelt")
        assert not eff.locally_modified and eff.model == cat.barrier_models["hennepteelt"]
        hist = barriers.history(s, world["coordinator"].principal, cat, "hennepteelt")
        assert [(h.version, h.content is None, h.reason) for h in hist] == [
            (2, True, "Terug"), (1, False, "Growshop aan de Markt")]
    # Append-only in the database.
    with pytest.raises(sa.exc.DBAPIError), world.runtime.db.transaction() as s:
        s.execute(sa.text("UPDATE barrier_model_versions SET reason = 'anders'"))
    with pytest.raises(sa.exc.DBAPIError), world.runtime.db.transaction() as s:
        s.execute(sa.text("DELETE FROM barrier_model_versions"))


def test_a_bad_local_version_names_every_problem_and_stores_nothing(world: World) -> None:
    cat = world.runtime.catalogue

    def break_it(d: Any) -> None:
        d["stappen"][0]["signalen"].append("HT-99")
        d["stappen"][1]["barrieres"][0]["instrumenten"] = ["toverstaf"]
        d["stappen"][1]["barrieres"][1]["eigenaar"] = "bakkerij"
        d["stappen"][2]["code"] = d["stappen"][3]["code"]
        d["stappen"][3]["barrieres"][0].pop("eigenaar")

    with pytest.raises(ValidationFailed) as exc, world.runtime.db.transaction() as s:
        barriers.save_local_version(s, world["coordinator"].principal, cat, "hennepteelt",
                                    _local_text(cat, "hennepteelt", break_it), "")
    reasons = [(e.name, e.reason) for e in exc.value.errors]
    assert ("reden", "Geef de reden van de wijziging.") in reasons
    text = " | ".join(r for _, r in reasons)
    assert "stappen.3.barrieres.0.eigenaar" in text and "ontbreekt" in text
    # The missing owner stops the schema; fix it to see the cross-checks named all at once.

    def break_refs(d: Any) -> None:
        break_it(d)
        d["stappen"][3]["barrieres"][0]["eigenaar"] = "gemeente"

    with pytest.raises(ValidationFailed) as exc, world.runtime.db.transaction() as s:
        barriers.save_local_version(s, world["coordinator"].principal, cat, "hennepteelt",
                                    _local_text(cat, "hennepteelt", break_refs), "Reden")
    text = " | ".join(e.reason for e in exc.value.errors)
    for words in ["onbekende indicator 'HT-99'", "onbekend instrument 'toverstaf'",
                  "onbekend organisatietype 'bakkerij'", "stapcode 'kweken' komt meer dan eens voor"]:
        assert words in text, text
    with pytest.raises(ValidationFailed) as exc, world.runtime.db.transaction() as s:
        barriers.save_local_version(s, world["coordinator"].principal, cat, "hennepteelt", "stappen: [a, b", "R")
    assert exc.value.errors[0].code == "yaml_ongeldig"
    with world.runtime.db.transaction() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(BarrierModelVersion)) == 0


def test_rights_and_unknown_models(world: World) -> None:
    cat = world.runtime.catalogue
    text = barriers.model_yaml(cat.barrier_models["vakantieparken"])
    with world.runtime.db.transaction() as s:
        with pytest.raises(Forbidden):
            barriers.save_local_version(s, world["analist"].principal, cat, "vakantieparken", text, "R")
        with pytest.raises(Forbidden):
            barriers.effective_model(s, world["privacy"].principal, cat, "vakantieparken")
        with pytest.raises(NotFound):
            barriers.effective_model(s, world["analist"].principal, cat, "bestaat_niet")


def _plant_model(world: World, code: str = "hennepteelt") -> None:
    """A local model with planted gaps: step 'oogsten' has no barrier, step 'vervoer_verkoop' a
    barrier whose only instrument is the Belastingdienst's, step 'kweken' one weak barrier."""
    def change(d: Any) -> None:
        by_code = {s["code"]: s for s in d["stappen"]}
        by_code["vervoer_verkoop"]["barrieres"] = [{
            "code": "fiscaal_volgen", "omschrijving": "Geldstromen van de handel fiscaal volgen",
            "eigenaar": "gemeente", "instrumenten": ["fiscale_controle"]}]
        by_code["kweken"]["barrieres"] = [b for b in by_code["kweken"]["barrieres"] if b["eigenaar"] == "gemeente"]

    _save(world, code, _local_text(world.runtime.catalogue, code, change), "Geplante gaten")


def _register(app_client: TestClient, world: World, actor: str, indicators: list[str], days_ago: int) -> None:
    body = signal_body(indicatoren=indicators, waargenomenOp=(today() - timedelta(days=days_ago)).isoformat(),
                       betrokkenen=[], vertrouwelijkheid="intern")
    r = app_client.post("/api/v1/signalen", json=body, headers=world[actor].headers)
    assert r.status_code == 201, r.text


def test_gap_analysis_finds_planted_gaps(app_client: TestClient, world: World) -> None:
    cat = world.runtime.catalogue
    _plant_model(world)
    # Six recent signals on step 'kweken' (HT-02 only a neighbour sees), one old one (not recent).
    for i in range(6):
        _register(app_client, world, "woco", ["HT-02"], days_ago=10 + i)
    _register(app_client, world, "woco", ["HT-02"], days_ago=300)
    with world.runtime.db.transaction() as s:
        a = barriers.gap_analysis(s, world["coordinator"].principal, cat, "hennepteelt")
    assert a.partners == ["gemeente", "netbeheerder", "politie", "woningcorporatie"] and a.partners_default
    no_owner = {f.step for f in a.of_kind("stap_zonder_eigenaar")}
    assert "oogsten" in no_owner and "kweken" not in no_owner
    unusable = a.of_kind("instrument_onbruikbaar")
    # The planted one, and the catalogue's fiscal barrier on laundering (no Belastingdienst at the table).
    assert [(f.step, f.barrier) for f in unusable] == [("vervoer_verkoop", "fiscaal_volgen"),
                                                       ("witwassen", "fiscale_aanpak")]
    assert "Belastingdienst" in unusable[0].text
    cluster = a.of_kind("signalen_bij_zwakke_stap")
    assert [(f.step, f.figure) for f in cluster] == [("kweken", 6)]
    kweken = next(s for s in a.steps if s.code == "kweken")
    assert kweken.strength == "zwak" and kweken.recent_signals == 6
    # HT-02 is watched because the woningcorporatie registered it; HT-06 (only neighbours) is not.
    unwatched = {f.signal for f in a.of_kind("signaal_onbewaakt")}
    assert "HT-02" not in unwatched and "HT-06" in unwatched
    assert "HT-04" not in unwatched  # woningcorporatie and wijkagent observe it on the card
    # With the Belastingdienst at the table the instrument becomes usable; without the woco HT-02 is unwatched.
    with world.runtime.db.transaction() as s:
        b = barriers.gap_analysis(s, world["coordinator"].principal, cat, "hennepteelt",
                                  partners=["gemeente", "belastingdienst"])
    assert {f.barrier for f in b.of_kind("instrument_onbruikbaar")} == {"huurderscreening"}  # a woco barrier
    assert "HT-02" in {f.signal for f in b.of_kind("signaal_onbewaakt")}
    with pytest.raises(ValidationFailed) as exc, world.runtime.db.transaction() as s:
        barriers.gap_analysis(s, world["coordinator"].principal, cat, "hennepteelt", partners=["bakkerij", "x"])
    assert len(exc.value.errors) == 2


def test_gap_analysis_suppresses_small_counts_for_partners(app_client: TestClient, world: World) -> None:
    cat = world.runtime.catalogue
    for i in range(3):
        _register(app_client, world, "woco", ["HT-05"], days_ago=5 + i)
    with world.runtime.db.transaction() as s:
        exact = barriers.gap_analysis(s, world["analist"].principal, cat, "hennepteelt")
        hidden = barriers.gap_analysis(s, world["woco"].principal, cat, "hennepteelt")
    assert next(st for st in exact.steps if st.code == "kweken").recent_signals == 3
    assert next(st for st in hidden.steps if st.code == "kweken").recent_signals == "<5"
    assert not hidden.of_kind("signalen_bij_zwakke_stap")  # three signals do not make a cluster


# --- the API --------------------------------------------------------------------------------


def test_api_list_and_detail(app_client: TestClient, world: World) -> None:
    _plant_model(world)
    r = app_client.get("/api/v1/barrieremodellen", headers=world["politie"].headers)
    assert r.status_code == 200, r.text
    rows = {m["code"]: m for m in r.json()["_embedded"]["barrieremodellen"]}
    assert set(rows) == set(world.runtime.catalogue.barrier_models)
    assert rows["hennepteelt"]["lokaalAangepast"] is True and rows["hennepteelt"]["versie"] == "catalogus 1, lokaal 1"
    assert rows["vakantieparken"] == {**rows["vakantieparken"], "aantalStappen": 5, "lokaalAangepast": False,
                                      "fenomenen": ["vakantieparken"]}
    r = app_client.get("/api/v1/barrieremodellen/hennepteelt", headers=world["woco"].headers)
    body = r.json()
    assert body["_links"]["analyse"]["href"] == "/api/v1/barrieremodellen/hennepteelt/analyse"
    assert len(body["stappen"]) == 7 and body["lokaleReden"] == "Geplante gaten"
    assert body["stappen"][5]["barrieres"][0]["instrumenten"] == ["fiscale_controle"]
    r = app_client.get("/api/v1/barrieremodellen/hennepteelt/analyse?partners=gemeente,politie",
                       headers=world["coordinator"].headers)
    assert r.status_code == 200, r.text
    a = r.json()
    assert a["partners"] == ["gemeente", "politie"] and not a["partnersStandaard"]
    assert {f["soort"] for f in a["bevindingen"]} >= {"stap_zonder_eigenaar", "instrument_onbruikbaar",
                                                     "signaal_onbewaakt"}
    assert all(f["tekst"] for f in a["bevindingen"])


def test_api_errors(app_client: TestClient, world: World) -> None:
    r = app_client.get("/api/v1/barrieremodellen/bestaat_niet", headers=world["coordinator"].headers)
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    r = app_client.get("/api/v1/barrieremodellen/bestaat_niet/analyse", headers=world["coordinator"].headers)
    assert r.status_code == 404
    r = app_client.get("/api/v1/barrieremodellen", headers=world["privacy"].headers)
    assert r.status_code == 403
    r = app_client.get("/api/v1/barrieremodellen/hennepteelt/analyse?partners=bakkerij&bsn=1",
                       headers=world["coordinator"].headers)
    assert r.status_code == 400 or r.status_code == 422
    names = {p["name"] for p in r.json()["invalidParams"]}
    assert names == {"bsn"} or names == {"bsn", "partners"}
    r = app_client.get("/api/v1/barrieremodellen/hennepteelt/analyse?partners=bakkerij",
                       headers=world["coordinator"].headers)
    assert r.status_code in (400, 422) and r.json()["invalidParams"][0]["name"] == "partners"
    assert app_client.get("/api/v1/barrieremodellen").status_code == 401
