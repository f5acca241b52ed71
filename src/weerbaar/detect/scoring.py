"""Scores: indicator hits and reported signals per address, person or company and phenomenon,
each weighted by the catalogue and decayed by age. A score is nothing but the sum of its
components, and every component says what it is, what it weighs and where it came from."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from weerbaar.core.catalogue import Catalogue
from weerbaar.core.rules import DetectionSettings
from weerbaar.detect.indicators import Hit

Key = tuple[str, str, str]  # (target_kind, target_id, phenomenon)


@dataclass(frozen=True)
class ReportedSignal:
    """A reported (not automatic) signal with its phenomenon, attached to one target."""

    signal_id: str
    target_kind: str
    target_id: str
    phenomenon: str
    observed_on: date
    reliability: str
    credibility: str


@dataclass(frozen=True)
class Explained:
    """The latest "verklaard" of an entry: the indicator codes and signal ids it covered."""

    codes: frozenset[str]
    at: date
    reason: str


@dataclass
class Score:
    target_kind: str
    target_id: str
    phenomenon: str
    score: float = 0.0
    indicator_score: float = 0.0
    components: list[dict[str, Any]] = field(default_factory=list)
    first_date: date | None = None
    last_date: date | None = None
    explained: bool = False

    @property
    def key(self) -> Key:
        return (self.target_kind, self.target_id, self.phenomenon)

    def codes(self) -> list[str]:
        return [c["code"] for c in self.components if c["soort"] == "indicator"]


def decay(settings: DetectionSettings, day: date | None, peildatum: date) -> float:
    if day is None:
        return 1.0
    age = max((peildatum - day).days, 0)
    return round(0.5 ** (age / settings.halfwaardetijd_dagen), 4)


def score_all(
    hits: list[Hit], signals: list[ReportedSignal], catalogue: Catalogue, peildatum: date,
    explained: dict[Key, Explained],
) -> list[Score]:
    settings = catalogue.detection
    assert settings is not None
    scores: dict[Key, Score] = {}

    def entry(kind: str, target: str, phenomenon: str) -> Score:
        key = (kind, target, phenomenon)
        if key not in scores:
            scores[key] = Score(kind, target, phenomenon)
        return scores[key]

    for hit in hits:
        rule = catalogue.rules[hit.code]
        factor = decay(settings, hit.day, peildatum)
        part = round(hit.weight * hit.strength * factor, 4)
        s = entry(hit.target_kind, hit.target_id, hit.phenomenon)
        s.indicator_score += part
        s.components.append({
            "soort": "indicator", "code": hit.code, "naam": rule.naam, "gewicht": hit.weight,
            "sterkte": hit.strength, "verval": factor, "bijdrage": part, "uitleg": hit.explanation,
            "datum": hit.day.isoformat() if hit.day else None, "bewijs": hit.evidence,
        })
        _span(s, hit.day)
    grading = settings.brongradering
    for sig in signals:
        factor = decay(settings, sig.observed_on, peildatum)
        graded = grading.betrouwbaarheid.get(sig.reliability, 0.5) * grading.informatie.get(sig.credibility, 0.5)
        part = round(settings.signaal_gewicht * graded * factor, 4)
        s = entry(sig.target_kind, sig.target_id, sig.phenomenon)
        s.components.append({
            "soort": "signaal", "code": sig.signal_id, "naam": "Gemeld signaal",
            "gewicht": settings.signaal_gewicht, "sterkte": round(graded, 3), "verval": factor, "bijdrage": part,
            "uitleg": f"Gemeld signaal van {sig.observed_on.strftime('%d-%m-%Y')}, beoordeeld "
                      f"{sig.reliability}{sig.credibility}.",
            "datum": sig.observed_on.isoformat(), "bewijs": {},
        })
        _span(s, sig.observed_on)
    for s in scores.values():
        s.components.sort(key=lambda c: -c["bijdrage"])
        s.score = round(sum(c["bijdrage"] for c in s.components), 3)
        s.indicator_score = round(s.indicator_score, 3)
        mark = explained.get(s.key)
        s.explained = mark is not None and still_explained(s, mark)
    return sorted(scores.values(), key=lambda s: (-s.score, s.target_id, s.phenomenon))


def still_explained(score: Score, mark: Explained) -> bool:
    """An entry stays explained until an indicator fires or a signal counts that the
    explanation did not cover."""
    return all(c["code"] in mark.codes for c in score.components)


def _span(score: Score, day: date | None) -> None:
    if day is None:
        return
    score.first_date = day if score.first_date is None else min(score.first_date, day)
    score.last_date = day if score.last_date is None else max(score.last_date, day)


def by_target(scores: list[Score]) -> dict[tuple[str, str], list[Score]]:
    out: dict[tuple[str, str], list[Score]] = defaultdict(list)
    for s in scores:
        out[(s.target_kind, s.target_id)].append(s)
    return out
