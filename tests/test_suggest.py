"""The phenomenon suggestion from free text: what it suggests, on which words, when it
suggests nothing, and how well it does on the hand-written evaluation corpus."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
import yaml

from weerbaar.core.catalogue import Catalogue, CatalogueError, load_catalogue
from weerbaar.core.config import PACKAGE_DIR
from weerbaar.demo.texts import OPENINGS, describe
from weerbaar.intake.suggest import (
    MODEL_FILE,
    NONE,
    Model,
    NaiveBayes,
    build,
    features,
    load_bayes,
    model_for,
    stem,
    suggest,
)
from weerbaar.intake.train_suggest import HELD_OUT, cross_validate, train, without_date
from weerbaar.intake.train_suggest import corpus as training_corpus

CORPUS = Path(__file__).parent / "data" / "fenomeen_teksten.yaml"


def test_clear_hemp_text_suggests_hennepteelt_with_its_words(catalogue: Catalogue) -> None:
    s = suggest("Achter de afgeplakte ramen van de bovenwoning zit volgens mij een wietplantage; "
                "het ruikt hier de hele dag naar wiet.", catalogue)
    assert s is not None and s.phenomenon == "hennepteelt"
    assert 0.5 < s.score <= 1.0
    assert "wietplantage" in s.words
    assert any("afgeplakte" in w and "ramen" in w for w in s.words)


@pytest.mark.parametrize("text", [
    "Er ligt al een week grofvuil naast de container bij de flat.",
    "Losliggende stoeptegel voor nummer 12, mijn moeder is bijna gevallen.",
    "Elke ochtend hondenpoep op het grasveld bij de school.",
    "Parkeeroverlast: bestelbusjes staan de hele dag op de stoep.",
    "De lantaarnpaal op de hoek is kapot.",
    "",
    "   ",
])
def test_ordinary_complaints_and_empty_texts_get_no_suggestion(catalogue: Catalogue, text: str) -> None:
    assert suggest(text, catalogue) is None


@pytest.mark.parametrize(("text", "code"), [
    ("De huurder verhuurt zijn sociale huurwoning via Airbnb aan toeristen.", "woonfraude"),
    ("Op het vakantiepark wonen het hele jaar door mensen in de chalets.", "vakantieparken"),
    ("Blauwe vaten met een anijslucht gedumpt in de sloot langs het bospad.", "synthetische_drugs"),
    ("De wethouder kreeg een dreigbrief thuis bezorgd na het sluitingsbesluit.", "intimidatie"),
    ("Een anonieme sponsor betaalt de voetbalclub contant.", "sport"),
    ("De zorgaanbieder declareert uren begeleiding die nooit geleverd zijn.", "zorgfraude"),
])
def test_each_kind_of_text_finds_its_phenomenon(catalogue: Catalogue, text: str, code: str) -> None:
    s = suggest(text, catalogue)
    assert s is not None and s.phenomenon == code, s


def test_dutch_morphology_is_folded() -> None:
    assert stem("ramen") == stem("raam")
    assert stem("afgeplakte") == stem("afgeplakt")
    assert stem("kwekerijen") == stem("kwekerij")
    assert stem("vaatjes") == stem("vat")
    assert stem("bedrijven") == stem("bedrijf")


def test_compounds_are_split_against_the_vocabulary(catalogue: Catalogue) -> None:
    model = model_for(catalogue)
    assert set(model.parts("hennepkwekerij")) == {stem("hennep"), stem("kwekerij")}
    assert stem("wiet") in model.parts("wietzolder")
    # Accents and case do not matter.
    assert suggest("HENNEPKWEKERIJ op zolder, ramen afgeplakt", catalogue) == suggest(
        "hennepkwekerij op zolder, ramen afgeplakt", catalogue)


def test_words_of_a_term_must_stand_close_together() -> None:
    model = Model(threshold=1.0)
    model.add("ramen afgeplakt", "hennepteelt", 3.0)
    assert model.suggest("De ramen zijn afgeplakt.") is not None
    far = "De ramen van het pand aan de overkant waren gisteren bij het schilderen met tape afgeplakt."
    assert model.suggest(far) is None


def test_everyday_words_count_against_a_suggestion() -> None:
    model = Model(threshold=1.0)
    model.add("container", "synthetische_drugs", 2.0)
    model.add("grofvuil", "", 3.0)
    assert model.suggest("Een container bij de schuur.") is not None
    assert model.suggest("Grofvuil naast de container.") is None


def _corpus(part: str | None = None) -> list[tuple[str, str | None]]:
    data = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    return [(t["tekst"], t["fenomeen"]) for t in data["teksten"]
            if part is None or t.get("deel", "ontwikkeling") == part]


def _accuracy(items: list[tuple[str, str | None]], catalogue: Catalogue) -> float:
    right = sum((s.phenomenon if (s := suggest(t, catalogue)) else None) == label for t, label in items)
    return right / len(items)


def test_evaluation_corpus_is_large_varied_and_labelled_with_catalogue_codes(catalogue: Catalogue) -> None:
    items = _corpus()
    assert len(items) >= 150
    labels = [label for _, label in items]
    assert set(labels) - {None} == set(catalogue.phenomena)
    assert 0.2 <= labels.count(None) / len(items) <= 0.3
    assert len({t for t, _ in items}) == len(items)


def test_held_out_part_covers_every_phenomenon_and_none(catalogue: Catalogue) -> None:
    items = _corpus("toets_3")
    assert len(items) >= 100
    labels = [label for _, label in items]
    assert set(labels) - {None} == set(catalogue.phenomena)
    assert 0.2 <= labels.count(None) / len(items) <= 0.3
    assert all(labels.count(code) >= 5 for code in catalogue.phenomena)


def test_accuracy_on_the_development_texts_cross_validated(catalogue: Catalogue) -> None:
    """10-fold cross-validation of the naive Bayes on the texts it is trained on (0.936 when the
    model was frozen; flattered by the word list, which was written from some of these texts)."""
    items = training_corpus()
    predictions = cross_validate(items, catalogue)
    accuracy = sum(p == label for p, (_, label) in zip(predictions, items, strict=True)) / len(items)
    assert accuracy >= 0.92, f"nauwkeurigheid {accuracy:.3f}"


def test_accuracy_on_the_held_out_part(catalogue: Catalogue) -> None:
    """The texts never trained on (`deel: toets_3`): the honest figure for unseen wording,
    0.920 when measured once on the frozen model (round 1 measured 0.885 on `toets_2`). A guard
    against getting worse, not a target: see bench/suggestie.py."""
    items = _corpus("toets_3")
    accuracy = _accuracy(items, catalogue)
    assert accuracy >= 0.88, f"nauwkeurigheid {accuracy:.3f}"


def test_accuracy_on_texts_as_the_demo_generator_writes_them(catalogue: Catalogue) -> None:
    rng = random.Random(2718)
    items: list[tuple[str, str | None]] = []
    for code, p in catalogue.phenomena.items():
        voices = [t for t in p.partnertypen if t in OPENINGS] or ["gemeente"]
        for _ in range(10):
            indicators = rng.sample(list(p.signaalkaart), k=rng.choice([1, 2, 2, 3, 4]))
            items.append((describe(rng, rng.choice(voices), code, indicators, "Molenweg", [], False), code))
    accuracy = _accuracy(items, catalogue)
    assert accuracy >= 0.9, f"nauwkeurigheid {accuracy:.3f}"


def test_no_suggestion_for_most_texts_not_about_ondermijning(catalogue: Catalogue) -> None:
    negatives = [t for t, label in _corpus() if label is None]
    wrong = [t for t in negatives if suggest(t, catalogue) is not None]
    assert len(wrong) / len(negatives) <= 0.1, wrong


# --- the naive Bayes and its model file ---------------------------------------------------------

def test_model_file_matches_a_retrain(catalogue: Catalogue) -> None:
    """The shipped counts are what `python -m weerbaar.intake.train_suggest` writes for the
    corpus and catalogue as they are now; after changing either, retrain."""
    shipped = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert without_date(shipped) == without_date(train(training_corpus(), catalogue)), \
        "fenomeensuggestie_model.json is verouderd: python -m weerbaar.intake.train_suggest"


def test_model_file_names_its_provenance_and_never_saw_the_held_out_part() -> None:
    shipped = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    origin = shipped["herkomst"]
    assert origin["getraind_op"] and origin["script"]
    assert "toets_3" in HELD_OUT and origin["corpus_delen_niet_gebruikt"] == ["toets_3"]
    assert "toets_3" not in origin["corpus_delen_gebruikt"]
    assert origin["teksten"] == len(_corpus()) - len(_corpus("toets_3"))
    held_out = {t for t, _ in _corpus("toets_3")}
    assert not held_out & {t for t, _ in training_corpus()}


def test_training_texts_change_the_counts(catalogue: Catalogue) -> None:
    items = training_corpus()
    less, full = train(items[:-20], catalogue), train(items, catalogue)
    assert less["tellingen"] != full["tellingen"]
    assert less["herkomst"]["teksten_sha256"] != full["herkomst"]["teksten_sha256"]


def test_features_are_stems_stem_pairs_and_character_ngrams() -> None:
    f = features("Afgeplakte ramen, wietlucht!")
    assert {"w:" + stem("afgeplakte"), "w:" + stem("ramen"), f"b:{stem('afgeplakte')} {stem('ramen')}"} <= f
    assert {"c:<wi", "c:wiet", "c:lucht", "c:ht>"} <= f
    assert f"b:{stem('ramen')} {stem('wietlucht')}" in f
    # No pair across a sentence boundary, no stopwords.
    assert f"b:{stem('ramen')} {stem('wietlucht')}" not in features("Afgeplakte ramen. Wietlucht!")
    assert "w:de" not in features("de")


def test_typos_are_caught_by_character_ngrams(catalogue: Catalogue) -> None:
    rules_only = build(catalogue)
    for text, code in [
        ("de zorgaanbeider declaeert uren begelieding die nooit zijn gegeven", "zorgfraude"),
        ("Er lijkt iemand stroom af te tappn voor de metr", "energiefraude"),
    ]:
        assert rules_only.suggest(text) is None  # the word list alone misses it
        s = suggest(text, catalogue)
        assert s is not None and s.phenomenon == code, s
        assert s.words  # explained by the words the naive Bayes weighed


def test_the_none_decision_is_a_calibrated_bias(catalogue: Catalogue) -> None:
    text = "De zorgaanbieder declareert uren begeleiding die nooit geleverd zijn."
    model = build(catalogue)
    model.bayes = load_bayes()
    assert model.suggest(text) is not None
    model.bayes.none_bias = 1000.0
    assert model.suggest(text) is None
    model.bayes.none_bias = -1000.0
    # With "none" out of the way even an everyday complaint gets a phenomenon.
    assert model.suggest("De lantaarnpaal op de hoek is kapot.") is not None


def test_naive_bayes_from_counts_weighs_what_a_class_uses() -> None:
    nb = NaiveBayes.from_counts(
        [NONE, "hennepteelt"],
        {"w:wiet": {1: 3.0}, "w:hond": {0: 3.0}, "w:straat": {0: 1.0, 1: 1.0}},
        {"alpha": 0.1, "nb_gewicht": 1.0, "regel_gewicht": 1.0, "geen_bias": 0.0})
    assert nb.weights["w:wiet"][1] > 0 > nb.weights["w:wiet"][0]
    assert nb.weights["w:hond"][0] > 0 > nb.weights["w:hond"][1]
    assert abs(nb.weights["w:straat"][0] - nb.weights["w:straat"][1]) < 1e-9
    assert nb.scores({"w:wiet", "w:onbekend"})[1] > nb.scores({"w:wiet"})[0]


# --- the catalogue file -----------------------------------------------------------------------

@pytest.fixture
def copy_of_catalogue(tmp_path: Path) -> Path:
    target = tmp_path / "catalogus"
    shutil.copytree(PACKAGE_DIR / "catalogus", target)
    return target


def test_shipped_suggestion_file_validates() -> None:
    cat = load_catalogue(PACKAGE_DIR / "catalogus")
    assert cat.suggestion is not None
    assert set(cat.suggestion.fenomenen) == set(cat.phenomena)
    assert cat.suggestion.geen_ondermijning["grofvuil"] > 0


def test_broken_suggestion_file_is_named_in_dutch(copy_of_catalogue: Path) -> None:
    path = copy_of_catalogue / "fenomeensuggestie.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["fenomenen"]["hennepteelt"]["wiet"] = "veel"
    data["geen_ondermijning"]["grofvuil"] = 0
    data.pop("drempel")
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError) as exc:
        load_catalogue(copy_of_catalogue)
    text = str(exc.value)
    assert "fenomenen.hennepteelt.wiet': moet een getal zijn" in text
    assert "geen_ondermijning.grofvuil': moet groter zijn dan 0" in text
    assert "veld 'drempel': ontbreekt" in text


def test_suggestion_for_an_unknown_phenomenon_is_named(copy_of_catalogue: Path) -> None:
    path = copy_of_catalogue / "fenomeensuggestie.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["fenomenen"]["bakkerijfraude"] = {"brood": 2}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"fenomeensuggestie\.yaml: onbekend fenomeen 'bakkerijfraude'"):
        load_catalogue(copy_of_catalogue)


def test_missing_suggestion_file_is_named(copy_of_catalogue: Path) -> None:
    (copy_of_catalogue / "fenomeensuggestie.yaml").unlink()
    with pytest.raises(CatalogueError, match=r"fenomeensuggestie\.yaml: kan niet worden gelezen"):
        load_catalogue(copy_of_catalogue)
