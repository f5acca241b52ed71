"""The one write path for signals: register, share, append status. Each call logs itself."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from weerbaar.access import logbook, rights
from weerbaar.access.policy import signal_visible
from weerbaar.access.principal import Principal
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.clock import now
from weerbaar.core.errors import FieldError, Forbidden, NotFound, ValidationFailed
from weerbaar.core.models import Address, Organisation, Setting, new_id
from weerbaar.core.names import display_name, fold, joined_surname, surname_core, tokens
from weerbaar.intake.models import Signal, SignalIndicator, SignalParty, SignalShare, SignalStatus
from weerbaar.intake.schemas import BetrokkeneIn, SignaalIn
from weerbaar.intake.suggest import suggest

STATUS_NEW = "nieuw"
# Confirming a phenomenon is the intake team's work: those who read every signal of the municipality.
CONFIRM_RIGHT = rights.SIGNAL_CLASSIFY
CHANNELS = ("formulier", "api", "bulk", "analyse")


@dataclass(frozen=True)
class Provenance:
    """Where a signal came from, for bulk imports: the source's key and file."""

    channel: str
    source_key: str | None = None
    source_file: str | None = None
    organisation_id: str | None = None  # on whose behalf (bulk import by the intake team)


def find_address(session: Session, loc) -> Address | None:  # type: ignore[no-untyped-def]
    if loc is None:
        return None
    if loc.adresId:
        return session.get(Address, loc.adresId)
    if loc.postcode and loc.huisnummer is not None:
        query = select(Address).where(
            Address.postcode == loc.postcode,
            Address.house_number == loc.huisnummer,
            Address.house_letter.is_(None) if not loc.huisletter else Address.house_letter == loc.huisletter,
            Address.addition.is_(None) if not loc.toevoeging else Address.addition == loc.toevoeging.upper(),
        )
        return session.scalars(query.limit(1)).first()
    return None


NAME_KEY_LENGTH = 500  # signal_parties.name_key


def name_key(voornamen: str | None, tussenvoegsel: str | None, geslachtsnaam: str | None) -> str:
    words = tokens(display_name(voornamen, tussenvoegsel, geslachtsnaam))
    core = surname_core(tussenvoegsel, geslachtsnaam or "")
    # Also the surname written as one word, so "Vanderberg" finds "van der Berg".
    unique = dict.fromkeys([*words, core, joined_surname(tussenvoegsel, geslachtsnaam)])
    key = " " + " ".join(unique) + " "
    # The column holds 500 characters; names at their maximum lengths would not fit. Cut
    # at a word boundary so that every word kept still matches as a whole word.
    return key if len(key) <= NAME_KEY_LENGTH else key[: key.rfind(" ", 0, NAME_KEY_LENGTH) + 1]


def _party(position: int, b: BetrokkeneIn) -> SignalParty:
    return SignalParty(
        position=position,
        kind=b.soort,
        role=b.rol,
        given_names=b.voornamen,
        surname_prefix=b.tussenvoegsel,
        surname=b.geslachtsnaam,
        birth_date=b.geboortedatum,
        bsn=b.bsn,
        company_name=b.naam,
        kvk_number=b.kvkNummer,
        plate=b.kenteken,
        note=b.toelichting,
        name_key=name_key(b.voornamen, b.tussenvoegsel, b.geslachtsnaam) if b.soort == "persoon" else None,
    )


def content_hash(data: SignaalIn) -> str:
    return hashlib.sha256(
        json.dumps(data.model_dump(mode="json"), sort_keys=True).encode()
    ).hexdigest()


def search_text(data: SignaalIn, address: Address | None) -> str:
    parts = [data.omschrijving, data.locatie.omschrijving if data.locatie else None]
    for b in data.betrokkenen:
        parts += [display_name(b.voornamen, b.tussenvoegsel, b.geslachtsnaam), b.naam, b.kenteken, b.rol]
    if address is not None:
        parts += [address.label()]
    elif data.locatie and data.locatie.postcode:
        parts += [data.locatie.postcode]
    return fold(" ".join(p for p in parts if p))


def home_municipality(session: Session) -> str | None:
    setting = session.get(Setting, "gemeentecode")
    return setting.value if setting else None


def register_signal(
    session: Session,
    principal: Principal,
    data: SignaalIn,
    catalogue: Catalogue,
    provenance: Provenance,
    at: datetime | None = None,
) -> Signal:
    """Store a validated signal with its parties, indicators and first status, and log it.

    `at` backdates the registration (the demo spreads its signals over past months); the
    logbook entry keeps the real time, as the log records when the data entered the system.
    """
    moment = at or now()
    if not principal.can(rights.SIGNAL_REGISTER):
        raise Forbidden("Uw rol mag geen signalen registreren.")
    if provenance.channel not in CHANNELS:
        raise ValueError(provenance.channel)
    owner_id = provenance.organisation_id or principal.organisation_id
    if owner_id != principal.organisation_id and not principal.can(rights.SIGNAL_IMPORT):
        raise Forbidden("U mag alleen signalen namens de eigen organisatie registreren.")
    owner = session.get(Organisation, owner_id)
    if owner is None:
        raise ValidationFailed([FieldError("organisatie", "organisatie_onbekend", "Onbekende organisatie.")])
    if owner.id != principal.organisation_id and owner.municipality_code not in (None, principal.municipality_code):
        # The intake team registers on behalf of partners in its own territory only.
        raise Forbidden("U mag alleen signalen registreren namens organisaties binnen uw eigen gemeente.")

    loc = data.locatie
    address = find_address(session, loc)
    signal = Signal(
        id=new_id(),
        registered_at=moment,
        phenomenon=data.fenomeen,
        description=data.omschrijving,
        observed_on=data.waargenomenOp,
        address_id=address.id if address else (loc.adresId if loc else None),
        postcode=address.postcode if address else (loc.postcode if loc else None),
        house_number=address.house_number if address else (loc.huisnummer if loc else None),
        house_letter=address.house_letter if address else (loc.huisletter if loc else None),
        addition=address.addition if address else (loc.toevoeging.upper() if loc and loc.toevoeging else None),
        location_note=loc.omschrijving if loc else None,
        lat=(loc.lat if loc and loc.lat is not None else (address.lat if address else None)),
        lon=(loc.lon if loc and loc.lon is not None else (address.lon if address else None)),
        municipality_code=(address.municipality_code if address and address.municipality_code else None)
        or owner.municipality_code
        or home_municipality(session),
        district_code=address.district_code if address else None,
        neighbourhood_code=address.neighbourhood_code if address else None,
        source_reliability=data.bron.betrouwbaarheid,
        information_credibility=data.bron.informatie,
        confidentiality=data.vertrouwelijkheid,
        reporter_shielded=data.melderAfgeschermd,
        organisation_id=owner.id,
        reporter_id=principal.user_id if provenance.channel != "bulk" else None,
        channel=provenance.channel,
        source_key=provenance.source_key,
        source_file=provenance.source_file,
        content_hash=content_hash(data),
        search_text=search_text(data, address),
    )
    signal.parties = [_party(i, b) for i, b in enumerate(data.betrokkenen)]
    signal.indicators = [SignalIndicator(code=c) for c in data.indicatoren]
    if data.fenomeen is None:
        # A suggestion from the text; a person confirms it (confirm_phenomenon).
        suggestion = suggest(data.omschrijving, catalogue)
        if suggestion is not None:
            signal.phenomenon_suggestion = suggestion.phenomenon
            signal.phenomenon_suggestion_score = suggestion.score
    session.add(signal)
    signal.history.append(
        _status_row(signal, STATUS_NEW, principal, f"Geregistreerd via {provenance.channel}", moment)
    )
    logbook.record(
        session,
        principal,
        logbook.CREATE,
        object_type="signaal",
        object_id=signal.id,
        purpose="signaalregistratie",
        details={"kanaal": provenance.channel, "betrokkenen": len(data.betrokkenen)},
    )
    session.flush()
    return signal


def _status_row(
    signal: Signal, status: str, principal: Principal | None, note: str | None, at: datetime | None = None
) -> SignalStatus:
    return SignalStatus(
        signal_id=signal.id,
        status=status,
        at=at or now(),
        by_user_id=principal.user_id if principal else None,
        by_user_name=principal.name if principal else None,
        note=note,
    )


def append_status(
    session: Session, signal: Signal, status: str, principal: Principal | None, note: str | None,
    transition: str | None = None, details: dict[str, Any] | None = None, at: datetime | None = None,
) -> SignalStatus:
    """Append a status; the history is never edited (the database refuses UPDATE/DELETE).
    `transition` and `details`: the lifecycle's transition and what was filled in for it."""
    row = _status_row(signal, status, principal, note, at)
    row.transition, row.details = transition, details
    session.add(row)
    session.flush()
    return row


def share_signal(
    session: Session,
    principal: Principal,
    catalogue: Catalogue,
    signal_id: str,
    organisation_id: str,
    reason: str,
) -> SignalShare:
    """Share a signal the principal can read with another organisation, recording why."""
    errors = []
    if not reason or not reason.strip():
        errors.append(FieldError("reden", "missing", "Geef de reden (grondslag en doel) van het delen."))
    target = session.get(Organisation, organisation_id) if organisation_id else None
    if target is None:
        errors.append(FieldError("organisatie", "organisatie_onbekend", "Onbekende organisatie."))
    if errors:
        raise ValidationFailed(errors)
    signal = session.scalars(
        select(Signal).where(Signal.id == signal_id, signal_visible(principal, catalogue))
    ).first()
    if signal is None:
        raise NotFound()
    if not principal.can(rights.SIGNAL_SHARE):
        raise Forbidden("Uw rol mag geen signalen delen.")
    assert target is not None
    if target.id == signal.organisation_id:
        raise ValidationFailed(
            [FieldError("organisatie", "al_eigenaar", "Dit signaal is van deze organisatie zelf.")]
        )
    existing = session.scalars(
        select(SignalShare).where(SignalShare.signal_id == signal.id, SignalShare.organisation_id == target.id)
    ).first()
    if existing is not None:
        return existing
    share = SignalShare(
        signal_id=signal.id, organisation_id=target.id, shared_by_id=principal.user_id, reason=reason.strip()
    )
    session.add(share)
    session.flush()
    logbook.record(
        session, principal, logbook.SHARE, object_type="signaal", object_id=signal.id,
        purpose=reason.strip()[:300], details={"gedeeldMet": target.id, "organisatie": target.name},
    )
    return share


STATUS_CLOSED = "afgesloten"


def revise_automatic_signal(
    session: Session,
    principal: Principal,
    signal: Signal,
    *,
    description: str | None = None,
    indicator_codes: list[str] | None = None,
    status: str | None = None,
    note: str,
) -> SignalStatus:
    """The one way an automatic signal (channel "analyse") changes after registration: the
    analysis renews its evidence, closes it when the evidence is gone, or reopens it. The
    change is appended to the status history with the reason; reported signals never change."""
    if signal.channel != "analyse":
        raise ValueError("only automatic signals are revised by the analysis")
    if not principal.can(rights.ANALYSIS_RUN):
        raise Forbidden("Uw rol mag de analyse niet uitvoeren.")
    if description is not None:
        signal.description = description
        signal.search_text = fold(description + (" " + signal.location_note if signal.location_note else ""))
    if indicator_codes is not None:
        signal.indicators = [SignalIndicator(code=c) for c in dict.fromkeys(indicator_codes)]
    current = session.scalars(
        select(SignalStatus.status).where(SignalStatus.signal_id == signal.id).order_by(SignalStatus.id.desc())
    ).first()
    row = append_status(session, signal, status or current or STATUS_NEW, principal, note)
    logbook.record(
        session, principal, logbook.UPDATE,
        object_type="signaal", object_id=signal.id, purpose="analyse", details={"status": row.status},
    )
    return row


def confirm_phenomenon(
    session: Session, principal: Principal, catalogue: Catalogue, signal_id: str, code: str
) -> Signal:
    """Set a visible signal's phenomenon: the suggested one confirmed, or another chosen.

    The status stays as it is; a status row with the same status records who decided what.
    """
    phenomenon = catalogue.phenomena.get(code) if isinstance(code, str) else None
    if not code:
        raise ValidationFailed([FieldError("fenomeen", "missing", "Kies een fenomeen.")])
    if phenomenon is None:
        raise ValidationFailed([FieldError(
            "fenomeen", "fenomeen_onbekend",
            f"Onbekend fenomeen '{code}'. Kies uit: {', '.join(sorted(catalogue.phenomena))}.",
        )])
    signal = session.scalars(
        select(Signal).where(Signal.id == signal_id, signal_visible(principal, catalogue))
    ).first()
    if signal is None:
        raise NotFound()
    if not principal.can(CONFIRM_RIGHT):
        raise Forbidden("Alleen het intaketeam van de gemeente mag het fenomeen van een signaal bevestigen.")
    suggested = catalogue.phenomena.get(signal.phenomenon_suggestion or "")
    note = f"Fenomeen bevestigd: {phenomenon.naam}"
    if suggested is not None and suggested.code != code:
        note += f" (voorgesteld was: {suggested.naam})"
    previous = signal.phenomenon
    signal.phenomenon = code
    status = session.scalars(
        select(SignalStatus.status).where(SignalStatus.signal_id == signal.id).order_by(SignalStatus.id.desc())
    ).first()
    append_status(session, signal, status or STATUS_NEW, principal, note)
    logbook.record(
        session, principal, logbook.JUDGE, object_type="signaal", object_id=signal.id,
        purpose="fenomeen bevestigen",
        details={"fenomeen": code, "vorigFenomeen": previous, "voorstel": signal.phenomenon_suggestion},
    )
    return signal
