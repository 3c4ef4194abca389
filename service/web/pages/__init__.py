"""All web pages; a new room is one module here and one ``include_router`` line."""

from fastapi import APIRouter

from service.web.pages import (
    account,
    admin,
    attachments,
    budget,
    deadlines,
    definitions,
    deputies,
    measure_edit,
    measures,
    meetings,
    obligations,
    overview,
    paper_office,
    papers,
    programmes,
    protocol,
    public,
    report_verification,
    reports,
    site,
    statements,
    tasks,
)

router = APIRouter(include_in_schema=False)
router.include_router(site.router)
router.include_router(account.router)
router.include_router(overview.router)
router.include_router(tasks.router)
router.include_router(measures.router)
router.include_router(measure_edit.router)
router.include_router(public.router)
router.include_router(definitions.router)
router.include_router(papers.router)
router.include_router(paper_office.router)
router.include_router(meetings.router)
router.include_router(statements.router)
router.include_router(attachments.router)
router.include_router(budget.router)
router.include_router(deadlines.router)
router.include_router(obligations.router)
router.include_router(reports.router)
router.include_router(report_verification.router)
router.include_router(programmes.router)
router.include_router(admin.router)
router.include_router(deputies.router)
router.include_router(protocol.router)
