"""The real FollowTheMoney donations (shared/data/ftm) imported as a source and linked: the
same donor written with and without a title, and the same address written with a trailing
space, are separate FtM entities that must become one subject each."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from weerbaar.ingest.models import SourceRecord
from weerbaar.ingest.records import import_source
from weerbaar.resolve.models import SubjectLink
from weerbaar.resolve.service import run_resolution


def _subjects_by_name(runtime, schema: str, prop: str) -> dict[str, set[str]]:
    """Folded entity name -> the subjects its entities were linked to."""
    out: dict[str, set[str]] = defaultdict(set)
    with runtime.db.session() as s:
        rows = s.execute(
            select(SourceRecord.data, SubjectLink.subject_id)
            .join(SubjectLink, SubjectLink.record_id == SourceRecord.id)
            .where(SourceRecord.source == "ftm")
        ).all()
    for data, subject in rows:
        if data["schema"] == schema:
            for value in data["properties"].get(prop, []):
                out[" ".join(value.split()).lower()].add(subject)
    return out


def test_real_donations_link_repeated_donors_and_addresses(runtime, world, shared_dir):
    coordinator = world["coordinator"].principal
    summary = import_source(runtime, "ftm", shared_dir / "data/ftm/donations.ijson", coordinator)
    assert summary.nieuw == 474
    with runtime.db.transaction() as s:
        figures = run_resolution(s, coordinator)
    persons = _subjects_by_name(runtime, "Person", "name")
    quandt = persons["frau johanna quandt"] | persons["johanna quandt"]
    assert len(quandt) == 1, f"Johanna Quandt, with and without 'Frau', is one person: {quandt}"
    addresses = _subjects_by_name(runtime, "Address", "full")
    frankfurt = {subject for name, subjects in addresses.items() if name.startswith("münchener straße 1, 60329")
                 for subject in subjects}
    assert len(frankfurt) == 1, f"one address however its spaces were written: {frankfurt}"
    # Linking merges: fewer person subjects than person entities, but never two donors into one.
    assert figures.counts["persoon"]["subjecten"] < figures.counts["persoon"]["vermeldingen"]
    # Her daughter gave from the same address: same address, other person.
    assert persons["frau susanne klatten"] and not persons["frau susanne klatten"] & quandt
    stefan = persons["herr stefan quandt"]
    assert len(stefan) == 1 and not stefan & quandt
