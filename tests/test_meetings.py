"""Meetings of the partner table (/api/v1/overleggen): agenda, minutes, decisions taken in the
meeting, who sees which agenda items, and the report per participant as HTML and PDF holding
exactly what was shared with that participant. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import html
import re
import zlib
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from weerbaar.access.models import AccessLogEntry
from weerbaar.cases import service
from weerbaar.cases.models import CaseDecision
from weerbaar.core.clock import today

from .case_setup import (
    API,
    SUBJECT_POLITIE,
    SUBJECT_WOCO,
    TEXT_POLITIE,
    TEXT_WOCO,
    CaseSetup,
    decide_closure,
    make_case,
)
from .world import World

MINUTES = "Woco plant een huisbezoek; politie deelt na afloop wat nodig is. Burgemeester wordt geïnformeerd."
POLICE_OFFICER = "Inspecteur Karel Brandsma"


def plan(client: TestClient, world: World, actor: str = "coordinator", **body: Any) -> dict[str, Any]:
    r = client.post(f"{API}/overleggen", headers=world[actor].headers,
                    json={"titel": "Casusoverleg maart", "datum": "2026-03-12", **body})
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def put_on_agenda(client: TestClient, world: World, meeting: str, case: str) -> dict[str, Any]:
    r = client.post(f"{API}/overleggen/{meeting}/agendapunten", headers=world["coordinator"].headers,
                    json={"casus": case})
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def meeting_of(client: TestClient, world: World, meeting: str, actor: str) -> dict[str, Any]:
    r = client.get(f"{API}/overleggen/{meeting}", headers=world[actor].headers)
    assert r.status_code == 200, (actor, r.text)
    return r.json()  # type: ignore[no-any-return]


def table(client: TestClient, world: World) -> tuple[str, CaseSetup, CaseSetup]:
    """A meeting with two cases: A (woco and politie take part) and B (only politie); minutes and
    a decision on A in the meeting; an action of politie with its officer's name."""
    a = make_case(client, world, title="Hennepzolder Zwaluwstraat")
    b = make_case(client, world, title="Bedrijfspand Kraanvogelpad", partners=("politie",))
    meeting = plan(client, world)["id"]
    put_on_agenda(client, world, meeting, a.case.id)
    put_on_agenda(client, world, meeting, b.case.id)
    r = client.put(f"{API}/overleggen/{meeting}/agendapunten/{a.case.id}", headers=world["coordinator"].headers,
                   json={"notulen": MINUTES})
    assert r.status_code == 200, r.text
    decide_closure(world, a.case.id, meeting_id=meeting)
    rt = world.runtime
    with rt.db.transaction() as s:
        service.add_action(s, world["coordinator"].principal, rt.catalogue, a.case.id, service.NewAction(
            "Buurtonderzoek naar de bestelbus.", world.orgs["politie"].id, POLICE_OFFICER,
            today() + timedelta(days=14)))
    return meeting, a, b


def test_a_meeting_with_agenda_minutes_and_decisions(app_client: TestClient, world: World) -> None:
    meeting, a, b = table(app_client, world)
    full = meeting_of(app_client, world, meeting, "coordinator")
    assert (full["titel"], full["datum"], full["gemeente"]) == ("Casusoverleg maart", "2026-03-12", "GM9990")
    assert [(i["positie"], i["casus"]["casusnummer"], i["casus"]["titel"]) for i in full["agenda"]] == [
        (1, a.case.number, "Hennepzolder Zwaluwstraat"), (2, b.case.number, "Bedrijfspand Kraanvogelpad")]
    first = full["agenda"][0]
    assert first["casus"]["status"] == "informatiepositie" and first["casus"]["statusNaam"]
    assert first["notulen"] == MINUTES and full["agenda"][1]["notulen"] is None
    assert [(d["instrument"], d["gekozen"], d["inDitOverleg"], d["overleg"]) for d in first["besluiten"]] == [
        ("sluiting_13b", True, True, meeting)]
    assert first["besluiten"][0]["door"] == world["coordinator"].user.name
    assert [x["verantwoordelijke"] for x in first["acties"]] == [POLICE_OFFICER]
    with world.runtime.db.session() as s:
        assert s.scalar(sa.select(CaseDecision.meeting_id).where(CaseDecision.case_id == a.case.id)) == meeting
    # The analyst reads the municipality's cases: the whole meeting.
    assert len(meeting_of(app_client, world, meeting, "analist")["agenda"]) == 2


def test_a_participant_sees_only_its_cases_and_only_what_case_view_shows_it(
        app_client: TestClient, world: World) -> None:
    meeting, a, b = table(app_client, world)
    woco = meeting_of(app_client, world, meeting, "woco")
    assert [i["casus"]["id"] for i in woco["agenda"]] == [a.case.id]
    decision = woco["agenda"][0]["besluiten"][0]
    assert decision["door"] == f"medewerker van {world.orgs['gemeente'].name}"  # officials pseudonymised
    assert [x["verantwoordelijke"] for x in woco["agenda"][0]["acties"]] == [
        f"medewerker van {world.orgs['politie'].name}"]
    assert POLICE_OFFICER not in str(woco) and b.case.number not in str(woco)
    politie = meeting_of(app_client, world, meeting, "politie")
    assert [i["casus"]["id"] for i in politie["agenda"]] == [a.case.id, b.case.id]
    # Not at the table: the meeting does not exist for them.
    for actor in ("netbeheer", "buur_coordinator", "gemeente_partner", "privacy"):
        r = app_client.get(f"{API}/overleggen/{meeting}", headers=world[actor].headers)
        assert r.status_code == 404, actor
    lists = {actor: app_client.get(f"{API}/overleggen", headers=world[actor].headers).json()
             for actor in ("coordinator", "woco", "netbeheer")}
    assert [(m["id"], m["aantalAgendapunten"]) for m in lists["coordinator"]["items"]] == [(meeting, 2)]
    assert [(m["id"], m["aantalAgendapunten"]) for m in lists["woco"]["items"]] == [(meeting, 1)]
    assert lists["netbeheer"] == {"items": [], "totaal": 0}


def test_planning_and_the_agenda_refuse_what_is_wrong(app_client: TestClient, world: World) -> None:
    r = app_client.post(f"{API}/overleggen", headers=world["coordinator"].headers, json={"titel": " "})
    assert r.status_code == 422
    assert {p["name"] for p in r.json()["invalidParams"]} == {"titel", "datum"}
    for actor in ("woco", "analist"):
        r = app_client.post(f"{API}/overleggen", headers=world[actor].headers,
                            json={"titel": "Eigen overleg", "datum": "2026-03-12"})
        assert r.status_code == 403, actor
    setup = make_case(app_client, world)
    meeting = plan(app_client, world)["id"]
    url = f"{API}/overleggen/{meeting}/agendapunten"
    r = app_client.post(url, headers=world["coordinator"].headers,
                        json={"casus": "00000000-0000-0000-0000-000000000000"})
    assert r.status_code == 422 and r.json()["invalidParams"][0]["name"] == "casus"
    put_on_agenda(app_client, world, meeting, setup.case.id)
    assert app_client.post(url, headers=world["coordinator"].headers, json={"casus": setup.case.id}).status_code == 409
    # woco takes part in the case and so sees the meeting, but does not set its agenda or minutes.
    assert app_client.post(url, headers=world["woco"].headers, json={"casus": setup.case.id}).status_code == 403
    r = app_client.put(f"{url}/{setup.case.id}", headers=world["woco"].headers, json={"notulen": "Zelf genoteerd."})
    assert r.status_code == 403
    r = app_client.put(f"{url}/{setup.case.id}", headers=world["coordinator"].headers, json={"notulen": "  "})
    assert r.status_code == 422 and r.json()["invalidParams"][0]["name"] == "notulen"
    other = make_case(app_client, world, title="Niet geagendeerd")
    r = app_client.put(f"{url}/{other.case.id}", headers=world["coordinator"].headers, json={"notulen": "Besproken."})
    assert r.status_code == 404
    # Another municipality cannot put Lindeveen's case on its own agenda.
    theirs = plan(app_client, world, actor="buur_coordinator")["id"]
    r = app_client.post(f"{API}/overleggen/{theirs}/agendapunten", headers=world["buur_coordinator"].headers,
                        json={"casus": setup.case.id})
    assert r.status_code == 422 and r.json()["invalidParams"][0]["name"] == "casus"


# --------------------------------------------------------------------------------------------
# The report per participant
# --------------------------------------------------------------------------------------------


def _unescape_pdf(raw: bytes) -> bytes:
    escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}

    def one(m: re.Match[bytes]) -> bytes:
        token = m.group(1)
        if token[:1].isdigit():
            return bytes([int(token, 8)])
        return escapes.get(token, token)

    return re.sub(rb"\\([0-7]{1,3}|.)", one, raw, flags=re.S)


def pdf_text(data: bytes) -> str:
    """The text shown on a PDF's pages: every string drawn with Tj, from (deflated) content streams."""
    assert data.startswith(b"%PDF-")
    parts = []
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        body = m.group(1)
        with contextlib.suppress(zlib.error):
            body = zlib.decompress(body)
        parts += [_unescape_pdf(s.group(1)).decode("latin-1")
                  for s in re.finditer(rb"\(((?:[^()\\]|\\.)*)\)\s*Tj", body, re.S)]
    return " ".join(" ".join(parts).split())


def html_text(body: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def undated(text: str) -> str:
    return re.sub(r"Gemaakt op \d+ \w+ \d{4} om \d{2}:\d{2}\.", "", text)


def report(client: TestClient, world: World, meeting: str, actor: str, fmt: str, org: str | None = None) -> str:
    query = f"?formaat={fmt}" + (f"&organisatie={world.orgs[org].id}" if org else "")
    r = client.get(f"{API}/overleggen/{meeting}/verslag{query}", headers=world[actor].headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/pdf" if fmt == "pdf" else "text/html")
    return pdf_text(r.content) if fmt == "pdf" else html_text(r.text)


def test_the_report_for_woco_holds_what_was_shared_with_woco_and_nothing_else(
        app_client: TestClient, world: World) -> None:
    meeting, a, b = table(app_client, world)
    for fmt in ("html", "pdf"):
        for_woco = report(app_client, world, meeting, "coordinator", fmt, org="woco")
        assert TEXT_WOCO in for_woco and SUBJECT_WOCO[1] in for_woco, fmt  # "Ëlla Dûpont-Vermeulen" survives
        assert TEXT_POLITIE not in for_woco and SUBJECT_POLITIE[1] not in for_woco, fmt
        assert a.case.number in for_woco and b.case.number not in for_woco, fmt
        assert MINUTES in for_woco and "Sluiting" in for_woco, fmt
        assert POLICE_OFFICER not in for_woco and world["coordinator"].user.name not in for_woco, fmt
        assert f"Voor: {world.orgs['woco'].name}" in for_woco, fmt
        # The same report as woco itself makes it: the filter is the one woco gets live.
        assert undated(report(app_client, world, meeting, "woco", fmt)) == undated(for_woco), fmt
        for_police = report(app_client, world, meeting, "coordinator", fmt, org="politie")
        assert TEXT_POLITIE in for_police and TEXT_WOCO not in for_police, fmt
        assert SUBJECT_POLITIE[1] in for_police and SUBJECT_WOCO[1] not in for_police, fmt
        assert b.case.number in for_police and POLICE_OFFICER in for_police, fmt
        # The intake team's own report: everything.
        own = report(app_client, world, meeting, "coordinator", fmt)
        assert all(t in own for t in (TEXT_WOCO, TEXT_POLITIE, SUBJECT_WOCO[1], SUBJECT_POLITIE[1]))


def test_who_may_make_which_report(app_client: TestClient, world: World) -> None:
    meeting, a, _ = table(app_client, world)
    url = f"{API}/overleggen/{meeting}/verslag"
    h = world["woco"].headers
    assert app_client.get(f"{url}?organisatie={world.orgs['politie'].id}", headers=h).status_code == 403
    assert app_client.get(url, headers=world["netbeheer"].headers).status_code == 404
    ch = world["coordinator"].headers
    r = app_client.get(f"{url}?organisatie={world.orgs['netbeheer'].id}&formaat=doc", headers=ch)
    assert r.status_code == 422 and [p["name"] for p in r.json()["invalidParams"]] == ["formaat"]
    r = app_client.get(f"{url}?organisatie={world.orgs['netbeheer'].id}", headers=ch)
    assert r.status_code == 422 and r.json()["invalidParams"][0]["code"] == "geen_deelnemer"
    r = app_client.get(f"{url}?organisatie=onbekend", headers=ch)
    assert r.status_code == 422 and r.json()["invalidParams"][0]["code"] == "onbekend"
    r = app_client.get(f"{url}?organisatie={world.orgs['woco'].id}", headers={**ch, "Accept": "application/pdf"})
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    assert r.headers["content-disposition"] == \
        'attachment; filename="verslag-2026-03-12-woonstichting-thuisvast.pdf"'
    with world.runtime.db.session() as s:
        rows = s.execute(sa.select(AccessLogEntry.object_type, AccessLogEntry.object_id, AccessLogEntry.details)
                         .where(AccessLogEntry.action == "exporteren",
                                AccessLogEntry.user_id == world["coordinator"].user.id)).all()
    assert sorted((t, o) for t, o, _ in rows) == sorted([("casus", a.case.id), ("overleg", meeting)])
    assert all(d["voor"] == world.orgs["woco"].id and d["formaat"] == "pdf" for _, _, d in rows)


def test_the_pdf_keeps_dutch_letters_and_replaces_what_latin1_lacks(app_client: TestClient, world: World) -> None:
    meeting, a, _ = table(app_client, world)
    r = app_client.put(f"{API}/overleggen/{meeting}/agendapunten/{a.case.id}", headers=world["coordinator"].headers,
                       json={"notulen": "Afspraak → huisbezoek ✓ – ‘s avonds; geïnformeerd: café Eén"})
    assert r.status_code == 200 and r.json()["notulen"].startswith("Afspraak →")
    text = report(app_client, world, meeting, "coordinator", "pdf", org="woco")
    assert "Afspraak ? huisbezoek ? - 's avonds; geïnformeerd: café Eén" in text
    assert "Overleg van 12 maart 2026, Gemeente Lindeveen" in text
    page = report(app_client, world, meeting, "coordinator", "html", org="woco")
    assert "Afspraak → huisbezoek ✓ – ‘s avonds; geïnformeerd: café Eén" in page
