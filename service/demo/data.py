"""The demo city: Stadt Aschersleben and its Arbeitspapier Digitalisierung (VII/0680/24).

Facts from the seed (members of the AG, the Beratungsfolge, the votes); the people's names
are invented, the measures are typical of such a paper.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class DemoPerson:
    key: str
    given_name: str
    family_name: str
    function: str
    is_staff: bool = True
    title: str | None = None
    username: str | None = None
    roles: tuple[str, ...] = ()


STAFF = [
    DemoPerson(
        "amt21", "Thomas", "Behrendt", "Leiter Amt 21", username="ag.leitung", roles=("ag_leitung",)
    ),
    DemoPerson("edv", "Marco", "Schindler", "Leiter EDV-Abteilung"),
    DemoPerson("org1", "Sabine", "Krüger", "Sachbearbeiterin Organisation"),
    DemoPerson("org2", "Jens", "Wagner", "Sachbearbeiter Organisation"),
    DemoPerson("edv2", "Lukas", "Hoffmann", "Mitarbeiter EDV-Abteilung"),
    DemoPerson("presse", "Anja", "Lehmann", "Pressesprecherin"),
    DemoPerson(
        "digi",
        "Julia",
        "Neumann",
        "Sachbearbeiterin Digitalisierung",
        username="ag.mitglied",
        roles=("ag_mitglied",),
    ),
    DemoPerson(
        "dez1",
        "Frank",
        "Richter",
        "Dezernent I",
        username="dezernent",
        roles=("verwaltungsleitung",),
    ),
    DemoPerson(
        "ob",
        "Andreas",
        "Michelmann",
        "Oberbürgermeister",
        username="ob",
        roles=("verwaltungsleitung",),
    ),
    DemoPerson(
        "dsb",
        "Petra",
        "Vogel",
        "Datenschutzbeauftragte",
        username="datenschutz",
        roles=("datenschutz",),
    ),
    DemoPerson(
        "isb",
        "Stefan",
        "Brandt",
        "Informationssicherheitsbeauftragter",
        username="informationssicherheit",
        roles=("informationssicherheit",),
    ),
    DemoPerson(
        "pr",
        "Heike",
        "Schubert",
        "Vertreterin des Personalrats",
        username="personalrat",
        roles=("personalrat",),
    ),
    DemoPerson(
        "sitzung",
        "Claudia",
        "Fischer",
        "Sitzungsdienst",
        username="sitzungsdienst",
        roles=("sitzungsdienst",),
    ),
    DemoPerson(
        "kaem", "Michael", "Schulze", "Kämmerer", username="kaemmerei", roles=("kaemmerei",)
    ),
    DemoPerson("admin", "Daniel", "König", "IT-Administration", username="admin", roles=("admin",)),
    DemoPerson(
        "rev",
        "Martina",
        "Zimmermann",
        "Rechnungsprüfungsamt",
        username="revision",
        roles=("revision",),
    ),
]

AG_MEMBERS = ["amt21", "edv", "org1", "org2", "edv2", "presse", "digi", "dez1"]
# The AG was founded on 01.09.2022; the Vorlage names who joined later ("seit August 2023").
AG_FOUNDED = date(2022, 9, 1)
JOINED = {"dez1": date(2023, 8, 1)}
JOINT_EXTRA = ["ob", "dsb", "isb", "pr"]

_COUNCIL_NAMES = [
    ("Karin", "Albrecht"),
    ("Uwe", "Baumann"),
    ("Ines", "Dietrich"),
    ("Ralf", "Engel"),
    ("Silke", "Franke"),
    ("Bernd", "Günther"),
    ("Kerstin", "Hartmann"),
    ("Olaf", "Jung"),
    ("Doreen", "Kaiser"),
    ("Holger", "Lange"),
    ("Manuela", "Möller"),
    ("Steffen", "Otto"),
    ("Birgit", "Peters"),
    ("Torsten", "Quast"),
    ("Yvonne", "Roth"),
    ("Matthias", "Sauer"),
    ("Heike", "Thiele"),
    ("Rene", "Ulrich"),
    ("Anke", "Voigt"),
    ("Jörg", "Walter"),
    ("Nadine", "Winkler"),
    ("Sven", "Zander"),
    ("Ute", "Arndt"),
    ("Dirk", "Busch"),
    ("Carola", "Ernst"),
    ("Heiko", "Fuchs"),
    ("Gabriele", "Graf"),
    ("Lars", "Haas"),
    ("Simone", "Jäger"),
    ("Mario", "Keller"),
    ("Tanja", "Ludwig"),
    ("Enrico", "Marx"),
    ("Diana", "Nowak"),
    ("Peter", "Pohl"),
    ("Sandra", "Reuter"),
    ("Volker", "Seidel"),
]
# The first council member signs in (``rat.mitglied``): she sits in the FVA and the Stadtrat
# and reads their papers, the Beschlusskontrolle and the Sachstandsberichte.
COUNCIL_LOGINS = {"sr01": ("rat.mitglied", ("ratsmitglied",))}
COUNCIL = [
    DemoPerson(
        f"sr{i:02d}",
        given,
        family,
        "Mitglied des Stadtrates",
        is_staff=False,
        username=COUNCIL_LOGINS.get(f"sr{i:02d}", (None, ()))[0],
        roles=COUNCIL_LOGINS.get(f"sr{i:02d}", (None, ()))[1],
    )
    for i, (given, family) in enumerate(_COUNCIL_NAMES, start=1)
]
# Everyone in the demo who signs in, staff and council.
WITH_LOGIN = [p for p in [*STAFF, *COUNCIL] if p.username]
# The FVA: ten council members with the Oberbürgermeister as eleventh voting member.
FVA_MEMBERS = [p.key for p in COUNCIL[:10]] + ["ob"]
STADTRAT_MEMBERS = [p.key for p in COUNCIL] + ["ob"]


@dataclass(frozen=True)
class DemoMeasure:
    code: str
    title: str
    description: str
    responsible: str
    fields: dict[str, Any]
    public: bool = True
    statements: tuple[tuple[str, str], ...] = ()
    budget_year: int = 2025
    progress: int | None = None
    finished: bool = False
    milestones: tuple[tuple[str, str, str | None], ...] = field(default_factory=tuple)


def _f(once: int, yearly: int, benefit: str, **flags: bool) -> dict[str, Any]:
    return {
        "kosten_einmalig": once,
        "kosten_laufend": yearly,
        "nutzen": benefit,
        "personenbezogen": flags.get("personal", False),
        "sicherheitsrelevant": flags.get("security", False),
        "personalwirksam": flags.get("staff", False),
    }


MEASURES = [
    DemoMeasure(
        "M-01",
        "Einführung der E-Akte",
        "Schrittweise Einführung der elektronischen Akte in allen Ämtern, beginnend mit Amt 21.",
        "amt21",
        _f(
            185_000,
            26_000,
            "Schnellere Vorgangsbearbeitung, weniger Papier und Archivfläche, "
            "ortsunabhängiges Arbeiten.",
            personal=True,
            security=True,
            staff=True,
        ),
        statements=(
            ("datenschutz", "mit_auflagen"),
            ("informationssicherheit", "zustimmend"),
            ("personalrat", "zustimmend"),
        ),
        progress=45,
        milestones=(
            ("Pilot im Amt 21", "2025-06-30", "2025-07-14"),
            ("Rollout Bürgeramt", "2026-06-30", None),
        ),
    ),
    DemoMeasure(
        "M-02",
        "Digitaler Posteingang",
        "Zentrale Scanstelle: eingehende Papierpost wird digitalisiert und elektronisch verteilt.",
        "org1",
        _f(
            48_000,
            9_500,
            "Post ist am Tag des Eingangs bei der zuständigen Stelle, "
            "Vertretungen greifen ohne Suche zu.",
            personal=True,
            staff=True,
        ),
        statements=(("datenschutz", "zustimmend"), ("personalrat", "mit_auflagen")),
        progress=80,
    ),
    DemoMeasure(
        "M-03",
        "Eingang elektronischer Rechnungen (XRechnung)",
        "Empfang und Prüfung von E-Rechnungen über die Landesplattform, Anbindung an die "
        "Finanzsoftware.",
        "edv",
        _f(22_000, 4_000, "Gesetzliche Pflicht erfüllt, kürzere Durchlaufzeiten, Skonto."),
        progress=100,
        finished=True,
        budget_year=2024,
    ),
    DemoMeasure(
        "M-04",
        "Online-Dienste nach dem Onlinezugangsgesetz",
        "Die zehn meistgenutzten Verwaltungsleistungen online anbieten (u. a. Meldebescheinigung,"
        " Anwohnerparken, Gewerbeanmeldung).",
        "digi",
        _f(
            95_000,
            18_000,
            "Bürgerinnen und Bürger sparen Wege, weniger Publikumsverkehr.",
            personal=True,
            security=True,
        ),
        statements=(("datenschutz", "zustimmend"), ("informationssicherheit", "mit_auflagen")),
        progress=30,
    ),
    DemoMeasure(
        "M-05",
        "Papierlose Gremienarbeit",
        "Ratsinformationssystem mit Mandatsträger-App; Einladungen und Vorlagen nur noch digital.",
        "amt21",
        _f(
            64_000,
            12_000,
            "Druck- und Versandkosten entfallen, Unterlagen sind sofort da.",
            security=True,
        ),
        statements=(("informationssicherheit", "zustimmend"),),
        progress=60,
    ),
    DemoMeasure(
        "M-06",
        "IT-Sicherheitskonzept nach BSI IT-Grundschutz",
        "Strukturanalyse, Schutzbedarfsfeststellung und Modellierung nach BSI-Standard 200-2.",
        "edv",
        _f(40_000, 8_000, "Verringert das Risiko von Ausfällen und Angriffen.", security=True),
        public=False,
        statements=(("informationssicherheit", "zustimmend"),),
        progress=20,
    ),
    DemoMeasure(
        "M-07",
        "Elektronische Arbeitszeiterfassung",
        "Ablösung der Papier-Stundenzettel durch ein Zeiterfassungssystem mit Terminals.",
        "org2",
        _f(
            35_000,
            7_000,
            "Rechtssichere Zeiterfassung, weniger manuelle Auswertung.",
            personal=True,
            staff=True,
        ),
        statements=(("datenschutz", "mit_auflagen"), ("personalrat", "zustimmend")),
        budget_year=2026,
    ),
    DemoMeasure(
        "M-08",
        "Online-Terminvergabe im Bürgeramt",
        "Termine im Bürgeramt online buchen, mit Erinnerung per E-Mail.",
        "digi",
        _f(12_000, 3_000, "Kürzere Wartezeiten, planbare Auslastung.", personal=True),
        statements=(("datenschutz", "zustimmend"),),
        progress=100,
    ),
]

DRAFT = DemoMeasure(
    "M-09",
    "Chatbot für häufige Bürgeranfragen",
    "Prüfauftrag: Beantwortung häufiger Fragen auf der Website rund um die Uhr.",
    "digi",
    {"nutzen": "Entlastung der Telefonzentrale.", "personenbezogen": True},
)

RESOLUTION = (
    "Der Stadtrat beschließt das in der Anlage aufgeführte Arbeitspapier zur "
    "Digitalisierung in der Stadtverwaltung. Halbjährlich informiert die Verwaltung über "
    "den Umsetzungsstand. Notwendige Haushaltsmittel sind in der Haushaltsplanung zu "
    "berücksichtigen."
)
PAPER = {
    "reference": "VII/0680/24",
    "title": "Arbeitspapier zur weiteren Digitalisierung der Verwaltung",
    "dezernat": "Dezernat I",
    "file_number": "D I/mi-au",
    "public": True,
    "competence": "§ 45 Abs. 1 KVG LSA",
    "competence_law": "KVG LSA",
    "competence_paragraph": "45",
    "competence_section": "1",
    "resolution_proposal": RESOLUTION,
    "reasoning": (
        "Die Digitalisierung von Verwaltungsleistungen wird seit Jahren stark thematisiert. "
        "Damit verbundene Erwartungen müssen realistisch eingeordnet werden in das, was die "
        "Stadtverwaltung in der Lage ist, und diese Erwartungen müssen einer "
        "Aufwand-Nutzen-Analyse unterzogen werden."
    ),
}


@dataclass(frozen=True)
class DemoObligation:
    """A duty the Stadtrat's resolution of VII/0680/24 imposes (see the Vorlage's text)."""

    key: str
    title: str
    description: str
    role: str
    due_on: str
    every_months: int | None
    fulfilled_by: str | None = None


OBLIGATIONS = [
    DemoObligation(
        "sachstand",
        "Halbjährliche Information des FVA zum Sachstand",
        "„Halbjährlich informiert die Verwaltung über den Umsetzungsstand.“ Erfüllt mit der "
        "Kenntnisnahme der Informationsvorlage (Sachstandsbericht) im FVA.",
        "ag_leitung",
        "2024-09-30",
        6,
        "kenntnisnahme_sachstand",
    ),
    DemoObligation(
        "haushalt",
        "Notwendige Haushaltsmittel in der Haushaltsplanung berücksichtigen",
        "„Notwendige Haushaltsmittel sind in der Haushaltsplanung zu berücksichtigen.“ "
        "Anmeldung der Ansätze zum Haushalt des Folgejahres.",
        "kaemmerei",
        "2024-09-30",
        12,
    ),
    DemoObligation(
        "gesondertes-papier",
        "Gesondertes Papier für Eigenbetriebe, AKA und Stadtwerke erstellen",
        "„Für die Leistungen der Eigenbetriebe, der AKA und der Stadtwerke soll ein "
        "gesondertes Papier erstellt werden.“",
        "ag_leitung",
        "2024-12-31",
        None,
    ),
    DemoObligation(
        "ueberpruefung",
        "Arbeitspapier auf Zielerreichung überprüfen und fortschreiben",
        "„Regelmäßig wird das Papier bzgl. der Zielerreichung überprüft und ggf. aktualisiert.“",
        "ag_leitung",
        "2024-08-31",
        6,
    ),
]
