"""The demo's neighbour: Stadt Hecklingen, a small second body beside Aschersleben.

It shows that one deployment keeps its bodies apart: its own persons, logins (with the same
names as Aschersleben's: a login name is unique only within its body), committees, a Vorlage
and a few measures, its own audit chain and signing key. Loaded through the same services
every door uses, at the dates it happened, like the demo city.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.engine import Connection

from service.actor import SYSTEM, Actor
from service.auth.service import create_user
from service.auth.tokens import hash_password
from service.bodies import service as bodies
from service.bodies.admin import add_body
from service.committees import meetings
from service.committees import service as committees
from service.demo.city import DEMO_PASSWORD
from service.demo.clock import SteppedClock, at
from service.measures import service as measures
from service.papers import carrying, consultations
from service.papers import service as papers
from service.people.service import insert_person
from service.programmes import service as programmes
from service.runtime import Runtime

SLUG = "hecklingen"
NAME = "Stadt Hecklingen"
LAND = "ST"
ADDRESS = f"/b/{SLUG}/"
# What Hecklingen sets for itself (service.bodies.settings); the rest is the deployment's.
SETTINGS = {
    "site_name": "ratsflow – Stadt Hecklingen",
    "mail_sender": "ratsflow <ratsflow@hecklingen.example>",
    "imprint_text": "Stadt Hecklingen, Hermann-Danz-Straße 52, 39444 Hecklingen (Demo).",
}


@dataclass(frozen=True)
class Staff:
    key: str
    given_name: str
    family_name: str
    function: str
    username: str | None = None
    role: str | None = None


STAFF = (
    Staff("bm", "Uwe", "Epperlein", "Bürgermeister", "buergermeister", "verwaltungsleitung"),
    Staff("haupt", "Kathrin", "Stolze", "Leiterin Hauptamt", "ag.leitung", "ag_leitung"),
    Staff("it", "Ronny", "Bauer", "IT-Koordinator", "ag.mitglied", "ag_mitglied"),
    Staff("sitzung", "Marion", "Heinze", "Sitzungsdienst", "sitzungsdienst", "sitzungsdienst"),
    Staff("kaem", "Dirk", "Lindner", "Kämmerer", "kaemmerei", "kaemmerei"),
    Staff("dsb", "Sandra", "Pfeiffer", "Datenschutzbeauftragte", "datenschutz", "datenschutz"),
    Staff("admin", "Tobias", "Rauch", "IT-Administration", "admin", "admin"),
)
COUNCIL = (
    ("Gisela", "Amme"),
    ("Harald", "Böttcher"),
    ("Antje", "Dörge"),
    ("Klaus", "Frenzel"),
    ("Monika", "Gebhardt"),
    ("Rainer", "Henze"),
    ("Susanne", "Kluge"),
    ("Wolfgang", "Mertens"),
    ("Petra", "Nitsche"),
    ("Ulf", "Schrader"),
)
# Code, title, description, responsible (staff key), fields of the definition.
MEASURES: tuple[tuple[str, str, str, str, dict[str, Any]], ...] = (
    (
        "H-01",
        "Digitale Sitzungsunterlagen für den Stadtrat",
        "Einladungen, Vorlagen und Niederschriften nur noch elektronisch; Tablets für die "
        "Mitglieder des Stadtrates.",
        "haupt",
        {"kosten_einmalig": 14_000, "kosten_laufend": 2_500, "nutzen": "Kein Druck, kein Bote."},
    ),
    (
        "H-02",
        "Online-Terminvergabe im Einwohnermeldeamt",
        "Termine online buchen, Erinnerung per E-Mail.",
        "it",
        {
            "kosten_einmalig": 6_000,
            "kosten_laufend": 1_200,
            "nutzen": "Kürzere Wartezeiten.",
            "personenbezogen": True,
        },
    ),
    (
        "H-03",
        "WLAN im Bürgerhaus",
        "Öffentliches WLAN im Bürgerhaus und in der Stadtbibliothek.",
        "it",
        {"nutzen": "Treffpunkt mit Internetzugang für Vereine und Gäste."},
    ),
)
PAPER = {
    "reference": "HE/0017/24",
    "title": "Digitale Verwaltung Hecklingen – erste Schritte",
    "file_number": "HA/10-24",
    "public": True,
    "competence": "§ 45 Abs. 1 KVG LSA",
    "resolution_proposal": "Der Stadtrat beschließt die erste Stufe der digitalen Verwaltung.",
    "reasoning": "Auch eine kleine Stadt kann ihre Sitzungen und Termine digital anbieten.",
}


@dataclass(frozen=True)
class NeighbourResult:
    loaded: bool
    message: str
    users: tuple[tuple[str, str, tuple[str, ...]], ...]
    address: str = ADDRESS


def load_neighbour(runtime: Runtime, city_only: bool = False) -> NeighbourResult:
    """Idempotent: a Hecklingen that holds rows is left as it is."""
    with runtime.read() as connection:
        known = {b.slug for b in bodies.all_profiles(connection)}
        if bodies.in_use(connection, SLUG):
            return NeighbourResult(False, f"Die {NAME} ist bereits geladen.", user_list())
    clock = SteppedClock(runtime)
    replay = Runtime(runtime.settings, runtime.engine, clock).for_body(SLUG)
    clock.set(at("2022-09-01", 9))
    if SLUG not in known:
        # Its own chain (beginning with body.create) and its own signing key.
        add_body(replay, SLUG, NAME, land=LAND, settings=SETTINGS)
    with replay.write() as connection:
        people, users = _city(replay, connection)
        if not city_only:
            _history(replay, clock, connection, people, users)
    runtime.for_body(SLUG).forget_body()
    what = "ohne Vorgänge " if city_only else ""
    return NeighbourResult(True, f"Nachbarstadt {NAME} {what}geladen.", user_list())


def user_list() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    return tuple(
        (s.username, f"{s.given_name} {s.family_name} ({s.function})", (s.role,))
        for s in STAFF
        if s.username and s.role
    )


def _city(rt: Runtime, c: Connection) -> tuple[dict[str, int], dict[str, Actor]]:
    body_id = rt.body_id_in(c)
    password_hash = hash_password(DEMO_PASSWORD)
    people: dict[str, int] = {}
    users: dict[str, Actor] = {}
    for s in STAFF:
        people[s.key] = insert_person(
            rt,
            c,
            SYSTEM,
            body_id=body_id,
            given_name=s.given_name,
            family_name=s.family_name,
            function=s.function,
            is_staff=True,
            email=f"{s.given_name[0].lower()}.{s.family_name.lower()}@hecklingen.example",
        )
        if s.username and s.role:
            user_id = create_user(
                rt,
                c,
                SYSTEM,
                username=s.username,
                roles=[s.role],
                person_id=people[s.key],
                password_hash=password_hash,
            )
            # Built here rather than looked up by name: the name alone is no longer unique.
            users[s.key] = Actor(
                user_id, people[s.key], frozenset({s.role}), s.username, body_id=body_id
            )
    for i, (given, family) in enumerate(COUNCIL, start=1):
        people[f"sr{i:02d}"] = insert_person(
            rt,
            c,
            SYSTEM,
            body_id=body_id,
            given_name=given,
            family_name=family,
            function="Mitglied des Stadtrates",
            is_staff=False,
        )
    council = [f"sr{i:02d}" for i in range(1, len(COUNCIL) + 1)]
    for slug, name, short, kind, members in (
        ("hauptausschuss", "Hauptausschuss", "HA", "ausschuss", ["bm", *council[:6]]),
        ("stadtrat", "Stadtrat Hecklingen", "SR", "rat", ["bm", *council]),
    ):
        committee_id = committees.insert_committee(
            rt,
            c,
            SYSTEM,
            body_id=body_id,
            slug=slug,
            name=name,
            short_name=short,
            kind=kind,
            vote_rules={},
            meeting_cycle=None,
        )
        people[f"committee:{slug}"] = committee_id
        for key in members:
            committees.insert_membership(
                rt,
                c,
                SYSTEM,
                person_id=people[key],
                committee_id=committee_id,
                role="vorsitz" if key == "bm" else "mitglied",
                voting_right=True,
                valid_from=date(2022, 9, 1),
            )
    return people, users


def _history(
    rt: Runtime, clock: SteppedClock, c: Connection, people: dict[str, int], users: dict[str, Actor]
) -> None:
    lead, session = users["haupt"], users["sitzung"]
    clock.set(at("2024-03-04"))
    programme = programmes.insert_programme(
        rt,
        c,
        lead,
        body_id=rt.body_id_in(c),
        title="Digitale Verwaltung Hecklingen",
        description="Erste Schritte der Stadt Hecklingen zur digitalen Verwaltung.",
        owner_person_id=people["haupt"],
        review_cycle="P12M",
    )
    ids: list[int] = []
    for i, (code, title, description, responsible, fields) in enumerate(MEASURES):
        clock.set(at("2024-03-11").replace(minute=i))
        ids.append(
            measures.insert_measure(
                rt,
                c,
                lead,
                programme_id=programme,
                code=code,
                title=title,
                description=description,
                responsible_person_id=people[responsible],
                fields=fields,
            )
        )
    clock.set(at("2024-04-08"))
    for measure_id in ids[:2]:
        measures.fire(rt, c, lead, measure_id, "einreichen")
    clock.set(at("2024-04-15"))
    paper = papers.new_paper(rt, c, session, **PAPER)
    carrying.attach_measures(rt, c, session, paper, ids[:2])
    meeting = meetings.new_meeting(
        rt,
        c,
        session,
        committee_id=people["committee:hauptausschuss"],
        starts_at=at("2024-05-14", 18),
        location="Rathaus Hecklingen, Sitzungssaal",
    )
    consultations.plan_consultation(
        rt,
        c,
        session,
        paper,
        position=1,
        committee_id=people["committee:hauptausschuss"],
        meeting_id=meeting,
        role="vorberatung",
        planned_on=date(2024, 5, 14),
    )
