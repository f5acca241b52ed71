"""Subject pages: search (personal data posted, never in the URL) and the subject card with
its source records, relations and signals; the coordinator can split a mention off."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import RedirectResponse, Response

from weerbaar.access import rights
from weerbaar.core import identifiers
from weerbaar.core.errors import NotFound, ValidationFailed
from weerbaar.core.names import tokens
from weerbaar.resolve import cards, review
from weerbaar.web.deps import FormDep, Page, PageDep, errors_by_field, refused_as_pages

router = APIRouter()

NO_READ = "Uw rol mag geen subjecten (personen, bedrijven en adressen uit bronregistraties) inzien."
SEARCH_FIELDS = ("soort", "naam", "geboortedatum", "kvkNummer", "postcode", "huisnummer")
KINDS = {"persoon": "Persoon", "bedrijf": "Bedrijf", "adres": "Adres"}
FIELD_LABELS = {
    "voornamen": "Voornamen", "tussenvoegsel": "Tussenvoegsel", "geslachtsnaam": "Geslachtsnaam",
    "geboortedatum": "Geboortedatum", "bsn": "BSN", "naam": "Naam", "kvkNummer": "KvK-nummer",
    "kvk_nummer": "KvK-nummer", "adresId": "BAG-adres-id", "adres_id": "BAG-adres-id", "postcode": "Postcode",
    "huisnummer": "Huisnummer", "huisletter": "Huisletter", "toevoeging": "Toevoeging",
    "adresTekst": "Adres (tekst)", "adres_tekst": "Adres (tekst)",
}
SOURCE_LINK_LABELS = {"model": "model", "sleutel": "gelijke sleutel", "oordeel": "oordeel van een coördinator"}


def _text(posted: Any, key: str) -> str:
    value = posted.get(key)
    return value.strip() if isinstance(value, str) else ""


def _parse_search(values: dict[str, str]) -> tuple[cards.SubjectQuery | None, dict[str, list[str]]]:
    """The search form, checked the way the API checks it: every problem beside its field."""
    errors: dict[str, list[str]] = {}

    def bad(name: str, reason: str) -> None:
        errors.setdefault(name, []).append(reason)

    soort = values.get("soort") or None
    if soort and soort not in KINDS:
        bad("soort", "Kies persoon, bedrijf of adres.")
    if values.get("naam") and not tokens(values["naam"]):
        bad("naam", "Een naam bevat minstens één letter of cijfer.")
    born = None
    if values.get("geboortedatum"):
        try:
            born = date.fromisoformat(values["geboortedatum"])
        except ValueError:
            bad("geboortedatum", "Ongeldige datum; gebruik JJJJ-MM-DD.")
    checked: dict[str, str | None] = {}
    for name, fn in (("kvkNummer", identifiers.kvk_nummer), ("postcode", identifiers.postcode)):
        checked[name] = None
        if values.get(name):
            try:
                checked[name] = fn(values[name])
            except identifiers.InvalidIdentifier as exc:
                bad(name, exc.reason)
    number = None
    if values.get("huisnummer"):
        raw = values["huisnummer"]
        if raw.isascii() and raw.isdigit() and 0 < int(raw) < 100000:
            number = int(raw)
        else:
            bad("huisnummer", "Moet een geheel getal van 1 tot en met 99999 zijn.")
        if not values.get("postcode"):
            bad("postcode", "Zoek op huisnummer alleen samen met een postcode.")
    q = cards.SubjectQuery(soort=soort, naam=values.get("naam") or None, geboortedatum=born,
                           kvk_nummer=checked["kvkNummer"], postcode=checked["postcode"], huisnummer=number)
    if not errors and q.is_empty():
        bad("naam", "Geef minstens één zoekcriterium: naam, geboortedatum, KvK-nummer of postcode.")
    return (None if errors else q), errors


def _search_page(page: Page, values: dict[str, str], errors: dict[str, list[str]] | None = None,
                 result: list[dict[str, Any]] | None = None, total: int = 0, status: int = 200) -> Response:
    return page.render("subjecten.html", status, title="Subjecten", values=values, errors=errors or {},
                       result=result, total=total, kinds=list(KINDS.items()))


@router.get("/subjecten")
def search_form(page: PageDep) -> Response:
    page.require(rights.SOURCES_READ, reason=NO_READ)
    return _search_page(page, {})


@router.post("/subjecten")
def search(page: PageDep, posted: FormDep) -> Response:
    page.require(rights.SOURCES_READ, reason=NO_READ)
    values = {k: _text(posted, k) for k in SEARCH_FIELDS}
    q, errors = _parse_search(values)
    if q is None:
        return _search_page(page, values, errors, status=422)
    items, total = cards.search_subjects(page.db, page.principal, q, 1, 100)
    return _search_page(page, values, result=items, total=total)


def _card_page(page: Page, subject_id: str, split_errors: dict[str, list[str]] | None = None,
               status: int = 200) -> Response:
    try:
        card = cards.subject_card(page.db, page.principal, page.rt.catalogue, subject_id)
    except NotFound:
        raise HTTPException(404) from None
    notice = {"ontkoppeld": review.TAKES_EFFECT}.get(page.request.query_params.get("melding", ""))
    return page.render(
        "subject.html", status, title=card["naam"] or card["id"], card=card, kinds=KINDS, labels=FIELD_LABELS,
        link_sources=SOURCE_LINK_LABELS, may_judge=page.can(rights.MATCHES_JUDGE), notice=notice,
        may_open_pre_case=page.can(rights.CASES_MANAGE) and page.can(rights.PRIVACY_CHECK),
        may_see_network=page.can(rights.NETWORK_READ),
        split_errors=split_errors or {},
    )


@router.get("/subjecten/{subject_id}")
def card_page(subject_id: str, page: PageDep) -> Response:
    return _card_page(page, subject_id)


@router.post("/subjecten/{subject_id}/ontkoppelen")
def split(subject_id: str, page: PageDep, posted: FormDep) -> Response:
    page.require(rights.MATCHES_JUDGE, reason=review.NO_JUDGE)
    raw = _text(posted, "bronregistratie")
    record_id: Any = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else raw
    try:
        with refused_as_pages(page):
            _, target = review.split_off(page.db, page.principal, subject_id, record_id, _text(posted, "rol"),
                                         _text(posted, "toelichting") or None)
    except ValidationFailed as exc:
        return _card_page(page, subject_id, errors_by_field(exc.errors), status=422)
    return RedirectResponse(f"/subjecten/{target}?melding=ontkoppeld", 303)

