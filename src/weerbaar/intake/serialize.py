"""Signals as the API and the pages show them (Dutch camelCase), with the reporter shield applied."""

from __future__ import annotations

from typing import Any

from weerbaar.core.catalogue import Catalogue
from weerbaar.core.clock import as_utc
from weerbaar.core.models import Organisation
from weerbaar.intake.models import Signal, SignalParty, SignalShare
from weerbaar.intake.queries import SignalRow
from weerbaar.intake.suggest import suggest

SHIELDED = "afgeschermd"


def location(s: Signal) -> dict[str, Any] | None:
    if not any((s.address_id, s.postcode, s.location_note, s.lat)):
        return None
    return {
        "adresId": s.address_id,
        "postcode": s.postcode,
        "huisnummer": s.house_number,
        "huisletter": s.house_letter,
        "toevoeging": s.addition,
        "omschrijving": s.location_note,
        "lat": s.lat,
        "lon": s.lon,
        "gemeentecode": s.municipality_code,
        "wijkcode": s.district_code,
        "buurtcode": s.neighbourhood_code,
    }


def party(p: SignalParty) -> dict[str, Any]:
    out: dict[str, Any] = {"soort": p.kind}
    if p.role:
        out["rol"] = p.role
    if p.kind == "persoon":
        out.update(
            voornamen=p.given_names, tussenvoegsel=p.surname_prefix, geslachtsnaam=p.surname,
            geboortedatum=p.birth_date.isoformat() if p.birth_date else None, bsn=p.bsn,
        )
    elif p.kind == "bedrijf":
        out.update(naam=p.company_name, kvkNummer=p.kvk_number)
    else:
        out.update(kenteken=p.plate)
    if p.note:
        out["toelichting"] = p.note
    return out


def organisation_ref(o: Organisation) -> dict[str, Any]:
    return {"id": o.id, "naam": o.name, "type": o.type}


def summary(row: SignalRow, catalogue: Catalogue) -> dict[str, Any]:
    s = row.signal
    phen = catalogue.phenomena.get(s.phenomenon or "")
    return {
        "id": s.id,
        "fenomeen": s.phenomenon,
        "fenomeenNaam": phen.naam if phen else None,
        **suggestion_fields(s, catalogue),
        "indicatoren": [i.code for i in s.indicators],
        "omschrijving": s.description if len(s.description) <= 280 else s.description[:277] + "…",
        "waargenomenOp": s.observed_on.isoformat(),
        "geregistreerdOp": as_utc(s.registered_at).isoformat(),
        "status": row.status,
        "buurtcode": s.neighbourhood_code,
        "wijkcode": s.district_code,
        "organisatie": organisation_ref(s.organisation),
        "vertrouwelijkheid": s.confidentiality,
        "kanaal": s.channel,
        "aantalBetrokkenen": len(s.parties),
        "_links": {"self": {"href": f"/api/v1/signalen/{s.id}"}},
    }


def suggestion_fields(s: Signal, catalogue: Catalogue) -> dict[str, Any]:
    """The phenomenon suggested from the text at registration (null once none was made)."""
    suggested = catalogue.phenomena.get(s.phenomenon_suggestion or "")
    return {
        "fenomeenSuggestie": s.phenomenon_suggestion,
        "fenomeenSuggestieNaam": suggested.naam if suggested else None,
    }


def suggestion_basis(s: Signal, catalogue: Catalogue) -> dict[str, Any]:
    """Score and the words of the text that led to the suggestion, derived again from the text."""
    if not s.phenomenon_suggestion:
        return {"fenomeenSuggestieScore": None, "fenomeenSuggestieWoorden": []}
    again = suggest(s.description, catalogue)
    words = list(again.words) if again and again.phenomenon == s.phenomenon_suggestion else []
    return {"fenomeenSuggestieScore": s.phenomenon_suggestion_score, "fenomeenSuggestieWoorden": words}


def detail(
    row: SignalRow, catalogue: Catalogue, shares: list[SignalShare] | None = None
) -> dict[str, Any]:
    s = row.signal
    out = summary(row, catalogue)
    out["omschrijving"] = s.description
    out.update(suggestion_basis(s, catalogue))
    org = s.organisation
    reporter: dict[str, Any] | str | None
    contact: dict[str, Any] | str | None
    if row.reporter_visible:
        reporter = {"naam": s.reporter.name, "email": s.reporter.email} if s.reporter else None
        contact = (
            {"naam": org.contact_name, "email": org.contact_email, "telefoon": org.contact_phone}
            if org.contact_name or org.contact_email
            else None
        )
    else:
        reporter, contact = SHIELDED, SHIELDED
    out.update(
        locatie=location(s),
        betrokkenen=[party(p) for p in s.parties],
        bron={"betrouwbaarheid": s.source_reliability, "informatie": s.information_credibility},
        melderAfgeschermd=s.reporter_shielded,
        melder=reporter,
        contactpersoon=contact,
        bronSleutel=s.source_key,
        statusgeschiedenis=[
            {
                "status": h.status,
                "tijdstip": as_utc(h.at).isoformat(),
                "door": h.by_user_name
                if row.reporter_visible or h.by_user_id != s.reporter_id
                else SHIELDED,
                "toelichting": h.note,
                "overgang": h.transition,
                **({"gegevens": h.details} if h.details else {}),
            }
            for h in s.history
        ],
    )
    if shares is not None:
        out["delingen"] = [
            {"organisatie": organisation_ref(sh.organisation), "reden": sh.reason,
             "tijdstip": as_utc(sh.at).isoformat()}
            for sh in shares
        ]
    return out
