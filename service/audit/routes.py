"""``/api/v1/audit``: the trail for the Datenschutzbeauftragte and the auditor only.

Every endpoint that shows contents needs a stated ``purpose`` (Zweck) and writes the query
to the trail with it. ``admin`` and ``verwaltungsleitung`` get 403 like every other role:
whoever runs the system must not be able to read who did what.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Response
from fastapi.responses import StreamingResponse

from service.access import holds
from service.actor import Actor
from service.api.deps import MAX_ID, CurrentActor, Cursor, Limit, ReadDep, RuntimeDep, WriteDep
from service.api.problems import responses
from service.audit import exporting, naming, trail
from service.audit.export import FORMATS
from service.audit.schemas import (
    AuditEventOut,
    AuditPage,
    ChainVerification,
    VerificationReport,
)
from service.audit.search import Filters, FoundEvent
from service.errors import AccessDenied
from workflow.calendar import BERLIN

router = APIRouter(prefix="/api/v1/audit", tags=["Protokoll"])


def audit_reader(actor: CurrentActor) -> Actor:
    if not holds(actor, "audit.read"):
        raise AccessDenied("Das Protokoll lesen nur die Datenschutzbeauftragte und die Revision.")
    return actor


AuditReader = Annotated[Actor, Depends(audit_reader)]
Purpose = Annotated[
    str,
    Query(
        description="Zweck der Abfrage (Pflicht, mindestens drei Buchstaben oder Ziffern, "
        "höchstens 500 Zeichen, keine Steuerzeichen); wird mit der Abfrage protokolliert.",
        examples=["Auskunftsersuchen Az. 2026-17"],
    ),
]
Moment = Annotated[
    datetime | None,
    Query(description="ISO 8601; ohne Zeitzone gilt Europe/Berlin."),
]
PersonId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=BERLIN)


def filters(
    actor_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Handelnder Benutzer.")
    ] = None,
    person_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Betroffene Person.")
    ] = None,
    entity_type: Annotated[str | None, Query(max_length=30, examples=["measure"])] = None,
    entity_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    action: Annotated[str | None, Query(max_length=50, examples=["measure.transition"])] = None,
    since: Moment = None,
    until: Moment = None,
    text: Annotated[
        str | None, Query(max_length=200, description="Freitext in Kommentaren.")
    ] = None,
) -> Filters:
    return Filters(
        actor_id=actor_id,
        person_id=person_id,
        entity_type=entity_type,
        entity_id=entity_id,
        action=action,
        since=_aware(since),
        until=_aware(until),
        text=text or None,
    )


FiltersDep = Annotated[Filters, Depends(filters)]


def _out(event: FoundEvent) -> AuditEventOut:
    return AuditEventOut.model_validate(event, from_attributes=True)


@router.get(
    "/events",
    summary="Protokoll durchsuchen",
    description="Neueste zuerst, Keyset-Paging über `cursor`. Die Abfrage selbst wird mit "
    "ihrem Zweck protokolliert.",
    response_model=AuditPage,
    responses=responses(401, 403, 422),
)
def search_events(
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: AuditReader,
    purpose: Purpose,
    chosen: FiltersDep,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> AuditPage:
    after = trail.search_position(cursor)
    found = trail.search(runtime, connection, actor, chosen, purpose, after, limit + 1)
    more = len(found) > limit
    found = found[:limit]
    return AuditPage(
        items=[_out(e) for e in found],
        next_cursor=trail.search_cursor(found[-1]) if more else None,
    )


@router.get(
    "/events/export",
    summary="Protokoll exportieren (CSV, JSON oder Excel)",
    description="Alle Treffer der Suche als Datenstrom, neueste zuerst; der Export wird mit "
    "seinem Zweck protokolliert, bevor das erste Byte gesendet wird.",
    responses={
        **responses(401, 403, 422),
        200: {"content": {"text/csv": {}, "application/json": {}, FORMATS["xlsx"]: {}}},
    },
    response_class=StreamingResponse,
)
def export_events(
    runtime: RuntimeDep,
    actor: AuditReader,
    purpose: Purpose,
    chosen: FiltersDep,
    format: Annotated[
        Literal["csv", "json", "xlsx"], Query(description="csv, json oder xlsx")
    ] = "csv",
) -> StreamingResponse:
    chunks = exporting.start_export(runtime, actor, chosen, purpose, format)
    stamp = runtime.now().strftime("%Y%m%d-%H%M%S")
    return StreamingResponse(
        chunks,
        media_type=FORMATS[format],
        headers={"Content-Disposition": f'attachment; filename="protokoll-{stamp}.{format}"'},
    )


@router.get(
    "/persons/{person_id}/disclosure",
    summary="Auskunft nach Art. 15 DSGVO über eine Person (JSON oder PDF)",
    responses={**responses(401, 403, 404, 422), 200: {"content": {"application/pdf": {}}}},
)
def person_disclosure(
    person_id: PersonId,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: AuditReader,
    purpose: Purpose,
    format: Annotated[Literal["json", "pdf"], Query(description="json oder pdf")] = "json",
) -> Response:
    data = trail.disclose(runtime, connection, actor, person_id, purpose)
    if format == "pdf":
        from service.audit.pdf import disclosure_pdf

        words = naming.disclosure_wording(runtime, connection, actor, data)
        return Response(
            disclosure_pdf(data, words),
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'attachment; filename="auskunft-person-{person_id}.pdf"'
            },
        )
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="auskunft-person-{person_id}.json"'},
    )


@router.get(
    "/verify",
    summary="Protokoll prüfen",
    description="Prüft jede Kette und gleicht sie mit den signierten Prüfpunkten ab; nennt "
    "die erste fehlerhafte Laufnummer.",
    response_model=VerificationReport,
    responses=responses(401, 403, 422),
)
def verify(
    runtime: RuntimeDep,
    connection: ReadDep,
    actor: AuditReader,
    from_seq: Annotated[int | None, Query(alias="from", ge=1, le=MAX_ID)] = None,
    to_seq: Annotated[int | None, Query(alias="to", ge=1, le=MAX_ID)] = None,
) -> VerificationReport:
    reports = trail.verify_all(
        connection, runtime.chain_key, from_seq, to_seq, only=runtime.chain_key
    )
    chains = [
        ChainVerification(
            chain_key=r.chain_key,
            intact=r.verification.intact,
            checked=r.verification.checked,
            first_bad_seq=r.verification.first_bad_seq,
            reason=r.verification.reason,
            last_seq=r.verification.last_seq,
            checkpoints_checked=r.checkpoints_checked,
            cleared_seqs=list(r.verification.cleared),
        )
        for r in reports
    ]
    return VerificationReport(intact=all(c.intact for c in chains), chains=chains)


@router.get(
    "/checkpoints",
    summary="Signierte Prüfpunkte als Datei",
    description="Die Prüfpunkte der Kette dieser Körperschaft, zum Aufbewahren außerhalb der "
    "Datenbank; `ratsflow audit verify --checkpoint DATEI` prüft dagegen.",
    responses=responses(401, 403),
)
def checkpoint_file(runtime: RuntimeDep, connection: ReadDep, actor: AuditReader) -> Response:
    from service.audit.checkpoints import file_document, stored

    return Response(
        json.dumps(file_document(stored(connection, runtime.chain_key)), indent=2),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="protokoll-pruefpunkte.json"'},
    )
