"""The mutation suite: every way of tampering with the chain is detected and located.

A changed byte, a deleted, an inserted or two swapped events show in the chain itself; a
truncated tail and a chain rebuilt with fresh hashes verify by themselves and show only
against a signed checkpoint kept outside the database, so in those two cases the attacker
also deletes the checkpoints stored in the database.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import rfc8785
from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from service.audit import checkpoints as cp
from service.audit.chain import EventDraft, payload_hash, seal
from service.audit.models import AuditCheckpoint, AuditDetail, AuditEvent, AuditEventPerson
from service.audit.trail import verify_all
from service.audit.verify import Verification, verify_chain
from service.measures.service import fire
from service.runtime import Runtime
from tests import factories as make
from tests.conftest import FakeClock
from workflow.calendar import to_local

events = AuditEvent.__table__  # type: ignore[attr-defined]
details = AuditDetail.__table__  # type: ignore[attr-defined]
event_persons = AuditEventPerson.__table__  # type: ignore[attr-defined]
checkpoint_rows = AuditCheckpoint.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Signed:
    first: int  # seq of the first checkpoint
    last: int  # seq of the second checkpoint, the head
    file: Path


def _steps(runtime: Runtime, clock: FakeClock, count: int) -> None:
    with runtime.write() as c:
        leitung = make.user(runtime, "ag_leitung", connection=c)
        mitglied = make.user(runtime, "ag_mitglied", connection=c)
        measures = [make.measure(runtime, c, title=f"Maßnahme {n}") for n in range(count)]
    for measure_id in measures:
        clock.advance(timedelta(hours=1))
        with runtime.write() as c:
            fire(runtime, c, mitglied, measure_id, "einreichen", comment="Bitte prüfen.")
            fire(runtime, c, leitung, measure_id, "an_fva_uebergeben", comment="Vollständig.")


@pytest.fixture
def signed(keyed: Runtime, clock: FakeClock, tmp_path: Path) -> Signed:
    """Events, a checkpoint, more events, a second checkpoint; both kept in a file."""
    _steps(keyed, clock, 2)
    first = cp.write_checkpoint(keyed, clock.now)
    _steps(keyed, clock, 2)
    second = cp.write_checkpoint(keyed, clock.now)
    assert len(first) == len(second) == 1 and first[0].seq < second[0].seq
    path = tmp_path / "pruefpunkte.json"
    with keyed.read() as c:
        cp.write_file(path, cp.stored(c))
    return Signed(first[0].seq, second[0].seq, path)


def drop_triggers(c: Connection) -> None:
    """As an attacker with the owner's rights would."""
    if c.dialect.name == "sqlite":
        names = c.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name LIKE 'audit_%'"
        ).scalars()
        for name in list(names):
            c.exec_driver_sql(f'DROP TRIGGER "{name}"')
    else:
        for table in ("audit_events", "audit_event_persons", "audit_details", "audit_checkpoints"):
            c.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")


def row(c: Connection, seq: int) -> dict[str, object]:
    return dict(c.execute(select(events).where(events.c.seq == seq)).mappings().one())


def remove_events(c: Connection, condition: object) -> None:
    doomed = select(events.c.id).where(condition)  # type: ignore[arg-type]
    c.execute(delete(details).where(details.c.event_id.in_(doomed)))
    c.execute(delete(event_persons).where(event_persons.c.event_id.in_(doomed)))
    c.execute(delete(events).where(condition))  # type: ignore[arg-type]


# --- the mutations: each returns the seq that must be named ---------------------------------


def change_a_byte(c: Connection, s: Signed) -> int:
    seq = s.first + 2
    payload = str(row(c, seq)["payload"])
    changed = payload.replace('"v":1', '"v":2', 1)
    assert changed != payload and len(changed) == len(payload)
    c.execute(update(events).where(events.c.seq == seq).values(payload=changed))
    return seq


def delete_an_event(c: Connection, s: Signed) -> int:
    seq = s.first + 2
    remove_events(c, events.c.seq == seq)
    return seq


def insert_an_event(c: Connection, s: Signed) -> int:
    """A forged event slipped in after ``after``, the later ones renumbered to make room."""
    after = s.first + 1
    before = row(c, after)
    last = int(c.execute(select(events.c.seq).order_by(events.c.seq.desc())).scalars().first())
    for seq in range(last, after, -1):  # one by one from the top: (chain, seq) stays unique
        c.execute(update(events).where(events.c.seq == seq).values(seq=seq + 1))
    draft = EventDraft(
        ts=before["ts"],  # type: ignore[arg-type]
        actor_id=None,
        actor_role=None,
        action="measure.transition",
        entity_type="measure",
        entity_id=1,
        changes={"state": ("entwurf", "umsetzung")},
    )
    forged = seal(draft, str(before["chain_key"]), after + 1, str(before["hash"]))
    c.execute(
        insert(events),
        {
            "chain_key": before["chain_key"],
            "seq": after + 1,
            "ts": before["ts"],
            "actor_id": None,
            "actor_role": None,
            "action": "measure.transition",
            "entity_type": "measure",
            "entity_id": 1,
            "payload": forged.payload,
            "prev_hash": forged.prev_hash,
            "hash": forged.hash,
        },
    )
    return after + 1


def swap_two_events(c: Connection, s: Signed) -> int:
    a, b = row(c, s.first + 1), row(c, s.first + 3)
    for target, source in ((a, b), (b, a)):
        c.execute(
            update(events)
            .where(events.c.id == target["id"])
            .values(payload=source["payload"], hash=source["hash"])
        )
    return s.first + 1


def truncate_the_tail(c: Connection, s: Signed) -> int:
    remove_events(c, events.c.seq > s.last - 3)
    c.execute(delete(checkpoint_rows))
    return s.last - 2


def rebuild_the_chain(c: Connection, s: Signed) -> int:
    """One event changed, and it and every later one re-hashed: the chain verifies."""
    start = s.first + 2
    prev = str(row(c, start - 1)["hash"])
    for current in c.execute(
        select(events.c.id, events.c.seq, events.c.payload)
        .where(events.c.seq >= start)
        .order_by(events.c.seq)
    ).all():
        document = json.loads(current.payload)
        document["prev"] = prev
        if current.seq == start:
            document["changes"] = {"state": ["entwurf", "abgeschlossen"]}
        payload = rfc8785.dumps(document).decode()
        prev = payload_hash(payload)
        c.execute(
            update(events)
            .where(events.c.id == current.id)
            .values(payload=payload, prev_hash=document["prev"], hash=prev)
        )
    c.execute(
        delete(details).where(
            details.c.event_id.in_(select(events.c.id).where(events.c.seq == start))
        )
    )
    c.execute(delete(checkpoint_rows))
    return s.first + 1  # the first event after the last checkpoint that still matches


IN_THE_CHAIN: dict[str, Callable[[Connection, Signed], int]] = {
    "changed byte": change_a_byte,
    "deleted event": delete_an_event,
    "inserted event": insert_an_event,
    "swapped events": swap_two_events,
}
AGAINST_A_CHECKPOINT: dict[str, Callable[[Connection, Signed], int]] = {
    "truncated tail": truncate_the_tail,
    "rebuilt chain": rebuild_the_chain,
}


def verify_everything(runtime: Runtime, file: Path | None = None) -> Verification:
    with runtime.read() as c:
        external = cp.read_file(file) if file else None
        (report,) = verify_all(c, runtime.chain_key, external=external)
    return report.verification


def test_an_untouched_chain_verifies_against_its_checkpoints(
    keyed: Runtime, signed: Signed
) -> None:
    result = verify_everything(keyed, signed.file)
    assert result.intact, result.reason
    assert result.last_seq == signed.last


@pytest.mark.parametrize("tamper", IN_THE_CHAIN.values(), ids=list(IN_THE_CHAIN))
def test_tampering_in_the_chain_is_located(
    keyed: Runtime, signed: Signed, tamper: Callable[[Connection, Signed], int]
) -> None:
    with keyed.write() as c:
        drop_triggers(c)
        expected = tamper(c, signed)
    result = verify_everything(keyed, signed.file)
    assert not result.intact
    assert result.first_bad_seq == expected, result.reason
    with keyed.read() as c:
        assert verify_chain(c, keyed.chain_key, to_seq=expected - 1).intact


@pytest.mark.parametrize("tamper", AGAINST_A_CHECKPOINT.values(), ids=list(AGAINST_A_CHECKPOINT))
def test_a_cut_or_rebuilt_chain_shows_only_against_a_signed_checkpoint(
    keyed: Runtime, signed: Signed, tamper: Callable[[Connection, Signed], int]
) -> None:
    with keyed.write() as c:
        drop_triggers(c)
        expected = tamper(c, signed)
    with keyed.read() as c:
        assert verify_chain(c, keyed.chain_key).intact  # by itself, nothing shows
    assert verify_everything(keyed).intact  # nor with the database's own (deleted) ones
    result = verify_everything(keyed, signed.file)
    assert not result.intact
    assert result.first_bad_seq == expected, result.reason
    assert str(signed.last) in (result.reason or "")


def test_a_forged_checkpoint_file_is_refused_with_its_name(keyed: Runtime, signed: Signed) -> None:
    document = json.loads(signed.file.read_text())
    document["checkpoints"][0]["seq"] += 1
    signed.file.write_text(json.dumps(document))
    with pytest.raises(cp.CheckpointFileError, match="keine gültige Signatur"):
        cp.read_file(signed.file)


def test_a_checkpoint_is_written_only_when_the_chain_moved(
    keyed: Runtime, signed: Signed, clock: FakeClock
) -> None:
    assert cp.write_checkpoint(keyed, clock.now) == []
    _steps(keyed, clock, 1)
    (made,) = cp.write_checkpoint(keyed, clock.now)
    assert made.seq > signed.last and made.signed()


@pytest.mark.parametrize("tamper", AGAINST_A_CHECKPOINT.values(), ids=list(AGAINST_A_CHECKPOINT))
def test_the_checkpoint_reason_names_its_time_in_local_german_format_not_utc(
    keyed: Runtime, signed: Signed, tamper: Callable[[Connection, Signed], int]
) -> None:
    """Regression: the reason read „der Prüfpunkt vom 2026-12-07T04:27:06.804317Z bezeugt …“,
    the stored UTC text, on the CLI, in the API and on the page."""
    file = cp.read_file(signed.file)
    stamp = datetime.fromisoformat(file[-1].signed_at.replace("Z", "+00:00"))
    with keyed.write() as c:
        drop_triggers(c)
        tamper(c, signed)
    reason = verify_everything(keyed, signed.file).reason or ""
    assert f"vom {to_local(stamp):%d.%m.%Y, %H:%M} Uhr" in reason, reason
    assert file[-1].signed_at not in reason
