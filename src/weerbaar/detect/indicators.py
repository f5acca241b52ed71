"""Run the catalogue's indicator rules over the analysis tables: every hit with its evidence and
a Dutch sentence that explains it from the data."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from weerbaar.core.catalogue import Catalogue
from weerbaar.core.rules import IndicatorRule
from weerbaar.detect.frames import Frames

STRENGTH_RANGE = (0.5, 3.0)


@dataclass
class Hit:
    code: str
    phenomenon: str
    target_kind: str  # adres | persoon | bedrijf
    target_id: str
    day: date | None
    weight: float
    strength: float
    evidence: dict[str, Any] = field(default_factory=dict)
    explanation: str = ""


@dataclass
class RuleOutcome:
    code: str
    hits: int = 0
    skipped: str | None = None  # Dutch reason the rule did not run


def target_kind(rule: IndicatorRule, target_id: str) -> str | None:
    if rule.onderwerp == "adres":
        return "adres"
    return {"P": "persoon", "B": "bedrijf"}.get(target_id[:1])


def run_rules(
    frames: Frames, catalogue: Catalogue, peildatum: date, progress: Callable[[int, int], None] | None = None
) -> tuple[list[Hit], list[RuleOutcome]]:
    hits: list[Hit] = []
    outcomes: list[RuleOutcome] = []
    rules = list(catalogue.rules.values())
    for done, rule in enumerate(rules, 1):
        outcome = RuleOutcome(rule.code)
        missing = [s for s in rule.bronnen if s != "adressen" and not frames.counts.get(f"bron:{s}")]
        if missing or not frames.counts.get("adressen"):
            outcome.skipped = "geen gegevens uit " + ", ".join(missing or ["adressen"])
        else:
            found = _run(frames, rule, peildatum)
            hits.extend(found)
            outcome.hits = len(found)
        outcomes.append(outcome)
        if progress is not None:
            progress(done, len(rules))
    return hits, outcomes


def _run(frames: Frames, rule: IndicatorRule, peildatum: date) -> list[Hit]:
    wanted = rule.sql_parameters()
    values: dict[str, Any] = {name: p.waarde for name, p in rule.parameters.items() if name in wanted}
    if "peildatum" in wanted:
        values["peildatum"] = peildatum
    cursor = frames.con.execute(rule.definitie, values)
    columns = [d[0] for d in cursor.description]
    out: list[Hit] = []
    for row in cursor.fetchall():
        record = dict(zip(columns, row, strict=True))
        target = record.pop("doel")
        kind = target_kind(rule, str(target)) if target else None
        if kind is None:
            continue  # a row the linking could not attach to a subject
        day = record.pop("datum")
        strength = record.pop("sterkte", 1.0)
        evidence = {k: _plain(v) for k, v in record.items()}
        out.append(Hit(
            rule.code, rule.fenomeen, kind, str(target), day if isinstance(day, date) else None, rule.gewicht,
            _clip(strength), evidence, explain(rule, evidence),
        ))
    return out


def _clip(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 1.0
    if math.isnan(number):
        return 1.0
    low, high = STRENGTH_RANGE
    return round(min(max(number, low), high), 3)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def dutch_number(value: Any) -> str:
    """1234567.5 -> '1.234.567,5'; whole numbers without decimals."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    text = f"{value:,.1f}" if isinstance(value, float) and not value.is_integer() else f"{int(value):,}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


def explain(rule: IndicatorRule, evidence: dict[str, Any]) -> str:
    values = {name: dutch_number(p.waarde) for name, p in rule.parameters.items()}
    for key, value in evidence.items():
        if value is None:
            values[key] = "onbekend"
        elif isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
            values[key] = f"{value[8:10]}-{value[5:7]}-{value[:4]}"
        else:
            values[key] = dutch_number(value)
    text = " ".join(rule.uitleg.format(**values).split())
    return text[:-1] if text.endswith("..") and not text.endswith("...") else text  # "… B.V.."
