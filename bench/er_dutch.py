"""Benchmark: noisy Dutch persons across four partner sources, with an answer key.

Data: demo.population.dutch_sources - personen (BSN, address, little noise), functionarissen,
transacties buyers and huurcontracten (no BSN; the noise of demo.noise: particles inside or
after the surname, initials, first name only, typos, upper case, swapped day and month,
missing birth dates, titles), relatives sharing surname and address, no shared key.

Contenders (same records, de-duplicated as one set, precision/recall/F1 at p >= 0.5 against
all true pairs, wall time including training):
- generic:  a generic Splink 5 set-up on the raw columns: NameComparison for voornamen and
            geslachtsnaam, DateOfBirthComparison, bsn and postcode exact; plain blocking;
- weerbaar: our pipeline (resolve.engine.DuckDBResolver). Target: F1 >= 0.98.

    .venv/bin/python bench/er_dutch.py [--personen 5000] [--schrijf-prior]

--schrijf-prior also writes the built-in model (src/weerbaar/resolve/prior_model.json) from a
training run on these data.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

THRESHOLD = 0.5


def run_generic(records: list[dict] | pa.Table) -> list[tuple[str, str, float]]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=[
            block_on("geslachtsnaam", "geboortedatum"), block_on("voornamen", "geslachtsnaam"),
            block_on("voornamen", "geboortedatum"), block_on("bsn"), block_on("postcode", "huisnummer"),
        ],
        comparisons=[
            cl.NameComparison("voornamen").configure(term_frequency_adjustments=True),
            cl.NameComparison("geslachtsnaam").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("geboortedatum", input_is_string=True, datetime_format="%Y-%m-%d",
                                     invalid_dates_as_null=True),
            cl.ExactMatch("bsn"),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ],
    )
    columns = ("unique_id", "voornamen", "tussenvoegsel", "geslachtsnaam", "geboortedatum", "bsn", "postcode",
               "huisnummer")
    db_api = DuckDBAPI()
    table = records.select(list(columns)) if isinstance(records, pa.Table) else [
        {c: r.get(c) for c in columns} for r in records]
    sdf = db_api.register(table, dataset_display_name="personen")
    linker = Linker(sdf, settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("bsn"), block_on("voornamen", "geslachtsnaam", "geboortedatum")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=3e5, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("geboortedatum"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("geslachtsnaam"))
    pred = linker.inference.predict(threshold_match_probability=THRESHOLD, warning_mode="never")
    return [(r["unique_id_l"], r["unique_id_r"], r["match_probability"]) for r in pred.as_record_list()]


def run_weerbaar(records: list[dict]) -> tuple[list[tuple[str, str, float]], dict]:
    from weerbaar.resolve.engine import DuckDBResolver

    result = DuckDBResolver().link_persons(records, threshold=THRESHOLD)
    return [(p.uid_l, p.uid_r, p.probability) for p in result.pairs], result.model


def evaluate(pairs: list[tuple[str, str, float]], records: list[dict]) -> dict[str, float]:
    cluster = {r["unique_id"]: r["cluster"] for r in records}
    sizes = Counter(cluster.values())
    n_true = sum(n * (n - 1) // 2 for n in sizes.values())
    hits = [(a, b) for a, b, p in pairs if p >= THRESHOLD]
    tp = sum(cluster[a] == cluster[b] for a, b in hits)
    precision = tp / len(hits) if hits else 0.0
    recall = tp / n_true if n_true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": len(hits) - tp, "fn": n_true - tp, "precision": precision, "recall": recall, "f1": f1}


def iso_date(value: object) -> str | None:
    """The sources write birth dates as ISO or as dd-mm-yyyy; the linking run sees them as the
    import normalises them (ISO)."""
    from weerbaar.ingest.cells import CellError, parse_date

    try:
        day = parse_date(str(value) if value else None)
    except CellError:
        return None
    return day.isoformat() if day else None


def evaluate_clusters(pairs: list[tuple[str, str, float]], records: list[dict], birth_dates: bool) -> dict[str, float]:
    """Pairwise precision and recall of the subjects the linking run makes of the pairs
    (resolve.cluster with equal BSNs exclusive, and with or without the birth-date rule):
    what a user finally sees, transitive joins included."""
    from weerbaar.resolve.cluster import cluster as make_clusters

    truth = {r["unique_id"]: r["cluster"] for r in records}
    bsn = {r["unique_id"]: str(r["bsn"]) for r in records if r.get("bsn")}
    born = {r["unique_id"]: d for r in records if (d := iso_date(r.get("geboortedatum")))} if birth_dates else None
    clusters = make_clusters([r["unique_id"] for r in records], pairs, [], [], threshold=THRESHOLD,
                             exclusive=bsn, birth_dates=born)
    predicted = sum(len(c) * (len(c) - 1) // 2 for c in clusters)
    tp = sum(n * (n - 1) // 2 for c in clusters for n in Counter(truth[u] for u in c).values())
    n_true = sum(n * (n - 1) // 2 for n in Counter(truth.values()).values())
    precision = tp / predicted if predicted else 0.0
    recall = tp / n_true if n_true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "subjects": len(clusters)}


def write_prior(model: dict, people: int, seed: int, records: int) -> Path:
    from weerbaar.resolve import model as m

    model = dict(model)
    model[m.EXTRA_KEY] = {"tf": {}, "records": records, "herkomst": (
        f"Getraind (EM, Splink 5) op synthetische Nederlandse personen: demo.population.dutch_sources({people}, "
        f"seed={seed}), vier bronnen met ruis uit demo.noise; opnieuw te maken met "
        "bench/er_dutch.py --schrijf-prior. Zonder termfrequenties: die zeggen in een kleine invoer niets.")}
    m.PRIOR_MODEL_PATH.write_text(json.dumps(model, indent=1, ensure_ascii=False), encoding="utf-8")
    return m.PRIOR_MODEL_PATH


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--personen", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--schrijf-prior", action="store_true")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    logging.getLogger("splink").setLevel(logging.ERROR)
    import splink  # noqa: F401  (imports outside the timings)

    from weerbaar.demo.population import dutch_sources
    from weerbaar.resolve import engine  # noqa: F401

    records = dutch_sources(args.personen, seed=args.seed)
    print(f"{len(records)} records, {len({r['cluster'] for r in records})} personen, bronnen: "
          + ", ".join(f"{k} {v}" for k, v in sorted(Counter(r['source_dataset'] for r in records).items())))
    rows = {}
    for name in ("generic", "weerbaar"):
        t = time.perf_counter()
        if name == "generic":
            pairs = run_generic(records)
        else:
            pairs, model = run_weerbaar(records)
        rows[name] = {"seconds": time.perf_counter() - t, **evaluate(pairs, records)}
    print(f"\n{'contender':12}{'precision':>10}{'recall':>9}{'F1':>8}{'TP':>7}{'FP':>6}{'FN':>6}{'wall s':>8}")
    for name, r in rows.items():
        print(f"{name:12}{r['precision']:>10.4f}{r['recall']:>9.4f}{r['f1']:>8.4f}{r['tp']:>7}{r['fp']:>6}{r['fn']:>6}"
              f"{r['seconds']:>8.1f}")
    print("\nsubjecten van de koppelrun (weerbaar-paren, transitief, gelijke BSN exclusief):")
    for label, rule in (("zonder geboortedatumregel", False), ("met geboortedatumregel", True)):
        c = evaluate_clusters(pairs, records, rule)
        print(f"  {label:<28} precisie {c['precision']:.4f}  recall {c['recall']:.4f}  F1 {c['f1']:.4f}  "
              f"{c['subjects']:,.0f} subjecten")
    ours, generic = rows["weerbaar"], rows["generic"]
    print(f"\nweerbaar vs generic: F1 {ours['f1'] - generic['f1']:+.4f}, "
          f"time {ours['seconds'] / generic['seconds']:.2f}x")
    print(f"target (weerbaar F1 >= 0.98): {'gehaald' if ours['f1'] >= 0.98 else 'NIET gehaald'}")
    if args.schrijf_prior:
        print(f"ingebouwd model geschreven: {write_prior(model, args.personen, args.seed, len(records))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
