"""Upgrading a database that holds years of data, not only an empty one.

``upgrade/at_0001.sql`` holds a small city as migration 0001 stored it (made by
``upgrade/make_fixture_0001.py``). The test loads it, upgrades one revision at a time and
runs that revision's check, then verifies the audit chain at the head. A new migration adds
its step to ``STEPS``: the test fails while one is missing.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from service.audit.chain import EventDraft
from service.audit.repository import append
from service.audit.trail import verify_all
from service.db import make_engine
from service.migrate import alembic_config
from service.visits.repository import RESOLUTION_CONTROL, last_seen

FIXTURE = Path(__file__).resolve().parent / "upgrade" / "at_0001.sql"
CHAIN = "aschersleben"

Check = Callable[[Connection], None]


def _columns(connection: Connection, table: str) -> set[str]:
    return {c["name"] for c in inspect(connection).get_columns(table)}


def _one(connection: Connection, sql: str) -> object:
    return connection.execute(text(sql)).scalar_one()


def _empty_table(name: str) -> Check:
    def check(connection: Connection) -> None:
        assert _one(connection, f"SELECT count(*) FROM {name}") == 0

    return check


def at_0001(c: Connection) -> None:
    assert _one(c, "SELECT count(*) FROM persons") == 2
    assert _one(c, "SELECT count(*) FROM measures") == 2
    assert _one(c, "SELECT count(*) FROM audit_events") == 7


def at_0002(c: Connection) -> None:
    # From here on the trail is append-only in the database itself.
    with pytest.raises(DBAPIError), c.begin_nested():
        c.execute(text("UPDATE audit_events SET action = 'x' WHERE seq = 1"))


def at_0004(c: Connection) -> None:
    assert _one(c, "SELECT count(*) FROM deputyships") == 0
    assert _one(c, "SELECT username FROM users WHERE id = 1") == "ag.leitung"


def at_0008(c: Connection) -> None:
    # Rows that did not name their body get the deployment's, through their parent.
    for table in ("measures", "users", "deadlines"):
        assert _one(c, f"SELECT count(*) FROM {table} WHERE body_id = 1") >= 1, table
        assert _one(c, f"SELECT count(*) FROM {table} WHERE body_id IS NULL") == 0, table
    assert _one(c, "SELECT land FROM bodies WHERE id = 1") == "ST"


def at_0009(c: Connection) -> None:
    assert "body_id" in _columns(c, "status_update_rounds")


def at_0012(c: Connection) -> None:
    # Steps recorded before decisions were dated on their session were entered when done.
    assert _one(c, "SELECT count(*) FROM history_entries") >= 1
    assert _one(c, "SELECT count(*) FROM history_entries WHERE recorded_at <> at") == 0
    assert _one(c, "SELECT count(*) FROM history_entries WHERE recorded_at IS NULL") == 0
    assert _one(c, "SELECT count(*) FROM measure_baselines") == 0


def at_0016(c: Connection) -> None:
    # Every programme starts at version 1, a number like every other versioned item's.
    assert _one(c, "SELECT version FROM programmes WHERE id = 1") == 1


def at_0017(c: Connection) -> None:
    # A transition closes its item's open deadlines through the item's own index, not by
    # walking every open deadline of the body (SQLite without statistics chose that).
    columns = {i["name"]: i["column_names"] for i in inspect(c).get_indexes("deadlines")}
    assert columns["ix_deadlines_entity"] == ["entity_type", "entity_id", "open"]
    if c.dialect.name == "sqlite":
        plan = c.exec_driver_sql(
            "EXPLAIN QUERY PLAN UPDATE deadlines SET open = FALSE "
            "WHERE entity_type = 'measure' AND entity_id = 1 AND open = TRUE"
        ).all()
        assert "ix_deadlines_entity" in plan[-1][-1]


def at_0018(c: Connection) -> None:
    # A Kennung is unique in its body in any case; the fixture's two had nothing to rename.
    assert _one(c, "SELECT count(*) FROM measures") == 2
    assert _one(c, "SELECT count(*) FROM measures WHERE code = 'M-01'") == 1
    with pytest.raises(DBAPIError), c.begin_nested():
        c.execute(text("UPDATE measures SET code = 'm-01' WHERE code <> 'M-01'"))


def at_0019(c: Connection) -> None:
    # Nobody of the fixture had visited the Beschlusskontrolle (no ``deadline.read``).
    assert _one(c, "SELECT count(*) FROM page_visits") == 0


def at_0021(c: Connection) -> None:
    # An issued report is frozen as issued; only the Kenntnisnahme is written later, once.
    with c.begin_nested() as trying:
        c.execute(
            text(
                "INSERT INTO issued_reports (body_id, number, period, audience, as_of, "
                "issued_at, json_content, json_sha256, pdf_content, pdf_sha256) VALUES "
                "(1, 1, '2024-H2', 'internal', '2024-12-31', '2025-01-10 10:00:00+00:00', "
                "'{}', :digest, :pdf, :digest)"
            ),
            {"digest": "0" * 64, "pdf": b"%PDF-"},
        )
        c.execute(text("UPDATE issued_reports SET noted_on = '2025-02-01'"))
        for refused in (
            "UPDATE issued_reports SET json_content = '[]'",
            "UPDATE issued_reports SET noted_on = NULL",
            "DELETE FROM issued_reports",
        ):
            with pytest.raises(DBAPIError), c.begin_nested():
                c.execute(text(refused))
        trying.rollback()
    assert _one(c, "SELECT count(*) FROM issued_reports") == 0


def at_0022(c: Connection) -> None:
    # Every milestone knows when it was added (the fixture's, if any: their measure's day).
    assert "created_at" in _columns(c, "milestones")
    assert _one(c, "SELECT count(*) FROM milestones WHERE created_at IS NULL") == 0


def at_0024(c: Connection) -> None:
    # The fixture's Kennungen had no blanks to trim; papers get their index on
    # lower(reference) (SQLite's reflection skips an index on an expression).
    assert _one(c, "SELECT count(*) FROM measures WHERE code IN ('M-01', 'M-02')") == 2
    if c.dialect.name == "sqlite":
        sql = "SELECT count(*) FROM sqlite_master WHERE name = 'uq_papers_body_reference'"
    else:
        sql = "SELECT count(*) FROM pg_indexes WHERE indexname = 'uq_papers_body_reference'"
    assert _one(c, sql) == 1


def at_0025(c: Connection) -> None:
    # The fixture's history entries were written before they named their vote.
    assert "vote_id" in _columns(c, "history_entries")
    assert _one(c, "SELECT count(*) FROM history_entries WHERE vote_id IS NOT NULL") == 0


def at_0026(c: Connection) -> None:
    # Every milestone has the first entry of its history (the fixture has none).
    assert "milestone_changes" in inspect(c).get_table_names()
    assert _one(c, "SELECT count(*) FROM milestone_changes") == _one(
        c, "SELECT count(*) FROM milestones"
    )


def at_0027(c: Connection) -> None:
    # Meetings know the version that moved them, agenda items the version they came with.
    assert "moved_in_sequence" in _columns(c, "meetings")
    assert "added_in_sequence" in _columns(c, "agenda_items")
    assert _one(c, "SELECT count(*) FROM meetings WHERE moved_in_sequence <> sequence") == 0


def at_0028(c: Connection) -> None:
    # Every measure has the first entry of its history, from its creation on; the fixture
    # has no budget line.
    assert _one(c, "SELECT count(*) FROM measure_changes") == 2
    assert (
        _one(
            c,
            "SELECT count(*) FROM measure_changes h JOIN measures m ON m.id = h.measure_id "
            "WHERE h.changed_at = m.created_at AND h.title = m.title AND h.code = m.code",
        )
        == 2
    )
    assert _one(c, "SELECT count(*) FROM budget_line_changes") == 0


def at_0030(c: Connection) -> None:
    # Every step a referral closed says so; the others were closed by a vote or are open.
    assert "closed_by" in _columns(c, "consultations")
    assert (
        _one(
            c,
            "SELECT count(*) FROM consultations WHERE closed_by IS NULL "
            "AND result IN ('zurueckverwiesen', 'entfallen')",
        )
        == 0
    )


def at_0033(c: Connection) -> None:
    # A kept answer's headers have a column of their own; the fixture keeps no answer.
    assert "response_headers" in _columns(c, "idempotency_keys")
    assert _one(c, "SELECT count(*) FROM idempotency_keys") == 0


def _json(value: object) -> object:
    return json.loads(value) if isinstance(value, str) else value


def at_0034(c: Connection) -> None:
    # The fixture's create events are older than the fields in the trail and no step of its
    # recorded a field: each first entry holds the measure's fields of today.
    rows = c.execute(text("SELECT measure_id, fields FROM measure_changes ORDER BY id")).all()
    assert [(measure, _json(fields)) for measure, fields in rows] == [
        (1, {"aufwand_nutzen": "liegt vor", "kosten_einmalig": 12000, "personenbezogen": True}),
        (2, {}),
    ]


STEPS: list[tuple[str, Check]] = [
    ("0001", at_0001),
    ("0002", at_0002),
    ("0003", _empty_table("api_tokens")),
    ("0004", at_0004),
    ("0005", _empty_table("attachments")),
    ("0006", _empty_table("outbox")),
    ("0007", _empty_table("audit_checkpoints")),
    ("0008", at_0008),
    ("0009", at_0009),
    ("0010", _empty_table("job_runs")),
    ("0011", _empty_table("calendar_feeds")),
    ("0012", at_0012),
    ("0013", _empty_table("issued_reports")),
    ("0014", _empty_table("oparl_records")),
    ("0015", _empty_table("obligations")),
    ("0016", at_0016),
    ("0017", at_0017),
    ("0018", at_0018),
    ("0019", at_0019),
    # Nothing to drop here; test_staff_visits_carried_over_by_0019_are_dropped has visits.
    ("0020", _empty_table("page_visits")),
    ("0021", at_0021),
    ("0022", at_0022),
    # The fixture holds no vote whose explanation 0023 would rewrite.
    ("0023", _empty_table("votes")),
    ("0024", at_0024),
    ("0025", at_0025),
    ("0026", at_0026),
    ("0027", at_0027),
    ("0028", at_0028),
    ("0030", at_0030),
    ("0033", at_0033),
    ("0034", at_0034),
]


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'alt.db'}"
        return
    postgres = request.getfixturevalue("_postgres")
    name = postgres.create(f"ratsflow_upgrade_{uuid.uuid4().hex}")
    try:
        yield postgres.url(name)
    finally:
        postgres.release(name)


def load_fixture(engine: Engine) -> None:
    statements = [
        line
        for line in FIXTURE.read_text(encoding="utf-8").splitlines()
        if line.startswith("INSERT")
    ]
    with engine.begin() as c:
        if c.dialect.name == "postgresql":
            c.exec_driver_sql("SET TIME ZONE 'UTC'")
        for statement in statements:
            c.exec_driver_sql(statement.replace("%", "%%"))
        if c.dialect.name == "postgresql":
            # Rows came with their ids: the sequences must go on after them.
            for table in inspect(c).get_table_names():
                if "id" in _columns(c, table):
                    c.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT max(id) FROM {table}))"
                        )
                    )


def test_every_migration_has_its_step() -> None:
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    revisions = [r.revision for r in reversed(list(scripts.walk_revisions()))]

    assert [revision for revision, _ in STEPS] == revisions


def test_a_database_of_migration_0001_upgrades_to_the_head_with_its_data(empty_url: str) -> None:
    config = alembic_config(empty_url)
    command.upgrade(config, "0001")
    engine = make_engine(empty_url)
    try:
        load_fixture(engine)
        for revision, check in STEPS:
            command.upgrade(config, revision)
            with engine.connect() as c:
                check(c)
        with engine.connect() as c:
            erika = c.execute(text("SELECT family_name, email FROM persons WHERE id = 1")).one()
            measure = c.execute(
                text("SELECT state, version, fields, updated_at FROM measures WHERE code = 'M-01'")
            ).one()
            comment = _one(c, "SELECT comment FROM history_entries WHERE entity_id = 1")
            reports = verify_all(c, CHAIN)
    finally:
        engine.dispose()
    assert tuple(erika) == ("Mustermann", "erika.mustermann@aschersleben.example")
    fields = measure.fields if isinstance(measure.fields, dict) else json.loads(measure.fields)
    assert (measure.state, measure.version, fields["kosten_einmalig"]) == ("ag_pruefung", 2, 12000)
    updated = measure.updated_at
    if isinstance(updated, str):
        updated = datetime.fromisoformat(updated)
    assert updated.replace(tzinfo=updated.tzinfo or UTC) == datetime(2024, 1, 10, 8, 0, tzinfo=UTC)
    assert comment == "Bitte prüfen, Unterlagen folgen."
    [report] = reports
    assert report.verification.intact, report.verification.reason
    assert report.verification.checked == 7


def _read_deadlines(engine: Engine, user_id: int, moments: list[datetime], role: str) -> None:
    """Visits of the Beschlusskontrolle as they were logged before 0019."""
    with engine.begin() as c:
        for moment in moments:
            draft = EventDraft(
                ts=moment,
                actor_id=user_id,
                actor_role=role,
                action="deadline.read",
                entity_type="deadline",
                entity_id=None,
            )
            append(c, CHAIN, draft)


def _council_login(engine: Engine) -> int:
    """The fixture's one login (ag.leitung) is staff; Dr. Berger gets a council login."""
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO users (body_id, username, person_id, roles, "
                "must_change_password, active, created_at) VALUES (1, 'rat.mitglied', 2, "
                "'[\"ratsmitglied\"]', FALSE, TRUE, '2024-01-08 08:00:00.000000')"
            )
        )
        council = _one(c, "SELECT id FROM users WHERE username = 'rat.mitglied'")
    assert isinstance(council, int)
    return council


def test_the_last_visit_of_the_beschlusskontrolle_is_carried_over_from_the_audit_log(
    empty_url: str,
) -> None:
    """Before 0019 a council member's visit was her latest ``deadline.read`` audit event;
    after it her task counts from the same moment (and a later event than an earlier one)."""
    config = alembic_config(empty_url)
    command.upgrade(config, "0001")
    engine = make_engine(empty_url)
    try:
        load_fixture(engine)
        command.upgrade(config, "0018")
        user_id = _council_login(engine)
        moments = [datetime(2025, 3, day, 9, 30, tzinfo=UTC) for day in (3, 10)]
        _read_deadlines(engine, user_id, moments, "ratsmitglied")
        command.upgrade(config, "0019")
        with engine.connect() as c:
            rows = c.execute(text("SELECT user_id, page FROM page_visits")).all()
            seen = last_seen(c, user_id, RESOLUTION_CONTROL)
            reports = verify_all(c, CHAIN)
    finally:
        engine.dispose()
    assert [tuple(r) for r in rows] == [(user_id, RESOLUTION_CONTROL)]
    assert seen == moments[-1]
    assert all(r.verification.intact for r in reports)


def test_staff_visits_carried_over_by_0019_are_dropped(empty_url: str) -> None:
    """0019 carried over every login's latest ``deadline.read``, staff's too; only a council
    member's visit is read (her task), so 0020 drops the others' and keeps hers."""
    config = alembic_config(empty_url)
    command.upgrade(config, "0001")
    engine = make_engine(empty_url)
    try:
        load_fixture(engine)
        command.upgrade(config, "0018")
        council = _council_login(engine)
        staff = 1
        moment = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)
        _read_deadlines(engine, staff, [moment], "ag_leitung")
        _read_deadlines(engine, council, [moment], "ratsmitglied")
        command.upgrade(config, "0019")
        with engine.connect() as c:
            assert _one(c, "SELECT count(*) FROM page_visits") == 2
        command.upgrade(config, "head")
        with engine.connect() as c:
            rows = c.execute(text("SELECT user_id, page FROM page_visits")).all()
            seen = last_seen(c, council, RESOLUTION_CONTROL)
            reports = verify_all(c, CHAIN)
    finally:
        engine.dispose()
    assert [tuple(r) for r in rows] == [(council, RESOLUTION_CONTROL)]
    assert seen == moment
    assert all(r.verification.intact for r in reports)


def test_a_milestone_from_before_0026_has_its_values_in_its_history_since_it_was_added(
    empty_url: str,
) -> None:
    """A report as of any day after the milestone was added reads it from its history: the
    migration dates its first entry on ``created_at``, with the values it has then."""
    config = alembic_config(empty_url)
    command.upgrade(config, "0001")
    engine = make_engine(empty_url)
    try:
        load_fixture(engine)
        command.upgrade(config, "0023")
        with engine.begin() as c:
            c.execute(
                text(
                    "INSERT INTO milestones (measure_id, title, due_on, done_on, created_at) "
                    "VALUES (1, 'Pilot im Amt 21', '2025-06-30', '2025-07-14', "
                    "'2024-04-15 08:00:00+00:00')"
                )
            )
        command.upgrade(config, "head")
        with engine.connect() as c:
            rows = c.execute(
                text(
                    "SELECT m.id = h.milestone_id, h.changed_at, h.title, h.due_on, h.done_on "
                    "FROM milestone_changes h JOIN milestones m ON m.id = h.milestone_id"
                )
            ).all()
    finally:
        engine.dispose()
    [(same, changed_at, title, due_on, done_on)] = rows
    if isinstance(changed_at, str):
        changed_at = datetime.fromisoformat(changed_at)
    assert same
    assert changed_at.replace(tzinfo=changed_at.tzinfo or UTC) == datetime(
        2024, 4, 15, 8, 0, tzinfo=UTC
    )
    assert (title, str(due_on), str(done_on)) == ("Pilot im Amt 21", "2025-06-30", "2025-07-14")


def _moment(value: object) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(moment, datetime)
    return moment.replace(tzinfo=moment.tzinfo or UTC)


def test_budget_lines_from_before_0028_have_their_values_in_their_history_since_they_were_added(
    empty_url: str,
) -> None:
    """A line's first entry is dated by its ``budget_line.create`` event in the trail (a
    report as of an earlier day does not count it), or, when retention removed that event,
    by its measure's creation; it holds the line's amounts at the upgrade. The downgrade
    drops both histories, and upgrading again writes them anew."""
    config = alembic_config(empty_url)
    command.upgrade(config, "0001")
    engine = make_engine(empty_url)
    try:
        load_fixture(engine)
        command.upgrade(config, "0027")
        with engine.begin() as c:
            for year in (2025, 2026):
                c.execute(
                    text(
                        "INSERT INTO budget_lines (measure_id, fiscal_year, product_account, "
                        "one_off_planned, recurring_planned, approved, spent) VALUES "
                        "(1, :year, '11.1.04', 12000.00, NULL, 10000.00, 2500.50)"
                    ),
                    {"year": year},
                )
            with_event = _one(c, "SELECT id FROM budget_lines WHERE fiscal_year = 2025")
            assert isinstance(with_event, int)
            draft = EventDraft(
                ts=datetime(2024, 5, 2, 9, 30, tzinfo=UTC),
                actor_id=1,
                actor_role="kaemmerei",
                action="budget_line.create",
                entity_type="budget_line",
                entity_id=with_event,
            )
            append(c, CHAIN, draft)
        command.upgrade(config, "0028")
        with engine.connect() as c:
            rows = c.execute(
                text(
                    "SELECT l.fiscal_year, h.changed_at, h.product_account, h.one_off_planned, "
                    "h.recurring_planned, h.approved, h.spent FROM budget_line_changes h "
                    "JOIN budget_lines l ON l.id = h.budget_line_id ORDER BY l.fiscal_year"
                )
            ).all()
            reports = verify_all(c, CHAIN)
        command.downgrade(config, "0027")
        with engine.connect() as c:
            tables = set(inspect(c).get_table_names())
        command.upgrade(config, "head")
        with engine.connect() as c:
            again = _one(c, "SELECT count(*) FROM budget_line_changes")
    finally:
        engine.dispose()
    assert [(year, _moment(at)) for year, at, *_ in rows] == [
        (2025, datetime(2024, 5, 2, 9, 30, tzinfo=UTC)),
        (2026, datetime(2024, 1, 9, 8, 0, tzinfo=UTC)),  # no event: the measure's creation
    ]
    assert {tuple(values) for _, _, *values in rows} == {
        ("11.1.04", Decimal("12000"), None, Decimal("10000"), Decimal("2500.5"))
    }
    assert all(r.verification.intact for r in reports)
    assert not {"budget_line_changes", "measure_changes"} & tables
    assert "budget_lines" in tables and again == 2


def test_a_paper_withdrawn_before_0030_has_no_step_left_open(empty_url: str) -> None:
    """A withdrawal used to leave the paper's open steps „offen“; 0030 drops them as the
    withdrawal now does, and names the referral as what closed the steps it closed."""
    config = alembic_config(empty_url)
    command.upgrade(config, "0001")
    engine = make_engine(empty_url)
    try:
        load_fixture(engine)
        command.upgrade(config, "0027")
        with engine.begin() as c:
            for paper_id, state in ((1, "zurueckgezogen"), (2, "entscheidung")):
                c.execute(
                    text(
                        "INSERT INTO papers (id, body_id, reference, title, public, state, "
                        "version, definition_name, definition_version, fields, created_at, "
                        "updated_at) VALUES (:id, 1, :reference, 'Eigenbetriebe', true, "
                        ":state, 3, 'vorlage', 2, '{}', '2025-03-01 08:00:00+00:00', "
                        "'2025-03-01 08:00:00+00:00')"
                    ),
                    {"id": paper_id, "reference": f"VII/000{paper_id}/25", "state": state},
                )
            c.execute(
                text(
                    "INSERT INTO consultations (paper_id, position, committee_id, role, result) "
                    "VALUES (1, 1, 1, 'vorberatung', 'zurueckverwiesen'), "
                    "(1, 2, 1, 'entscheidung', 'entfallen'), (1, 3, 1, 'vorberatung', NULL), "
                    "(1, 4, 1, 'entscheidung', NULL), (2, 1, 1, 'entscheidung', NULL)"
                )
            )
        command.upgrade(config, "head")
        with engine.connect() as c:
            rows = c.execute(
                text(
                    "SELECT paper_id, position, result, closed_by FROM consultations "
                    "ORDER BY paper_id, position"
                )
            ).all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in rows] == [
        (1, 1, "zurueckverwiesen", "zurueckverweisen"),
        (1, 2, "entfallen", "zurueckverweisen"),
        (1, 3, "entfallen", "zurueckziehen"),
        (1, 4, "entfallen", "zurueckziehen"),
        # A paper still on its way keeps its open step.
        (2, 1, None, None),
    ]


# Answers as ``service.idempotency`` kept them before 0033: key, status, body.
_KEPT_BEFORE_0033 = {
    "neue-massnahme": (
        201,
        '{"ratsflow_answer": "{\\"id\\":3,\\"title\\":\\"Bürgerportal\\"}", '
        '"headers": {"Location": "/api/v1/measures/3", "ETag": "\\"1\\""}}',
    ),
    "uebergang": (200, '{"id":3,"to_state":"ag_pruefung"}'),
    "erwaehnt": (200, '{"ratsflow_answer":"nur erwähnt"}'),
    "formular:weiter-zur-seite": (303, "/massnahmen/3"),
    "formular:eigene-seite": (200, ""),
}


def _kept_answers(engine: Engine) -> dict[str, tuple[object, object]]:
    with engine.connect() as c:
        columns = "key, response_body"
        if "response_headers" in _columns(c, "idempotency_keys"):
            columns += ", response_headers"
        rows = c.execute(text(f"SELECT {columns} FROM idempotency_keys")).all()
    kept = {}
    for key, body, *headers in rows:
        found = headers[0] if headers else None
        kept[key] = (body, json.loads(found) if isinstance(found, str) else found)
    return kept


def test_answers_kept_before_0033_have_their_location_and_etag_beside_their_body(
    empty_url: str,
) -> None:
    """A retry across the upgrade (or a downgrade) gets the same answer: the body unwrapped,
    ``Location`` and ``ETag`` in ``response_headers``, a form's page as its ``Location``;
    the downgrade keeps them as before again."""
    config = alembic_config(empty_url)
    before = ScriptDirectory.from_config(config).get_revision("0033").down_revision
    assert isinstance(before, str)
    command.upgrade(config, "0001")
    engine = make_engine(empty_url)
    try:
        load_fixture(engine)
        command.upgrade(config, before)
        with engine.begin() as c:
            for key, (status, body) in _KEPT_BEFORE_0033.items():
                c.execute(
                    text(
                        "INSERT INTO idempotency_keys (key, user_id, method, path, "
                        "request_hash, status, response_body, created_at) VALUES (:key, 1, "
                        "'POST', '/api/v1/measures', :digest, :status, :body, "
                        "'2024-01-10 08:00:00+00:00')"
                    ),
                    {"key": key, "digest": "0" * 64, "status": status, "body": body},
                )
            c.execute(
                text(
                    "INSERT INTO idempotency_keys (key, user_id, method, path, request_hash, "
                    "created_at) VALUES ('in-arbeit', 1, 'POST', '/api/v1/measures', :digest, "
                    "'2024-01-10 08:00:00+00:00')"
                ),
                {"digest": "0" * 64},
            )
        command.upgrade(config, "0033")
        upgraded = _kept_answers(engine)
        command.downgrade(config, before)
        downgraded = _kept_answers(engine)
        command.upgrade(config, "head")
    finally:
        engine.dispose()
    assert upgraded == {
        "neue-massnahme": (
            '{"id":3,"title":"Bürgerportal"}',
            {"Location": "/api/v1/measures/3", "ETag": '"1"'},
        ),
        "uebergang": ('{"id":3,"to_state":"ag_pruefung"}', {}),
        "erwaehnt": ('{"ratsflow_answer":"nur erwähnt"}', {}),
        "formular:weiter-zur-seite": ("", {"Location": "/massnahmen/3"}),
        "formular:eigene-seite": ("", {}),
        "in-arbeit": (None, None),
    }
    assert downgraded == {
        **{key: (body, None) for key, (_, body) in _KEPT_BEFORE_0033.items()},
        "in-arbeit": (None, None),
    }


def _measure_event(
    c: Connection, measure_id: int, moment: datetime, action: str, **changes: tuple[Any, Any]
) -> None:
    draft = EventDraft(
        ts=moment,
        actor_id=1,
        actor_role="ag_leitung",
        action=action,
        entity_type="measure",
        entity_id=measure_id,
        changes=changes,
    )
    append(c, CHAIN, draft)


def test_fields_edited_before_0034_are_dated_by_the_audit_trail(empty_url: str) -> None:
    """Each measure's first entry gets the fields it was created with (from its
    ``measure.create`` event; where that holds none, today's taken back over the edits the
    trail holds), and every edit of the fields an entry at its event's moment with what it
    changed: the entry of a renaming of the same moment, or a new one naming the measure as
    before. Downgrading drops the fields; upgrading again gives them back."""
    config = alembic_config(empty_url)
    parent = ScriptDirectory.from_config(config).get_revision("0034").down_revision
    assert isinstance(parent, str)
    command.upgrade(config, "0001")
    engine = make_engine(empty_url)
    created = datetime(2024, 2, 1, 8, 0, tzinfo=UTC)
    raised = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
    moved = datetime(2024, 11, 5, 10, 0, tzinfo=UTC)
    try:
        load_fixture(engine)
        command.upgrade(config, parent)
        with engine.begin() as c:
            c.execute(
                text(
                    "INSERT INTO measures (id, body_id, programme_id, code, title, public, "
                    "state, version, definition_name, definition_version, fields, created_at, "
                    "updated_at) VALUES (3, 1, 1, 'M-03', 'E-Rechnung', TRUE, 'umsetzung', 5, "
                    "'massnahme', 1, :fields, :created, :moved)"
                ),
                {"fields": '{"zieldatum": "2026-03-31"}', "created": created, "moved": moved},
            )
            for moment, title in ((created, "Rechnungseingang"), (moved, "E-Rechnung")):
                c.execute(
                    text(
                        "INSERT INTO measure_changes (measure_id, changed_at, code, title) "
                        "VALUES (3, :moment, 'M-03', :title)"
                    ),
                    {"moment": moment, "title": title},
                )
            _measure_event(
                c, 3, created, "measure.create", fields=(None, {"zieldatum": "2025-12-31"})
            )
            _measure_event(
                c,
                3,
                moved,
                "measure.update",
                title=("Rechnungseingang", "E-Rechnung"),
                fields=({"zieldatum": "2025-12-31"}, {"zieldatum": "2026-03-31"}),
            )
            today = {"aufwand_nutzen": "liegt vor", "kosten_einmalig": 12000}
            _measure_event(
                c,
                1,
                raised,
                "measure.update",
                fields=(
                    {**today, "kosten_einmalig": 10000, "personenbezogen": True},
                    {**today, "personenbezogen": True},
                ),
            )
        command.upgrade(config, "0034")
        query = text(
            "SELECT measure_id, changed_at, title, fields FROM measure_changes "
            "WHERE measure_id IN (1, 3) ORDER BY measure_id, changed_at, id"
        )
        with engine.connect() as c:
            rows = [(m, _moment(at), title, _json(f)) for m, at, title, f in c.execute(query)]
            reports = verify_all(c, CHAIN)
        command.downgrade(config, parent)
        with engine.connect() as c:
            dropped = "fields" not in _columns(c, "measure_changes")
        command.upgrade(config, "head")
        with engine.connect() as c:
            again = [(m, _moment(at), title, _json(f)) for m, at, title, f in c.execute(query)]
    finally:
        engine.dispose()
    first = datetime(2024, 1, 9, 8, 0, tzinfo=UTC)
    assert rows == [
        (
            1,
            first,
            "Digitale Eingangspost",
            {**today, "kosten_einmalig": 10000, "personenbezogen": True},
        ),
        (1, raised, "Digitale Eingangspost", {"kosten_einmalig": 12000}),
        (3, created, "Rechnungseingang", {"zieldatum": "2025-12-31"}),
        (3, moved, "E-Rechnung", {"zieldatum": "2026-03-31"}),
    ]
    assert all(r.verification.intact for r in reports)
    assert dropped
    assert again == rows
