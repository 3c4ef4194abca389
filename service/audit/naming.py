"""Names for the objects a page of audit events refers to, and the objects a search names.

The trail refers to objects by their ids; the Datenschutzbeauftragte knows a measure by its
Kennung (``M-09``), a Vorlage by its Drucksachennummer (``VII/0680/24``), a session by its
committee and date and a person by name. ``wording`` names the objects of one page of
events (read only for those who may read the trail); ``object_named`` finds the object a
search names. Neither is a read of personal data beyond the trail the reader already holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.engine import Connection

from service.actor import Actor
from service.audit import trail
from service.audit.labels import REFERENCES, Vocabulary, Wording
from service.audit.search import FoundEvent
from service.auth import service as users
from service.bodies import service as bodies
from service.committees import meetings
from service.committees import service as committees
from service.errors import NotFound
from service.measures import service as measures
from service.obligations import repository as obligations
from service.papers import service as papers
from service.people import service as people
from service.programmes import service as programmes
from service.runtime import Runtime
from workflow.calendar import to_local

_NAMED_KINDS = frozenset(
    {"measure", "paper", "meeting", "committee", "programme", "person", "user", "obligation"}
)


def _wanted(events: Iterable[FoundEvent], persons: bool) -> set[tuple[str, int]]:
    wanted: set[tuple[str, int]] = set()

    def add(kind: str, value: Any) -> None:
        values = value if isinstance(value, list) else [value]
        wanted.update((kind, v) for v in values if isinstance(v, int) and not isinstance(v, bool))

    for e in events:
        if e.entity_type in _NAMED_KINDS and e.entity_id is not None:
            add(e.entity_type, e.entity_id)
        if e.actor_id is not None:
            add("user", e.actor_id)
        if persons:
            add("person", list(e.persons))
        for key, pair in e.changes.items():
            if key in REFERENCES:
                add(REFERENCES[key], pair if not isinstance(pair, list) else list(pair))
        for key, value in e.context.items():
            if key in REFERENCES:
                add(REFERENCES[key], value)
        if e.context.get("entity_type") in _NAMED_KINDS:
            add(str(e.context["entity_type"]), e.context.get("entity_id"))
    return wanted


def _name(connection: Connection, body_id: int, kind: str, ident: int) -> str | None:
    try:
        if kind == "measure":
            return str(measures.get_measure(connection, ident, body_id).code)
        if kind == "paper":
            return str(papers.get_paper(connection, ident, body_id).reference)
        if kind == "programme":
            return f"„{programmes.get(connection, ident, body_id).title}“"
        if kind == "person":
            return people.display_name(people.get_person(connection, body_id, ident))
    except NotFound:
        return None
    if kind == "obligation":
        obligation = obligations.obligation(connection, ident, body_id)
        return f"„{obligation.title}“" if obligation is not None else None
    if kind == "committee":
        committee = committees.get_committee_or_none(connection, body_id, ident)
        return str(committee.name) if committee is not None else None
    if kind == "meeting":
        meeting = meetings.get_meeting_or_none(connection, body_id, ident)
        if meeting is None:
            return None
        committee = committees.get_committee_or_none(connection, body_id, meeting.committee_id)
        held = f"{to_local(meeting.starts_at):%d.%m.%Y}"
        return f"{committee.name} am {held}" if committee is not None else f"am {held}"
    return None


def wording(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    events: list[FoundEvent],
    persons: bool = False,
) -> Wording:
    """The labels and names to show one page of events with (for readers of the trail);
    ``persons``: the names of the persons each event is about too (an export lists them)."""
    trail.require_reader(actor)
    wanted = _wanted(events, persons)
    body_id = runtime.body_id_in(connection)
    names: dict[tuple[str, int], str] = {}
    user_ids: set[int | None] = {i for kind, i in wanted if kind == "user"}
    logins = users.person_names(connection, user_ids, body_id)
    names.update({("user", i): n for i, n in logins.items() if i})
    for kind, ident in wanted:
        if kind != "user" and (name := _name(connection, body_id, kind, ident)) is not None:
            names[(kind, ident)] = name
    names[("body", body_id)] = bodies.profile(connection, runtime.chain_key).name
    return Wording(Vocabulary.of(runtime.registry.specs()), names)


def objects_named(
    runtime: Runtime, connection: Connection, actor: Actor, kind: str | None, text: str
) -> list[tuple[str, int]]:
    """The objects a search names by a measure's Kennung (``M-09``, one in the body) or a
    Vorlage's Drucksachennummer (``VII/0680/24``), within the kind asked for (None: either,
    so a text that is both names two)."""
    trail.require_reader(actor)
    body_id = runtime.body_id_in(connection)
    text = text.strip()
    found: list[tuple[str, int]] = []
    if kind in (None, "measure"):
        measure_id = measures.measure_id_with_code(connection, body_id, text)
        if measure_id is not None:
            found.append(("measure", measure_id))
    if kind in (None, "paper"):
        paper = papers.paper_by_reference(connection, text, body_id)
        if paper is not None:
            found.append(("paper", paper.id))
    return found


def person_choices(connection: Connection, actor: Actor, body_id: int) -> list[tuple[int, str]]:
    """Every person of the body by name (and function), for the search's person picker."""
    trail.require_reader(actor)
    return people.person_choices(connection, body_id)


def user_choices(connection: Connection, actor: Actor, body_id: int) -> list[tuple[str, str]]:
    """Every login of the body (deactivated ones too: they acted once) as ``(login, name of
    its person)``, by name, for the search's picker of who acted."""
    trail.require_reader(actor)
    rows = users.all_users(connection, body_id)
    names = users.person_names(connection, {u.id for u in rows}, body_id)
    choices = [(u.username, names.get(u.id) or u.username) for u in rows]
    return sorted(choices, key=lambda choice: choice[1])


def disclosure_wording(
    runtime: Runtime, connection: Connection, actor: Actor, data: dict[str, Any]
) -> Wording:
    """The labels and names to print a disclosure (Art. 15) with: the person by name, their
    logins by that name, and the objects their records and events refer to. Other persons
    and their logins are already cut out of ``data``; only the person's own ids are named
    here, so a name of someone else cannot come back in."""
    trail.require_reader(actor)
    body_id = runtime.body_id_in(connection)
    own_person = data["person"]["id"]
    own_users = {login["id"] for login in data["benutzer"]}
    wanted: set[tuple[str, int]] = set()

    def add(kind: str, value: Any) -> None:
        values = value if isinstance(value, list) else [value]
        wanted.update((kind, v) for v in values if isinstance(v, int) and not isinstance(v, bool))

    for key in ("mitgliedschaften", "stellungnahmen", "anwesenheiten", "abstimmungen"):
        for row in data[key]:
            for column, value in row.items():
                if column in REFERENCES:
                    add(REFERENCES[column], value)
    for event in data["protokolleintraege"]:
        if event["objekt"]["typ"] in _NAMED_KINDS:
            add(event["objekt"]["typ"], event["objekt"]["id"])
        for column, pair in event["aenderungen"].items():
            if column in REFERENCES:
                add(REFERENCES[column], pair)
        for column, value in event["kontext"].items():
            if column in REFERENCES:
                add(REFERENCES[column], value)
    names: dict[tuple[str, int], str] = {}
    for i, login in users.person_names(connection, set(own_users), body_id).items():
        if i is not None:
            names[("user", i)] = login
    for kind, ident in wanted:
        if kind in ("person", "user"):
            continue
        if (found := _name(connection, body_id, kind, ident)) is not None:
            names[(kind, ident)] = found
    person_name = _name(connection, body_id, "person", own_person)
    if person_name is not None:
        names[("person", own_person)] = person_name
    names[("body", body_id)] = bodies.profile(connection, runtime.chain_key).name
    return Wording(Vocabulary.of(runtime.registry.specs()), names)
