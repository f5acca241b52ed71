"""The signal as the outside world sends it (API JSON, form, bulk row), validated in Dutch.

All checks run in one pass so that every invalid field is reported at once.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from weerbaar.core import clock, identifiers
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.errors import FieldError, ValidationFailed

MAX_DESCRIPTION = 5000


def _catalogue(info: ValidationInfo) -> Catalogue:
    return (info.context or {})["catalogue"]  # type: ignore[no-any-return]


def _check_identifier(check, value):  # type: ignore[no-untyped-def]
    if value is None or str(value).strip() == "":
        return None
    try:
        return check(str(value))
    except identifiers.InvalidIdentifier as exc:
        raise PydanticCustomError(exc.code, exc.reason) from None


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and value.strip() == "":
        return None
    return value.strip() if isinstance(value, str) else value


class InputModel(BaseModel):
    """Base of every request body: unknown fields are errors, text is trimmed."""

    model_config = ConfigDict(extra="forbid", populate_by_name=False, str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, v: Any) -> Any:
        """PostgreSQL cannot store NUL characters; refuse them here rather than fail on insert."""
        texts = v if isinstance(v, list) else [v]
        if any(isinstance(t, str) and "\x00" in t for t in texts):
            raise PydanticCustomError("teken_ongeldig", "Bevat een ongeldig teken (NUL).")
        return v


class LocatieIn(InputModel):
    adresId: str | None = Field(None, description="BAG-nummeraanduiding-id (16 cijfers)")
    postcode: str | None = Field(None, description="Postcode, bijvoorbeeld 1234AB")
    huisnummer: int | None = Field(None, ge=1, le=99999)
    huisletter: str | None = Field(None, max_length=1, pattern=r"^[A-Za-z]$")
    toevoeging: str | None = Field(None, max_length=4, pattern=r"^[A-Za-z0-9]+$")
    omschrijving: str | None = Field(
        None, max_length=500, description="Plaatsbeschrijving zonder adres, zoals 'bosweg bij de A58'"
    )
    lat: float | None = Field(None, ge=50.5, le=53.8, description="WGS84-breedtegraad")
    lon: float | None = Field(None, ge=3.2, le=7.3, description="WGS84-lengtegraad")

    _blanks = field_validator("*", mode="before")(classmethod(lambda cls, v: _blank_to_none(v)))

    @field_validator("adresId")
    @classmethod
    def _adres_id(cls, v: str | None) -> str | None:
        return _check_identifier(identifiers.bag_id, v)

    @field_validator("postcode")
    @classmethod
    def _postcode(cls, v: str | None) -> str | None:
        return _check_identifier(identifiers.postcode, v)

    @field_validator("huisletter")
    @classmethod
    def _letter(cls, v: str | None) -> str | None:
        return v.upper() if v else v

    @model_validator(mode="after")
    def _complete(self) -> LocatieIn:
        if self.adresId:
            return self
        if self.postcode and self.huisnummer is None:
            raise PydanticCustomError("huisnummer_ontbreekt", "Geef bij een postcode ook het huisnummer.")
        if self.huisnummer is not None and not self.postcode:
            raise PydanticCustomError("postcode_ontbreekt", "Geef bij een huisnummer ook de postcode.")
        if not self.postcode and not self.omschrijving and self.lat is None:
            raise PydanticCustomError(
                "locatie_leeg",
                "Geef een adresId, een postcode met huisnummer, coördinaten of een plaatsbeschrijving.",
            )
        if (self.lat is None) != (self.lon is None):
            raise PydanticCustomError("coordinaten_onvolledig", "Geef zowel lat als lon.")
        return self


PERSON_FIELDS = {"voornamen", "tussenvoegsel", "geslachtsnaam", "geboortedatum", "bsn"}
COMPANY_FIELDS = {"naam", "kvkNummer"}
VEHICLE_FIELDS = {"kenteken"}
SOORT_FIELDS = {"persoon": PERSON_FIELDS, "bedrijf": COMPANY_FIELDS, "voertuig": VEHICLE_FIELDS}


class BetrokkeneIn(InputModel):
    soort: Literal["persoon", "bedrijf", "voertuig"]
    rol: str | None = Field(None, max_length=100, description="Bijvoorbeeld bewoner, eigenaar, huurder")
    voornamen: str | None = Field(None, max_length=200)
    tussenvoegsel: str | None = Field(None, max_length=40)
    geslachtsnaam: str | None = Field(None, max_length=200)
    geboortedatum: date | None = None
    bsn: str | None = None
    naam: str | None = Field(None, max_length=300, description="Naam van het bedrijf")
    kvkNummer: str | None = None
    kenteken: str | None = None
    toelichting: str | None = Field(None, max_length=500)

    _blanks = field_validator("*", mode="before")(classmethod(lambda cls, v: _blank_to_none(v)))

    @field_validator("bsn")
    @classmethod
    def _bsn(cls, v: str | None) -> str | None:
        return _check_identifier(identifiers.bsn, v)

    @field_validator("kvkNummer")
    @classmethod
    def _kvk(cls, v: str | None) -> str | None:
        return _check_identifier(identifiers.kvk_nummer, v)

    @field_validator("kenteken")
    @classmethod
    def _kenteken(cls, v: str | None) -> str | None:
        return _check_identifier(identifiers.kenteken, v)

    @field_validator("geboortedatum")
    @classmethod
    def _born(cls, v: date | None) -> date | None:
        if v is not None and v > clock.today():
            raise PydanticCustomError("datum_in_toekomst", "Een geboortedatum kan niet in de toekomst liggen.")
        if v is not None and v.year < 1900:
            raise PydanticCustomError("datum_te_vroeg", "Een geboortedatum ligt niet voor 1900.")
        return v

    @model_validator(mode="after")
    def _fits_kind(self) -> BetrokkeneIn:
        given = {k for k in PERSON_FIELDS | COMPANY_FIELDS | VEHICLE_FIELDS if getattr(self, k) is not None}
        foreign = sorted(given - SOORT_FIELDS[self.soort])
        if foreign:
            raise PydanticCustomError(
                "veld_past_niet_bij_soort",
                "Deze velden horen niet bij soort '{soort}': {velden}.",
                {"soort": self.soort, "velden": ", ".join(foreign)},
            )
        if self.soort == "persoon" and not (self.geslachtsnaam or self.bsn):
            raise PydanticCustomError(
                "persoon_onvolledig", "Geef van een persoon minstens de geslachtsnaam of het BSN."
            )
        if self.soort == "bedrijf" and not (self.naam or self.kvkNummer):
            raise PydanticCustomError("bedrijf_onvolledig", "Geef van een bedrijf de naam of het KvK-nummer.")
        if self.soort == "voertuig" and not self.kenteken:
            raise PydanticCustomError("voertuig_onvolledig", "Geef van een voertuig het kenteken.")
        return self


class BronIn(InputModel):
    betrouwbaarheid: Literal["A", "B", "C", "D", "E", "F"] = Field(
        "F", description="Betrouwbaarheid van de bron: A (volledig betrouwbaar) t/m F (niet te beoordelen)"
    )
    informatie: Literal["1", "2", "3", "4", "5", "6"] = Field(
        "6", description="Geloofwaardigheid van de informatie: 1 (bevestigd) t/m 6 (niet te beoordelen)"
    )

    @field_validator("betrouwbaarheid", "informatie", mode="before")
    @classmethod
    def _upper(cls, v: Any) -> Any:
        return str(v).strip().upper() if v is not None else v


Vertrouwelijkheid = Literal[
    "openbaar", "beperkt_openbaar", "intern", "zaakvertrouwelijk", "vertrouwelijk",
    "confidentieel", "geheim", "zeer_geheim",
]


class SignaalIn(InputModel):
    """A signal of ondermijning as registered by a professional."""

    fenomeen: str | None = Field(None, description="Fenomeencode uit de catalogus; leeg = nog niet bepaald")
    indicatoren: list[str] = Field(
        default_factory=list, max_length=40, description="Indicatorcodes van de signaalkaart"
    )
    omschrijving: Annotated[str, Field(min_length=1, max_length=MAX_DESCRIPTION)]
    waargenomenOp: date = Field(description="Datum van waarneming (JJJJ-MM-DD), niet in de toekomst")
    locatie: LocatieIn | None = None
    betrokkenen: list[BetrokkeneIn] = Field(default_factory=list, max_length=50)
    bron: BronIn = Field(default_factory=BronIn)  # type: ignore[arg-type]  # all fields have defaults
    vertrouwelijkheid: Vertrouwelijkheid = "zaakvertrouwelijk"
    melderAfgeschermd: bool = Field(False, description="Identiteit van de melder alleen zichtbaar voor het intaketeam")

    @field_validator("fenomeen", mode="before")
    @classmethod
    def _phenomenon(cls, v: Any, info: ValidationInfo) -> Any:
        v = _blank_to_none(v)
        if v is None:
            return None
        if not isinstance(v, str):
            raise PydanticCustomError("string_type", "Moet tekst zijn.")
        known = _catalogue(info).phenomena
        if v not in known:
            raise PydanticCustomError(
                "fenomeen_onbekend",
                "Onbekend fenomeen '{code}'. Kies uit: {codes}.",
                {"code": v, "codes": ", ".join(known)},
            )
        return v

    @field_validator("indicatoren")
    @classmethod
    def _indicators(cls, v: list[str], info: ValidationInfo) -> list[str]:
        catalogue = _catalogue(info)
        codes = [c.strip().upper() for c in v if c and c.strip()]
        # Signal-card codes (HT-01) and, on automatic signals, detection indicator codes (I-EN-01).
        unknown = [c for c in codes if c not in catalogue.indicators and c not in catalogue.rules]
        if unknown:
            raise PydanticCustomError(
                "indicator_onbekend", "Onbekende indicator(en): {codes}.", {"codes": ", ".join(unknown)}
            )
        phenomenon = info.data.get("fenomeen")
        if phenomenon:
            foreign = [c for c in codes if (catalogue.indicators[c][0].code if c in catalogue.indicators
                                            else catalogue.rules[c].fenomeen) != phenomenon]
            if foreign:
                raise PydanticCustomError(
                    "indicator_hoort_niet_bij_fenomeen",
                    "Indicator(en) {codes} horen niet bij fenomeen '{fenomeen}'.",
                    {"codes": ", ".join(foreign), "fenomeen": phenomenon},
                )
        return list(dict.fromkeys(codes))

    @field_validator("waargenomenOp")
    @classmethod
    def _observed(cls, v: date) -> date:
        if v > clock.today():
            raise PydanticCustomError("datum_in_toekomst", "De datum van waarneming kan niet in de toekomst liggen.")
        if v.year < 2000:
            raise PydanticCustomError("datum_te_vroeg", "De datum van waarneming ligt niet voor 2000.")
        return v

    @field_validator("omschrijving")
    @classmethod
    def _text(cls, v: str) -> str:
        if not v.strip():
            raise PydanticCustomError("string_too_short", "Mag niet leeg zijn.")
        return v


DUTCH_REASONS: dict[str, str] = {
    "missing": "Dit veld is verplicht.",
    "extra_forbidden": "Onbekend veld; dit veld bestaat niet.",
    "string_too_long": "Te lang: maximaal {max_length} tekens.",
    "string_too_short": "Mag niet leeg zijn.",
    "too_long": "Te veel elementen: maximaal {max_length}.",
    "too_short": "Te weinig elementen: minimaal {min_length}.",
    "date_parsing": "Ongeldige datum; gebruik JJJJ-MM-DD.",
    "date_from_datetime_parsing": "Ongeldige datum; gebruik JJJJ-MM-DD.",
    "date_from_datetime_inexact": "Geef alleen een datum (JJJJ-MM-DD), zonder tijd.",
    "date_type": "Ongeldige datum; gebruik JJJJ-MM-DD.",
    "int_parsing": "Moet een geheel getal zijn.",
    "int_type": "Moet een geheel getal zijn.",
    "int_from_float": "Moet een geheel getal zijn.",
    "float_parsing": "Moet een getal zijn.",
    "float_type": "Moet een getal zijn.",
    "bool_parsing": "Moet waar of onwaar zijn (true of false).",
    "bool_type": "Moet waar of onwaar zijn (true of false).",
    "string_type": "Moet tekst zijn.",
    "list_type": "Moet een lijst zijn.",
    "model_type": "Moet een object zijn.",
    "dict_type": "Moet een object zijn.",
    "model_attributes_type": "Moet een object zijn.",
    "literal_error": "Ongeldige waarde; kies uit: {expected}.",
    "string_pattern_mismatch": "Ongeldig formaat.",
    "greater_than_equal": "Moet minimaal {ge} zijn.",
    "less_than_equal": "Mag hoogstens {le} zijn.",
    "json_invalid": "Ongeldige JSON.",
}


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(body)"


def to_field_errors(exc: ValidationError) -> list[FieldError]:
    errors: list[FieldError] = []
    for err in exc.errors(include_url=False):
        kind = err["type"]
        ctx = {k: str(v).replace("'", "").replace(" or ", " of ") for k, v in (err.get("ctx") or {}).items()}
        template = DUTCH_REASONS.get(kind)
        reason = template.format(**ctx) if template and "{" in template else template
        if reason is None:
            # Our own PydanticCustomErrors carry a Dutch message already.
            reason = err["msg"] if kind not in {"value_error", "assertion_error"} else "Ongeldige waarde."
        # Pydantic names a union member or validator step in loc; keep field names only.
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        errors.append(FieldError(name=_path(loc), code=kind, reason=reason))
    return errors


def parse_signal(data: Any, catalogue: Catalogue) -> SignaalIn:
    if not isinstance(data, dict):
        raise ValidationFailed([FieldError("(body)", "model_type", "Verwacht een JSON-object.")])
    try:
        return SignaalIn.model_validate(data, context={"catalogue": catalogue})
    except ValidationError as exc:
        raise ValidationFailed(to_field_errors(exc)) from None


def validate_model(model: type[BaseModel], data: Any, **context: Any) -> Any:
    """Validate any input model and raise ValidationFailed with Dutch reasons."""
    if not isinstance(data, dict):
        raise ValidationFailed([FieldError("(body)", "model_type", "Verwacht een JSON-object.")])
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise ValidationFailed(to_field_errors(exc)) from None
