"""A coordinator opens a linked person's card and judges a doubtful pair, in Chromium."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from weerbaar.resolve.models import MatchJudgement, ReviewPair, SubjectLink
from weerbaar.resolve.service import run_resolution

from ..test_resolve_service import populate
from ..world import privacy_check
from .conftest import Live
from .test_signal_flow import DESKTOP, log_in


def test_coordinator_reads_a_card_and_judges_a_pair(live: Live, browser, screenshots: Path) -> None:
    from playwright.sync_api import expect

    world = live.world
    ids = populate(world)
    with world.runtime.db.transaction() as s:
        run_resolution(s, world["coordinator"].principal)
    with world.runtime.db.session() as s:
        pieter = s.scalar(select(SubjectLink.subject_id).where(SubjectLink.record_id == ids["personen"][0],
                                                               SubjectLink.role == "persoon"))
        queued = s.scalars(select(ReviewPair)).all()
    assert pieter and queued, "the run must link Pieter and leave the two Anouk Bakkers in doubt"
    privacy_check(world, "coordinator", [pieter])  # the gate: details only after privacy check 1

    page = browser.new_context(viewport=DESKTOP, locale="nl-NL").new_page()
    log_in(page, live, "coordinator")
    page.goto(f"{live.url}/subjecten/{pieter}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("van der Wal")
    sources = page.locator("#bronregistraties").locator("xpath=..")
    for source in ("personen", "huurcontracten", "functionarissen"):
        expect(sources).to_contain_text(source)
    expect(page.locator("body")).to_contain_text("Relaties")
    page.screenshot(path=str(screenshots / "subjectkaart.png"), full_page=True)

    page.get_by_role("link", name="Koppelvoorstellen").click()
    expect(page).to_have_url(re.compile(r"/koppelvoorstellen"))
    expect(page.locator("body")).to_contain_text("Bakker")
    page.screenshot(path=str(screenshots / "koppelvoorstellen.png"), full_page=True)
    page.get_by_label("Toelichting").first.fill("Andere geboortedatum en ander adres: moeder en dochter.")
    page.get_by_role("button", name="Afwijzen: verschillend").first.click()
    expect(page.get_by_role("status")).to_contain_text("Vastgelegd: verschillend")
    with world.runtime.db.session() as s:
        verdicts = s.scalars(select(MatchJudgement.verdict)).all()
    assert verdicts == ["verschillend"]
