"""The resilience scan (weerbaarheidsscan) through /api/v1/weerbaarheidsscans, on SQLite and
PostgreSQL: the catalogue's questionnaire and its planted errors; rounds answered by several staff
members; aggregates only, with the minimum-respondents rule; revision by appending; closing;
comparing two rounds; adopting the action plan as tracked actions; who sees nothing at all."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from fastapi.testclient import TestClient

from weerbaar.access.models import AccessLogEntry
from weerbaar.core.catalogue import CatalogueError, load_catalogue
from weerbaar.core.config import PACKAGE_DIR
from weerbaar.prevention.scan_models import ScanAnswer

from .world import World

API = "/api/v1/weerbaarheidsscans"
STAFF = ("coordinator", "analist", "gemeente_partner")
NAME = "weerbaarheidsscan.yaml"


# --------------------------------------------------------------------------------------------
# The catalogue
# --------------------------------------------------------------------------------------------


def test_the_shipped_questionnaire_validates() -> None:
    scan = load_catalogue(PACKAGE_DIR / "catalogus").resilience_scan
    assert scan is not None
    assert [t.code for t in scan.themas] == ["bewustzijn", "informatiepositie", "bestuurlijke_instrumenten",
                                             "kwetsbare_processen", "integriteit_veiligheid", "samenwerking"]
    assert all(4 <= len(t.stellingen) <= 8 and t.verbeteracties for t in scan.themas)
    assert len(scan.themes["kwetsbare_processen"].stellingen) == 8  # Verwey-Jonker's eight
    assert sorted(scan.schaal) == [1, 2, 3, 4, 5] and scan.minimum_respondenten >= 3
    assert 1 < scan.drempel <= 5


def _edit(folder: Path, change: Callable[[Any], None]) -> None:
    path = folder / NAME
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _problems(folder: Path) -> list[str]:
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(folder)
    return caught.value.problems


def no_level_five(d: Any) -> None:
    del d["schaal"][5]


def level_six(d: Any) -> None:
    d["schaal"][6] = {"naam": "Meer dan volwassen", "betekenis": "Bestaat niet."}


def three_statements(d: Any) -> None:
    d["themas"][0]["stellingen"] = d["themas"][0]["stellingen"][:3]


def nine_statements(d: Any) -> None:
    d["themas"][3]["stellingen"].append({"code": "proces_negen", "tekst": "Een negende proces."})


def same_statement_twice(d: Any) -> None:
    d["themas"][1]["stellingen"][0]["code"] = d["themas"][0]["stellingen"][0]["code"]


def threshold_too_high(d: Any) -> None:
    d["drempel"] = 6


def two_respondents(d: Any) -> None:
    d["minimum_respondenten"] = 2


def improvement_without_owner(d: Any) -> None:
    del d["themas"][2]["verbeteracties"][0]["eigenaar"]


def term_of_zero(d: Any) -> None:
    d["themas"][2]["verbeteracties"][1]["termijn_weken"] = 0


PLANTED: list[tuple[Callable[[Any], None], str]] = [
    (no_level_five, "de schaal moet precies de niveaus 1, 2, 3, 4 en 5 hebben"),
    (level_six, "de schaal moet precies de niveaus 1, 2, 3, 4 en 5 hebben"),
    (three_statements, "veld 'themas.0.stellingen': moet minstens 4 elementen hebben"),
    (nine_statements, "veld 'themas.3.stellingen': mag hoogstens 8 elementen hebben"),
    (same_statement_twice, "stelling 'bewustzijn_herkennen' komt meer dan eens voor"),
    (threshold_too_high, "veld 'drempel': mag hoogstens 5"),
    (two_respondents, "veld 'minimum_respondenten': moet minstens 3 zijn"),
    (improvement_without_owner, "veld 'themas.2.verbeteracties.0.eigenaar': ontbreekt"),
    (term_of_zero, "veld 'themas.2.verbeteracties.1.termijn_weken': moet minstens 1 zijn"),
]


@pytest.mark.parametrize(("plant", "expected"), PLANTED, ids=[p.__name__ for p, _ in PLANTED])
def test_each_planted_error_is_named(copy_of_catalogue: Path, plant: Callable[[Any], None], expected: str) -> None:
    _edit(copy_of_catalogue, plant)
    problems = _problems(copy_of_catalogue)
    assert any(p.startswith(NAME) and expected in p for p in problems), problems


def test_all_planted_errors_at_once(copy_of_catalogue: Path) -> None:
    def everything(d: Any) -> None:
        for plant in (three_statements, same_statement_twice, threshold_too_high, two_respondents,
                      improvement_without_owner):
            plant(d)

    _edit(copy_of_catalogue, everything)
    problems = [p for p in _problems(copy_of_catalogue) if p.startswith(NAME)]
    assert len(problems) == 5, problems


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def statements(client: TestClient, world: World) -> dict[str, list[str]]:
    """Theme → its statement codes, as the API publishes the questionnaire."""
    r = client.get(f"{API}/vragenlijst", headers=world["coordinator"].headers)
    assert r.status_code == 200, r.text
    return {t["code"]: [s["code"] for s in t["stellingen"]] for t in r.json()["themas"]}


def open_round(client: TestClient, world: World, title: str = "Scan voorjaar") -> str:
    r = client.post(API, headers=world["coordinator"].headers,
                    json={"titel": title, "periodeVan": "2026-03-01", "periodeTot": "2026-03-31"})
    assert r.status_code == 201, r.text
    assert r.headers["location"] == f"{API}/{r.json()['id']}"
    return r.json()["id"]  # type: ignore[no-any-return]


def answer(client: TestClient, world: World, rid: str, actor: str, per_theme: dict[str, Any],
           themes: dict[str, list[str]]) -> dict[str, Any]:
    """Answer every statement of a theme with the theme's value (default 3)."""
    body = {code: per_theme.get(theme, 3) for theme, codes in themes.items() for code in codes}
    r = client.put(f"{API}/{rid}/antwoorden", headers=world[actor].headers, json={"antwoorden": body})
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def close(client: TestClient, world: World, rid: str) -> None:
    r = client.post(f"{API}/{rid}/sluiten", headers=world["coordinator"].headers)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "gesloten"


def result(client: TestClient, world: World, rid: str, actor: str = "coordinator", **params: str) -> dict[str, Any]:
    r = client.get(f"{API}/{rid}", headers=world[actor].headers, params=params)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def themes_of(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["code"]: t for t in body["uitslag"]["themas"]}


# --------------------------------------------------------------------------------------------
# Rounds, answers, aggregates
# --------------------------------------------------------------------------------------------


def test_several_staff_answer_and_only_aggregates_come_out(app_client: TestClient, world: World) -> None:
    themes = statements(app_client, world)
    rid = open_round(app_client, world)
    answer(app_client, world, rid, "coordinator", {"bewustzijn": 2, "samenwerking": 4}, themes)
    answer(app_client, world, rid, "analist", {"bewustzijn": 4, "samenwerking": 4, "informatiepositie": 5}, themes)
    # The third respondent does not know about cooperation: that theme has two respondents.
    answer(app_client, world, rid, "gemeente_partner", {"bewustzijn": 3, "samenwerking": "weet_niet"}, themes)

    # While the round is open there are no figures, only how many answered.
    body = result(app_client, world, rid, "analist")
    assert body["status"] == "open" and body["aantalRespondenten"] == 3 and body["doorMijIngevuld"] is True
    assert body["uitslag"]["beschikbaar"] is False and body["uitslag"]["themas"] == []
    assert body["actieplan"] == [] and "respondenten" not in body  # the list is the manager's

    close(app_client, world, rid)
    body = result(app_client, world, rid, "analist")
    shown = themes_of(body)
    assert shown["bewustzijn"]["gemiddelde"] == 3.0 and shown["bewustzijn"]["aantalRespondenten"] == 3
    n = len(themes["bewustzijn"])
    assert shown["bewustzijn"]["verdeling"] == {"1": 0, "2": n, "3": n, "4": n, "5": 0, "weetNiet": 0}
    assert shown["informatiepositie"]["gemiddelde"] == round((3 + 5 + 3) / 3, 2)
    assert all(s["gemiddelde"] == 3.0 and s["aantalAntwoorden"] == 3 for s in shown["bewustzijn"]["stellingen"])
    # Fewer than three respondents: not shown, and said so; nothing of its figures leaks.
    coop = shown["samenwerking"]
    assert coop["getoond"] is False and "minder dan 3 respondenten" in coop["toelichting"]
    assert set(coop) == {"code", "naam", "getoond", "toelichting"}
    # Weakest first, the hidden theme last.
    means = [t.get("gemiddelde") for t in body["uitslag"]["themas"]]
    assert means[:-1] == sorted(means[:-1]) and body["uitslag"]["themas"][-1]["code"] == "samenwerking"
    # Individual answers appear nowhere; the manager sees who answered, not what.
    assert "antwoorden" not in body
    names = result(app_client, world, rid)["respondenten"]
    assert names == sorted(world[a].user.name for a in STAFF)
    with world.runtime.db.session() as s:
        logged = s.scalars(sa.select(AccessLogEntry).where(AccessLogEntry.object_type == "weerbaarheidsscan")).all()
    assert {e.purpose for e in logged} >= {"ronde weerbaarheidsscan openen", "weerbaarheidsscan invullen",
                                           "ronde weerbaarheidsscan sluiten", "uitslag weerbaarheidsscan"}
    assert all(set(e.details or {}) <= {"gewijzigd", "aantal", "vergelijkMet", "respondentenlijst"}
               for e in logged)


def test_revision_appends_and_the_latest_counts(app_client: TestClient, world: World) -> None:
    themes = statements(app_client, world)
    total = sum(len(c) for c in themes.values())
    rid = open_round(app_client, world)
    assert answer(app_client, world, rid, "analist", {}, themes)["gewijzigd"] == total
    for actor in ("coordinator", "gemeente_partner"):
        answer(app_client, world, rid, actor, {}, themes)
    # The analyst changes their mind about awareness only.
    revised = answer(app_client, world, rid, "analist", {"bewustzijn": 5}, themes)
    assert revised["gewijzigd"] == len(themes["bewustzijn"])
    assert answer(app_client, world, rid, "analist", {"bewustzijn": 5}, themes)["gewijzigd"] == 0
    with world.runtime.db.session() as s:
        rows = s.scalar(sa.select(sa.func.count()).select_from(ScanAnswer).where(
            ScanAnswer.user_id == world["analist"].user.id))
        assert rows == total + len(themes["bewustzijn"])  # appended, never edited
    with pytest.raises(sa.exc.DBAPIError), world.runtime.db.transaction() as s:
        s.execute(sa.update(ScanAnswer).values(level=1))
    close(app_client, world, rid)
    assert themes_of(result(app_client, world, rid))["bewustzijn"]["gemiddelde"] == round((3 + 3 + 5) / 3, 2)
    assert result(app_client, world, rid)["aantalRespondenten"] == 3  # a revision is not a new respondent


def test_answers_are_checked_all_at_once(app_client: TestClient, world: World) -> None:
    themes = statements(app_client, world)
    rid = open_round(app_client, world)
    first, second, *rest = [c for codes in themes.values() for c in codes]
    body: dict[str, Any] = {code: 3 for code in rest}
    body.update({second: 7, "verzonnen_stelling": 2})
    r = app_client.put(f"{API}/{rid}/antwoorden", headers=world["analist"].headers, json={"antwoorden": body})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    named = {p["name"]: p["code"] for p in r.json()["invalidParams"]}
    assert named == {f"antwoorden.{first}": "missing", f"antwoorden.{second}": "onbekend",
                     "antwoorden.verzonnen_stelling": "onbekende_stelling"}
    body.update({first: True, second: "weet_niet"})
    del body["verzonnen_stelling"]
    r = app_client.put(f"{API}/{rid}/antwoorden", headers=world["analist"].headers, json={"antwoorden": body})
    assert [p["name"] for p in r.json()["invalidParams"]] == [f"antwoorden.{first}"]  # true is not a level
    with world.runtime.db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(ScanAnswer)) == 0  # nothing stored


def test_opening_and_closing(app_client: TestClient, world: World) -> None:
    r = app_client.post(API, headers=world["coordinator"].headers,
                        json={"titel": "", "periodeVan": "2026-04-01", "periodeTot": "2026-03-01"})
    assert r.status_code == 422
    assert {p["name"] for p in r.json()["invalidParams"]} == {"titel", "periodeTot"}
    r = app_client.post(API, headers=world["analist"].headers,
                        json={"titel": "Mijn eigen ronde", "periodeVan": "2026-03-01", "periodeTot": "2026-03-31"})
    assert r.status_code == 403
    rid = open_round(app_client, world)
    r = app_client.post(API, headers=world["coordinator"].headers,
                        json={"titel": "Tweede ronde", "periodeVan": "2026-03-01", "periodeTot": "2026-03-31"})
    assert r.status_code == 409  # one open round at a time
    assert app_client.post(f"{API}/{rid}/sluiten", headers=world["analist"].headers).status_code == 403
    close(app_client, world, rid)
    assert app_client.post(f"{API}/{rid}/sluiten", headers=world["coordinator"].headers).status_code == 409
    themes = statements(app_client, world)
    body = {c: 3 for codes in themes.values() for c in codes}
    r = app_client.put(f"{API}/{rid}/antwoorden", headers=world["analist"].headers, json={"antwoorden": body})
    assert r.status_code == 409 and "gesloten" in r.json()["detail"]
    listed = app_client.get(API, headers=world["analist"].headers).json()
    assert [i["id"] for i in listed["items"]] == [rid] and listed["items"][0]["status"] == "gesloten"


def test_comparing_two_rounds(app_client: TestClient, world: World) -> None:
    themes = statements(app_client, world)
    first = open_round(app_client, world, "Scan 2026")
    for actor in STAFF:
        answer(app_client, world, first, actor, {"bewustzijn": 2, "informatiepositie": 4}, themes)
    close(app_client, world, first)
    assert result(app_client, world, first)["uitslag"]["vergelijkMet"] is None  # nothing before it
    second = open_round(app_client, world, "Scan 2027")
    for actor in STAFF:
        answer(app_client, world, second, actor, {"bewustzijn": 4, "informatiepositie": 3}, themes)
    close(app_client, world, second)
    body = result(app_client, world, second)
    assert body["uitslag"]["vergelijkMet"] == {"id": first, "titel": "Scan 2026"}  # the previous one by default
    shown = themes_of(body)
    assert (shown["bewustzijn"]["vorigGemiddelde"], shown["bewustzijn"]["verschil"]) == (2.0, 2.0)
    assert (shown["informatiepositie"]["vorigGemiddelde"], shown["informatiepositie"]["verschil"]) == (4.0, -1.0)
    back = result(app_client, world, first, vergelijkMet=second)
    assert themes_of(back)["bewustzijn"]["verschil"] == -2.0
    for bad in (first, "geen-id"):
        r = app_client.get(f"{API}/{first}", headers=world["coordinator"].headers, params={"vergelijkMet": bad})
        assert r.status_code == 422 and r.json()["invalidParams"][0]["name"] == "vergelijkMet"


# --------------------------------------------------------------------------------------------
# The action plan
# --------------------------------------------------------------------------------------------


def test_adopted_actions_become_tracked_actions(app_client: TestClient, world: World) -> None:
    themes = statements(app_client, world)
    rid = open_round(app_client, world)
    for actor in STAFF:
        answer(app_client, world, rid, actor, {"bestuurlijke_instrumenten": 2, "integriteit_veiligheid": 1}, themes)
    r = app_client.post(f"{API}/{rid}/acties", headers=world["coordinator"].headers,
                        json={"acties": [{"verbeteractie": "instrumenten_13b_beleid"}]})
    assert r.status_code == 409  # the plan follows from a closed round's result
    close(app_client, world, rid)
    plan = {p["verbeteractie"]: p for p in result(app_client, world, rid)["actieplan"]}
    # Only the themes under the threshold (3.0): the other themes scored 3.
    assert {p["thema"] for p in plan.values()} == {"bestuurlijke_instrumenten", "integriteit_veiligheid"}
    assert plan["instrumenten_13b_beleid"]["voorgesteldeEigenaar"] == "Jurist openbare orde en veiligheid"

    body = {"acties": [
        {"verbeteractie": "instrumenten_13b_beleid"},  # all defaults: own organisation, owner, term
        {"verbeteractie": "veiligheid_protocol", "verantwoordelijke": "Teamleider veiligheid",
         "deadline": "2027-06-30", "organisatie": world.orgs["gemeente"].id},
    ]}
    assert app_client.post(f"{API}/{rid}/acties", headers=world["analist"].headers, json=body).status_code == 403
    r = app_client.post(f"{API}/{rid}/acties", headers=world["coordinator"].headers, json=body)
    assert r.status_code == 201, r.text
    made = r.json()["items"]
    assert [a["organisatie"] for a in made] == [world.orgs["gemeente"].id] * 2
    assert made[0]["verantwoordelijke"] == "Jurist openbare orde en veiligheid"
    assert made[0]["deadline"] == plan["instrumenten_13b_beleid"]["voorgesteldeDeadline"]
    assert (made[1]["verantwoordelijke"], made[1]["deadline"]) == ("Teamleider veiligheid", "2027-06-30")

    listed = app_client.get("/api/v1/acties", headers=world["coordinator"].headers)
    assert listed.status_code == 200
    assert {a["id"] for a in made} <= {a["id"] for a in listed.json()["items"]}
    assert not {a["id"] for a in made} & {a["id"] for a in app_client.get(
        "/api/v1/acties", headers=world["woco"].headers).json()["items"]}
    adopted = {p["verbeteractie"]: p["actie"] for p in result(app_client, world, rid)["actieplan"]}
    assert adopted["instrumenten_13b_beleid"] == made[0]["id"] and adopted["instrumenten_bibob_beleidslijn"] is None

    # Every problem at once, nothing stored half.
    r = app_client.post(f"{API}/{rid}/acties", headers=world["coordinator"].headers, json={"acties": [
        {"verbeteractie": "instrumenten_13b_beleid"},
        {"verbeteractie": "samenwerking_convenant"},
        {"verbeteractie": "veiligheid_anonimiseren", "organisatie": world.orgs["buurgemeente"].id},
        {"verbeteractie": "integriteit_screening_invoeren", "omschrijving": "kort"[:3]},
    ]})
    assert r.status_code == 422
    assert {(p["name"], p["code"]) for p in r.json()["invalidParams"]} == {
        ("acties[0].verbeteractie", "al_overgenomen"), ("acties[1].verbeteractie", "onbekend"),
        ("acties[2].organisatie", "geen_eigen_organisatie"), ("acties[3].omschrijving", "te_kort")}
    r = app_client.post(f"{API}/{rid}/acties", headers=world["coordinator"].headers, json={"acties": []})
    assert r.status_code == 422 and r.json()["invalidParams"][0]["name"] == "acties"
    assert len(app_client.get("/api/v1/acties", headers=world["coordinator"].headers).json()["items"]) == 2


# --------------------------------------------------------------------------------------------
# Who sees nothing
# --------------------------------------------------------------------------------------------


def test_partners_privacy_officer_and_neighbours_see_nothing(app_client: TestClient, world: World) -> None:
    themes = statements(app_client, world)
    rid = open_round(app_client, world)
    body = {"antwoorden": {c: 3 for codes in themes.values() for c in codes}}
    # Partner organisations' staff (not gemeente) take part in prevention, but not in this scan.
    for actor in ("woco", "politie", "privacy"):
        headers = world[actor].headers
        assert app_client.put(f"{API}/{rid}/antwoorden", headers=headers, json=body).status_code == 403
        assert app_client.get(API, headers=headers).status_code == 403
        assert app_client.get(f"{API}/{rid}", headers=headers).status_code == 403
        assert app_client.get(f"{API}/vragenlijst", headers=headers).status_code == 403
        assert app_client.post(f"{API}/{rid}/sluiten", headers=headers).status_code == 403
        assert app_client.post(API, headers=headers, json={"titel": "Eigen scan", "periodeVan": "2026-03-01",
                                                           "periodeTot": "2026-03-31"}).status_code == 403
    # Another municipality's coordinator: not its round, so it does not exist.
    neighbour = world["buur_coordinator"].headers
    assert app_client.get(API, headers=neighbour).json()["items"] == []
    assert app_client.get(f"{API}/{rid}", headers=neighbour).status_code == 404
    assert app_client.put(f"{API}/{rid}/antwoorden", headers=neighbour, json=body).status_code == 404
    assert app_client.post(f"{API}/{rid}/sluiten", headers=neighbour).status_code == 404
    with world.runtime.db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(ScanAnswer)) == 0
