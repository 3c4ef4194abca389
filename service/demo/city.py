"""The demo city without its history: persons, logins, committees and their members."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Connection

from service.actor import SYSTEM
from service.auth.service import create_user
from service.auth.tokens import hash_password
from service.bodies.service import take_for_city
from service.committees import service as committees
from service.demo import data
from service.demo.clock import SteppedClock, at
from service.people.service import insert_person
from service.runtime import Runtime

# Printed by ``demo load``; a demo database is for trying ratsflow out, never for real data.
DEMO_PASSWORD = "ratsflow-demo"


@dataclass
class City:
    body_id: int
    person: dict[str, int] = field(default_factory=dict)  # demo key -> person id
    committee: dict[str, int] = field(default_factory=dict)  # slug -> committee id


def load_city(rt: Runtime, clock: SteppedClock, c: Connection) -> City:
    """The city as it stood when the AG was founded (01.09.2022)."""
    clock.set(at("2022-09-01", 9))
    city = City(take_for_city(c, rt.chain_key, "Stadt Aschersleben"))
    password_hash = hash_password(DEMO_PASSWORD)
    for p in [*data.STAFF, *data.COUNCIL]:
        city.person[p.key] = insert_person(
            rt,
            c,
            SYSTEM,
            body_id=city.body_id,
            given_name=p.given_name,
            family_name=p.family_name,
            function=p.function,
            is_staff=p.is_staff,
            title=p.title,
            email=f"{p.given_name[0].lower()}.{p.family_name.lower()}@aschersleben.example",
        )
    for p in data.WITH_LOGIN:
        if p.username:
            create_user(
                rt,
                c,
                SYSTEM,
                username=p.username,
                roles=list(p.roles),
                person_id=city.person[p.key],
                password_hash=password_hash,
            )
    for slug, name, short, kind, members, voting, cycle in (
        (
            "ag-digitalisierung",
            "AG „Digitalisierung der Verwaltung“",
            "AG Digi",
            "ag",
            data.AG_MEMBERS,
            True,
            "P14D",
        ),
        (
            "gemeinsame-ag-beratung",
            "Gemeinsame AG-Beratung",
            "Gem. AG",
            "gemeinsame_beratung",
            data.AG_MEMBERS + data.JOINT_EXTRA,
            False,
            "P3M",
        ),
        (
            "fva",
            "Finanz- und Verwaltungsausschuss",
            "FVA",
            "ausschuss",
            data.FVA_MEMBERS,
            True,
            None,
        ),
        ("stadtrat", "Stadtrat", "SR", "rat", data.STADTRAT_MEMBERS, True, None),
    ):
        city.committee[slug] = _committee(
            rt, c, city, slug, name, short, kind, members, voting, cycle
        )
    return city


def _committee(
    rt: Runtime,
    c: Connection,
    city: City,
    slug: str,
    name: str,
    short: str,
    kind: str,
    members: list[str],
    voting: bool,
    cycle: str | None,
) -> int:
    committee_id = committees.insert_committee(
        rt,
        c,
        SYSTEM,
        body_id=city.body_id,
        slug=slug,
        name=name,
        short_name=short,
        kind=kind,
        vote_rules={},
        meeting_cycle=cycle,
    )
    for key in members:
        committees.insert_membership(
            rt,
            c,
            SYSTEM,
            person_id=city.person[key],
            committee_id=committee_id,
            role="vorsitz" if key in ("amt21", "ob") else "mitglied",
            voting_right=voting,
            valid_from=data.JOINED.get(key, data.AG_FOUNDED),
        )
    return committee_id
