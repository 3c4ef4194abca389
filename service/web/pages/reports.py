"""``/sachstand``: the half-year's Sachstandsbericht on screen and as PDF (of all
Arbeitspapiere or one); ``/berichte``: the issued reports, issued, downloaded and noted."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Request
from fastapi.responses import Response

from service.access import holds
from service.api.deps import MAX_ID
from service.programmes import service as programmes
from service.reports import charts, issuing
from service.reports.period import InvalidPeriod, Period, parse_period, period_of
from service.reports.render import MEDIA_TYPES, Format, needs_attention
from service.reports.render import render as render_file
from service.reports.schemas import Audience
from service.reports.service import read_sachstand
from service.web.forms import PostedForm, posted_date, posted_id, refusal, saving
from service.web.rendering import (
    PageError,
    actor_of,
    page_router,
    render,
    runtime_of,
    signed_in,
)
from workflow.calendar import to_local

router = page_router()
AUDIENCES: dict[str, Audience] = {"intern": "internal", "oeffentlich": "public"}


def _periods(current: Period, count: int = 6) -> list[Period]:
    periods = [current]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return periods


def _period(runtime_now_day: object, text: str | None) -> Period:
    try:
        return parse_period(text) if text else period_of(runtime_now_day).previous()  # type: ignore[arg-type]
    except InvalidPeriod as exc:
        raise PageError(422, "Berichtszeitraum ungültig", str(exc)) from None


@router.get("/sachstand")
def report_page(
    request: Request,
    zeitraum: Annotated[str | None, Query(max_length=20)] = None,
    fassung: Annotated[str | None, Query(max_length=20)] = None,
    arbeitspapier: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    today = to_local(runtime.now()).date()
    chosen = _period(today, zeitraum)
    audience = fassung if fassung in AUDIENCES else "intern"
    try:
        report = read_sachstand(
            runtime, actor, chosen.key, AUDIENCES[audience], programme_id=arbeitspapier
        )
    except InvalidPeriod as exc:
        raise PageError(422, "Berichtszeitraum ungültig", str(exc)) from None
    return render(
        request,
        "report.html",
        title=f"Sachstandsbericht {report.period_label}",
        report=report,
        periods=_periods(period_of(today)),
        chosen=chosen,
        audience=audience,
        programme=arbeitspapier,
        attention=needs_attention(report),
        state_chart=charts.state_distribution(report.states),
        progress_charts={p.id: charts.progress_per_measure(p.measures) for p in report.programmes},
    )


@router.get("/sachstand/{zeitraum}.pdf")
def report_pdf(
    request: Request,
    zeitraum: Annotated[str, Path(max_length=20)],
    fassung: Annotated[str | None, Query(max_length=20)] = None,
    arbeitspapier: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    return _download(request, zeitraum, fassung, arbeitspapier, "pdf")


@router.get("/sachstand/{zeitraum}.xlsx")
def report_xlsx(
    request: Request,
    zeitraum: Annotated[str, Path(max_length=20)],
    fassung: Annotated[str | None, Query(max_length=20)] = None,
    arbeitspapier: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    """The Beschlusskontrolle of the half-year as an Excel sheet."""
    return _download(request, zeitraum, fassung, arbeitspapier, "xlsx")


def _download(
    request: Request, zeitraum: str, fassung: str | None, arbeitspapier: int | None, kind: Format
) -> Response:
    actor = signed_in(request)
    audience = AUDIENCES.get(fassung or "intern", "internal")
    try:
        report = read_sachstand(
            runtime_of(request), actor, zeitraum, audience, programme_id=arbeitspapier
        )
    except InvalidPeriod as exc:
        raise PageError(422, "Berichtszeitraum ungültig", str(exc)) from None
    name = "sachstand" if kind == "pdf" else "beschlusskontrolle"
    return Response(
        render_file(report, kind),
        media_type=MEDIA_TYPES[kind],
        headers={
            "Content-Disposition": f'attachment; filename="{name}-{report.period}.{kind}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


# --- issued reports ------------------------------------------------------------------------

ISSUED_DONE = {
    "ausgegeben": "Der Bericht wurde ausgegeben; die Informationsvorlage für den FVA ist angelegt.",
    "kenntnisnahme": "Die Kenntnisnahme durch den FVA wurde erfasst.",
}
IssuedId = Annotated[int, Path(ge=1, le=MAX_ID)]


def show_issued(
    request: Request,
    status: int = 200,
    *,
    success: str | None = None,
    error: str | None = None,
    reasons: list[str] | None = None,
) -> Response:
    runtime = runtime_of(request)
    # The public versions are for everyone (``issuing.list_issued`` picks what the caller may
    # read), so a visitor is not sent to the login.
    actor = actor_of(request)
    today = to_local(runtime.now()).date()
    may_issue = holds(actor, "report.issue")
    return render(
        request,
        "issued_reports.html",
        status=status,
        title="Ausgegebene Berichte",
        rows=issuing.list_issued(runtime, actor),
        issued_title=issuing.title,
        periods=_periods(period_of(today)),
        default_period=period_of(today).previous(),
        programmes=programmes.read_programmes(runtime, actor, None, 200) if may_issue else [],
        may_issue=may_issue,
        may_note=holds(actor, "report.take_note"),
        # a visitor reads the Informationsvorlage of a public report on the public pages
        paper_base="/vorlagen" if holds(actor, "paper.list") else "/oeffentlich/vorlagen",
        today=today,
        success=success,
        error=error,
        reasons=reasons or [],
    )


@router.get("/berichte")
def issued_page(
    request: Request, erledigt: Annotated[str | None, Query(max_length=50)] = None
) -> Response:
    return show_issued(request, success=ISSUED_DONE.get(erledigt or ""))


def _refused(request: Request, exc: Exception, what: str) -> Response:
    refused = refusal(exc)
    return show_issued(
        request,
        refused.status,
        error=f"{what} {refused.headline}",
        reasons=refused.reasons + list(refused.fields.values()),
    )


@router.post("/berichte")
def issue_page(request: Request, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    audience = AUDIENCES.get(form.get("fassung", "intern"), "internal")
    try:
        with saving(request) as saved:
            issuing.issue_report(
                runtime,
                saved.connection,
                actor,
                form.get("zeitraum", ""),
                programme_id=posted_id(form.get("arbeitspapier")),
                audience=audience,
            )
            return saved.redirect("/berichte?erledigt=ausgegeben")
    except Exception as exc:
        return _refused(request, exc, "Der Bericht wurde nicht ausgegeben.")


@router.post("/berichte/{issued_id}/kenntnisnahme")
def note_page(request: Request, issued_id: IssuedId, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    on = posted_date(form.get("sitzung_am"))
    try:
        if on is None:
            raise PageError(422, "Sitzungstag fehlt", "Bitte den Sitzungstag angeben.")
        with saving(request) as saved:
            issuing.record_taken_note(runtime, saved.connection, actor, issued_id, on)
            return saved.redirect("/berichte?erledigt=kenntnisnahme")
    except PageError:
        raise
    except Exception as exc:
        return _refused(request, exc, "Die Kenntnisnahme wurde nicht erfasst.")


@router.get("/berichte/{issued_id}.{endung}")
def issued_download(request: Request, issued_id: IssuedId, endung: str) -> Response:
    if endung not in ("pdf", "json"):
        raise PageError(404, "Nicht gefunden", "Ausgegebene Berichte gibt es als PDF und JSON.")
    file = issuing.issued_file(runtime_of(request), actor_of(request), issued_id, endung)  # type: ignore[arg-type]
    return Response(
        file.content,
        media_type=file.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{file.filename}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
