"""The Splink model for persons: Dutch comparisons with Dutch labels, blocking rules, training.

Comparisons are written as Splink comparison dicts over the features of
`normalise.person_features_sql`, in DuckDB SQL (Splink transpiles them for Spark). The level
labels are what a coordinator reads in an explanation, so they are Dutch.

Everything here is pure data and functions of data: the DuckDB and the Spark resolver call
`person_settings` with the same arguments and get identical settings.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

# Our extra data stored inside a model dict (Splink ignores nothing, so it is stripped
# before a model goes to Splink): term frequencies of name values, for intake and increments.
EXTRA_KEY = "weerbaar"

PRIOR_MODEL_PATH = Path(__file__).with_name("prior_model.json")


def _level(sql: str, label: str, *, null: bool = False, tf: str | None = None) -> dict[str, Any]:
    level: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label}
    if null:
        level["is_null_level"] = True
    if tf:
        level["tf_adjustment_column"] = tf
        level["tf_adjustment_weight"] = 1.0
    return level


def _else() -> dict[str, Any]:
    return _level("ELSE", "anders")


def _comparison(name: str, description: str, levels: list[dict[str, Any]]) -> dict[str, Any]:
    return {"output_column_name": name, "comparison_description": description, "comparison_levels": levels}


# Given name and surname swapped (FEBRL does this; so does a form filled in the wrong order).
SWAPPED = ("jaro_winkler_similarity(voornaam_l, achternaam_kern_r) >= 0.9 AND "
           "jaro_winkler_similarity(achternaam_kern_l, voornaam_r) >= 0.9")


def first_name_comparison() -> dict[str, Any]:
    either_initials_only = "(voornaam_l IS NULL OR voornaam_r IS NULL)"
    return _comparison("voornaam", "voornamen", [
        _level("initialen_l IS NULL OR initialen_r IS NULL", "onbekend", null=True),
        _level("voornamen_alle_l = voornamen_alle_r", "alle voornamen gelijk"),
        _level("voornaam_l = voornaam_r", "gelijk", tf="voornaam"),
        _level("jaro_winkler_similarity(voornaam_l, voornaam_r) >= 0.92", "bijna gelijk (tikfout)"),
        _level("list_has_any(voornamen_lijst_l, voornamen_lijst_r)", "komt voor in de andere voornamen"),
        _level(SWAPPED, "verwisseld met achternaam"),
        _level(f"{either_initials_only} AND initialen_l = initialen_r", "initialen gelijk"),
        _level(f"{either_initials_only} AND initiaal_l = initiaal_r", "eerste initiaal gelijk"),
        _level("jaro_winkler_similarity(voornaam_l, voornaam_r) >= 0.8", "lijkt op"),
        _else(),
    ])


def surname_comparison() -> dict[str, Any]:
    return _comparison("achternaam", "achternaam", [
        _level("achternaam_kern_l IS NULL OR achternaam_kern_r IS NULL", "onbekend", null=True),
        _level("achternaam_vol_l = achternaam_vol_r", "gelijk", tf="achternaam_vol"),
        _level("achternaam_kern_l = achternaam_kern_r", "gelijk (zonder tussenvoegsel)", tf="achternaam_kern"),
        _level("achternaam_fon_l = achternaam_fon_r", "klinkt gelijk"),
        _level("jaro_winkler_similarity(achternaam_kern_l, achternaam_kern_r) >= 0.92", "bijna gelijk (tikfout)"),
        _level("jaro_winkler_similarity(achternaam_kern_l, achternaam_kern_r) >= 0.8", "lijkt op"),
        _else(),
    ])


def birth_date_comparison() -> dict[str, Any]:
    return _comparison("geboortedatum", "geboortedatum", [
        _level("geboortedatum_l IS NULL OR geboortedatum_r IS NULL", "onbekend", null=True),
        _level("geboortedatum_l = geboortedatum_r", "gelijk"),
        _level("geboortedatum_omgedraaid_l = geboortedatum_r", "dag en maand verwisseld"),
        # Both are ISO text of ten characters, so the cheap Hamming distance counts wrong digits
        # (two for a swap of neighbouring digits).
        _level("hamming(geboortedatum_l, geboortedatum_r) <= 1", "één cijfer verschil"),
        _level("hamming(geboortedatum_l, geboortedatum_r) <= 2", "twee cijfers verschil"),
        _level("geboortejaar_l = geboortejaar_r", "zelfde jaar"),
        _else(),
    ])


def identifier_comparison() -> dict[str, Any]:
    same_length = "length(bsn_l) = length(bsn_r)"
    return _comparison("identificatie", "bsn of ander persoonsnummer", [
        _level("bsn_l IS NULL OR bsn_r IS NULL", "onbekend", null=True),
        _level("bsn_l = bsn_r", "gelijk"),
        _level(f"{same_length} AND hamming(bsn_l, bsn_r) <= 1", "één teken verschil"),
        _level(f"{same_length} AND hamming(bsn_l, bsn_r) <= 2", "twee tekens verschil"),
        _else(),
    ])


def address_comparison() -> dict[str, Any]:
    return _comparison("adres", "postcode en huisnummer", [
        _level("postcode_l IS NULL OR postcode_r IS NULL", "onbekend", null=True),
        _level("postcode_l = postcode_r AND huisnummer_l = huisnummer_r", "zelfde adres"),
        _level("postcode_l = postcode_r", "zelfde postcode", tf="postcode"),
        _level("length(postcode_l) = length(postcode_r) AND hamming(postcode_l, postcode_r) <= 1 "
               "AND huisnummer_l = huisnummer_r", "postcode bijna gelijk, zelfde huisnummer"),
        _level("length(postcode_l) = length(postcode_r) AND hamming(postcode_l, postcode_r) <= 1",
               "postcode bijna gelijk"),
        _else(),
    ])


def street_comparison() -> dict[str, Any]:
    return _comparison("straat", "straat", [
        _level("straat_l IS NULL OR straat_r IS NULL", "onbekend", null=True),
        _level("straat_l = straat_r", "gelijk", tf="straat"),
        _level("jaro_winkler_similarity(straat_l, straat_r) >= 0.9", "bijna gelijk"),
        _else(),
    ])


def place_comparison() -> dict[str, Any]:
    return _comparison("woonplaats", "woonplaats", [
        _level("woonplaats_l IS NULL OR woonplaats_r IS NULL", "onbekend", null=True),
        _level("woonplaats_l = woonplaats_r", "gelijk", tf="woonplaats"),
        _level("jaro_winkler_similarity(woonplaats_l, woonplaats_r) >= 0.9", "bijna gelijk"),
        _else(),
    ])


# Comparison name -> (factory, feature columns it needs filled to be worth training).
COMPARISONS = {
    "voornaam": (first_name_comparison, ("initialen",)),
    "achternaam": (surname_comparison, ("achternaam_kern",)),
    "geboortedatum": (birth_date_comparison, ("geboortedatum",)),
    "identificatie": (identifier_comparison, ("bsn",)),
    "adres": (address_comparison, ("postcode",)),
    "straat": (street_comparison, ("straat",)),
    "woonplaats": (place_comparison, ("woonplaats",)),
}

# Blocking rules: each is an equi-join on selective keys, so that a million records stay
# within a few million candidate pairs. Together they catch particles, initials, a typo in
# surname or birth date, swapped day and month and a missing birth date.
BLOCKING_RULES: tuple[str, ...] = (
    "l.bsn = r.bsn",
    "l.achternaam_kern = r.achternaam_kern AND l.geboortedatum = r.geboortedatum",
    "l.voornaam = r.voornaam AND l.geboortedatum = r.geboortedatum",
    "l.initiaal = r.initiaal AND l.geboortedatum = r.geboortedatum",
    "l.achternaam_kern = r.achternaam_kern AND l.geboortedatum_omgedraaid = r.geboortedatum",
    "l.achternaam_fon = r.achternaam_fon AND l.geboortejaar = r.geboortejaar AND l.initiaal = r.initiaal",
    "l.kern_zonder_datum = r.achternaam_kern AND l.initiaal = r.initiaal",
    "l.achternaam_kern = r.kern_zonder_datum AND l.initiaal = r.initiaal",
    "l.achternaam_kern = r.achternaam_kern AND l.postcode = r.postcode",
    "l.postcode = r.postcode AND l.huisnummer = r.huisnummer AND l.initiaal = r.initiaal",
    "l.voornaam = r.achternaam_kern AND l.achternaam_kern = r.voornaam",
    "l.straat = r.straat AND l.huisnummer = r.huisnummer AND l.initiaal = r.initiaal",
    "l.voornaam = r.voornaam AND l.achternaam_letters = r.achternaam_letters",
    "l.voornamen_alle = r.voornamen_alle AND left(l.achternaam_kern, 3) = left(r.achternaam_kern, 3)",
)

# Wide rules, each used only when the input is small enough that it blocks at most
# WIDE_RULE_PAIR_BUDGET pairs (they widen recall on small, very noisy sets such as FEBRL and
# would cost billions of pairs on a million records). Column -> rule.
WIDE_RULES: dict[str, str] = {
    "achternaam_kern": "l.achternaam_kern = r.achternaam_kern",
    "voornaam": "l.voornaam = r.voornaam",
    "geboortedatum": "l.geboortedatum = r.geboortedatum",
    "postcode": "l.postcode = r.postcode",
    "woonplaats": "l.woonplaats = r.woonplaats AND l.huisnummer = r.huisnummer",
}
WIDE_RULE_PAIR_BUDGET = 2_000_000

# Deterministic rules used to estimate the prior (how likely two random records match).
DETERMINISTIC_RULES: tuple[str, ...] = (
    "l.bsn = r.bsn",
    "l.achternaam_kern = r.achternaam_kern AND l.voornaam = r.voornaam AND l.geboortedatum = r.geboortedatum",
)

# EM sessions: each blocks on some columns and so trains the comparisons that are not blocked on.
EM_RULES: tuple[str, ...] = (
    "l.geboortedatum = r.geboortedatum",
    "l.achternaam_kern = r.achternaam_kern AND l.initiaal = r.initiaal",
)


def person_settings(link_type: str = "dedupe_only", comparisons: tuple[str, ...] | None = None,
                    wide_rules: tuple[str, ...] = ()) -> dict[str, Any]:
    """Splink settings (no m/u yet) for persons; `comparisons` selects by name (default all),
    `wide_rules` adds blocking rules of WIDE_RULES (by column)."""
    names = comparisons or tuple(COMPARISONS)
    wide = [WIDE_RULES[c] for c in wide_rules]
    # A narrow rule that contains a wide rule as a condition finds nothing the wide one misses.
    rules = wide + [r for r in BLOCKING_RULES if not any(w in r for w in wide)]
    return {
        "link_type": link_type,
        "unique_id_column_name": "unique_id",
        "source_dataset_column_name": "source_dataset",
        "probability_two_random_records_match": 1e-5,
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": rule, "sql_dialect": "duckdb"} for rule in rules
        ],
        "comparisons": [COMPARISONS[name][0]() for name in names],
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
        "sql_dialect": "duckdb",
        "linker_uid": "weerbaar_personen",
    }


def splink_part(model: dict[str, Any]) -> dict[str, Any]:
    """The model without our extra data, as Splink wants it."""
    return {k: v for k, v in copy.deepcopy(model).items() if k != EXTRA_KEY}


def with_link_type(model: dict[str, Any], link_type: str) -> dict[str, Any]:
    out = copy.deepcopy(model)
    out["link_type"] = link_type
    return out


def without_tf(model: dict[str, Any]) -> dict[str, Any]:
    """The model without term-frequency adjustments: for a model that carries no frequencies
    (the built-in one), since frequencies counted in a handful of records mean nothing."""
    out = copy.deepcopy(model)
    for comparison in out["comparisons"]:
        for lv in comparison["comparison_levels"]:
            lv.pop("tf_adjustment_column", None)
            lv.pop("tf_adjustment_weight", None)
    return out


def neutral_unseen(model: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Levels training never saw (m or u unknown) count for nothing (m = u, weight 0).

    Left empty, Splink falls back on defaults that can be wildly strong: a postcode one
    letter off (the neighbours across the street) once weighed +9.5 in the built-in model.
    Evidence the model has not measured must not decide a link. Returns (model, changed).
    """
    out = copy.deepcopy(model)
    changed = False
    for comparison in out["comparisons"]:
        for lv in comparison["comparison_levels"]:
            if lv.get("is_null_level"):
                continue
            m_p, u_p = lv.get("m_probability"), lv.get("u_probability")
            if m_p is None or u_p is None:
                value = u_p if u_p is not None else (m_p if m_p is not None else 0.5)
                lv["m_probability"] = lv["u_probability"] = value
                changed = True
    return out, changed


# An m below this is not a measurement but EM running off into a corner (a level it saw
# almost never among matches); it would weigh -50 or -400 and veto any link on its own.
# One in ten thousand is below what a municipality's few thousand true pairs can show.
M_FLOOR = 1e-4


def settle(trained: dict[str, Any], fallback: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The trained model with every m that EM could not estimate soundly taken from
    `fallback` (the built-in model, trained on generated Dutch records with the noise of
    real extracts): m-probabilities describe how records of one person differ, which
    carries over between municipalities far better than u (how names are distributed).

    An m is replaced when it is missing (the EM session for it failed or never ran) or
    below M_FLOOR; without a fallback a missing m makes the level neutral (m = u) and a tiny
    one is raised to M_FLOOR. Within a
    comparison the m's are then scaled to sum to one again. Returns
    the model and the "comparison: level" names that were replaced, for the run's figures.
    """
    out = copy.deepcopy(trained)
    known = {(c["output_column_name"], lv["label_for_charts"]): lv.get("m_probability")
             for c in fallback["comparisons"] for lv in c["comparison_levels"]}
    replaced: list[str] = []
    for comparison in out["comparisons"]:
        name = comparison["output_column_name"]
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        for lv in levels:
            m_p = lv.get("m_probability")
            if m_p is None or m_p < M_FLOOR:
                backup = known.get((name, lv["label_for_charts"]))
                if backup is not None and backup > 0:
                    lv["m_probability"] = max(backup, M_FLOOR)
                elif m_p is not None:
                    lv["m_probability"] = M_FLOOR  # rare among matches, but not a veto
                replaced.append(f"{name}: {lv['label_for_charts']}")
        total = sum(lv["m_probability"] for lv in levels if lv.get("m_probability") is not None)
        if total > 0:
            for lv in levels:
                if lv.get("m_probability") is not None:
                    lv["m_probability"] = lv["m_probability"] / total
    settled, _ = neutral_unseen(out)
    return settled, replaced


def level_labels(model: dict[str, Any]) -> dict[str, dict[int, str]]:
    """comparison output name -> {comparison vector value: label}. Splink numbers the null
    level -1 and the other levels from n-1 (first listed) down to 0 (ELSE)."""
    out: dict[str, dict[int, str]] = {}
    for comparison in model["comparisons"]:
        levels = comparison["comparison_levels"]
        non_null = [lv for lv in levels if not lv.get("is_null_level")]
        labels = {-1: next((lv["label_for_charts"] for lv in levels if lv.get("is_null_level")), "onbekend")}
        for i, lv in enumerate(non_null):
            labels[len(non_null) - 1 - i] = lv["label_for_charts"]
        out[comparison["output_column_name"]] = labels
    return out


def tf_columns(model: dict[str, Any]) -> list[str]:
    cols: list[str] = []
    for comparison in model["comparisons"]:
        for lv in comparison["comparison_levels"]:
            col = lv.get("tf_adjustment_column")
            if col and col not in cols:
                cols.append(col)
    return cols


def prior_model() -> dict[str, Any]:
    """The built-in model for runs with too few records to train on (see prior_model.json's
    `weerbaar.herkomst` for where its numbers come from)."""
    return json.loads(PRIOR_MODEL_PATH.read_text(encoding="utf-8"))
