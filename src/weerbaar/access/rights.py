"""Every right a role can hold: a named constant with a sentence saying exactly what it allows.

Code checks rights, never role names. Which role holds which right is data
(`catalogus/rollen.yaml`), readable by a privacy officer.
"""

from __future__ import annotations

SIGNAL_REGISTER = "signalen.registreren"
SIGNAL_READ_OWN = "signalen.lezen.eigen_organisatie"
SIGNAL_READ_SHARED = "signalen.lezen.gedeeld"
SIGNAL_READ_MUNICIPALITY = "signalen.lezen.gemeente"
SIGNAL_SHARE = "signalen.delen"
SIGNAL_IMPORT = "signalen.importeren"
SIGNAL_CLASSIFY = "signalen.classificeren"
REPORTER_SEE = "melder.inzien"
LOG_READ = "logboek.lezen"
ORGANISATIONS_MANAGE = "organisaties.beheren"
USERS_MANAGE = "gebruikers.beheren"
SOURCES_IMPORT = "bronnen.importeren"
SOURCES_READ = "bronnen.lezen"
MATCHES_JUDGE = "koppelingen.beoordelen"
ANALYSIS_RUN = "analyse.uitvoeren"
RISK_READ = "risico.lezen"
RISK_EXPLAIN = "risico.verklaren"
PRIVACY_CHECK = "privacytoets.vastleggen"
KNOWNNESS_ASK = "bekendheid.bevragen"
CASES_MANAGE = "casussen.beheren"
CASES_READ_MUNICIPALITY = "casussen.lezen.gemeente"
CASES_PARTICIPATE = "casussen.deelnemen"
ACTIONS_UPDATE_OWN = "acties.bijwerken.eigen_organisatie"
THREATS_REGISTER = "dreigingen.registreren"
THREATS_READ = "dreigingen.lezen"
PICTURE_READ = "beeld.lezen"
PICTURE_EXACT = "beeld.exact"
NETWORK_READ = "netwerk.bekijken"
PREVENTION_MANAGE = "preventie.beheren"
PREVENTION_TAKE_PART = "preventie.deelnemen"

RIGHTS: dict[str, str] = {
    SIGNAL_REGISTER: "Laat toe om signalen te registreren namens de eigen organisatie.",
    SIGNAL_READ_OWN: "Laat toe om de signalen van de eigen organisatie te lezen en te doorzoeken.",
    SIGNAL_READ_SHARED: (
        "Laat toe om signalen te lezen die uitdrukkelijk met de eigen organisatie zijn gedeeld."
    ),
    SIGNAL_READ_MUNICIPALITY: (
        "Laat toe om alle signalen op het grondgebied van de eigen gemeente te lezen en te "
        "doorzoeken (het intaketeam van de gemeente)."
    ),
    SIGNAL_SHARE: "Laat toe om een leesbaar signaal met een andere organisatie te delen, met reden.",
    SIGNAL_IMPORT: "Laat toe om signalen in bulk te importeren uit een bestand.",
    SIGNAL_CLASSIFY: (
        "Laat toe om het fenomeen vast te stellen van een signaal dat men mag lezen: het voorgestelde "
        "fenomeen bevestigen of een ander kiezen."
    ),
    REPORTER_SEE: (
        "Laat toe om de identiteit van een afgeschermde melder (gebruiker en contactpersoon) "
        "te zien bij signalen die men mag lezen."
    ),
    LOG_READ: "Laat toe om het logboek van alle toegang tot gegevens te lezen.",
    ORGANISATIONS_MANAGE: "Laat toe om organisaties toe te voegen en te wijzigen.",
    USERS_MANAGE: "Laat toe om gebruikers en hun rollen te beheren en API-tokens uit te geven.",
    SOURCES_IMPORT: (
        "Laat toe om bronbestanden van partners (adressen, personen, bedrijven, energie, ...) "
        "voor de eigen gemeente te importeren en hun quarantaine in te zien."
    ),
    SOURCES_READ: (
        "Laat toe om de bronregistraties van partners en de daaruit gekoppelde subjecten "
        "(personen, bedrijven, adressen) van de eigen gemeente in te zien."
    ),
    MATCHES_JUDGE: (
        "Laat toe om twijfelachtige koppelingen te beoordelen: bevestigen dat twee vermeldingen "
        "dezelfde persoon, hetzelfde bedrijf of adres zijn, of dat niet zijn."
    ),
    ANALYSIS_RUN: (
        "Laat toe om de analyse (koppelen van bronnen, indicatoren, risicoscores en automatische "
        "signalen) voor de eigen gemeente te draaien."
    ),
    RISK_READ: (
        "Laat toe om de risicolijsten van adressen, personen en bedrijven van de eigen gemeente "
        "te zien, met de indicatoren en gegevens achter elke score."
    ),
    PRIVACY_CHECK: (
        "Laat toe om privacytoets 1 vast te leggen (grondslag, doel, noodzaak, proportionaliteit, "
        "subsidiariteit) voor een vooronderzoek of casus, waarna de eigen organisatie de gegevens van "
        "de betrokken subjecten mag inzien; zonder toets is alleen hit/no-hit zichtbaar."
    ),
    KNOWNNESS_ASK: (
        "Laat toe om met doel en grondslag te vragen of een persoon, bedrijf of adres bij andere "
        "organisaties bekend is (hit/no-hit, nooit inhoud). Elke vraag wordt gelogd en de bevraagde "
        "organisaties zien dat zij zijn bevraagd."
    ),
    CASES_MANAGE: (
        "Laat toe om vooronderzoeken en casussen van de eigen gemeente te openen, partners uit te "
        "nodigen, per deelnemer te bepalen wat wordt gedeeld (privacytoets 2A), de integrale weging en "
        "besluiten vast te leggen (privacytoets 2B), acties af te spreken, overleggen te plannen en "
        "casussen af te sluiten of te heropenen."
    ),
    CASES_READ_MUNICIPALITY: "Laat toe om alle casussen van de eigen gemeente te lezen.",
    CASES_PARTICIPATE: (
        "Laat toe om casussen te lezen waaraan de eigen organisatie deelneemt, beperkt tot wat "
        "uitdrukkelijk met de eigen organisatie is gedeeld."
    ),
    ACTIONS_UPDATE_OWN: "Laat toe om de voortgang van acties van de eigen organisatie bij te werken.",
    THREATS_REGISTER: (
        "Laat toe om een bedreiging of intimidatie van een ambtenaar, handhaver of bestuurder te melden."
    ),
    THREATS_READ: (
        "Laat toe om het register van bedreigingen en intimidatie van de eigen gemeente te lezen "
        "(beperkte toegang)."
    ),
    PICTURE_READ: (
        "Laat toe om het geaggregeerde beeld van de eigen gemeente te zien: de kaart per wijk en buurt, "
        "de buurtpagina's met trends en het ondermijningsbeeld. Alleen aantallen, nooit namen, adressen of "
        "nummers; aantallen onder de 5 staan er als \"<5\"."
    ),
    PICTURE_EXACT: (
        "Laat toe om in het geaggregeerde beeld ook kleine aantallen (onder de 5) exact te zien "
        "(de analistenrol). Rapporten voor anderen blijven altijd afgeschermd."
    ),
    NETWORK_READ: (
        "Laat toe om het netwerk rond een subject te bekijken (personen, bedrijven, adressen, signalen en "
        "casussen met hun gedateerde relaties). Alleen subjecten die men mag zien worden getekend, met "
        "gegevens alleen na privacytoets 1; de rest verschijnt als hit/no-hit."
    ),
    PREVENTION_MANAGE: (
        "Laat toe om de preventie van de eigen gemeente te regelen: lokale versies van barrièremodellen "
        "bewerken, rondes van de weerbaarheidsscan openen en sluiten en het actieplan vaststellen, "
        "trainingsrondes starten en vijf-B-beraden voorbereiden en leiden, met de afspraken als acties."
    ),
    PREVENTION_TAKE_PART: (
        "Laat toe om mee te doen aan de preventie: barrièremodellen en de gatenanalyse lezen, de "
        "weerbaarheidsscan invullen (medewerkers van de gemeente), oefenen met signaalherkenning en "
        "deelnemen aan een beraad waarvoor de eigen organisatie is uitgenodigd."
    ),
    RISK_EXPLAIN: (
        "Laat toe om een vermelding op een risicolijst als verklaard te markeren (met reden), "
        "zodat zij bij latere analyses onderaan blijft, en dat weer in te trekken."
    ),
}
