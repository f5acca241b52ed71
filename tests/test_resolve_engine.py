"""The person-resolution engine on real DuckDB + Splink: Dutch variants link, namesakes don't."""

from __future__ import annotations

import importlib.util
import random

import duckdb
import pytest

from weerbaar.demo.noise import NameNoise
from weerbaar.demo.population import dutch_sources
from weerbaar.resolve import model as m
from weerbaar.resolve.engine import DuckDBResolver, EngineError, SparkResolver, make_resolver, person_table
from weerbaar.resolve.normalise import company_name_key, person_features_sql
from weerbaar.resolve.realtime import RealtimeScorer, blocking_keys, subject_blocking_keys

BASE = {"unique_id": "jan", "source_dataset": "personen", "voornamen": "Jan Pieter", "tussenvoegsel": "van der",
        "geslachtsnaam": "Berg", "geboortedatum": "1970-03-05", "bsn": "999990019", "postcode": "9991 AB",
        "huisnummer": "12"}
VARIANTS = [
    {"unique_id": "hoofdletters", "source_dataset": "functionarissen", "voornamen": "J.",
     "geslachtsnaam": "VAN DER BERG", "geboortedatum": "05-03-1970"},
    {"unique_id": "komma", "source_dataset": "transacties", "voornamen": "Jan", "geslachtsnaam": "Berg, van der",
     "geboortedatum": "1970-03-05"},
    {"unique_id": "omgedraaid", "source_dataset": "huurcontracten", "voornamen": "Jan", "tussenvoegsel": "van der",
     "geslachtsnaam": "Berg", "geboortedatum": "1970-05-03", "postcode": "9991AB", "huisnummer": "12"},
    {"unique_id": "tikfout", "source_dataset": "functionarissen", "voornamen": "Dhr. Jan Pieter",
     "tussenvoegsel": "van der", "geslachtsnaam": "Breg", "geboortedatum": "1970-03-05"},
    {"unique_id": "zonder_datum", "source_dataset": "huurcontracten", "voornamen": "Jan Pieter",
     "geslachtsnaam": "van der Berg", "postcode": "9991AB", "huisnummer": "12"},
]
NAMESAKE = {"unique_id": "naamgenoot", "source_dataset": "personen", "voornamen": "Jan", "tussenvoegsel": "van der",
            "geslachtsnaam": "Berg", "geboortedatum": "1981-11-23", "bsn": "999990020", "postcode": "1234CD",
            "huisnummer": "7"}


@pytest.fixture(scope="module")
def records() -> list[dict]:
    background = dutch_sources(250, seed=5)
    return [*background, BASE, *VARIANTS, NAMESAKE]


@pytest.fixture(scope="module")
def result(records):
    return DuckDBResolver(threads=2).link_persons(records, threshold=0.01)


def pair(result, a: str, b: str):
    found = [p for p in result.pairs if {p.uid_l, p.uid_r} == {a, b}]
    return found[0] if found else None


def test_features_undo_particles_case_titles_and_date_formats():
    rows = [BASE, *VARIANTS]
    con = duckdb.connect()
    con.register("invoer", person_table(rows))
    got = {r[0]: r[1:] for r in con.sql(
        "SELECT unique_id, achternaam_kern, achternaam_vol, initiaal, geboortedatum, geboortedatum_omgedraaid "
        f"FROM ({person_features_sql('invoer')})").fetchall()}
    assert got["jan"] == ("berg", "vanderberg", "j", "1970-03-05", "1970-05-03")
    assert got["hoofdletters"] == got["jan"]
    assert got["komma"] == got["jan"]
    assert got["omgedraaid"][:3] == ("berg", "vanderberg", "j") and got["omgedraaid"][4] == "1970-03-05"
    assert got["tikfout"][0] == "breg" and got["tikfout"][2] == "j"  # title "Dhr." gone
    assert got["zonder_datum"] == ("berg", "vanderberg", "j", None, None)


def test_dutch_variants_link_to_the_same_person(result):
    assert result.figures["model"] == "getraind"
    for variant in VARIANTS:
        scored = pair(result, "jan", variant["unique_id"])
        assert scored is not None and scored.probability >= 0.5, (variant["unique_id"], scored)


def test_namesake_with_other_birth_date_does_not_link(result):
    scored = pair(result, "jan", "naamgenoot")
    assert scored is None or scored.probability < 0.5
    other = pair(result, "omgedraaid", "naamgenoot")
    assert other is None or other.probability < 0.5


def test_explanation_has_dutch_labels_that_add_up(result):
    scored = pair(result, "jan", "komma")
    parts = {e["vergelijking"]: e for e in scored.explanation}
    assert parts["achternaam"]["niveau"] == "gelijk"
    assert parts["geboortedatum"]["niveau"] == "gelijk"
    assert parts["startwaarde"]["gewicht"] < 0
    assert sum(e["gewicht"] for e in scored.explanation) == pytest.approx(scored.match_weight, abs=0.1)
    swapped = {e["vergelijking"]: e["niveau"] for e in pair(result, "jan", "omgedraaid").explanation}
    assert swapped["geboortedatum"] == "dag en maand verwisseld"
    assert swapped["adres"] == "zelfde adres"
    initials = {e["vergelijking"]: e["niveau"] for e in pair(result, "jan", "hoofdletters").explanation}
    assert initials["voornaam"] == "eerste initiaal gelijk"


def test_model_reuse_and_realtime_give_the_same_scores(records, result):
    again = DuckDBResolver().link_persons(records, model=result.model, threshold=0.01)
    assert again.figures["model"] == "meegegeven"
    first = pair(result, "jan", "tikfout")
    assert pair(again, "jan", "tikfout").probability == pytest.approx(first.probability, abs=1e-9)
    scorer = RealtimeScorer(result.model)
    by_uid = {r["unique_id"]: r for r in records}
    scored = {p.uid_r: p for p in scorer.score(BASE, [by_uid["tikfout"], by_uid["naamgenoot"]])}
    assert scored["tikfout"].uid_l == "jan"
    assert scored["tikfout"].probability == pytest.approx(first.probability, abs=1e-6)
    assert scored["naamgenoot"].probability < 0.5
    assert [e["niveau"] for e in scored["tikfout"].explanation] == [e["niveau"] for e in first.explanation]


def test_small_input_uses_the_builtin_model():
    small = [BASE, *VARIANTS, NAMESAKE]
    out = make_resolver().link_persons(small, threshold=0.5)
    assert out.figures["model"] == "ingebouwd"
    linked = {frozenset((p.uid_l, p.uid_r)) for p in out.pairs}
    assert frozenset(("jan", "komma")) in linked and frozenset(("jan", "omgedraaid")) in linked
    assert frozenset(("jan", "naamgenoot")) not in linked


def test_link_only_needs_two_sources():
    with pytest.raises(EngineError, match="source_dataset"):
        DuckDBResolver().link_persons([{**BASE, "source_dataset": None}, VARIANTS[0]], link_type="link_only")


def test_spark_resolver_uses_identical_settings():
    for link_type in ("dedupe_only", "link_only"):
        assert SparkResolver.settings(link_type, ("voornaam", "achternaam")) == m.person_settings(
            link_type, ("voornaam", "achternaam"))
    # the trained DuckDB model has the very comparisons and blocking rules Spark would use
    settings = m.person_settings("dedupe_only", tuple(c["output_column_name"] for c in m.prior_model()["comparisons"]))
    prior = m.prior_model()
    assert [c["comparison_levels"][i]["sql_condition"] for c in prior["comparisons"]
            for i in range(len(c["comparison_levels"]))] == [
        lv["sql_condition"] for c in settings["comparisons"] for lv in c["comparison_levels"]]
    if importlib.util.find_spec("pyspark") is None:
        with pytest.raises(EngineError, match=r"pip install pyspark==4\.3\.0"):
            SparkResolver().link_persons([BASE])


def test_blocking_keys_meet_for_variants():
    base = set(blocking_keys(BASE))
    assert {"bsn:999990019", "nb:berg:1970", "gd:1970-03-05", "pc:9991AB:12"} <= base
    for variant in VARIANTS:
        assert base & set(blocking_keys(variant)), variant["unique_id"]


def test_subject_keys_are_each_mentions_keys_once_per_subject():
    """A run writes keys per subject in one query: the union of its mentions' own keys, each once."""
    people = [BASE, *VARIANTS, NAMESAKE]
    subject_of = {p["unique_id"]: ("P-2" if p is NAMESAKE else "P-1") for p in people}
    expected = sorted({(subject_of[p["unique_id"]], key[:12]) for p in people for key in blocking_keys(p)})
    assert subject_blocking_keys(people, subject_of, limit=12) == expected
    assert len({k for s, k in expected if s == "P-1"}) < sum(len(blocking_keys(p)) for p in [BASE, *VARIANTS])


def test_company_name_key_strips_legal_forms():
    assert company_name_key("Groeimaat B.V.") == company_name_key("GROEIMAAT BV") == "groeimaat"
    assert company_name_key("Groeimaat Holding B.V.") == "groeimaat"
    assert company_name_key("Bouwbedrijf Veenstra & Zn.") == "bouwbedrijfveenstra"
    assert company_name_key("Stichting Beheer Zuiderdiep") == "beheerzuiderdiep"
    assert company_name_key("Café 't Turfschip V.O.F.") == "cafetturfschip"
    assert company_name_key("") == ""


def test_noise_writes_partner_variants():
    noise = NameNoise(random.Random(3), rate=1.0)
    seen = [noise.person("Jan Pieter", "van der", "Berg", None) for _ in range(200)]
    assert any(s["voornamen"] == "J.P." for s in seen)
    assert any(s["geslachtsnaam"] in ("van der Berg", "VAN DER BERG") and not s["tussenvoegsel"] for s in seen)
    assert any(s["geslachtsnaam"] == "Berg, van der" for s in seen)
    assert all(s["geboortedatum"] == "" for s in seen)
