"""The catalogue: domain knowledge as versioned YAML under `weerbaar/catalogus/`.

Loaded once, validated against the models below at start-up (and in a test). A broken
catalogue stops the application with a Dutch message naming every problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from weerbaar.core.rules import DetectionSettings, IndicatorRule, compile_problems

Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
IndicatorCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}-\d{2}$")]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Indicator(_Strict):
    code: IndicatorCode
    tekst: Text
    waarnemers: list[Text] = Field(min_length=1)


class Phenomenon(_Strict):
    code: Code
    naam: Text
    versie: int = Field(ge=1)
    toelichting: Text
    partnertypen: list[Code] = Field(min_length=1)
    trefwoorden: list[Text] = Field(default_factory=list)
    bronnen: list[Text] = Field(default_factory=list)
    signaalkaart: list[Indicator] = Field(min_length=8)


class OrganisationType(_Strict):
    code: Code
    naam: Text
    toelichting: Text


class Level(_Strict):
    code: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_]+$")]
    naam: Text
    toelichting: Text = ""


class Role(_Strict):
    code: Code
    naam: Text
    toelichting: Text
    rechten: list[Text]
    # Organisation types whose users may hold this role (empty: any).
    organisatietypen: list[Code] = Field(default_factory=list)


Weight = Annotated[float, Field(gt=0, le=10)]


class SuggestionTerms(_Strict):
    """fenomeensuggestie.yaml: extra weighted words per phenomenon, and everyday words that
    mean "not ondermijning", for suggesting a phenomenon from a signal's text."""

    versie: int = Field(ge=1)
    drempel: float = Field(gt=0)
    fenomenen: dict[Code, dict[Text, Weight]]
    geen_ondermijning: dict[Text, Weight] = Field(min_length=1)


class OrganisationTypes(_Strict):
    versie: int
    organisatietypen: list[OrganisationType]


class ConfidentialityLevel(Level):
    # Does a signal of this level count in the anonymised area figures (map, report)?
    in_beeld: bool


class Confidentiality(_Strict):
    versie: int
    niveaus: list[ConfidentialityLevel]


class SourceGrading(_Strict):
    versie: int
    betrouwbaarheid: list[Level]
    informatie: list[Level]


class Roles(_Strict):
    versie: int
    rollen: list[Role]


LEGAL_BASIS_KINDS = ("wet", "convenant", "protocol", "reglement")
INSTRUMENT_KINDS = ("bestuurlijk", "strafrechtelijk", "fiscaal", "privaatrechtelijk", "preventief")


class LegalBasis(_Strict):
    """grondslagen.yaml: a basis on which partners process and share data."""

    code: Code
    naam: Text
    soort: Text
    vindplaats: Text
    bron: Annotated[str, StringConstraints(pattern=r"^https://\S+$")]
    toelichting: Text
    doelen: list[Code] = Field(min_length=1)
    partnertypen: list[Code] = Field(default_factory=list)  # empty: every partner
    bijzondere_gegevens: bool


class InstrumentStep(_Strict):
    code: Code
    naam: Text
    termijn_dagen: int | None = Field(default=None, ge=1)


class Instrument(_Strict):
    """instrumenten.yaml: what partners can deploy against a case, step by step."""

    code: Code
    naam: Text
    soort: Text
    grondslag: Code
    eigenaars: list[Code] = Field(min_length=1)
    fenomenen: list[Code] = Field(default_factory=list)  # empty: every phenomenon
    toelichting: Text
    stappen: list[InstrumentStep] = Field(min_length=1)


REQUIREMENTS = ("reden", "intaketoets", "weging")


class FlowStatus(_Strict):
    code: Code
    naam: Text
    toelichting: Text
    eind: bool = False


class Transition(_Strict):
    """signaalverloop.yaml: one allowed change of a signal's status."""

    code: Code
    naam: Text
    van: list[Code] = Field(min_length=1)
    naar: Code | None = None
    naar_per_uitkomst: dict[Code, Code] = Field(default_factory=dict)  # weighing outcome -> status
    recht: Text
    vereist: list[Text] = Field(min_length=1)
    intaketoets_uitslag: Annotated[str, StringConstraints(pattern=r"^(ja|nee)$")] | None = None

    def target(self, outcome: str | None) -> str | None:
        return self.naar if self.naar is not None else self.naar_per_uitkomst.get(outcome or "")


class Scale(_Strict):
    naam: Text
    niveaus: dict[int, Text] = Field(min_length=2)


class Weighing(_Strict):
    schalen: dict[Code, Scale] = Field(min_length=1)
    uitkomsten: dict[Code, Text] = Field(min_length=1)


class SignalFlow(_Strict):
    versie: int = Field(ge=1)
    statussen: list[FlowStatus] = Field(min_length=2)
    overgangen: list[Transition] = Field(min_length=1)
    weging: Weighing

    @cached_property
    def statuses(self) -> dict[str, FlowStatus]:
        return {s.code: s for s in self.statussen}

    @cached_property
    def transitions(self) -> dict[str, Transition]:
        return {t.code: t for t in self.overgangen}


CASE_REQUIREMENTS = ("reden", "besluit", "resultaat", "nazorgdatum")
# Statuses the code itself sets: a new case starts here; closing makes it read-only.
CASE_FIXED_STATUSES = ("informatiepositie", "afgesloten")


class CaseTransition(_Strict):
    """casusverloop.yaml: one allowed change of a case's status."""

    code: Code
    naam: Text
    van: list[Code] = Field(min_length=1)
    naar: Code
    recht: Text
    vereist: list[Text] = Field(default_factory=list)


class CaseFlow(_Strict):
    """casusverloop.yaml: statuses, transitions, results, action statuses, share fields, threats."""

    versie: int = Field(ge=1)
    statussen: list[FlowStatus] = Field(min_length=2)
    overgangen: list[CaseTransition] = Field(min_length=1)
    resultaten: dict[Code, Text] = Field(min_length=1)
    actiestatussen: dict[Code, Text] = Field(min_length=2)
    deelvelden: dict[Code, Text] = Field(min_length=1)
    dreigingssoorten: dict[Code, Text] = Field(min_length=1)
    doelwitten: dict[Code, Text] = Field(min_length=1)

    @cached_property
    def statuses(self) -> dict[str, FlowStatus]:
        return {s.code: s for s in self.statussen}

    @cached_property
    def transitions(self) -> dict[str, CaseTransition]:
        return {t.code: t for t in self.overgangen}


# Barrier models (barrieremodellen/<code>.yaml): a criminal business process step by step.
SignalRef = Annotated[str, StringConstraints(pattern=r"^(I-)?[A-Z]{2}-\d{2}$")]


class Barrier(_Strict):
    code: Code
    omschrijving: Text
    eigenaar: Code  # organisation type that owns the barrier
    instrumenten: list[Code] = Field(default_factory=list)  # instrumenten.yaml


class BarrierStep(_Strict):
    code: Code
    naam: Text
    omschrijving: Text
    gelegenheden: list[Text] = Field(default_factory=list)
    facilitatoren: list[Text] = Field(default_factory=list)
    signalen: list[SignalRef] = Field(default_factory=list)  # signal-card or detection indicator codes
    partners: list[Code] = Field(default_factory=list)
    barrieres: list[Barrier] = Field(default_factory=list)


class BarrierModel(_Strict):
    code: Code
    naam: Text
    versie: int = Field(ge=1)
    fenomenen: list[Code] = Field(min_length=1)
    bron: Text
    stappen: list[BarrierStep] = Field(min_length=1)


class Observers(_Strict):
    """waarnemers.yaml: the organisation types behind the observers named on the signal cards."""

    versie: int = Field(ge=1)
    waarnemers: dict[Text, list[Code]] = Field(min_length=1)


def barrier_model_problems(model: BarrierModel, where: str, phenomena: set[str], indicators: set[str],
                           instruments: set[str], org_types: set[str]) -> list[str]:
    """Every reference of a barrier model checked against the rest of the catalogue, in Dutch, with
    the path of the field (also used for a municipality's local version)."""
    problems: list[str] = []
    for i, code in enumerate(model.fenomenen):
        if code not in phenomena:
            problems.append(f"{where}: veld 'fenomenen.{i}': onbekend fenomeen '{code}'")
    steps = [s.code for s in model.stappen]
    for code in sorted({c for c in steps if steps.count(c) > 1}):
        problems.append(f"{where}: veld 'stappen': stapcode '{code}' komt meer dan eens voor")
    for s_i, step in enumerate(model.stappen):
        at = f"{where}: veld 'stappen.{s_i}"
        for i, ref in enumerate(step.signalen):
            if ref not in indicators:
                problems.append(f"{at}.signalen.{i}' (stap '{step.code}'): onbekende indicator '{ref}'")
        for i, t in enumerate(step.partners):
            if t not in org_types:
                problems.append(f"{at}.partners.{i}' (stap '{step.code}'): onbekend organisatietype '{t}'")
        codes = [b.code for b in step.barrieres]
        for code in sorted({c for c in codes if codes.count(c) > 1}):
            problems.append(f"{at}.barrieres' (stap '{step.code}'): barrièrecode '{code}' komt meer dan eens voor")
        for b_i, b in enumerate(step.barrieres):
            b_at = f"{at}.barrieres.{b_i}"
            if b.eigenaar not in org_types:
                problems.append(f"{b_at}.eigenaar' (barrière '{b.code}'): onbekend organisatietype '{b.eigenaar}'")
            for i, ins in enumerate(b.instrumenten):
                if ins not in instruments:
                    problems.append(f"{b_at}.instrumenten.{i}' (barrière '{b.code}'): onbekend instrument '{ins}'")
    return problems


class CatalogueError(Exception):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            "De catalogus is ongeldig:\n" + "\n".join(f"- {p}" for p in problems)
        )


class Catalogue:
    """Validated, read-only view of the catalogue folder."""

    def __init__(
        self,
        phenomena: list[Phenomenon],
        organisation_types: OrganisationTypes,
        confidentiality: Confidentiality,
        grading: SourceGrading,
        roles: Roles,
    ) -> None:
        self.phenomena = {p.code: p for p in sorted(phenomena, key=lambda p: p.naam)}
        self.organisation_types = {t.code: t for t in organisation_types.organisatietypen}
        self.confidentiality_levels = [level.code for level in confidentiality.niveaus]
        self.confidentiality = {level.code: level for level in confidentiality.niveaus}
        self.reliability = {level.code: level for level in grading.betrouwbaarheid}
        self.credibility = {level.code: level for level in grading.informatie}
        self.roles = {r.code: r for r in roles.rollen}
        self.rules: dict[str, IndicatorRule] = {}
        self.detection: DetectionSettings | None = None
        self.suggestion: SuggestionTerms | None = None  # fenomeensuggestie.yaml
        self.legal_bases: dict[str, LegalBasis] = {}  # grondslagen.yaml
        self.instruments: dict[str, Instrument] = {}  # instrumenten.yaml
        self.signal_flow: SignalFlow | None = None  # signaalverloop.yaml
        self.case_flow: CaseFlow | None = None  # casusverloop.yaml
        self.resilience_scan: ResilienceScan | None = None  # weerbaarheidsscan.yaml
        self.session_method: SessionMethod | None = None  # beraad.yaml
        self.barrier_models: dict[str, BarrierModel] = {}  # barrieremodellen/<code>.yaml
        self.observers: dict[str, list[str]] = {}  # waarnemers.yaml: observer -> organisation types
        self.version = ""  # hash of every catalogue file: which knowledge a run used

    @cached_property
    def indicators(self) -> dict[str, tuple[Phenomenon, Indicator]]:
        return {i.code: (p, i) for p in self.phenomena.values() for i in p.signaalkaart}

    def confidentiality_rank(self, code: str) -> int:
        return self.confidentiality_levels.index(code)

    @cached_property
    def picture_levels(self) -> tuple[str, ...]:
        """Confidentiality levels whose signals count in the area figures (`in_beeld`)."""
        return tuple(code for code, level in self.confidentiality.items() if level.in_beeld)


def _read(path: Path, problems: list[str]) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        problems.append(f"{path.name}: kan niet worden gelezen ({exc})")
        return None


def _parse(model: type[BaseModel], data: object, where: str, problems: list[str]):  # type: ignore[no-untyped-def]
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]) or "(bestand)"
            problems.append(f"{where}: veld '{loc}': {_dutch(err)}")
        return None


def _dutch(err: Any) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    return {
        "missing": "ontbreekt",
        "extra_forbidden": "onbekend veld",
        "string_pattern_mismatch": f"voldoet niet aan het patroon {ctx.get('pattern', '')}",
        "too_short": f"moet minstens {ctx.get('min_length', '')} elementen hebben",
        "string_too_short": "mag niet leeg zijn",
        "int_parsing": "moet een geheel getal zijn",
        "string_type": "moet tekst zijn",
        "list_type": "moet een lijst zijn",
        "int_type": "moet een geheel getal zijn",
        "model_type": "moet een object (sleutel: waarde) zijn",
        "model_attributes_type": "moet een object (sleutel: waarde) zijn",
        "dict_type": "moet een object (sleutel: waarde) zijn",
        "greater_than_equal": f"moet minstens {ctx.get('ge', '')} zijn",
        "greater_than": f"moet groter zijn dan {ctx.get('gt', '')}",
        "less_than_equal": f"mag hoogstens {ctx.get('le', '')} zijn",
        "float_parsing": "moet een getal zijn",
        "float_type": "moet een getal zijn",
        "string_too_long": f"mag hoogstens {ctx.get('max_length', '')} tekens hebben",
        "too_long": f"mag hoogstens {ctx.get('max_length', '')} elementen hebben",
        "value_error": str(ctx.get("error", err["msg"])),  # our validators' own Dutch message
    }.get(kind, err["msg"])


def load_catalogue(folder: Path) -> Catalogue:
    problems: list[str] = []
    phenomena: list[Phenomenon] = []
    for path in sorted((folder / "fenomenen").glob("*.yaml")):
        p = _parse(Phenomenon, _read(path, problems), f"fenomenen/{path.name}", problems)
        if p is not None:
            if p.code != path.stem:
                problems.append(f"fenomenen/{path.name}: code '{p.code}' wijkt af van de bestandsnaam")
            phenomena.append(p)
    def part(model: type[BaseModel], name: str):  # type: ignore[no-untyped-def]
        return _parse(model, _read(folder / name, problems), name, problems)

    org_types = part(OrganisationTypes, "organisatietypen.yaml")
    conf = part(Confidentiality, "vertrouwelijkheid.yaml")
    grading = part(SourceGrading, "brongradering.yaml")
    roles = part(Roles, "rollen.yaml")
    if not phenomena:
        problems.append("fenomenen/: geen fenomenen gevonden")
    # Cross-check whatever did parse, so that one broken file does not hide the other problems.
    problems.extend(_cross_check(phenomena, org_types, conf, grading, roles))
    # Against the phenomenon files, so that one broken phenomenon file is named only once.
    phenomenon_files = {f.stem for f in (folder / "fenomenen").glob("*.yaml")}
    rules, detection = _detection_part(folder, phenomenon_files, problems)
    suggestion = _suggestion_part(folder, phenomenon_files, problems)
    bases, instruments = _intervention_part(
        folder, phenomenon_files, {t.code for t in org_types.organisatietypen} if org_types else None, problems)
    flow = _flow_part(folder, problems)
    case_flow = _case_flow_part(folder, problems)
    resilience_scan = _resilience_scan_part(folder, problems)
    session_method = _session_method_part(folder, problems)
    # Detection indicators by file name as well, so that one broken indicator file is named only once.
    indicator_codes = ({i.code for p in phenomena for i in p.signaalkaart} | {r.code for r in rules}
                       | {f.stem for f in (folder / "indicatoren").glob("*.yaml")})
    barrier_models, observers = _barrier_part(
        folder, phenomenon_files, indicator_codes,
        {i.code for i in instruments} if instruments is not None else None,
        {t.code for t in org_types.organisatietypen} if org_types else None, problems)
    if problems:
        raise CatalogueError(problems)
    catalogue = Catalogue(phenomena, org_types, conf, grading, roles)
    catalogue.rules = {r.code: r for r in sorted(rules, key=lambda r: r.code)}
    catalogue.detection = detection
    catalogue.suggestion = suggestion
    catalogue.signal_flow = flow
    catalogue.case_flow = case_flow
    catalogue.resilience_scan = resilience_scan
    catalogue.session_method = session_method
    catalogue.legal_bases = {b.code: b for b in bases or []}
    catalogue.instruments = {i.code: i for i in instruments or []}
    catalogue.barrier_models = {m.code: m for m in sorted(barrier_models, key=lambda m: m.naam)}
    catalogue.observers = dict(observers.waarnemers) if observers else {}
    catalogue.version = _version(folder)
    return catalogue


def parse_barrier_model(data: object, where: str, catalogue: Catalogue) -> tuple[BarrierModel | None, list[str]]:
    """A barrier model from data (a municipality's local version), checked like the catalogue's
    own: every problem in Dutch, with the path of the field."""
    problems: list[str] = []
    model: BarrierModel | None = _parse(BarrierModel, data, where, problems)
    if model is not None:
        problems.extend(barrier_model_problems(
            model, where, set(catalogue.phenomena), set(catalogue.indicators) | set(catalogue.rules),
            set(catalogue.instruments), set(catalogue.organisation_types)))
    return (model if not problems else None), problems


def _barrier_part(folder: Path, phenomena: set[str], indicators: set[str], instruments: set[str] | None,
                  org_types: set[str] | None, problems: list[str]) -> tuple[list[BarrierModel], Observers | None]:
    """barrieremodellen/<code>.yaml (one file per model) and waarnemers.yaml, every reference checked."""
    models: list[BarrierModel] = []
    for path in sorted((folder / "barrieremodellen").glob("*.yaml")):
        where = f"barrieremodellen/{path.name}"
        model = _parse(BarrierModel, _read(path, problems), where, problems)
        if model is None:
            continue
        if model.code != path.stem:
            problems.append(f"{where}: code '{model.code}' wijkt af van de bestandsnaam")
        if instruments is not None and org_types is not None:
            problems.extend(barrier_model_problems(model, where, phenomena, indicators, instruments, org_types))
        models.append(model)
    name = "waarnemers.yaml"
    observers: Observers | None = _parse(Observers, _read(folder / name, problems), name, problems)
    known = org_types or set()
    for observer, types in observers.waarnemers.items() if observers and org_types is not None else []:
        for t in types:
            if t not in known:
                problems.append(f"{name}: waarnemer '{observer}' noemt onbekend organisatietype '{t}'")
    return models, observers


def _detection_part(
    folder: Path, phenomena: set[str], problems: list[str]
) -> tuple[list[IndicatorRule], DetectionSettings | None]:
    """The indicator rules and scoring settings; every rule's SQL is compiled once here."""
    rules: list[IndicatorRule] = []
    for path in sorted((folder / "indicatoren").glob("*.yaml")):
        rule = _parse(IndicatorRule, _read(path, problems), f"indicatoren/{path.name}", problems)
        if rule is None:
            continue
        if rule.code != path.stem:
            problems.append(f"indicatoren/{path.name}: code '{rule.code}' wijkt af van de bestandsnaam")
        if phenomena and rule.fenomeen not in phenomena:
            problems.append(f"indicatoren/{path.name}: onbekend fenomeen '{rule.fenomeen}'")
        rules.append(rule)
    problems.extend(compile_problems(rules))
    detection = _parse(DetectionSettings, _read(folder / "detectie.yaml", problems), "detectie.yaml", problems)
    return rules, detection


def _suggestion_part(folder: Path, phenomena: set[str], problems: list[str]) -> SuggestionTerms | None:
    name = "fenomeensuggestie.yaml"
    terms: SuggestionTerms | None = _parse(SuggestionTerms, _read(folder / name, problems), name, problems)
    for code in terms.fenomenen if terms and phenomena else []:
        if code not in phenomena:
            problems.append(f"{name}: onbekend fenomeen '{code}'")
    return terms


def _items(model: type[BaseModel], name: str, key: str, folder: Path, problems: list[str]) -> list[Any] | None:
    """The entries of a catalogue list file (`versie` and a list under `key`), each validated on
    its own: a broken entry is named and left out, so that the checks across files still run for
    the others. None when the file as a whole is unusable."""
    before = len(problems)
    raw = _read(folder / name, problems)
    if len(problems) > before:
        return None  # unreadable: _read named it
    if not isinstance(raw, dict) or not isinstance(raw.get(key), list):
        problems.append(f"{name}: moet een object zijn met 'versie' en een lijst '{key}'")
        return None
    for field_name in sorted(set(raw) - {"versie", key}):
        problems.append(f"{name}: veld '{field_name}': onbekend veld")
    version = raw.get("versie")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.append(f"{name}: veld 'versie': moet een geheel getal van minstens 1 zijn")
    if not raw[key]:
        problems.append(f"{name}: veld '{key}': moet minstens 1 elementen hebben")
    out = []
    for index, entry in enumerate(raw[key]):
        item = _parse(model, entry, f"{name}: {key}.{index}", problems)
        if item is not None:
            out.append(item)
    return out


def _intervention_part(
    folder: Path, phenomena: set[str], org_types: set[str] | None, problems: list[str]
) -> tuple[list[LegalBasis] | None, list[Instrument] | None]:
    """grondslagen.yaml and instrumenten.yaml, and every reference between them and the rest."""
    bases: list[LegalBasis] | None = _items(LegalBasis, "grondslagen.yaml", "grondslagen", folder, problems)
    instruments: list[Instrument] | None = _items(Instrument, "instrumenten.yaml", "instrumenten", folder, problems)

    def unknown_types(where: str, codes: list[str]) -> None:
        for code in codes:
            if org_types is not None and code not in org_types:
                problems.append(f"{where} noemt onbekend organisatietype '{code}'")

    def doubles(where: str, codes: list[str], what: str) -> None:
        for code in sorted({c for c in codes if codes.count(c) > 1}):
            problems.append(f"{where}: {what} '{code}' komt meer dan eens voor")

    for b in bases or []:
        where = f"grondslagen.yaml: grondslag '{b.code}'"
        if b.soort not in LEGAL_BASIS_KINDS:
            problems.append(f"{where} heeft soort '{b.soort}'; kies uit {', '.join(LEGAL_BASIS_KINDS)}")
        unknown_types(where, b.partnertypen)
    doubles("grondslagen.yaml", [b.code for b in bases or []], "code")
    known_bases = {b.code for b in bases} if bases is not None else None
    for i in instruments or []:
        where = f"instrumenten.yaml: instrument '{i.code}'"
        if i.soort not in INSTRUMENT_KINDS:
            problems.append(f"{where} heeft soort '{i.soort}'; kies uit {', '.join(INSTRUMENT_KINDS)}")
        if known_bases is not None and i.grondslag not in known_bases:
            problems.append(f"{where} noemt onbekende grondslag '{i.grondslag}'")
        unknown_types(where, i.eigenaars)
        for code in i.fenomenen:
            if phenomena and code not in phenomena:
                problems.append(f"{where} noemt onbekend fenomeen '{code}'")
        doubles(where, [step.code for step in i.stappen], "stap")
    doubles("instrumenten.yaml", [i.code for i in instruments or []], "code")
    return bases, instruments


# Statuses the code itself sets: registration starts at "nieuw"; the analysis closes an automatic
# signal whose evidence is gone ("afgesloten") and reopens it ("nieuw").
FLOW_FIXED_STATUSES = ("nieuw", "afgesloten")


def _check_flow(name: str, statuses: list[FlowStatus], transitions: list[Any], fixed: tuple[str, ...],
                requirements: tuple[str, ...], problems: list[str]) -> Iterator[tuple[str, Any]]:
    """What a signal's and a case's flow share: statuses once each, the fixed ones present, each
    transition once, naming known statuses (`van`, `naar`, and for a signal per outcome), known
    requirements and a known right. Yields (where, transition) for each flow's own checks."""
    from weerbaar.access.rights import RIGHTS  # rights are code; the flows name them

    codes = [s.code for s in statuses]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        problems.append(f"{name}: status '{code}' komt meer dan eens voor")
    for code in fixed:
        if code not in codes:
            problems.append(f"{name}: de status '{code}' ontbreekt; Weerbaar zet die zelf")
    seen: set[str] = set()
    for t in transitions:
        where = f"{name}: overgang '{t.code}'"
        if t.code in seen:
            problems.append(f"{where} komt meer dan eens voor")
        seen.add(t.code)
        for status in [*t.van, *([t.naar] if t.naar else []), *getattr(t, "naar_per_uitkomst", {}).values()]:
            if status not in codes:
                problems.append(f"{where} noemt onbekende status '{status}'")
        for need in t.vereist:
            if need not in requirements:
                problems.append(f"{where} vereist onbekend '{need}'; kies uit {', '.join(requirements)}")
        if t.recht not in RIGHTS:
            problems.append(f"{where} noemt onbekend recht '{t.recht}'")
        yield where, t


def _flow_part(folder: Path, problems: list[str]) -> SignalFlow | None:
    """signaalverloop.yaml: statuses and the transitions between them, every reference checked."""
    name = "signaalverloop.yaml"
    flow: SignalFlow | None = _parse(SignalFlow, _read(folder / name, problems), name, problems)
    if flow is None:
        return None
    outcomes = set(flow.weging.uitkomsten)
    for where, t in _check_flow(name, flow.statussen, flow.overgangen, FLOW_FIXED_STATUSES, REQUIREMENTS, problems):
        if (t.naar is None) == (not t.naar_per_uitkomst):
            problems.append(f"{where} moet precies een van 'naar' en 'naar_per_uitkomst' hebben")
        if t.naar_per_uitkomst and set(t.naar_per_uitkomst) != outcomes:
            problems.append(f"{where}: 'naar_per_uitkomst' moet elke uitkomst van de weging noemen: "
                            + ", ".join(sorted(outcomes)))
        if bool(t.naar_per_uitkomst) != ("weging" in t.vereist):
            problems.append(f"{where}: een overgang per uitkomst vereist de weging, en omgekeerd")
        if (t.intaketoets_uitslag is not None) != ("intaketoets" in t.vereist):
            problems.append(f"{where}: een overgang met intaketoets noemt de uitslag (ja of nee), en omgekeerd")
    for key, scale in flow.weging.schalen.items():
        if sorted(scale.niveaus) != list(range(1, len(scale.niveaus) + 1)):
            problems.append(f"{name}: schaal '{key}' moet niveaus 1, 2, ... zonder gaten hebben")
    return flow


def _case_flow_part(folder: Path, problems: list[str]) -> CaseFlow | None:
    """casusverloop.yaml: statuses and transitions of a case, every reference checked."""
    name = "casusverloop.yaml"
    flow: CaseFlow | None = _parse(CaseFlow, _read(folder / name, problems), name, problems)
    if flow is None:
        return None
    for where, t in _check_flow(name, flow.statussen, flow.overgangen, CASE_FIXED_STATUSES, CASE_REQUIREMENTS,
                                problems):
        if t.naar == "afgesloten" and not {"resultaat", "nazorgdatum"} <= set(t.vereist):
            problems.append(f"{where}: afsluiten vereist een resultaat en een nazorgdatum (effectmeting)")
    if "open" not in flow.actiestatussen:
        problems.append(f"{name}: de actiestatus 'open' ontbreekt; een nieuwe actie krijgt die")
    return flow


def _version(folder: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.yaml")):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _cross_check(
    phenomena: list[Phenomenon],
    org_types: OrganisationTypes | None,
    conf: Confidentiality | None,
    grading: SourceGrading | None,
    roles: Roles | None,
) -> list[str]:
    """Checks across files; a part that did not parse (None) skips the checks that need it."""
    from weerbaar.access.rights import RIGHTS  # rights are code; roles refer to them by name

    problems: list[str] = []
    known_types = {t.code for t in org_types.organisatietypen} if org_types else None
    seen: dict[str, str] = {}
    for p in phenomena:
        for t in p.partnertypen:
            if known_types is not None and t not in known_types:
                problems.append(f"fenomenen/{p.code}.yaml: onbekend partnertype '{t}'")
        for ind in p.signaalkaart:
            if ind.code in seen:
                where = f"twee keer in {p.code}" if seen[ind.code] == p.code else f"in {seen[ind.code]} en {p.code}"
                problems.append(f"indicatorcode {ind.code} komt voor {where}")
            seen[ind.code] = p.code
    for r in roles.rollen if roles else []:
        for right in r.rechten:
            if right not in RIGHTS:
                problems.append(f"rollen.yaml: rol '{r.code}' noemt onbekend recht '{right}'")
        for t in r.organisatietypen:
            if known_types is not None and t not in known_types:
                problems.append(f"rollen.yaml: rol '{r.code}' noemt onbekend organisatietype '{t}'")
    expected = ["openbaar", "beperkt_openbaar", "intern", "zaakvertrouwelijk", "vertrouwelijk",
                "confidentieel", "geheim", "zeer_geheim"]
    if conf is not None and [level.code for level in conf.niveaus] != expected:
        problems.append("vertrouwelijkheid.yaml: de niveaus moeten de ZGW-ladder volgen: " + ", ".join(expected))
    if conf is not None and [lv.in_beeld for lv in conf.niveaus] != sorted((lv.in_beeld for lv in conf.niveaus),
                                                                            reverse=True):
        problems.append("vertrouwelijkheid.yaml: in_beeld moet eerst 'true' en dan 'false' zijn (een hoger "
                        "niveau telt nooit mee als een lager niveau niet meetelt)")
    if grading is not None and not re.fullmatch("ABCDEF", "".join(level.code for level in grading.betrouwbaarheid)):
        problems.append("brongradering.yaml: betrouwbaarheid moet A t/m F zijn")
    if grading is not None and "".join(level.code for level in grading.informatie) != "123456":
        problems.append("brongradering.yaml: informatie moet 1 t/m 6 zijn")
    return problems


# --------------------------------------------------------------------------------------------
# weerbaarheidsscan.yaml (issue 7, the resilience scan)
# --------------------------------------------------------------------------------------------


class ScanLevel(_Strict):
    naam: Text
    betekenis: Text


class ScanStatement(_Strict):
    code: Code
    tekst: Text


class ScanImprovement(_Strict):
    """A proposed improvement action of a theme, for the action plan when the theme scores low."""

    code: Code
    tekst: Text
    eigenaar: Text  # suggested owner (a role or function, not a person)
    termijn_weken: int = Field(ge=1, le=104)


class ScanTheme(_Strict):
    code: Code
    naam: Text
    toelichting: Text
    stellingen: list[ScanStatement] = Field(min_length=4, max_length=8)
    verbeteracties: list[ScanImprovement] = Field(min_length=1)


class ResilienceScan(_Strict):
    """weerbaarheidsscan.yaml: themes with statements on a 1-5 maturity scale, the threshold under
    which a theme's improvement actions are proposed, and the anonymity minimum."""

    versie: int = Field(ge=1)
    schaal: dict[int, ScanLevel]
    weet_niet: Text
    drempel: float = Field(gt=1, le=5)
    minimum_respondenten: int = Field(ge=3)
    themas: list[ScanTheme] = Field(min_length=2)

    @cached_property
    def themes(self) -> dict[str, ScanTheme]:
        return {t.code: t for t in self.themas}

    @cached_property
    def statements(self) -> dict[str, tuple[ScanTheme, ScanStatement]]:
        return {s.code: (t, s) for t in self.themas for s in t.stellingen}

    @cached_property
    def improvements(self) -> dict[str, tuple[ScanTheme, ScanImprovement]]:
        return {a.code: (t, a) for t in self.themas for a in t.verbeteracties}


def _resilience_scan_part(folder: Path, problems: list[str]) -> ResilienceScan | None:
    """weerbaarheidsscan.yaml: the scale is exactly 1-5; every code occurs once in the file. The
    checks across entries read the raw file, so they run even when some entry does not parse."""
    name = "weerbaarheidsscan.yaml"
    raw = _read(folder / name, problems)
    scan: ResilienceScan | None = _parse(ResilienceScan, raw, name, problems)
    data = raw if isinstance(raw, dict) else {}
    if isinstance(data.get("schaal"), dict) and sorted(map(str, data["schaal"])) != ["1", "2", "3", "4", "5"]:
        problems.append(f"{name}: de schaal moet precies de niveaus 1, 2, 3, 4 en 5 hebben")
    listed = data.get("themas") if isinstance(data.get("themas"), list) else []
    themes = [t for t in listed or [] if isinstance(t, dict)]

    def codes(key: str) -> list[str]:
        return [e["code"] for t in themes if isinstance(t.get(key), list)
                for e in t[key] if isinstance(e, dict) and isinstance(e.get("code"), str)]

    for what, found in (("thema", [t["code"] for t in themes if isinstance(t.get("code"), str)]),
                        ("stelling", codes("stellingen")), ("verbeteractie", codes("verbeteracties"))):
        for code in sorted({c for c in found if found.count(c) > 1}):
            problems.append(f"{name}: {what} '{code}' komt meer dan eens voor")
    return scan


# --------------------------------------------------------------------------------------------
# beraad.yaml (issue 7, the five-B session)
# --------------------------------------------------------------------------------------------

# The five B's in order. The code works per phase (Boeien stores the picture, Bepalen counts the
# ballots, Beklinken ends with the sign-off), so beraad.yaml must name exactly these, in this order;
# their names and texts are the catalogue's.
SESSION_PHASES = ("binden", "boeien", "bekwamen", "bepalen", "beklinken")
VoteLimit = Annotated[int, Field(ge=1, le=10)]


class SessionPhase(_Strict):
    code: Code
    naam: Text
    doel: Text  # one sentence: what happens in the phase
    toelichting: Text


class SessionRole(_Strict):
    code: Code
    naam: Text
    toelichting: Text


class SessionVoting(_Strict):
    fenomenen: VoteLimit  # phenomena a participant ranks: 1st place gets this many points, the last 1
    strategieen: VoteLimit  # strategies a participant chooses, one vote each


class SessionMethod(_Strict):
    """beraad.yaml: the five phases (names and texts), the roles at the table, the voting rules
    and how many months the picture shown in Boeien covers."""

    versie: int = Field(ge=1)
    fasen: list[SessionPhase] = Field(min_length=1)
    rollen: list[SessionRole] = Field(min_length=1)
    stemmen: SessionVoting
    beeld_maanden: int = Field(ge=1, le=36)

    @cached_property
    def phases(self) -> dict[str, SessionPhase]:
        return {p.code: p for p in self.fasen}

    @cached_property
    def phase_names(self) -> dict[str, str]:
        return {p.code: p.naam for p in self.fasen}

    @cached_property
    def roles(self) -> dict[str, str]:
        """Role code -> name, in the catalogue's order."""
        return {r.code: r.naam for r in self.rollen}


def _session_method_part(folder: Path, problems: list[str]) -> SessionMethod | None:
    """beraad.yaml: exactly the five phases in order, each role once. The checks across entries
    read the raw file, so they run even when some entry does not parse."""
    name = "beraad.yaml"
    raw = _read(folder / name, problems)
    method: SessionMethod | None = _parse(SessionMethod, raw, name, problems)
    data = raw if isinstance(raw, dict) else {}
    listed = data.get("fasen") if isinstance(data.get("fasen"), list) else None
    expected = ", ".join(SESSION_PHASES)
    if listed:
        codes = [f["code"] for f in listed if isinstance(f, dict) and isinstance(f.get("code"), str)]
        unknown = [c for c in dict.fromkeys(codes) if c not in SESSION_PHASES]
        doubled = sorted({c for c in codes if codes.count(c) > 1})
        for code in unknown:
            problems.append(f"{name}: veld 'fasen': onbekende fase '{code}'; de fasen zijn {expected}")
        for code in doubled:
            problems.append(f"{name}: veld 'fasen': fase '{code}' komt meer dan eens voor")
        if len(codes) == len(listed):  # an entry without a code is named by the model above
            for code in SESSION_PHASES:
                if code not in codes:
                    problems.append(f"{name}: veld 'fasen': de fase '{code}' ontbreekt; Weerbaar werkt per fase")
            if not unknown and not doubled and len(codes) == len(SESSION_PHASES) and codes != list(SESSION_PHASES):
                problems.append(f"{name}: veld 'fasen': de fasen staan in de volgorde {', '.join(codes)}; "
                                f"die moet zijn: {expected}")
    roles = data.get("rollen") if isinstance(data.get("rollen"), list) else []
    role_codes = [r["code"] for r in roles or [] if isinstance(r, dict) and isinstance(r.get("code"), str)]
    for code in sorted({c for c in role_codes if role_codes.count(c) > 1}):
        problems.append(f"{name}: veld 'rollen': rol '{code}' komt meer dan eens voor")
    return method
