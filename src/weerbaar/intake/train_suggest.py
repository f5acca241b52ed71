"""Train the naive Bayes of the phenomenon suggestion (`intake.suggest`) and write its counts,
with their provenance, to `intake/fenomeensuggestie_model.json`.

Training material: the hand-written texts of `tests/data/fenomeen_teksten.yaml`, except the
held-out parts (`HELD_OUT`), plus the catalogue's own texts: every signal card text, every
`trefwoord` and phenomenon name, the sentences of each `toelichting` (at half weight) and the
weighted words of `fenomeensuggestie.yaml` (weight / 4, at most 1; `geen_ondermijning` for
"none"). Counting is plain Python and deterministic: the same corpus and catalogue give the
same file, which a test checks.

    .venv/bin/python -m weerbaar.intake.train_suggest            # retrain and write the file
    .venv/bin/python -m weerbaar.intake.train_suggest --check    # does the file match a retrain?
    .venv/bin/python -m weerbaar.intake.train_suggest --cv       # 10-fold cross-validation

The settings were chosen by 10-fold cross-validation on the development texts (2026-11-29):
alpha 0.1, naive Bayes weight 0.03 against rule weight 1.0 (their ratio matters most; 0.02 to
0.04 per rule point is a plateau), no extra bias for "none". Round 1 trained on the first 290
texts and held out `toets_2` (0.885 there, measured once); round 2 added `toets_2` to the
training texts with the same settings (a cross-validation on 420 texts found the same plateau)
and holds out `toets_3`.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import random
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from weerbaar.core.catalogue import Catalogue, load_catalogue
from weerbaar.core.config import PACKAGE_DIR
from weerbaar.intake.suggest import (
    _SENTENCE,
    MODEL_FILE,
    NONE,
    NONE_LABEL,
    NaiveBayes,
    build,
    features,
)

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "tests" / "data" / "fenomeen_teksten.yaml"
HELD_OUT = frozenset({"toets_3"})  # never trained on: the held-out figure of bench/suggestie.py
SETTINGS: dict[str, Any] = {
    "alpha": 0.1,  # additive smoothing of the counts
    "nb_gewicht": 0.03,  # naive Bayes log-likelihood per rule evidence point
    "regel_gewicht": 1.0,
    "geen_bias": 0.0,  # extra score for "none"
    "toelichting_gewicht": 0.5,  # a sentence of a toelichting, against 1 for a hand-written text
    "woordenlijst_gewicht": 1.0,  # a word of fenomeensuggestie.yaml with weight 4 or more
}
Labelled = list[tuple[str, str | None]]


def corpus(path: Path = CORPUS, parts: set[str] | None = None, exclude: frozenset[str] = HELD_OUT) -> Labelled:
    """(text, phenomenon or None) of the corpus; the parts in `exclude` are left out."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(t["tekst"], t["fenomeen"]) for t in data["teksten"]
            if t.get("deel", "ontwikkeling") not in exclude
            and (parts is None or t.get("deel", "ontwikkeling") in parts)]


def corpus_parts(path: Path = CORPUS) -> dict[str, int]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: dict[str, int] = defaultdict(int)
    for t in data["teksten"]:
        out[t.get("deel", "ontwikkeling")] += 1
    return dict(out)


def catalogue_documents(catalogue: Catalogue, settings: dict[str, Any] = SETTINGS) -> list[tuple[str, str, float]]:
    """(text, class, weight) documents from the catalogue: cards, keywords, explanations, word list."""
    docs: list[tuple[str, str, float]] = []
    for code, p in sorted(catalogue.phenomena.items()):
        docs += [(i.tekst, code, 1.0) for i in p.signaalkaart]
        docs += [(kw, code, 1.0) for kw in [*p.trefwoorden, p.naam]]
        docs += [(s, code, settings["toelichting_gewicht"]) for s in _SENTENCE.split(p.toelichting) if s.strip()]
    terms = catalogue.suggestion
    if terms is not None:
        scale = settings["woordenlijst_gewicht"] / 4
        for code, extra in sorted(terms.fenomenen.items()):
            docs += [(t, code, scale * min(w, 4.0)) for t, w in extra.items()]
        docs += [(t, NONE, scale * min(w, 4.0)) for t, w in terms.geen_ondermijning.items()]
    return docs


def classes_of(catalogue: Catalogue) -> list[str]:
    return [NONE, *sorted(catalogue.phenomena)]


def count(docs: list[tuple[str, str, float]], classes: list[str]) -> dict[str, dict[int, float]]:
    """Per feature, the summed weight of the documents of each class that have it."""
    index = {c: i for i, c in enumerate(classes)}
    counts: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for text, label, weight in docs:
        c = index[label]
        for f in features(text):
            counts[f][c] += weight
    return {f: dict(per) for f, per in counts.items()}


def documents(items: Labelled, catalogue: Catalogue,
              settings: dict[str, Any] = SETTINGS) -> list[tuple[str, str, float]]:
    return [(t, label or NONE, 1.0) for t, label in items] + catalogue_documents(catalogue, settings)


def train(items: Labelled, catalogue: Catalogue, settings: dict[str, Any] = SETTINGS,
          corpus_path: Path = CORPUS, today: str | None = None) -> dict[str, Any]:
    """The model file's content: settings, classes, counts and where they came from."""
    classes = classes_of(catalogue)
    docs = documents(items, catalogue, settings)
    counts = count(docs, classes)
    digest = hashlib.sha256()
    for text, label in items:
        digest.update(f"{label or NONE_LABEL}\t{text}\n".encode())
    # What the model learnt from the catalogue (phenomenon texts, word lists), not the catalogue's
    # version: a change to, say, the roles does not call for a retrain.
    from_catalogue = hashlib.sha256()
    for text, label, weight in docs[len(items):]:
        from_catalogue.update(f"{label}\t{weight}\t{text}\n".encode())
    try:
        shown_path = corpus_path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        shown_path = corpus_path.as_posix()
    parts = corpus_parts(corpus_path) if corpus_path.exists() else {}
    return {
        "versie": 1,
        "beschrijving": ("Tellingen van de naive Bayes van de fenomeensuggestie (weerbaar.intake.suggest). "
                         "Gegenereerd; niet met de hand aanpassen: opnieuw trainen met "
                         "`python -m weerbaar.intake.train_suggest`."),
        "herkomst": {
            "getraind_op": today or datetime.date.today().isoformat(),
            "script": "python -m weerbaar.intake.train_suggest",
            "corpus": shown_path,
            "corpus_delen_gebruikt": {k: v for k, v in sorted(parts.items()) if k not in HELD_OUT},
            "corpus_delen_niet_gebruikt": sorted(HELD_OUT & set(parts)),
            "teksten": len(items),
            "teksten_sha256": digest.hexdigest(),
            "catalogusdocumenten_sha256": from_catalogue.hexdigest(),
            "catalogusdocumenten": len(docs) - len(items),
        },
        "instellingen": dict(settings),
        "klassen": [NONE_LABEL if c == NONE else c for c in classes],
        "tellingen": {f: sorted([c, round(n, 6)] for c, n in per.items()) for f, per in sorted(counts.items())},
    }


def folds(items: Labelled, k: int, seed: int) -> list[list[int]]:
    """Stratified folds: each class's texts dealt round-robin in a seeded random order."""
    rng = random.Random(seed)
    by: dict[str, list[int]] = defaultdict(list)
    for i, (_, label) in enumerate(items):
        by[label or NONE_LABEL].append(i)
    out: list[list[int]] = [[] for _ in range(k)]
    j = 0
    for label in sorted(by):
        idx = by[label][:]
        rng.shuffle(idx)
        for i in idx:
            out[j % k].append(i)
            j += 1
    return out


def cross_validate(items: Labelled, catalogue: Catalogue, settings: dict[str, Any] = SETTINGS,
                   k: int = 10, seed: int = 1) -> list[str | None]:
    """Per text, the suggestion of a model whose naive Bayes was trained without its fold.
    The rule evidence is the catalogue's as it is (its word list was partly written from
    these texts, so this figure flatters the rules)."""
    classes = classes_of(catalogue)
    catalogue_docs = catalogue_documents(catalogue, settings)
    model = build(catalogue)
    predictions: list[str | None] = [None] * len(items)
    for fold in folds(items, k, seed):
        held = set(fold)
        train_items = [x for i, x in enumerate(items) if i not in held]
        docs = [(t, label or NONE, 1.0) for t, label in train_items] + catalogue_docs
        model.bayes = NaiveBayes.from_counts(classes, count(docs, classes), settings)
        for i in fold:
            s = model.suggest(items[i][0])
            predictions[i] = s.phenomenon if s else None
    return predictions


def write(content: dict[str, Any], path: Path = MODEL_FILE) -> None:
    text = json.dumps(content, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    # One feature per line keeps diffs readable.
    text = text.replace('],"', '],\n"').replace('{"tellingen":{', '{"tellingen":{\n')
    path.write_text(text + "\n", encoding="utf-8")


def without_date(content: dict[str, Any]) -> dict[str, Any]:
    out = json.loads(json.dumps(content))
    out["herkomst"].pop("getraind_op", None)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    parser.add_argument("--check", action="store_true", help="vergelijk het modelbestand met opnieuw trainen")
    parser.add_argument("--cv", action="store_true", help="10-voudige kruisvalidatie op de ontwikkelteksten")
    args = parser.parse_args(argv)
    catalogue = load_catalogue(PACKAGE_DIR / "catalogus")
    items = corpus(args.corpus)
    if args.cv:
        predictions = cross_validate(items, catalogue)
        right = sum(p == label for p, (_, label) in zip(predictions, items, strict=True))
        print(f"kruisvalidatie (10 delen): {right}/{len(items)} = {right / len(items):.3f}")
        return 0
    content = train(items, catalogue, corpus_path=args.corpus)
    if args.check:
        shipped = json.loads(args.out.read_text(encoding="utf-8"))
        same = without_date(shipped) == without_date(content)
        print("modelbestand klopt" if same else "modelbestand wijkt af: train opnieuw")
        return 0 if same else 1
    write(content, args.out)
    print(f"{args.out}: {len(content['tellingen'])} kenmerken uit {len(items)} teksten "
          f"en {content['herkomst']['catalogusdocumenten']} catalogusdocumenten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
