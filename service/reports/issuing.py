"""Issued Sachstandsberichte: frozen for the FVA, verifiable by anyone who holds a copy.

Issuing builds the report as of its Stichtag, renders JSON and PDF once and keeps both
with their SHA-256; the audit event of the issue carries both digests, so the chain itself
proves which files were issued and when. An Informationsvorlage for the FVA carries the
PDF as its Anlage with a Kenntnisnahme step; the Sitzungsdienst records the session day on
which the FVA took note, and only then is the half-yearly duty met (``taken_note``).

An issued report names the Amt or role of whoever is responsible, never a person, so that
erasing a person never has to touch a file whose digest sits in the chain. Whether a stored
report or a file someone holds is an issued report, ``service.reports.verification`` says.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy.engine import Connection

from service import access
from service.actor import SYSTEM, Actor
from service.attachments import service as attachments
from service.audit.chain import payload_hash
from service.audit.repository import lock_chain
from service.audit.service import log_read
from service.committees import service as committees
from service.errors import Conflict, NotFound
from service.obligations import automatic as obligations
from service.papers import consultations
from service.papers import service as papers
from service.programmes import service as programmes
from service.records import insert_audited, update_audited
from service.reports.period import InvalidPeriod
from service.reports.render import AUDIENCE_LABELS, de_datetime, render_json, render_pdf
from service.reports.repository import issued as repository
from service.reports.schemas import Audience
from service.reports.service import compose
from service.runtime import Runtime
from workflow.calendar import to_local

FileFormat = Literal["pdf", "json"]
ENTITY = "issued_report"
LABEL = "Ausgegebener Bericht"
FVA = "fva"
_COLUMNS = {"pdf": "pdf_content", "json": "json_content"}
MEDIA_TYPES = {"pdf": "application/pdf", "json": "application/json"}


@dataclass(frozen=True)
class IssuedFile:
    filename: str
    media_type: str
    content: bytes


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def title(row: Any) -> str:
    """``Sachstandsbericht 1. Halbjahr 2024`` and the programme, if it covers only one."""
    year, half = row.period.split("-H")
    text = f"Sachstandsbericht {half}. Halbjahr {year}"
    return f"{text} – {row.programme_title}" if row.programme_title else text


def filename(row: Any, kind: FileFormat) -> str:
    return f"sachstandsbericht-{row.period}-nr-{row.number}.{kind}"


def issue_report(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    period: str,
    *,
    programme_id: int | None = None,
    audience: Audience = "internal",
) -> int:
    """Freezes the report of ``period`` (of one programme, or all) and returns its number.

    Rendering the PDF happens inside the write: the issue, its files, the audit event with
    their digests and the Informationsvorlage commit together or not at all.
    """
    if actor != SYSTEM:
        access.require(actor, "report.issue")
    body_id = runtime.body_id_in(connection)
    programme = None
    if programme_id is not None:
        programme = programmes.get(connection, programme_id, body_id)
    fva = committees.committee_by_slug(connection, body_id, FVA)
    if fva is None:
        raise Conflict(
            "kein-fva",
            "Kein Finanz- und Verwaltungsausschuss",
            "Ein Sachstandsbericht wird dem Finanz- und Verwaltungsausschuss zur Kenntnis "
            "gegeben; für diese Körperschaft ist kein Gremium mit dem Kürzel „fva“ angelegt.",
        )
    try:
        report, _ = compose(runtime, connection, period, audience, None, programme_id, names=False)
    except InvalidPeriod as exc:
        raise papers.invalid("period", "Berichtszeitraum", str(exc)) from None
    now = runtime.now()
    lock_chain(connection, runtime.chain_key)  # serialises the body's numbers
    number = repository.next_number(connection, body_id)
    as_json = render_json(report)
    as_pdf = render_pdf(
        report, issued=f"Nr. {number}, {de_datetime(now)}, {AUDIENCE_LABELS[audience]}"
    )
    facts = {
        "body_id": body_id,
        "number": number,
        "period": report.period,
        "programme_id": programme_id,
        "audience": audience,
        "as_of": report.as_of,
        "issued_at": now,
        "issued_by": actor.user_id,
        "issuer_role": min(actor.roles) if actor.roles else None,
        "json_sha256": sha256(as_json),
        "pdf_sha256": sha256(as_pdf),
    }
    issued_id = insert_audited(
        connection,
        runtime.chain_key,
        repository.issued_reports,
        {**facts, "json_content": as_json.decode(), "pdf_content": as_pdf},
        actor=actor,
        now=now,
        entity_type=ENTITY,
        audited_values=facts,
    )
    subject = f"Sachstandsbericht {report.period_label}"
    if programme is not None:
        subject += f" – {programme.title}"
    paper_id = papers.insert_paper(
        runtime,
        connection,
        actor,
        body_id=body_id,
        reference=f"SB/{number:04d}/{to_local(now):%y}",
        title=f"Informationsvorlage: {subject}",
        public=audience == "public",
        resolution_proposal=f"Der Finanz- und Verwaltungsausschuss nimmt den {subject} "
        f"(Stichtag {report.as_of:%d.%m.%Y}) zur Kenntnis.",
        reasoning="Der Stadtrat hat beschlossen, dass die Verwaltung halbjährlich über den "
        "Umsetzungsstand informiert. Der Bericht ist als Anlage beigefügt; seine Prüfsumme "
        "(SHA-256) ist im Protokoll festgehalten.",
    )
    consultation_id = consultations.insert_consultation(
        runtime,
        connection,
        actor,
        paper_id=paper_id,
        position=1,
        committee_id=fva.id,
        role="kenntnisnahme",
    )
    attachments.attach(
        runtime,
        connection,
        SYSTEM,
        "paper",
        paper_id,
        filename=f"sachstandsbericht-{report.period}-nr-{number}.pdf",
        content=as_pdf,
    )
    repository.link_paper(connection, issued_id, paper_id, consultation_id)
    return issued_id


def reads_internal(actor: Actor | None) -> bool:
    """Whether the caller may read internal issued reports (staff, council members, the
    console); public ones are for everyone."""
    return actor == SYSTEM or access.holds(actor, "report.read_issued")


def may_read(actor: Actor | None, row: Any) -> bool:
    return row.audience == "public" or reads_internal(actor)


def readable(connection: Connection, body_id: int, issued_id: int, actor: Actor | None) -> Any:
    row = repository.issued(connection, body_id, issued_id)
    if row is None or not may_read(actor, row):
        raise NotFound(LABEL, issued_id)
    return row


def list_issued(runtime: Runtime, actor: Actor | None, limit: int = 200) -> list[Any]:
    """The issued reports the caller may read, newest first (the public: public ones)."""
    with runtime.read() as connection:
        return repository.issued_page(connection, runtime.body_id, not reads_internal(actor), limit)


def written(runtime: Runtime, connection: Connection, issued_id: int) -> Any:
    """The issued report as the caller just wrote it, in the write's transaction."""
    return readable(connection, runtime.body_id_in(connection), issued_id, SYSTEM)


def read_issued(runtime: Runtime, actor: Actor | None, issued_id: int) -> Any:
    with runtime.read() as connection:
        return readable(connection, runtime.body_id, issued_id, actor)


def recorded_digests(event: Any) -> dict[FileFormat, str]:
    """The digests of the issued files as the chain recorded them in ``event`` (an
    ``issued_report.create``); none from an event whose text no longer has its own hash.

    Only the hash-chained event is trusted: ``issued_reports`` is an ordinary table that a
    database owner can change, digests and all. Whether the chain as a whole is unbroken is
    ``audit verify``'s question; an event rewritten and rehashed breaks the chain there."""
    if payload_hash(event.payload) != event.hash:
        return {}
    return digests_in(event.payload)


def digests_in(payload: str) -> dict[FileFormat, str]:
    """The file digests an event's text names, whether or not it can be trusted."""
    try:
        changes = json.loads(payload).get("changes", {})
    except (ValueError, AttributeError):
        return {}
    found: dict[FileFormat, str] = {}
    kinds: tuple[FileFormat, ...] = ("json", "pdf")
    for kind in kinds:
        before_after = changes.get(f"{kind}_sha256") if isinstance(changes, dict) else None
        if isinstance(before_after, list) and len(before_after) == 2:
            found[kind] = before_after[1]
    return found


def stored_content(connection: Connection, body_id: int, issued_id: int, kind: FileFormat) -> bytes:
    content = repository.issued_file(connection, body_id, issued_id, _COLUMNS[kind])
    return content.encode() if isinstance(content, str) else bytes(content)


def _tampered(row: Any, kind: FileFormat) -> Conflict:
    return Conflict(
        "bericht-veraendert",
        "Ausgegebener Bericht verändert",
        f"Das gespeicherte {kind.upper()} des ausgegebenen Berichts Nr. {row.number} stimmt "
        "nicht mehr mit der Prüfsumme (SHA-256) überein, die das Protokoll bei der Ausgabe "
        "festgehalten hat: Es ist nach der Ausgabe in der Datenbank verändert worden und wird "
        "nicht ausgeliefert. Bitte die Datenschutzbeauftragte oder die Revision informieren "
        "(„ratsflow audit verify“).",
    )


def issued_file(
    runtime: Runtime, actor: Actor | None, issued_id: int, kind: FileFormat
) -> IssuedFile:
    """A stored file exactly as issued; reading an internal one is logged first.

    A stored file whose digest is not the one the chain recorded for it is refused
    (Conflict ``bericht-veraendert``): it is not what was issued. Where retention has
    removed the event of the issue, the stored digest is all there is to compare with."""
    with runtime.read() as connection:
        row = readable(connection, runtime.body_id, issued_id, actor)
        data = stored_content(connection, runtime.body_id, issued_id, kind)
        events = repository.issue_events(connection, runtime.chain_key, issued_id)
    if events:
        expected = recorded_digests(events[0]).get(kind)
    else:
        expected = row.json_sha256 if kind == "json" else row.pdf_sha256
    if sha256(data) != expected:
        raise _tampered(row, kind)
    if row.audience != "public":
        log_read(runtime, actor, ENTITY, issued_id, purpose=f"{title(row)}, Nr. {row.number}")
    return IssuedFile(filename(row, kind), MEDIA_TYPES[kind], data)


def record_taken_note(
    runtime: Runtime, connection: Connection, actor: Actor, issued_id: int, on: date
) -> None:
    """The FVA took note of the issued report at its session on ``on`` (Kenntnisnahme)."""
    if actor != SYSTEM:
        access.require(actor, "report.take_note")
    body_id = runtime.body_id_in(connection)
    row = readable(connection, body_id, issued_id, actor)
    today = to_local(runtime.now()).date()
    issued_on = to_local(row.issued_at).date()
    if not issued_on <= on <= today:
        raise papers.invalid(
            "on",
            "Sitzungstag",
            f"Der Sitzungstag muss zwischen der Ausgabe ({issued_on:%d.%m.%Y}) und heute "
            f"({today:%d.%m.%Y}) liegen.",
        )
    if row.noted_on is not None:
        raise Conflict(
            "bereits-zur-kenntnis-genommen",
            "Bereits zur Kenntnis genommen",
            f"Der Finanz- und Verwaltungsausschuss hat den Bericht Nr. {row.number} bereits am "
            f"{row.noted_on:%d.%m.%Y} zur Kenntnis genommen.",
        )
    now = runtime.now()
    update_audited(
        connection,
        runtime.chain_key,
        repository.issued_reports,
        issued_id,
        {"noted_on": on, "noted_at": now},
        actor=actor,
        now=now,
        entity_type=ENTITY,
        action=f"{ENTITY}.taken_note",
    )
    if row.consultation_id is not None:
        consultations.record_taken_note(
            connection, runtime.chain_key, actor, row.consultation_id, now=now
        )
    # Only the FVA's Kenntnisnahme meets the resolution's half-yearly information duty.
    obligations.fulfil_by(
        runtime,
        connection,
        actor,
        obligations.KENNTNISNAHME_SACHSTAND,
        reference=f"{title(row)}, Nr. {row.number}: Kenntnisnahme im FVA am {on:%d.%m.%Y}",
        fulfilled_on=on,
    )
