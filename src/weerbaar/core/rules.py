"""Catalogue models for detection: indicator rules (`catalogus/indicatoren/*.yaml`) and the
scoring settings (`catalogus/detectie.yaml`).

An indicator is published knowledge: a Dutch name and explanation, the phenomenon it points
at, the partner sources it needs, its definition in SQL over the analysis tables (see
`catalogus/indicatoren/README.md`), its parameters each with the reason for its value, a
weight, and a sentence template that explains every hit with the data behind it.
"""

from __future__ import annotations

import re
import string
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

RuleCode = Annotated[str, StringConstraints(pattern=r"^I-[A-Z]{2}-\d{2}$")]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]

TARGETS = ("adres", "subject")
# The partner sources an indicator can need (ingest.sources names).
SOURCES = ("adressen", "personen", "bedrijven", "functionarissen", "energie", "transacties", "huurcontracten")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Parameter(_Strict):
    waarde: float
    eenheid: str = ""
    reden: Text


class IndicatorRule(_Strict):
    code: RuleCode
    naam: Text
    versie: int = Field(ge=1)
    fenomeen: Name
    onderwerp: Literal["adres", "subject"]
    toelichting: Text
    bronnen: list[Literal[SOURCES]] = Field(min_length=1)  # type: ignore[valid-type]
    gewicht: float = Field(gt=0, le=10)
    parameters: dict[Name, Parameter] = Field(default_factory=dict)
    definitie: Text
    uitleg: Text
    bewijs: dict[Name, Text] = Field(default_factory=dict)  # evidence column -> Dutch label

    @field_validator("definitie")
    @classmethod
    def _select_only(cls, v: str) -> str:
        if not re.match(r"^\s*(with|select)\b", v, re.IGNORECASE):
            raise ValueError("de definitie moet een SELECT-query zijn")
        if ";" in v.strip().rstrip(";"):
            raise ValueError("de definitie mag maar één query bevatten")
        return v.strip().rstrip(";")

    def template_fields(self) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(self.uitleg) if name}

    def sql_parameters(self) -> set[str]:
        return set(re.findall(r"\$([a-z][a-z0-9_]*)", self.definitie))


class Grading(_Strict):
    betrouwbaarheid: dict[str, float]
    informatie: dict[str, float]


class DetectionSettings(_Strict):
    versie: int = Field(ge=1)
    halfwaardetijd_dagen: int = Field(ge=1)  # time decay of indicators and signals
    signaal_gewicht: float = Field(gt=0)  # weight of one reported signal, before grading and decay
    signaal_horizon_dagen: int = Field(ge=1)  # older reported signals no longer count
    brongradering: Grading
    automatisch_signaal_drempel: float = Field(gt=0)  # indicator score that raises a signal
    automatisch_signaal: dict[str, str]  # betrouwbaarheid, informatie, vertrouwelijkheid
    kasintensieve_sbi: dict[str, Text]  # SBI code -> Dutch description
    zorg_sbi: dict[str, Text]
    uitzend_sbi: dict[str, Text]


# The analysis tables an indicator's SQL may read (built per run by `detect.frames`), with
# DuckDB types and a Dutch description. `$peildatum` is the date of the analysis.
TABLES: dict[str, list[tuple[str, str, str]]] = {
    "adressen": [
        ("adres_id", "VARCHAR", "BAG-adresseerbaar-object-id"), ("straat", "VARCHAR", "straatnaam"),
        ("postcode", "VARCHAR", "postcode"), ("huisnummer", "INTEGER", "huisnummer"),
        ("huisletter", "VARCHAR", "huisletter"), ("toevoeging", "VARCHAR", "huisnummertoevoeging"),
        ("buurtcode", "VARCHAR", "CBS-buurtcode"), ("wijkcode", "VARCHAR", "CBS-wijkcode"),
        ("gebruiksdoel", "VARCHAR", "gebruiksdoelen, gescheiden door |"),
        ("woonfunctie", "BOOLEAN", "het gebruiksdoel omvat woonfunctie"),
        ("oppervlakte_m2", "INTEGER", "gebruiksoppervlakte"), ("bouwjaar", "INTEGER", "bouwjaar"),
        ("vakantiepark", "VARCHAR", "naam van het vakantiepark, leeg buiten een park"),
    ],
    "inschrijvingen": [
        ("persoon", "VARCHAR", "subject-id van de persoon (P-…)"),
        ("adres_id", "VARCHAR", "adres van inschrijving"),
        ("geboortedatum", "DATE", "geboortedatum"), ("datum_inschrijving", "DATE", "begin van de inschrijving"),
        ("datum_uitschrijving", "DATE", "einde van de inschrijving, leeg als die loopt"),
    ],
    "energie": [
        ("adres_id", "VARCHAR", "adres van de aansluiting"), ("ean", "VARCHAR", "EAN-code"),
        ("periode", "DATE", "eerste dag van de maand"), ("kwh", "DOUBLE", "elektriciteit in kWh"),
        ("gas_m3", "DOUBLE", "gas in m³, leeg zonder gasaansluiting"),
    ],
    "bedrijven": [
        ("bedrijf", "VARCHAR", "subject-id van het bedrijf (B-…)"),
        ("kvk_nummer", "VARCHAR", "KvK-nummer"),
        ("handelsnaam", "VARCHAR", "handelsnaam"), ("sbi_code", "VARCHAR", "SBI-code van de hoofdactiviteit"),
        ("adres_id", "VARCHAR", "vestigingsadres"),
        ("datum_inschrijving", "DATE", "inschrijving in het handelsregister"),
        ("datum_uitschrijving", "DATE", "uitschrijving, leeg als het bedrijf bestaat"),
    ],
    "functionarissen": [
        ("persoon", "VARCHAR", "subject-id van de functionaris"), ("bedrijf", "VARCHAR", "subject-id van het bedrijf"),
        ("kvk_nummer", "VARCHAR", "KvK-nummer"), ("functie", "VARCHAR", "functie"),
        ("datum_aanvang", "DATE", "begin van de functie"), ("datum_einde", "DATE", "einde, leeg als die loopt"),
    ],
    "transacties": [
        ("transactie_id", "VARCHAR", "kenmerk van de transactie"), ("adres_id", "VARCHAR", "verkocht adres"),
        ("datum", "DATE", "datum van levering"), ("koopsom", "DOUBLE", "koopsom in euro"),
        ("hypotheek", "VARCHAR", "ja, nee of leeg (onbekend)"), ("koper", "VARCHAR", "subject-id van de koper"),
        ("koper_soort", "VARCHAR", "persoon of bedrijf"), ("koper_geboortedatum", "DATE", "geboortedatum van de koper"),
    ],
    "huurcontracten": [
        ("contract_id", "VARCHAR", "kenmerk van het contract"), ("adres_id", "VARCHAR", "gehuurd adres"),
        ("huurder", "VARCHAR", "subject-id van de huurder"), ("datum_ingang", "DATE", "ingang"),
        ("datum_einde", "DATE", "einde, leeg als het contract loopt"),
    ],
    "kasintensief": [("sbi_code", "VARCHAR", "SBI-code van een kasintensieve activiteit (detectie.yaml)")],
    "zorg": [("sbi_code", "VARCHAR", "SBI-code van zorg en welzijn (detectie.yaml)")],
    "uitzend": [("sbi_code", "VARCHAR", "SBI-code van arbeidsbemiddeling en uitzendwerk (detectie.yaml)")],
}
# Columns every definition returns: the target and the date the evidence is from; `sterkte`
# (how strongly it fires, 1 = just over the threshold) is optional.
REQUIRED_COLUMNS = ("doel", "datum")
GLOBAL_PARAMETERS = ("peildatum",)


def create_tables(con) -> None:  # type: ignore[no-untyped-def]
    """Create the analysis tables, empty, on a DuckDB connection."""
    for name, columns in TABLES.items():
        cols = ", ".join(f"{column} {kind}" for column, kind, _ in columns)
        con.execute(f"CREATE OR REPLACE TABLE {name} ({cols})").fetchall()


def compile_problems(rules: list[IndicatorRule]) -> list[str]:
    """Compile every definition against the empty analysis tables: Dutch problems, or none."""
    import duckdb

    problems: list[str] = []
    con = duckdb.connect()
    try:
        create_tables(con)
        for rule in rules:
            where = f"indicatoren/{rule.code}.yaml"
            unknown = rule.sql_parameters() - set(rule.parameters) - set(GLOBAL_PARAMETERS)
            if unknown:
                names = ", ".join(sorted(unknown))
                problems.append(f"{where}: de definitie gebruikt onbekende parameter(s): {names}")
                continue
            values: dict[str, object] = {
                name: p.waarde for name, p in rule.parameters.items() if name in rule.sql_parameters()}
            if "peildatum" in rule.sql_parameters():
                values["peildatum"] = "2000-01-01"
            try:
                columns = [d[0] for d in con.execute(f"SELECT * FROM ({rule.definitie}) LIMIT 0", values).description]
            except duckdb.Error as exc:
                problems.append(f"{where}: de definitie is geen geldige query: {str(exc).splitlines()[0]}")
                continue
            missing = [c for c in REQUIRED_COLUMNS if c not in columns]
            if missing:
                problems.append(f"{where}: de definitie levert geen kolom(men) {', '.join(missing)}")
            absent = rule.template_fields() - set(columns) - set(rule.parameters)
            if absent:
                names = ", ".join(sorted(absent))
                problems.append(f"{where}: de uitleg noemt {names}, maar de definitie levert die niet")
            unlabeled = set(rule.bewijs) - set(columns)
            if unlabeled:
                problems.append(f"{where}: bewijs noemt onbekende kolom(men) {', '.join(sorted(unlabeled))}")
    finally:
        con.close()
    return problems
