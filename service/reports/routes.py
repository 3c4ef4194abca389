"""``/api/v1/reports``: the Sachstandsbericht as JSON, HTML or PDF, for signed-in staff; the
issued reports, their files, the FVA's Kenntnisnahme, and their verification (for whoever
may read them)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from service.access import holds
from service.actor import Actor
from service.api.deps import MAX_ID, CurrentActor, MaybeActor, RuntimeDep, WriteDep
from service.api.once import OnceRoute
from service.api.problems import problem, responses
from service.api.uploads import UPLOAD_BODY, read_upload
from service.errors import AccessDenied
from service.reports import issuing, verdicts, verification
from service.reports.period import PERIOD_PATTERN, InvalidPeriod
from service.reports.render import MEDIA_TYPES, Format, render
from service.reports.schemas import (
    Audience,
    ChainEntryOut,
    FileMatchOut,
    FileVerificationOut,
    IssuedReportOut,
    IssueOut,
    IssueRequest,
    SachstandReport,
    StoredFileOut,
    StoredVerificationOut,
    TakenNoteRequest,
)
from service.reports.service import read_sachstand
from service.xlsx_export import MEDIA_TYPE, attachment

router = APIRouter(prefix="/api/v1/reports", tags=["Berichte"], route_class=OnceRoute)
IssuedId = Annotated[int, Path(ge=1, le=MAX_ID)]

_BY_MEDIA_TYPE: dict[str, Format] = {
    "application/json": "json",
    "text/html": "html",
    "application/pdf": "pdf",
    MEDIA_TYPE: "xlsx",
}


def report_reader(actor: CurrentActor) -> Actor:
    if not holds(actor, "report.read"):
        raise AccessDenied(
            "Berichte dürfen nur Beschäftigte der Verwaltung und Ratsmitglieder lesen."
        )
    return actor


def negotiate(accept: str | None) -> Format | None:
    """The format the ``Accept`` header prefers; JSON when it names none or accepts any.

    None when it accepts nothing we serve (answered with 406)."""
    if not accept:
        return "json"
    offers: list[tuple[float, int, Format]] = []
    for position, part in enumerate(accept.split(",")):
        media, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        media = media.strip().lower()
        if quality <= 0:
            continue
        if media in _BY_MEDIA_TYPE:
            offers.append((quality, -position, _BY_MEDIA_TYPE[media]))
        elif media in ("*/*", "application/*"):
            offers.append((quality, -position, "json"))
        elif media == "text/*":
            offers.append((quality, -position, "html"))
    return max(offers)[2] if offers else None


_CONTENT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Der Bericht: JSON (Vorgabe), HTML, PDF oder Excel (die "
        "Beschlusskontrolle, eine Zeile je Maßnahme), gewählt mit `format` oder dem Kopf "
        "`Accept`.",
        "content": {
            "text/html": {"schema": {"type": "string"}},
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
    },
    406: {"description": "Keines der im Kopf `Accept` genannten Formate ist lieferbar."},
}


@router.get(
    "/sachstand",
    summary="Sachstandsbericht für ein Halbjahr",
    description="Jede offene Maßnahme je Arbeitspapier mit Zustand, Fortschritt, Zieldatum, "
    "Ampel (Regeln im Bericht abgedruckt), Verzögerungsgründen und Haushalt, berechnet aus "
    "dem Verlauf zum Stichtag (letzter Tag des Halbjahres, für das laufende heute). "
    "`programme_id` beschränkt ihn auf ein Arbeitspapier. `audience=public` lässt nicht "
    "öffentliche Maßnahmen und Namen von Beschäftigten weg. Jeder Abruf der internen "
    "Fassung wird protokolliert.",
    response_model=SachstandReport,
    responses={**_CONTENT, **responses(401, 403, 422)},
    dependencies=[Depends(report_reader)],
)
def get_sachstand(
    runtime: RuntimeDep,
    actor: CurrentActor,
    period: Annotated[
        str,
        Query(
            description="Halbjahr wie 2024-H1 oder 2024-H2 (ab 2000).",
            examples=["2024-H1"],
            pattern=PERIOD_PATTERN,
        ),
    ],
    output_format: Annotated[
        Literal["json", "html", "pdf", "xlsx"] | None,
        Query(alias="format", description="Vorrang vor dem Kopf `Accept`."),
    ] = None,
    audience: Annotated[
        Audience, Query(description="internal: interne Fassung; public: öffentliche Fassung.")
    ] = "internal",
    programme_id: Annotated[
        int | None,
        Query(ge=1, le=MAX_ID, description="Nur dieses Arbeitspapier; ohne Angabe alle."),
    ] = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    chosen = output_format or negotiate(accept)
    if chosen is None:
        return problem(
            406,
            "format-nicht-lieferbar",
            "Format nicht lieferbar",
            "Der Bericht ist als application/json, text/html, application/pdf oder als "
            "Excel-Arbeitsmappe lieferbar.",
        )
    try:
        report = read_sachstand(runtime, actor, period, audience, programme_id=programme_id)
    except InvalidPeriod as exc:
        return problem(422, "berichtszeitraum-ungueltig", "Berichtszeitraum ungültig", str(exc))
    headers = {"Vary": "Accept"}
    if chosen == "pdf":
        headers["Content-Disposition"] = f'inline; filename="sachstandsbericht-{report.period}.pdf"'
    if chosen == "xlsx":
        headers.update(attachment(f"beschlusskontrolle-{report.period}.xlsx"))
    return Response(render(report, chosen), media_type=MEDIA_TYPES[chosen], headers=headers)


def _issued_out(row: Any) -> IssuedReportOut:
    url = f"{router.prefix}/issued/{row.id}/file"
    return IssuedReportOut.model_validate(
        {
            **row._mapping,
            "title": issuing.title(row),
            "pdf_url": f"{url}?format=pdf",
            "json_url": f"{url}?format=json",
        }
    )


@router.get(
    "/issued",
    summary="Ausgegebene Berichte auflisten",
    description="Die neuesten zuerst. Die interne Fassung sehen Beschäftigte und "
    "Ratsmitglieder, die öffentliche jeder.",
    response_model=list[IssuedReportOut],
)
def list_issued(runtime: RuntimeDep, actor: MaybeActor) -> list[IssuedReportOut]:
    return [_issued_out(r) for r in issuing.list_issued(runtime, actor)]


@router.post(
    "/issued",
    summary="Sachstandsbericht ausgeben",
    description="Friert den Bericht des Halbjahres ein (Stichtag: letzter Tag des "
    "Zeitraums), speichert JSON und PDF, schreibt ihre SHA-256 ins Protokoll und legt die "
    "Informationsvorlage für den FVA zur Kenntnisnahme an.",
    status_code=201,
    response_model=IssuedReportOut,
    responses=responses(401, 403, 404, 409, 422),
)
def issue(
    body: IssueRequest,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: CurrentActor,
    response: Response,
) -> IssuedReportOut:
    issued_id = issuing.issue_report(
        runtime,
        connection,
        actor,
        body.period,
        programme_id=body.programme_id,
        audience=body.audience,
    )
    response.headers["Location"] = f"{router.prefix}/issued/{issued_id}"
    return _issued_out(issuing.written(runtime, connection, issued_id))


@router.get(
    "/issued/{issued_id}",
    summary="Ausgegebenen Bericht lesen",
    response_model=IssuedReportOut,
    responses=responses(404),
)
def get_issued(issued_id: IssuedId, runtime: RuntimeDep, actor: MaybeActor) -> IssuedReportOut:
    return _issued_out(issuing.read_issued(runtime, actor, issued_id))


@router.get(
    "/issued/{issued_id}/file",
    summary="Datei eines ausgegebenen Berichts",
    description="Genau die ausgegebene Datei (PDF oder JSON); ihre SHA-256 steht im Protokoll. "
    "409 `bericht-veraendert`, wenn die gespeicherte Datei diese Prüfsumme nicht mehr hat.",
    responses={
        200: {
            "description": "Die Datei.",
            "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                "application/json": {"schema": {"type": "object"}},
            },
        },
        **responses(404, 409),
    },
    response_class=Response,
)
def download_issued(
    issued_id: IssuedId,
    runtime: RuntimeDep,
    actor: MaybeActor,
    file_format: Annotated[Literal["pdf", "json"], Query(alias="format")] = "pdf",
) -> Response:
    file = issuing.issued_file(runtime, actor, issued_id, file_format)
    return Response(
        file.content,
        media_type=file.media_type,
        headers={"Content-Disposition": f'attachment; filename="{file.filename}"'},
    )


@router.post(
    "/issued/{issued_id}/kenntnisnahme",
    summary="Kenntnisnahme durch den FVA erfassen",
    description="Der Sitzungsdienst erfasst den Sitzungstag, an dem der Finanz- und "
    "Verwaltungsausschuss den Bericht zur Kenntnis nahm; erst damit ist die halbjährliche "
    "Information erfüllt.",
    response_model=IssuedReportOut,
    responses=responses(401, 403, 404, 409, 422),
)
def take_note(
    issued_id: IssuedId,
    body: TakenNoteRequest,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: CurrentActor,
) -> IssuedReportOut:
    issuing.record_taken_note(runtime, connection, actor, issued_id, body.on)
    return _issued_out(issuing.written(runtime, connection, issued_id))


# --- verification ---------------------------------------------------------------------------


def _issue_out(issue: verdicts.Issue) -> IssueOut:
    row = issue.row
    url = f"{router.prefix}/issued/{row.id}/file"
    return IssueOut(
        id=row.id,
        number=row.number,
        title=issue.title,
        period=row.period,
        audience=row.audience,
        as_of=row.as_of,
        issued_at=row.issued_at,
        issued_at_text=issue.issued_at,
        issued_by=issue.issued_by,
        noted_on=row.noted_on,
        pdf_url=f"{url}?format=pdf",
        json_url=f"{url}?format=json",
    )


def _entry_out(entry: verdicts.EntryCheck) -> ChainEntryOut:
    return ChainEntryOut(state=entry.state, seq=entry.seq, text=entry.text)


@router.get(
    "/issued/{issued_id}/verification",
    summary="Ausgegebenen Bericht prüfen",
    description="Prüft, ob der gespeicherte Bericht genau der ausgegebene ist: PDF und JSON "
    "gegen die SHA-256, die der Protokolleintrag der Ausgabe festhält, und diesen Eintrag "
    "gegen seinen Hash und seine Verkettung. Den öffentlichen Bericht prüft jeder, den "
    "internen prüfen Beschäftigte und Ratsmitglieder (protokolliert). Ein veränderter Bericht "
    "ist ein Ergebnis (`intact: false`), kein Fehler.",
    response_model=StoredVerificationOut,
    responses=responses(401, 404),
)
def verify_stored(
    issued_id: IssuedId, runtime: RuntimeDep, actor: MaybeActor
) -> StoredVerificationOut:
    found = verification.verify_issued(runtime, actor, issued_id)
    return StoredVerificationOut(
        intact=found.intact,
        outcome=found.outcome,
        text=found.text,
        report=_issue_out(found.issue),
        entry=_entry_out(found.entry),
        files=[
            StoredFileOut(
                format=f.kind,
                stored_sha256=f.stored,
                recorded_sha256=f.recorded,
                intact=f.intact,
                text=f.text,
            )
            for f in found.files
        ],
    )


@router.post(
    "/verification",
    summary="Datei gegen die ausgegebenen Berichte prüfen",
    description="Formularfeld `file`: ein PDF oder JSON, das jemand in Händen hält. Die "
    "Antwort sagt, ob es genau ein ausgegebener Bericht ist, welcher, wann und von wem "
    "ausgegeben – maßgeblich ist die SHA-256 im Protokolleintrag der Ausgabe. Ohne Anmeldung "
    "wird nur mit öffentlichen Berichten verglichen (`internal_checked: false`). Größenlimit: "
    "`RATSFLOW_MAX_UPLOAD_BYTES`.",
    response_model=FileVerificationOut,
    responses=responses(401, 413, 422),
    openapi_extra=UPLOAD_BODY,
)
async def verify_upload(
    request: Request, runtime: RuntimeDep, actor: MaybeActor
) -> FileVerificationOut:
    upload = await read_upload(request, runtime.settings.max_upload_bytes)
    found = await run_in_threadpool(verification.verify_file, runtime, actor, upload.content)
    return FileVerificationOut(
        issued=found.issued,
        sha256=found.sha256,
        internal_checked=found.internal_checked,
        text=found.text,
        warnings=found.warnings(),
        matches=[_match_out(m) for m in found.matches],
        unconfirmed=[_match_out(m) for m in found.unconfirmed],
    )


def _match_out(match: verdicts.Match) -> FileMatchOut:
    return FileMatchOut(
        format=match.kind,
        report=_issue_out(match.issue),
        entry=_entry_out(match.entry),
        stored_intact=match.stored_intact,
    )
