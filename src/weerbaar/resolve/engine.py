"""Entity resolution of persons: Dutch features + an EM-trained, term-frequency adjusted
Splink model, behind one interface with a DuckDB (default) and a Spark backend.

Pure computation: records in, scored pairs with explanations out. Persistence (subjects,
links, review queue) is resolve.service's job.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import duckdb
import pyarrow as pa

from weerbaar.resolve import model as m
from weerbaar.resolve.normalise import PERSON_INPUT, person_features_sql

# Below this many records EM has too little to learn from: use the built-in prior model.
MIN_RECORDS_TO_TRAIN = 200
# A comparison is trained only if at least this share of records fills its columns.
MIN_FILLED_SHARE = 0.005
# Term-frequency values kept in a model (most frequent first), for intake and increments.
TF_VALUES_KEPT = 20_000
U_SAMPLING_PAIRS = 3e5
EM_MAX_PAIRS = 2e6

log = logging.getLogger(__name__)
# Splink warns on stderr about every level EM could not train; `train` deals with those
# levels itself (model.settle), so the warnings would only alarm the person at the terminal.
logging.getLogger("splink").setLevel(logging.ERROR)


@dataclass
class ScoredPair:
    uid_l: str
    uid_r: str
    probability: float
    match_weight: float
    # [{"vergelijking": "achternaam", "niveau": "gelijk (zonder tussenvoegsel)", "gewicht": 5.1}, ...]
    # (gewicht = log2 Bayes factor incl. term-frequency adjustment; the first entry,
    # "startwaarde", is the prior, so the weights add up to match_weight)
    explanation: list[dict[str, Any]]


@dataclass
class ResolveResult:
    pairs: list[ScoredPair]
    model: dict[str, Any]  # Splink model JSON (settings with m/u) + our term frequencies under "weerbaar"
    figures: dict[str, Any] = field(default_factory=dict)


class Resolver(Protocol):
    def link_persons(self, records: pa.Table | list[dict[str, Any]], *, link_type: str = "dedupe_only",
                     model: dict[str, Any] | None = None, threshold: float = 0.2) -> ResolveResult: ...


class EngineError(ValueError):
    """A problem with the input or the backend, in Dutch for the user."""


def _text(value: Any) -> str | None:
    """A cell as text; None, NaN and pandas' NA as NULL."""
    if value is None or type(value).__name__ == "NAType" or (isinstance(value, float) and math.isnan(value)):
        return None
    return value if isinstance(value, str) else str(value)


def person_table(records: pa.Table | Sequence[dict[str, Any]]) -> pa.Table:
    """PERSON_INPUT columns as text (missing columns NULL), from an Arrow table or dicts."""
    if not isinstance(records, pa.Table):
        records = pa.Table.from_pylist([{k: _text(r.get(k)) for k in PERSON_INPUT} for r in records],
                                       schema=pa.schema([(k, pa.string()) for k in PERSON_INPUT]))
    columns = []
    for name in PERSON_INPUT:
        if name in records.column_names:
            col = records.column(name)
            columns.append(col if col.type == pa.string() else col.cast(pa.string()))
        else:
            columns.append(pa.nulls(records.num_rows, pa.string()))
    table = pa.table(columns, names=list(PERSON_INPUT))
    if table.num_rows and table.column("unique_id").null_count:
        raise EngineError("Elk record moet een unique_id hebben.")
    return table


def _prior_weight(model: dict[str, Any]) -> float:
    lam = model["probability_two_random_records_match"]
    return math.log2(lam / (1 - lam))


def explain_rows(rows: pa.Table, model: dict[str, Any]) -> list[ScoredPair]:
    """ScoredPairs from Splink prediction rows (with gamma_* and mw_* columns)."""
    labels = m.level_labels(model)
    prior = round(_prior_weight(model), 2)
    wanted = {"unique_id_l", "unique_id_r", "match_probability", "match_weight"} | {
        f"{prefix}{c['output_column_name']}"
        for c in model["comparisons"] for prefix in ("gamma_", "mw_", "mw_tf_adj_")}
    # Only these columns to Python: the prediction also carries every feature of both sides.
    data = rows.select([c for c in rows.column_names if c in wanted]).to_pydict()
    n = rows.num_rows
    columns = []
    for c in model["comparisons"]:
        name = c["output_column_name"]
        tf = data.get(f"mw_tf_adj_{name}", [0.0] * n)
        weights = [round((w or 0.0) + (t or 0.0), 2) for w, t in zip(data[f"mw_{name}"], tf, strict=True)]
        names = [labels[name].get(g, str(g)) for g in data[f"gamma_{name}"]]
        columns.append((name, names, weights))
    start = {"vergelijking": "startwaarde", "niveau": "kans dat twee willekeurige records overeenkomen",
             "gewicht": prior}
    return [
        ScoredPair(str(data["unique_id_l"][i]), str(data["unique_id_r"][i]), float(data["match_probability"][i]),
                   float(data["match_weight"][i]),
                   [dict(start)] + [{"vergelijking": name, "niveau": names[i], "gewicht": weights[i]}
                                    for name, names, weights in columns])
        for i in range(n)
    ]


def filled_comparisons(con: duckdb.DuckDBPyConnection, table: str) -> tuple[str, ...]:
    """The comparisons whose columns are filled often enough in `table` to train them."""
    needed = sorted({c for _, cols in m.COMPARISONS.values() for c in cols})
    counts = con.sql(f"SELECT count(*), {', '.join(f'count({c})' for c in needed)} FROM {table}").fetchall()[0]
    total, filled = counts[0], dict(zip(needed, counts[1:], strict=True))
    return tuple(name for name, (_, cols) in m.COMPARISONS.items()
                 if total and all(filled[c] / total >= MIN_FILLED_SHARE for c in cols))


def affordable_wide_rules(con: duckdb.DuckDBPyConnection, table: str) -> tuple[str, ...]:
    """The WIDE_RULES whose pair count (sum of n*(n-1)/2 over values) fits the budget."""
    out = []
    for col, _rule in m.WIDE_RULES.items():
        keys = col if col != "woonplaats" else "woonplaats, huisnummer"
        pairs = con.sql(f"SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) AS n FROM {table} "
                        f"WHERE {col} IS NOT NULL GROUP BY {keys})").fetchall()[0][0]
        if pairs <= m.WIDE_RULE_PAIR_BUDGET:
            out.append(col)
    return tuple(out)


def tf_tables(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> dict[str, dict[str, float]]:
    """Term frequencies as Splink computes them (count / non-null count), most frequent first."""
    out: dict[str, dict[str, float]] = {}
    for col in columns:
        rows = con.sql(
            f"SELECT {col}, count(*) / sum(count(*)) OVER () AS tf FROM {table} WHERE {col} IS NOT NULL "
            f"GROUP BY {col} ORDER BY tf DESC, {col} LIMIT {TF_VALUES_KEPT}").fetchall()
        out[col] = {str(v): float(tf) for v, tf in rows}
    return out


class _Timer:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._t = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self._t, 3)
        self._t = now


def train(make_linker: Callable[[dict[str, Any]], Any], settings: dict[str, Any], n_records: int,
          timer: _Timer) -> tuple[Any, dict[str, Any]]:
    """EM training as in the Splink FEBRL examples: prior from deterministic rules, u from
    random pairs, m by EM on two blocking rules that each leave other comparisons free.

    Returns the linker to predict with and its model. Real municipal data can make an EM
    session degenerate (households share surname, initial and address): a session that
    fails is discarded whole - the linker is rebuilt from the model before it - and the
    prior stays the one counted from deterministic rules, whatever EM made of it. Levels
    training never saw count for nothing (`model.neutral_unseen`).
    """
    linker = make_linker(settings)
    try:
        linker.training.estimate_probability_two_random_records_match(list(m.DETERMINISTIC_RULES), recall=0.7)
    except Exception as exc:  # too few deterministic matches: keep the default prior
        log.info("prior niet geschat: %s", exc)
    timer.lap("prior")
    linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLING_PAIRS, seed=1)
    timer.lap("u")
    snapshot = linker.misc.save_model_to_json()
    prior = snapshot["probability_two_random_records_match"]
    if not 0 < prior < 1:  # no deterministic matches at all (e.g. only a BRP extract so far)
        prior = m.prior_model()["probability_two_random_records_match"]
        snapshot["probability_two_random_records_match"] = prior
        linker = make_linker(snapshot)
    for rule in m.EM_RULES:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True,
                max_pairs=EM_MAX_PAIRS if n_records > 100_000 else None)
            snapshot = linker.misc.save_model_to_json()
        except Exception as exc:  # a rule that blocks no pairs in this data, or a degenerate session
            log.info("EM-regel %s overgeslagen: %s", rule, exc)
            linker = make_linker(snapshot)
    timer.lap("em")
    drifted = snapshot["probability_two_random_records_match"] != prior
    snapshot["probability_two_random_records_match"] = prior
    settled, replaced = m.settle(snapshot, m.prior_model())
    if not replaced and not drifted and settled == snapshot:
        return linker, settled  # EM was sound throughout: predict with the trained linker
    if replaced:
        log.info("m uit het ingebouwde model voor: %s", ", ".join(replaced))
    return make_linker(settled), settled


def _splink_linker(db_api: Any, tables: list[str], settings: dict[str, Any]) -> Any:
    from splink import Linker

    sdfs = [db_api.register(t, dataset_display_name=t) for t in tables]
    return Linker(sdfs if len(sdfs) > 1 else sdfs[0], settings, log_level=logging.ERROR)


class DuckDBResolver:
    """Default backend: Splink on an in-memory DuckDB."""

    def __init__(self, *, threads: int | None = None, memory_limit: str | None = None) -> None:
        self.threads = threads
        self.memory_limit = memory_limit

    def _connect(self) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect()
        if self.threads:
            con.execute(f"SET threads = {int(self.threads)}")
        if self.memory_limit:
            con.execute(f"SET memory_limit = '{self.memory_limit}'")
        con.execute("SET preserve_insertion_order = false")
        return con

    def link_persons(self, records: pa.Table | list[dict[str, Any]], *, link_type: str = "dedupe_only",
                     model: dict[str, Any] | None = None, threshold: float = 0.2) -> ResolveResult:
        from splink import DuckDBAPI

        if link_type not in ("dedupe_only", "link_only", "link_and_dedupe"):
            raise EngineError(f"Onbekend koppeltype '{link_type}': kies dedupe_only, link_only of link_and_dedupe.")
        timer = _Timer()
        table = person_table(records)
        con = self._connect()
        con.register("invoer", table)
        con.execute(f"CREATE TABLE kenmerken AS {person_features_sql('invoer')}")
        con.unregister("invoer")
        timer.lap("kenmerken")
        tables = self._input_tables(con, link_type)
        n = table.num_rows
        figures: dict[str, Any] = {"records": n, "koppeltype": link_type}
        db_api = DuckDBAPI(connection=con)
        if model is None and n < MIN_RECORDS_TO_TRAIN:
            model, figures["model"] = m.prior_model(), "ingebouwd"
        if model is not None:
            settings, _ = m.neutral_unseen(m.with_link_type(m.splink_part(model), link_type))
            if not model.get(m.EXTRA_KEY, {}).get("tf"):
                settings = m.without_tf(settings)
            linker = _splink_linker(db_api, tables, settings)
            self._register_tf(linker, db_api, model)
            figures.setdefault("model", "meegegeven")
            tf = model.get(m.EXTRA_KEY, {}).get("tf", {})
        else:
            settings = m.person_settings(link_type, filled_comparisons(con, "kenmerken"),
                                         affordable_wide_rules(con, "kenmerken"))
            # Each linker gets a fresh API: an API holds the registrations of one linker.
            linker, _ = train(lambda st: _splink_linker(DuckDBAPI(connection=con), tables, st), settings, n, timer)
            figures["model"] = "getraind"
            tf = tf_tables(con, "kenmerken", m.tf_columns(settings))
        pairs, trained = self._predict(linker, threshold, timer)
        trained[m.EXTRA_KEY] = {"tf": tf, "herkomst": figures["model"], "records": n}
        figures.update(pairs=len(pairs), seconds=timer.laps,
                       prior=trained["probability_two_random_records_match"])
        con.close()
        return ResolveResult(pairs, trained, figures)

    @staticmethod
    def _input_tables(con: duckdb.DuckDBPyConnection, link_type: str) -> list[str]:
        if link_type == "dedupe_only":
            return ["kenmerken"]
        sources = [r[0] for r in con.sql(
            "SELECT DISTINCT source_dataset FROM kenmerken ORDER BY 1").fetchall()]
        if None in sources or len(sources) < 2:
            raise EngineError("Voor koppelen tussen bronnen (link_only) moet elk record een source_dataset "
                              "hebben, en moeten er minstens twee bronnen zijn.")
        tables = []
        for i, source in enumerate(sources):
            literal = "'" + source.replace("'", "''") + "'"
            con.execute(f"CREATE TABLE kenmerken_{i} AS SELECT * FROM kenmerken WHERE source_dataset = {literal}")
            tables.append(f"kenmerken_{i}")
        return tables

    @staticmethod
    def _register_tf(linker: Any, db_api: Any, model: dict[str, Any]) -> None:
        for col, values in model.get(m.EXTRA_KEY, {}).get("tf", {}).items():
            if values:
                tf = pa.table({col: list(values), f"tf_{col}": list(values.values())})
                linker.table_management.register_term_frequency_lookup(
                    db_api.register(tf, dataset_display_name=f"tf_lookup_{col}"), col)

    @staticmethod
    def _predict(linker: Any, threshold: float, timer: _Timer) -> tuple[list[ScoredPair], dict[str, Any]]:
        trained = linker.misc.save_model_to_json()
        pred = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
        timer.lap("predict")
        rows = pred.as_pyarrow_table()
        pred.drop_table_from_database_and_remove_from_cache()
        pairs = explain_rows(rows, trained)
        del rows
        timer.lap("uitleg")
        return pairs, trained


class SparkResolver:
    """The same model through Splink's Spark backend, for national scale.

    Features are computed with the same DuckDB SQL (per batch, on the driver) and handed to
    Spark as Arrow; settings, training and labels are exactly those of DuckDBResolver.
    """

    def __init__(self, spark: Any = None) -> None:
        self.spark = spark

    @staticmethod
    def settings(link_type: str, comparisons: tuple[str, ...] | None = None) -> dict[str, Any]:
        return m.person_settings(link_type, comparisons)

    def _session(self) -> Any:
        try:
            from pyspark.sql import SparkSession
        except ImportError as exc:
            raise EngineError("De Spark-koppeling heeft pyspark nodig. Installeer het met: "
                              "pip install pyspark==4.3.0 (en Java 17 of nieuwer).") from exc
        return self.spark or SparkSession.builder.appName("weerbaar").getOrCreate()

    def link_persons(self, records: pa.Table | list[dict[str, Any]], *, link_type: str = "dedupe_only",
                     model: dict[str, Any] | None = None, threshold: float = 0.2) -> ResolveResult:
        spark = self._session()
        from splink import SparkAPI

        timer = _Timer()
        table = person_table(records)
        con = duckdb.connect()
        con.register("invoer", table)
        features = con.sql(person_features_sql("invoer")).to_arrow_table()
        comparisons = filled_comparisons(con, f"({person_features_sql('invoer')})")
        timer.lap("kenmerken")
        frame = spark.createDataFrame(features.to_pandas())
        if link_type == "dedupe_only":
            frames = [frame]
        else:
            sources = sorted({s for s in features.column("source_dataset").to_pylist() if s is not None})
            frames = [frame.filter(frame.source_dataset == s) for s in sources]
        from splink import Linker

        if model is None and table.num_rows < MIN_RECORDS_TO_TRAIN:
            model = m.prior_model()
        settings = (m.neutral_unseen(m.with_link_type(m.splink_part(model), link_type))[0] if model is not None
                    else self.settings(link_type, comparisons))

        def make_linker(st: dict[str, Any]) -> Any:
            api = SparkAPI(spark_session=spark)
            return Linker([api.register(f) for f in frames] if len(frames) > 1 else api.register(frames[0]),
                          st, log_level=logging.ERROR)

        if model is None:
            linker, _ = train(make_linker, settings, table.num_rows, timer)
        else:
            linker = make_linker(settings)
        trained = linker.misc.save_model_to_json()
        pred = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
        pairs = explain_rows(pa.Table.from_pandas(pred.as_pandas_dataframe()), trained)
        timer.lap("predict")
        trained[m.EXTRA_KEY] = {"tf": tf_tables(con, f"({person_features_sql('invoer')})", m.tf_columns(settings)),
                                "herkomst": "getraind (spark)", "records": table.num_rows}
        return ResolveResult(pairs, trained, {"records": table.num_rows, "pairs": len(pairs), "seconds": timer.laps})


def make_resolver(backend: str = "duckdb") -> Resolver:
    if backend == "duckdb":
        return DuckDBResolver()
    if backend == "spark":
        return SparkResolver()
    raise EngineError(f"Onbekende koppelmotor '{backend}': kies duckdb of spark.")
