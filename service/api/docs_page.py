"""``/docs`` and ``/redoc``: the API's description as one page that loads nothing foreign.

FastAPI's own pages load Swagger UI and ReDoc from a CDN: a script from another site,
running in ratsflow's origin, which could read a signed-in user's page. No maintained
package ships those assets for Python, so the page is built here from the OpenAPI
description, in plain HTML without any script; ``/openapi.json`` stays the
machine-readable description for tools (and for a Swagger UI run elsewhere).
"""

from __future__ import annotations

from html import escape
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

# No script, no style, no frame, nothing from anywhere: only the page's own text and links.
HEADERS = {"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'"}
METHODS = ("get", "post", "put", "patch", "delete")


def _operation(method: str, path: str, operation: dict[str, Any]) -> str:
    summary = escape(operation.get("summary", ""))
    description = escape(operation.get("description", "")).replace("\n\n", "<br><br>")
    parameters = "".join(
        f"<li><code>{escape(p['name'])}</code> ({escape(p.get('in', ''))})"
        + (f": {escape(p['description'])}" if p.get("description") else "")
        + "</li>"
        for p in operation.get("parameters", [])
    )
    statuses = ", ".join(escape(str(code)) for code in operation.get("responses", {}))
    return (
        f'<section id="{escape(operation.get("operationId", ""))}">'
        f"<h3><code>{method.upper()} {escape(path)}</code></h3><p>{summary}</p>"
        + (f"<p>{description}</p>" if description else "")
        + (f"<ul>{parameters}</ul>" if parameters else "")
        + f"<p>Antworten: {statuses}</p></section>"
    )


def page(app: FastAPI) -> str:
    spec = app.openapi()
    # Tags are ASCII names for generated clients; the page shows their German labels.
    labels = {t["name"]: t.get("x-displayName", t["name"]) for t in spec.get("tags", [])}
    by_tag: dict[str, list[str]] = {}
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                name = (item[method].get("tags") or ["Allgemein"])[0]
                tag = labels.get(name, name)
                by_tag.setdefault(tag, []).append(_operation(method, path, item[method]))
    info = spec.get("info", {})
    contents = "".join(
        f'<li><a href="#tag-{n}">{escape(tag)}</a></li>' for n, tag in enumerate(by_tag)
    )
    sections = "".join(
        f'<h2 id="tag-{n}">{escape(tag)}</h2>' + "".join(ops)
        for n, (tag, ops) in enumerate(by_tag.items())
    )
    return (
        '<!doctype html><html lang="de"><head><meta charset="utf-8">'
        f"<title>{escape(info.get('title', 'API'))} – API</title></head><body>"
        f"<h1>{escape(info.get('title', 'API'))} {escape(info.get('version', ''))}</h1>"
        f"<p>{escape(info.get('description', '')).strip()}</p>"
        '<p>Maschinenlesbar: <a href="openapi.json">openapi.json</a> (OpenAPI 3).</p>'
        f"<ul>{contents}</ul>{sections}</body></html>"
    )


def install(app: FastAPI) -> None:
    """Serves the page at ``/docs`` and, for old bookmarks, at ``/redoc``."""

    def docs() -> HTMLResponse:
        return HTMLResponse(page(app), headers=HEADERS)

    for url in ("/docs", "/redoc"):
        app.add_api_route(url, docs, methods=["GET"], include_in_schema=False)
