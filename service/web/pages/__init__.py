"""All web pages; a new room is one module here and one ``include_router`` line."""

from fastapi import APIRouter

from service.web.pages import account, definitions, measures, overview, public, site

router = APIRouter(include_in_schema=False)
router.include_router(site.router)
router.include_router(account.router)
router.include_router(overview.router)
router.include_router(measures.router)
router.include_router(public.router)
router.include_router(definitions.router)
