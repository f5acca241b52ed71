"""Clustering scored pairs into subjects, with human judgements, and stable subject ids.

Pure Python, no Splink: the rules people rely on must be obvious from the code.

- A "same" judgement joins two mentions, transitively (a=b and b=c puts a, b, c together).
- A "different" judgement forbids two mentions ever sharing a cluster: every union, by a
  judgement or by the model, that would put them together is skipped. Negative judgements win
  over contradicting positive ones.
- Model edges are taken strongest first (then by uid, so the result is deterministic).
- An exclusive key (a person's BSN) can hold only one value per cluster: two mentions with
  different BSNs are two people, however alike their names, unless a person judged them "same".
- Birth dates in one cluster must be alike: equal, day and month swapped, one digit wrong or
  two neighbouring digits swapped (a typo). A mention without a birth date ("J. de Vries" on a lease) can join
  one person, but never bridge two people born on different days; a person's "same" judgement
  still can. When such a mention is close to two people born on different days (a lease naming
  "J. de Vries" at the address of a father and a son), it is ambiguous and joins neither.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping


class _Forest:
    """Union-find where each root also knows which mentions its cluster may never hold."""

    def __init__(self, uids: Iterable[str], exclusive: Mapping[str, str] | None = None,
                 birth_dates: Mapping[str, str] | None = None) -> None:
        self.parent: dict[str, str] = {}
        self.forbidden: dict[str, set[str]] = {}  # root -> mentions it may never hold, when there are any
        self.key: dict[str, str] = dict(exclusive or {})  # root -> its exclusive key, when it has one
        # root -> the birth dates its cluster holds, when it holds any
        self.born: dict[str, frozenset[str]] = {u: frozenset([d]) for u, d in (birth_dates or {}).items() if d}
        for uid in uids:
            self.add(uid)

    def add(self, uid: str) -> None:
        if uid not in self.parent:
            self.parent[uid] = uid

    def find(self, uid: str) -> str:
        root = uid
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[uid] != root:  # path compression
            self.parent[uid], uid = root, self.parent[uid]
        return root

    def forbid(self, a: str, b: str) -> None:
        self.forbidden.setdefault(self.find(a), set()).add(b)
        self.forbidden.setdefault(self.find(b), set()).add(a)

    def union(self, a: str, b: str, judged: bool = False) -> bool:
        """Join the clusters of a and b unless that joins a forbidden pair or, for the model,
        two different exclusive keys; True if joined."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        fa, fb = self.forbidden.get(ra), self.forbidden.get(rb)
        if (fa and any(self.find(x) == rb for x in fa)) or (fb and any(self.find(x) == ra for x in fb)):
            return False
        ka, kb = self.key.get(ra), self.key.get(rb)
        if not judged and ka and kb and ka != kb:
            return False
        da, db = self.born.get(ra), self.born.get(rb)
        if not judged and da and db and not all(alike_birth_dates(x, y) for x in da for y in db):
            return False
        if len(fa or ()) < len(fb or ()):
            ra, rb = rb, ra
        self.parent[rb] = ra
        if moved := self.forbidden.pop(rb, None):
            self.forbidden.setdefault(ra, set()).update(moved)
        if ka or kb:
            self.key[ra] = ka or kb  # type: ignore[assignment]
        self.key.pop(rb, None)
        if da or db:
            self.born[ra] = (da or frozenset()) | (db or frozenset())
        self.born.pop(rb, None)
        return True


def alike_birth_dates(a: str, b: str) -> bool:
    """Could these two ISO dates (YYYY-MM-DD) be one person's: equal, day and month swapped,
    one digit wrong, or two neighbouring digits swapped (1985 for 1958). Not any two digits:
    1960 and 1992 are a father and a son."""
    if a == b:
        return True
    if len(a) != len(b):
        return False
    if len(a) == 10 and a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]:
        return True
    wrong = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return len(wrong) == 1 or (len(wrong) == 2 and wrong[1] == wrong[0] + 1
                               and a[wrong[0]] == b[wrong[1]] and a[wrong[1]] == b[wrong[0]])


def cluster(uids: Iterable[str], edges: Iterable[tuple[str, str, float]], same: Iterable[tuple[str, str]],
            different: Iterable[tuple[str, str]], threshold: float = 0.5,
            exclusive: Mapping[str, str] | None = None,
            birth_dates: Mapping[str, str] | None = None) -> list[list[str]]:
    """Clusters of mention uids: each sorted, the list sorted by first member.

    Every uid appears in exactly one cluster (uids only named in edges or judgements too).
    `exclusive` maps a uid to a key a cluster may hold only one value of (a BSN);
    `birth_dates` a uid to its birth date (ISO), which must be alike within a cluster.
    """
    forest = _Forest(uids, exclusive, birth_dates)
    same, different = list(same), list(different)
    strong = [e for e in edges if e[2] >= threshold]
    if birth_dates:
        strong = _without_ambiguous(strong, birth_dates)
    strong.sort(key=lambda e: (-e[2], min(e[0], e[1]), max(e[0], e[1])))
    for a, b in [*same, *different, *((e[0], e[1]) for e in strong)]:
        forest.add(a)
        forest.add(b)
    for a, b in sorted(tuple(sorted(p)) for p in different):
        if a != b:
            forest.forbid(a, b)
    for a, b in sorted(tuple(sorted(p)) for p in same):
        forest.union(a, b, judged=True)
    for a, b, _ in strong:
        forest.union(a, b)
    groups: dict[str, list[str]] = {}
    for uid in forest.parent:
        groups.setdefault(forest.find(uid), []).append(uid)
    return sorted(sorted(g) for g in groups.values())


def ambiguous_edges(edges: Iterable[tuple[str, str, float]], born: Mapping[str, str]
                    ) -> list[tuple[str, str, float]]:
    """The edges of a mention without a birth date to mentions with one, when among the latter
    are two people (birth dates not alike): for a person to decide, not the model."""
    edges = list(edges)
    dated: dict[str, set[str]] = {}
    for a, b, _ in edges:
        for x, y in ((a, b), (b, a)):
            if not born.get(x) and born.get(y):
                dated.setdefault(x, set()).add(born[y])
    ambiguous = {uid for uid, dates in dated.items()
                 if any(not alike_birth_dates(d, e) for d in dates for e in dates)}
    return [(a, b, p) for a, b, p in edges
            if (a in ambiguous and born.get(b)) or (b in ambiguous and born.get(a))]


def _without_ambiguous(edges: list[tuple[str, str, float]], born: Mapping[str, str]
                       ) -> list[tuple[str, str, float]]:
    dropped = set(ambiguous_edges(edges, born))
    return [e for e in edges if e not in dropped] if dropped else edges


def assign_ids(clusters: list[list[str]], previous: Mapping[str, str], new_id: Callable[[], str],
               weights: Mapping[str, int] | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """Subject ids for clusters, stable across runs.

    Returns (uid -> subject id, retired subject id -> subject id it merged into).

    Old ids are handed out greedily by how many of a cluster's mentions they held (most first;
    ties: smallest old id, then the cluster with the smallest member), so that a cluster keeps
    the id most of its mentions had and each old id goes to at most one cluster - the one
    holding most of its mentions. Clusters left without an old id get `new_id()` in the order
    of their smallest member. An old id given to no cluster is reported as merged into the
    subject that now holds most of its mentions (ties: smallest id). A uid in `weights` counts
    as that many mentions (one uid standing for a group of records with the same fields).
    """
    weight = weights or {}
    ordered = sorted(sorted(c) for c in clusters if c)
    candidates: list[tuple[int, str, int]] = []
    for index, members in enumerate(ordered):
        held: Counter[str] = Counter()
        for u in members:
            if u in previous:
                held[previous[u]] += weight.get(u, 1)
        for old, count in held.items():
            candidates.append((-count, old, index))
    candidates.sort()
    cluster_id: dict[int, str] = {}
    used: set[str] = set()
    for _, old, index in candidates:
        if index not in cluster_id and old not in used:
            cluster_id[index] = old
            used.add(old)
    for index in range(len(ordered)):
        if index not in cluster_id:
            cluster_id[index] = new_id()
    mapping = {uid: cluster_id[i] for i, members in enumerate(ordered) for uid in members}
    merged: dict[str, str] = {}
    holders: dict[str, Counter[str]] = {}
    for u, o in previous.items():
        if o not in used and u in mapping:
            holders.setdefault(o, Counter())[mapping[u]] += weight.get(u, 1)
    for old in sorted(holders):
        now = holders[old]
        if now:
            merged[old] = min(now.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    return mapping, merged
