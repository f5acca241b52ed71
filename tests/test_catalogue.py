"""The catalogue: the shipped one validates; a broken copy names every problem, in Dutch."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from weerbaar.core.catalogue import CatalogueError, load_catalogue
from weerbaar.core.config import PACKAGE_DIR

SHIPPED = PACKAGE_DIR / "catalogus"


def test_shipped_catalogue_validates() -> None:
    cat = load_catalogue(SHIPPED)
    assert len(cat.phenomena) == 12
    assert all(len(p.signaalkaart) >= 8 for p in cat.phenomena.values())
    assert set(cat.roles) == {"beheerder", "coordinator", "analist", "partner", "privacy"}
    assert cat.confidentiality_levels[0] == "openbaar" and cat.confidentiality_levels[-1] == "zeer_geheim"


def test_every_indicator_belongs_to_exactly_one_phenomenon() -> None:
    cat = load_catalogue(SHIPPED)
    total = sum(len(p.signaalkaart) for p in cat.phenomena.values())
    assert len(cat.indicators) == total


# --------------------------------------------------------------------------------------------
# Planted errors, each with the words its Dutch problem must contain.
# --------------------------------------------------------------------------------------------
def _edit(folder: Path, name: str, change: Callable[[Any], None]) -> None:
    path = folder / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def unknown_partner_type(folder: Path) -> None:
    _edit(folder, "fenomenen/hennepteelt.yaml", lambda d: d["partnertypen"].append("bakkerij"))


def duplicate_indicator(folder: Path) -> None:
    def change(d: Any) -> None:
        d["signaalkaart"][1]["code"] = d["signaalkaart"][0]["code"]

    _edit(folder, "fenomenen/horeca.yaml", change)


def missing_field(folder: Path) -> None:
    _edit(folder, "fenomenen/sport.yaml", lambda d: d.pop("naam"))


def wrong_zgw_order(folder: Path) -> None:
    def change(d: Any) -> None:
        d["niveaus"][6], d["niveaus"][7] = d["niveaus"][7], d["niveaus"][6]

    _edit(folder, "vertrouwelijkheid.yaml", change)


def unknown_right(folder: Path) -> None:
    def change(d: Any) -> None:
        partner = next(r for r in d["rollen"] if r["code"] == "partner")
        partner["rechten"].append("signalen.verwijderen")

    _edit(folder, "rollen.yaml", change)


def role_with_unknown_organisation_type(folder: Path) -> None:
    def change(d: Any) -> None:
        analist = next(r for r in d["rollen"] if r["code"] == "analist")
        analist["organisatietypen"] = ["gemeente", "ruimtevaart"]

    _edit(folder, "rollen.yaml", change)


def too_few_indicators(folder: Path) -> None:
    _edit(folder, "fenomenen/woonfraude.yaml", lambda d: d.__setitem__("signaalkaart", d["signaalkaart"][:3]))


def not_a_mapping(folder: Path) -> None:
    (folder / "brongradering.yaml").write_text("- A\n- B\n", encoding="utf-8")


def broken_yaml(folder: Path) -> None:
    (folder / "organisatietypen.yaml").write_text("versie: 1\norganisatietypen: [\n", encoding="utf-8")


def instrument_on_unknown_basis(folder: Path) -> None:
    def change(d: Any) -> None:
        next(i for i in d["instrumenten"] if i["code"] == "sluiting_13b")["grondslag"] = "opiumwet_99z"

    _edit(folder, "instrumenten.yaml", change)


def instrument_of_unknown_kind(folder: Path) -> None:
    def change(d: Any) -> None:
        next(i for i in d["instrumenten"] if i["code"] == "fiscale_controle")["soort"] = "magisch"

    _edit(folder, "instrumenten.yaml", change)


def instrument_for_unknown_phenomenon_and_owner(folder: Path) -> None:
    def change(d: Any) -> None:
        bibob = next(i for i in d["instrumenten"] if i["code"] == "bibob_onderzoek")
        bibob["fenomenen"].append("tulpenbollen")

    _edit(folder, "instrumenten.yaml", change)


def instrument_step_twice(folder: Path) -> None:
    def change(d: Any) -> None:
        steps = next(i for i in d["instrumenten"] if i["code"] == "huurontbinding_hennep")["stappen"]
        steps.append(dict(steps[0]))

    _edit(folder, "instrumenten.yaml", change)


def basis_for_unknown_partner(folder: Path) -> None:
    def change(d: Any) -> None:
        next(b for b in d["grondslagen"] if b["code"] == "wet_bibob")["partnertypen"].append("ruimtevaart")

    _edit(folder, "grondslagen.yaml", change)


def basis_without_purpose(folder: Path) -> None:
    def change(d: Any) -> None:
        next(b for b in d["grondslagen"] if b["code"] == "wgs")["doelen"] = []

    _edit(folder, "grondslagen.yaml", change)


def transition_to_unknown_status(folder: Path) -> None:
    def change(d: Any) -> None:
        next(t for t in d["overgangen"] if t["code"] == "afsluiten")["naar"] = "vergeten"

    _edit(folder, "signaalverloop.yaml", change)


def weighing_outcome_without_status(folder: Path) -> None:
    def change(d: Any) -> None:
        d["weging"]["uitkomsten"]["bellen"] = "Even bellen"

    _edit(folder, "signaalverloop.yaml", change)


def transition_with_unknown_right(folder: Path) -> None:
    def change(d: Any) -> None:
        next(t for t in d["overgangen"] if t["code"] == "heropenen")["recht"] = "signalen.toveren"

    _edit(folder, "signaalverloop.yaml", change)


def flow_without_new(folder: Path) -> None:
    def change(d: Any) -> None:
        d["statussen"] = [st for st in d["statussen"] if st["code"] != "nieuw"]
        for t in d["overgangen"]:
            t["van"] = [v for v in t["van"] if v != "nieuw"] or ["in_behandeling"]

    _edit(folder, "signaalverloop.yaml", change)


def case_closing_without_follow_up(folder: Path) -> None:
    def change(d: Any) -> None:
        next(t for t in d["overgangen"] if t["code"] == "afsluiten")["vereist"] = ["reden", "resultaat"]

    _edit(folder, "casusverloop.yaml", change)


def case_transition_with_unknown_requirement(folder: Path) -> None:
    def change(d: Any) -> None:
        next(t for t in d["overgangen"] if t["code"] == "heropenen")["vereist"] = ["handtekening"]

    _edit(folder, "casusverloop.yaml", change)


def case_flow_without_open_action_status(folder: Path) -> None:
    def change(d: Any) -> None:
        del d["actiestatussen"]["open"]

    _edit(folder, "casusverloop.yaml", change)


PLANTED: list[tuple[Callable[[Path], None], list[str]]] = [
    (unknown_partner_type, ["hennepteelt", "onbekend partnertype", "bakkerij"]),
    (duplicate_indicator, ["indicatorcode HO-01", "komt voor", "horeca"]),
    (missing_field, ["sport.yaml", "naam", "ontbreekt"]),
    (wrong_zgw_order, ["vertrouwelijkheid.yaml", "ZGW-ladder"]),
    (unknown_right, ["rollen.yaml", "partner", "onbekend recht", "signalen.verwijderen"]),
    (role_with_unknown_organisation_type, ["rollen.yaml", "analist", "onbekend organisatietype", "ruimtevaart"]),
    (too_few_indicators, ["woonfraude.yaml", "signaalkaart", "minstens 8"]),
    (instrument_on_unknown_basis, ["instrumenten.yaml", "sluiting_13b", "onbekende grondslag", "opiumwet_99z"]),
    (instrument_of_unknown_kind, ["instrumenten.yaml", "fiscale_controle", "soort 'magisch'", "preventief"]),
    (instrument_for_unknown_phenomenon_and_owner, ["instrumenten.yaml", "bibob_onderzoek", "onbekend fenomeen",
                                                   "tulpenbollen"]),
    (instrument_step_twice, ["instrumenten.yaml", "huurontbinding_hennep", "stap 'gesprek_huurder'",
                             "meer dan eens"]),
    (basis_for_unknown_partner, ["grondslagen.yaml", "wet_bibob", "onbekend organisatietype", "ruimtevaart"]),
    (basis_without_purpose, ["grondslagen.yaml", "doelen", "minstens 1"]),
    (transition_to_unknown_status, ["signaalverloop.yaml", "afsluiten", "onbekende status 'vergeten'"]),
    (weighing_outcome_without_status, ["signaalverloop.yaml", "wegen", "elke uitkomst", "bellen"]),
    (transition_with_unknown_right, ["signaalverloop.yaml", "heropenen", "onbekend recht", "signalen.toveren"]),
    (flow_without_new, ["signaalverloop.yaml", "'nieuw' ontbreekt"]),
    (case_closing_without_follow_up, ["casusverloop.yaml", "afsluiten", "nazorgdatum"]),
    (case_transition_with_unknown_requirement, ["casusverloop.yaml", "heropenen", "onbekend 'handtekening'"]),
    (case_flow_without_open_action_status, ["casusverloop.yaml", "actiestatus 'open'"]),
]


def _problems(folder: Path) -> list[str]:
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(folder)
    assert str(caught.value).startswith("De catalogus is ongeldig:")
    problems = caught.value.problems
    for problem in problems:  # Dutch, never the English of pydantic or DuckDB's own words alone
        assert not re.search(r"Input should|Field required|Value error", problem), problem
    return problems


@pytest.mark.parametrize(("plant", "words"), PLANTED, ids=[p.__name__ for p, _ in PLANTED])
def test_each_planted_error_is_named(copy_of_catalogue: Path, plant: Callable[[Path], None],
                                     words: list[str]) -> None:
    plant(copy_of_catalogue)
    problems = _problems(copy_of_catalogue)
    assert len(problems) == 1, problems
    assert all(w in problems[0] for w in words), problems


def test_all_planted_errors_are_named_at_once(copy_of_catalogue: Path) -> None:
    for plant, _ in PLANTED:
        plant(copy_of_catalogue)
    problems = _problems(copy_of_catalogue)
    for _, words in PLANTED:
        assert any(all(w in p for w in words) for p in problems), (words, problems)
    assert len(problems) == len(PLANTED), problems


def empty_list_file(folder: Path) -> None:
    (folder / "instrumenten.yaml").write_text("", encoding="utf-8")


def missing_list_file(folder: Path) -> None:
    (folder / "grondslagen.yaml").unlink()


@pytest.mark.parametrize(("plant", "words"), [
    (not_a_mapping, ["brongradering.yaml", "object"]),
    (broken_yaml, ["organisatietypen.yaml", "kan niet worden gelezen"]),
    (empty_list_file, ["instrumenten.yaml", "object", "'instrumenten'"]),
    (missing_list_file, ["grondslagen.yaml", "kan niet worden gelezen"]),
], ids=["not_a_mapping", "broken_yaml", "empty_list_file", "missing_list_file"])
def test_unreadable_files_are_named_in_dutch(copy_of_catalogue: Path, plant: Callable[[Path], None],
                                             words: list[str]) -> None:
    plant(copy_of_catalogue)
    problems = _problems(copy_of_catalogue)
    assert any(all(w in p for w in words) for p in problems), problems
    assert not any("Input should" in p for p in problems), problems


def test_phenomenon_code_must_match_its_file_name(copy_of_catalogue: Path) -> None:
    _edit(copy_of_catalogue, "fenomenen/horeca.yaml", lambda d: d.__setitem__("code", "kroegen"))
    assert _problems(copy_of_catalogue) == ["fenomenen/horeca.yaml: code 'kroegen' wijkt af van de bestandsnaam"]


def test_empty_phenomena_folder_is_a_problem(copy_of_catalogue: Path) -> None:
    for f in (copy_of_catalogue / "fenomenen").glob("*.yaml"):
        f.unlink()
    assert "fenomenen/: geen fenomenen gevonden" in _problems(copy_of_catalogue)
