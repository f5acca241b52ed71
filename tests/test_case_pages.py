"""The case pages through the TestClient, on SQLite and PostgreSQL: the list, opening a case
from signals, inviting and sharing (privacy check 2A), the integral weighing (privacy check 2B),
actions and the escalation list, closing; errors beside their fields; a partner sees only what
was shared with it, an organisation not invited gets a 404, a closed case has no edit forms."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from weerbaar.cases import service as cases
from weerbaar.cases.models import Case, CaseAction
from weerbaar.core import clock
from weerbaar.intake import lifecycle, service
from weerbaar.intake.schemas import parse_signal

from .test_web import csrf_of, login_as
from .world import World, signal_body

CASE_URL = re.compile(r"^/casussen/([0-9a-f-]{36})\?melding=geopend$")
PARTY_NAME = "Pieter van der Wal"
DESCRIPTION = "Ramen afgeplakt met folie, dag en nacht zoemend geluid van ventilatoren."


def register(world: World, **overrides: Any) -> str:
    """A signal of the municipality's own partner, as the intake would have it."""
    rt = world.runtime
    with rt.db.transaction() as s:
        data = parse_signal(signal_body(**overrides), rt.catalogue)
        signal = service.register_signal(s, world["coordinator"].principal, data, rt.catalogue,
                                         service.Provenance("formulier"))
        return signal.id


def passed_on(world: World, signal_id: str) -> None:
    """Intake check and weighing: the signal is passed on to the RIEC (status doorgezet)."""
    rt = world.runtime
    who = world["coordinator"].principal
    with rt.db.transaction() as s:
        lifecycle.change_status(s, who, rt.catalogue, signal_id, lifecycle.StatusChange(
            "intake_positief", "Past bij de prioriteiten van de gemeente.",
            intake={k: True for k in lifecycle.INTAKE_QUESTIONS}))
        lifecycle.change_status(s, who, rt.catalogue, signal_id, lifecycle.StatusChange(
            "wegen", "Meerdere partners nodig: door naar het RIEC.",
            scores={"ernst": 3, "concreetheid": 2, "relevantie": 3}, outcome="doorzetten_riec"))


def open_case_form(client, csrf: str, signal_id: str, **overrides: Any) -> str:  # type: ignore[no-untyped-def]
    body = {"csrf": csrf, "titel": "Hennepteelt Havenstraat", "signalen": [signal_id],
            "reden": "Twee partners zien hetzelfde adres."}
    body.update(overrides)
    r = client.post("/casussen/nieuw", data=body, follow_redirects=False)
    assert r.status_code == 303, r.text
    match = CASE_URL.match(r.headers["location"])
    assert match, r.headers["location"]
    return match.group(1)


def post(client, url: str, csrf: str, **fields: Any):  # type: ignore[no-untyped-def]
    return client.post(url, data={"csrf": csrf, **fields}, follow_redirects=False)


def error_beside(html: str, field_id: str) -> str:
    """The error text shown beside a field (the element with id `<field>-fout`)."""
    match = re.search(rf'id="{re.escape(field_id)}-fout">(.*?)</div>', html, re.S)
    assert match, f"geen fout naast {field_id}"
    return re.sub(r"<[^>]+>", "", match.group(1))


def org_id(world: World, key: str) -> str:
    return world.orgs[key].id


def test_list_nav_and_rights(app_client, world) -> None:
    csrf = login_as(app_client, world["coordinator"])
    home = app_client.get("/").text
    assert 'href="/casussen"' in home and 'href="/acties"' in home
    assert 'href="/vooronderzoeken"' in home and 'href="/bekendheid"' in home
    assert "Geen verlopen acties." in home
    r = app_client.get("/casussen")
    assert r.status_code == 200
    assert "Geen casussen gevonden" in r.text and "Casus openen" in r.text
    r = app_client.get("/casussen?status=bestaat_niet")
    assert r.status_code == 422
    assert "Kies uit informatiepositie" in error_beside(r.text, "f-status")
    assert app_client.get("/casussen/nieuw").status_code == 200
    post(app_client, "/uitloggen", csrf)

    # A partner takes part in cases (the menu), but cannot open one.
    login_as(app_client, world["woco"])
    assert 'href="/casussen"' in app_client.get("/").text
    assert 'href="/vooronderzoeken"' not in app_client.get("/").text
    assert "Casus openen" not in app_client.get("/casussen").text
    assert app_client.get("/casussen/nieuw").status_code == 403
    post(app_client, "/uitloggen", csrf_of(app_client.get("/").text))

    # Administration and content are separate: no cases for the beheerder.
    login_as(app_client, world["beheerder"])
    assert 'href="/casussen"' not in app_client.get("/").text
    assert app_client.get("/casussen").status_code == 403
    assert app_client.get("/acties").status_code == 403


def test_open_case_from_a_passed_on_signal_with_errors_beside_fields(app_client, world) -> None:
    signal_id = register(world)
    other = register(world, omschrijving="Nieuw signaal zonder intake, los van de casus.")
    passed_on(world, signal_id)
    csrf = login_as(app_client, world["coordinator"])

    # The signal page offers "Casus openen" once the signal was passed on, not before.
    assert f'href="/casussen/nieuw?signaal={signal_id}"' in app_client.get(f"/signalen/{signal_id}").text
    assert "/casussen/nieuw?signaal=" not in app_client.get(f"/signalen/{other}").text

    form = app_client.get(f"/casussen/nieuw?signaal={signal_id}").text
    assert re.search(rf'value="{signal_id}" checked', form)
    assert f'value="{other}"' not in form  # still new: not offered

    r = post(app_client, "/casussen/nieuw", csrf, titel="", reden="")
    assert r.status_code == 422
    assert "Vul de titel in." in error_beside(r.text, "f-titel")
    assert "minstens één signaal" in error_beside(r.text, "f-signalen")
    with world.runtime.db.session() as s:
        assert s.scalars(select(Case)).first() is None  # nothing stored

    case_id = open_case_form(app_client, csrf, signal_id)
    page = app_client.get(f"/casussen/{case_id}?melding=geopend").text
    assert "De casus is geopend." in page
    assert re.search(r"CAS-\d{4}-0001", page)
    assert "Hennepteelt Havenstraat" in page and DESCRIPTION in page and PARTY_NAME in page
    assert "Informatiepositie opbouwen" in page
    assert "Twee partners zien hetzelfde adres." in page  # the reason in the history
    listing = app_client.get("/casussen").text
    assert f'href="/casussen/{case_id}"' in listing
    assert "Hennepteelt Havenstraat" in app_client.get("/casussen?status=informatiepositie").text
    assert "Geen casussen gevonden" in app_client.get("/casussen?status=afgesloten").text


def test_partner_sees_only_what_was_shared_and_others_get_404(app_client, world) -> None:
    signal_id = register(world)
    csrf = login_as(app_client, world["coordinator"])
    case_id = open_case_form(app_client, csrf, signal_id)
    url = f"/casussen/{case_id}"

    # Inviting without a legal basis: the error stands beside the field; nothing is stored.
    r = post(app_client, f"{url}/deelnemers", csrf, organisatie=org_id(world, "woco"), grondslag="")
    assert r.status_code == 422
    assert "Geef de grondslag" in error_beside(r.text, "uitnodigen-f-grondslag")
    # A legal basis the organisation's type cannot rely on.
    r = post(app_client, f"{url}/deelnemers", csrf, organisatie=org_id(world, "woco"), grondslag="wpg_art_20")
    assert r.status_code == 422
    assert "kan een woningcorporatie niet deelnemen" in error_beside(r.text, "uitnodigen-f-grondslag")
    r = post(app_client, f"{url}/deelnemers", csrf, organisatie=org_id(world, "woco"),
             grondslag="woningwet_hennepconvenant", reden="Verhuurder van de woning.")
    assert r.status_code == 303
    # Inviting twice is a conflict, shown on the form.
    r = post(app_client, f"{url}/deelnemers", csrf, organisatie=org_id(world, "woco"),
             grondslag="woningwet_hennepconvenant")
    assert r.status_code == 409
    assert "neemt al deel aan deze casus" in r.text

    page = app_client.get(url).text
    assert "Delen met Woonstichting Thuisvast" in page
    assert "Hennepconvenant" in page or "hennep" in page.lower()

    # Sharing without fields or reason: each error beside its part of the form.
    r = post(app_client, f"{url}/delen", csrf, organisatie=org_id(world, "woco"), signalen=[signal_id])
    assert r.status_code == 422
    assert "dataminimalisatie" in error_beside(r.text, "delen-1-f-velden")
    assert "waarom dit nodig is" in error_beside(r.text, "delen-1-f-reden")
    r = post(app_client, f"{url}/delen", csrf, organisatie=org_id(world, "woco"), signalen=[signal_id],
             velden=["locatie", "indicatoren"], reden="Het adres is nodig voor het huurdossier.")
    assert r.status_code == 303

    post(app_client, "/uitloggen", csrf)
    login_as(app_client, world["woco"])
    assert "Hennepteelt Havenstraat" in app_client.get("/casussen").text
    page = app_client.get(url)
    assert page.status_code == 200
    assert "Havenstraat 1" in page.text  # locatie shared
    assert "HT-01" in page.text  # indicatoren shared
    assert PARTY_NAME not in page.text and "Groeimaat" not in page.text  # betrokkenen not
    assert DESCRIPTION not in page.text  # omschrijving not
    assert "111222333" not in page.text
    assert "Niet met uw organisatie gedeeld: omschrijving, betrokkenen" in page.text
    assert "U ziet alleen wat met Woonstichting Thuisvast is gedeeld" in page.text
    assert f'action="{url}/deelnemers"' not in page.text and f'action="{url}/weging"' not in page.text
    assert post(app_client, f"{url}/deelnemers", csrf_of(page.text), organisatie=org_id(world, "politie"),
                grondslag="riec_convenant").status_code == 403

    # Not invited: the case does not exist for them.
    for actor in ("politie", "buur_coordinator"):
        post(app_client, "/uitloggen", csrf_of(app_client.get("/").text))
        login_as(app_client, world[actor])
        assert app_client.get(url).status_code == 404
        assert "Hennepteelt Havenstraat" not in app_client.get("/casussen").text


def test_weighing_actions_escalation_and_closing(app_client, world) -> None:
    signal_id = register(world)
    csrf = login_as(app_client, world["coordinator"])
    case_id = open_case_form(app_client, csrf, signal_id)
    url = f"/casussen/{case_id}"
    for key, basis in (("woco", "woningwet_hennepconvenant"), ("politie", "riec_convenant")):
        assert post(app_client, f"{url}/deelnemers", csrf, organisatie=org_id(world, key),
                    grondslag=basis).status_code == 303
    assert post(app_client, f"{url}/status", csrf, overgang="naar_weging").status_code == 303

    # Going to execution without a decision: refused beside the button.
    r = post(app_client, f"{url}/status", csrf, overgang="naar_uitvoering")
    assert r.status_code == 422
    assert "Leg eerst de integrale weging vast" in r.text

    # A chosen instrument without privacy check 2B: every missing field beside its place.
    weighing = {"instrument": ["sluiting_13b", "huurontbinding_hennep", "strafrechtelijk_onderzoek"],
                "besluit.huurontbinding_hennep.gekozen": "ja",
                "besluit.huurontbinding_hennep.motivering": "Hennepteelt in een huurwoning: ontbinden.",
                "besluit.huurontbinding_hennep.organisatie": org_id(world, "woco"),
                "besluit.sluiting_13b.gekozen": "nee"}
    r = post(app_client, f"{url}/weging", csrf, **weighing)
    assert r.status_code == 422
    assert "waarom het instrument wel of niet is gekozen" in error_beside(
        r.text, "weging-f-besluit-sluiting-13b-motivering")
    assert "Vul het doel in." in error_beside(r.text, "weging-f-privacytoets2b-doel")
    assert "Geef de grondslag" in error_beside(r.text, "weging-f-privacytoets2b-grondslag")
    assert "Hennepteelt in een huurwoning: ontbinden." in r.text  # what was typed stays
    check = {"privacytoets2b.grondslag": "woningwet_hennepconvenant",
             "privacytoets2b.doel": "De huurovereenkomst ontbinden wegens hennepteelt.",
             "privacytoets2b.noodzaak": "Zonder de bevindingen kan de verhuurder niet ontbinden.",
             "privacytoets2b.proportionaliteit": "Alleen het adres en de bevindingen, geen namen van derden.",
             "privacytoets2b.subsidiariteit": "Een waarschuwing heeft eerder niet geholpen.",
             "privacytoets2b.extraDeling": "Het proces-verbaal van de politie.",
             "privacytoets2b.organisaties": [org_id(world, "woco")],
             "besluit.sluiting_13b.motivering": "Geen openbare-ordeprobleem rond de woning."}
    assert post(app_client, f"{url}/weging", csrf, **weighing, **check).status_code == 303
    page = app_client.get(url).text
    assert "Privacytoets 2B" in page and "Het proces-verbaal van de politie." in page
    assert "niet gekozen" in page and "uitvoering door Woonstichting Thuisvast" in page
    assert post(app_client, f"{url}/status", csrf, overgang="naar_uitvoering").status_code == 303

    # An action: a date that is no date, and missing fields, each beside its field.
    r = post(app_client, f"{url}/acties", csrf, omschrijving="", organisatie="", verantwoordelijke="",
             deadline="31-02-2026")
    assert r.status_code == 422
    assert "JJJJ-MM-DD" in error_beside(r.text, "actie-f-deadline")
    assert "Kies de organisatie" in error_beside(r.text, "actie-f-organisatie")
    assert "Noem wie verantwoordelijk is." in error_beside(r.text, "actie-f-verantwoordelijke")
    with world.runtime.db.session() as s:
        assert s.scalars(select(CaseAction)).first() is None
    past = (clock.today() - timedelta(days=3)).isoformat()
    future = (clock.today() + timedelta(days=30)).isoformat()
    assert post(app_client, f"{url}/acties", csrf, omschrijving="Huurovereenkomst ontbinden",
                organisatie=org_id(world, "woco"), verantwoordelijke="J. de Verhuurder",
                deadline=future).status_code == 303
    assert post(app_client, f"{url}/acties", csrf, omschrijving="Proces-verbaal aanleveren",
                organisatie=org_id(world, "politie"), verantwoordelijke="Agent Bakker",
                deadline=past).status_code == 303

    overdue = app_client.get("/acties?status=verlopen").text
    assert "Proces-verbaal aanleveren" in overdue and "Huurovereenkomst ontbinden" not in overdue
    assert "wb-overdue" in overdue and "1 actie" in overdue
    assert "Proces-verbaal aanleveren" in app_client.get("/").text  # the start page's list
    assert app_client.get("/acties?status=onzin").status_code == 422
    listing = app_client.get("/casussen").text
    assert "wb-overdue" in listing

    # The woco user updates its own action; it sees the other's responsible pseudonymised.
    post(app_client, "/uitloggen", csrf)
    wcsrf = login_as(app_client, world["woco"])
    page = app_client.get(url).text
    assert "medewerker van Politie Basisteam Lindeveen" in page and "Agent Bakker" not in page
    assert page.count("Voortgang bijwerken") == 1
    with world.runtime.db.session() as s:
        own = s.scalars(select(CaseAction.id).where(CaseAction.organisation_id == org_id(world, "woco"))).one()
        other = s.scalars(select(CaseAction.id).where(CaseAction.organisation_id == org_id(world, "politie"))).one()
    r = post(app_client, f"{url}/acties/{own}/status", wcsrf, status="", toelichting="")
    assert r.status_code == 422
    assert "Kies de status" in error_beside(r.text, f"actie-{own}-f-status")
    assert post(app_client, f"{url}/acties/{own}/status", wcsrf, status="gereed",
                toelichting="Ontbinding is verstuurd.").status_code == 303
    assert post(app_client, f"{url}/acties/{other}/status", wcsrf, status="gereed").status_code == 403
    post(app_client, "/uitloggen", wcsrf)

    # Closing: result and a follow-up date in the future, each error beside its field.
    csrf = login_as(app_client, world["coordinator"])
    r = post(app_client, f"{url}/status", csrf, overgang="afsluiten", reden="Klaar", resultaat="",
             nazorgdatum=clock.today().isoformat())
    assert r.status_code == 422
    assert "Kies het resultaat" in error_beside(r.text, "status-afsluiten-f-resultaat")
    assert "De nazorgdatum ligt na vandaag." in error_beside(r.text, "status-afsluiten-f-nazorgdatum")
    assert "minstens 10 tekens" in error_beside(r.text, "status-afsluiten-f-reden")
    follow_up = (clock.today() + timedelta(days=90)).isoformat()
    assert post(app_client, f"{url}/status", csrf, overgang="afsluiten", resultaat="huurcontract_ontbonden",
                nazorgdatum=follow_up, reden="De huurovereenkomst is ontbonden.").status_code == 303

    closed = app_client.get(url).text
    assert "Deze casus is afgesloten en alleen-lezen." in closed
    assert "Huurcontract ontbonden" in closed and "Herhaalsignalen" in closed
    for action in ("deelnemers", "delen", "weging", "acties"):
        assert f'action="{url}/{action}"' not in closed
    assert "Voortgang bijwerken" not in closed
    assert 'name="overgang" value="heropenen"' in closed
    assert closed.count('method="post" action="/casussen/') == 1  # only the reopen form
    r = post(app_client, f"{url}/acties", csrf, omschrijving="Nog iets doen", organisatie=org_id(world, "woco"),
             verantwoordelijke="Iemand", deadline=future)
    assert r.status_code == 409
    assert "afgesloten en alleen-lezen" in r.text

    # A new signal on the same address after closing is a repeat signal.
    repeat = register(world, omschrijving="Weer zoemend geluid en afgeplakte ramen op hetzelfde adres.")
    assert f'href="/signalen/{repeat}"' in app_client.get(url).text

    r = post(app_client, f"{url}/status", csrf, overgang="heropenen", reden="Nieuwe signalen op het adres.")
    assert r.status_code == 303
    reopened = app_client.get(url).text
    assert f'action="{url}/acties"' in reopened and "Uitvoering en monitoring" in reopened
    with world.runtime.db.session() as s:
        assert cases.current_status(s, case_id) == "uitvoering"


def test_privacy_check_1_on_the_case_page_opens_the_subjects_names(app_client, world) -> None:
    from weerbaar.intake.models import SignalParty
    from weerbaar.resolve.models import SignalSubject

    from .er_rows import build_linked
    from .world import CHECK_TEXTS

    build_linked(world)
    signal = register(world)
    passed_on(world, signal)
    with world.runtime.db.transaction() as s:
        party = s.scalars(select(SignalParty.id).where(SignalParty.signal_id == signal,
                                                       SignalParty.kind == "persoon")).first()
        s.add(SignalSubject(signal_id=signal, party_id=party, subject_id="P-000001", probability=0.95))
    csrf = login_as(app_client, world["coordinator"])
    cid = open_case_form(app_client, csrf, signal)
    page = app_client.get(f"/casussen/{cid}").text
    assert "(naam pas na privacytoets 1)" in page and 'action="/casussen/' + cid + '/privacytoets"' in page
    r = post(app_client, f"/casussen/{cid}/privacytoets", csrf, grondslag="gemeentewet_172", doel="",
             noodzaak=CHECK_TEXTS["necessity"], proportionaliteit=CHECK_TEXTS["proportionality"],
             subsidiariteit=CHECK_TEXTS["subsidiarity"], subjecten=["P-000001"])
    assert r.status_code == 422
    assert "Verplicht" in error_beside(r.text, "privacytoets-f-doel")
    r = post(app_client, f"/casussen/{cid}/privacytoets", csrf, grondslag="gemeentewet_172",
             doel=CHECK_TEXTS["purpose"], noodzaak=CHECK_TEXTS["necessity"],
             proportionaliteit=CHECK_TEXTS["proportionality"], subsidiariteit=CHECK_TEXTS["subsidiarity"],
             subjecten=["P-000001"])
    assert r.status_code == 303, r.text
    assert "Privacytoets 1 is vastgelegd" in app_client.get(r.headers["location"]).text
    page = app_client.get(f"/casussen/{cid}").text
    subjects = page[page.index('id="subjecten"'):page.index('id="deelnemers"')]
    assert "(naam pas na privacytoets 1)" not in subjects, subjects
