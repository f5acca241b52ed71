"""Reading and validating a large CSV extract in a second process while this one stores it.

Parsing and validating a row (`records.CsvSource`) and storing it (`records._Store`: content
hash, versioning, the database) cost about the same. For a large file a helper process reads
and validates, and hands over the candidates in batches through a bounded queue; this process
stores them as they come. Both run the very same code (`CsvSource`), so the outcome is the
same as reading here, row for row: the helper only changes where the reading happens.

A file the helper cannot read to the end (a quote never closed) is refused here with the
helper's Dutch reasons, and the import's transaction rolls back as it would have. If this
process stops (an error while storing, Ctrl-C), the helper is stopped with it.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import traceback
from collections.abc import Iterator
from typing import Any

from weerbaar.ingest.csvfile import CsvFile, FileRefused, open_csv
from weerbaar.ingest.mapping import Mapping
from weerbaar.ingest.runs import Candidate

# Files from this size on are read by a helper process (about 100,000 rows of a register).
# Below it, starting the helper (about a second: it imports the validators) does not pay.
PARALLEL_FROM_BYTES = 16 * 1024 * 1024
BATCH = 2000
QUEUE_BATCHES = 8  # at most this many batches wait: memory stays flat if storing is slower
POLL_SECONDS = 1.0

_ROWS, _DONE, _REFUSED, _FAILED = "rijen", "klaar", "geweigerd", "fout"


def worth_it(size: int, from_bytes: int | None = None) -> bool:
    """Read in a helper process: a large file, and a second core to run it on."""
    limit = PARALLEL_FROM_BYTES if from_bytes is None else from_bytes
    return size >= limit and (os.cpu_count() or 1) > 1


def read_in_helper(path: str, source: str, mapping: Mapping | None, out: Any) -> None:
    """The helper process: read and validate `path`, put batches of candidates on `out`."""
    from weerbaar.ingest import sources
    from weerbaar.ingest.records import CsvSource

    try:
        with open_csv(path) as csv_file:
            reader = CsvSource(csv_file, sources.spec_for(source), mapping)
            batch: list[Packed] = []
            names: dict[tuple[str, ...], tuple[str, ...]] = {}  # one object per key order: pickled once
            for candidate in reader:
                batch.append(_pack(candidate, names))
                if len(batch) >= BATCH:
                    out.put((_ROWS, batch, reader.bytes_read))
                    batch = []
            out.put((_ROWS, batch, reader.bytes_read))
            out.put((_DONE, None, reader.bytes_read))
    except FileRefused as exc:
        out.put((_REFUSED, exc.problems, 0))
    except BaseException:  # everything goes back to the importing process
        out.put((_FAILED, traceback.format_exc(), 0))


# A candidate as it crosses between the processes: plain tuples, no dataclass (unpickling a
# dataclass instance costs more than validating the row did). The raw cells travel only with a
# row that will be refused: only the quarantine reads them.
Packed = tuple[int, str | None, tuple[str, ...] | None, tuple[Any, ...] | None, dict[str, Any] | None,
               list[tuple[str | None, str]] | None, dict[str, Any] | None]


def _pack(c: Candidate, names: dict[tuple[str, ...], tuple[str, ...]]) -> Packed:
    if c.data is None:
        keys, values = None, None
    else:
        order = tuple(c.data)
        keys, values = names.setdefault(order, order), tuple(c.data.values())
    refused = bool(c.problems) or c.key is None
    return (c.line, c.key, keys, values, c.extras or None, c.problems or None, c.raw if refused else None)


def _unpack(p: Packed) -> Candidate:
    line, key, keys, values, extras, problems, raw = p
    data = dict(zip(keys, values, strict=True)) if keys is not None and values is not None else None
    return Candidate(line, raw or {}, key, data, extras or {}, problems or [])


class HelperCandidates:
    """The candidates of a CSV file, read and validated by a helper process.

    `csv_file` is the file as this process opened it (its header, hash and encoding were
    checked here); the helper opens the same path again.
    """

    def __init__(self, csv_file: CsvFile, source: str, mapping: Mapping | None) -> None:
        self.csv_file = csv_file
        self.source = source
        self.mapping = mapping
        self.bytes_read = 0

    def __iter__(self) -> Iterator[Candidate]:
        context = multiprocessing.get_context("spawn")  # no copy of this process's connections
        channel = context.Queue(maxsize=QUEUE_BATCHES)
        helper = context.Process(target=read_in_helper, name="weerbaar-inlezen", daemon=True,
                                 args=(str(self.csv_file.path), self.source, self.mapping, channel))
        helper.start()
        try:
            while True:
                try:
                    kind, payload, position = channel.get(timeout=POLL_SECONDS)
                except queue.Empty:
                    if not helper.is_alive():
                        raise RuntimeError("Het hulpproces voor het inlezen stopte onverwacht "
                                           f"(code {helper.exitcode}).") from None
                    continue
                if kind == _ROWS:
                    self.bytes_read = position
                    yield from map(_unpack, payload)
                elif kind == _DONE:
                    self.bytes_read = position
                    return
                elif kind == _REFUSED:
                    raise FileRefused(payload)
                else:
                    raise RuntimeError(f"Het hulpproces voor het inlezen liep vast:\n{payload}")
        finally:
            if helper.is_alive():
                helper.terminate()
            helper.join(timeout=5)
            channel.close()
            channel.join_thread()
