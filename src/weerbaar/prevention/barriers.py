"""Barrier models: the effective model per municipality and the gap analysis.

The catalogue (`barrieremodellen/<code>.yaml`) holds each model; a municipality may keep a local
version (`BarrierModelVersion`, append-only: each save is a new version, the latest counts, a
version without content means "back to the catalogue version"). `effective_model` overlays the
two. `gap_analysis` compares a model with the partners at the table and with the register:

- steps without a barrier owner at the table;
- signals no partner watches (by the observers on the signal cards, mapped to organisation types
  in `waarnemers.yaml`, or by signals with that indicator the partners registered in the last
  twelve months);
- barriers whose instruments no partner at the table can deploy (`instrumenten.yaml` owners);
- steps with weak barriers on which recent signals (six months) cluster.

The register is read only as grouped counts (as `picture.stats` does), suppressed with
`picture.stats.suppress` for principals without exact figures, and logged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import yaml
from sqlalchemy import Select, func, literal, select, union_all
from sqlalchemy.orm import Session

from weerbaar.access import logbook, rights
from weerbaar.access.principal import Principal
from weerbaar.core.catalogue import BarrierModel, BarrierStep, Catalogue, parse_barrier_model
from weerbaar.core.clock import today
from weerbaar.core.errors import FieldError, Forbidden, NotFound, ValidationFailed
from weerbaar.core.models import Organisation
from weerbaar.intake.models import Signal, SignalIndicator
from weerbaar.picture.stats import SMALL, Shown, exact_for, shown, suppress
from weerbaar.prevention.barriers_models import BarrierModelVersion

RECENT_DAYS = 183  # "recent" signals for the clustering: the last six months
WATCH_DAYS = 365  # a partner "watches" an indicator it registered signals with in the last twelve months
CLUSTER_MIN = SMALL  # a step "clusters" from this many recent signals (never a suppressed figure)
# Detection indicators (I-..) are seen by the analysis: their observer is the analyst.
DETECTION_OBSERVERS = ("analist",)

STRENGTH_NAMES = {"geen": "geen barrière", "zwak": "zwakke barrière", "sterk": "sterke barrières"}


# --- the effective model --------------------------------------------------------------------


@dataclass(frozen=True)
class EffectiveModel:
    model: BarrierModel  # what counts for the municipality
    catalogue_model: BarrierModel
    local: BarrierModelVersion | None  # the latest local version with content, if it counts
    latest: BarrierModelVersion | None  # the latest version row (also a revert)
    warning: str | None = None  # a stored local version that no longer validates

    @property
    def locally_modified(self) -> bool:
        return self.local is not None

    @property
    def version(self) -> str:
        """Dutch version label: the catalogue's `versie`, plus the local version number."""
        base = f"catalogus {self.catalogue_model.versie}"
        return f"{base}, lokaal {self.local.version}" if self.local else base


def _municipality(principal: Principal, right: str = rights.PREVENTION_TAKE_PART) -> str:
    if not principal.can(right):
        raise Forbidden("Uw rol mag de barrièremodellen niet " + ("beheren." if right == rights.PREVENTION_MANAGE
                                                                  else "inzien."))
    if not principal.municipality_code:
        raise Forbidden("Uw organisatie hoort niet bij een gemeente; barrièremodellen gelden per gemeente.")
    return principal.municipality_code


def _catalogue_model(catalogue: Catalogue, code: str) -> BarrierModel:
    model = catalogue.barrier_models.get(code)
    if model is None:
        raise NotFound(f"Barrièremodel {code} bestaat niet.")
    return model


def _latest_versions(session: Session, municipality: str) -> dict[str, BarrierModelVersion]:
    """The latest version row per model of the municipality, in one query."""
    latest = (select(BarrierModelVersion.model_code, func.max(BarrierModelVersion.version).label("v"))
              .where(BarrierModelVersion.municipality_code == municipality)
              .group_by(BarrierModelVersion.model_code).subquery())
    rows = session.scalars(select(BarrierModelVersion).join(
        latest, (BarrierModelVersion.model_code == latest.c.model_code) & (BarrierModelVersion.version == latest.c.v))
        .where(BarrierModelVersion.municipality_code == municipality))
    return {r.model_code: r for r in rows}


def _effective(catalogue: Catalogue, code: str, latest: BarrierModelVersion | None) -> EffectiveModel:
    base = _catalogue_model(catalogue, code)
    if latest is None or latest.content is None:
        return EffectiveModel(base, base, None, latest)
    model, problems = parse_barrier_model(yaml.safe_load(latest.content), "lokale versie", catalogue)
    if model is None:
        return EffectiveModel(base, base, None, latest, warning=(
            f"De lokale versie {latest.version} past niet meer bij de catalogus en telt daarom niet: "
            + "; ".join(problems)))
    return EffectiveModel(model, base, latest, latest)


def effective_model(session: Session, principal: Principal, catalogue: Catalogue, code: str) -> EffectiveModel:
    municipality = _municipality(principal)
    _catalogue_model(catalogue, code)
    return _effective(catalogue, code, _latest_versions(session, municipality).get(code))


def list_models(session: Session, principal: Principal, catalogue: Catalogue) -> list[EffectiveModel]:
    municipality = _municipality(principal)
    latest = _latest_versions(session, municipality)
    return [_effective(catalogue, code, latest.get(code)) for code in catalogue.barrier_models]


def history(session: Session, principal: Principal, catalogue: Catalogue, code: str) -> list[BarrierModelVersion]:
    """The municipality's versions of a model, newest first."""
    municipality = _municipality(principal)
    _catalogue_model(catalogue, code)
    return list(session.scalars(select(BarrierModelVersion).where(
        BarrierModelVersion.municipality_code == municipality, BarrierModelVersion.model_code == code)
        .order_by(BarrierModelVersion.version.desc())))


def model_yaml(model: BarrierModel) -> str:
    """A model as YAML text for the edit form (the same shape as the catalogue file)."""
    return yaml.safe_dump(model.model_dump(mode="json"), allow_unicode=True, sort_keys=False, width=110)


def _append(session: Session, principal: Principal, municipality: str, catalogue: Catalogue, code: str,
            content: str | None, reason: str) -> BarrierModelVersion:
    number = session.scalar(select(func.max(BarrierModelVersion.version)).where(
        BarrierModelVersion.municipality_code == municipality, BarrierModelVersion.model_code == code)) or 0
    row = BarrierModelVersion(municipality_code=municipality, model_code=code, version=number + 1, content=content,
                              catalogue_version=catalogue.barrier_models[code].versie, reason=reason,
                              by_user_id=principal.user_id, by_user_name=principal.name)
    session.add(row)
    session.flush()
    logbook.record(session, principal, logbook.UPDATE, object_type="barrieremodel", object_id=code,
                   purpose="preventie", details={"versie": row.version, "terug_naar_catalogus": content is None})
    return row


def save_local_version(session: Session, principal: Principal, catalogue: Catalogue, code: str, text: str | None,
                       reason: str | None) -> BarrierModelVersion:
    """Validate the edited model (YAML text) with the catalogue's own checks and store it as a new
    version. Every problem is named at once; nothing is stored when there is one."""
    municipality = _municipality(principal, rights.PREVENTION_MANAGE)
    _catalogue_model(catalogue, code)
    errors: list[FieldError] = []
    if not (reason or "").strip():
        errors.append(FieldError("reden", "verplicht", "Geef de reden van de wijziging."))
    data: Any = None
    if not (text or "").strip():
        errors.append(FieldError("inhoud", "verplicht", "Het model mag niet leeg zijn."))
    else:
        try:
            data = yaml.safe_load(text or "")
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (regel {mark.line + 1})" if mark is not None else ""
            errors.append(FieldError("inhoud", "yaml_ongeldig", f"Geen geldige YAML{where}: {exc}"))
        else:
            model, problems = parse_barrier_model(data, "inhoud", catalogue)
            errors.extend(FieldError("inhoud", "model_ongeldig", p) for p in problems)
            if model is not None and model.code != code:
                errors.append(FieldError("inhoud", "code_anders",
                                         f"inhoud: veld 'code': moet '{code}' blijven (nu '{model.code}')"))
    if errors:
        raise ValidationFailed(errors, title="Het barrièremodel is niet opgeslagen")
    return _append(session, principal, municipality, catalogue, code, (text or "").strip() + "\n",
                   (reason or "").strip())


def revert_to_catalogue(session: Session, principal: Principal, catalogue: Catalogue, code: str,
                        reason: str | None) -> BarrierModelVersion:
    """A new version without content: the catalogue version counts again (history is kept)."""
    municipality = _municipality(principal, rights.PREVENTION_MANAGE)
    _catalogue_model(catalogue, code)
    text = (reason or "").strip() or "Terug naar de catalogusversie"
    return _append(session, principal, municipality, catalogue, code, None, text)


# --- the gap analysis -----------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    kind: str  # stap_zonder_eigenaar | signaal_onbewaakt | instrument_onbruikbaar | signalen_bij_zwakke_stap
    step: str
    text: str  # the finding and its reason, in Dutch
    figure: Shown  # the figure behind it (suppressed where it is a count of signals)
    figure_label: str
    barrier: str | None = None
    signal: str | None = None


@dataclass(frozen=True)
class BarrierView:
    code: str
    omschrijving: str
    eigenaar: str
    owner_at_table: bool
    instruments: list[str]
    usable_instruments: list[str]  # those a partner at the table can deploy


@dataclass(frozen=True)
class StepView:
    code: str
    naam: str
    strength: str  # geen | zwak | sterk: barriers with an owner at the table (0, 1, 2+)
    barriers: list[BarrierView]
    recent_signals: Shown
    unwatched: list[str]


@dataclass
class GapAnalysis:
    model: BarrierModel
    locally_modified: bool
    partners: list[str]
    partners_default: bool  # the organisation types registered for the municipality
    recent_from: date
    watch_from: date
    exact: bool
    steps: list[StepView] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    recent_total: Shown = 0

    def of_kind(self, kind: str) -> list[Finding]:
        return [f for f in self.findings if f.kind == kind]


def registered_partner_types(session: Session, municipality: str) -> list[str]:
    """The organisation types of the organisations registered for the municipality."""
    return sorted(session.scalars(select(Organisation.type).where(
        Organisation.municipality_code == municipality).distinct()))


def _step_codes(model: BarrierModel) -> Select[Any]:
    """(step, indicator code) pairs of the model as a literal table for one grouped query."""
    parts = [select(literal(step.code).label("step"), literal(code).label("code"))
             for step in model.stappen for code in dict.fromkeys(step.signalen)]
    return union_all(*parts) if len(parts) > 1 else parts[0]  # type: ignore[return-value]


def _signal_scope(municipality: str, catalogue: Catalogue, since: date) -> list[Any]:
    return [Signal.municipality_code == municipality, Signal.confidentiality.in_(catalogue.picture_levels),
            Signal.observed_on >= since]


def _recent_per_step(session: Session, municipality: str, catalogue: Catalogue, model: BarrierModel,
                     since: date) -> tuple[dict[str, int], int]:
    """Distinct recent signals per step (a signal counts once per step it touches), and in all."""
    if not any(step.signalen for step in model.stappen):
        return {}, 0
    pairs = _step_codes(model).subquery()
    scope = _signal_scope(municipality, catalogue, since)
    rows = session.execute(
        select(pairs.c.step, func.count(func.distinct(SignalIndicator.signal_id)))
        .join(SignalIndicator, SignalIndicator.code == pairs.c.code)
        .join(Signal, Signal.id == SignalIndicator.signal_id)
        .where(*scope).group_by(pairs.c.step))
    total = session.scalar(
        select(func.count(func.distinct(SignalIndicator.signal_id)))
        .join(Signal, Signal.id == SignalIndicator.signal_id)
        .where(*scope, SignalIndicator.code.in_({c for s in model.stappen for c in s.signalen}))) or 0
    return {step: int(n) for step, n in rows}, int(total)


def _registered_by_type(session: Session, municipality: str, catalogue: Catalogue, codes: set[str],
                        since: date) -> dict[tuple[str, str], int]:
    """Signals per (indicator code, registering organisation type) in the period: counts only."""
    if not codes:
        return {}
    rows = session.execute(
        select(SignalIndicator.code, Organisation.type, func.count(func.distinct(Signal.id)))
        .join(Signal, Signal.id == SignalIndicator.signal_id)
        .join(Organisation, Organisation.id == Signal.organisation_id)
        .where(*_signal_scope(municipality, catalogue, since), SignalIndicator.code.in_(codes))
        .group_by(SignalIndicator.code, Organisation.type))
    return {(code, type_): int(n) for code, type_, n in rows}


def _observer_types(catalogue: Catalogue, code: str) -> set[str]:
    card = catalogue.indicators.get(code)
    observers = card[1].waarnemers if card else list(DETECTION_OBSERVERS)
    return {t for o in observers for t in catalogue.observers.get(o, [])}


def _names(catalogue: Catalogue, types: list[str] | set[str]) -> str:
    names = [catalogue.organisation_types[t].naam if t in catalogue.organisation_types else t
             for t in sorted(types)]
    return ", ".join(names) if names else "niemand"


def _signal_label(catalogue: Catalogue, code: str) -> str:
    if code in catalogue.indicators:
        return f"{code} ({catalogue.indicators[code][1].tekst})"
    rule = catalogue.rules.get(code)
    return f"{code} ({rule.naam})" if rule else code


def _step_view(catalogue: Catalogue, step: BarrierStep, partners: set[str]) -> tuple[list[BarrierView], str]:
    views = []
    for b in step.barrieres:
        usable = [i for i in b.instrumenten if partners & set(catalogue.instruments[i].eigenaars)]
        views.append(BarrierView(b.code, b.omschrijving, b.eigenaar, b.eigenaar in partners, list(b.instrumenten),
                                 usable))
    owned = sum(1 for v in views if v.owner_at_table)
    return views, ("geen" if owned == 0 else "zwak" if owned == 1 else "sterk")


def gap_analysis(session: Session, principal: Principal, catalogue: Catalogue, code: str,
                 partners: list[str] | None = None, exact: bool | None = None) -> GapAnalysis:
    """The gaps of the municipality's effective model against the partners at the table
    (organisation type codes; default: the types registered for the municipality) and the
    register. Unknown partner types are refused by name."""
    municipality = _municipality(principal)
    eff = _effective(catalogue, code, _latest_versions(session, municipality).get(code))
    model = eff.model
    if partners is not None:
        unknown = [p for p in partners if p not in catalogue.organisation_types]
        if unknown:
            raise ValidationFailed([FieldError("partners", "onbekend_organisatietype",
                                               f"Onbekend organisatietype '{p}'.") for p in unknown])
    table = sorted(set(partners)) if partners is not None else registered_partner_types(session, municipality)
    at_table = set(table)
    exact = exact_for(principal) if exact is None else exact
    now_ = today()
    recent_from, watch_from = now_ - timedelta(days=RECENT_DAYS), now_ - timedelta(days=WATCH_DAYS)
    analysis = GapAnalysis(model, eff.locally_modified, table, partners is None, recent_from, watch_from, exact)

    codes = {c for s in model.stappen for c in s.signalen}
    registered = _registered_by_type(session, municipality, catalogue, codes, watch_from)
    recent, total = _recent_per_step(session, municipality, catalogue, model, recent_from)
    shown_recent = suppress({s.code: recent.get(s.code, 0) for s in model.stappen}, exact)
    analysis.recent_total = shown(total, exact)

    for step in model.stappen:
        views, strength = _step_view(catalogue, step, at_table)
        owners = sorted({b.eigenaar for b in step.barrieres})
        if not step.barrieres:
            analysis.findings.append(Finding(
                "stap_zonder_eigenaar", step.code,
                f"Stap '{step.naam}' heeft geen barrière: niemand werpt hier iets op.", 0, "barrières"))
        elif strength == "geen":
            analysis.findings.append(Finding(
                "stap_zonder_eigenaar", step.code,
                f"Stap '{step.naam}' heeft geen eigenaar aan tafel: de barrières horen bij "
                f"{_names(catalogue, owners)}, en die zitten niet aan tafel.", 0, "barrières met eigenaar aan tafel"))
        for view, barrier in zip(views, step.barrieres, strict=True):
            if barrier.instrumenten and not view.usable_instruments:
                needed = {o for i in barrier.instrumenten for o in catalogue.instruments[i].eigenaars}
                names = ", ".join(catalogue.instruments[i].naam for i in barrier.instrumenten)
                analysis.findings.append(Finding(
                    "instrument_onbruikbaar", step.code,
                    f"Barrière '{barrier.omschrijving}' (stap '{step.naam}') steunt op {names}; dat kan alleen "
                    f"{_names(catalogue, needed)} inzetten, en die zitten niet aan tafel.",
                    len(barrier.instrumenten), "instrumenten", barrier=barrier.code))
        unwatched = []
        for ref in step.signalen:
            by_card = _observer_types(catalogue, ref) & at_table
            by_register = {t for (c, t), n in registered.items() if c == ref and t in at_table and n}
            if by_card or by_register:
                continue
            unwatched.append(ref)
            observers = (catalogue.indicators[ref][1].waarnemers if ref in catalogue.indicators
                         else list(DETECTION_OBSERVERS))
            elsewhere = sum(n for (c, _), n in registered.items() if c == ref)
            analysis.findings.append(Finding(
                "signaal_onbewaakt", step.code,
                f"Signaal {_signal_label(catalogue, ref)} (stap '{step.naam}') ziet geen partner aan tafel: "
                f"de waarnemers zijn {', '.join(observers)}, en geen partner aan tafel registreerde dit signaal "
                f"sinds {watch_from:%d-%m-%Y}.", shown(elsewhere, exact),
                "signalen van anderen in 12 maanden", signal=ref))
        count = recent.get(step.code, 0)
        if strength != "sterk" and count >= CLUSTER_MIN:
            analysis.findings.append(Finding(
                "signalen_bij_zwakke_stap", step.code,
                f"Recente signalen hopen zich op bij stap '{step.naam}' ({STRENGTH_NAMES[strength]}: "
                f"{sum(1 for v in views if v.owner_at_table)} barrière(s) met een eigenaar aan tafel) "
                f"sinds {recent_from:%d-%m-%Y}.", shown_recent[step.code], "recente signalen"))
        analysis.steps.append(StepView(step.code, step.naam, strength, views, shown_recent[step.code], unwatched))

    logbook.record(session, principal, logbook.READ, object_type="barrieremodel", object_id=code,
                   purpose="preventie", details={"onderdeel": "gatenanalyse", "partners": table,
                                                 "bevindingen": len(analysis.findings)})
    return analysis


def report_lines(session: Session, principal: Principal, catalogue: Catalogue, per_model: int = 3) -> list[str]:
    """The barrier section of the ondermijningsbeeld report: per model, its most important gaps in
    one sentence, with suppressed figures (a report leaves the analyst role). Passed to
    `picture.report.build_report` by the CLI and the web page, so that `picture` does not depend
    on `prevention`. Empty for a reader who may not see barrier models."""
    if not principal.can(rights.PREVENTION_TAKE_PART) or not principal.municipality_code:
        return []
    lines = []
    for code in catalogue.barrier_models:
        analysis = gap_analysis(session, principal, catalogue, code, exact=False)
        if not analysis.findings:
            lines.append(f"{analysis.model.naam}: geen gaten gevonden met de partners van de gemeente.")
            continue
        shown_findings = analysis.findings[:per_model]
        more = len(analysis.findings) - len(shown_findings)
        lines.append(f"{analysis.model.naam}: " + " ".join(f.text for f in shown_findings)
                     + (f" (en nog {more} bevinding{'en' if more != 1 else ''})" if more else ""))
    return lines
