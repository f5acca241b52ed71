"""The agreement document (convenant) of a five-B session as PDF: who was at the table and on
which legal basis, the picture shown (the stored snapshot, suppressed), the training outcome, the
priorities and strategies chosen with their reasons, the commitments with owner and deadline, the
previous session's commitments and their status, and a block for the signatures.

Built from `sessions.session_view`, so it holds exactly what the principal sees of the session
(a partner's copy shows other partners' responsible officials pseudonymised); logged as an export.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from weerbaar.access import logbook
from weerbaar.access.principal import Principal
from weerbaar.cases.report import FooterPdf, dutch_date, latin1
from weerbaar.cases.service import flow_of
from weerbaar.core.catalogue import Catalogue
from weerbaar.core.clock import AMSTERDAM, as_utc, now
from weerbaar.prevention import sessions
from weerbaar.prevention.sessions import STATES, SessionView


def _moment(value: datetime | None) -> str:
    return as_utc(value).astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M") if value else ""


def filename(view: SessionView) -> str:
    return f"convenant-beraad-{view.session.held_on.isoformat()}"


def render(view: SessionView, catalogue: Catalogue, *, at: datetime | None = None) -> bytes:
    ps = view.session
    flow = flow_of(catalogue)
    method = sessions.method_of(catalogue)
    pdf = FooterPdf(f"Convenant beraad {dutch_date(ps.held_on)} - {view.organisation.name}", f"Convenant {ps.title}")
    pdf.add_page()

    def text(value: str, size: float = 10, style: str = "", height: float = 5, indent: float = 0) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(0, height, latin1(value), align="L", new_x="LMARGIN", new_y="NEXT")

    def heading(value: str) -> None:
        pdf.ln(3)
        text(value, 13, "B", 7)

    text(f"Convenant: {ps.title}", 16, "B", 8)
    text(f"Vijf-B-beraad van {dutch_date(ps.held_on)}, belegd door {view.organisation.name}.", 11)
    if ps.signed_off_at:
        text(f"Ondertekend door {ps.signed_off_by_name} op {_moment(ps.signed_off_at)}.", 10)
    else:
        text("Concept: dit beraad is nog niet ondertekend.", 10, "I")
    text(f"Gemaakt op {_moment(at or now())}.", 9)

    heading(f"{method.phase_names['binden']}: deelnemers")
    if not view.participants:
        text("Geen deelnemers vastgelegd.")
    for p, org in view.participants:
        contact = ", ".join(x for x in (p.email, p.phone) if x)
        text(f"{p.name} - {org.name} ({method.roles.get(p.role, p.role)}){f'; {contact}' if contact else ''}", indent=3)
    agreements = view.phase("binden").note
    if agreements:
        text("Werkafspraken", 11, "B", 6)
        text(agreements, indent=3)
    text("Grondslagen", 11, "B", 6)
    if not view.bases:
        text("Geen grondslagen vastgelegd.", indent=3)
    for b, org in view.bases:
        basis = catalogue.legal_bases.get(b.legal_basis)
        line = f"{org.name}: {basis.naam if basis else b.legal_basis}"
        if basis:
            line += f" ({basis.vindplaats})"
        text(line + (f". {b.note}" if b.note else ""), indent=3)

    heading(f"{method.phase_names['boeien']}: het gedeelde beeld")
    pic = ps.picture
    if not pic:
        text("Het beeld is in dit beraad niet vastgelegd.")
    else:
        text(f"{pic['gemeente']}, signalen en treffers van {dutch_date(pic['vanaf'])} tot en met "
             f"{dutch_date(pic['tot'])}. Aantallen onder 5 zijn afgeschermd ('<5'; 'x' waar anders terug te "
             "rekenen).", 9, "I")
        total = pic["totaal"]
        text(f"Totaal: {total['signalen']} signalen en {total['treffers']} treffers op {total['adressen']} adressen.")
        text("Per fenomeen", 11, "B", 6)
        for f in pic["fenomenen"]:
            trend = f" - {f['richting']}" if f.get("richting") else ""
            text(f"{f['naam']}: {f['signalen']} signalen, {f['treffers']} treffers{trend}", indent=3)
        text("Per wijk", 11, "B", 6)
        for w in pic["wijken"]:
            per = f", {w['signalenPer1000']} per 1.000 adressen" if w.get("signalenPer1000") is not None else ""
            text(f"{w['naam']}: {w['signalen']} signalen{per}", indent=3)

    heading(f"{method.phase_names['bekwamen']}: training")
    bekwamen = view.phase("bekwamen")
    outcome = view.training
    if outcome is not None:
        text(f"Trainingsronde '{outcome.title}': {outcome.players} deelnemers, {outcome.right} van "
             f"{outcome.answers} antwoorden goed.")
        for name, n, right in outcome.per_phenomenon:
            text(f"{name}: {right} van {n} goed", indent=3)
    if bekwamen.note or outcome is None:
        text(bekwamen.note or "Er is in dit beraad geen training vastgelegd.")

    heading(f"{method.phase_names['bepalen']}: prioriteiten en strategieën")
    if view.tally.ballots:
        text(f"{view.tally.ballots} deelnemers stemden. Fenomenen ({sessions.points_rule(catalogue)}): "
             + "; ".join(f"{r.name} {r.points}" for r in view.tally.phenomena) + ".", 9)
        if view.tally.strategies:
            text("Strategieën (stemmen): " + "; ".join(f"{r.name} {r.points}" for r in view.tally.strategies) + ".", 9)
        for tie in view.tally.ties:
            text(tie, 9, "I")
    if not view.priorities:
        text("Geen prioriteiten vastgelegd.")
    names = {**{c: p.naam for c, p in catalogue.phenomena.items()}, **sessions.strategies(catalogue)}
    for pr in view.priorities:
        label = "Prioriteit" if pr.kind == "fenomeen" else "Strategie"
        text(f"{label}: {names.get(pr.code, pr.code)}", 10, "B", indent=3)
        text(pr.reason, indent=6)

    heading(f"{method.phase_names['beklinken']}: afspraken")
    if not view.commitments:
        text("Geen afspraken vastgelegd.")
    for a in view.commitments:
        text(f"{a.organisation_name} - {a.action.description}", 10, "B", indent=3)
        text(f"Verantwoordelijke: {a.responsible_shown}. Deadline: {dutch_date(a.action.deadline)}. "
             f"Status: {flow.actiestatussen.get(a.status, a.status)}.", indent=6)
    if view.previous is not None:
        text(f"Afspraken uit het vorige beraad ({view.previous.title}, {dutch_date(view.previous.held_on)})",
             11, "B", 6)
        if not view.previous_commitments:
            text("Geen afspraken uit het vorige beraad die u mag zien.", indent=3)
        for a in view.previous_commitments:
            late = " - verlopen" if a.overdue else ""
            text(f"{a.organisation_name}: {a.action.description} (deadline {dutch_date(a.action.deadline)}; "
                 f"{flow.actiestatussen.get(a.status, a.status)}{late})", indent=3)

    heading("Ondertekening")
    text("De partners hieronder onderschrijven de prioriteiten en nemen de afspraken op zich die op hun naam staan.", 9)
    pdf.ln(2)
    for org in view.organisations:
        people = ", ".join(p.name for p, o in view.participants if o.id == org.id)
        if pdf.get_y() > pdf.h - 45:
            pdf.add_page()
        text(f"Namens {org.name} ({people})", 10, "B")
        text("Naam: ______________________________   Datum: ______________   Handtekening: ______________________", 9)
        pdf.ln(3)
    text("Fasen: " + ", ".join(f"{p.name} {STATES[p.state].lower()}" for p in view.phases) + ".", 8, "I")
    return bytes(pdf.output())


def agreement_pdf(session: Session, principal: Principal, catalogue: Catalogue, session_id: str) -> tuple[bytes, str]:
    """The document and its file name; logged as an export of the session."""
    view = sessions.session_view(session, principal, catalogue, session_id, log=False)
    body = render(view, catalogue)
    logbook.record(session, principal, logbook.EXPORT, object_type="beraad", object_id=view.session.id,
                   purpose="convenant beraad maken", details={"formaat": "pdf"})
    return body, filename(view)
