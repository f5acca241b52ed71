"""Suggest a phenomenon for a signal from its Dutch description — or none when the text is not
about ondermijning. A person always confirms the suggestion (`intake.service.confirm_phenomenon`).

Two parts, added up per class (every phenomenon, and "none"):

- rule evidence, built from the catalogue at first use: every phenomenon's `trefwoorden`, the
  extra weighted words of `fenomeensuggestie.yaml`, and the words of its signal card and
  explanation (`toelichting`), each weighted by how much of its use falls in this phenomenon
  (a word every phenomenon uses weighs nothing). The everyday words of `geen_ondermijning`
  (grofvuil, hondenpoep, …) and the threshold (`drempel`) are the evidence for "none";
- a multinomial naive Bayes over folded word stems, adjacent stem pairs and character 3- to
  5-grams of the words (robust to typos and compounds), trained on the hand-written texts and
  the catalogue's own texts. Its counts are data shipped next to this module
  (`fenomeensuggestie_model.json`, with provenance), written by `weerbaar.intake.train_suggest`;
  nothing is trained or downloaded at run time.

Words are compared after cheap Dutch normalisation: case and accents folded, a light suffix
stemmer ("afgeplakte" → "afgeplakt", "ramen"/"raam" → "ram"), and compound splitting against
the rule vocabulary ("wietplantage" → "wiet" + "plantage"). A rule term of several words counts
when all its words stand close together in one sentence, in any order. The class with the
highest combined score wins; "none" means no suggestion. The score is the winner's share of a
softmax over all classes; the words shown are the rule terms that matched, then the words the
naive Bayes weighed most for the winner.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from weerbaar.core.catalogue import Catalogue
from weerbaar.core.names import fold

NONE = ""  # the class "not about ondermijning"
KEYWORD_WEIGHT = 2.5  # a catalogue `trefwoord`
CARD_WEIGHT = 1.5  # a word of a signal card text that only this phenomenon uses
EXPLANATION_SHARE = 0.5  # a word of the toelichting counts half as much as one of the card
MAX_WORDS = 6  # words shown in the explanation
TEMPERATURE = 2.0  # softens the softmax: evidence 2 points apart is a factor e, not e²
MAX_CACHED_WORDS = 200_000  # compound splits remembered per model
MODEL_FILE = Path(__file__).with_name("fenomeensuggestie_model.json")
NONE_LABEL = "geen"  # the class "none" as the model file and the corpus name it
CHAR_NGRAMS = (3, 5)  # character n-grams of each word, boundaries included ("<wiet>")
NB_WORDS = 3  # words shown from the naive Bayes when the rules explain less


def _wordlist(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = _wordlist("""
aan al alle alleen als alsof altijd andere ben bij bijvoorbeeld binnen boven daar daarbij daarom
dan dat de deze die dit doen door dus een eens en er erg ermee ertoe even ga gaat gaan had
heb hebben hebt heeft hem hen het hier hij hoe hun iemand iets ik in is ja je jij jou jouw
kan kon kunnen maar me meer men met mij mijn mn na naar net niet niets nog nu of om omdat
ons onze ook op over reeds s t te tegen toch toen tot u uit uw van veel vaak voor want was
waren wat we wel werd werden wie wij wil worden wordt zal ze zei zelf zich zij zijn zo zoals
zonder zou zouden zeer nooit steeds hele heel weer wordt ene der den dus daarnaast verder
volgens sinds tijdens ongeveer enkele meerdere keer keren graag even nou echt gewoon best
""")
# Kept for multi-word terms ("geen klanten"), but never weighted on their own.
WEAK = _wordlist("""
geen wel vaak veel weinig gezien zien komt komen gaan gaat staat staan ligt liggen laat laten
zegt zeggen melding meldt gemeld buren buurman buurvrouw buurt straat adres woning pand huis
mensen persoon personen man vrouw week weken maand maanden jaar dag dagen nacht avond
tijd tijden kort lang hoog laag groot klein nieuw oud eigen ander andere elk iedere één twee drie
volgend volgende mogelijk mogelijke gezamenlijk gezamenlijke aanpak eerder eerdere bekend andere
verandert veranderen waar daar vaste bijzonder situatie partners punten aard omvang vorm naast terwijl
""")

_SENTENCE = re.compile(r"[.!?;:\n]+")
_WORD = re.compile(r"[a-z0-9]+")
_SUFFIXES = ("heden", "heid", "ingen", "ing", "jes", "je", "en", "es", "e", "s")
# Dropped from multi-word terms: "woont er niet" needs "woont" and "niet", in one stretch.
FILLER = _wordlist("de het een er t s van op in aan bij te voor met naar om die dat")
WINDOW = 4  # words a multi-word term may spread beyond its own length
_DOUBLE_VOWEL = re.compile(r"([aeiou])\1")


@dataclass(frozen=True)
class Suggestion:
    phenomenon: str  # catalogue code
    score: float  # 0..1: the suggested phenomenon's share of the evidence (softmax)
    words: tuple[str, ...]  # the words of the text that drove it, strongest first


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light Dutch stemmer for folded words: strip one suffix, undouble the final consonant
    and vowels, final v/z as f/s. Only consistency matters: text and terms go through it."""
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) >= 2 and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]
    word = _DOUBLE_VOWEL.sub(r"\1", word)
    if word.endswith("v"):
        word = word[:-1] + "f"
    elif word.endswith("z"):
        word = word[:-1] + "s"
    return word


def _words(text: str) -> list[str]:
    """Folded words without stopwords."""
    return [w for w in _WORD.findall(fold(text)) if w not in STOPWORDS]


def term_key(term: str) -> tuple[str, ...]:
    """The stems a term needs, in a canonical order (a set, as order does not matter)."""
    words = _WORD.findall(fold(term))
    if len(words) == 1:
        return (stem(words[0]),) if words[0] not in STOPWORDS else ()
    return tuple(sorted({stem(w) for w in words if w not in FILLER}))


def features(text: str) -> set[str]:
    """The naive Bayes features of a text: word stems ("w:"), adjacent stem pairs within a
    sentence ("b:") and character n-grams of each word ("c:"), stopwords left out."""
    return _features(fold(text))


def _features(folded: str) -> set[str]:
    out: set[str] = set()
    low, high = CHAR_NGRAMS
    for sentence in _SENTENCE.split(folded):
        content = [w for w in _WORD.findall(sentence) if w not in STOPWORDS]
        stems = ["#" if w.isdigit() else stem(w) for w in content]
        out.update("w:" + s for s in stems)
        out.update(f"b:{a} {b}" for a, b in pairwise(stems))
        for w in content:
            if not w.isdigit():
                out.update(_char_ngrams(w, low, high))
    return out


@lru_cache(maxsize=65536)
def _char_ngrams(word: str, low: int, high: int) -> frozenset[str]:
    padded = f"<{word}>"
    return frozenset("c:" + padded[i:i + n] for n in range(low, high + 1) for i in range(len(padded) - n + 1))


@dataclass
class NaiveBayes:
    """Multinomial naive Bayes over binary features, from counts per feature and class.
    Log-likelihoods are normalised per feature group (w, b, c) and centred per feature, so that
    a feature every class uses alike weighs nothing."""

    classes: list[str]  # catalogue codes, NONE for "none"
    weights: dict[str, list[float]]  # feature -> centred log-likelihood per class
    nb_weight: float  # how much the naive Bayes counts against the rule evidence
    rule_weight: float
    none_bias: float  # added to the score of "none": the calibrated "no suggestion" decision
    _words: dict[str, list[float]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_counts(cls, classes: list[str], counts: dict[str, dict[int, float]],
                    settings: dict[str, Any]) -> NaiveBayes:
        alpha = float(settings["alpha"])
        k = len(classes)
        totals: dict[str, list[float]] = defaultdict(lambda: [0.0] * k)
        sizes: dict[str, int] = defaultdict(int)
        for feature, per in counts.items():
            group = feature[0]
            sizes[group] += 1
            row = totals[group]
            for c, n in per.items():
                row[c] += n
        logs = {g: [math.log(t + alpha * sizes[g]) for t in row] for g, row in totals.items()}
        weights: dict[str, list[float]] = {}
        for feature, per in counts.items():
            norm = logs[feature[0]]
            row = [math.log(per.get(c, 0.0) + alpha) - norm[c] for c in range(k)]
            mean = sum(row) / k
            weights[feature] = [v - mean for v in row]
        return cls(classes, weights, float(settings["nb_gewicht"]), float(settings["regel_gewicht"]),
                   float(settings["geen_bias"]))

    def scores(self, feats: AbstractSet[str]) -> list[float]:
        rows = [row for row in map(self.weights.get, feats) if row is not None]
        return [sum(column) for column in zip(*rows, strict=True)] if rows else [0.0] * len(self.classes)

    def word_weights(self, folded: str, label: str) -> list[tuple[float, str]]:
        """(weight for `label`, word) of each word of a folded text, from its stem and n-grams."""
        if label not in self.classes:
            return []
        c = self.classes.index(label)
        out: dict[str, float] = {}
        for w in _WORD.findall(folded):
            if w not in out and w not in STOPWORDS and not w.isdigit():
                out[w] = self._word(w)[c]
        return sorted(((v, w) for w, v in out.items()), key=lambda r: (-r[0], r[1]))

    def _word(self, word: str) -> list[float]:
        """The summed weights of one word's own features, per class (remembered)."""
        vector = self._words.get(word)
        if vector is None:
            low, high = CHAR_NGRAMS
            own = _char_ngrams(word, low, high) | {"w:" + stem(word)}
            vector = self.scores(own)
            if len(self._words) >= MAX_CACHED_WORDS:
                self._words.clear()
            self._words[word] = vector
        return vector


def load_bayes(path: Path = MODEL_FILE) -> NaiveBayes:
    data = json.loads(path.read_text(encoding="utf-8"))
    classes = [NONE if c == NONE_LABEL else c for c in data["klassen"]]
    counts = {f: {int(c): float(n) for c, n in pairs} for f, pairs in data["tellingen"].items()}
    return NaiveBayes.from_counts(classes, counts, data["instellingen"])


@dataclass
class Model:
    threshold: float
    # stems (sorted) -> {phenomenon code or NONE: weight}
    terms: dict[tuple[str, ...], dict[str, float]] = field(default_factory=dict)
    # first stem of a multi-word term -> the terms starting with it
    phrases: dict[str, list[tuple[str, ...]]] = field(default_factory=lambda: defaultdict(list))
    vocabulary: set[str] = field(default_factory=set)
    # The trained naive Bayes; without it the model decides on the rule evidence alone.
    bayes: NaiveBayes | None = None
    _parts: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def add(self, term: str | tuple[str, ...], label: str, weight: float) -> None:
        key = term_key(term) if isinstance(term, str) else term
        if not key or weight <= 0:
            return
        weights = self.terms.setdefault(key, {})
        if len(key) > 1 and key not in self.phrases[key[0]]:
            self.phrases[key[0]].append(key)
        # Several sources for one word: the strongest counts, they do not add up.
        weights[label] = max(weights.get(label, 0.0), weight)
        self.vocabulary.update(key)

    def parts(self, word: str) -> tuple[str, ...]:
        """The known stems inside a compound ("hennepkwekerij" → hennep, kwekerij), or ().
        Of all ways to cut the word in two, the one that explains most of it wins; a linking
        s ("drugslab") is allowed."""
        cached = self._parts.get(word)
        if cached is not None:
            return cached
        best: tuple[int, tuple[str, ...]] = (0, ())
        for i in range(3, len(word) - 2) if len(word) >= 7 else ():
            left, right = word[:i], word[i:]
            head = stem(right)
            lefts = (stem(left), stem(left[:-1]) if left.endswith("s") else "")
            known_left = next((x for x in lefts if x and x in self.vocabulary), "")
            known_head = head if head in self.vocabulary else ""
            found: tuple[str, ...]
            if known_left and known_head:
                found, explained = (known_left, known_head), len(word) + 10
            elif known_head and len(known_head) >= 5:
                found, explained = (known_head,), len(right)
            elif known_left and len(known_left) >= 5 and len(right) >= 4:
                found, explained = (known_left,), len(left)
            else:
                continue
            if explained > best[0]:
                best = (explained, found)
        if len(self._parts) >= MAX_CACHED_WORDS:
            self._parts.clear()
        self._parts[word] = best[1]
        return best[1]

    def sentences(self, text: str) -> list[tuple[dict[str, list[int]], dict[str, str]]]:
        """Per sentence: stem -> its word positions, and stem -> the word of the text it came from."""
        out = []
        for sentence in _SENTENCE.split(fold(text)):
            positions: dict[str, list[int]] = defaultdict(list)
            words: dict[str, str] = {}
            for i, w in enumerate(_WORD.findall(sentence)):
                for s in (stem(w), *self.parts(w)):
                    positions[s].append(i)
                    words.setdefault(s, w)
            if words:
                out.append((positions, words))
        return out

    @staticmethod
    def _near(key: tuple[str, ...], positions: dict[str, list[int]]) -> bool:
        """All words of the term within a stretch of len(key) + WINDOW words."""
        if not all(k in positions for k in key):
            return False
        span = len(key) + WINDOW
        return any(all(any(abs(p - q) < span for q in positions[k]) for k in key) for p in positions[key[0]])

    def evidence(self, text: str) -> tuple[dict[str, float], dict[str, list[tuple[float, str]]]]:
        """Evidence per class, and per class the (weight, words) of each term that matched."""
        matched: dict[tuple[str, ...], str] = {}
        for positions, words in self.sentences(text):
            for s, word in words.items():
                if (s,) in self.terms and (s,) not in matched:
                    matched[(s,)] = word
                for key in self.phrases.get(s, ()):
                    if key not in matched and self._near(key, positions):
                        shown = dict.fromkeys(words[k] for k in words if k in key)
                        matched[key] = " ".join(shown)
        scores: dict[str, float] = defaultdict(float)
        reasons: dict[str, list[tuple[float, str]]] = defaultdict(list)
        # A word inside a matched longer term of the same class does not count twice.
        covered = {(k, label) for key in matched if len(key) > 1 for label in self.terms[key] for k in key}
        for key, shown_words in matched.items():
            for label, weight in self.terms[key].items():
                if len(key) == 1 and (key[0], label) in covered:
                    continue
                scores[label] += weight
                reasons[label].append((weight, shown_words))
        return scores, reasons

    def suggest(self, text: str) -> Suggestion | None:
        scores, reasons = self.evidence(text)
        against = scores.pop(NONE, 0.0)
        if self.bayes is not None:
            return self._combined(text, scores, self.threshold + against, reasons)
        if not scores:
            return None
        best = max(sorted(scores), key=lambda c: scores[c])
        bar = self.threshold + against
        if scores[best] < bar:
            return None
        top = max(bar, *scores.values())

        def odds(v: float) -> float:
            return math.exp((v - top) / TEMPERATURE)

        probability = odds(scores[best]) / (odds(bar) + sum(odds(v) for v in scores.values()))
        return Suggestion(best, round(probability, 3), _explain(reasons[best]))

    def _combined(self, text: str, rules: dict[str, float], bar: float,
                  reasons: dict[str, list[tuple[float, str]]]) -> Suggestion | None:
        """The naive Bayes scores and the rule evidence added up per class; "none" gets the
        rule threshold plus the everyday evidence, and the calibrated bias."""
        nb = self.bayes
        assert nb is not None
        folded = fold(text)
        bayes = dict(zip(nb.classes, nb.scores(_features(folded)), strict=True))
        total = {c: nb.nb_weight * bayes.get(c, 0.0) + nb.rule_weight * rules.get(c, 0.0)
                 for c in sorted({*bayes, *rules} - {NONE})}
        none = nb.nb_weight * bayes.get(NONE, 0.0) + nb.rule_weight * bar + nb.none_bias
        best = max(total, key=lambda c: total[c])
        if total[best] <= none:
            return None
        top = total[best]
        probability = 1.0 / (math.exp(none - top) + sum(math.exp(v - top) for v in total.values()))
        words = list(_explain(reasons[best]))
        shown = {x for w in words for x in w.split(" ")}
        extra = [w for v, w in nb.word_weights(folded, best) if v > 0 and w not in shown]
        words += extra[: max(0, min(NB_WORDS, MAX_WORDS - len(words)))]
        return Suggestion(best, round(probability, 3), tuple(words))


def _explain(reasons: list[tuple[float, str]]) -> tuple[str, ...]:
    shown: list[str] = []
    for _, words in sorted(reasons, key=lambda r: (-r[0], r[1])):
        # A phrase already shows its words; a single word inside a shown phrase adds nothing.
        if any(words in s.split(" ") or words == s for s in shown):
            continue
        shown = [s for s in shown if s not in words.split(" ")]
        shown.append(words)
        if len(shown) == MAX_WORDS:
            break
    return tuple(shown)


def build(catalogue: Catalogue) -> Model:
    terms = catalogue.suggestion
    model = Model(threshold=terms.drempel if terms else 2.5)
    for code, p in catalogue.phenomena.items():
        for kw in [*p.trefwoorden, p.naam]:
            model.add(kw, code, KEYWORD_WEIGHT)
    if terms is not None:
        for code, extra in terms.fenomenen.items():
            for term, weight in extra.items():
                model.add(term, code, weight)
        for term, weight in terms.geen_ondermijning.items():
            model.add(term, NONE, weight)
    for code, stem_, weight in _card_words(catalogue):
        model.add((stem_,), code, weight)
    return model


def _card_words(catalogue: Catalogue) -> list[tuple[str, str, float]]:
    """Each word of the signal cards and explanations, weighted by the share of its use that
    falls in one phenomenon (squared, so that shared words fade)."""
    use: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for code, p in catalogue.phenomena.items():
        card = {stem(w) for i in p.signaalkaart for w in _words(i.tekst)}
        explanation = {stem(w) for w in _words(p.toelichting)}
        for s in card | explanation:
            use[s][code] += 1.0 if s in card else EXPLANATION_SHARE
    out = []
    weak = {stem(w) for w in WEAK}
    for s, per in use.items():
        if len(s) < 4 or s in weak or s.isdigit():
            continue
        total = sum(per.values())
        for code, n in per.items():
            out.append((code, s, CARD_WEIGHT * (n / total) ** 2 * min(n, 1.0)))
    return out


_MODELS: WeakKeyDictionary[Catalogue, Model] = WeakKeyDictionary()


def model_for(catalogue: Catalogue) -> Model:
    """The suggestion model for a catalogue: its rule evidence and the shipped naive Bayes."""
    model = _MODELS.get(catalogue)
    if model is None:
        model = build(catalogue)
        model.bayes = _shipped_bayes()
        _MODELS[catalogue] = model
    return model


@lru_cache(maxsize=1)
def _shipped_bayes() -> NaiveBayes:
    return load_bayes(MODEL_FILE)


def suggest(text: str, catalogue: Catalogue) -> Suggestion | None:
    """The phenomenon the text is most likely about, or None when it is not about ondermijning."""
    if not text or not text.strip():
        return None
    return model_for(catalogue).suggest(text)
