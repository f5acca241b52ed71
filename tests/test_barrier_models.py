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
