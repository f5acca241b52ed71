"""A streaming reader for partner CSV extracts, shared by every source type.

Partners export from Excel, LibreOffice or their own systems, so the reader accepts what
those write: UTF-8 with or without BOM or Windows-1252, `,` or `;`, quoted fields with
line breaks. It never holds more than one record in memory; the file is read twice
(once to hash it and detect the encoding, once to parse), which keeps memory flat.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20
# Python's own default csv.field_size_limit. Checked here because that limit is global and
# libraries change it on import (followthemoney raises it to 30 MB): a quote that is never
# closed must still be reported, not swallow the rest of the file into one cell.
MAX_FIELD = 131_072
_TOO_LONG = f"een veld is langer dan {MAX_FIELD} tekens"
UTF8 = "utf-8-sig"  # decodes files with and without BOM alike
CP1252 = "cp1252"
_LATIN1_FALLBACK = "weerbaar-latin1"


def _latin1_fallback(exc: UnicodeError) -> tuple[str, int]:
    # Five byte values are undefined in Windows-1252; Latin-1 maps every byte, so a file
    # written as Latin-1 still reads instead of being refused.
    assert isinstance(exc, UnicodeDecodeError)
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


codecs.register_error(_LATIN1_FALLBACK, _latin1_fallback)


class FileRefused(Exception):
    """The file as a whole cannot be imported; `problems` names every reason, in Dutch."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class CsvRecord:
    line: int  # 1-based line on which the record starts; the header is line 1
    cells: dict[str, str]  # normalised column name -> cell text as written
    problem: str | None = None  # Dutch: why the record's shape is wrong, if it is


@dataclass(frozen=True)
class FileFacts:
    size: int
    sha256: str
    encoding: str  # a Python codec name: UTF8 or CP1252


def encoding_label(encoding: str, has_bom: bool) -> str:
    if encoding == CP1252:
        return "Windows-1252"
    return "UTF-8 met BOM" if has_bom else "UTF-8"


def scan(path: Path) -> FileFacts:
    """Hash the file and decide its encoding in one pass of fixed-size chunks."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    is_utf8 = True
    size = 0
    with path.open("rb") as fh:
        first = fh.read(CHUNK)
        if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise FileRefused([
                "Het bestand is in UTF-16 opgeslagen; sla het op als 'CSV UTF-8' of 'CSV (puntkomma "
                "gescheiden)' en probeer het opnieuw."
            ])
        chunk = first
        while chunk:
            size += len(chunk)
            digest.update(chunk)
            if is_utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
            chunk = fh.read(CHUNK)
    if is_utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    return FileFacts(size=size, sha256=digest.hexdigest(), encoding=UTF8 if is_utf8 else CP1252)


def detect_delimiter(header_line: str) -> str:
    """`;` or `,`: whichever occurs more often outside quotes in the header line."""
    outside = re.sub(r'"[^"]*"', "", header_line)
    return ";" if outside.count(";") > outside.count(",") else ","


def normalise_header(names: list[str]) -> list[str]:
    out: list[str] = []
    problems: list[str] = []
    for position, name in enumerate(names, start=1):
        clean = name.replace("\ufeff", "").strip().lower()
        # An unnamed column (often a trailing separator from Excel) still gets a name,
        # so that whatever stands under it is kept rather than dropped.
        clean = clean or f"kolom_{position}"
        if clean in out:
            problems.append(f"De kolom '{clean}' komt meer dan eens voor in de kopregel.")
        out.append(clean)
    if problems:
        raise FileRefused(problems)
    return out


class CsvFile:
    """An open CSV extract: its facts, normalised header, and records one at a time."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.name = self.path.name
        self.facts = scan(self.path)
        self._raw: BinaryIO = self.path.open("rb")
        self.has_bom = self._raw.read(3) == codecs.BOM_UTF8
        self._raw.seek(0)
        errors = "strict" if self.facts.encoding == UTF8 else _LATIN1_FALLBACK
        self._text = io.TextIOWrapper(self._raw, encoding=self.facts.encoding, errors=errors, newline="")
        first = self._text.readline()
        if not first.strip():
            self.close()
            raise FileRefused([
                "Het bestand is leeg of begint met een lege regel; de eerste regel moet de kopregel zijn."
            ])
        self.delimiter = detect_delimiter(first)
        self._lines = _chain_first(first, self._text)
        self._reader = csv.reader(self._lines, delimiter=self.delimiter)
        try:
            self.header = normalise_header(next(self._reader))
        except csv.Error as exc:
            self.close()
            raise FileRefused([f"De kopregel is niet te lezen: {exc}."]) from None

    @property
    def encoding(self) -> str:
        return encoding_label(self.facts.encoding, self.has_bom)

    @property
    def bytes_read(self) -> int:
        # The raw position runs ahead of the parser by at most one buffer: fine for progress.
        return min(self._raw.tell(), self.facts.size)

    def __iter__(self) -> Iterator[CsvRecord]:
        width = len(self.header)
        previous_end = self._reader.line_num
        while True:
            start = previous_end + 1
            try:
                values = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                # The csv module's own field limit is global and set by whoever imported what
                # (followthemoney raises it): past it, the same Dutch reason as past ours.
                reason = _TOO_LONG if "field larger than field limit" in str(exc) else str(exc)
                raise FileRefused([
                    f"Regel {start}: het bestand is vanaf hier niet te lezen ({reason}); controleer of "
                    "elk aanhalingsteken (\") wordt gesloten."
                ]) from None
            previous_end = self._reader.line_num
            if values and len(max(values, key=len)) > MAX_FIELD:
                raise FileRefused([
                    f"Regel {start}: het bestand is vanaf hier niet te lezen ({_TOO_LONG}); controleer of elk "
                    "aanhalingsteken (\") wordt gesloten."
                ])
            if not "".join(values).strip():
                continue  # blank lines and rows of bare separators carry no data
            yield _record(start, self.header, width, values)

    def close(self) -> None:
        self._raw.close()

    def __enter__(self) -> CsvFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _chain_first(first: str, rest: io.TextIOWrapper) -> Iterator[str]:
    yield first
    yield from rest


def _record(line: int, header: list[str], width: int, values: list[str]) -> CsvRecord:
    problem = None
    if "\x00" in "".join(values):
        # PostgreSQL text cannot hold NUL; keep the row visible, with a marker, in quarantine.
        values = [v.replace("\x00", "\ufffd") for v in values]
        problem = "De regel bevat een ongeldig teken (NUL); het bestand is waarschijnlijk beschadigd."
    surplus = values[width:]
    if len(values) < width or (surplus and "".join(surplus).strip()):
        problem = problem or (
            f"De regel heeft {len(values)} velden maar de kopregel {width}; waarschijnlijk staat er "
            "een scheidingsteken in een veld zonder aanhalingstekens."
        )
    cells = dict(zip(header, values, strict=False))
    for position, value in enumerate(surplus, start=width + 1):
        if value.strip():
            name = f"kolom_{position}"
            cells[name if name not in cells else f"{name}_extra"] = value
    return CsvRecord(line=line, cells=cells, problem=problem)


def open_csv(path: Path | str) -> CsvFile:
    """Open an extract; raises FileRefused (Dutch) when it cannot be read at all."""
    path = Path(path)
    if not path.is_file():
        raise FileRefused([f"Het bestand '{path}' bestaat niet of is geen bestand."])
    return CsvFile(path)
