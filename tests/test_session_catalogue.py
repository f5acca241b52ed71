"""beraad.yaml: the five-B session's phases, roles and voting rules are catalogue data. The shipped
file validates; a broken copy names every problem, in Dutch; the session reads its limits from it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from weerbaar.core.catalogue import SESSION_PHASES, load_catalogue
from weerbaar.core.clock import today
from weerbaar.core.config import PACKAGE_DIR
from weerbaar.core.errors import ValidationFailed
from weerbaar.prevention import sessions

from .test_catalogue import _problems
from .world import World

NAME = "beraad.yaml"


def test_the_shipped_session_method_validates() -> None:
    cat = load_catalogue(PACKAGE_DIR / "catalogus")
    method = sessions.method_of(cat)
    assert [p.code for p in method.fasen] == list(SESSION_PHASES) == list(sessions.PHASE_CODES)
    assert list(method.phase_names.values()) == ["Binden", "Boeien", "Bekwamen", "Bepalen", "Beklinken"]
    assert all(p.doel and p.toelichting for p in method.fasen)
    assert list(method.roles) == ["voorzitter", "procesbegeleider", "deelnemer", "deskundige", "notulist"]
    assert (method.stemmen.fenomenen, method.stemmen.strategieen, method.beeld_maanden) == (3, 3, 12)
    assert sessions.points_rule(cat) == "3, 2 of 1 punt voor een eerste, tweede of derde plaats"


def _edit(folder: Path, change: Callable[[Any], None]) -> None:
    path = folder / NAME
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def unknown_phase(d: Any) -> None:
    d["fasen"][2]["code"] = "bezinnen"


def missing_phase(d: Any) -> None:
    d["fasen"] = [f for f in d["fasen"] if f["code"] != "boeien"]


def reordered_phases(d: Any) -> None:
    d["fasen"][3], d["fasen"][4] = d["fasen"][4], d["fasen"][3]


def phase_twice(d: Any) -> None:
    d["fasen"].append(dict(d["fasen"][0]))


def phase_without_name(d: Any) -> None:
    del d["fasen"][1]["naam"]


def no_roles(d: Any) -> None:
    d["rollen"] = []


def role_twice(d: Any) -> None:
    d["rollen"].append(dict(d["rollen"][0]))


def no_ranking(d: Any) -> None:
    d["stemmen"]["fenomenen"] = 0


def too_many_strategies(d: Any) -> None:
    d["stemmen"]["strategieen"] = 11


def vote_limit_not_a_number(d: Any) -> None:
    d["stemmen"]["fenomenen"] = "drie"


PLANTED: list[tuple[Callable[[Any], None], list[str]]] = [
    (unknown_phase, ["veld 'fasen': onbekende fase 'bezinnen'", "de fase 'bekwamen' ontbreekt"]),
    (missing_phase, ["veld 'fasen': de fase 'boeien' ontbreekt; Weerbaar werkt per fase"]),
    (reordered_phases, ["de fasen staan in de volgorde binden, boeien, bekwamen, beklinken, bepalen; die moet zijn: "
                        "binden, boeien, bekwamen, bepalen, beklinken"]),
    (phase_twice, ["veld 'fasen': fase 'binden' komt meer dan eens voor"]),
    (phase_without_name, ["veld 'fasen.1.naam': ontbreekt"]),
    (no_roles, ["veld 'rollen': moet minstens 1 elementen hebben"]),
    (role_twice, ["veld 'rollen': rol 'voorzitter' komt meer dan eens voor"]),
    (no_ranking, ["veld 'stemmen.fenomenen': moet minstens 1 zijn"]),
    (too_many_strategies, ["veld 'stemmen.strategieen': mag hoogstens 10 zijn"]),
    (vote_limit_not_a_number, ["veld 'stemmen.fenomenen': moet een geheel getal zijn"]),
]


@pytest.mark.parametrize(("plant", "expected"), PLANTED, ids=[p.__name__ for p, _ in PLANTED])
def test_each_planted_error_is_named(copy_of_catalogue: Path, plant: Callable[[Any], None],
                                     expected: list[str]) -> None:
    _edit(copy_of_catalogue, plant)
    problems = _problems(copy_of_catalogue)
    assert len(problems) == len(expected), problems
    for words in expected:
        assert any(p.startswith(f"{NAME}: ") and words in p for p in problems), (words, problems)


def test_every_problem_is_named_at_once(copy_of_catalogue: Path) -> None:
    together = (missing_phase, no_roles, no_ranking, too_many_strategies)

    def everything(d: Any) -> None:
        for plant in together:
            plant(d)

    _edit(copy_of_catalogue, everything)
    problems = _problems(copy_of_catalogue)
    expected = [w for plant, words in PLANTED if plant in together for w in words]
    for words in expected:
        assert any(words in p for p in problems), (words, problems)
    assert len(problems) == len(expected), problems


def test_a_missing_file_is_named(copy_of_catalogue: Path) -> None:
    (copy_of_catalogue / NAME).unlink()
    assert any(p.startswith(NAME) and "kan niet worden gelezen" in p for p in _problems(copy_of_catalogue))


def test_names_roles_and_limits_come_from_the_catalogue(app_client: TestClient, world: World,
                                                        copy_of_catalogue: Path) -> None:
    """A catalogue with other names, roles and limits changes what the session shows and accepts."""
    def change(d: Any) -> None:
        d["fasen"][0]["naam"] = "Verbinden"
        d["rollen"] = [{"code": "gastheer", "naam": "Gastheer", "toelichting": "Ontvangt de tafel."}]
        d["stemmen"] = {"fenomenen": 2, "strategieen": 1}

    _edit(copy_of_catalogue, change)
    cat = load_catalogue(copy_of_catalogue)
    assert sessions.points_rule(cat) == "2 of 1 punt voor een eerste of tweede plaats"
    principal = world["coordinator"].principal
    org = world.orgs["gemeente"].id
    phenomena, options = list(cat.phenomena)[:3], list(sessions.strategies(cat))[:2]
    with world.runtime.db.transaction() as s:
        sid = sessions.create_session(s, principal, "Beraad volgens een eigen catalogus", today()).id
        chair = sessions.NewParticipant("Anna Aan Tafel", org, "voorzitter")
        with pytest.raises(ValidationFailed) as refused:
            sessions.add_participant(s, principal, cat, sid, chair)
        assert [(e.name, e.reason) for e in refused.value.errors] == [("rol", "Kies de rol: gastheer.")]
        host = sessions.NewParticipant("Anna Aan Tafel", org, "gastheer")
        person = sessions.add_participant(s, principal, cat, sid, host)
        with pytest.raises(ValidationFailed) as refused:
            sessions.vote(s, principal, cat, sid, person.id, phenomena, options)
        assert {(e.name, e.reason) for e in refused.value.errors} == {
            ("fenomenen", "Rangschik hoogstens 2 fenomenen."), ("strategieen", "Kies hoogstens 1 strategieën.")}
        sessions.vote(s, principal, cat, sid, person.id, phenomena[:2], options[:1])
        view = sessions.session_view(s, principal, cat, sid, log=False)
        assert [(r.code, r.points) for r in view.tally.phenomena] == [(phenomena[0], 2), (phenomena[1], 1)]
        assert view.phases[0].name == "Verbinden" and view.phase("binden").explanation
