"""A case exported as a ZAAK of the VNG Zaken API (Zaakgericht werken, ZGW), so that the
municipality can file it in its own case system (Open Zaak or another ZRC).

The export is one JSON document with the ZAAK and its related resources as the Zaken API
returns them: `zaak`, `statussen` (the case's status history), `resultaat` (the closure result,
with its explanation), `rollen` (the participating organisations; never a person's name) and
`zaakobjecten` (the addresses with their BAG id where known, and the subjects as `overige`
objects carrying only their Weerbaar id). Validated in the tests against the Zaken API's own
published schema (tests/data/zgw/).

What belongs to the installation, not to the code, is read from the `settings` table:

| key               | meaning                                                  | default                 |
|-------------------|----------------------------------------------------------|-------------------------|
| `zgw.rsin`        | RSIN of the municipality (bronorganisatie), 9 digits     | `999990007` (placeholder |
|                   | passing the eleven-test                                  | that passes it)          |
| `zgw.zaaktype`    | URL of the ZAAKTYPE in the municipality's Catalogi API   | `DEFAULT_ZAAKTYPE`      |
| `zgw.catalogi_url`| base of statustypen, resultaattypen, roltypen            | `DEFAULT_CATALOGI_URL`  |
| `zgw.zaken_url`   | base of the exported resources' own URLs                 | `DEFAULT_ZAKEN_URL`     |

Status, result and role types are addressed by their Weerbaar code under the Catalogi base
(`…/statustypen/weging`), so the zaaktype the municipality configures names them that way.

Only the municipality's own readers (casussen.lezen.gemeente of the owning municipality, who see
the whole case through `case_view`) may export; anyone else gets NotFound. Each export is logged.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from weerbaar.access import logbook
from weerbaar.access.principal import Principal
from weerbaar.cases.service import STATUS_CLOSED, CaseView, case_view, flow_of
from weerbaar.core import identifiers
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.clock import AMSTERDAM, as_utc
from weerbaar.core.errors import Conflict, NotFound
from weerbaar.core.models import Address, Setting

DEFAULT_RSIN = "999990007"  # a placeholder that passes the eleven-test; set zgw.rsin to the real one
DEFAULT_ZAKEN_URL = "https://zgw.example/zaken/api/v1"
DEFAULT_CATALOGI_URL = "https://zgw.example/catalogi/api/v1"
DEFAULT_ZAAKTYPE = f"{DEFAULT_CATALOGI_URL}/zaaktypen/ondermijning-casus"

# The catalogue's confidentiality ladder (catalogus/vertrouwelijkheid.yaml) uses the ZGW codes of
# `vertrouwelijkheidaanduiding` by design, so the mapping is the identity on these eight. A level
# someone adds to the catalogue that ZGW does not know is exported as the strictest ZGW level:
# an export must never make a case look more public than it is.
ZGW_CONFIDENTIALITY = ("openbaar", "beperkt_openbaar", "intern", "zaakvertrouwelijk", "vertrouwelijk",
                       "confidentieel", "geheim", "zeer_geheim")
STRICTEST = "zeer_geheim"
NAMESPACE = uuid.UUID("6f0c6a52-53a4-4d0e-9d2f-2f1a3c7e0b15")  # stable uuids of derived resources

ROLE_COORDINATOR = "zaakcoordinator"  # the municipality that runs the case
ROLE_EXECUTOR = "behandelaar"  # a partner carrying out an action or chosen instrument
ROLE_ADVISER = "adviseur"  # a partner that contributes information only


def confidentiality(level: str) -> str:
    return level if level in ZGW_CONFIDENTIALITY else STRICTEST


def _setting(session: Session, key: str, default: str) -> str:
    row = session.get(Setting, key)
    return row.value.strip() if row is not None and row.value.strip() else default


def rsin(session: Session) -> str:
    """The RSIN to export as bronorganisatie, checked with the eleven-test."""
    value = _setting(session, "zgw.rsin", DEFAULT_RSIN)
    try:
        if len(value) != 9:
            raise identifiers.InvalidIdentifier("rsin_ongeldig", "")
        return identifiers.bsn(value)
    except identifiers.InvalidIdentifier:
        raise Conflict(f"De instelling zgw.rsin ('{value}') is geen geldig RSIN van 9 cijfers dat aan de "
                       "elfproef voldoet; vraag de beheerder het RSIN van de gemeente in te stellen.") from None


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def _local_date(moment: datetime) -> date:
    return as_utc(moment).astimezone(AMSTERDAM).date()


def _text(value: str, limit: int) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def export_case(session: Session, principal: Principal, catalogue: Catalogue, case_id: str) -> dict[str, Any]:
    """The case as a ZAAK with its statussen, resultaat, rollen and zaakobjecten."""
    view = case_view(session, principal, catalogue, case_id, log=False)
    if not view.whole:
        raise NotFound()  # a participant sees only what was shared: no export of the whole case
    document = zaak_document(session, catalogue, view)
    logbook.record(session, principal, logbook.EXPORT, object_type="casus", object_id=view.case.id,
                   purpose="casus exporteren als ZGW-zaak",
                   details={"rollen": len(document["rollen"]), "zaakobjecten": len(document["zaakobjecten"])})
    return document


def zaak_document(session: Session, catalogue: Catalogue, view: CaseView) -> dict[str, Any]:
    flow = flow_of(catalogue)
    case = view.case
    zaken = _setting(session, "zgw.zaken_url", DEFAULT_ZAKEN_URL).rstrip("/")
    catalogi = _setting(session, "zgw.catalogi_url", DEFAULT_CATALOGI_URL).rstrip("/")
    zaaktype = _setting(session, "zgw.zaaktype", DEFAULT_ZAAKTYPE)
    organisation_rsin = rsin(session)
    zaak_url = f"{zaken}/zaken/{case.id}"

    statussen = []
    for i, h in enumerate(view.history):
        status_name = flow.statuses[h.status].naam if h.status in flow.statuses else h.status
        sid = _uuid(case.id, "status", str(h.id))
        statussen.append({
            "url": f"{zaken}/statussen/{sid}",
            "uuid": sid,
            "zaak": zaak_url,
            "statustype": f"{catalogi}/statustypen/{h.status}",
            "datumStatusGezet": as_utc(h.at).isoformat(),
            "statustoelichting": _text(status_name + (f": {h.note}" if h.note else ""), 1000),
            "indicatieLaatstGezetteStatus": i == len(view.history) - 1,
            "zaakinformatieobjecten": [],
        })

    closing = view.closing
    resultaat = None
    if closing is not None and closing.details and closing.details.get("resultaat"):
        code = str(closing.details["resultaat"])
        rid = _uuid(case.id, "resultaat", str(closing.id))
        resultaat = {
            "url": f"{zaken}/resultaten/{rid}",
            "uuid": rid,
            "zaak": zaak_url,
            "resultaattype": f"{catalogi}/resultaattypen/{code}",
            "toelichting": _text(flow.resultaten.get(code, code) + (f". {closing.note}" if closing.note else ""), 1000),
        }

    executors = {a.action.organisation_id for a in view.actions} | {
        d.organisation_id for d in view.decisions if d.chosen and d.organisation_id}
    rollen = []
    for participant, org in view.participants:
        owner = org.id == case.organisation_id
        generic = ROLE_COORDINATOR if owner else ROLE_EXECUTOR if org.id in executors else ROLE_ADVISER
        basis = catalogue.legal_bases.get(participant.legal_basis)
        rol: dict[str, Any] = {
            "url": f"{zaken}/rollen/{participant.id}",
            "uuid": participant.id,
            "zaak": zaak_url,
            "roltype": f"{catalogi}/roltypen/{generic}",
            "omschrijving": "Voert de casus" if owner else "Deelnemer aan de partnertafel",
            "omschrijvingGeneriek": generic,
            "roltoelichting": _text(f"Neemt deel op grondslag: {basis.naam if basis else participant.legal_basis}.",
                                    1000),
            "registratiedatum": as_utc(participant.at).isoformat(),
            "statussen": [],
        }
        if owner:
            rol["betrokkeneType"] = "organisatorische_eenheid"
            rol["betrokkeneIdentificatie"] = {"identificatie": case.municipality_code, "naam": _text(org.name, 50)}
        else:
            rol["betrokkeneType"] = "niet_natuurlijk_persoon"
            rol["betrokkeneIdentificatie"] = {"statutaireNaam": _text(org.name, 500)}
        rollen.append(rol)

    zaakobjecten = []
    address_ids = list(dict.fromkeys(s.signal.address_id for s in view.signals if s.signal.address_id))
    addresses = {a.id: a for a in session.scalars(select(Address).where(Address.id.in_(address_ids)))}
    seen: set[str] = set()
    for shared in view.signals:
        signal = shared.signal
        address = addresses.get(signal.address_id or "")
        key = signal.address_id or f"{signal.postcode}:{signal.house_number}:{signal.house_letter}:{signal.addition}"
        if (address is None and not signal.house_number) or key in seen:
            continue
        seen.add(key)
        oid = _uuid(case.id, "adres", key)
        zaakobjecten.append({
            "url": f"{zaken}/zaakobjecten/{oid}",
            "uuid": oid,
            "zaak": zaak_url,
            "objectType": "adres",
            "relatieomschrijving": "Adres uit een signaal van de casus",
            "objectIdentificatie": {
                "identificatie": address.id if address else "",  # BAG nummeraanduiding, where known
                "wplWoonplaatsNaam": _text((address.city if address else None) or "", 80),
                "gorOpenbareRuimteNaam": _text((address.street if address else None) or "", 80),
                "huisnummer": address.house_number if address else signal.house_number,
                "huisletter": (address.house_letter if address else signal.house_letter) or "",
                "huisnummertoevoeging": _text((address.addition if address else signal.addition) or "", 4),
                "postcode": (address.postcode if address else signal.postcode) or "",
            },
        })
    kinds = {"persoon": "Persoon", "bedrijf": "Bedrijf", "adres": "Adres"}
    for subject in view.subjects:
        oid = _uuid(case.id, "subject", subject.id)
        zaakobjecten.append({
            "url": f"{zaken}/zaakobjecten/{oid}",
            "uuid": oid,
            "zaak": zaak_url,
            "objectType": "overige",
            "objectTypeOverige": "weerbaar_subject",
            "relatieomschrijving": f"{kinds.get(subject.kind, 'Subject')} waarover de casus gaat",
            # Only the Weerbaar id and the kind: names stay in Weerbaar, behind its permission layer.
            "objectIdentificatie": {"overigeData": {"subject": subject.id, "soort": subject.kind}},
        })

    deadlines = [a.action.deadline for a in view.actions if a.status not in ("gereed", "vervallen")]
    phenomenon = catalogue.phenomena.get(case.phenomenon or "")
    zaak: dict[str, Any] = {
        "url": zaak_url,
        "uuid": case.id,
        "identificatie": case.number,
        "bronorganisatie": organisation_rsin,
        "verantwoordelijkeOrganisatie": organisation_rsin,
        "omschrijving": _text(case.title, 80),
        "toelichting": _text("Casus ondermijning aan de partnertafel"
                             + (f" (fenomeen: {phenomenon.naam})" if phenomenon else "") + ".", 1000),
        "zaaktype": zaaktype,
        "registratiedatum": _local_date(case.created_at).isoformat(),
        "startdatum": _local_date(case.created_at).isoformat(),
        "einddatum": _local_date(closing.at).isoformat() if closing is not None else None,
        "einddatumGepland": max(deadlines).isoformat() if deadlines and view.status != STATUS_CLOSED else None,
        "vertrouwelijkheidaanduiding": confidentiality(case.confidentiality),
        "betalingsindicatie": "nvt",
        "betalingsindicatieWeergave": "Er is geen sprake van te betalen, met de zaak gemoeide, kosten.",
        "archiefstatus": "nog_te_archiveren",
        "kenmerken": [{"kenmerk": case.id, "bron": "Weerbaar"}],
        "deelzaken": [],
        "eigenschappen": [],
        "zaakinformatieobjecten": [],
        "rollen": [r["url"] for r in rollen],
        "zaakobjecten": [o["url"] for o in zaakobjecten],
        "status": statussen[-1]["url"] if statussen else None,
        "resultaat": resultaat["url"] if resultaat else None,
    }
    if resultaat is not None:
        zaak["resultaattoelichting"] = resultaat["toelichting"]
    return {"zaak": zaak, "statussen": statussen, "resultaat": resultaat, "rollen": rollen,
            "zaakobjecten": zaakobjecten}
