"""Writes ``at_0001.sql``: a small city's data as the schema of migration 0001 held it.

Run once (``.venv/bin/python -m tests.architecture.upgrade.make_fixture_0001``); the SQL file
is what is shipped and what the upgrade test loads, because today's code writes only the
newest schema. The rows are inserted into a database migrated to 0001 first, so the file
is known to fit that schema; the audit events are sealed with the chain format of 0001
(which has not changed: a hash chain cannot be migrated), so they verify at every head.
"""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import MetaData, create_engine, insert

from service.audit.chain import GENESIS, EventDraft, seal
from service.migrate import alembic_config

HERE = Path(__file__).resolve().parent
TARGET = HERE / "at_0001.sql"
CHAIN = "aschersleben"
T0 = datetime(2024, 1, 8, 8, 0, tzinfo=UTC)


def at(days: int, hours: int = 0) -> datetime:
    return T0 + timedelta(days=days, hours=hours)


def business_rows() -> dict[str, list[dict[str, Any]]]:
    fields_m1 = {"kosten_einmalig": 12000, "personenbezogen": True, "aufwand_nutzen": "liegt vor"}
    return {
        "bodies": [{"id": 1, "slug": CHAIN, "name": "Stadt Aschersleben"}],
        "persons": [
            {
                "id": 1,
                "body_id": 1,
                "given_name": "Erika",
                "family_name": "Mustermann",
                "title": None,
                "function": "Sachbearbeiterin Digitalisierung",
                "email": "erika.mustermann@aschersleben.example",
                "is_staff": True,
                "erased_at": None,
            },
            {
                "id": 2,
                "body_id": 1,
                "given_name": "Klaus",
                "family_name": "Berger",
                "title": "Dr.",
                "function": "Mitglied des Stadtrates",
                "email": "k.berger@aschersleben.example",
                "is_staff": False,
                "erased_at": None,
            },
        ],
        "users": [
            {
                "id": 1,
                "username": "ag.leitung",
                "person_id": 1,
                "roles": ["ag_leitung"],
                "password_hash": None,
                "must_change_password": False,
                "active": True,
                "deputy_user_id": None,
                "deputy_from": None,
                "deputy_until": None,
                "created_at": at(0),
            },
        ],
        "committees": [
            {
                "id": 1,
                "body_id": 1,
                "slug": "stadtrat",
                "name": "Stadtrat",
                "short_name": "SR",
                "kind": "stadtrat",
                "vote_rules": {},
                "meeting_cycle": None,
            },
        ],
        "memberships": [
            {
                "id": 1,
                "person_id": 2,
                "committee_id": 1,
                "role": "mitglied",
                "voting_right": True,
                "valid_from": date(2019, 7, 1),
                "valid_until": None,
            },
        ],
        "programmes": [
            {
                "id": 1,
                "body_id": 1,
                "title": "Arbeitspapier Digitalisierung der Verwaltung",
                "description": "Vorlage VII/0680/24",
                "owner_person_id": 1,
                "paper_id": None,
                "review_cycle": "halbjaehrlich",
                "created_at": at(0),
            },
        ],
        "measures": [
            {
                "id": 1,
                "programme_id": 1,
                "code": "M-01",
                "title": "Digitale Eingangspost",
                "description": "Scannen und Verteilen der Eingangspost",
                "responsible_person_id": 1,
                "public": True,
                "state": "ag_pruefung",
                "version": 2,
                "definition_name": "massnahme",
                "definition_version": 1,
                "fields": fields_m1,
                "created_at": at(1),
                "updated_at": at(2),
            },
            {
                "id": 2,
                "programme_id": 1,
                "code": "M-02",
                "title": "Ratsinformationssystem",
                "description": None,
                "responsible_person_id": None,
                "public": False,
                "state": "entwurf",
                "version": 1,
                "definition_name": "massnahme",
                "definition_version": 1,
                "fields": {},
                "created_at": at(3),
                "updated_at": at(3),
            },
        ],
        "history_entries": [
            {
                "id": 1,
                "entity_type": "measure",
                "entity_id": 1,
                "at": at(2),
                "event": "einreichen",
                "label": "Zur AG-Prüfung einreichen",
                "from_state": "entwurf",
                "to_state": "ag_pruefung",
                "actor_user_id": 1,
                "actor_role": "ag_leitung",
                "comment": "Bitte prüfen, Unterlagen folgen.",
                "data": {},
            },
        ],
        "deadlines": [
            {
                "id": 1,
                "entity_type": "measure",
                "entity_id": 1,
                "name": "ag_pruefung",
                "label": "Prüfung in der AG",
                "due_at": at(44),
                "open": True,
                "created_at": at(2),
                "closed_at": None,
            },
        ],
    }


def audit_rows() -> dict[str, list[dict[str, Any]]]:
    drafts = [
        EventDraft(
            at(0),
            None,
            None,
            "person.create",
            "person",
            1,
            persons=[1],
            changes={
                "given_name": (None, "Erika"),
                "family_name": (None, "Mustermann"),
                "email": (None, "erika.mustermann@aschersleben.example"),
            },
            subject_person_id=1,
        ),
        EventDraft(
            at(0, 1),
            None,
            None,
            "person.create",
            "person",
            2,
            persons=[2],
            changes={"family_name": (None, "Berger")},
            subject_person_id=2,
        ),
        EventDraft(
            at(0, 2),
            None,
            None,
            "user.create",
            "user",
            1,
            persons=[1],
            changes={"username": (None, "ag.leitung"), "roles": (None, ["ag_leitung"])},
        ),
        EventDraft(
            at(1),
            1,
            "ag_leitung",
            "measure.create",
            "measure",
            1,
            persons=[1],
            changes={"title": (None, "Digitale Eingangspost"), "state": (None, "entwurf")},
        ),
        EventDraft(
            at(2),
            1,
            "ag_leitung",
            "measure.transition",
            "measure",
            1,
            persons=[1],
            changes={"state": ("entwurf", "ag_pruefung"), "version": (1, 2)},
            context={"event": "einreichen", "deadline": "ag_pruefung"},
            comment="Bitte prüfen, Unterlagen folgen.",
            request_id="fixture-0001-req",
            comment_person_id=1,
        ),
        EventDraft(
            at(3),
            1,
            "ag_leitung",
            "measure.create",
            "measure",
            2,
            changes={"title": (None, "Ratsinformationssystem"), "state": (None, "entwurf")},
        ),
        EventDraft(
            at(4),
            1,
            "ag_leitung",
            "person.read",
            "person",
            2,
            persons=[2],
            comment="Ladung zur Sitzung",
        ),
    ]
    events, details, persons = [], [], []
    prev = GENESIS
    for seq, draft in enumerate(drafts, start=1):
        sealed = seal(draft, CHAIN, seq, prev)
        events.append(
            {
                "id": seq,
                "chain_key": CHAIN,
                "seq": seq,
                "ts": draft.ts,
                "actor_id": draft.actor_id,
                "actor_role": draft.actor_role,
                "action": draft.action,
                "entity_type": draft.entity_type,
                "entity_id": draft.entity_id,
                "request_id": draft.request_id,
                "payload": sealed.payload,
                "prev_hash": prev,
                "hash": sealed.hash,
            }
        )
        for secret in sealed.secrets:
            details.append(
                {
                    "id": len(details) + 1,
                    "event_id": seq,
                    "path": secret.path,
                    "person_id": secret.person_id,
                    "value": secret.value,
                    "salt": secret.salt,
                    "erased_at": None,
                }
            )
        persons += [{"event_id": seq, "person_id": p} for p in sorted(set(draft.persons))]
        prev = sealed.hash
    return {"audit_events": events, "audit_details": details, "audit_event_persons": persons}


def literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        # UTC without a zone: SQLite stores it so; the loader sets the session to UTC.
        value = value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    elif isinstance(value, date):
        value = value.isoformat()
    elif isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "'" + str(value).replace("'", "''") + "'"


def render(tables: dict[str, list[dict[str, Any]]]) -> str:
    lines = [
        "-- ratsflow data at migration 0001 (made by make_fixture_0001.py; do not edit).",
        "-- Load into a database upgraded to 0001; on PostgreSQL with the session in UTC.",
    ]
    for table, rows in tables.items():
        for row in rows:
            columns = ", ".join(row)
            values = ", ".join(literal(v) for v in row.values())
            lines.append(f"INSERT INTO {table} ({columns}) VALUES ({values});")
    return "\n".join(lines) + "\n"


def main() -> None:
    tables = {**business_rows(), **audit_rows()}
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/at_0001.db"
        command.upgrade(alembic_config(url), "0001")
        engine = create_engine(url)
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.begin() as connection:
            for table, rows in tables.items():
                connection.execute(insert(metadata.tables[table]), rows)  # fits 0001, or fails
        engine.dispose()
    TARGET.write_text(render(tables), encoding="utf-8")
    print(f"{TARGET} geschrieben.")


if __name__ == "__main__":
    main()
