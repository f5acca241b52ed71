"""Suggest a phenomenon for a signal from its Dutch description — or none when the text is not
about ondermijning. A person always confirms the suggestion (`intake.service.confirm_phenomenon`).

The model is a weighted-term model built from the catalogue at first use, nothing downloaded:

- every phenomenon's `trefwoorden`, and the extra weighted words of `fenomeensuggestie.yaml`;
- the words of its signal card and explanation (`toelichting`), each weighted by how much of
  its use falls in this phenomenon (a word every phenomenon uses weighs nothing);
- the everyday words of `geen_ondermijning` (grofvuil, hondenpoep, …), which count against.

Words are compared after cheap Dutch normalisation: case and accents folded, a light suffix
stemmer ("afgeplakte" → "afgeplakt", "ramen"/"raam" → "ram"), and compound splitting against
the model's own vocabulary ("wietplantage" → "wiet" + "plantage"). A term of several words
counts when all its words stand close together in one sentence, in any order. A phenomenon is
suggested when
its evidence beats the threshold (`drempel`) plus the evidence for an everyday complaint;
the score is its share of a softmax over all phenomena and "none".
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
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


@dataclass
class Model:
    threshold: float
    # stems (sorted) -> {phenomenon code or NONE: weight}
    terms: dict[tuple[str, ...], dict[str, float]] = field(default_factory=dict)
    # first stem of a multi-word term -> the terms starting with it
    phrases: dict[str, list[tuple[str, ...]]] = field(default_factory=lambda: defaultdict(list))
    vocabulary: set[str] = field(default_factory=set)
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
    model = _MODELS.get(catalogue)
    if model is None:
        model = _MODELS[catalogue] = build(catalogue)
    return model


def suggest(text: str, catalogue: Catalogue) -> Suggestion | None:
    """The phenomenon the text is most likely about, or None when it is not about ondermijning."""
    if not text or not text.strip():
        return None
    return model_for(catalogue).suggest(text)
