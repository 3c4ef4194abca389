"""The audit chain on SQLite and PostgreSQL: intact chains verify, tampering is named.

Tamper tests first drop the append-only triggers inside the test, as an attacker with
database access would, and then change the chain by hand: ``verify_chain`` must name the
first bad sequence number each time.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from service.audit.chain import EventDraft
from service.audit.models import AuditDetail, AuditEvent, AuditEventPerson
from service.audit.repository import append
from service.audit.repository import chain as chain_repository
from service.audit.verify import Verification, verify_chain
from service.measures.service import fire
from service.people.erasure import erase_person
from service.runtime import Runtime
from tests import factories as make
from tests.conftest import START, FakeClock

events = AuditEvent.__table__  # type: ignore[attr-defined]
details = AuditDetail.__table__  # type: ignore[attr-defined]
event_persons = AuditEventPerson.__table__  # type: ignore[attr-defined]

COMMENT = "Bitte bis Monatsende prüfen."


@dataclass(frozen=True)
class Chain:
    submitted: int  # seq of the einreichen event, which carries a comment
    forwarded: int  # seq of the an_fva_uebergeben event, without persons
    last: int


def verify(runtime: Runtime, **bounds: int) -> Verification:
    with runtime.read() as c:
        return verify_chain(c, runtime.chain_key, **bounds)


def seq_of(c: Connection, action: str, entity_id: int, nth: int = 0) -> int:
    seqs = c.execute(
        select(events.c.seq)
        .where(events.c.action == action, events.c.entity_id == entity_id)
        .order_by(events.c.seq)
    ).scalars()
    return int(list(seqs)[nth])


@pytest.fixture
def chain(runtime: Runtime, clock: FakeClock) -> Chain:
    """A short, realistic chain: people, users, measures moving with comments."""
    with runtime.write() as c:
        leitung = make.user(runtime, "ag_leitung", connection=c)
        mitglied = make.user(runtime, "ag_mitglied", connection=c)
        measures = [make.measure(runtime, c, title=f"Maßnahme {n}") for n in range(3)]
    for measure_id in measures:
        clock.advance(timedelta(hours=1))
        with runtime.write() as c:
            fire(runtime, c, mitglied, measure_id, "einreichen", comment=COMMENT)
        clock.advance(timedelta(hours=1))
        with runtime.write() as c:
            fire(runtime, c, leitung, measure_id, "an_fva_uebergeben", comment="Vollständig.")
    with runtime.read() as c:
        result = Chain(
            submitted=seq_of(c, "measure.transition", measures[1], 0),
            forwarded=seq_of(c, "measure.transition", measures[1], 1),
            last=c.execute(select(func.max(events.c.seq))).scalar_one(),
        )
        # The events the tamper tests change have no person rows (deleting needs that).
        for seq in (result.submitted, result.forwarded):
            event_id = c.execute(select(events.c.id).where(events.c.seq == seq)).scalar_one()
            assert not c.execute(
                select(event_persons).where(event_persons.c.event_id == event_id)
            ).first()
    assert result.submitted < result.forwarded < result.last
    return result


def drop_append_only_triggers(c: Connection) -> None:
    if c.dialect.name == "sqlite":
        for name in (
            "audit_events_no_update",
            "audit_events_no_delete",
            "audit_details_no_delete",
            "audit_details_erase_only",
        ):
            c.exec_driver_sql(f"DROP TRIGGER {name}")
    else:
        c.exec_driver_sql("DROP TRIGGER audit_events_append_only ON audit_events")
        c.exec_driver_sql("DROP TRIGGER audit_details_no_delete ON audit_details")
        c.exec_driver_sql("DROP TRIGGER audit_details_erase_only ON audit_details")


def event_row(c: Connection, seq: int) -> dict[str, object]:
    return dict(c.execute(select(events).where(events.c.seq == seq)).mappings().one())


# --- intact ----------------------------------------------------------------------------------


def test_an_untouched_chain_verifies(runtime: Runtime, chain: Chain) -> None:
    result = verify(runtime)
    assert result.intact, result.reason
    assert result.checked == chain.last and result.last_seq == chain.last
    with runtime.read() as c:
        assert result.last_hash == event_row(c, chain.last)["hash"]
        seqs = list(c.execute(select(events.c.seq).order_by(events.c.seq)).scalars())
    assert seqs == list(range(1, chain.last + 1))
    # A range verifies on its own, linked to the event before it.
    part = verify(runtime, from_seq=chain.submitted, to_seq=chain.forwarded)
    assert part.intact and part.checked == chain.forwarded - chain.submitted + 1


def test_each_event_links_to_the_one_before(runtime: Runtime, chain: Chain) -> None:
    with runtime.read() as c:
        rows = list(c.execute(select(events).order_by(events.c.seq)))
    assert rows[0].prev_hash == "0" * 64
    for before, after in itertools.pairwise(rows):
        assert after.prev_hash == before.hash
        assert json.loads(after.payload)["prev"] == before.hash
        assert json.loads(after.payload)["seq"] == after.seq


# --- tampering -----------------------------------------------------------------------------------


def change_one_byte(c: Connection, chain: Chain) -> int:
    payload = str(event_row(c, chain.forwarded)["payload"])
    changed = payload.replace('"ag_pruefung"', '"ag_pruefunG"', 1)
    assert len(changed) == len(payload) and changed != payload
    c.execute(update(events).where(events.c.seq == chain.forwarded).values(payload=changed))
    return chain.forwarded


def change_a_comment(c: Connection, chain: Chain) -> int:
    event_id = event_row(c, chain.submitted)["id"]
    row = c.execute(
        select(details).where(details.c.event_id == event_id, details.c.path == "comment")
    ).one()
    assert row.value == COMMENT
    c.execute(update(details).where(details.c.id == row.id).values(value="Bitte sofort freigeben."))
    return chain.submitted


def delete_an_event(c: Connection, chain: Chain) -> int:
    event_id = event_row(c, chain.forwarded)["id"]
    c.execute(details.delete().where(details.c.event_id == event_id))
    c.execute(events.delete().where(events.c.id == event_id))
    return chain.forwarded


def swap_two_events(c: Connection, chain: Chain) -> int:
    a, b = event_row(c, chain.submitted), event_row(c, chain.forwarded)
    for target, source in ((a, b), (b, a)):
        c.execute(
            update(events)
            .where(events.c.id == target["id"])
            .values(payload=source["payload"], hash=source["hash"])
        )
    return chain.submitted


def change_the_time_column(c: Connection, chain: Chain) -> int:
    row = event_row(c, chain.submitted)
    c.execute(
        update(events)
        .where(events.c.seq == chain.submitted)
        .values(ts=row["ts"] - timedelta(days=1))  # type: ignore[operator]
    )
    return chain.submitted


def change_a_column(column: str, value: object) -> Callable[[Connection, Chain], int]:
    def change(c: Connection, chain: Chain) -> int:
        assert event_row(c, chain.forwarded)[column] != value
        c.execute(update(events).where(events.c.seq == chain.forwarded).values({column: value}))
        return chain.forwarded

    return change


def rewrite_an_event_and_its_hash(c: Connection, chain: Chain) -> int:
    """A rewritten event with a recomputed hash verifies by itself; its successor's hashed
    link still names its old hash, which shows that the event itself was rewritten."""
    from service.audit.chain import payload_hash

    payload = str(event_row(c, chain.forwarded)["payload"])
    changed = payload.replace('"ag_pruefung"', '"ag_pruefunG"', 1)
    c.execute(
        update(events)
        .where(events.c.seq == chain.forwarded)
        .values(payload=changed, hash=payload_hash(changed))
    )
    return chain.forwarded


def change_a_comment_and_a_later_byte(c: Connection, chain: Chain) -> int:
    """Two changes: the earlier one (a detail row) is named, not the later one."""
    first = change_a_comment(c, chain)
    change_one_byte(c, chain)
    return first


TAMPERING: dict[str, Callable[[Connection, Chain], int]] = {
    "one byte in a payload": change_one_byte,
    "a comment in a detail row": change_a_comment,
    "a deleted event": delete_an_event,
    "two swapped events": swap_two_events,
    "the actor_id column": change_a_column("actor_id", 999_999),
    "the ts column": change_the_time_column,
    # The request id leads from a log line to its events: it must not be moved either.
    "the request_id column": change_a_column("request_id", "erfunden"),
    "the entity_id column": change_a_column("entity_id", 999_999),
    "the actor_role column": change_a_column("actor_role", "fremd"),
    "the action column": change_a_column("action", "measure.create"),
    "an event with a recomputed hash": rewrite_an_event_and_its_hash,
    "an earlier detail and a later payload": change_a_comment_and_a_later_byte,
}


@pytest.mark.parametrize("tamper", TAMPERING.values(), ids=list(TAMPERING))
def test_verification_names_the_first_bad_seq(
    runtime: Runtime, chain: Chain, tamper: Callable[[Connection, Chain], int]
) -> None:
    assert verify(runtime).intact
    with runtime.write() as c:
        drop_append_only_triggers(c)
        first_bad = tamper(c, chain)

    result = verify(runtime)
    assert not result.intact
    assert result.first_bad_seq == first_bad, result.reason
    assert result.reason
    # Up to the event before, the chain still verifies.
    assert verify(runtime, to_seq=first_bad - 1).intact


def test_a_changed_comment_is_named_as_such(runtime: Runtime, chain: Chain) -> None:
    with runtime.write() as c:
        drop_append_only_triggers(c)
        change_a_comment(c, chain)
    result = verify(runtime)
    assert result.first_bad_seq == chain.submitted
    assert result.reason == "Detailwert „comment“ wurde verändert."


def test_verification_inside_the_transaction_that_changed_a_column_names_it(
    runtime: Runtime, chain: Chain
) -> None:
    """A second connection cannot see what this transaction changed: verification within a
    transaction that writes compares the columns on its own connection."""
    with runtime.write() as c:
        drop_append_only_triggers(c)
        change_a_column("actor_id", 999_999)(c, chain)
        result = verify_chain(c, runtime.chain_key)
        assert result.first_bad_seq == chain.forwarded
        assert result.reason == "Spalten des Eintrags weichen vom gehashten Inhalt ab."


def test_a_last_event_whose_text_is_no_json_is_named(runtime: Runtime, chain: Chain) -> None:
    """Its hash recomputed and no successor to break: the database cannot read the text as
    JSON to compare the columns, so Python does, and says what is wrong."""
    from service.audit.chain import payload_hash

    with runtime.write() as c:
        drop_append_only_triggers(c)
        c.execute(
            update(events)
            .where(events.c.seq == chain.last)
            .values(payload="kein JSON", hash=payload_hash("kein JSON"))
        )
    result = verify(runtime)
    assert result.first_bad_seq == chain.last
    assert result.reason == "Der gehashte Inhalt des Eintrags ist kein JSON-Objekt."


def test_events_the_database_did_not_see_are_compared_in_python(
    runtime: Runtime, chain: Chain, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As if the last event had been written after the second connection's snapshot began:
    its changed column is still found."""
    from service.audit import verify as verify_module
    from service.audit.repository.agreement import ColumnCheck

    with runtime.write() as c:
        drop_append_only_triggers(c)
        c.execute(update(events).where(events.c.seq == chain.last).values(actor_id=999_999))
    before_the_last = ColumnCheck(chain.last - 1, 1, chain.last - 1, ())
    monkeypatch.setattr(verify_module, "column_check", lambda *_: before_the_last)
    result = verify(runtime)
    assert result.first_bad_seq == chain.last
    assert result.reason == "Spalten des Eintrags weichen vom gehashten Inhalt ab."


def test_an_intact_chain_needs_no_event_parsed_to_compare_its_columns(
    runtime: Runtime, chain: Chain, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fast comparison (SQLite's JSON functions, PostgreSQL's text) accepts every event
    of an intact chain: none goes the slow way, which would make a long chain's check slow."""
    from service.audit import verify as verify_module

    parsed: list[str] = []
    for name in ("differing_columns", "differing_texts"):  # SQLite's, PostgreSQL's
        exact = getattr(verify_module, name)

        def counted(*args: object, exact: Callable[..., str | None] = exact) -> str | None:
            parsed.append(str(args[1]))
            return exact(*args)

        monkeypatch.setattr(verify_module, name, counted)
    result = verify(runtime)
    assert result.intact and result.checked == chain.last
    assert parsed == []


def test_a_false_alarm_of_the_database_does_not_fail_an_intact_chain(
    runtime: Runtime, chain: Chain, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database may write a value differently from the hashed text; Python compares the
    events it names once more, and only a real difference counts."""
    from service.audit import verify as verify_module
    from service.audit.repository.agreement import ColumnCheck

    alarmed = ColumnCheck(chain.last, 1, chain.last, (chain.submitted, chain.forwarded))
    monkeypatch.setattr(verify_module, "column_check", lambda *_: alarmed)
    result = verify(runtime)
    assert result.intact, result.reason
    assert result.checked == chain.last


# --- the database refuses changes ---------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET actor_id = 4711 WHERE seq = 3",
        "UPDATE audit_events SET payload = payload || ' ' WHERE seq = 3",
        "DELETE FROM audit_events WHERE seq = (SELECT MAX(seq) FROM audit_events)",
        "UPDATE audit_event_persons SET person_id = 4711",
        "DELETE FROM audit_event_persons",
    ],
    ids=["update actor", "update payload", "delete last", "update persons", "delete persons"],
)
def test_the_triggers_refuse_update_and_delete(
    runtime: Runtime, chain: Chain, statement: str
) -> None:
    with runtime.read() as c:
        before = list(c.execute(select(events).order_by(events.c.seq)))
        persons_before = list(c.execute(select(event_persons)))
    assert persons_before  # the person-row statements below have something to refuse
    with pytest.raises(DBAPIError, match="unveränderlich"), runtime.write() as c:
        c.execute(text(statement))
    with runtime.read() as c:
        assert list(c.execute(select(events).order_by(events.c.seq))) == before
        assert list(c.execute(select(event_persons))) == persons_before
    assert verify(runtime).intact


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_postgres_refuses_truncate(runtime: Runtime, chain: Chain) -> None:
    with pytest.raises(DBAPIError, match="unveränderlich"), runtime.write() as c:
        c.execute(text("TRUNCATE audit_events CASCADE"))
    assert verify(runtime).checked == chain.last


# --- personal data: digests in the chain, values beside it ------------------------------------


@dataclass(frozen=True)
class Erika:
    person_id: int
    user_id: int


ERIKA = ("Erika", "Mustermann", "erika.mustermann@aschersleben.de", "emustermann")


@pytest.fixture
def erika(runtime: Runtime) -> Erika:
    with runtime.write() as c:
        person_id = make.person(
            runtime,
            c,
            given_name=ERIKA[0],
            family_name=ERIKA[1],
            email=ERIKA[2],
            function="Sachbearbeiterin Digitalisierung",
        )
        actor = make.user(
            runtime, "datenschutz", connection=c, username=ERIKA[3], person_id=person_id
        )
        measure_id = make.measure(
            runtime, c, responsible_person_id=person_id, fields={"personenbezogen": True}
        )
        make.statement(
            runtime,
            measure_id,
            "datenschutz",
            c,
            author=actor,
            text="Zustimmung unter Auflagen zur Löschfrist.",
            given_on=date(2024, 1, 15),
        )
        leitung = make.user(runtime, "ag_mitglied", connection=c)
        fire(runtime, c, leitung, measure_id, "einreichen", comment="Mit dem DSB abgestimmt.")
    return Erika(person_id, actor.user_id or 0)


def test_event_payloads_never_contain_names_or_email(
    runtime: Runtime, chain: Chain, erika: Erika
) -> None:
    with runtime.read() as c:
        payloads = list(c.execute(select(events.c.payload)).scalars())
        readable = list(
            c.execute(
                select(details.c.value).where(details.c.person_id == erika.person_id)
            ).scalars()
        )
        affected = set(
            c.execute(
                select(events.c.action)
                .join(event_persons, event_persons.c.event_id == events.c.id)
                .where(event_persons.c.person_id == erika.person_id)
            ).scalars()
        )
    assert payloads
    for payload in payloads:
        for secret in ERIKA:
            assert secret not in payload
    # The readable values sit beside the chain, marked with the person they belong to.
    for value in ERIKA[:3]:
        assert value in readable
    # "Everything about one person" finds her own record, her login, the measure she is
    # responsible for, her statement and the measure's step.
    assert affected == {
        "person.create",
        "user.create",
        "measure.create",
        "statement.create",
        "measure.transition",
    }
    assert verify(runtime).intact


def test_erasing_a_persons_details_keeps_the_chain_intact(
    runtime: Runtime, chain: Chain, erika: Erika, clock: FakeClock
) -> None:
    with runtime.write() as c:
        erased = erase_person(c, runtime.chain_key, erika.person_id, clock.now).details
    assert erased >= 4
    result = verify(runtime)
    assert result.intact, result.reason
    with runtime.read() as c:
        values = [v for v in c.execute(select(details.c.value)).scalars() if v]
    assert values  # other people's details stay
    assert not any(secret in value for value in values for secret in ERIKA)


def test_an_erased_value_cannot_come_back(runtime: Runtime, chain: Chain, clock: FakeClock) -> None:
    """Writing a guessed value back into an erased row (without its salt) is caught."""
    with runtime.read() as c:
        event_id = event_row(c, chain.submitted)["id"]
        author = c.execute(
            select(details.c.person_id).where(
                details.c.event_id == event_id, details.c.path == "comment"
            )
        ).scalar_one()
    with runtime.write() as c:
        c.execute(
            update(details)
            .where(details.c.event_id == event_id, details.c.path == "comment")
            .values(value=None, salt=None)
        )
    # Cleared by hand, without an erasure of its author: a break at its Laufnummer.
    assert verify(runtime).first_bad_seq == chain.submitted
    with runtime.write() as c:
        erase_person(c, runtime.chain_key, author, clock.now)
    assert verify(runtime).intact
    # The database refuses it; only an attacker who drops the trigger gets that far.
    with pytest.raises(DBAPIError, match="nur das Löschen"), runtime.write() as c:
        c.execute(
            update(details)
            .where(details.c.event_id == event_id, details.c.path == "comment")
            .values(value=COMMENT)
        )
    with runtime.write() as c:
        drop_append_only_triggers(c)
        c.execute(
            update(details)
            .where(details.c.event_id == event_id, details.c.path == "comment")
            .values(value=COMMENT)
        )
    assert verify(runtime).first_bad_seq == chain.submitted


def test_a_long_chain_broken_near_its_start_is_reported_and_leaves_the_connection_usable(
    runtime: Runtime,
) -> None:
    # PostgreSQL streams the chain by COPY: stopping at the first bad event, with thousands
    # of rows still on their way, must neither hang the next statement nor abort the
    # transaction the verification runs in.
    with runtime.write() as c:
        for n in range(3000):
            append(
                c,
                runtime.chain_key,
                EventDraft(
                    ts=START,
                    actor_id=None,
                    actor_role=None,
                    action="bench.step",
                    entity_type="measure",
                    entity_id=n,
                ),
            )
    with runtime.write() as c:
        drop_append_only_triggers(c)
        c.execute(update(events).where(events.c.seq == 2).values(actor_role="fremd"))

    with runtime.read() as c:
        result = verify_chain(c, runtime.chain_key)
        still_there = c.execute(
            select(func.count()).where(events.c.action == "bench.step")
        ).scalar_one()
    assert result.first_bad_seq == 2
    assert result.reason == "Spalten des Eintrags weichen vom gehashten Inhalt ab."
    assert still_there == 3000


def test_a_chain_longer_than_a_copy_range_verifies_with_its_details_and_its_gaps_show(
    runtime: Runtime, chain: Chain, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PostgreSQL reads the chain by COPY in ranges of sequence numbers, each range's detail
    # rows before its events (a connection inside a COPY answers nothing else), and a
    # removed stretch longer than a range must still be noticed.
    monkeypatch.setattr(chain_repository, "_COPY_RANGE", 3)
    monkeypatch.setattr(chain_repository, "_FETCHED", 2)  # details checked amid the chain
    assert verify(runtime).intact
    with runtime.write() as c:
        drop_append_only_triggers(c)
        # A stretch longer than a range, well before the end, moved out of the way.
        c.execute(update(events).where(events.c.seq.between(4, 8)).values(seq=events.c.seq + 1000))
    result = verify(runtime)
    assert result.first_bad_seq == 4, result.reason
    assert result.reason == "Eintrag 4 fehlt (gefunden: 9)."


# --- defects found by tampering with the demo's database (fix-verify) -------------------------


def comment_row(c: Connection, seq: int) -> tuple[int, int | None]:
    """The id and the recorded person of the comment detail of event ``seq``."""
    event_id = event_row(c, seq)["id"]
    row = c.execute(
        select(details.c.id, details.c.person_id).where(
            details.c.event_id == event_id, details.c.path == "comment"
        )
    ).one()
    return int(row.id), row.person_id


def test_a_deleted_detail_row_is_named_by_its_laufnummer(runtime: Runtime, chain: Chain) -> None:
    """The hashed text holds the comment's digest: the row with its value must be there."""
    with runtime.write() as c:
        drop_append_only_triggers(c)
        row_id, _ = comment_row(c, chain.submitted)
        c.execute(details.delete().where(details.c.id == row_id))
    result = verify(runtime)
    assert result.first_bad_seq == chain.submitted, result.reason
    assert result.reason == "Detailwert „comment“ fehlt: seine Zeile wurde gelöscht."
    assert verify(runtime, to_seq=chain.submitted - 1).intact


def test_an_emptied_value_relabelled_to_an_erased_person_is_named(
    runtime: Runtime, chain: Chain, erika: Erika, clock: FakeClock
) -> None:
    """``audit_details.person_id`` is not hashed: moving an emptied comment onto a person who
    was erased later does not make it an erasure. The comment belongs to the person of the
    login that wrote it (hashed: the event's actor and that login's ``user.create``)."""
    with runtime.write() as c:
        erase_person(c, runtime.chain_key, erika.person_id, clock.now)
    assert verify(runtime).intact
    with runtime.write() as c:
        drop_append_only_triggers(c)
        row_id, author = comment_row(c, chain.submitted)
        assert author is not None and author != erika.person_id
        c.execute(
            update(details)
            .where(details.c.id == row_id)
            .values(value=None, salt=None, person_id=erika.person_id)
        )
    result = verify(runtime)
    assert result.first_bad_seq == chain.submitted, result.reason
    assert result.reason is not None and result.reason.startswith("Detailwert „comment“ wurde")
    assert result.cleared == (chain.submitted,)


def test_a_rewritten_event_with_a_recomputed_hash_is_named_itself(
    runtime: Runtime, chain: Chain
) -> None:
    """Not its successor: the successor's stored link shows the old hash it was chained to."""
    with runtime.write() as c:
        drop_append_only_triggers(c)
        assert rewrite_an_event_and_its_hash(c, chain) == chain.forwarded
    result = verify(runtime)
    assert result.first_bad_seq == chain.forwarded, result.reason
    assert result.reason == (
        f"Eintrag {chain.forwarded} wurde nachträglich verändert: sein Hash ist neu berechnet, "
        f"Eintrag {chain.forwarded + 1} verweist noch auf den alten."
    )
    assert result.checked == chain.forwarded - 1


def _with_persons(c: Connection) -> tuple[int, int, int]:
    """An event with hashed persons: its seq, id and its first person."""
    row = c.execute(
        select(events.c.seq, events.c.id, event_persons.c.person_id)
        .join(event_persons, event_persons.c.event_id == events.c.id)
        .order_by(events.c.seq.desc())
        .limit(1)
    ).one()
    return int(row.seq), int(row.id), int(row.person_id)


@pytest.mark.parametrize("change", ["deleted", "added"])
def test_the_person_index_is_compared_with_the_hashed_persons(
    runtime: Runtime, chain: Chain, change: str
) -> None:
    """Art. 15 finds events through ``audit_event_persons``: a row taken away hides an event
    from the person, a row added pins it on someone else."""
    with runtime.write() as c:
        seq, event_id, person = _with_persons(c)
        if c.dialect.name == "sqlite":
            c.exec_driver_sql("DROP TRIGGER audit_event_persons_no_delete")
        else:
            c.exec_driver_sql("ALTER TABLE audit_event_persons DISABLE TRIGGER USER")
        if change == "deleted":
            c.execute(
                event_persons.delete().where(
                    event_persons.c.event_id == event_id, event_persons.c.person_id == person
                )
            )
        else:
            c.execute(event_persons.insert().values(event_id=event_id, person_id=person + 1000))
    result = verify(runtime)
    assert result.first_bad_seq == seq, result.reason
    assert result.reason == "Betroffene Personen im Index weichen vom gehashten Inhalt ab."
    with runtime.write() as c:
        result = verify_chain(c, runtime.chain_key)  # compared in Python on SQLite too
    assert result.first_bad_seq == seq, result.reason


ESCAPED = 'Anfrage "A\\B"\tmit Tab, Ü, \u2028 und \x01'


@pytest.mark.parametrize("column", ["request_id", "actor_role"])
def test_columns_holding_characters_json_escapes_verify_and_their_change_is_named(
    runtime: Runtime, column: str
) -> None:
    """The fast comparison writes the columns as JSON (PostgreSQL: ``to_json``); where that
    escapes a character differently from the hashed text, the exact comparison decides, so
    an intact event is not reported, and a changed one still is."""
    with runtime.write() as c:
        draft = {"request_id": None, "actor_role": "sitzungsdienst", column: ESCAPED}
        sealed = append(
            c,
            runtime.chain_key,
            EventDraft(
                ts=START,
                actor_id=None,
                action="bench.step",
                entity_type="measure",
                entity_id=1,
                **draft,  # type: ignore[arg-type]
            ),
        )
    assert verify(runtime).intact, verify(runtime).reason
    with runtime.write() as c:
        drop_append_only_triggers(c)
        c.execute(update(events).where(events.c.seq == sealed.seq).values({column: ESCAPED + "x"}))
    result = verify(runtime)
    assert result.first_bad_seq == sealed.seq, result.reason
    assert result.reason == "Spalten des Eintrags weichen vom gehashten Inhalt ab."
