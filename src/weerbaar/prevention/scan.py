"""The resilience scan (weerbaarheidsscan) of the municipality's own organisation.

The prevention manager (`preventie.beheren`) opens a round; staff of the municipality's own
organisations of type gemeente who take part in prevention answer the catalogue's statements
(`weerbaarheidsscan.yaml`) once per round and may revise until the manager closes it. Answers are
appended, never edited: the latest per respondent and statement counts.

Anonymity: nothing here returns an individual's answers to anyone but that respondent (to revise
them). Results exist only for a closed round (so no one can read a respondent's answers from the
change in a mean while the round is open) and only as aggregates per theme: mean, distribution
and number of respondents; a theme with fewer respondents than the catalogue's minimum is not
shown. The list of respondents (who answered, not what) is for the manager only.

Themes whose mean is below the catalogue's threshold get its improvement actions proposed; the
manager adopts chosen ones as tracked actions (`cases.service.add_commitment`, origin "scan").
Rounds are read through `access.policy.scan_rounds_visible`; every read and write is logged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import fmean

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from weerbaar.access import logbook, rights
from weerbaar.access.policy import scan_rounds_visible
from weerbaar.access.principal import Principal
from weerbaar.cases import service as cases
from weerbaar.cases.models import CaseAction
from weerbaar.core.catalogue import Catalogue, ResilienceScan
from weerbaar.core.clock import now, today
from weerbaar.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from weerbaar.core.models import Organisation, User
from weerbaar.prevention.scan_models import ScanAdoption, ScanAnswer, ScanRound

DONT_KNOW = "weet_niet"
LEVELS = (1, 2, 3, 4, 5)
MIN_TITLE, MAX_TITLE = 3, 200
MIN_DESCRIPTION, MAX_DESCRIPTION = 5, 4000
MAX_RESPONSIBLE = 200
OBJECT = "weerbaarheidsscan"
NOT_STAFF = ("Alleen medewerkers van de gemeente zelf doen mee aan de weerbaarheidsscan; "
             "partnerorganisaties zien hem niet.")
NOT_MANAGER = "Alleen wie de preventie van de gemeente regelt, opent en sluit een ronde en neemt acties over."


def questionnaire(catalogue: Catalogue) -> ResilienceScan:
    assert catalogue.resilience_scan is not None, "the catalogue is validated at start-up"
    return catalogue.resilience_scan


def may_take_part(principal: Principal) -> bool:
    """Staff of the municipality's own organisation (type gemeente) who take part in prevention."""
    return (principal.can(rights.PREVENTION_TAKE_PART) or principal.can(rights.PREVENTION_MANAGE)) \
        and principal.organisation_type == "gemeente" and principal.municipality_code is not None


def may_manage(principal: Principal) -> bool:
    return principal.can(rights.PREVENTION_MANAGE) and may_take_part(principal)


def require_staff(principal: Principal) -> None:
    if not may_take_part(principal):
        raise Forbidden(NOT_STAFF)


def _require_manager(principal: Principal) -> None:
    if not may_manage(principal):
        raise Forbidden(NOT_MANAGER)


def _visible_round(session: Session, principal: Principal, round_id: str) -> ScanRound:
    found = session.scalars(select(ScanRound).where(ScanRound.id == round_id,
                                                    scan_rounds_visible(principal))).first()
    if found is None:
        raise NotFound()
    return found


# --------------------------------------------------------------------------------------------
# Rounds
# --------------------------------------------------------------------------------------------


@dataclass
class NewRound:
    title: str | None
    period_start: date | None
    period_end: date | None


@dataclass
class RoundSummary:
    round: ScanRound
    respondents: int
    answered_by_me: bool

    @property
    def closed(self) -> bool:
        return self.round.closed_at is not None


def open_round(session: Session, principal: Principal, catalogue: Catalogue, new: NewRound, *,
               at: datetime | None = None) -> ScanRound:
    """A new round for the manager's municipality; all problems at once; one open round at a time."""
    _require_manager(principal)
    errors: list[FieldError] = []
    title = (new.title or "").strip()
    if not title:
        errors.append(FieldError("titel", "missing", "Geef de ronde een titel."))
    elif len(title) < MIN_TITLE:
        errors.append(FieldError("titel", "te_kort", f"De titel heeft minstens {MIN_TITLE} tekens."))
    elif len(title) > MAX_TITLE:
        errors.append(FieldError("titel", "string_too_long", f"Te lang: maximaal {MAX_TITLE} tekens."))
    if new.period_start is None:
        errors.append(FieldError("periodeVan", "missing", "Geef de eerste dag van de periode (JJJJ-MM-DD)."))
    if new.period_end is None:
        errors.append(FieldError("periodeTot", "missing", "Geef de laatste dag van de periode (JJJJ-MM-DD)."))
    elif new.period_start is not None and new.period_end < new.period_start:
        errors.append(FieldError("periodeTot", "voor_begin", "De periode eindigt niet voor zij begint."))
    if errors:
        raise ValidationFailed(errors)
    assert principal.municipality_code is not None and new.period_start and new.period_end
    if session.scalars(select(ScanRound.id).where(ScanRound.municipality_code == principal.municipality_code,
                                                  ScanRound.closed_at.is_(None))).first() is not None:
        raise Conflict("Er loopt al een ronde van de weerbaarheidsscan; sluit die eerst.")
    row = ScanRound(municipality_code=principal.municipality_code, title=title, period_start=new.period_start,
                    period_end=new.period_end, questionnaire_version=questionnaire(catalogue).versie,
                    opened_at=at or now(), opened_by_id=principal.user_id)
    session.add(row)
    session.flush()
    logbook.record(session, principal, logbook.CREATE, object_type=OBJECT, object_id=row.id,
                   purpose="ronde weerbaarheidsscan openen")
    return row


def _summaries(session: Session, principal: Principal, rounds: Sequence[ScanRound]) -> list[RoundSummary]:
    ids = [r.id for r in rounds]
    if not ids:
        return []
    counts = dict(session.execute(select(ScanAnswer.round_id, func.count(func.distinct(ScanAnswer.user_id)))
                                  .where(ScanAnswer.round_id.in_(ids)).group_by(ScanAnswer.round_id)).all())
    mine = set(session.scalars(select(ScanAnswer.round_id).distinct().where(
        ScanAnswer.round_id.in_(ids), ScanAnswer.user_id == principal.user_id)))
    return [RoundSummary(r, int(counts.get(r.id, 0)), r.id in mine) for r in rounds]


def list_rounds(session: Session, principal: Principal) -> list[RoundSummary]:
    """The municipality's rounds, newest first; a logged list read."""
    require_staff(principal)
    rounds = session.scalars(select(ScanRound).where(scan_rounds_visible(principal))
                             .order_by(ScanRound.opened_at.desc(), ScanRound.id)).all()
    out = _summaries(session, principal, rounds)
    logbook.record(session, principal, logbook.LIST, object_type=OBJECT, purpose="rondes weerbaarheidsscan",
                   details={"aantal": len(out)})
    return out


def get_round(session: Session, principal: Principal, round_id: str) -> RoundSummary:
    require_staff(principal)
    return _summaries(session, principal, [_visible_round(session, principal, round_id)])[0]


def close_round(session: Session, principal: Principal, round_id: str, *, at: datetime | None = None) -> ScanRound:
    _require_manager(principal)
    row = _visible_round(session, principal, round_id)
    if row.closed_at is not None:
        raise Conflict("Deze ronde is al gesloten.")
    row.closed_at = at or now()
    row.closed_by_id = principal.user_id
    session.flush()
    logbook.record(session, principal, logbook.UPDATE, object_type=OBJECT, object_id=row.id,
                   purpose="ronde weerbaarheidsscan sluiten")
    return row


# --------------------------------------------------------------------------------------------
# Answers
# --------------------------------------------------------------------------------------------


def _latest(session: Session, round_id: str, user_id: str | None = None) -> list[ScanAnswer]:
    """The answers that count: the latest row per respondent and statement."""
    newest = select(func.max(ScanAnswer.id)).where(ScanAnswer.round_id == round_id)
    if user_id is not None:
        newest = newest.where(ScanAnswer.user_id == user_id)
    newest = newest.group_by(ScanAnswer.user_id, ScanAnswer.statement)
    return list(session.scalars(select(ScanAnswer).where(ScanAnswer.id.in_(newest))))


def own_answers(session: Session, principal: Principal, round_id: str) -> dict[str, int | None]:
    """The principal's own answers (to revise them): statement code → level, None = weet ik niet."""
    require_staff(principal)
    row = _visible_round(session, principal, round_id)
    out = {a.statement: a.level for a in _latest(session, row.id, principal.user_id)}
    logbook.record(session, principal, logbook.READ, object_type=OBJECT, object_id=row.id,
                   purpose="eigen antwoorden weerbaarheidsscan")
    return out


def parse_level(value: object) -> int | str | None:
    """1-5 (also as text), None for "weet ik niet"; anything else comes back as the string "?"."""
    if value == DONT_KNOW:
        return None
    if isinstance(value, bool):
        return "?"
    if isinstance(value, int) and value in LEVELS:
        return value
    if isinstance(value, str) and value.strip() in {str(level) for level in LEVELS}:
        return int(value.strip())
    return "?"


def submit_answers(session: Session, principal: Principal, catalogue: Catalogue, round_id: str,
                   answers: Mapping[str, object], *, at: datetime | None = None) -> int:
    """The principal's answers to every statement (1-5 or "weet_niet"); a revision appends only
    what changed. All problems at once, named `antwoorden.<stelling>`. Returns how many changed."""
    require_staff(principal)
    row = _visible_round(session, principal, round_id)
    if row.closed_at is not None:
        raise Conflict("Deze ronde is gesloten; de antwoorden kunnen niet meer worden gewijzigd.")
    scan = questionnaire(catalogue)
    errors: list[FieldError] = []
    given: dict[str, int | None] = {}
    for code in scan.statements:
        if code not in answers or answers[code] in (None, ""):
            errors.append(FieldError(f"antwoorden.{code}", "missing",
                                     f"Kies een niveau van 1 tot en met 5, of '{scan.weet_niet}'."))
            continue
        level = parse_level(answers[code])
        if level == "?":
            errors.append(FieldError(f"antwoorden.{code}", "onbekend",
                                     f"Kies 1, 2, 3, 4, 5 of '{DONT_KNOW}' ({scan.weet_niet})."))
        else:
            given[code] = level  # type: ignore[assignment]
    for code in answers:
        if code not in scan.statements:
            errors.append(FieldError(f"antwoorden.{code}", "onbekende_stelling", "Onbekende stelling."))
    if errors:
        raise ValidationFailed(errors)
    current = {a.statement: a.level for a in _latest(session, row.id, principal.user_id)}
    first = not current
    moment = at or now()
    changed = [code for code, level in given.items() if code not in current or current[code] != level]
    for code in changed:
        session.add(ScanAnswer(round_id=row.id, user_id=principal.user_id, theme=scan.statements[code][0].code,
                               statement=code, level=given[code], answered_at=moment))
    session.flush()
    # Never the answers themselves: only that this respondent answered, and how many changed.
    logbook.record(session, principal, logbook.CREATE if first else logbook.UPDATE, object_type=OBJECT,
                   object_id=row.id, purpose="weerbaarheidsscan invullen", details={"gewijzigd": len(changed)})
    return len(changed)


# --------------------------------------------------------------------------------------------
# Results: aggregates only
# --------------------------------------------------------------------------------------------


@dataclass
class StatementResult:
    code: str
    text: str
    mean: float | None
    answered: int  # answers with a level (not "weet ik niet")


@dataclass
class ThemeResult:
    code: str
    name: str
    shown: bool
    respondents: int  # respondents with at least one level in this theme
    mean: float | None = None  # mean of the respondents' theme means
    distribution: dict[int, int] = field(default_factory=dict)  # level → answers
    dont_know: int = 0
    statements: list[StatementResult] = field(default_factory=list)
    previous_mean: float | None = None  # in the compared round, when shown there

    @property
    def difference(self) -> float | None:
        if self.mean is None or self.previous_mean is None:
            return None
        return round(self.mean - self.previous_mean, 2)


@dataclass
class PlanItem:
    code: str
    theme: str
    theme_name: str
    text: str
    owner: str
    weeks: int
    deadline: date
    action_id: str | None  # the tracked action, once adopted


@dataclass
class RoundResult:
    summary: RoundSummary
    available: bool  # only a closed round has results
    minimum: int
    threshold: float
    themes: list[ThemeResult] = field(default_factory=list)  # weakest first; hidden ones last
    compared: ScanRound | None = None
    plan: list[PlanItem] = field(default_factory=list)
    respondent_names: list[str] | None = None  # the manager only


def _themes(session: Session, scan: ResilienceScan, round_id: str) -> list[ThemeResult]:
    answers = _latest(session, round_id)
    per_user: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    per_statement: dict[str, list[int]] = defaultdict(list)
    dont_know: dict[str, int] = defaultdict(int)
    for a in answers:
        if a.statement not in scan.statements:
            continue  # a statement since removed from the catalogue
        if a.level is None:
            dont_know[a.theme] += 1
            continue
        per_user[a.theme][a.user_id].append(a.level)
        per_statement[a.statement].append(a.level)
    out: list[ThemeResult] = []
    for theme in scan.themas:
        users = per_user.get(theme.code, {})
        shown = len(users) >= scan.minimum_respondenten
        result = ThemeResult(theme.code, theme.naam, shown, len(users))
        if shown:
            result.mean = round(fmean(fmean(levels) for levels in users.values()), 2)
            levels = [level for s in theme.stellingen for level in per_statement.get(s.code, [])]
            result.distribution = {level: levels.count(level) for level in LEVELS}
            result.dont_know = dont_know.get(theme.code, 0)
            result.statements = [StatementResult(s.code, s.tekst, round(fmean(per_statement[s.code]), 2)
                                                 if per_statement.get(s.code) else None,
                                                 len(per_statement.get(s.code, []))) for s in theme.stellingen]
        out.append(result)
    return out


def _weakest_first(themes: list[ThemeResult]) -> list[ThemeResult]:
    return sorted(themes, key=lambda t: (not t.shown, t.mean if t.mean is not None else 0.0))


def result(session: Session, principal: Principal, catalogue: Catalogue, round_id: str, *,
           compare_with: str | None = None, on: date | None = None, log: bool = True) -> RoundResult:
    """The round's aggregated result, compared with another closed round of the municipality
    (by default the previous one), and the proposed action plan. A logged read."""
    require_staff(principal)
    scan = questionnaire(catalogue)
    summary = _summaries(session, principal, [_visible_round(session, principal, round_id)])[0]
    row = summary.round
    out = RoundResult(summary, available=row.closed_at is not None, minimum=scan.minimum_respondenten,
                      threshold=scan.drempel)
    if compare_with is not None:
        other = session.scalars(select(ScanRound).where(ScanRound.id == compare_with,
                                                        scan_rounds_visible(principal))).first()
        if other is None or other.id == row.id or other.closed_at is None:
            raise ValidationFailed([FieldError("vergelijkMet", "onbekend",
                                               "Kies een andere, gesloten ronde van uw gemeente.")])
        out.compared = other
    elif out.available:
        out.compared = session.scalars(select(ScanRound).where(
            scan_rounds_visible(principal), ScanRound.closed_at.is_not(None), ScanRound.id != row.id,
            ScanRound.opened_at < row.opened_at).order_by(ScanRound.opened_at.desc())).first()
    if out.available:
        themes = _themes(session, scan, row.id)
        if out.compared is not None:
            previous = {t.code: t for t in _themes(session, scan, out.compared.id)}
            for t in themes:  # the difference needs both; the radar draws the other round on its own
                if previous[t.code].shown:
                    t.previous_mean = previous[t.code].mean
        out.themes = _weakest_first(themes)
        adopted = dict(session.execute(select(ScanAdoption.improvement, ScanAdoption.action_id)
                                       .where(ScanAdoption.round_id == row.id)).all())
        day = on or today()
        out.plan = [PlanItem(a.code, t.code, t.naam, a.tekst, a.eigenaar, a.termijn_weken,
                             day + timedelta(weeks=a.termijn_weken), adopted.get(a.code))
                    for t in (scan.themes[r.code] for r in out.themes if r.shown and r.mean is not None
                              and r.mean < scan.drempel)
                    for a in t.verbeteracties]
    if may_manage(principal):
        out.respondent_names = list(session.scalars(
            select(User.name).where(User.id.in_(select(ScanAnswer.user_id).where(ScanAnswer.round_id == row.id)))
            .order_by(User.name)))
    if log:
        logbook.record(session, principal, logbook.READ, object_type=OBJECT, object_id=row.id,
                       purpose="uitslag weerbaarheidsscan",
                       details={"vergelijkMet": out.compared.id if out.compared else None,
                                "respondentenlijst": out.respondent_names is not None})
    return out


# --------------------------------------------------------------------------------------------
# Adopting the action plan
# --------------------------------------------------------------------------------------------


@dataclass
class Adoption:
    """One improvement action to adopt; empty fields take the catalogue's proposal (description,
    owner, term) and the manager's own organisation."""

    improvement: str | None
    organisation: str | None = None
    responsible: str | None = None
    deadline: date | None = None
    description: str | None = None


def own_organisations(session: Session, principal: Principal) -> list[Organisation]:
    """The organisations of the principal's municipality that may own a scan action."""
    return list(session.scalars(select(Organisation).where(
        Organisation.municipality_code == principal.municipality_code).order_by(Organisation.name)))


def adopt(session: Session, principal: Principal, catalogue: Catalogue, round_id: str, items: Sequence[Adoption],
          *, at: datetime | None = None) -> list[CaseAction]:
    """Adopt chosen improvement actions of a closed round's plan as tracked actions. Every
    problem at once, named `acties[i].<veld>`; nothing is stored unless all are valid."""
    _require_manager(principal)
    plan = result(session, principal, catalogue, round_id, log=False)
    if not plan.available:
        raise Conflict("Sluit de ronde eerst: het actieplan volgt uit de uitslag.")
    proposals = {p.code: p for p in plan.plan}
    allowed = {o.id for o in own_organisations(session, principal)}
    errors: list[FieldError] = []
    if not items:
        errors.append(FieldError("acties", "missing", "Kies minstens één verbeteractie."))
    chosen: list[tuple[PlanItem, cases.NewAction]] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        at_ = f"acties[{i}]"
        proposal = proposals.get(item.improvement or "")
        if not item.improvement:
            errors.append(FieldError(f"{at_}.verbeteractie", "missing", "Kies de verbeteractie."))
        elif proposal is None:
            errors.append(FieldError(f"{at_}.verbeteractie", "onbekend",
                                     "Deze verbeteractie staat niet in het voorgestelde actieplan van deze ronde."))
        elif proposal.action_id is not None:
            errors.append(FieldError(f"{at_}.verbeteractie", "al_overgenomen",
                                     "Deze verbeteractie is al overgenomen als actie."))
        elif proposal.code in seen:
            errors.append(FieldError(f"{at_}.verbeteractie", "dubbel", "Deze verbeteractie staat er twee keer in."))
        # Without a known improvement there is no proposal to fall back on: only what was given is checked.
        description = (item.description or "").strip() or (proposal.text if proposal else "")
        if proposal is None and not description:
            pass
        elif len(description) < MIN_DESCRIPTION:
            errors.append(FieldError(f"{at_}.omschrijving", "te_kort",
                                     f"Beschrijf de actie in minstens {MIN_DESCRIPTION} tekens."))
        elif len(description) > MAX_DESCRIPTION:
            errors.append(FieldError(f"{at_}.omschrijving", "string_too_long",
                                     f"Te lang: maximaal {MAX_DESCRIPTION} tekens."))
        organisation = item.organisation or principal.organisation_id
        if organisation not in allowed:
            errors.append(FieldError(f"{at_}.organisatie", "geen_eigen_organisatie",
                                     "Kies een organisatie van de eigen gemeente."))
        responsible = (item.responsible or "").strip() or (proposal.owner if proposal else "")
        if not responsible:
            if proposal is not None:
                errors.append(FieldError(f"{at_}.verantwoordelijke", "missing", "Noem wie verantwoordelijk is."))
        elif len(responsible) > MAX_RESPONSIBLE:
            errors.append(FieldError(f"{at_}.verantwoordelijke", "string_too_long",
                                     f"Te lang: maximaal {MAX_RESPONSIBLE} tekens."))
        deadline = item.deadline or (proposal.deadline if proposal else None)
        if proposal is not None:
            seen.add(proposal.code)
            chosen.append((proposal, cases.NewAction(description, organisation, responsible, deadline)))
    if errors:
        raise ValidationFailed(errors)
    out: list[CaseAction] = []
    moment = at or now()
    for proposal, new in chosen:
        action = cases.add_commitment(session, principal, "scan", plan.summary.round.id, new,
                                      organisations=allowed, at=moment)
        session.add(ScanAdoption(round_id=plan.summary.round.id, improvement=proposal.code, action_id=action.id,
                                 adopted_at=moment, adopted_by_id=principal.user_id))
        out.append(action)
    session.flush()
    return out
