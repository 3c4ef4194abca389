"""Retention removes only whole segments closed by a signed checkpoint; the rest verifies."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from service.audit import checkpoints as cp
from service.audit.models import AuditDetail, AuditEvent, AuditEventPerson
from service.audit.owner import owner_transaction
from service.audit.retention import apply_retention
from service.audit.trail import verify_all
from service.audit.verify import verify_chain
from service.measures.service import fire
from service.runtime import Runtime
from tests import factories as make
from tests.conftest import FakeClock
from tests.service.chain_first import table_is_free, while_chain_held

events = AuditEvent.__table__  # type: ignore[attr-defined]
details = AuditDetail.__table__  # type: ignore[attr-defined]
event_persons = AuditEventPerson.__table__  # type: ignore[attr-defined]

DAYS = {"zugriff": 30, "anmeldung": 30, "aenderung": 60}


def work(runtime: Runtime) -> None:
    with runtime.write() as c:
        mitglied = make.user(runtime, "ag_mitglied", connection=c)
        measure_id = make.measure(runtime, c, responsible_person_id=mitglied.person_id)
        fire(runtime, c, mitglied, measure_id, "einreichen", comment="Bitte prüfen.")


def seqs(runtime: Runtime) -> list[int]:
    with runtime.read() as c:
        return list(c.execute(select(events.c.seq).order_by(events.c.seq)).scalars())


def retain(runtime: Runtime, clock: FakeClock, *, dry_run: bool = False) -> list[object]:
    with owner_transaction(runtime.settings) as c:
        return list(apply_retention(runtime.settings, c, clock.now, dry_run=dry_run))


@pytest.fixture
def aged(keyed: Runtime, clock: FakeClock, tmp_path: Path) -> tuple[Runtime, int, Path]:
    """Old work closed by a checkpoint; newer work after it, closed by another."""
    keyed.settings = keyed.settings.model_copy(update={"audit_retention_days": DAYS})
    work(keyed)
    (old,) = cp.write_checkpoint(keyed, clock.now)
    clock.advance(timedelta(days=100))
    work(keyed)
    cp.write_checkpoint(keyed, clock.now)
    clock.advance(timedelta(days=20))
    path = tmp_path / "pruefpunkte.json"
    with keyed.read() as c:
        cp.write_file(path, cp.stored(c))
    return keyed, old.seq, path


def test_a_dry_run_names_the_segment_and_changes_nothing(
    aged: tuple[Runtime, int, Path], clock: FakeClock
) -> None:
    runtime, closed_at, _ = aged
    before = seqs(runtime)
    (plan,) = retain(runtime, clock, dry_run=True)
    assert plan.up_to_seq == closed_at  # type: ignore[attr-defined]
    assert plan.total == closed_at  # type: ignore[attr-defined]
    assert seqs(runtime) == before


def test_expired_segments_go_and_the_rest_verifies_from_the_checkpoint(
    aged: tuple[Runtime, int, Path], clock: FakeClock
) -> None:
    runtime, closed_at, file = aged
    before = seqs(runtime)
    (removal,) = retain(runtime, clock)
    assert removal.up_to_seq == closed_at  # type: ignore[attr-defined]
    after = seqs(runtime)
    # The newer segment stays whole, and the retention itself is on record.
    assert after == [s for s in before if s > closed_at] + [before[-1] + 1]
    with runtime.read() as c:
        assert (
            c.execute(
                select(func.count())
                .select_from(details)
                .where(details.c.event_id.not_in(select(events.c.id)))
            ).scalar_one()
            == 0
        )
        assert (
            c.execute(
                select(func.count())
                .select_from(event_persons)
                .where(event_persons.c.event_id.not_in(select(events.c.id)))
            ).scalar_one()
            == 0
        )
        result = verify_chain(c, runtime.chain_key)
        assert result.intact, result.reason
        assert result.checked == len(after)
        (report,) = verify_all(c, runtime.chain_key, external=cp.read_file(file))
        assert report.verification.intact, report.verification.reason
    # Nothing more is due: the newer events are not old enough yet.
    (again,) = retain(runtime, clock)
    assert again.total == 0  # type: ignore[attr-defined]


def test_without_a_checkpoint_nothing_is_removed(keyed: Runtime, clock: FakeClock) -> None:
    keyed.settings = keyed.settings.model_copy(update={"audit_retention_days": DAYS})
    work(keyed)
    clock.advance(timedelta(days=400))
    work(keyed)
    before = seqs(keyed)
    (removal,) = retain(keyed, clock)
    assert removal.up_to_seq is None  # type: ignore[attr-defined]
    assert seqs(keyed) == before


def test_a_removed_beginning_without_its_checkpoint_is_named(
    aged: tuple[Runtime, int, Path], clock: FakeClock
) -> None:
    runtime, closed_at, _ = aged
    retain(runtime, clock)
    with runtime.write() as c:  # an attacker removes the anchoring checkpoint
        if c.dialect.name == "sqlite":
            c.exec_driver_sql("DROP TRIGGER audit_checkpoints_no_delete")
        else:
            c.exec_driver_sql("ALTER TABLE audit_checkpoints DISABLE TRIGGER USER")
        c.exec_driver_sql(f"DELETE FROM audit_checkpoints WHERE seq = {closed_at}")
    with runtime.read() as c:
        result = verify_chain(c, runtime.chain_key)
    assert result.first_bad_seq == 1
    assert "Prüfpunkt" in (result.reason or "")


def test_an_unknown_kind_of_event_is_refused(keyed: Runtime, clock: FakeClock) -> None:
    keyed.settings = keyed.settings.model_copy(update={"audit_retention_days": {"lesen": 3}})
    with pytest.raises(ValueError, match="unbekannte Art lesen"):
        retain(keyed, clock)


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
@pytest.mark.postgres
def test_retention_waits_for_the_chain_lock_before_it_touches_the_trail(
    aged: tuple[Runtime, int, Path], clock: FakeClock
) -> None:
    runtime, closed_at, _ = aged
    # Setting the triggers aside locks the audit tables until commit: a writer holding the
    # chain would wait for them while retention waits for the chain.
    waiting = while_chain_held(
        runtime, lambda: retain(runtime, clock), lambda: table_is_free(runtime, "audit_events")
    )
    assert waiting.changes == []
    assert waiting.probe, "the audit tables were locked before the chain"
    assert seqs(runtime)[0] == closed_at + 1
