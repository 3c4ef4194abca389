"""The stylesheet and the legal pages every page links to in its footer."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import FileResponse, Response

from service.web.config import site_settings
from service.web.rendering import STATIC_DIR, page_router, render, runtime_of

router = page_router()
# Served by name from a fixed list: nothing a request says can reach another file.
STATIC_FILES = {"ratsflow.css": "text/css"}


@router.get("/static/{name}")
def static_file(name: str) -> Response:
    if name not in STATIC_FILES:
        return Response(status_code=404)
    return FileResponse(
        STATIC_DIR / name,
        media_type=STATIC_FILES[name],
        headers={"Cache-Control": "public, max-age=3600"},
    )


def _legal(request: Request, title: str, text: str) -> Response:
    return render(request, "legal.html", title=title, text=text)


@router.get("/impressum")
def imprint(request: Request) -> Response:
    return _legal(request, "Impressum", site_settings(runtime_of(request)).imprint_text)


@router.get("/datenschutz")
def privacy(request: Request) -> Response:
    return _legal(request, "Datenschutzerklärung", site_settings(runtime_of(request)).privacy_text)


@router.get("/barrierefreiheit")
def accessibility(request: Request) -> Response:
    text = site_settings(runtime_of(request)).accessibility_text
    return _legal(request, "Erklärung zur Barrierefreiheit", text)
