"""The published indicators against the cases they describe and their legitimate look-alikes.

Three small towns, one per theme (housing, property, companies), each imported as partner
extracts and analysed by the real run. Every indicator must fire on its case, with the real
figures in its Dutch explanation and on the right subject, and stay quiet on the look-alikes:
the big family, the student house, a tenant change, an elderly cash buyer, an investor with
mortgages, a holding with its working companies, a business centre, a mixed shopping street.
(The energy indicators are in test_detect_energy.py.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from weerbaar.detect.models import IndicatorHit
from weerbaar.ingest.models import SourceRecord
from weerbaar.resolve.models import SubjectLink

from .detect_world import Town, analyse, hits, rule_hits, today, years_ago
from .world import World


def bag(n: int) -> str:
    return f"9990200000{n:06d}"


def days_ago(days: int) -> date:
    return today() - timedelta(days=days)


def dmy(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def subject_of(world: World, source: str, key: str, role: str) -> str:
    """The subject the linking run gave the person or company one current record mentions."""
    with world.runtime.db.session() as s:
        found = s.scalars(
            select(SubjectLink.subject_id).join(SourceRecord, SourceRecord.id == SubjectLink.record_id)
            .where(SourceRecord.source == source, SourceRecord.record_key == key,
                   SourceRecord.superseded_at.is_(None), SubjectLink.role == role)
        ).all()
    assert len(found) == 1, (source, key, role, found)
    return found[0]


FIRST = ("Anna", "Bram", "Cor", "Dirk", "Eva", "Fleur", "Gert", "Hanna", "Ivo", "Joris", "Karin", "Lars",
         "Mila", "Noor", "Otto", "Petra", "Quinten", "Rosa", "Stijn", "Tess", "Umut", "Vera", "Wouter",
         "Yara", "Zeynep", "Bilal", "Chantal", "Duco", "Esra", "Floris", "Gijs", "Ilse", "Jesse", "Kim",
         "Lotte", "Maarten", "Nadia")  # 37 names
SURNAMES = ("Bakker", "Jansen", "Visser", "Smit", "Meijer", "Mulder", "Boer", "Bos", "Vos", "Peters",
            "Hendriks", "Dekker", "Brouwer", "Wit", "Dijkstra", "Smits", "Graaf", "Meer", "Kok", "Jacobs",
            "Haan", "Vermeulen", "Heuvel", "Veen", "Broek", "Bruijn", "Bergman", "Kuipers", "Yilmaz",
            "Kaya", "Schouten", "Willems", "Hoekstra", "Koster", "Prins", "Huisman", "Maas", "Postma",
            "Kramer", "Blom", "Verbeek")  # 41 names: with 37 first names, every pair differs in both


@dataclass
class Cast:
    """Residents with real-looking, distinct names: people who share an address never look like
    one person with a typo (the linking would rightly merge 'Arbeider1' and 'Arbeider2')."""

    town: Town
    count: int = 0

    def add(self, adres_id: str, born: date, since: date, until: date | None = None,
            surname: str | None = None) -> str:
        i = self.count
        self.count += 1
        pid = f"brp{i}"
        self.town.person(pid, FIRST[i % len(FIRST)], surname or SURNAMES[i % len(SURNAMES)],
                         born - timedelta(days=i), adres_id, since, until)
        return pid


def quiet(found: dict[str, IndicatorHit], *targets: str) -> None:
    loud = {t: found[t].explanation for t in targets if t in found}
    assert not loud, loud


# ---------------------------------------------------------------------------------------------
# Housing: overcrowding, short stays, agency homes, holiday parks, vacancy, tenants.
# ---------------------------------------------------------------------------------------------
CROWDED, BIG_FAMILY, STUDENTS, TENANT_CHANGE = bag(300001), bag(300002), bag(300003), bag(300004)
SHORT_STAYS, STUDENTS_YEARS = bag(300005), bag(300006)
AGENCY_OFFICE, AGENCY_CROWDED, AGENCY_NORM = bag(300010), bag(300011), bag(300012)
CHALET_ALONE, CHALET_COUPLE, CHALET_CHURN, PARK_MANAGER = bag(300020), bag(300021), bag(300022), bag(300023)
VACANT, JUST_VACATED, HOME_OFFICE = bag(300030), bag(300031), bag(300032)
SUBLET, SUBLET_HOME, TENANT_HOME, NEW_LET, NEW_LET_OLD = (bag(300040 + i) for i in range(5))
KEPT_RENT, KEPT_BOUGHT, MOVED_RENT, MOVED_BOUGHT, ENDED_RENT, ENDED_BOUGHT = (bag(300050 + i) for i in range(6))
PARK = "Recreatiepark De Wildwal"
AGENCY = ("78200001", "Flex Uitzend Partners B.V.")


def housing_town(folder: Path) -> Town:
    t = Town(folder)
    cast = Cast(t)
    # I-IN-01: six adults at once on 42 m² (case); a family of two adults and six children on
    # 190 m²; six students on 110 m²; a couple that left a 42 m² flat and the couple after them.
    t.address(CROWDED, m2=42)
    for i in range(6):
        cast.add(CROWDED, years_ago(24 + 3 * i), days_ago(240 + 10 * i))
    t.address(BIG_FAMILY, m2=190)
    for i in range(8):
        cast.add(BIG_FAMILY, years_ago(44 - i) if i < 2 else years_ago(2 + 2 * i), years_ago(9), surname="Groot")
    t.address(STUDENTS, m2=110)
    for i in range(6):
        cast.add(STUDENTS, years_ago(20 + i / 3), days_ago(200 + 150 * i))
    t.address(TENANT_CHANGE, m2=42)
    for i in range(2):
        cast.add(TENANT_CHANGE, years_ago(45 + i), years_ago(7), days_ago(150))
        cast.add(TENANT_CHANGE, years_ago(30 + i), days_ago(120))
    # I-IN-02: four people registered for two to four months each in the past two years, next to
    # one long-term resident (case); a student house where students stay years, one left early.
    t.address(SHORT_STAYS, m2=70)
    cast.add(SHORT_STAYS, years_ago(58), years_ago(12))
    for i, (start, days) in enumerate([(600, 70), (480, 100), (300, 90), (160, 120)]):
        cast.add(SHORT_STAYS, years_ago(28 + i), days_ago(start), days_ago(start - days))
    t.address(STUDENTS_YEARS, m2=125)
    for i in range(5):
        cast.add(STUDENTS_YEARS, years_ago(20 + i / 2), days_ago(100 + 200 * i))
    for i, (start, end) in enumerate([(1500, 500), (1300, 350), (1200, 90)]):
        cast.add(STUDENTS_YEARS, years_ago(24 + i / 2), days_ago(start), days_ago(end))
    cast.add(STUDENTS_YEARS, years_ago(22), days_ago(400), days_ago(250))  # an exchange student
    # I-MH-01: an employment agency (SBI 7820) bought a 60 m² home where seven workers were
    # registered this past year (case), and a 100 m² home for four workers, one of whom left
    # after a year and a half (look-alike).
    t.address(AGENCY_OFFICE, use="kantoorfunctie", m2=200, street="Industrieweg")
    t.company(AGENCY[0], AGENCY[1], "7820", AGENCY_OFFICE, years_ago(9))
    t.address(AGENCY_CROWDED, m2=60)
    t.sale("KAD-H1", AGENCY_CROWDED, days_ago(540), 240_000, "nee", company=AGENCY)
    workers: list[tuple[int, int | None]] = [(330, 150), (300, None), (280, 60), (200, None), (150, None),
                                             (120, None), (90, None)]  # (arrived, left: days ago)
    for i, (arrived, left) in enumerate(workers):
        cast.add(AGENCY_CROWDED, years_ago(25 + i), days_ago(arrived), days_ago(left) if left else None)
    t.address(AGENCY_NORM, m2=100)
    t.sale("KAD-H2", AGENCY_NORM, years_ago(3), 310_000, "ja", company=AGENCY)
    for i in range(4):
        cast.add(AGENCY_NORM, years_ago(30 + i), years_ago(2))
    cast.add(AGENCY_NORM, years_ago(35), years_ago(2), days_ago(90))
    # I-VP-01/02: chalets (no woonfunctie) on a holiday park: one person for two years, a couple
    # who moved in together, three tenants one after the other; the manager's dwelling, where
    # seasonal staff lodged too.
    for chalet in (CHALET_ALONE, CHALET_COUPLE, CHALET_CHURN):
        t.address(chalet, use="logiesfunctie", m2=45, park=PARK, street="Wildwal")
    t.address(PARK_MANAGER, use="woonfunctie", m2=120, park=PARK, street="Wildwal")
    cast.add(CHALET_ALONE, years_ago(61), days_ago(730))
    cast.add(CHALET_COUPLE, years_ago(55), days_ago(365), surname="Samenwonend")
    cast.add(CHALET_COUPLE, years_ago(57), days_ago(365), surname="Samenwonend")
    stays: list[tuple[int, int | None]] = [(600, 480), (450, 300), (270, None)]
    for i, (arrived, left) in enumerate(stays):
        cast.add(CHALET_CHURN, years_ago(33 + i), days_ago(arrived), days_ago(left) if left else None)
    for i in range(2):
        cast.add(PARK_MANAGER, years_ago(50 - 2 * i), years_ago(6), surname="Parkbeheer")
    for start, end in [(700, 600), (500, 420)]:
        cast.add(PARK_MANAGER, years_ago(22), days_ago(start), days_ago(end))
    # I-LE-01: nobody registered for a year (case); left two months ago; a home office.
    t.address(VACANT)
    cast.add(VACANT, years_ago(70), years_ago(20), days_ago(400))
    t.address(JUST_VACATED)
    cast.add(JUST_VACATED, years_ago(66), years_ago(15), days_ago(60))
    t.address(HOME_OFFICE)
    cast.add(HOME_OFFICE, years_ago(52), years_ago(10), days_ago(300))
    t.company("45670001", "Adviesbureau Thuiswerker", "7022", HOME_OFFICE, years_ago(4), form="eenmanszaak")
    # I-HU-02: a tenant registered with her partner elsewhere, nobody at the rented home (case);
    # a tenant who lives in her rented home; a tenant who got the keys a month ago.
    for a in (SUBLET, TENANT_HOME, NEW_LET):
        t.address(a, m2=65)
    t.address(SUBLET_HOME, m2=130, buurt="BU99900102")
    t.address(NEW_LET_OLD, m2=70)
    sanne, fatma, joost = (("Sanne", "Onderverhuur", years_ago(41)), ("Fatma", "Bewoonster", years_ago(37)),
                           ("Joost", "Nieuwkomer", years_ago(29)))
    t.tenancy("HUUR-1", SUBLET, *sanne, years_ago(4))
    t.person("sanne", *sanne, SUBLET_HOME, years_ago(3))
    cast.add(SUBLET_HOME, years_ago(43), years_ago(8))  # her partner
    t.tenancy("HUUR-2", TENANT_HOME, *fatma, years_ago(6))
    t.person("fatma", *fatma, TENANT_HOME, years_ago(6))
    t.tenancy("HUUR-3", NEW_LET, *joost, days_ago(30))
    t.person("joost", *joost, NEW_LET_OLD, years_ago(5))
    # I-HU-01: a tenant who bought a home a year ago and still rents (case); one who ended the
    # tenancy two months after buying; one who kept renting 300 days and then ended it (case).
    for a in (KEPT_RENT, MOVED_RENT, ENDED_RENT, KEPT_BOUGHT, MOVED_BOUGHT, ENDED_BOUGHT):
        t.address(a, m2=75)
    tenants = {"kept": ("Ahmet", "Dubbelhuis", years_ago(44)), "moved": ("Linda", "Verhuizer", years_ago(39)),
               "ended": ("Pieter", "Laatopzegger", years_ago(50))}
    t.tenancy("HUUR-4", KEPT_RENT, *tenants["kept"], years_ago(9))
    t.person("ahmet", *tenants["kept"], KEPT_RENT, years_ago(9))
    t.sale("KAD-H4", KEPT_BOUGHT, days_ago(365), 330_000, "ja", person=tenants["kept"])
    t.tenancy("HUUR-5", MOVED_RENT, *tenants["moved"], years_ago(7), days_ago(305))
    t.person("linda", *tenants["moved"], MOVED_BOUGHT, days_ago(305))
    t.sale("KAD-H5", MOVED_BOUGHT, days_ago(365), 295_000, "ja", person=tenants["moved"])
    t.tenancy("HUUR-6", ENDED_RENT, *tenants["ended"], years_ago(10), days_ago(430))
    t.person("pieter", *tenants["ended"], ENDED_BOUGHT, days_ago(430))
    t.sale("KAD-H6", ENDED_BOUGHT, days_ago(730), 280_000, "ja", person=tenants["ended"])
    return t


def test_housing_indicators_fire_on_their_cases_only(world: World, tmp_path: Path) -> None:
    housing_town(tmp_path / "bronnen").load(world)
    analyse(world)

    crowded = hits(world, "I-IN-01")
    assert CROWDED in crowded
    assert crowded[CROWDED].evidence["volwassenen"] == 6
    assert "6 volwassenen" in crowded[CROWDED].explanation and "42 m²" in crowded[CROWDED].explanation
    assert f"tegelijk op {dmy(days_ago(240))}: 7 m² per volwassene" in crowded[CROWDED].explanation
    quiet(crowded, BIG_FAMILY, STUDENTS, TENANT_CHANGE, STUDENTS_YEARS, AGENCY_NORM)

    short = hits(world, "I-IN-02")
    assert set(short) == {SHORT_STAYS}, {k: v.explanation for k, v in short.items()}
    assert short[SHORT_STAYS].evidence["kort"] == 4
    assert "4 mensen" in short[SHORT_STAYS].explanation and "gemiddeld na 95 dagen" in short[SHORT_STAYS].explanation

    agency = hits(world, "I-MH-01")
    assert set(agency) == {AGENCY_CROWDED}, {k: v.explanation for k, v in agency.items()}
    sentence = agency[AGENCY_CROWDED].explanation
    assert AGENCY[1] in sentence and "(eigendom)" in sentence, sentence
    assert "7 volwassenen" in sentence and "60 m²" in sentence and "8,6 m² per volwassene" in sentence, sentence

    chalet = hits(world, "I-VP-01")
    assert set(chalet) == {CHALET_ALONE, CHALET_COUPLE, CHALET_CHURN}, {k: v.explanation for k, v in chalet.items()}
    assert chalet[CHALET_COUPLE].evidence["bewoners"] == 2
    assert PARK in chalet[CHALET_ALONE].explanation and dmy(days_ago(730)) in chalet[CHALET_ALONE].explanation
    churn = hits(world, "I-VP-02")
    assert set(churn) == {CHALET_CHURN}, {k: v.explanation for k, v in churn.items()}
    assert churn[CHALET_CHURN].explanation.startswith("3 keer nieuwe bewoners"), churn[CHALET_CHURN].explanation

    vacant = hits(world, "I-LE-01")
    assert VACANT in vacant
    assert f"sinds {dmy(days_ago(400))} niemand meer ingeschreven" in vacant[VACANT].explanation
    quiet(vacant, JUST_VACATED, HOME_OFFICE, CHALET_ALONE, PARK_MANAGER, CROWDED, TENANT_CHANGE)

    sublet = hits(world, "I-HU-02")
    assert set(sublet) == {SUBLET}, {k: v.explanation for k, v in sublet.items()}
    assert dmy(years_ago(4)) in sublet[SUBLET].explanation and "BU99900102" in sublet[SUBLET].explanation

    bought = hits(world, "I-HU-01")
    ahmet = subject_of(world, "personen", "ahmet", "persoon")
    pieter = subject_of(world, "personen", "pieter", "persoon")
    assert ahmet == subject_of(world, "huurcontracten", "HUUR-4", "huurder")
    assert ahmet == subject_of(world, "transacties", "KAD-H4", "koper")
    assert set(bought) == {ahmet, pieter}, {k: v.explanation for k, v in bought.items()}
    assert bought[ahmet].target_kind == "persoon"
    kept = bought[ahmet].explanation
    assert dmy(years_ago(9)) in kept and dmy(days_ago(365)) in kept and "365 dagen" in kept and "loopt nog" in kept
    ended = bought[pieter].explanation
    assert "300 dagen" in ended and f"beëindigd op {dmy(days_ago(430))}" in ended, ended
    assert "loopt nog" not in ended, ended


# ---------------------------------------------------------------------------------------------
# Property: unexplained purchases, cash series, quick resales.
# ---------------------------------------------------------------------------------------------
def property_town(folder: Path) -> tuple[Town, dict[str, tuple[str, str, date]], date]:
    t = Town(folder)
    for n in range(400001, 400031):
        t.address(bag(n), m2=110, street="Villapark")
    # A purchase on 10 March last year: a buyer born in September is a year younger than the
    # difference of the years says.
    march = date(today().year - 1, 3, 10)
    buyers = {
        "young": ("Daan", "Jongkoper", date(march.year - 25, 9, 20)),  # 24 at the purchase
        "almost30": ("Lotte", "Bijnadertig", date(march.year - 30, 11, 1)),  # 29 at the purchase
        "elderly": ("Wilhelmina", "Kleinerwonen", date(march.year - 72, 2, 1)),
        "mortgage": ("Sem", "Hypotheeknemer", date(march.year - 26, 1, 15)),
        "cheap": ("Julia", "Starter", date(march.year - 23, 5, 5)),
        "series": ("Kees", "Contant", years_ago(47)),
        "spread": ("Frank", "Spaarzaam", years_ago(61)),
        "flipper": ("Ronald", "Doorverkoop", years_ago(39)),
        "patient": ("Marjan", "Langbezit", years_ago(52)),
        "chain_a": ("Arie", "Eerstekoper", years_ago(44)),
        "chain_b": ("Bas", "Tweedekoper", years_ago(36)),
        "chain_c": ("Cora", "Eindkoper", years_ago(31)),
        "later": ("Dewi", "Latekoper", years_ago(33)),
    }
    t.person("daan", *buyers["young"], bag(400001), march)
    t.person("kees", *buyers["series"], bag(400030), years_ago(15))
    # I-VG-01: young buyers paying a lot without a mortgage (cases); an elderly buyer paying cash,
    # a young buyer with a mortgage, a young buyer of a cheap flat.
    t.sale("KAD-V1", bag(400001), march, 420_000, "nee", person=buyers["young"])
    t.sale("KAD-V2", bag(400002), march, 265_000, "nee", person=buyers["almost30"])
    t.sale("KAD-V3", bag(400003), march, 380_000, "nee", person=buyers["elderly"])
    t.sale("KAD-V4", bag(400004), march, 390_000, "ja", person=buyers["mortgage"])
    t.sale("KAD-V5", bag(400005), march, 150_000, "nee", person=buyers["cheap"])
    # I-VG-02: three cash purchases within a year (case); an investor company buying four homes
    # with a mortgage within a year; three cash purchases spread over three years.
    for i, ago in enumerate((300, 200, 90)):
        t.sale(f"KAD-S{i}", bag(400010 + i), days_ago(ago), 250_000 + 10_000 * i, "nee", person=buyers["series"])
    for i, ago in enumerate((330, 250, 170, 60)):
        t.sale(f"KAD-I{i}", bag(400013 + i), days_ago(ago), 300_000, "ja",
               company=("62000001", "Belegging Solide B.V."))
    for i, ago in enumerate((1200, 700, 200)):
        t.sale(f"KAD-P{i}", bag(400017 + i), days_ago(ago), 260_000, "nee", person=buyers["spread"])
    # I-VG-03: bought and resold 212 days later for 25 % more (case); resold after six years for
    # 60 % more; a chain where A sells on at cost and B resells for 25 % more (only B is a case).
    t.sale("KAD-F1", bag(400020), days_ago(300), 300_000, "ja", person=buyers["flipper"])
    t.sale("KAD-F2", bag(400020), days_ago(88), 375_000, "ja", person=buyers["later"], seller="R. Doorverkoop")
    t.sale("KAD-L1", bag(400021), years_ago(6), 250_000, "ja", person=buyers["patient"])
    t.sale("KAD-L2", bag(400021), days_ago(30), 400_000, "ja", person=buyers["later"], seller="M. Langbezit")
    t.sale("KAD-C1", bag(400022), days_ago(330), 280_000, "ja", person=buyers["chain_a"])
    t.sale("KAD-C2", bag(400022), days_ago(270), 280_000, "ja", person=buyers["chain_b"], seller="A. Eerstekoper")
    t.sale("KAD-C3", bag(400022), days_ago(60), 350_000, "ja", person=buyers["chain_c"], seller="B. Tweedekoper")
    return t, buyers, march


def test_property_indicators_fire_on_their_cases_only(world: World, tmp_path: Path) -> None:
    town, _, march = property_town(tmp_path / "bronnen")
    town.load(world)
    analyse(world)

    def buyer(transaction: str) -> str:
        return subject_of(world, "transacties", transaction, "koper")

    young = hits(world, "I-VG-01")
    daan = buyer("KAD-V1")
    assert daan == subject_of(world, "personen", "daan", "persoon")
    assert set(young) == {daan, buyer("KAD-V2")}, {k: v.explanation for k, v in young.items()}
    assert young[daan].target_kind == "persoon"
    assert young[daan].explanation == (
        f"Kocht op {dmy(march)} op 24-jarige leeftijd een pand voor € 420.000 zonder hypotheek (transactie KAD-V1).")
    assert "29-jarige" in young[buyer("KAD-V2")].explanation

    series = hits(world, "I-VG-02")
    kees = buyer("KAD-S0")
    assert kees == buyer("KAD-S1") == buyer("KAD-S2") == subject_of(world, "personen", "kees", "persoon")
    assert set(series) == {kees}, {k: v.explanation for k, v in series.items()}
    assert series[kees].explanation == (
        f"3 aankopen zonder hypotheek binnen een jaar vanaf {dmy(days_ago(300))}, samen € 780.000.")
    investor = buyer("KAD-I0")
    assert investor.startswith("B-") and investor not in series

    resale = hits(world, "I-VG-03")
    flipper, chain_b = buyer("KAD-F1"), buyer("KAD-C2")
    assert set(resale) == {flipper, chain_b}, {k: v.explanation for k, v in resale.items()}
    assert resale[flipper].explanation == (
        "Kocht een pand voor € 300.000 en verkocht het 212 dagen later voor € 375.000 (25 % meer).")
    assert "210 dagen later voor € 350.000" in resale[chain_b].explanation


# ---------------------------------------------------------------------------------------------
# Companies: straw men, company churn, mailbox homes, cash-intensive clusters, care companies.
# ---------------------------------------------------------------------------------------------
HENK_HOME, WILLEM_HOME, GERRIT_HOME, MAILBOX_HOME = bag(500001), bag(500002), bag(500003), bag(500004)
CHURN_SHOP, BUSINESS_CENTRE, CARE_OFFICE, BARBER = bag(500010), bag(500011), bag(500012), bag(500013)
KERKSTRAAT = [bag(500020 + i) for i in range(6)]
MARKTPLEIN = [bag(500030 + i) for i in range(9)]
STRAW_FIRMS = [(913, 610, "Bouwbedrijf Snel B.V.", "4120"), (670, 365, "Schoonmaak Direct B.V.", "8121"),
               (425, 90, "Transport Vlot B.V.", "4941")]  # (registered, deregistered: days ago)


def companies_town(folder: Path) -> Town:
    t = Town(folder)
    for a in (HENK_HOME, WILLEM_HOME, GERRIT_HOME, MAILBOX_HOME):
        t.address(a, m2=95)
    t.address(CHURN_SHOP, use="winkelfunctie", m2=80, street="Stationsweg")
    t.address(BUSINESS_CENTRE, use="kantoorfunctie", m2=2400, street="Kantorenpark")
    t.address(CARE_OFFICE, use="kantoorfunctie", m2=150, street="Zorgplein")
    t.address(BARBER, use="winkelfunctie", m2=60, street="Dorpsstraat")
    for a in KERKSTRAAT:
        t.address(a, use="winkelfunctie", m2=90, street="Kerkstraat")
    for a in MARKTPLEIN:
        t.address(a, use="winkelfunctie", m2=90, street="Marktplein")
    henk, willem, gerrit = (("Henk", "Stroman", years_ago(34)), ("Willem", "Holdingman", years_ago(57)),
                            ("Gerrit", "Oudfaal", years_ago(62)))
    t.person("henk", *henk, HENK_HOME, years_ago(5))
    t.person("willem", *willem, WILLEM_HOME, years_ago(20))
    t.person("gerrit", *gerrit, GERRIT_HOME, years_ago(30))
    # I-KV-01: three companies founded in the past three years that died within a year (case);
    # a holding with working companies for years and one failed start-up; three failures long ago.
    for i, (start, end, name, sbi) in enumerate(STRAW_FIRMS):
        t.address(bag(500040 + i), use="kantoorfunctie", m2=40, street=f"Bedrijfsweg{i}")
        t.company(f"5100000{i}", name, sbi, bag(500040 + i), days_ago(start), days_ago(end))
        t.officer(f"5100000{i}", *henk, days_ago(start), days_ago(end))
    for i, (years, name, sbi, form) in enumerate([(12, "Holding Holdingman B.V.", "6420", "bv"),
                                                  (11, "Installatietechniek Holdingman B.V.", "4321", "bv"),
                                                  (8, "Holdingman Advies", "7022", "eenmanszaak")]):
        t.company(f"5200000{i}", name, sbi, WILLEM_HOME, years_ago(years), form=form)
        t.officer(f"5200000{i}", *willem, years_ago(years))
    t.company("52000009", "Holdingman Online B.V.", "4791", CHURN_SHOP, years_ago(2.9), years_ago(2.4))
    t.officer("52000009", *willem, years_ago(2.9), years_ago(2.4))
    for i, founded in enumerate((6.0, 5.6, 5.2)):
        t.company(f"5300000{i}", f"Oudfaal Handel {i + 1} B.V.", "4690", GERRIT_HOME, years_ago(founded),
                  years_ago(founded - 0.5))
        t.officer(f"5300000{i}", *gerrit, years_ago(founded), years_ago(founded - 0.5))
    # I-KV-02: four companies came and went at one shop in under three years (case, with the
    # failed start-up above that makes it five); a business centre with long-lived tenants.
    for i, start in enumerate((1030, 790, 550, 300)):
        t.company(f"5400000{i}", f"Stationszaak {i + 1} B.V.", "4719", CHURN_SHOP, days_ago(start),
                  days_ago(start - 200))
    t.company("54000009", "Stationszaak Nieuw B.V.", "4719", CHURN_SHOP, days_ago(60))
    for i in range(8):
        t.company(f"5500000{i}", f"Kantoorhuurder {i + 1} B.V.", "6920", BUSINESS_CENTRE, years_ago(4 + i % 6))
    t.company("55000008", "Kantoor Kortstondig B.V.", "6920", BUSINESS_CENTRE, years_ago(2), years_ago(1.2))
    t.company("55000009", "Kantoor Vertrokken B.V.", "6920", BUSINESS_CENTRE, years_ago(9), years_ago(3))
    # I-KV-03: five companies on one ordinary home (case); the holding at Willem's home has three.
    for i in range(5):
        t.company(f"5600000{i}", f"Briefbus Beheer {i + 1} B.V.", "6420", MAILBOX_HOME, days_ago(700 - 100 * i))
    # I-KV-04: four of the six businesses in the Kerkstraat handle a lot of cash, one of them
    # registered with the five-digit subclass 56101 (restaurants) as the KvK delivers it (case);
    # four of nine in the Marktplein (look-alike).
    kerk = [("Restaurant De Kerk", "56101"), ("Barbershop Kerk", "9602"), ("Autopoets Kerk", "4520"),
            ("Shishalounge Kerk", "5630"), ("Boekhandel Kerk", "4761"), ("Notariskantoor Kerk", "6910")]
    for i, (a, (name, sbi)) in enumerate(zip(KERKSTRAAT, kerk, strict=True)):
        t.company(f"5700000{i}", name, sbi, a, years_ago(3 + i))
    markt = [("Eetcafé Markt", "5610"), ("Kapper Markt", "9602"), ("Minimarkt Markt", "4711"),
             ("Juwelier Markt", "4777"), ("Boekhandel Markt", "4761"), ("Advocaat Markt", "6910"),
             ("Tandarts Markt", "8623"), ("Computerwinkel Markt", "4741"), ("Opticien Markt", "4778")]
    for i, (a, (name, sbi)) in enumerate(zip(MARKTPLEIN, markt, strict=True)):
        t.company(f"5800000{i}", name, sbi, a, years_ago(2 + i))
    # I-ZG-01: a care company whose director owns a barbershop (SBI 96021, case); one whose
    # director runs a dental practice; one whose director sold his snack bar two years ago.
    ahmed, marieke, piet = (("Ahmed", "Bennani", years_ago(45)), ("Marieke", "Tandwijk", years_ago(49)),
                            ("Piet", "Oudsnack", years_ago(58)))
    for kvk, name, sbi, owner in [("59000001", "Zorg met Hart B.V.", "8810", ahmed),
                                  ("59000002", "Thuiszorg Goed B.V.", "8810", marieke),
                                  ("59000003", "Begeleiding Vooruit B.V.", "8899", piet)]:
        t.company(kvk, name, sbi, CARE_OFFICE, years_ago(3))
        t.officer(kvk, *owner, years_ago(3))
    t.company("59000011", "Barbershop Fade", "96021", BARBER, years_ago(4), form="eenmanszaak")
    t.officer("59000011", *ahmed, years_ago(4), function="eigenaar")
    t.company("59000012", "Tandartspraktijk Tandwijk", "8623", bag(500050), years_ago(15))
    t.address(bag(500050), use="gezondheidszorgfunctie", m2=140, street="Zorgplein")
    t.officer("59000012", *marieke, years_ago(15))
    t.address(bag(500051), use="winkelfunctie", m2=70, street="Hoekweg")
    t.company("59000013", "Snackbar De Hoek", "5610", bag(500051), years_ago(12))
    t.officer("59000013", *piet, years_ago(12), years_ago(2), function="eigenaar")
    t.officer("59000013", "Nieuwe", "Snackeigenaar", years_ago(40), years_ago(2), function="eigenaar")
    return t


def test_company_indicators_fire_on_their_cases_only(world: World, tmp_path: Path) -> None:
    companies_town(tmp_path / "bronnen").load(world)
    analyse(world)

    straw = hits(world, "I-KV-01")
    henk = subject_of(world, "personen", "henk", "persoon")
    assert set(straw) == {henk}, {k: v.explanation for k, v in straw.items()}
    assert straw[henk].target_kind == "persoon"
    average = round(sum(start - end for start, end, _, _ in STRAW_FIRMS) / 3)
    names = ", ".join(name for _, _, name, _ in STRAW_FIRMS)
    assert straw[henk].explanation == (
        f"Functionaris van 3 bedrijven die in de afgelopen drie jaar werden opgericht, waarvan 3 binnen twee jaar "
        f"weer verdwenen (gemiddeld na {average} dagen): {names}")

    churn = hits(world, "I-KV-02")
    assert set(churn) == {CHURN_SHOP}, {k: v.explanation for k, v in churn.items()}
    assert churn[CHURN_SHOP].evidence["bedrijven"] == 5
    assert churn[CHURN_SHOP].explanation.startswith(
        "5 bedrijven die hier in drie jaar werden ingeschreven en binnen twee jaar verdwenen: Holdingman Online B.V., "
        "Stationszaak 1 B.V., Stationszaak 2 B.V."), churn[CHURN_SHOP].explanation

    mailbox = hits(world, "I-KV-03")
    assert set(mailbox) == {MAILBOX_HOME}, {k: v.explanation for k, v in mailbox.items()}
    assert mailbox[MAILBOX_HOME].explanation == (
        "5 bestaande bedrijven ingeschreven op deze woning, zonder dat een bestuurder of eigenaar er woont: "
        + ", ".join(f"Briefbus Beheer {i} B.V." for i in range(1, 6)))

    cash = hits(world, "I-KV-04")
    assert set(cash) == set(KERKSTRAAT[:4]), {k: v.explanation for k, v in cash.items()}
    assert cash[KERKSTRAAT[0]].explanation == (
        "Restaurant De Kerk: kasintensief, in de Kerkstraat waar 4 van de 6 bestaande bedrijven kasintensief zijn.")

    care = hits(world, "I-ZG-01")
    hart = subject_of(world, "bedrijven", "59000001", "bedrijf")
    assert set(care) == {hart}, {k: v.explanation for k, v in care.items()}
    assert care[hart].target_kind == "bedrijf"
    assert care[hart].explanation == (
        "Zorgbedrijf Zorg met Hart B.V.: wie er bestuurder of eigenaar is, drijft ook 1 kasintensief "
        "bedrijf/bedrijven (Barbershop Fade).")


# ---------------------------------------------------------------------------------------------
# I-HU-01 on linked subjects: how long the tenancy ran on, and namesakes the linking joined.
# ---------------------------------------------------------------------------------------------
def test_tenant_who_bought_weighs_by_how_long_the_rent_ran_on_and_never_hits_a_namesake() -> None:
    """Strength grows with the days the tenancy ran on after the purchase. When the linking made
    one subject of a tenant and a namesake who bought (different dates of birth in the BRP and
    the deed), the purchase is not the tenant's: no hit."""
    def registered(person: str, adres_id: str, born: date, since: date) -> dict[str, Any]:
        return {"persoon": person, "adres_id": adres_id, "geboortedatum": born, "datum_inschrijving": since,
                "datum_uitschrijving": None}

    def sale(tid: str, adres_id: str, day: date, buyer: str, born: date | None) -> dict[str, Any]:
        return {"transactie_id": tid, "adres_id": adres_id, "datum": day, "koopsom": 300_000.0, "hypotheek": "ja",
                "koper": buyer, "koper_soort": "persoon", "koper_geboortedatum": born}

    def lease(cid: str, adres_id: str, tenant: str, start: date) -> dict[str, Any]:
        return {"contract_id": cid, "adres_id": adres_id, "huurder": tenant, "datum_ingang": start,
                "datum_einde": None}

    long_ago, recent, namesakes, unregistered = "P-801", "P-802", "P-803", "P-804"
    born = {p: date(1970 + i, 3, 1 + i) for i, p in enumerate((long_ago, recent, namesakes, unregistered))}
    rows = {
        "huurcontracten": [lease(f"H{i}", bag(800010 + i), p, years_ago(8))
                           for i, p in enumerate((long_ago, recent, namesakes, unregistered))],
        "inschrijvingen": [registered(long_ago, bag(800010), born[long_ago], years_ago(8)),
                           registered(recent, bag(800011), born[recent], years_ago(8)),
                           registered(namesakes, bag(800012), born[namesakes], years_ago(8)),
                           # the namesake who bought, joined to the tenant by the linking
                           registered(namesakes, bag(800022), date(1991, 7, 7), days_ago(700))],
        "transacties": [sale("T0", bag(800020), days_ago(800), long_ago, born[long_ago]),
                        sale("T1", bag(800021), days_ago(200), recent, None),
                        sale("T2", bag(800022), days_ago(710), namesakes, None),
                        sale("T3", bag(800023), days_ago(500), unregistered, date(1960, 1, 1))],
    }
    found = rule_hits("I-HU-01", rows)
    assert set(found) == {long_ago, recent, unregistered}, {k: v.explanation for k, v in found.items()}
    assert found[long_ago].strength == 2.0 and found[recent].strength < 0.6
    assert found[long_ago].strength > found[unregistered].strength > found[recent].strength
    assert "dezelfde geboortedatum" in found[long_ago].explanation
    assert "niet te vergelijken" in found[unregistered].explanation
