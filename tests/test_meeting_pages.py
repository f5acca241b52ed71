"""The meeting pages through the TestClient, on SQLite and PostgreSQL: the list and planning a
meeting, the agenda and the minutes as forms with their errors beside the fields, the decisions
taken in the meeting, who sees which meeting (a participant only its own agenda items, anyone
else a 404), and the report per participant as HTML and PDF holding only what was shared with it."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa
from fastapi.testclient import TestClient

from weerbaar.access.models import AccessLogEntry
from weerbaar.cases.models import Meeting, MeetingItem

from .case_setup import (
    CHOICE_REASONS,
    SUBJECT_POLITIE,
    SUBJECT_WOCO,
    TEXT_POLITIE,
    TEXT_WOCO,
    close,
    decide_closure,
    make_case,
)
from .test_case_pages import error_beside, post
from .test_meetings import MINUTES, POLICE_OFFICER, html_text, pdf_text, table
from .test_web import csrf_of, login_as
from .world import World

MEETING_URL = re.compile(r"^/overleggen/([0-9a-f-]{36})\?melding=gepland$")


def switch(client: TestClient, world: World, actor: str) -> str:
    """Log out whoever is logged in and log in as `actor`; returns the new CSRF token."""
    home = client.get("/")
    if 'name="csrf"' in home.text:
        post(client, "/uitloggen", csrf_of(home.text))
    return login_as(client, world[actor])


def plan_form(client: TestClient, csrf: str, **fields: str) -> str:
    r = post(client, "/overleggen", csrf, **{"titel": "Casusoverleg april", "datum": "2026-04-09", **fields})
    assert r.status_code == 303, r.text
    match = MEETING_URL.match(r.headers["location"])
    assert match, r.headers["location"]
    return match.group(1)


def report_links(page: str) -> dict[str, dict[str, str]]:
    """The report links on a meeting page: organisation name → format → href."""
    out: dict[str, dict[str, str]] = {}
    pattern = r'href="([^"]+/verslag\?[^"]+)" aria-label="Verslag voor ([^"]+) als (\w+)"'
    for href, name, fmt in re.findall(pattern, page):
        out.setdefault(html.unescape(name), {})[fmt.lower()] = html.unescape(href)
    return out


def test_list_nav_and_planning_with_errors_beside_fields(app_client: TestClient, world: World) -> None:
    csrf = login_as(app_client, world["coordinator"])
    home = app_client.get("/").text
    assert 'href="/overleggen"' in home and ">Overleggen<" in home
    r = app_client.get("/overleggen")
    assert r.status_code == 200
    assert "Geen overleggen gevonden." in r.text and "Nieuw overleg" in r.text

    r = post(app_client, "/overleggen", csrf, titel=" ", datum="31-02-2026")
    assert r.status_code == 422
    assert "Geef het overleg een titel." in error_beside(r.text, "nieuw-f-titel")
    assert "JJJJ-MM-DD" in error_beside(r.text, "nieuw-f-datum")
    assert 'value="31-02-2026"' in r.text  # what was typed stays
    r = post(app_client, "/overleggen", csrf, titel="Casusoverleg april", datum="")
    assert r.status_code == 422
    assert "Geef de datum van het overleg" in error_beside(r.text, "nieuw-f-datum")
    with world.runtime.db.session() as s:
        assert s.scalars(sa.select(Meeting)).first() is None  # nothing stored

    meeting = plan_form(app_client, csrf)
    page = app_client.get(f"/overleggen/{meeting}?melding=gepland").text
    assert "Het overleg is gepland." in page and "Casusoverleg april" in page and "9 april 2026" in page
    assert "Er staan nog geen casussen op de agenda." in page
    listing = app_client.get("/overleggen").text
    assert f'href="/overleggen/{meeting}"' in listing and "1 overleg" in listing

    # A partner takes part in cases (the menu), but does not plan meetings; it sees none yet.
    csrf = switch(app_client, world, "woco")
    assert 'href="/overleggen"' in app_client.get("/").text
    r = app_client.get("/overleggen")
    assert r.status_code == 200 and "Nieuw overleg" not in r.text and f'href="/overleggen/{meeting}"' not in r.text
    assert post(app_client, "/overleggen", csrf, titel="Eigen overleg", datum="2026-04-09").status_code == 403
    assert app_client.get(f"/overleggen/{meeting}").status_code == 404

    # Administration and content are separate.
    switch(app_client, world, "beheerder")
    assert 'href="/overleggen"' not in app_client.get("/").text
    assert app_client.get("/overleggen").status_code == 403
    assert app_client.get(f"/overleggen/{meeting}").status_code == 403


def test_agenda_minutes_and_decisions_through_the_forms(app_client: TestClient, world: World) -> None:
    a = make_case(app_client, world, title="Hennepzolder Zwaluwstraat")
    b = make_case(app_client, world, title="Bedrijfspand Kraanvogelpad", partners=("politie",))
    done = make_case(app_client, world, title="Afgesloten loods", partners=())
    decide_closure(world, done.case.id)
    close(world, done.case.id)
    csrf = login_as(app_client, world["coordinator"])
    meeting = plan_form(app_client, csrf)
    url = f"/overleggen/{meeting}"

    page = app_client.get(url).text
    assert f'value="{a.case.id}"' in page and f'value="{b.case.id}"' in page
    assert f'value="{done.case.id}"' not in page  # closed: not offered
    r = post(app_client, f"{url}/agendapunten", csrf, casus="")
    assert r.status_code == 422
    assert "Kies de casus die op de agenda komt." in error_beside(r.text, "agenda-f-casus")
    r = post(app_client, f"{url}/agendapunten", csrf, casus="00000000-0000-0000-0000-000000000000")
    assert r.status_code == 422
    assert "Onbekende casus" in error_beside(r.text, "agenda-f-casus")
    r = post(app_client, f"{url}/agendapunten", csrf, casus=a.case.id)
    assert r.status_code == 303 and r.headers["location"] == f"{url}?melding=geagendeerd#agenda"
    r = post(app_client, f"{url}/agendapunten", csrf, casus=a.case.id)
    assert r.status_code == 409 and f"Casus {a.case.number} staat al op de agenda" in r.text
    assert post(app_client, f"{url}/agendapunten", csrf, casus=b.case.id).status_code == 303

    page = app_client.get(url).text
    agenda = html_text(page)
    assert f"1. {a.case.number} Hennepzolder Zwaluwstraat" in agenda
    assert f"2. {b.case.number} Bedrijfspand Kraanvogelpad" in agenda
    assert f'href="/casussen/{a.case.id}"' in page and f'href="/casussen/{b.case.id}"' in page
    assert "Informatiepositie opbouwen" in page  # the status of each case
    assert f'<option value="{a.case.id}"' not in page  # on the agenda: no longer offered
    assert page.count("Nog geen notulen.") == 2

    # Minutes: empty is refused beside the field of that agenda item; then recorded.
    minutes_url = f"{url}/agendapunten/{a.case.id}/notulen"
    r = post(app_client, minutes_url, csrf, notulen="  ")
    assert r.status_code == 422
    assert "Schrijf wat over deze casus is besproken." in error_beside(r.text, "notulen-1-f-notulen")
    r = post(app_client, minutes_url, csrf, notulen=MINUTES)
    assert r.status_code == 303 and r.headers["location"].endswith(f"#punt-{a.case.id}")
    with world.runtime.db.session() as s:
        assert s.scalar(sa.select(MeetingItem.minutes).where(MeetingItem.case_id == a.case.id)) == MINUTES
    assert post(app_client, f"{url}/agendapunten/{done.case.id}/notulen", csrf,
                notulen="Niet geagendeerd.").status_code == 404

    # A decision taken in this meeting stands under its case; one taken elsewhere does not.
    decide_closure(world, a.case.id, meeting_id=meeting)
    decide_closure(world, b.case.id)
    page = app_client.get(url).text
    item_a = page[page.index(f'id="punt-{a.case.id}"'):page.index(f'id="punt-{b.case.id}"')]
    item_b = page[page.index(f'id="punt-{b.case.id}"'):]
    assert MINUTES in html_text(item_a)
    assert "Sluiting" in item_a and CHOICE_REASONS in html_text(item_a)
    assert world["coordinator"].user.name in item_a
    assert CHOICE_REASONS not in html_text(item_b)
    assert "In dit overleg is over deze casus (nog) niets besloten." in item_b


def test_a_partner_sees_only_its_agenda_items_and_others_get_404(app_client: TestClient, world: World) -> None:
    meeting, a, b = table(app_client, world)
    url = f"/overleggen/{meeting}"
    csrf = login_as(app_client, world["woco"])
    listing = app_client.get("/overleggen")
    assert f'href="{url}"' in listing.text
    page = app_client.get(url)
    assert page.status_code == 200
    assert a.case.number in page.text and b.case.number not in page.text
    assert "Bedrijfspand Kraanvogelpad" not in page.text
    assert MINUTES in html_text(page.text)  # the minutes of its case
    assert "Sluiting" in page.text and world["coordinator"].user.name not in page.text  # officials hidden
    assert "Uw deel van het overleg" in page.text
    assert f'action="{url}/agendapunten"' not in page.text and "/notulen" not in page.text
    assert list(report_links(page.text)) == [world.orgs["woco"].name]
    assert post(app_client, f"{url}/agendapunten", csrf, casus=b.case.id).status_code == 403
    assert post(app_client, f"{url}/agendapunten/{a.case.id}/notulen", csrf,
                notulen="Zelf genoteerd.").status_code == 403

    # Politie takes part in both cases: both agenda items.
    switch(app_client, world, "politie")
    page = app_client.get(url).text
    assert a.case.number in page and b.case.number in page

    # An organisation without cases on the agenda, another municipality, and the municipality's
    # people outside the intake team: the meeting does not exist for them.
    for actor in ("netbeheer", "buur_coordinator", "gemeente_partner"):
        switch(app_client, world, actor)
        assert app_client.get(url).status_code == 404, actor
        assert app_client.get(f"{url}/verslag").status_code == 404, actor
        assert f'href="{url}"' not in app_client.get("/overleggen").text, actor


def test_the_report_links_for_woco_download_only_what_woco_may_see(app_client: TestClient, world: World) -> None:
    meeting, _, b = table(app_client, world)
    url = f"/overleggen/{meeting}"
    login_as(app_client, world["coordinator"])
    links = report_links(app_client.get(url).text)
    # The intake team: a report for every organisation at the table, its own first.
    assert next(iter(links)) == world.orgs["gemeente"].name
    assert set(links) == {world.orgs[k].name for k in ("gemeente", "woco", "politie")}
    for_woco = links[world.orgs["woco"].name]
    assert for_woco["html"] == f"{url}/verslag?organisatie={world.orgs['woco'].id}&formaat=html"

    r = app_client.get(for_woco["html"])
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.headers["cache-control"] == "no-store"
    r_pdf = app_client.get(for_woco["pdf"])
    assert r_pdf.status_code == 200 and r_pdf.headers["content-type"] == "application/pdf"
    assert r_pdf.headers["content-disposition"] == \
        'attachment; filename="verslag-2026-03-12-woonstichting-thuisvast.pdf"'
    for text in (html_text(r.text), pdf_text(r_pdf.content)):
        assert TEXT_WOCO in text and SUBJECT_WOCO[1] in text and MINUTES in text
        assert f"Voor: {world.orgs['woco'].name}" in text
        assert TEXT_POLITIE not in text and SUBJECT_POLITIE[1] not in text
        assert b.case.number not in text and POLICE_OFFICER not in text
    for_police = html_text(app_client.get(links[world.orgs["politie"].name]["html"]).text)
    assert TEXT_POLITIE in for_police and TEXT_WOCO not in for_police and POLICE_OFFICER in for_police

    # Wrong requests: an unknown format, an organisation not at the table.
    r = app_client.get(f"{url}/verslag?organisatie={world.orgs['woco'].id}&formaat=doc")
    assert r.status_code == 422 and "Kies als formaat html of pdf." in r.text
    r = app_client.get(f"{url}/verslag?organisatie={world.orgs['netbeheer'].id}&formaat=html")
    assert r.status_code == 422 and "neemt aan geen van de casussen op de agenda deel" in html.unescape(r.text)
    with world.runtime.db.session() as s:
        exports = s.execute(sa.select(AccessLogEntry.object_type, AccessLogEntry.details).where(
            AccessLogEntry.action == "exporteren", AccessLogEntry.user_id == world["coordinator"].user.id,
            AccessLogEntry.object_type == "overleg")).all()
    assert sorted(d["formaat"] for _, d in exports) == ["html", "html", "pdf"]

    # Woco itself: one link, its own report, the same content; another's report is refused.
    switch(app_client, world, "woco")
    links = report_links(app_client.get(url).text)
    assert list(links) == [world.orgs["woco"].name]
    own = html_text(app_client.get(links[world.orgs["woco"].name]["html"]).text)
    assert TEXT_WOCO in own and TEXT_POLITIE not in own and POLICE_OFFICER not in own
    assert app_client.get(links[world.orgs["woco"].name]["pdf"]).content.startswith(b"%PDF-")
    r = app_client.get(f"{url}/verslag?organisatie={world.orgs['politie'].id}&formaat=html")
    assert r.status_code == 403 and "Alleen het intaketeam" in r.text
