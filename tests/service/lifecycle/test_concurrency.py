"""Concurrent writers on PostgreSQL: the version check decides races, the chain never forks.

Each thread works in its own write transaction on its own connection, as API workers do.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from service.actor import Actor
from service.audit.models import AuditEvent
from service.audit.verify import verify_chain
from service.lifecycle.models import HistoryEntry
from service.measures.service import fire, get_measure
from service.runtime import Runtime
from tests import factories as make
from workflow.errors import StaleVersion

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.parametrize("database_url", ["postgres"], indirect=True),
]

audit_events = AuditEvent.__table__  # type: ignore[attr-defined]
history = HistoryEntry.__table__  # type: ignore[attr-defined]

THREADS = 4
TRANSITIONS_PER_THREAD = 250
MEASURES_PER_THREAD = 5

TO_UMSETZUNG: list[tuple[str, str, dict[str, Any]]] = [
    ("ag_mitglied", "einreichen", {}),
    ("ag_leitung", "an_fva_uebergeben", {}),
    ("sitzungsdienst", "fva_empfehlen", {"abstimmungsergebnis": "angenommen"}),
    ("sitzungsdienst", "beschliessen", {"abstimmungsergebnis": "angenommen"}),
    (
        "kaemmerei",
        "finanzieren",
        {"haushaltsjahr": 2024, "betrag_einmalig": "1000", "betrag_laufend": "100"},
    ),
]


def run_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Runs ``work(i)`` in ``count`` threads; returns each result or the exception it raised."""
    results: list[Any] = [None] * count

    def target(index: int) -> None:
        try:
            results[index] = work(index)
        except BaseException as exc:
            results[index] = exc

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a writer hangs"
    return results


def audit_count(runtime: Runtime) -> int:
    with runtime.read() as c:
        return c.execute(select(func.count()).select_from(audit_events)).scalar_one()


def history_count(runtime: Runtime, measure_id: int) -> int:
    with runtime.read() as c:
        return c.execute(
            select(func.count()).where(
                history.c.entity_type == "measure", history.c.entity_id == measure_id
            )
        ).scalar_one()


@pytest.fixture
def leitung(runtime: Runtime) -> Actor:
    runtime.lifecycle  # noqa: B018  (built once, before threads share it)
    return make.user(runtime, "ag_leitung", "ag_mitglied")


def test_same_version_at_once_exactly_one_wins(runtime: Runtime, leitung: Actor) -> None:
    measure_id = make.measure(runtime)
    events_before = audit_count(runtime)
    barrier = threading.Barrier(2)

    def submit(_: int) -> int:
        with runtime.write() as c:
            barrier.wait(timeout=10)
            return fire(runtime, c, leitung, measure_id, "einreichen", version=1).version

    results = run_threads(2, submit)

    wins = [r for r in results if isinstance(r, int)]
    losses = [r for r in results if isinstance(r, StaleVersion)]
    assert (wins, len(losses)) == ([2], 1), results
    assert losses[0].entity_id == measure_id and losses[0].expected == 1
    with runtime.read() as c:
        row = get_measure(c, measure_id)
        assert verify_chain(c, runtime.chain_key).intact
    assert (row.state, row.version) == ("ag_pruefung", 2)
    assert history_count(runtime, measure_id) == 1
    assert audit_count(runtime) == events_before + 1


def test_the_loser_waits_for_the_winner_and_gets_a_stale_version(
    runtime: Runtime, leitung: Actor
) -> None:
    """The second writer starts while the first still holds its transaction open: it waits
    (for the chain lock, taken before any row lock) and then finds the version changed."""
    measure_id = make.measure(runtime)
    events_before = audit_count(runtime)
    fired = threading.Event()
    started: dict[str, float] = {}

    def first(_: int) -> int:
        with runtime.write() as c:
            version = fire(runtime, c, leitung, measure_id, "einreichen", version=1).version
            fired.set()
            time.sleep(0.3)  # hold the row lock and the chain lock for a moment
            started["commit"] = time.monotonic()
        return version

    def second(_: int) -> int:
        assert fired.wait(timeout=10)
        with runtime.write() as c:
            done = fire(runtime, c, leitung, measure_id, "einreichen", version=1)
            return done.version

    results = run_threads(2, lambda i: first(i) if i == 0 else second(i))
    ended = time.monotonic()

    assert results[0] == 2
    assert isinstance(results[1], StaleVersion), results
    assert ended >= started["commit"]
    with runtime.read() as c:
        row = get_measure(c, measure_id)
        assert verify_chain(c, runtime.chain_key).intact
    assert (row.state, row.version) == ("ag_pruefung", 2)
    assert history_count(runtime, measure_id) == 1
    assert audit_count(runtime) == events_before + 1


def test_four_writers_never_fork_the_chain(runtime: Runtime, leitung: Actor) -> None:
    with runtime.write() as c:
        team = {
            role: make.user(runtime, role, connection=c)
            for role in ("ag_mitglied", "ag_leitung", "sitzungsdienst", "kaemmerei")
        }
        owned = [
            [
                make.measure(runtime, c, title=f"Maßnahme {t}.{m}")
                for m in range(MEASURES_PER_THREAD)
            ]
            for t in range(THREADS)
        ]
        for measure_id in (m for ids in owned for m in ids):
            for role, event, data in TO_UMSETZUNG:
                # The committee's steps come as the cascade of a recorded vote brings them.
                runtime.lifecycle.fire(
                    c,
                    "measure",
                    measure_id,
                    event,
                    actor=team[role],
                    now=runtime.now(),
                    data=data,
                    by_vote=role == "sitzungsdienst",
                )
    events_before = audit_count(runtime)
    start_version = 1 + len(TO_UMSETZUNG)
    barrier = threading.Barrier(THREADS)

    def report_progress(index: int) -> dict[int, int]:
        versions = dict.fromkeys(owned[index], start_version)
        barrier.wait(timeout=10)
        for n in range(TRANSITIONS_PER_THREAD):
            measure_id = owned[index][n % MEASURES_PER_THREAD]
            with runtime.write() as c:
                done = fire(
                    runtime,
                    c,
                    leitung,
                    measure_id,
                    "fortschritt_melden",
                    version=versions[measure_id],
                    data={"fortschritt": n % 100},
                )
            versions[measure_id] = done.version
        return versions

    results = run_threads(THREADS, report_progress)

    failures = [r for r in results if isinstance(r, BaseException)]
    assert not failures, failures
    total = THREADS * TRANSITIONS_PER_THREAD
    with runtime.read() as c:
        seqs = list(c.execute(select(audit_events.c.seq).order_by(audit_events.c.seq)).scalars())
        new = list(
            c.execute(
                select(audit_events.c.entity_id, audit_events.c.prev_hash, audit_events.c.hash)
                .where(audit_events.c.seq > events_before)
                .order_by(audit_events.c.seq)
            )
        )
        verification = verify_chain(c, runtime.chain_key)
        final = {m: get_measure(c, m).version for ids in owned for m in ids}
    assert seqs == list(range(1, events_before + total + 1))  # no gap, no duplicate
    assert len({row.prev_hash for row in new}) == total  # no two events share a forerunner
    per_measure = Counter(row.entity_id for row in new)
    expected = TRANSITIONS_PER_THREAD // MEASURES_PER_THREAD
    assert set(per_measure.values()) == {expected}
    assert verification.intact, verification.reason
    assert verification.checked == events_before + total
    for versions in results:
        for measure_id, version in versions.items():
            assert final[measure_id] == version == start_version + expected
    # Writers from all threads interleave, so the chain lock was really contended.
    owners = {m: t for t, ids in enumerate(owned) for m in ids}
    switches = sum(owners[a.entity_id] != owners[b.entity_id] for a, b in itertools.pairwise(new))
    assert switches > THREADS


def test_a_paper_decision_racing_a_step_on_one_of_its_measures_does_not_deadlock(
    runtime: Runtime, leitung: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every writer takes the chain lock before any row lock.

    Otherwise a step on a measure (row lock, then chain lock) and a decision on its paper
    (chain lock, then the row locks of every carried measure) wait for each other and
    PostgreSQL aborts one of them with a deadlock error instead of a typed answer.
    """
    from service.lifecycle import repository

    measure_ids = [make.measure(runtime) for _ in range(3)]
    for measure_id in measure_ids:
        with runtime.write() as c:
            fire(runtime, c, leitung, measure_id, "einreichen")
    paper_id = make.paper(runtime, measure_ids=measure_ids)
    withdrawn = measure_ids[-1]
    direct = threading.local()
    row_locked = threading.Event()
    real_update = repository.update_item

    def slow_update(*args: Any, **kwargs: Any) -> bool:
        updated = real_update(*args, **kwargs)
        if getattr(direct, "active", False):
            row_locked.set()
            time.sleep(0.5)  # the paper's decision starts while this step holds its row
        return updated

    monkeypatch.setattr(repository, "update_item", slow_update)

    def withdraw() -> str:
        direct.active = True
        with runtime.write() as c:
            fire(runtime, c, leitung, withdrawn, "zurueckziehen", comment="Entfällt.")
        return "zurueckgezogen"

    def decide() -> str:
        assert row_locked.wait(timeout=10)
        with runtime.write() as c:
            runtime.lifecycle.fire(
                c,
                "paper",
                paper_id,
                "in_vorberatung_geben",
                actor=leitung,
                now=runtime.now(),
                data={"sitzung_am": "2024-02-21"},
            )
        return "vorberatung"

    results = run_threads(2, lambda i: withdraw() if i == 0 else decide())

    assert results == ["zurueckgezogen", "vorberatung"], results
    with runtime.read() as c:
        states = [get_measure(c, m).state for m in measure_ids]
        assert verify_chain(c, runtime.chain_key).intact
    # The withdrawn measure no longer follows its paper; the others do.
    assert states == ["fva_beratung", "fva_beratung", "zurueckgezogen"]
