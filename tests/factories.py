"""Small builders on top of the domain services, so that a test says only what matters to it.

Every builder takes the runtime and, optionally, an open write connection: without one it
opens (and commits) its own transaction. Keyword overrides go straight to the service, and
unique values (codes, usernames, slugs) come from a counter, so builders can be called many
times in one test.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from service.actor import SYSTEM, Actor
from service.auth.service import actor_for, create_user
from service.bodies.models import Body
from service.committees.service import insert_committee, insert_membership
from service.measures.service import insert_measure
from service.outbox.service import Mail, enqueue
from service.papers.carrying import insert_carried
from service.papers.consultations import insert_consultation
from service.papers.service import insert_paper
from service.people.service import insert_person
from service.programmes.service import insert_programme
from service.runtime import Runtime
from service.statements.service import insert_statement

bodies = Body.__table__  # type: ignore[attr-defined]
_counter = itertools.count(1)

# A measure whose Aufwand-Nutzen-Analyse is complete and that needs no statement.
READY_FIELDS: dict[str, Any] = {
    "kosten_einmalig": "12000",
    "kosten_laufend": "1500",
    "nutzen": "Weniger Papier, schnellere Bearbeitung",
    "personenbezogen": False,
    "sicherheitsrelevant": False,
    "personalwirksam": False,
}


def unique(prefix: str) -> str:
    return f"{prefix}{next(_counter)}"


@contextmanager
def _tx(runtime: Runtime, connection: Connection | None) -> Iterator[Connection]:
    if connection is not None:
        yield connection
        return
    with runtime.write() as own:
        yield own


def body(runtime: Runtime, connection: Connection | None = None, **overrides: Any) -> int:
    """The body whose slug is the runtime's chain key, created on first use."""
    with _tx(runtime, connection) as c:
        slug = overrides.get("slug", runtime.chain_key)
        found = c.execute(select(bodies.c.id).where(bodies.c.slug == slug)).scalar()
        if found is not None:
            return int(found)
        values = {"slug": slug, "name": "Stadt Aschersleben", **overrides}
        return int(c.execute(bodies.insert().returning(bodies.c.id), values).scalar_one())


def person(
    runtime: Runtime,
    connection: Connection | None = None,
    *,
    actor: Actor = SYSTEM,
    **overrides: Any,
) -> int:
    with _tx(runtime, connection) as c:
        values: dict[str, Any] = {
            "given_name": "Max",
            "family_name": unique("Muster"),
            "function": "Sachbearbeitung",
            "is_staff": True,
            **overrides,
        }
        values.setdefault("body_id", body(runtime, c))
        return insert_person(runtime, c, actor, **values)


def reminder(runtime: Runtime, connection: Connection | None = None, *, email: str) -> int:
    """A reminder about M-07 in the outbox, to a new person with ``email``: the person."""
    with _tx(runtime, connection) as c:
        person_id = person(runtime, c, email=email)
        mail = Mail(
            reminder_key=f"measure:1/frist:1/vorher-7/person:{person_id}",
            kind="wiedervorlage",
            recipient_email=email,
            recipient_person_id=person_id,
            subject="Wiedervorlage fällig: M-07",
            context={
                "anrede": "Guten Tag,",
                "vertretung": None,
                "gegenstand": "die Maßnahme M-07",
                "faellig": runtime.now(),
                "link": "https://example.invalid/massnahmen/7",
            },
        )
        enqueue(runtime, c, mail)
        return person_id


def user(
    runtime: Runtime,
    *roles: str,
    connection: Connection | None = None,
    username: str | None = None,
    person_id: int | None = None,
    with_person: bool = True,
) -> Actor:
    """A login with the given roles, linked to a new person unless ``with_person=False``."""
    with _tx(runtime, connection) as c:
        if person_id is None and with_person:
            person_id = person(runtime, c)
        name = username or unique("user")
        create_user(runtime, c, SYSTEM, username=name, roles=list(roles), person_id=person_id)
        return actor_for(c, name, body=runtime.chain_key)


def committee(
    runtime: Runtime,
    connection: Connection | None = None,
    *,
    members: int = 9,
    on: date | None = None,
    **overrides: Any,
) -> int:
    """A committee with ``members`` voting members (valid from ``on`` or always)."""
    with _tx(runtime, connection) as c:
        slug = overrides.pop("slug", None) or unique("gremium")
        values: dict[str, Any] = {
            "name": f"Gremium {slug}",
            "short_name": slug.upper(),
            "kind": "ausschuss",
            "slug": slug,
            "vote_rules": {},
            **overrides,
        }
        values.setdefault("body_id", body(runtime, c))
        committee_id = insert_committee(runtime, c, SYSTEM, **values)
        for _ in range(members):
            insert_membership(
                runtime,
                c,
                SYSTEM,
                person_id=person(runtime, c, is_staff=False, function="Ratsmitglied"),
                committee_id=committee_id,
                voting_right=True,
                valid_from=on,
            )
        return committee_id


def programme(runtime: Runtime, connection: Connection | None = None, **overrides: Any) -> int:
    with _tx(runtime, connection) as c:
        values: dict[str, Any] = {
            "title": "Arbeitspapier zur weiteren Digitalisierung der Verwaltung",
            **overrides,
        }
        values.setdefault("body_id", body(runtime, c))
        return insert_programme(runtime, c, SYSTEM, **values)


def measure(
    runtime: Runtime,
    connection: Connection | None = None,
    *,
    fields: dict[str, Any] | None = None,
    ready: bool = True,
    **overrides: Any,
) -> int:
    """A measure in ``entwurf``; ``ready`` starts from a complete Aufwand-Nutzen-Analyse."""
    with _tx(runtime, connection) as c:
        values: dict[str, Any] = {
            "code": unique("M-"),
            "title": "Einführung der E-Akte",
            **overrides,
        }
        if "programme_id" not in values:
            values["programme_id"] = programme(runtime, c)
        merged = {**(READY_FIELDS if ready else {}), **(fields or {})}
        return insert_measure(runtime, c, SYSTEM, fields=merged, **values)


def statement(
    runtime: Runtime,
    measure_id: int,
    kind: str = "datenschutz",
    connection: Connection | None = None,
    *,
    author: Actor | None = None,
    outcome: str = "zustimmend",
    given_on: date = date(2024, 1, 15),
    text: str | None = None,
) -> int:
    with _tx(runtime, connection) as c:
        author = author or user(runtime, kind, connection=c)
        return insert_statement(
            runtime,
            c,
            author,
            measure_id=measure_id,
            kind=kind,
            outcome=outcome,
            given_on=given_on,
            text=text,
        )


def paper(
    runtime: Runtime,
    connection: Connection | None = None,
    *,
    measure_ids: Sequence[int] = (),
    consultations: Sequence[tuple[int, str]] = (),
    **overrides: Any,
) -> int:
    """A paper in ``entwurf`` carrying the measures, with (committee id, role) steps."""
    with _tx(runtime, connection) as c:
        values: dict[str, Any] = {
            "reference": unique("VII/"),
            "title": "Arbeitspapier zur weiteren Digitalisierung der Verwaltung",
            "public": True,
            "competence": "§ 45 Abs. 1 KVG LSA",
            **overrides,
        }
        values.setdefault("body_id", body(runtime, c))
        paper_id = insert_paper(runtime, c, SYSTEM, **values)
        for position, (committee_id, role) in enumerate(consultations, start=1):
            insert_consultation(
                runtime,
                c,
                SYSTEM,
                paper_id=paper_id,
                position=position,
                committee_id=committee_id,
                role=role,
            )
        if measure_ids:
            insert_carried(runtime, c, SYSTEM, paper_id, list(measure_ids))
        return paper_id
