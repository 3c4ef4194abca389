"""``/api/v1/reports``: the Sachstandsbericht as JSON, HTML or PDF, for signed-in staff."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Response

from service.access import holds
from service.actor import Actor
from service.api.deps import CurrentActor, RuntimeDep
from service.api.problems import problem, responses
from service.errors import AccessDenied
from service.reports.period import InvalidPeriod
from service.reports.render import MEDIA_TYPES, Format, render
from service.reports.schemas import Audience, SachstandReport
from service.reports.service import read_sachstand
from service.xlsx_export import MEDIA_TYPE, attachment

router = APIRouter(prefix="/api/v1/reports", tags=["Berichte"])

_BY_MEDIA_TYPE: dict[str, Format] = {
    "application/json": "json",
    "text/html": "html",
    "application/pdf": "pdf",
    MEDIA_TYPE: "xlsx",
}


def report_reader(actor: CurrentActor) -> Actor:
    if not holds(actor, "report.read"):
        raise AccessDenied("Berichte dürfen nur Beschäftigte der Verwaltung lesen.")
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
    "den aktuellen Daten. `audience=public` lässt nicht öffentliche Maßnahmen und Namen von "
    "Beschäftigten weg. Jeder Abruf der internen Fassung wird protokolliert.",
    response_model=SachstandReport,
    responses={**_CONTENT, **responses(401, 403, 422)},
    dependencies=[Depends(report_reader)],
)
def get_sachstand(
    runtime: RuntimeDep,
    actor: CurrentActor,
    period: Annotated[
        str, Query(description="Halbjahr wie 2024-H1 oder 2024-H2.", examples=["2024-H1"])
    ],
    output_format: Annotated[
        Literal["json", "html", "pdf", "xlsx"] | None,
        Query(alias="format", description="Vorrang vor dem Kopf `Accept`."),
    ] = None,
    audience: Annotated[
        Audience, Query(description="internal: interne Fassung; public: öffentliche Fassung.")
    ] = "internal",
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
        report = read_sachstand(runtime, actor, period, audience)
    except InvalidPeriod as exc:
        return problem(422, "berichtszeitraum-ungueltig", "Berichtszeitraum ungültig", str(exc))
    headers = {"Vary": "Accept"}
    if chosen == "pdf":
        headers["Content-Disposition"] = f'inline; filename="sachstandsbericht-{report.period}.pdf"'
    if chosen == "xlsx":
        headers.update(attachment(f"beschlusskontrolle-{report.period}.xlsx"))
    return Response(render(report, chosen), media_type=MEDIA_TYPES[chosen], headers=headers)
