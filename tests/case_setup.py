"""A case at the partner table, set up through the case write path (cases/service.py), for the
tests of meetings, reports, threats and the ZGW export.

Two signals and two subjects; woco is shared signal A and subject P-…01 (description and parties),
politie is shared signal B and subject P-…02 (description only). Texts are synthetic and unique,
so a test can look for them in any output.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from fastapi.testclient import TestClient

from weerbaar.cases import privacy, service
from weerbaar.cases.models import Case
from weerbaar.resolve.models import Subject

from .world import CHECK_TEXTS, World, signal_body

API = "/api/v1"
TEXT_WOCO = "Woonfraude-aanwijzing Zwaluwstraat: buren horen 's nachts rolkoffers (gedeeld met woco)."
TEXT_POLITIE = "Politie-aanwijzing Kraanvogelpad: bestelbus met Belgisch kenteken wacht vaak (alleen politie)."
SUBJECT_WOCO = ("P-000901", "Ëlla Dûpont-Vermeulen (1979)")
SUBJECT_POLITIE = ("P-000902", "Quirijn Zeegers-Bakhuis (1983)")
CHOICE_REASONS = "Het pand wordt vermoedelijk als hennepkwekerij gebruikt; sluiting stopt dat."


@dataclass
class CaseSetup:
    case: Case
    signal_woco: str
    signal_politie: str


def register(client: TestClient, world: World, description: str, actor: str = "coordinator") -> str:
    body = signal_body(omschrijving=description, betrokkenen=[], vertrouwelijkheid="zaakvertrouwelijk")
    r = client.post(f"{API}/signalen", headers=world[actor].headers, json=body)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def make_case(client: TestClient, world: World, title: str = "Hennepzolder Zwaluwstraat",
              at: datetime | None = None, partners: tuple[str, ...] = ("woco", "politie")) -> CaseSetup:
    """A case with the two signals and subjects; each of `partners` invited and given its share."""
    signal_woco = register(client, world, TEXT_WOCO)
    signal_politie = register(client, world, TEXT_POLITIE)
    rt = world.runtime
    coordinator = world["coordinator"].principal
    with rt.db.transaction() as s:
        for sid, label in (SUBJECT_WOCO, SUBJECT_POLITIE):
            if s.get(Subject, sid) is None:
                s.add(Subject(id=sid, kind="persoon", municipality_code="GM9990", label=label))
        s.flush()
        case = service.open_case(s, coordinator, rt.catalogue, service.NewCase(
            title=title, signals=[signal_woco, signal_politie], subjects=[SUBJECT_WOCO[0], SUBJECT_POLITIE[0]],
            confidentiality="zaakvertrouwelijk"), at=at)
        if "woco" in partners:
            service.invite(s, coordinator, rt.catalogue, case.id, world.orgs["woco"].id,
                           "woningwet_hennepconvenant", "Verhuurder van het pand.")
            service.share(s, coordinator, rt.catalogue, case.id, world.orgs["woco"].id, [signal_woco],
                          [SUBJECT_WOCO[0]], ["omschrijving", "betrokkenen"], "Nodig om de huur te kunnen beoordelen.")
        if "politie" in partners:
            service.invite(s, coordinator, rt.catalogue, case.id, world.orgs["politie"].id, "riec_convenant",
                           "Strafrechtelijke informatiepositie.")
            service.share(s, coordinator, rt.catalogue, case.id, world.orgs["politie"].id, [signal_politie],
                          [SUBJECT_POLITIE[0]], ["omschrijving"], "Nodig voor de strafrechtelijke afweging.")
        # Privacy check 1 on the case: the intake team may see who its subjects are.
        privacy.record_check_1(s, coordinator, rt.catalogue, case_id=case.id, legal_basis="gemeentewet_172",
                               subject_ids=[SUBJECT_WOCO[0], SUBJECT_POLITIE[0]], **CHECK_TEXTS)
        s.expunge(case)
    return CaseSetup(case, signal_woco, signal_politie)


def decide_closure(world: World, case_id: str, meeting_id: str | None = None) -> list[str]:
    """Weigh the case (13b chosen, with privacy check 2B) and return the decision ids."""
    rt = world.runtime
    with rt.db.transaction() as s:
        rows = service.decide(s, world["coordinator"].principal, rt.catalogue, case_id, [
            service.Choice("sluiting_13b", True, CHOICE_REASONS, world.orgs["gemeente"].id)],
            service.Check2B("opiumwet_13b", "Sluiting van het pand voorbereiden.",
                            "Zonder de signalen kan de burgemeester niet besluiten.",
                            "Alleen de gegevens over dit pand worden gedeeld.",
                            "Een waarschuwing is al eerder gegeven, zonder effect.", "geen"),
            meeting_id=meeting_id)
        return [r.id for r in rows]


def close(world: World, case_id: str, result: str = "pand_gesloten") -> None:
    rt = world.runtime
    c = world["coordinator"].principal
    with rt.db.transaction() as s:
        service.change_status(s, c, rt.catalogue, case_id, service.CaseChange("naar_weging"))
        service.change_status(s, c, rt.catalogue, case_id, service.CaseChange("naar_uitvoering"))
        service.change_status(s, c, rt.catalogue, case_id, service.CaseChange(
            "afsluiten", reason="Het pand is gesloten voor drie maanden.", result=result,
            follow_up_on=date.today() + timedelta(days=180)))
