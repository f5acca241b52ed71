"""The web pages through the TestClient, on SQLite and PostgreSQL: log in through the form,
register through the form, read what the permission layer allows, and nothing else."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from sqlalchemy import func, select, update

from weerbaar.access import logbook
from weerbaar.access.models import AccessLogEntry, WebSession
from weerbaar.core import clock
from weerbaar.core.models import User
from weerbaar.intake.models import Signal, SignalParty

from .world import PASSWORD, signal_body

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "geen CSRF-veld in de pagina"
    return match.group(1)


def login(client, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get("/inloggen").text)
    return client.post("/inloggen", data={"csrf": token, "email": email, "wachtwoord": password},
                       follow_redirects=False)


def login_as(client, actor) -> str:  # type: ignore[no-untyped-def]
    """Log in and return the session's CSRF token (taken from a page, as a browser would)."""
    r = login(client, actor.user.email)
    assert r.status_code == 303, r.text
    return csrf_of(client.get("/").text)


def observed() -> str:
    return (clock.today() - timedelta(days=2)).isoformat()


def form_body(csrf: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "csrf": csrf, "actie": "opslaan",
        "fenomeen": "hennepteelt", "indicatoren": ["HT-01", "HT-04"],
        "omschrijving": "Ramen van de bovenwoning afgeplakt met zilverfolie; zoemend geluid.",
        "waargenomenOp": observed(),
        "locatie.postcode": "9991 AA", "locatie.huisnummer": "1",
        "betrokkenen[0].soort": "persoon", "betrokkenen[0].voornamen": "Karel",
        "betrokkenen[0].geslachtsnaam": "Brugman", "betrokkenen[0].geboortedatum": "1979-03-02",
        "betrokkenen[1].soort": "persoon",
        "betrokkenen[2].soort": "voertuig", "betrokkenen[2].kenteken": "AB-123-C",
        "bron.betrouwbaarheid": "B", "bron.informatie": "2", "vertrouwelijkheid": "zaakvertrouwelijk",
    }
    body.update(overrides)
    return body


def count(runtime, model) -> int:  # type: ignore[no-untyped-def]
    with runtime.db.session() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def register(client, csrf: str, **overrides: Any) -> str:  # type: ignore[no-untyped-def]
    r = client.post("/signalen/nieuw", data=form_body(csrf, **overrides), follow_redirects=False)
    assert r.status_code == 303, r.text
    match = re.fullmatch(r"/signalen/([0-9a-f-]{36})\?melding=opgeslagen", r.headers["location"])
    assert match, r.headers["location"]
    return match.group(1)


# --- logging in and out ------------------------------------------------------------------

def test_login_failure_keeps_email_and_success_logs_in(app_client, world, runtime):
    r = login(app_client, "woco@woco.example", "fout-wachtwoord-1")
    assert r.status_code == 401
    assert "Onbekende combinatie van e-mailadres en wachtwoord." in r.text
    assert 'value="woco@woco.example"' in r.text
    assert "weerbaar_sessie" not in r.headers.get("set-cookie", "")

    r = login(app_client, "WOCO@woco.example")
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("weerbaar_sessie="))
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and "Secure" not in cookie
    home = app_client.get("/")
    assert "Welkom, Woco Tester" in home.text and "Woonstichting Thuisvast" in home.text
    with runtime.db.session() as s:
        actions = s.scalars(select(AccessLogEntry.action).where(AccessLogEntry.user_id == world["woco"].user.id))
        assert logbook.LOGIN in list(actions)
        failed = s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == logbook.LOGIN_FAILED)).all()
        assert [e.object_id for e in failed] == [world["woco"].user.id]


def test_pages_redirect_to_login_with_return_path(app_client, world):
    r = app_client.get("/signalen?fenomeen=hennepteelt", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/inloggen?terug=/signalen%3Ffenomeen%3Dhennepteelt"
    token = csrf_of(app_client.get(r.headers["location"]).text)
    r = app_client.post("/inloggen", follow_redirects=False, data={
        "csrf": token, "email": world["coordinator"].user.email, "wachtwoord": PASSWORD,
        "terug": "/signalen?fenomeen=hennepteelt"})
    assert r.headers["location"] == "/signalen?fenomeen=hennepteelt"
    # Never to another site.
    app_client.cookies.clear()
    token = csrf_of(app_client.get("/inloggen").text)
    r = app_client.post("/inloggen", follow_redirects=False, data={
        "csrf": token, "email": world["coordinator"].user.email, "wachtwoord": PASSWORD,
        "terug": "//elders.example/"})
    assert r.headers["location"] == "/"


def test_csrf_is_checked_on_every_post(app_client, world, runtime):
    r = app_client.post("/inloggen", data={"email": "woco@woco.example", "wachtwoord": PASSWORD},
                        follow_redirects=False)
    assert r.status_code == 403 and "Geen toegang" in r.text and "CSRF" in r.text
    csrf = login_as(app_client, world["woco"])
    r = app_client.post("/signalen/nieuw", data=form_body("vals-token"), follow_redirects=False)
    assert r.status_code == 403
    r = app_client.post("/signalen/nieuw", data={k: v for k, v in form_body(csrf).items() if k != "csrf"})
    assert r.status_code == 403
    r = app_client.post("/web/adres-controle", data={"locatie.postcode": "9991AA", "locatie.huisnummer": "1"})
    assert r.status_code == 403
    r = app_client.post("/uitloggen", follow_redirects=False)
    assert r.status_code == 403
    assert count(runtime, Signal) == 0
    # The token in a header (as htmx sends it) is accepted.
    r = app_client.post("/web/adres-controle", headers={"X-CSRF-Token": csrf},
                        data={"locatie.postcode": "9991AA", "locatie.huisnummer": "1"})
    assert r.status_code == 200 and "Adres gevonden" in r.text


def test_logout_ends_the_session(app_client, world, runtime):
    csrf = login_as(app_client, world["analist"])
    r = app_client.post("/uitloggen", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/inloggen?uitgelogd=1"
    assert count(runtime, WebSession) == 0
    assert app_client.get("/signalen", follow_redirects=False).status_code == 303
    assert "U bent uitgelogd." in app_client.get("/inloggen?uitgelogd=1").text


def test_idle_session_expires(app_client, world, runtime):
    login_as(app_client, world["coordinator"])
    assert app_client.get("/signalen").status_code == 200
    with runtime.db.transaction() as s:
        idle = runtime.settings.session_idle_minutes + 1
        s.execute(update(WebSession).values(last_seen=clock.now() - timedelta(minutes=idle)))
    r = app_client.get("/signalen", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/inloggen?verlopen=1")
    assert "Uw sessie is verlopen" in app_client.get(r.headers["location"]).text
    # An htmx request is told to navigate rather than swap the login page into a fragment.
    r = app_client.get("/web/signaalkaart?fenomeen=hennepteelt", headers={"HX-Request": "true"})
    assert r.headers["HX-Redirect"].startswith("/inloggen")


def test_second_factor_is_required_when_totp_is_on(app_client, world, runtime):
    secret = pyotp.random_base32()
    with runtime.db.transaction() as s:
        s.get(User, world["privacy"].user.id).totp_secret = secret
    r = login(app_client, world["privacy"].user.email)
    assert r.status_code == 303 and r.headers["location"] == "/inloggen/code"
    # Password alone is not a session yet.
    r = app_client.get("/logboek", follow_redirects=False)
    assert r.status_code == 303
    assert app_client.get(r.headers["location"], follow_redirects=False).headers["location"] == "/inloggen/code"
    page = app_client.get("/inloggen/code")
    csrf = csrf_of(page.text)
    r = app_client.post("/inloggen/code", data={"csrf": csrf, "code": "000000"}, follow_redirects=False)
    assert r.status_code == 401 and "Deze code klopt niet" in r.text
    r = app_client.post("/inloggen/code", data={"csrf": csrf, "code": pyotp.TOTP(secret).now()},
                        follow_redirects=False)
    assert r.status_code == 303
    assert app_client.get("/logboek").status_code == 200
    with runtime.db.session() as s:
        logins = s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == logbook.LOGIN)).all()
        assert [e.details for e in logins] == [{"tweestapsverificatie": True}]


def test_user_turns_on_totp(app_client, world, runtime):
    login_as(app_client, world["analist"])
    page = app_client.get("/account/tweestapsverificatie")
    secret = re.search(r'name="geheim" value="([A-Z2-7]+)"', page.text).group(1)  # type: ignore[union-attr]
    assert "otpauth://totp/" in page.text
    csrf = csrf_of(page.text)
    r = app_client.post("/account/tweestapsverificatie", data={"csrf": csrf, "geheim": secret, "code": "123"})
    assert r.status_code == 422 and "Deze code klopt niet" in r.text
    r = app_client.post("/account/tweestapsverificatie",
                        data={"csrf": csrf, "geheim": secret, "code": pyotp.TOTP(secret).now()})
    assert r.status_code == 200 and "Tweestapsverificatie staat aan" in r.text
    with runtime.db.session() as s:
        assert s.get(User, world["analist"].user.id).totp_secret == secret


# --- the signal form ---------------------------------------------------------------------

def test_form_errors_beside_fields_keep_input_and_store_nothing(app_client, world, runtime):
    csrf = login_as(app_client, world["woco"])
    before = count(runtime, AccessLogEntry)
    body = form_body(csrf, **{
        "omschrijving": "",
        "locatie.postcode": "99A1 AA",
        "betrokkenen[0].voornamen": "", "betrokkenen[0].geslachtsnaam": "", "betrokkenen[0].geboortedatum": "",
        "betrokkenen[1].geslachtsnaam": "Jansen", "betrokkenen[1].bsn": "123456789",
        "betrokkenen[2].kenteken": "ABC",
        "bron.betrouwbaarheid": "Q",
    })
    r = app_client.post("/signalen/nieuw", data=body)
    assert r.status_code == 422
    html = r.text
    assert "Het formulier bevat fouten. Er is niets opgeslagen." in html
    # Row 0 was empty and skipped: the BSN error still lands on the second row's field.
    assert 'href="#f-betrokkenen-1-bsn">Betrokkene 2: BSN: Dit BSN voldoet niet aan de elfproef' in html
    bsn_field = re.search(r'<input[^>]*id="f-betrokkenen-1-bsn"[^>]*>', html).group(0)  # type: ignore[union-attr]
    assert 'value="123456789"' in bsn_field and 'aria-invalid="true"' in bsn_field
    assert 'aria-describedby="f-betrokkenen-1-bsn-fout"' in bsn_field
    assert 'id="f-betrokkenen-1-bsn-fout"' in html
    assert 'id="f-locatie-postcode-fout"' in html and "Een postcode bestaat uit 4 cijfers en 2 letters" in html
    assert 'id="f-omschrijving-fout"' in html and "Dit veld is verplicht." in html
    assert 'id="f-betrokkenen-2-kenteken-fout"' in html
    assert 'id="f-bron-betrouwbaarheid-fout"' in html
    # What the user typed is all still there.
    assert 'value="99A1 AA"' in html and 'value="Jansen"' in html and 'value="ABC"' in html
    assert re.search(r'value="HT-04"\s+checked', html)
    assert count(runtime, Signal) == 0 and count(runtime, SignalParty) == 0
    assert count(runtime, AccessLogEntry) == before


def test_registration_redirects_to_detail_and_shows_in_list_and_search(app_client, world, runtime):
    csrf = login_as(app_client, world["woco"])
    sid = register(app_client, csrf, melderAfgeschermd="ja")
    detail = app_client.get(f"/signalen/{sid}?melding=opgeslagen")
    assert detail.status_code == 200
    html = detail.text
    assert "Het signaal is opgeslagen." in html
    assert "Hennepteelt" in html and "Ramen van de bovenwoning" in html
    assert "Havenstraat 1, 9991 AA Lindeveen" in html and "Oude Haven" in html
    assert "Geen sneeuw op het dak" in html  # HT-01's text from the signal card
    assert "Karel Brugman" in html and "AB123C" in html
    assert "B – Doorgaans betrouwbaar" in html and "2 – Waarschijnlijk waar" in html
    assert "Zaakvertrouwelijk" in html
    with runtime.db.session() as s:
        signal = s.get(Signal, sid)
        assert signal.channel == "formulier" and signal.reporter_shielded
        assert [p.kind for p in signal.parties] == ["persoon", "voertuig"]  # the empty row was skipped
        assert signal.neighbourhood_code == "BU99900101"

    listing = app_client.get("/signalen")
    assert f'href="/signalen/{sid}"' in listing.text and "Oude Haven" in listing.text
    assert ">Nieuw<" in listing.text

    r = app_client.post("/signalen/zoeken", data={"csrf": csrf, "tekst": "zilverfolie"})
    assert r.status_code == 200 and f'href="/signalen/{sid}"' in r.text
    assert 'value="zilverfolie"' in r.text
    r = app_client.post("/signalen/zoeken", data={"csrf": csrf, "naam": "brugman"})
    assert f'href="/signalen/{sid}"' in r.text
    r = app_client.post("/signalen/zoeken", data={"csrf": csrf, "tekst": "wietlucht"})
    assert f'href="/signalen/{sid}"' not in r.text and "Geen signalen gevonden" in r.text
    with runtime.db.session() as s:
        searches = s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == logbook.SEARCH)).all()
        assert len(searches) == 3
        assert "zilverfolie" not in str([e.details for e in searches])  # pseudonymised


def test_shielded_reporter_is_hidden_from_the_analyst(app_client, world):
    csrf = login_as(app_client, world["woco"])
    sid = register(app_client, csrf, melderAfgeschermd="ja")
    app_client.cookies.clear()
    login_as(app_client, world["analist"])
    html = app_client.get(f"/signalen/{sid}").text
    assert "Afgeschermd" in html and "Woco Tester" not in html
    app_client.cookies.clear()
    login_as(app_client, world["coordinator"])
    assert "Woco Tester" in app_client.get(f"/signalen/{sid}").text


def test_form_works_without_javascript(app_client, world, runtime):
    csrf = login_as(app_client, world["woco"])
    r = app_client.post("/signalen/nieuw", data={"csrf": csrf, "actie": "kaart", "fenomeen": "woonfraude",
                                                  "omschrijving": "Veel wisselende bewoners."})
    assert r.status_code == 200
    assert 'name="indicatoren"' in r.text and "Signaalkaart woonfraude" in r.text
    assert "Veel wisselende bewoners." in r.text
    r = app_client.post("/signalen/nieuw", data={"csrf": csrf, "actie": "betrokkene",
                                                  "betrokkenen[2].geslachtsnaam": "Vos"})
    assert 'id="f-betrokkenen-3-soort"' in r.text and 'value="Vos"' in r.text
    assert 'hx-get="/web/betrokkene?index=4"' in r.text
    assert count(runtime, Signal) == 0


def test_htmx_fragments(app_client, world):
    csrf = login_as(app_client, world["woco"])
    card = app_client.get("/web/signaalkaart?fenomeen=hennepteelt")
    assert card.status_code == 200 and "<html" not in card.text
    assert card.text.count('name="indicatoren"') >= 8 and 'value="HT-01"' in card.text
    assert 'name="indicatoren"' not in app_client.get("/web/signaalkaart?fenomeen=bestaatniet").text
    row = app_client.get("/web/betrokkene?index=3")
    assert 'name="betrokkenen[3].bsn"' in row.text and 'hx-swap-oob="true"' in row.text
    assert "index=4" in row.text

    def check(**fields: str) -> str:
        data = {f"locatie.{k}": v for k, v in fields.items()}
        return app_client.post("/web/adres-controle", data={"csrf": csrf, **data}).text

    assert "Adres gevonden: Havenstraat 1, 9991 AA Lindeveen (buurt Oude Haven)" in check(postcode="9991aa",
                                                                                         huisnummer="1")
    assert "Adres gevonden: Molenweg 12" in check(adresId="9990200000000002")
    assert "Adres niet in het adresregister; het signaal kan wel worden opgeslagen" in check(
        postcode="9991AA", huisnummer="7")
    assert "Een postcode bestaat uit 4 cijfers en 2 letters" in check(postcode="999AA", huisnummer="1")
    assert "Geef bij een postcode ook het huisnummer." in check(postcode="9991AA")
    assert check(omschrijving="bij de sluis").strip() == ""


def test_roles_without_register_right_get_403_on_the_form(app_client, world):
    login_as(app_client, world["privacy"])
    r = app_client.get("/signalen/nieuw")
    assert r.status_code == 403 and "Uw rol mag geen signalen registreren." in r.text


# --- reading: need-to-know ------------------------------------------------------------------

def test_partner_cannot_open_another_organisations_signal(app_client, world):
    r = app_client.post("/api/v1/signalen", json=signal_body(omschrijving="Signaal van de netbeheerder."),
                        headers=world["netbeheer"].headers)
    sid = r.json()["id"]
    login_as(app_client, world["woco"])
    page = app_client.get(f"/signalen/{sid}")
    assert page.status_code == 404 and "Niet gevonden" in page.text
    assert "Signaal van de netbeheerder" not in page.text
    assert f"/signalen/{sid}" not in app_client.get("/signalen").text
    assert app_client.get("/signalen/geen-uuid").status_code == 404


def test_coordinator_shares_from_the_detail_page(app_client, world):
    r = app_client.post("/api/v1/signalen", json=signal_body(), headers=world["woco"].headers)
    sid = r.json()["id"]
    csrf = login_as(app_client, world["coordinator"])
    page = app_client.get(f"/signalen/{sid}")
    assert "Delen met een andere organisatie" in page.text
    netbeheer_id = world.orgs["netbeheer"].id
    r = app_client.post(f"/signalen/{sid}/delen", data={"csrf": csrf, "organisatie": netbeheer_id, "reden": " "})
    assert r.status_code == 422 and "Geef de reden (grondslag en doel) van het delen." in r.text
    r = app_client.post(f"/signalen/{sid}/delen", follow_redirects=False,
                        data={"csrf": csrf, "organisatie": netbeheer_id, "reden": "Convenant hennep, art. 4"})
    assert r.status_code == 303
    page = app_client.get(r.headers["location"])
    assert "Het signaal is gedeeld." in page.text and "Convenant hennep, art. 4" in page.text
    app_client.cookies.clear()
    login_as(app_client, world["netbeheer"])
    assert app_client.get(f"/signalen/{sid}").status_code == 200
    assert "Delen met een andere organisatie" not in app_client.get(f"/signalen/{sid}").text


def test_list_filters_and_their_errors(app_client, world):
    app_client.post("/api/v1/signalen", json=signal_body(), headers=world["woco"].headers)
    app_client.post("/api/v1/signalen", headers=world["woco"].headers, json=signal_body(
        fenomeen="woonfraude", indicatoren=[], omschrijving="Twaalf namen op de brievenbus.",
        locatie={"postcode": "9991AB", "huisnummer": 12}))
    csrf = login_as(app_client, world["coordinator"])
    everything = app_client.get("/signalen").text
    assert "2 signalen" in everything
    only = app_client.get("/signalen?fenomeen=woonfraude").text
    assert "1 signaal" in only and "Twaalf namen" in only and "Ramen afgeplakt" not in only
    by_area = app_client.get("/signalen?buurt=BU99900101").text
    assert "Ramen afgeplakt" in by_area and "Twaalf namen" not in by_area
    r = app_client.get("/signalen?vanaf=gisteren&fenomeen=onzin")
    assert r.status_code == 422
    assert "Ongeldige datum; gebruik de vorm JJJJ-MM-DD." in r.text and "Onbekend fenomeen" in r.text
    r = app_client.post("/signalen/zoeken", data={"csrf": csrf, "tekst": " "})
    assert r.status_code == 422 and "Geef een zoekterm" in r.text
    # Search within a filter: the hidden filter fields narrow the search.
    r = app_client.post("/signalen/zoeken", data={"csrf": csrf, "tekst": "namen", "fenomeen": "hennepteelt"})
    assert "Twaalf namen" not in r.text


# --- logboek and beheer -----------------------------------------------------------------------

def test_privacy_officer_reads_the_logboek_and_reading_is_logged(app_client, world, runtime):
    app_client.post("/api/v1/signalen", json=signal_body(), headers=world["woco"].headers)
    login_as(app_client, world["privacy"])
    r = app_client.get("/logboek")
    assert r.status_code == 200
    assert "Logboek" in r.text and "woco@woco.example" in r.text and "Aanmaken" in r.text
    r = app_client.get(f"/logboek?actie=aanmaken&organisatie={world.orgs['woco'].id}")
    assert "Aanmaken" in r.text and "privacy@gemeente.example" not in r.text.split("Regels")[1]
    r = app_client.get("/logboek?keten=controleer")
    assert "De keten is intact" in r.text
    assert app_client.get("/logboek?vanaf=morgen").status_code == 422
    with runtime.db.session() as s:
        reads = s.scalars(select(AccessLogEntry).where(AccessLogEntry.action == logbook.READ_LOG)).all()
        assert len(reads) == 3 and all(e.user_id == world["privacy"].user.id for e in reads)


@pytest.mark.parametrize("actor", ["woco", "coordinator", "beheerder"])
def test_others_get_403_on_the_logboek(app_client, world, actor):
    login_as(app_client, world[actor])
    r = app_client.get("/logboek")
    assert r.status_code == 403 and "Geen toegang" in r.text and "woco@woco.example" not in r.text


def test_beheer_lists_organisations_and_users(app_client, world):
    login_as(app_client, world["beheerder"])
    r = app_client.get("/beheer")
    assert r.status_code == 200
    assert "Gemeente Zandhoven" in r.text and "woco2@woco.example" in r.text and "Privacyfunctionaris" in r.text
    home = app_client.get("/").text
    assert 'href="/beheer"' in home and 'href="/signalen"' not in home
    assert app_client.get("/signalen").status_code == 403
    app_client.cookies.clear()
    login_as(app_client, world["analist"])
    assert app_client.get("/beheer").status_code == 403


def test_start_page_counts_and_links_by_role(app_client, world):
    for _ in range(2):
        app_client.post("/api/v1/signalen", json=signal_body(), headers=world["woco"].headers)
    login_as(app_client, world["coordinator"])
    home = app_client.get("/").text
    assert re.search(r'wb-stat__number">2</span><span class="wb-stat__label">totaal', home)
    assert 'href="/signalen/nieuw"' in home and 'href="/logboek"' not in home
    app_client.cookies.clear()
    login_as(app_client, world["privacy"])
    home = app_client.get("/").text
    assert 'href="/logboek"' in home and "wb-stat__number" not in home


def test_error_pages_are_dutch_html(app_client, world):
    r = app_client.get("/bestaat-niet")
    assert r.status_code == 404 and "Niet gevonden" in r.text and 'lang="nl"' in r.text
