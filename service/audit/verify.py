"""Verification of an audit chain: the first bad sequence number and why, or intact."""

from __future__ import annotations

import hashlib
import logging
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from contextvars import copy_context
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from service.audit import repository
from service.audit.chain import DIGEST_PREFIX, GENESIS, PLAIN_KEYS, digest_at, value_digest
from service.audit.columns import NOT_AN_OBJECT, agrees, differing_columns, differing_texts
from service.audit.repository.agreement import (
    ColumnCheck,
    column_check,
    column_rows,
    in_database,
)
from service.db import READ_ONLY, read_transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verification:
    chain_key: str
    checked: int
    first_bad_seq: int | None = None
    reason: str | None = None
    last_seq: int | None = None
    last_hash: str | None = None
    # Laufnummern whose detail values were cleared without an erasure of their person.
    cleared: tuple[int, ...] = ()

    @property
    def intact(self) -> bool:
        return self.first_bad_seq is None


@dataclass(frozen=True)
class _Stop:
    """Where the walk stopped: the event it was at, and what it reports."""

    at: int
    seq: int
    reason: str
    # Whether the event's columns were due before this finding (a detail row's): each event
    # is checked in the order seq, hash, link, columns, details.
    after_columns: bool = False


def verify_chain(
    connection: Connection,
    chain_key: str,
    from_seq: int | None = None,
    to_seq: int | None = None,
) -> Verification:
    """Walks the chain in order; every event must hash to itself and link to its forerunner.

    The indexed columns must agree with the hashed text, and every readable detail value
    must match its digest, so a change anywhere is caught. An empty detail is accepted only
    where a ``person.erase`` of its person follows its event in the chain (erasure clears
    what was written before it); every other cleared value is reported by its Laufnummer.

    Where the database compares the columns fast (``repository.agreement.in_database``), it
    does so on a second connection while the walk runs: the two take about as long and run
    at once. The events it finds different, and any it could not see (written in this
    transaction, or since), are compared in Python after the walk. Elsewhere the database
    writes the columns as the text must show them, and the walk compares the texts
    (``columns.agrees``).
    """
    erasures = repository.erasures(connection, chain_key)
    # Only an erasure excuses an emptied value: without one, whose it is does not matter.
    logins = repository.login_persons(connection, chain_key) if erasures else {}
    erased = _Erased(erasures, logins)
    cleared = tuple(
        sorted(
            {
                seq
                for seq, path, person, payload in repository.cleared_details(
                    connection, chain_key, from_seq, to_seq
                )
                if not _excused(erased, person, path, _parsed(payload), seq)
            }
        )
    )
    start = repository.first_seq(connection, chain_key) or 1
    first = max(from_seq or start, start)
    prev = _start_hash(connection, chain_key, first, start)
    if prev is None:
        if first == start:
            missing = _first_unanchored(connection, chain_key, start)
            reason = (
                f"Die Kette beginnt bei Laufnummer {start}, aber kein signierter Prüfpunkt "
                f"belegt Laufnummer {start - 1}: Einträge ab {missing} wurden entfernt."
            )
            return Verification(chain_key, 0, missing, reason, cleared=cleared)
        return Verification(chain_key, 0, first - 1, "Vorgängereintrag fehlt.", cleared=cleared)
    last = repository.last_seq(connection, chain_key, to_seq)
    if last is None or last < first:
        return Verification(chain_key, 0, cleared=cleared)
    differing: tuple[int, str] | None = None
    if in_database(connection):
        # A transaction that writes may hold changes a second connection cannot see: there
        # Python compares every event after the walk.
        with ThreadPoolExecutor(max_workers=1) as beside:
            # In the request's context, so a warning it logs names the request.
            asked = (
                beside.submit(
                    copy_context().run,
                    _columns_in_database,
                    connection.engine,
                    chain_key,
                    first,
                    last,
                )
                if connection.get_execution_options().get(READ_ONLY)
                else None
            )
            stop, end_hash = _walk(connection, chain_key, first, last, prev, erased, cleared, False)
            database = asked.result() if asked is not None else None
        reached = last if stop is None else stop.at if stop.after_columns else stop.at - 1
        differing = _first_differing(connection, chain_key, first, reached, database)
    else:
        stop, end_hash = _walk(connection, chain_key, first, last, prev, erased, cleared, True)
    if differing is not None:
        seq, reason = differing
        return Verification(chain_key, seq - first, seq, reason, cleared=cleared)
    if stop is not None:
        return Verification(chain_key, stop.at - first, stop.seq, stop.reason, cleared=cleared)
    return Verification(chain_key, last - first + 1, None, None, last, end_hash, cleared)


def _walk(
    connection: Connection,
    chain_key: str,
    first: int,
    last: int,
    prev: str,
    erased: _Erased,
    cleared: tuple[int, ...],
    with_columns: bool,
) -> tuple[_Stop | None, str]:
    """Sequence numbers, hashes, links and detail rows from ``first`` to ``last``, and
    ``with_columns`` the columns and person rows too: where it stopped (None at the end) and
    the last hash it reached."""
    expected_seq = first
    before_prev: str | None = None
    sha256 = hashlib.sha256
    stop: _Stop | None = None
    # Closed on every way out: the connection serves the checks after the walk.
    with closing(
        repository.chain_ranges(connection, chain_key, first, last, with_columns)
    ) as ranges:
        for chain_range in ranges:
            found, persons = chain_range.details, chain_range.persons
            for event_id, seq, payload, link, own, *texts in chain_range.rows:
                if seq != expected_seq:
                    stop = _Stop(
                        expected_seq,
                        expected_seq,
                        f"Eintrag {expected_seq} fehlt (gefunden: {seq}).",
                    )
                elif sha256(payload.encode()).hexdigest() != own:
                    stop = _Stop(seq, seq, "Inhalt passt nicht zum gespeicherten Hash.")
                elif link != prev:
                    if seq > first and link == before_prev:
                        # Linked past its forerunner: the forerunner was slipped in afterwards.
                        stop = _Stop(
                            seq, seq - 1, f"Eintrag {seq - 1} wurde nachträglich eingefügt."
                        )
                    elif seq > first and f',"prev":"{link}",' in payload:
                        # Its own hashed text still names the hash its forerunner had when it
                        # was written: the forerunner was rewritten and its hash recomputed.
                        stop = _Stop(
                            seq - 1,
                            seq - 1,
                            f"Eintrag {seq - 1} wurde nachträglich verändert: sein Hash ist neu "
                            f"berechnet, Eintrag {seq} verweist noch auf den alten.",
                        )
                    else:
                        stop = _Stop(seq, seq, "Verkettung zum Vorgänger ist unterbrochen.")
                elif (
                    with_columns
                    and not agrees(payload, *(row := (*texts, persons.get(event_id, "[]"))))
                    and (bad := differing_texts(chain_key, payload, *row))
                ):
                    stop = _Stop(seq, seq, bad)
                elif event_id in found:
                    bad = _check_details(found[event_id], seq, payload, erased, cleared)
                    if bad is not None:
                        stop = _Stop(seq, seq, bad, after_columns=True)
                elif _DIGEST in payload:
                    # A digest without a detail row: parsed only where the text has one.
                    bad = _check_details([], seq, payload, erased, cleared)
                    if bad is not None:
                        stop = _Stop(seq, seq, bad, after_columns=True)
                if stop is not None:
                    return stop, prev
                before_prev, prev = prev, own
                expected_seq += 1
    if expected_seq <= last:
        # The chain ends early: events at its end were removed.
        return _Stop(expected_seq, expected_seq, f"Eintrag {expected_seq} fehlt."), prev
    return None, prev


def _columns_in_database(engine: Engine, chain_key: str, low: int, high: int) -> ColumnCheck | None:
    """The database's comparison, on a connection of its own; None where it failed (a text
    it cannot read as JSON, no connection free): then Python compares every event, so the
    verification is slower, never weaker."""
    try:
        with read_transaction(engine) as connection:
            return column_check(connection, chain_key, low, high)
    except SQLAlchemyError:
        log.warning(
            "Spaltenvergleich der Kette %s in der Datenbank misslungen", chain_key, exc_info=True
        )
        return None


def _first_differing(
    connection: Connection, chain_key: str, low: int, high: int, database: ColumnCheck | None
) -> tuple[int, str] | None:
    """The first event from ``low`` to ``high`` whose columns differ from its text, and why:
    the events the database named, and every one it did not see, compared in Python."""
    if high < low:
        return None
    if database is None or not database.whole:
        ranges = [(low, high)]
    else:
        assert database.low is not None and database.high is not None
        named = [(seq, seq) for seq in database.differing if low <= seq <= high]
        ranges = [(low, min(high, database.low - 1)), *named, (max(low, database.high + 1), high)]
    for start, end in sorted(r for r in ranges if r[0] <= r[1]):
        for row in column_rows(connection, chain_key, start, end):
            reason = differing_columns(chain_key, *row)
            if reason is not None:
                return row[0], reason
    return None


def _start_hash(connection: Connection, chain_key: str, seq: int, first: int) -> str | None:
    """The hash that event ``seq`` must link to.

    After retention the chain begins later than 1; its first remaining event then links to
    the signed checkpoint that closed the removed segment.
    """
    if seq == 1:
        return GENESIS
    if seq > first:
        return repository.previous_hash(connection, chain_key, seq - 1)
    from service.audit.checkpoints import anchor  # checkpoints builds on this module

    found = anchor(connection, chain_key, seq - 1)
    return found.hash if found else None


def _first_unanchored(connection: Connection, chain_key: str, start: int) -> int:
    """After a removed beginning: the first seq after the last signed checkpoint below it."""
    from service.audit.checkpoints import stored

    below = [c.seq for c in stored(connection, chain_key) if c.seq < start and c.signed()]
    return max(below, default=0) + 1


@dataclass(frozen=True)
class _Erased:
    """The chain's erasures (person: last ``person.erase`` seq) and, to tell whose a comment
    is, the person of each login as its ``user.create`` names it."""

    seqs: dict[int, int]
    logins: dict[int, int]


# How every digest begins in the hashed text; ``"`` included, so only a string's start counts
# (an escaped quote inside a string may match too: only ever one more, never one less).
_DIGEST = '"' + DIGEST_PREFIX


def _parsed(payload: str) -> dict[str, Any]:
    try:
        document = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return {}
    return document if isinstance(document, dict) else {}


def _excused(
    erased: _Erased, person_id: int | None, path: str, document: dict[str, Any], seq: int
) -> bool:
    """Whether an erasure may have emptied the detail ``path`` of event ``seq``.

    ``audit_details.person_id`` is not hashed, so it only names a candidate: an erasure of
    that person must follow the event, and the hashed text must say the value is theirs. A
    comment is the person's of the login that wrote it (the event's actor, whose
    ``user.create`` names the person); any other value is its subject's, who is always among
    the event's hashed persons. Where the chain no longer holds the login's ``user.create``
    (retention), the comment's person too must be among the event's persons."""
    if person_id is None or erased.seqs.get(person_id, 0) <= seq:
        return False
    if path == "comment":
        actor = document.get("actor")
        if isinstance(actor, int) and actor in erased.logins:
            return erased.logins[actor] == person_id
    persons = document.get("persons")
    return isinstance(persons, list) and person_id in persons


def _cleared_reason(path: str, cleared: tuple[int, ...]) -> str:
    listed = ", ".join(str(seq) for seq in cleared[:50]) + (" …" if len(cleared) > 50 else "")
    return (
        f"Detailwert „{path}“ wurde geleert, ohne dass die Person danach gelöscht wurde "
        f"(kein „person.erase“). Geleerte Werte ohne Löschung in Laufnummer {listed}."
    )


def _digest_paths(document: dict[str, Any]) -> set[str]:
    """Where the hashed text holds a digest, as ``chain.seal`` put them there: every string
    among the changes, the context and the comment, except the readable ``PLAIN_KEYS`` of an
    event that is not about a person or login."""
    entity = document.get("entity")
    personal = isinstance(entity, dict) and entity.get("type") in ("person", "user")
    found: set[str] = set()
    changes = document.get("changes")
    if isinstance(changes, dict):
        for key, pair in changes.items():
            if isinstance(pair, list) and (personal or key not in PLAIN_KEYS):
                found.update(
                    f"changes.{key}.{n}" for n, value in enumerate(pair) if isinstance(value, str)
                )
    context = document.get("context")
    if isinstance(context, dict):
        found.update(
            f"context.{key}"
            for key, value in context.items()
            if isinstance(value, str) and (personal or key not in PLAIN_KEYS)
        )
    if isinstance(document.get("comment"), str):
        found.add("comment")
    return found


def _check_details(
    rows: list[tuple[str, int | None, str | None, str | None]],
    seq: int,
    payload: str,
    erased: _Erased,
    cleared: tuple[int, ...],
) -> str | None:
    """Why the detail rows of event ``seq`` do not match its digests, or None: each row must
    hold the value of a digest (or be excused as erased), and each digest must have its row."""
    try:
        document = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return NOT_AN_OBJECT
    if not isinstance(document, dict):
        return NOT_AN_OBJECT
    for path, person_id, value, salt in rows:
        try:
            expected = digest_at(document, path)
        except (KeyError, IndexError, ValueError, TypeError):
            return f"Detailwert „{path}“ gehört zu keinem Feld des Eintrags."
        if not isinstance(expected, str) or not expected.startswith(DIGEST_PREFIX):
            return f"Detailwert „{path}“ gehört zu keinem Feld des Eintrags."
        if value is None:
            if _excused(erased, person_id, path, document, seq):
                continue  # erased: the digest stays, the value is gone by design
            return _cleared_reason(path, cleared or (seq,))
        if value_digest(salt or "", value) != expected:
            return f"Detailwert „{path}“ wurde verändert."
    paths = {path for path, *_ in rows}
    # Each row names a different digest: as many as the text can hold, so none is missing.
    if len(paths) < payload.count(_DIGEST):
        missing = sorted(_digest_paths(document) - paths)
        if missing:
            return f"Detailwert „{missing[0]}“ fehlt: seine Zeile wurde gelöscht."
    return None
