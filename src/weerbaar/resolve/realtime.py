"""Incremental matching at intake: one new person against a handful of candidates, fast.

Candidates are found by blocking keys (`blocking_keys`, stored per subject in an indexed
table), then scored with the trained model. The SQL is compiled once per model from Splink's
own prediction SQL and run on a private in-memory DuckDB, with the features computed by the
same `person_features_sql` as the batch run - so intake and `weerbaar analyseer` agree.
"""

from __future__ import annotations

import threading
from typing import Any

import duckdb
import pyarrow as pa

from weerbaar.resolve import model as m
from weerbaar.resolve.engine import ScoredPair, explain_rows, person_table
from weerbaar.resolve.normalise import PERSON_INPUT, person_features_sql

KEYS_SQL = """
SELECT unique_id, key FROM (
    SELECT unique_id, 'bsn:' || bsn AS key FROM {t} WHERE bsn IS NOT NULL
    UNION ALL SELECT unique_id, 'nb:' || achternaam_kern || ':' || geboortejaar FROM {t}
        WHERE achternaam_kern IS NOT NULL AND geboortejaar IS NOT NULL
    UNION ALL SELECT unique_id, 'gd:' || geboortedatum FROM {t} WHERE geboortedatum IS NOT NULL
    UNION ALL SELECT unique_id, 'gd:' || geboortedatum_omgedraaid FROM {t} WHERE geboortedatum_omgedraaid IS NOT NULL
    UNION ALL SELECT unique_id, 'fn:' || initiaal || achternaam_fon FROM {t}
        WHERE initiaal IS NOT NULL AND achternaam_fon IS NOT NULL
    UNION ALL SELECT unique_id, 'pc:' || postcode || ':' || huisnummer FROM {t}
        WHERE postcode IS NOT NULL AND huisnummer IS NOT NULL
) ORDER BY unique_id, key
"""


def blocking_keys_sql(features_table: str) -> str:
    """(unique_id, key) rows for every record of a features table: the batch form of
    `blocking_keys`, for writing SubjectKey rows of many subjects at once."""
    return KEYS_SQL.format(t=features_table)


_local = threading.local()


def _connection() -> duckdb.DuckDBPyConnection:
    """This thread's DuckDB with the key query prepared once (planning the feature SQL costs
    more than running it on one row)."""
    con = getattr(_local, "con", None)
    if con is None:
        con = duckdb.connect()
        con.execute("SET threads = 1")
        _create_input_table(con, "bk_invoer")
        features = "(" + person_features_sql("bk_invoer") + ")"
        con.execute(f"PREPARE bk_keys AS {blocking_keys_sql(features)}")
        _local.con = con
    return con


def _create_input_table(con: duckdb.DuckDBPyConnection, name: str) -> None:
    columns = ", ".join(f"{c} VARCHAR" for c in PERSON_INPUT)
    con.execute(f"CREATE TEMP TABLE {name} ({columns})")


def _fill(con: duckdb.DuckDBPyConnection, name: str, rows: list[dict[str, Any]]) -> None:
    con.register("invoer_rijen", person_table(rows))
    con.execute(f"DELETE FROM {name}")
    con.execute(f"INSERT INTO {name} SELECT * FROM invoer_rijen")
    con.unregister("invoer_rijen")


def blocking_keys(person: dict[str, Any]) -> list[str]:
    """Blocking keys of one person (PERSON_INPUT fields): "bsn:<bsn>", "nb:<surname core>:<birth
    year>", "gd:<birth date>" (and the day-month swapped date), "fn:<initial><sound key of the
    surname>", "pc:<postcode>:<house number>". A new record and a subject are candidates for each
    other when they share a key."""
    con = _connection()
    _fill(con, "bk_invoer", [{**person, "unique_id": "x"}])
    return sorted({key for _, key in con.execute("EXECUTE bk_keys").fetchall()})


class RealtimeScorer:
    """Scores one record against candidates with a trained model (compiled once)."""

    def __init__(self, model: dict[str, Any]) -> None:
        self.model, _ = m.neutral_unseen(m.with_link_type(m.splink_part(model), "dedupe_only"))
        self._lock = threading.Lock()
        self.con = duckdb.connect()
        self.con.execute("SET threads = 1")
        tf = model.get(m.EXTRA_KEY, {}).get("tf", {})
        if not tf:
            self.model = m.without_tf(self.model)
        self._create_inputs(tf)
        self.con.execute(f"PREPARE rt_score AS {self._compile('FROM rt_l AS l CROSS JOIN rt_r AS r')}")
        self.con.execute("CREATE TEMP TABLE rt_paren (l VARCHAR, r VARCHAR)")
        self.con.execute("PREPARE rt_pairs AS " + self._compile(
            "FROM rt_paren AS p JOIN rt_alle AS l ON l.unique_id = p.l JOIN rt_alle AS r ON r.unique_id = p.r"))

    def _create_inputs(self, tf: dict[str, dict[str, float]]) -> None:
        """Views rt_l / rt_r: features of the registered input plus the tf_* columns the model
        needs (a value the model never saw counts as rare: the smallest known frequency)."""
        _create_input_table(self.con, "rt_invoer")
        self.con.execute(f"CREATE VIEW rt_kenmerken AS {person_features_sql('rt_invoer')}")
        joins, selects = [], []
        for i, col in enumerate(m.tf_columns(self.model)):
            values = tf.get(col, {})
            self.con.register(f"rt_tf_{i}", pa.table({"v": pa.array(list(values), pa.string()),
                                                      "tf": pa.array(list(values.values()), pa.float64())}))
            fallback = min(values.values()) if values else "NULL"
            joins.append(f"LEFT JOIN rt_tf_{i} AS t{i} ON t{i}.v = CAST(k.{col} AS VARCHAR)")
            selects.append(f"CASE WHEN k.{col} IS NULL THEN NULL ELSE coalesce(t{i}.tf, {fallback}) END "
                           f"AS tf_{col}")
        extra = "".join(", " + s for s in selects)
        self.con.execute(f"CREATE VIEW rt_alle AS SELECT k.*{extra} FROM rt_kenmerken AS k {' '.join(joins)}")
        self.con.execute("CREATE VIEW rt_l AS SELECT * FROM rt_alle WHERE unique_id = '__nieuw__'")
        self.con.execute("CREATE VIEW rt_r AS SELECT * FROM rt_alle WHERE unique_id != '__nieuw__'")

    def _compile(self, pairs_from: str) -> str:
        """One SQL statement: the pairs (`pairs_from`), comparison vectors, Splink's predict."""
        from splink.internals.predict import predict_from_comparison_vectors_sqls_using_settings
        from splink.internals.settings_creator import SettingsCreator

        settings = SettingsCreator.from_path_or_dict(self.model).get_settings("duckdb")
        settings._retain_matching_columns = True
        settings._retain_intermediate_calculation_columns = True
        steps = [
            ("__splink__compare_two_records_blocked",
             f"SELECT {', '.join(settings._columns_to_select_for_blocking)}, 0 AS match_key {pairs_from}"),
            ("__splink__df_comparison_vectors",
             f"SELECT {', '.join(settings._columns_to_select_for_comparison_vector_values)} "
             "FROM __splink__compare_two_records_blocked"),
        ]
        predict = predict_from_comparison_vectors_sqls_using_settings(settings)
        steps += [(s["output_table_name"], s["sql"]) for s in predict]
        ctes = ",\n".join(f"{name} AS ({sql})" for name, sql in steps)
        return f"WITH {ctes}\nSELECT * FROM {steps[-1][0]}"

    def score(self, record: dict[str, Any], candidates: list[dict[str, Any]]) -> list[ScoredPair]:
        """`record` against each candidate (PERSON_INPUT dicts; candidates need a unique_id).
        uid_l of each pair is the record's unique_id (or "nieuw"), uid_r the candidate's;
        sorted by probability, highest first."""
        if not candidates:
            return []
        own_uid = str(record.get("unique_id") or "nieuw")
        rows = [{**record, "unique_id": "__nieuw__"}, *list(candidates)]
        with self._lock:
            _fill(self.con, "rt_invoer", rows)
            result = self.con.sql("EXECUTE rt_score").to_arrow_table()
        pairs = explain_rows(result, self.model)
        for pair in pairs:
            pair.uid_l = own_uid
        return sorted(pairs, key=lambda p: (-p.probability, p.uid_r))

    def score_pairs(self, records: list[dict[str, Any]], pairs: list[tuple[str, str]]) -> list[ScoredPair]:
        """Many (left uid, right uid) pairs among `records` in one query: all parties of many
        signals against their candidates at once, as a run relinks the register."""
        if not pairs:
            return []
        with self._lock:
            _fill(self.con, "rt_invoer", records)
            self.con.execute("DELETE FROM rt_paren")
            self.con.register("paren_rijen", pa.table({"l": [a for a, _ in pairs], "r": [b for _, b in pairs]}))
            self.con.execute("INSERT INTO rt_paren SELECT l, r FROM paren_rijen")
            self.con.unregister("paren_rijen")
            result = self.con.sql("EXECUTE rt_pairs").to_arrow_table()
        return explain_rows(result, self.model)


def subject_blocking_keys(persons: list[dict[str, Any]], subject_of: dict[str, str],
                          limit: int = 200) -> list[tuple[str, str]]:
    """(subject id, key) rows of many persons, each key once per subject and cut to `limit`
    characters: `blocking_keys_many` grouped by subject in DuckDB, as a run writes them."""
    if not persons:
        return []
    con = duckdb.connect()
    try:
        con.execute("SET threads = 1")
        _create_input_table(con, "sk_invoer")
        _fill(con, "sk_invoer", persons)
        con.register("sk_subjecten", pa.table({"uid": list(subject_of), "subject": list(subject_of.values())}))
        features = "(" + person_features_sql("sk_invoer") + ")"
        found = con.sql(f"""
            SELECT DISTINCT s.subject, left(k.key, {int(limit)}) AS key
            FROM ({blocking_keys_sql(features)}) k JOIN sk_subjecten s ON s.uid = k.unique_id
            ORDER BY 1, 2
        """).to_arrow_table()
    finally:
        con.close()
    assert found is not None
    return list(zip(found.column("subject").to_pylist(), found.column("key").to_pylist(), strict=True))


def blocking_keys_many(persons: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Blocking keys of many persons at once (unique_id -> keys), in one query on the
    prepared connection: a run writes the keys of every subject this way, and intake the
    keys of all persons of a signal."""
    out: dict[str, list[str]] = {}
    if not persons:
        return out
    con = _connection()
    _fill(con, "bk_invoer", persons)
    for uid, key in con.execute("EXECUTE bk_keys").fetchall():
        out.setdefault(uid, []).append(key)
    con.execute("DELETE FROM bk_invoer")
    return out
