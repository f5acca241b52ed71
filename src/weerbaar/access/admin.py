"""The one write path for organisations and users (beheer)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from weerbaar.access.auth import hash_password, password_problems
from weerbaar.core import identifiers
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.errors import FieldError, ValidationFailed
from weerbaar.core.models import Organisation, User


def add_organisation(
    session: Session,
    catalogue: Catalogue,
    name: str,
    type_: str,
    municipality_code: str | None = None,
    contact_name: str | None = None,
    contact_email: str | None = None,
    contact_phone: str | None = None,
) -> Organisation:
    errors: list[FieldError] = []
    name = (name or "").strip()
    if not name:
        errors.append(FieldError("naam", "missing", "Geef de naam van de organisatie."))
    elif session.scalar(
        select(func.count()).select_from(Organisation).where(func.lower(Organisation.name) == name.lower())
    ):
        errors.append(FieldError("naam", "bestaat_al", f"Er bestaat al een organisatie '{name}'."))
    if type_ not in catalogue.organisation_types:
        errors.append(
            FieldError("type", "type_onbekend",
                       f"Onbekend organisatietype '{type_}'. Kies uit: {', '.join(catalogue.organisation_types)}.")
        )
    code = None
    if municipality_code:
        try:
            code = identifiers.gemeentecode(municipality_code)
        except identifiers.InvalidIdentifier as exc:
            errors.append(FieldError("gemeentecode", exc.code, exc.reason))
    elif type_ == "gemeente":
        errors.append(
            FieldError("gemeentecode", "missing", "Een gemeente heeft een gemeentecode (GM + 4 cijfers).")
        )
    if errors:
        raise ValidationFailed(errors)
    org = Organisation(
        name=name, type=type_, municipality_code=code, contact_name=contact_name,
        contact_email=contact_email, contact_phone=contact_phone,
    )
    session.add(org)
    session.flush()
    return org


def find_organisation(session: Session, name_or_id: str) -> Organisation | None:
    org = session.get(Organisation, name_or_id)
    if org is None:
        by_name = func.lower(Organisation.name) == name_or_id.strip().lower()
        org = session.scalars(select(Organisation).where(by_name)).first()
    return org


def add_user(
    session: Session,
    catalogue: Catalogue,
    email: str,
    name: str,
    organisation: str,
    role: str,
    password: str,
    check_strength: bool = True,
) -> User:
    errors: list[FieldError] = []
    email = (email or "").strip().lower()
    if "@" not in email or "." not in email.split("@")[-1]:
        errors.append(FieldError("email", "email_ongeldig", "Geef een geldig e-mailadres."))
    elif session.scalar(select(func.count()).select_from(User).where(User.email == email)):
        errors.append(FieldError("email", "bestaat_al", f"Er bestaat al een gebruiker {email}."))
    org = find_organisation(session, organisation) if organisation else None
    if org is None:
        errors.append(FieldError("organisatie", "organisatie_onbekend", f"Onbekende organisatie '{organisation}'."))
    rol = catalogue.roles.get(role)
    if rol is None:
        choices = ", ".join(catalogue.roles)
        errors.append(FieldError("rol", "rol_onbekend", f"Onbekende rol '{role}'. Kies uit: {choices}."))
    elif org is not None and rol.organisatietypen and org.type not in rol.organisatietypen:
        errors.append(
            FieldError("rol", "rol_past_niet",
                       f"De rol '{role}' is alleen voor organisaties van type {', '.join(rol.organisatietypen)}.")
        )
    if check_strength:
        errors += [FieldError("wachtwoord", "wachtwoord_zwak", p) for p in password_problems(password)]
    if errors:
        raise ValidationFailed(errors)
    assert org is not None
    user = User(email=email, name=(name or email).strip(), organisation_id=org.id, role=role,
                password_hash=hash_password(password))
    session.add(user)
    session.flush()
    return user
