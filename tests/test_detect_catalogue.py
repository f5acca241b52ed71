"""The published indicator catalogue: every rule compiles and runs against the analysis tables,
explains every parameter, points at a phenomenon that exists, declares the sources it reads;
a broken copy of the catalogue names every problem at once, in Dutch."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from weerbaar.core.catalogue import load_catalogue
from weerbaar.core.config import PACKAGE_DIR
from weerbaar.core.rules import GLOBAL_PARAMETERS, REQUIRED_COLUMNS, TABLES, create_tables

from .test_catalogue import _problems

SHIPPED = PACKAGE_DIR / "catalogus"
# The partner source each analysis table is built from; the SBI lists come from detectie.yaml.
TABLE_SOURCE = {"adressen": "adressen", "inschrijvingen": "personen", "energie": "energie", "bedrijven": "bedrijven",
                "functionarissen": "functionarissen", "transacties": "transacties",
                "huurcontracten": "huurcontracten", "kasintensief": None, "zorg": None, "uitzend": None}


@pytest.fixture(scope="module")
def rules() -> dict[str, Any]:
    return load_catalogue(SHIPPED).rules


def test_every_rule_loads_and_runs_on_empty_analysis_tables(rules: dict[str, Any]) -> None:
    files = sorted(p.stem for p in (SHIPPED / "indicatoren").glob("*.yaml"))
    assert files == sorted(rules) and len(rules) >= 20
    con = duckdb.connect()
    create_tables(con)
    for code, rule in rules.items():
        values: dict[str, Any] = {n: p.waarde for n, p in rule.parameters.items() if n in rule.sql_parameters()}
        if "peildatum" in rule.sql_parameters():
            values["peildatum"] = date(2026, 6, 1)
        cursor = con.execute(rule.definitie, values)
        columns = [d[0] for d in cursor.description]
        assert cursor.fetchall() == [], code
        assert set(REQUIRED_COLUMNS) <= set(columns), code
        assert rule.template_fields() <= set(columns) | set(rule.parameters), code
        assert set(rule.bewijs) <= set(columns), code


def test_every_parameter_is_used_and_has_a_reason(rules: dict[str, Any]) -> None:
    for code, rule in rules.items():
        assert rule.sql_parameters() <= set(rule.parameters) | set(GLOBAL_PARAMETERS), code
        for name, parameter in rule.parameters.items():
            assert len(parameter.reden) >= 20, (code, name, parameter.reden)
            assert parameter.eenheid, (code, name)
            # A published threshold that the definition does not use would mislead the reader.
            assert name in rule.sql_parameters() or name in rule.template_fields(), (code, name)


def test_every_rule_points_at_a_phenomenon_that_exists(rules: dict[str, Any]) -> None:
    phenomena = load_catalogue(SHIPPED).phenomena
    for code, rule in rules.items():
        assert rule.fenomeen in phenomena, (code, rule.fenomeen)


def test_every_rule_declares_the_sources_it_reads(rules: dict[str, Any]) -> None:
    """A rule is skipped when one of its sources delivered nothing; a source it reads but does not
    declare would make it run on half its data instead."""
    assert set(TABLE_SOURCE) == set(TABLES)
    for code, rule in rules.items():
        read = {t.lower() for t in re.findall(r"\b(?:from|join)\s+([a-z_]+)", rule.definitie, re.IGNORECASE)}
        sources = {TABLE_SOURCE[t] for t in read if t in TABLES} - {None, "adressen"}
        assert sources <= set(rule.bronnen), (code, sources, rule.bronnen)


def test_every_explanation_and_text_is_dutch(rules: dict[str, Any]) -> None:
    for code, rule in rules.items():
        assert rule.naam and rule.toelichting and rule.uitleg, code
        for text in (rule.naam, rule.toelichting, rule.uitleg, *rule.bewijs.values()):
            assert not re.search(r"\b(the|and|with|without|per month)\b", text), (code, text)


# --------------------------------------------------------------------------------------------
# A broken copy: one problem planted in each of eight rules, each named in Dutch, all at once.
# --------------------------------------------------------------------------------------------
def _edit(folder: Path, code: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = folder / "indicatoren" / f"{code}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _replace(code: str, key: str, old: str, new: str) -> Callable[[Path], None]:
    def plant(folder: Path) -> None:
        def change(data: dict[str, Any]) -> None:
            assert old in data[key], (code, key, old)
            data[key] = data[key].replace(old, new)

        _edit(folder, code, change)

    return plant


def _set(code: str, key: str, value: Any) -> Callable[[Path], None]:
    return lambda folder: _edit(folder, code, lambda data: data.__setitem__(key, value))


def _no_reason(folder: Path) -> None:
    _edit(folder, "I-VP-02", lambda data: data["parameters"]["periode_dagen"].pop("reden"))


def _renamed(folder: Path) -> None:
    (folder / "indicatoren" / "I-KV-04.yaml").rename(folder / "indicatoren" / "I-KV-09.yaml")


PLANTED: list[tuple[str, Callable[[Path], None], list[str]]] = [
    ("syntaxfout", _replace("I-KV-03", "definitie", "HAVING count(*) >=", "HAVING count(* >="),
     ["indicatoren/I-KV-03.yaml", "geen geldige query"]),
    ("onbekende_parameter", _replace("I-IN-02", "definitie", "<= $max_verblijf_dagen", "<= $max_verblijf"),
     ["indicatoren/I-IN-02.yaml", "onbekende parameter", "max_verblijf"]),
    ("geen_doel", _replace("I-LE-01", "definitie", "a.adres_id AS doel", "a.adres_id AS adres"),
     ["indicatoren/I-LE-01.yaml", "geen kolom", "doel"]),
    ("uitleg_zonder_kolom", _replace("I-VG-03", "uitleg", "meer)", "meer, winst € {winst})"),
     ["indicatoren/I-VG-03.yaml", "de uitleg noemt winst", "levert die niet"]),
    ("onbekend_fenomeen", _set("I-ZG-01", "fenomeen", "zorgfraud"),
     ["indicatoren/I-ZG-01.yaml", "onbekend fenomeen", "zorgfraud"]),
    ("bestandsnaam", _renamed, ["indicatoren/I-KV-09.yaml", "code 'I-KV-04'", "wijkt af van de bestandsnaam"]),
    ("parameter_zonder_reden", _no_reason,
     ["indicatoren/I-VP-02.yaml", "parameters.periode_dagen.reden", "ontbreekt"]),
    ("onbekend_bewijs", _set("I-HU-01", "bewijs", {"kosten": "Kosten"}),
     ["indicatoren/I-HU-01.yaml", "bewijs noemt onbekende kolom", "kosten"]),
    ("geen_select", _set("I-EN-04", "definitie", "DELETE FROM energie"),
     ["indicatoren/I-EN-04.yaml", "definitie", "moet een SELECT-query zijn"]),
]


@pytest.mark.parametrize(("name", "plant", "words"), PLANTED, ids=[p[0] for p in PLANTED])
def test_each_broken_rule_is_named(copy_of_catalogue: Path, name: str, plant: Callable[[Path], None],
                                   words: list[str]) -> None:
    plant(copy_of_catalogue)
    problems = _problems(copy_of_catalogue)
    assert len(problems) == 1, problems
    assert all(w in problems[0] for w in words), problems


def test_every_broken_rule_is_named_at_once(copy_of_catalogue: Path) -> None:
    for _, plant, _ in PLANTED:
        plant(copy_of_catalogue)
    problems = _problems(copy_of_catalogue)
    for name, _, words in PLANTED:
        assert any(all(w in p for w in words) for p in problems), (name, problems)
    assert len(problems) == len(PLANTED), problems
