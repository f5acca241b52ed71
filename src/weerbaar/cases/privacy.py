"""Privacy check 1 of the Model Privacy Protocol: before source research on a subject, the
organisation records on which legal basis, for which purpose, and why the research is necessary,
proportionate and the least intrusive way (subsidiarity).

The check is the key to the gate: `policy.subject_details_visible` opens a subject's details
(name, identifiers, source record contents, relations) only to an organisation with a recorded
stage-1 check covering that subject. Without one the subject card is hit/no-hit only.

`record_check_1` is the one write path, for a pre-case or a case; checks are appended, never
edited (the database refuses it), and each is logged in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from weerbaar.access import logbook, rights
from weerbaar.access.policy import PRIVACY_CHECK_1, case_visible, pre_case_visible, sees_whole_case
from weerbaar.access.principal import Principal
from weerbaar.cases.models import Case, PreCase, PrivacyCheck, PrivacyCheckSubject
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.errors import FieldError, Forbidden, NotFound, ValidationFailed
from weerbaar.core.names import tokens
from weerbaar.resolve import cards

NO_CHECK = ("Uw rol mag geen privacytoets vastleggen; dat doet de coördinator ondermijning van de gemeente.")
MIN_WORDS = 3
MAX_TEXT = 4000
MAX_SUBJECTS = 100

# The four questions of the check, as the API names them, with what a good answer says.
QUESTIONS: dict[str, tuple[str, str]] = {
    "doel": ("purpose", "Beschrijf het doel: wat wilt u met het bronnenonderzoek bereiken?"),
    "noodzaak": ("necessity", "Leg uit waarom het bronnenonderzoek voor dat doel nodig is."),
    "proportionaliteit": ("proportionality",
                          "Leg uit waarom de inbreuk op de privacy in verhouding staat tot het doel."),
    "subsidiariteit": ("subsidiarity",
                       "Leg uit waarom het doel niet met minder ingrijpende middelen te bereiken is."),
}


def _text_problems(answers: dict[str, str | None]) -> tuple[dict[str, str], list[FieldError]]:
    """Each answer present, in words of its own (at least a short sentence), and not a copy of
    another answer: a check filled with the same sentence four times checks nothing."""
    errors: list[FieldError] = []
    clean: dict[str, str] = {}
    seen: dict[str, str] = {}
    for name, (_, ask) in QUESTIONS.items():
        text = " ".join((answers.get(name) or "").split())
        if not text:
            errors.append(FieldError(name, "missing", f"Verplicht. {ask}"))
        elif len(text) > MAX_TEXT:
            errors.append(FieldError(name, "string_too_long", f"Te lang: maximaal {MAX_TEXT} tekens."))
        elif len(tokens(text)) < MIN_WORDS or len(set(tokens(text))) < 2:
            errors.append(FieldError(name, "te_summier", f"Te summier: antwoord in minstens een korte zin. {ask}"))
        elif " ".join(tokens(text)) in seen:
            errors.append(FieldError(name, "zelfde_antwoord", (
                f"Gelijk aan het antwoord bij '{seen[' '.join(tokens(text))]}'; beantwoord elke vraag apart. {ask}")))
        else:
            seen[" ".join(tokens(text))] = name
        clean[name] = text
    return clean, errors


def _basis_problems(catalogue: Catalogue, principal: Principal, code: str | None) -> list[FieldError]:
    if not code:
        return [FieldError("grondslag", "missing", "Kies de grondslag (GET /api/v1/grondslagen).")]
    basis = catalogue.legal_bases.get(code)
    if basis is None:
        return [FieldError("grondslag", "grondslag_onbekend",
                           f"Onbekende grondslag '{code}'; kies uit {', '.join(sorted(catalogue.legal_bases))}.")]
    if basis.partnertypen and principal.organisation_type not in basis.partnertypen:
        return [FieldError("grondslag", "grondslag_niet_voor_organisatie", (
            f"Op '{basis.naam}' kan een {principal.organisation_type} zich niet beroepen; die is voor "
            f"{', '.join(basis.partnertypen)}."))]
    return []


def _subjects(session: Session, principal: Principal, subject_ids: Sequence[Any] | None,
              errors: list[FieldError]) -> list[str]:
    """The subjects the check covers: visible subjects of the principal's municipality (a merged id
    stands for the subject it went into), each once."""
    if not subject_ids:
        errors.append(FieldError("subjecten", "missing", "Noem minstens één subject waarop het bronnenonderzoek "
                                                         "zich richt."))
        return []
    if len(subject_ids) > MAX_SUBJECTS:
        errors.append(FieldError("subjecten", "te_veel", f"Hoogstens {MAX_SUBJECTS} subjecten per toets."))
        return []
    out: list[str] = []
    for i, raw in enumerate(subject_ids):
        try:
            subject, _ = cards.visible_subject(session, principal, str(raw) if isinstance(raw, str) else "")
        except NotFound:
            errors.append(FieldError(f"subjecten[{i}]", "subject_onbekend",
                                     "Onbekend subject, of een subject dat u niet mag zien."))
            continue
        if subject.id in out:
            errors.append(FieldError(f"subjecten[{i}]", "dubbel", "Dit subject staat al eerder in de lijst."))
            continue
        out.append(subject.id)
    return out


def record_check_1(
    session: Session, principal: Principal, catalogue: Catalogue, *, pre_case_id: str | None = None,
    case_id: str | None = None, legal_basis: str | None, purpose: str | None, necessity: str | None,
    proportionality: str | None, subsidiarity: str | None, subject_ids: Sequence[Any] | None,
) -> PrivacyCheck:
    """Record privacy check 1 for a pre-case or a case of the principal's municipality. A pre-case
    or case it may not see is NotFound; a role without `privacytoets.vastleggen` Forbidden; every
    invalid field is named at once."""
    if (pre_case_id is None) == (case_id is None):
        raise ValueError("record_check_1 needs exactly one of pre_case_id and case_id")
    if not principal.can(rights.PRIVACY_CHECK) or not principal.municipality_code:
        raise Forbidden(NO_CHECK)
    if pre_case_id is not None:
        if session.scalar(select(PreCase.id).where(PreCase.id == str(pre_case_id),
                                                   pre_case_visible(principal))) is None:
            raise NotFound()
    else:
        case = session.scalar(select(Case).where(Case.id == str(case_id), case_visible(principal, catalogue)))
        if case is None:
            raise NotFound()
        if not sees_whole_case(principal, case):
            raise Forbidden("Privacytoets 1 legt de gemeente vast die de casus heeft geopend.")
    errors = _basis_problems(catalogue, principal, legal_basis)
    texts, text_errors = _text_problems({"doel": purpose, "noodzaak": necessity,
                                         "proportionaliteit": proportionality, "subsidiariteit": subsidiarity})
    errors += text_errors
    subjects = _subjects(session, principal, subject_ids, errors)
    if errors:
        raise ValidationFailed(errors)
    check = PrivacyCheck(
        stage=PRIVACY_CHECK_1, municipality_code=principal.municipality_code,
        organisation_id=principal.organisation_id, pre_case_id=pre_case_id, case_id=case_id,
        legal_basis=str(legal_basis), purpose=texts["doel"], necessity=texts["noodzaak"],
        proportionality=texts["proportionaliteit"], subsidiarity=texts["subsidiariteit"],
        by_user_id=principal.user_id, by_user_name=principal.name,
    )
    session.add(check)
    session.flush()
    session.add_all(PrivacyCheckSubject(check_id=check.id, subject_id=s) for s in subjects)
    logbook.record(
        session, principal, logbook.CREATE, object_type="privacytoets", object_id=check.id,
        purpose=texts["doel"][:300],
        details={"fase": PRIVACY_CHECK_1, "grondslag": check.legal_basis, "subjecten": subjects,
                 **({"vooronderzoek": pre_case_id} if pre_case_id else {"casus": case_id})},
    )
    session.flush()
    return check
