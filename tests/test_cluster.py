"""Clustering with human judgements and stable subject ids (resolve.cluster), property-tested."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from weerbaar.resolve.cluster import assign_ids, cluster

UIDS = [f"m{i:02d}" for i in range(12)]
pair = st.tuples(st.sampled_from(UIDS), st.sampled_from(UIDS)).filter(lambda p: p[0] != p[1])
edge = st.tuples(st.sampled_from(UIDS), st.sampled_from(UIDS), st.floats(0, 1)).filter(lambda e: e[0] != e[1])


def counter_ids(prefix: str = "P"):
    counter = itertools.count(1)
    return lambda: f"{prefix}-{next(counter):06d}"


def where(clusters: list[list[str]]) -> dict[str, int]:
    return {u: i for i, c in enumerate(clusters) for u in c}


def test_judgements_override_the_model():
    edges = [("a", "b", 0.99), ("b", "c", 0.98), ("c", "d", 0.3)]
    # the model joins a-b-c; "different a c" keeps c out, "same c d" joins d to c
    out = cluster(["a", "b", "c", "d", "e"], edges, same=[("c", "d")], different=[("a", "c")])
    assert out == [["a", "b"], ["c", "d"], ["e"]]


def test_strongest_edge_wins_a_conflict():
    # b may not be with both a and c (a, c different): the stronger edge decides
    out = cluster(["a", "b", "c"], [("a", "b", 0.6), ("b", "c", 0.9)], same=[], different=[("a", "c")])
    assert out == [["a"], ["b", "c"]]


@settings(max_examples=300, deadline=None)
@given(st.lists(edge, max_size=40), st.lists(pair, max_size=8), st.lists(pair, max_size=8))
def test_negative_judgements_never_violated_and_every_uid_once(edges, same, different):
    out = cluster(UIDS, edges, same, different)
    pos = where(out)
    assert sorted(u for c in out for u in c) == sorted(UIDS)
    for a, b in different:
        assert pos[a] != pos[b]
    assert out == sorted(sorted(c) for c in out)
    # deterministic, whatever the input order
    assert cluster(list(reversed(UIDS)), list(reversed(edges)), list(reversed(same)), different) == out


@settings(max_examples=300, deadline=None)
@given(st.lists(edge, max_size=40), st.lists(pair, max_size=10))
def test_positive_judgements_are_transitive(edges, same):
    out = cluster(UIDS, edges, same, different=[])
    pos = where(out)
    for a, b in same:
        assert pos[a] == pos[b]
    # edges at or above the threshold join too; below it they do not on their own
    for a, b, p in edges:
        if p >= 0.5:
            assert pos[a] == pos[b]


@settings(max_examples=200, deadline=None)
@given(st.lists(edge, max_size=30), st.lists(pair, max_size=6), st.lists(pair, max_size=6))
def test_assign_ids_stable_under_rerun(edges, same, different):
    clusters = cluster(UIDS, edges, same, different)
    ids, merged = assign_ids(clusters, {}, counter_ids())
    assert merged == {}
    assert len(set(ids.values())) == len(clusters)
    again, merged_again = assign_ids(clusters, ids, counter_ids("X"))
    assert again == ids and merged_again == {}


@settings(max_examples=200, deadline=None)
@given(st.lists(edge, max_size=30), st.lists(edge, max_size=10))
def test_new_data_never_renumbers_existing_subjects(edges, new_edges):
    old_uids = UIDS[:8]
    old_edges = [e for e in edges if e[0] in old_uids and e[1] in old_uids]
    first, _ = assign_ids(cluster(old_uids, old_edges, [], []), {}, counter_ids())
    # new mentions m08..m11, linked among themselves only
    fresh = [e for e in new_edges if e[0] not in old_uids and e[1] not in old_uids]
    second, merged = assign_ids(cluster(UIDS, old_edges + fresh, [], []), first, counter_ids("N"))
    assert merged == {}
    for uid in old_uids:
        assert second[uid] == first[uid]
    assert all(second[u].startswith("N-") for u in UIDS[8:])


def test_merge_is_reported_and_majority_keeps_its_id():
    previous = {"a": "P-1", "b": "P-1", "c": "P-2", "d": "P-3", "e": "P-3"}
    # new run: a, b, c together (P-1 had most), d and e split apart
    ids, merged = assign_ids([["a", "b", "c"], ["d"], ["e"]], previous, counter_ids("N"))
    assert ids == {"a": "P-1", "b": "P-1", "c": "P-1", "d": "P-3", "e": "N-000001"}
    assert merged == {"P-2": "P-1"}


def test_old_id_goes_to_the_cluster_holding_most_of_it():
    previous = {"a": "P-1", "b": "P-1", "c": "P-1", "x": "P-2", "y": "P-2"}
    # P-1 split 1/2: the cluster with two of its mentions keeps it
    ids, merged = assign_ids([["a", "x", "y"], ["b", "c"]], previous, counter_ids("N"))
    assert ids["b"] == ids["c"] == "P-1"
    assert ids["a"] == ids["x"] == "P-2"
    assert merged == {}


def test_two_bsns_never_share_a_cluster_unless_a_person_says_so() -> None:
    """A father and son with the same name at the same address: the model may score them alike,
    and a mention without BSN may resemble both, but two BSNs are two people."""
    edges = [("vader", "zoon", 0.99), ("huurder", "vader", 0.95), ("huurder", "zoon", 0.97)]
    bsn = {"vader": "111222333", "zoon": "123456782"}
    clusters = cluster(["vader", "zoon", "huurder"], edges, [], [], exclusive=bsn)
    assert clusters == [["huurder", "zoon"], ["vader"]]
    assert cluster(["vader", "zoon"], edges[:1], [], []) == [["vader", "zoon"]]  # without the key: one
    judged = cluster(["vader", "zoon"], [], [("vader", "zoon")], [], exclusive=bsn)
    assert judged == [["vader", "zoon"]]  # a coordinator's "zelfde" wins (a BSN typo, say)


def test_a_mention_without_birth_date_never_bridges_two_people():
    born = {"a": "1980-03-14", "b": "1975-11-02"}
    # x (a lease naming only "F. Celik") is close to a and to b; a and b were born on different days.
    out = cluster(["a", "b", "x"], [("x", "a", 0.9), ("x", "b", 0.8)], [], [], birth_dates=born)
    assert out == [["a"], ["b"], ["x"]], "close to both: ambiguous, joins neither"
    # a model edge between a and b themselves does not join them either
    out = cluster(["a", "b", "x"], [("x", "a", 0.9), ("a", "b", 0.7)], [], [], birth_dates=born)
    assert out == [["a", "x"], ["b"]]
    # a typo (one digit, or two neighbouring digits swapped) or swapped day and month is one person
    for other in ("1980-03-41", "1980-14-03", "1980-03-15", "1908-03-14"):
        out = cluster(["a", "c"], [("a", "c", 0.9)], [], [], birth_dates={"a": "1980-03-14", "c": other})
        assert out == [["a", "c"]]
    # a coordinator's "same" judgement overrides
    out = cluster(["a", "b"], [], [("a", "b")], [], birth_dates=born)
    assert out == [["a", "b"]]


@settings(max_examples=200, deadline=None)
@given(st.lists(edge, max_size=40), st.dictionaries(st.sampled_from(UIDS), st.sampled_from(
    ["1980-03-14", "1980-14-03", "1980-03-15", "1975-11-02", "1990-01-01"]), max_size=12))
def test_birth_dates_within_a_cluster_are_alike(edges, born):
    from weerbaar.resolve.cluster import alike_birth_dates

    out = cluster(UIDS, edges, [], [], birth_dates=born)
    for members in out:
        dates = [born[u] for u in members if u in born]
        assert all(alike_birth_dates(x, y) for x in dates for y in dates)


def test_a_mention_close_to_two_namesakes_joins_neither():
    born = {"father": "1960-04-02", "son": "1992-04-02", "again": "1960-04-02"}
    edges = [("lease", "father", 0.93), ("lease", "son", 0.91), ("father", "again", 0.99)]
    out = cluster(["father", "son", "lease", "again"], edges, [], [], birth_dates=born)
    assert out == [["again", "father"], ["lease"], ["son"]]
    # close to two records of one person: not ambiguous
    out = cluster(["father", "lease", "again"], [("lease", "father", 0.9), ("lease", "again", 0.8)], [], [],
                  birth_dates=born)
    assert out == [["again", "father", "lease"]]
    # a coordinator may still say whom it is
    out = cluster(["father", "son", "lease"], edges, [("lease", "son")], [], birth_dates=born)
    assert ["lease", "son"] in out
