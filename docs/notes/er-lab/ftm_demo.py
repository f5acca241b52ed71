"""followthemoney 4.11.2: read real FtM data, build/serialise/validate entities.

Run: /tmp/er-lab/venv/bin/python /tmp/er-lab/ftm_demo.py
"""

from collections import Counter

import orjson

import followthemoney
from followthemoney import ValueEntity, model
from followthemoney.exc import InvalidData
from followthemoney.types import registry

SRC = "/work/shared/data/ftm/donations.ijson"
print("followthemoney", followthemoney.__version__)

# ---- 1. read the line-delimited entity stream --------------------------------
# model.get_proxy(data) -> plain EntityProxy (still works in 4.x).
# ValueEntity.from_dict(data) is the 4.x recommended base class (adds datasets,
# referents, first_seen/last_seen/last_change, caption).
# cleaned=False re-normalises every value: use it for untrusted input.
entities: list[ValueEntity] = []
with open(SRC, "rb") as fh:
    for line in fh:
        entities.append(ValueEntity.from_dict(orjson.loads(line), cleaned=False))
proxy0 = model.get_proxy(orjson.loads(open(SRC, "rb").readline()))
print("get_proxy ->", type(proxy0).__name__, repr(proxy0))

print(f"{len(entities)} entities")
print("schemata:", dict(Counter(e.schema.name for e in entities).most_common()))
print("matchable schemata present:",
      sorted({e.schema.name for e in entities if e.schema.matchable}))

by_id = {e.id: e for e in entities}
person = next(e for e in entities if e.schema.name == "Person")
addr = by_id[person.first("addressEntity")]
print("example:", person.caption, "|", addr.caption, "|", addr.get("country"))

# repeated real donors: exact repeats are already one entity (IDs hash the name),
# so they show up as several Payments per payer; what is left for linking are
# near-duplicate names such as 'Bayerische Motorenwerke AG' vs
# 'Bayerische Motorenwerke (BMW) AG' or 'Dr. Rath Health Programs B.V.' vs '...Programms'.
names = Counter(e.caption for e in entities if e.schema.is_a("LegalEntity"))
payers = Counter(e.first("payer") for e in entities if e.schema.name == "Payment")
print("exact duplicate LegalEntity names:", sum(1 for c in names.values() if c > 1),
      "| payers:", len(payers), "| payers with >1 payment:",
      sum(1 for c in payers.values() if c > 1))
print("near-duplicates (first word 'Bayerische'/'Dr. Rath'):",
      sorted(n for n in names if n.startswith(("Bayerische Motoren", "Dr. Rath"))))

# matching-relevant inverted type groups (names, countries, addresses, ...)
print("to_full_dict(matchable=True) keys:",
      sorted(person.to_full_dict(matchable=True).keys()))


# ---- 2. validation helper ----------------------------------------------------
def validate(entity) -> list[str]:
    """Schema.validate() checks value syntax, but only flags a *required*
    property when its key is present with an empty list: a required property
    that is absent altogether passes. So check required explicitly too."""
    errors: list[str] = []
    data = entity.to_dict()
    if not entity.id:
        errors.append("missing id")
    try:
        entity.schema.validate(data)
    except InvalidData as exc:
        errors.append(f"{exc} {exc.errors}")
    for req in sorted(entity.schema.required):
        if not entity.has(req):
            errors.append(f"required property missing: {req}")
    # entity-typed properties must point at an id (referential check is ours)
    return errors


bad = {e.id: validate(e) for e in entities}
print("entities failing validation in donations.ijson:",
      sum(1 for v in bad.values() if v))

# ---- 3. build new entities ---------------------------------------------------
ns = "weerbaar"
address = model.make_entity("Address")
address.make_id(ns, "addr", "Keizersgracht 1, 1015 CJ Amsterdam")  # sha1 of parts
address.add("full", "Keizersgracht 1, 1015 CJ Amsterdam")
address.add("street", "Keizersgracht 1")
address.add("postalCode", "1015 CJ")
address.add("city", "Amsterdam")
address.add("country", "Netherlands")  # cleaned -> 'nl'

person = model.make_entity("Person")
person.make_id(ns, "person", "Jan de Vries", "1970-01-31")
person.add("name", "Jan de Vries")
person.add("firstName", "Jan")
person.add("lastName", "de Vries")
person.add("birthDate", "1970-01-31")
person.add("nationality", "nl")
person.add("addressEntity", address)  # entity-typed: proxy or its id

company = model.make_entity("Company")
company.make_id(ns, "company", "NL", "12345678")
company.add("name", "Voorbeeld Holding B.V.")
company.add("jurisdiction", "nl")
company.add("registrationNumber", "12345678")
company.add("incorporationDate", "2001-05")  # partial dates are allowed
company.add("addressEntity", address)

ownership = model.make_entity("Ownership")
ownership.make_id(ns, "own", person.id, company.id)
ownership.add("owner", person)
ownership.add("asset", company)
ownership.add("percentage", "60")
ownership.add("startDate", "2001-05-01")

directorship = model.make_entity("Directorship")
directorship.make_id(ns, "dir", person.id, company.id)
directorship.add("director", person)
directorship.add("organization", company)
directorship.add("role", "bestuurder")
directorship.add("startDate", "2001-05-01")

new = [address, person, company, ownership, directorship]
for e in new:
    d = e.to_dict()
    print(f"{e.schema.name:<13} valid={not validate(e)} {orjson.dumps(d).decode()}")

# values that do not parse are dropped by .add() (cleaned=False default);
# pass quiet=True to ignore unknown property names
p2 = model.make_entity("Person")
p2.id = "p2"
p2.add("birthDate", "not a date")
p2.add("nationality", "Atlantis")
print("invalid values dropped:", p2.to_dict()["properties"])
print("person without name ->", validate(p2))
print("explicit empty name ->", validate(model.get_proxy(
    {"id": "x", "schema": "Person", "properties": {"name": []}})))
print("bad date via Schema.validate ->", validate(model.get_proxy(
    {"id": "y", "schema": "Person",
     "properties": {"name": ["A"], "birthDate": ["31-01-1970"]}})))

# round trip
rt = model.get_proxy(person.to_dict())
assert rt.to_dict() == person.to_dict() and rt.checksum == person.checksum
print("round-trip ok; edge:", ownership.schema.edge_source, "->",
      ownership.schema.edge_target, f"({ownership.schema.edge_label})")

# type helpers useful for matching/blocking
print("country 'Deutschland' ->", registry.country.clean("Deutschland"))
print("date clean '2011-12-29T00:00' ->", registry.date.clean("2011-12-29T00:00"))
print("merge: ", person.clone().merge(model.get_proxy(
    {"id": person.id, "schema": "LegalEntity",
     "properties": {"name": ["J. de Vries"]}})).to_dict()["properties"]["name"])
