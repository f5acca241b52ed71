"""A case exported as a ZAAK of the VNG Zaken API, validated against that API's published schema
(tests/data/zgw/, an extract of the Zaken API 1.3 OpenAPI document) with a small validator for
the OpenAPI 3.0 subset it uses. The validator must catch a broken export, and does.
Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import json
import re
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from fastapi.testclient import TestClient

from weerbaar.access.models import AccessLogEntry
from weerbaar.cases import service, zgw
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.clock import today
from weerbaar.core.identifiers import bsn
from weerbaar.core.models import Setting

from .case_setup import API, SUBJECT_POLITIE, SUBJECT_WOCO, close, decide_closure, make_case
from .world import World

SPEC = Path(__file__).parent / "data" / "zgw" / "zaken-api-schemas.yaml"
RESPONSIBLE = "Henk-Jan Oosterbroek"


class OpenApiSubset:
    """Validates a value against an OpenAPI 3.0 schema: $ref, allOf, oneOf, nullable, enum, type,
    required, properties (an undefined property is an error), items, lengths, bounds, pattern,
    uniqueItems and the formats date, date-time, uri and uuid. Returns every problem found."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.schemas: dict[str, Any] = document["components"]["schemas"]

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = self.schemas[schema["$ref"].removeprefix("#/components/schemas/")]
        return schema

    def properties(self, schema: dict[str, Any]) -> set[str] | None:
        """Every property name an object may have (None: any, per additionalProperties)."""
        schema = self.resolve(schema)
        if "additionalProperties" in schema:
            return None
        names = set(schema.get("properties", {}))
        for part in schema.get("allOf", []):
            more = self.properties(part)
            if more is None:
                return None
            names |= more
        return names

    def errors(self, value: Any, schema: dict[str, Any], path: str = "$", strict: bool = True) -> list[str]:
        schema = self.resolve(schema)
        if value is None:
            if schema.get("nullable") or None in schema.get("enum", [1]):
                return []
            if "oneOf" in schema and any(not self.errors(None, s, path) for s in schema["oneOf"]):
                return []
            return [f"{path}: null is niet toegestaan"]
        out: list[str] = []
        for part in schema.get("allOf", []):
            out += self.errors(value, part, path, strict=False)
        if "oneOf" in schema:
            matching = [s for s in schema["oneOf"] if not self.errors(value, s, path)]
            if len(matching) != 1:
                out.append(f"{path}: past op {len(matching)} in plaats van 1 van de oneOf-schema's")
        if "enum" in schema and value not in schema["enum"]:
            out.append(f"{path}: {value!r} staat niet in {schema['enum']}")
        kind = schema.get("type")
        checks = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "array": list, "object": dict}
        wrong_type = kind and not isinstance(value, checks[kind])
        if wrong_type or (kind in ("integer", "number") and isinstance(value, bool)):
            return [*out, f"{path}: verwacht {kind}, kreeg {type(value).__name__}"]
        if isinstance(value, str):
            out += self._string(value, schema, path)
        if isinstance(value, int) and not isinstance(value, bool):
            if "maximum" in schema and value > schema["maximum"]:
                out.append(f"{path}: groter dan {schema['maximum']}")
            if "minimum" in schema and value < schema["minimum"]:
                out.append(f"{path}: kleiner dan {schema['minimum']}")
        if isinstance(value, list):
            if "items" in schema:
                for i, item in enumerate(value):
                    out += self.errors(item, schema["items"], f"{path}[{i}]")
            if len(value) < schema.get("minItems", 0) or len(value) > schema.get("maxItems", len(value)):
                out.append(f"{path}: aantal elementen buiten de grenzen")
            if schema.get("uniqueItems") and len({json.dumps(v, sort_keys=True) for v in value}) != len(value):
                out.append(f"{path}: elementen zijn niet uniek")
        if isinstance(value, dict):
            for name in schema.get("required", []):
                if name not in value:
                    out.append(f"{path}.{name}: verplicht veld ontbreekt")
            for name, sub in schema.get("properties", {}).items():
                if name in value:
                    out += self.errors(value[name], sub, f"{path}.{name}")
            allowed = self.properties(schema)
            if strict and allowed is not None and (schema.get("properties") or schema.get("allOf")):
                out += [f"{path}.{name}: onbekend veld" for name in sorted(set(value) - allowed)]
        return out

    @staticmethod
    def _string(value: str, schema: dict[str, Any], path: str) -> list[str]:
        out = []
        if len(value) > schema.get("maxLength", len(value)):
            out.append(f"{path}: langer dan {schema['maxLength']} tekens")
        if len(value) < schema.get("minLength", 0):
            out.append(f"{path}: korter dan {schema['minLength']} tekens")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            out.append(f"{path}: past niet op {schema['pattern']}")
        fmt = schema.get("format")
        try:
            if fmt == "date":
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
                date.fromisoformat(value)
            elif fmt == "date-time":
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", value)
                datetime.fromisoformat(value)
            elif fmt == "uri":
                assert re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s]+", value)
            elif fmt == "uuid":
                assert str(uuid.UUID(value)) == value.lower()
        except (AssertionError, ValueError):
            out.append(f"{path}: {value!r} is geen geldige {fmt}")
        return out


@pytest.fixture(scope="module")
def spec() -> OpenApiSubset:
    return OpenApiSubset(yaml.safe_load(SPEC.read_text(encoding="utf-8")))


def document_errors(spec: OpenApiSubset, doc: dict[str, Any]) -> list[str]:
    """The export checked resource by resource; polymorphic rollen and zaakobjecten against the
    schema their discriminator names (as the Zaken API does)."""
    s = spec.schemas
    out = spec.errors(doc["zaak"], s["Zaak"], "zaak")
    for i, status in enumerate(doc["statussen"]):
        out += spec.errors(status, s["Status"], f"statussen[{i}]")
    if doc["resultaat"] is not None:
        out += spec.errors(doc["resultaat"], s["Resultaat"], "resultaat")
    for i, rol in enumerate(doc["rollen"]):
        kind = rol.get("betrokkeneType")
        out += spec.errors(rol, s[kind] if kind in s else s["Rol"], f"rollen[{i}]")
    for i, obj in enumerate(doc["zaakobjecten"]):
        kind = obj.get("objectType")
        out += spec.errors(obj, s[kind] if kind in s else s["ZaakObject"], f"zaakobjecten[{i}]")
    if set(doc) != {"zaak", "statussen", "resultaat", "rollen", "zaakobjecten"}:
        out.append(f"onverwachte onderdelen: {sorted(doc)}")
    return out


def export(client: TestClient, world: World, case_id: str, actor: str = "coordinator") -> dict[str, Any]:
    r = client.get(f"{API}/casussen/{case_id}/zgw-zaak", headers=world[actor].headers)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def add_action(world: World, case_id: str, deadline: date) -> None:
    rt = world.runtime
    with rt.db.transaction() as s:
        service.add_action(s, world["coordinator"].principal, rt.catalogue, case_id, service.NewAction(
            "Gesprek met de huurder over de signalen.", world.orgs["woco"].id, RESPONSIBLE, deadline))


def test_a_closed_case_exports_as_a_valid_zaak(app_client: TestClient, world: World, spec: OpenApiSubset) -> None:
    setup = make_case(app_client, world)
    decide_closure(world, setup.case.id)
    add_action(world, setup.case.id, today() + timedelta(days=20))
    close(world, setup.case.id)
    doc = export(app_client, world, setup.case.id)
    assert document_errors(spec, doc) == []
    zaak = doc["zaak"]
    assert (zaak["identificatie"], zaak["uuid"], zaak["omschrijving"]) == (
        setup.case.number, setup.case.id, "Hennepzolder Zwaluwstraat")
    assert zaak["bronorganisatie"] == zaak["verantwoordelijkeOrganisatie"] == zgw.DEFAULT_RSIN
    assert zaak["zaaktype"] == zgw.DEFAULT_ZAAKTYPE
    assert zaak["vertrouwelijkheidaanduiding"] == "zaakvertrouwelijk"
    assert zaak["startdatum"] == zaak["einddatum"] == today().isoformat()
    assert zaak["einddatumGepland"] is None  # closed: nothing planned any more
    # Statuses: the case's history, in order, the last one marked.
    assert [st["statustype"].rsplit("/", 1)[1] for st in doc["statussen"]] == [
        "informatiepositie", "weging", "uitvoering", "afgesloten"]
    assert [st["indicatieLaatstGezetteStatus"] for st in doc["statussen"]] == [False, False, False, True]
    assert zaak["status"] == doc["statussen"][-1]["url"]
    assert all(st["zaak"] == zaak["url"] for st in doc["statussen"])
    # Result: the closure's, with the reason.
    assert doc["resultaat"]["resultaattype"].endswith("/resultaattypen/pand_gesloten")
    assert "gesloten voor drie maanden" in doc["resultaat"]["toelichting"]
    assert zaak["resultaat"] == doc["resultaat"]["url"]
    # Roles: the municipality runs it, woco carries out an action, politie advises.
    roles = {r["betrokkeneIdentificatie"].get("statutaireNaam") or r["betrokkeneIdentificatie"]["naam"]:
             (r["betrokkeneType"], r["omschrijvingGeneriek"]) for r in doc["rollen"]}
    assert roles == {
        world.orgs["gemeente"].name: ("organisatorische_eenheid", "zaakcoordinator"),
        world.orgs["woco"].name: ("niet_natuurlijk_persoon", "behandelaar"),
        world.orgs["politie"].name: ("niet_natuurlijk_persoon", "adviseur"),
    }
    assert zaak["rollen"] == [r["url"] for r in doc["rollen"]]
    # Objects: the signals' address with its BAG id, and the subjects without their names.
    addresses = [o["objectIdentificatie"] for o in doc["zaakobjecten"] if o["objectType"] == "adres"]
    home = world.addresses["BU99900101"]
    assert addresses == [{"identificatie": home.id, "wplWoonplaatsNaam": "Lindeveen",
                          "gorOpenbareRuimteNaam": "Havenstraat", "huisnummer": 1, "huisletter": "",
                          "huisnummertoevoeging": "", "postcode": "9991AA"}]
    subjects = [o["objectIdentificatie"]["overigeData"] for o in doc["zaakobjecten"] if o["objectType"] == "overige"]
    assert subjects == [{"subject": SUBJECT_WOCO[0], "soort": "persoon"},
                        {"subject": SUBJECT_POLITIE[0], "soort": "persoon"}]
    text = json.dumps(doc, ensure_ascii=False)
    for name in (SUBJECT_WOCO[1], SUBJECT_POLITIE[1], RESPONSIBLE, world["coordinator"].user.name):
        assert name not in text


def test_an_open_case_exports_without_end_or_result(app_client: TestClient, world: World,
                                                    spec: OpenApiSubset) -> None:
    setup = make_case(app_client, world)
    deadline = today() + timedelta(days=30)
    add_action(world, setup.case.id, deadline)
    doc = export(app_client, world, setup.case.id, actor="analist")
    assert document_errors(spec, doc) == []
    assert (doc["zaak"]["einddatum"], doc["zaak"]["resultaat"], doc["resultaat"]) == (None, None, None)
    assert doc["zaak"]["einddatumGepland"] == deadline.isoformat()
    assert [st["statustype"].rsplit("/", 1)[1] for st in doc["statussen"]] == ["informatiepositie"]


def test_the_validator_catches_a_broken_export(app_client: TestClient, world: World, spec: OpenApiSubset) -> None:
    setup = make_case(app_client, world)
    good = export(app_client, world, setup.case.id)
    assert document_errors(spec, good) == []

    def broken(change: Any) -> list[str]:
        doc = copy.deepcopy(good)
        change(doc)
        return document_errors(spec, doc)

    assert broken(lambda d: d["zaak"].pop("bronorganisatie")) == ["zaak.bronorganisatie: verplicht veld ontbreekt"]
    assert broken(lambda d: d["zaak"].update(vertrouwelijkheidaanduiding="topgeheim"))[0].startswith(
        "zaak.vertrouwelijkheidaanduiding: 'topgeheim' staat niet in")
    assert broken(lambda d: d["zaak"].update(omschrijving="x" * 81)) == ["zaak.omschrijving: langer dan 80 tekens"]
    assert broken(lambda d: d["zaak"].update(startdatum="14-10-2026")) == [
        "zaak.startdatum: '14-10-2026' is geen geldige date"]
    assert broken(lambda d: d["zaak"].update(zaaktype="geen url")) == ["zaak.zaaktype: 'geen url' is geen geldige uri"]
    assert broken(lambda d: d["zaak"].update(einddatumGepland=None)) == []  # nullable
    assert broken(lambda d: d["zaak"].update(startdatum=None)) == ["zaak.startdatum: null is niet toegestaan"]
    assert broken(lambda d: d["zaak"].update(omschijving="tikfout")) == ["zaak.omschijving: onbekend veld"]
    assert broken(lambda d: d["statussen"][0].update(datumStatusGezet="2026-01-01 10:00")) == [
        "statussen[0].datumStatusGezet: '2026-01-01 10:00' is geen geldige date-time"]
    assert broken(lambda d: d["rollen"][0].update(betrokkeneType="persoon")) != []
    assert broken(lambda d: d["rollen"][1]["betrokkeneIdentificatie"].update(voornamen="Jan")) == [
        "rollen[1].betrokkeneIdentificatie.voornamen: onbekend veld"]
    assert broken(lambda d: d["zaakobjecten"][0]["objectIdentificatie"].pop("huisnummer")) == [
        "zaakobjecten[0].objectIdentificatie.huisnummer: verplicht veld ontbreekt"]
    last = len(good["zaakobjecten"]) - 1
    assert broken(lambda d: d["zaakobjecten"][last].update(objectTypeOverige="WEERBAAR")) == [
        f"zaakobjecten[{last}].objectTypeOverige: past niet op [a-z\\_]+"]


def test_only_the_municipalitys_readers_may_export(app_client: TestClient, world: World) -> None:
    setup = make_case(app_client, world)
    url = f"{API}/casussen/{setup.case.id}/zgw-zaak"
    for actor, status in [("coordinator", 200), ("analist", 200), ("woco", 404), ("politie", 404),
                          ("netbeheer", 404), ("gemeente_partner", 404), ("buur_coordinator", 404), ("privacy", 404)]:
        assert app_client.get(url, headers=world[actor].headers).status_code == status, actor
    assert app_client.get(f"{API}/casussen/geen-uuid/zgw-zaak", headers=world["coordinator"].headers
                          ).status_code == 404
    with world.runtime.db.session() as s:
        exports = s.execute(sa.select(AccessLogEntry.user_email, AccessLogEntry.object_id)
                            .where(AccessLogEntry.action == "exporteren")).all()
    assert sorted(exports) == sorted([(world["coordinator"].user.email, setup.case.id),
                                      (world["analist"].user.email, setup.case.id)])


def test_rsin_and_zaaktype_come_from_the_installation_settings(app_client: TestClient, world: World) -> None:
    setup = make_case(app_client, world)
    with world.runtime.db.transaction() as s:
        s.add(Setting(key="zgw.rsin", value="002220647"))
        s.add(Setting(key="zgw.zaaktype", value="https://open-zaak.lindeveen.example/catalogi/api/v1/zaaktypen/42"))
    zaak = export(app_client, world, setup.case.id)["zaak"]
    assert (zaak["bronorganisatie"], zaak["zaaktype"]) == (
        "002220647", "https://open-zaak.lindeveen.example/catalogi/api/v1/zaaktypen/42")
    with world.runtime.db.transaction() as s:
        s.get_one(Setting, "zgw.rsin").value = "123456789"  # fails the eleven-test
    r = app_client.get(f"{API}/casussen/{setup.case.id}/zgw-zaak", headers=world["coordinator"].headers)
    assert r.status_code == 409 and "zgw.rsin" in r.json()["detail"] and "elfproef" in r.json()["detail"]


def test_the_placeholder_rsin_passes_the_eleven_test() -> None:
    assert bsn(zgw.DEFAULT_RSIN) == zgw.DEFAULT_RSIN and len(zgw.DEFAULT_RSIN) == 9


def test_every_confidentiality_level_maps_onto_the_zgw_values(catalogue: Catalogue, spec: OpenApiSubset) -> None:
    zgw_values = spec.schemas["VertrouwelijkheidaanduidingEnum"]["enum"]
    assert list(zgw.ZGW_CONFIDENTIALITY) == zgw_values
    assert [zgw.confidentiality(level) for level in catalogue.confidentiality_levels] == \
        catalogue.confidentiality_levels
    assert set(catalogue.confidentiality_levels) <= set(zgw_values)
    assert zgw.confidentiality("staatsgeheim_plus") == "zeer_geheim"


def test_every_reference_in_the_schema_extract_resolves(spec: OpenApiSubset) -> None:
    refs = re.findall(r"#/components/schemas/([A-Za-z0-9_]+)", SPEC.read_text(encoding="utf-8"))
    assert refs and sorted(set(refs) - set(spec.schemas)) == []
