"""RFC 9457 problem details: every error leaves the API as ``application/problem+json``.

Each error raised on purpose names its own status, stable ``type`` and German title on its
class (``workflow.errors.WorkflowError``); one handler renders them all, with ``detail`` as
German text a user can act on. Unexpected errors answer 500 with no trace of the code.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import fastapi.routing
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette._utils import get_route_path
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from service.api import contract
from service.api.contract import PROBLEM_MEDIA_TYPE, READ_NOT_LOGGED
from service.api.money import MONEY_MESSAGE
from service.errors import ServiceError
from service.keyset import CURSOR_PATTERN, UNKNOWN_PAGE
from service.reports.period import NOT_A_PERIOD, PERIOD_PATTERN
from workflow.errors import WorkflowError

log = logging.getLogger("ratsflow.api")


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {"type": f"/probleme/{slug}", "title": title, "status": status, "detail": detail}
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Declares problem responses for an endpoint's OpenAPI entry."""
    text = {
        401: "Nicht angemeldet oder Token ungültig.",
        403: "Rolle reicht nicht aus.",
        404: "Nicht gefunden oder nicht sichtbar.",
        409: "Konflikt: Übergang nicht möglich oder Version veraltet.",
        410: "Entfernt: war veröffentlicht und ist es nicht mehr.",
        413: "Anfrage zu groß.",
        415: "Dateityp nicht zulässig.",
        422: "Eingaben oder Voraussetzungen nicht erfüllt.",
        429: "Zu viele Anfragen; `Retry-After` nennt die Wartezeit in Sekunden.",
        503: READ_NOT_LOGGED,
    }
    # The media type, schema and headers of each are added by service.api.contract.
    return {s: {"description": text[s]} for s in statuses}


def known_problem(exc: WorkflowError) -> JSONResponse:
    """Any error raised on purpose, as its class describes it (see ``workflow.errors``)."""
    headers = exc.headers if isinstance(exc, ServiceError) else None
    return problem(exc.status, exc.slug, exc.title, exc.detail, headers, **exc.extensions())


_STATUS_TEXT = {
    400: ("ungueltige-anfrage", "Ungültige Anfrage", "Die Anfrage ist fehlerhaft."),
    401: ("nicht-angemeldet", "Nicht angemeldet", "Bitte anmelden."),
    403: ("rolle-fehlt", "Keine Berechtigung", "Dafür fehlt die Berechtigung."),
    404: ("nicht-gefunden", "Nicht gefunden", "Die Adresse gibt es nicht."),
    405: (
        "methode-nicht-erlaubt",
        "Methode nicht erlaubt",
        "Diese Methode ist hier nicht erlaubt.",
    ),
    413: ("zu-gross", "Anfrage zu groß", "Die Anfrage ist zu groß."),
    415: ("falscher-medientyp", "Falscher Medientyp", "Dieser Inhaltstyp wird nicht angenommen."),
}


# A request its schema allows, holding a value no database here stores (a NUL in a text,
# a number beyond a column's range): refused apart from requests that fail their schema.
UNSTORABLE = ("nicht-speicherbar", "Wert nicht speicherbar")


def _field_name(loc: tuple[Any, ...]) -> str:
    if len(loc) == 2 and loc[0] == "header":
        return "-".join(part.capitalize() for part in str(loc[1]).split("-"))  # as sent: If-Match
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def _allowed_methods(app: FastAPI, request: Request) -> list[str]:
    """Every method any route offers for this path.

    Starlette names only the methods of the first route whose path matched, but a resource
    here is often served by one route per method (GET and PATCH on /measures/{id}).
    """
    path = get_route_path(request.scope)
    methods: set[str] = set()
    # Included routers are flattened (FastAPI keeps them apart from ``app.router.routes``).
    for route in fastapi.routing.iter_route_contexts(app.router.routes):
        template, offered = route.path_format, route.methods
        if template and offered and compile_path(template)[0].match(path):
            methods |= offered
    return sorted(methods)


def method_not_allowed(allowed: list[str]) -> JSONResponse:
    slug, title, detail = _STATUS_TEXT[405]
    return problem(405, slug, title, detail, headers={"Allow": ", ".join(allowed)})


def install(app: FastAPI) -> None:
    contract.install(app)

    @app.exception_handler(WorkflowError)
    async def _known(_: Request, exc: WorkflowError) -> JSONResponse:
        return known_problem(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        fields = []
        for error in exc.errors():
            name = _field_name(tuple(error.get("loc", ())))
            message = _german_validation(error)
            fields.append({"field": name, "label": name, "message": message})
        detail = "Ungültige Eingabe: " + "; ".join(f"{f['field']}: {f['message']}" for f in fields)
        if all(e.get("type") == "nul_character" for e in exc.errors()):
            # Valid JSON and valid by the schema, but no database stores it alike.
            return problem(422, *UNSTORABLE, detail, fields=fields)
        return problem(422, "eingabe-ungueltig", "Eingabe ungültig", detail, fields=fields)

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> JSONResponse:
        # The database refused a value the schema let through (PostgreSQL: a NUL byte in a
        # text, a number out of range): the client's input, so 422, never the SQL text.
        log.warning(
            "Datenbank lehnt Wert ab bei %s %s: %s", request.method, request.url.path, exc.orig
        )
        return problem(
            422,
            *UNSTORABLE,
            "Die Eingabe enthält einen Wert, der nicht gespeichert werden kann "
            "(etwa ein Nullzeichen im Text oder eine zu große Zahl).",
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug, title, default = _STATUS_TEXT.get(
            exc.status_code, ("fehler", "Fehler", "Die Anfrage konnte nicht bearbeitet werden.")
        )
        if exc.status_code == 405:
            return method_not_allowed(_allowed_methods(app, request))
        detail = exc.detail if isinstance(exc.detail, str) and _is_german(exc.detail) else default
        return problem(exc.status_code, slug, title, detail, headers=dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unerwarteter Fehler bei %s %s", request.method, request.url.path)
        return problem(
            500,
            "interner-fehler",
            "Interner Fehler",
            "Ein unerwarteter Fehler ist aufgetreten. Er wurde protokolliert.",
        )


# Texts Starlette and FastAPI raise by themselves; ours are German sentences.
_FRAMEWORK_TEXTS = frozenset(s.phrase for s in HTTPStatus) | {
    "There was an error parsing the body",
}


def _is_german(text: str) -> bool:
    return text not in _FRAMEWORK_TEXTS


ETAG_EXPECTED = 'erwartet genau ein ETag wie "3" (aus dem Kopf ETag) oder *'
# A pattern the schema states, in the words a person understands.
_PATTERN_TEXTS = {CURSOR_PATTERN: UNKNOWN_PAGE, PERIOD_PATTERN: NOT_A_PERIOD}


def _german_validation(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "money_text":
        return str(error.get("msg") or MONEY_MESSAGE)
    if kind == "string_pattern_mismatch" and tuple(error.get("loc", ())) == ("header", "if-match"):
        return ETAG_EXPECTED
    if kind == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") in _PATTERN_TEXTS:
        return _PATTERN_TEXTS[error["ctx"]["pattern"]]
    if kind == "string_too_short" and "min_length" in error.get("ctx", {}):
        return f"Text zu kurz (mindestens {error['ctx']['min_length']} Zeichen)"
    if kind in ("literal_error", "enum") and "expected" in error.get("ctx", {}):
        allowed = str(error["ctx"]["expected"]).replace(" or ", ", ")
        return f"unzulässiger Wert; möglich sind: {allowed}"
    return {
        "missing": "Pflichtangabe fehlt",
        "json_invalid": "kein gültiges JSON",
        "int_parsing": "erwartet eine ganze Zahl",
        "int_type": "erwartet eine ganze Zahl",
        "string_type": "erwartet einen Text",
        "bool_type": "erwartet wahr oder falsch",
        "bool_parsing": "erwartet wahr oder falsch",
        "dict_type": "erwartet ein Objekt",
        "list_type": "erwartet eine Liste",
        "model_attributes_type": "erwartet ein Objekt",
        "extra_forbidden": "unbekanntes Feld",
        "string_too_long": "Text zu lang",
        "string_too_short": "Text zu kurz",
        "too_short": "zu wenige Einträge",
        "too_long": "zu viele Einträge",
        "greater_than_equal": "Wert zu klein",
        "less_than_equal": "Wert zu groß",
        "date_from_datetime_parsing": "erwartet ein Datum",
        "date_parsing": "erwartet ein Datum",
        "iso_date_text": "erwartet ein Datum als Text (JJJJ-MM-TT)",
        "iso_datetime_text": "erwartet Datum und Uhrzeit als Text (ISO 8601)",
        "enum": "unzulässiger Wert",
        "etag_parsing": ETAG_EXPECTED,
        "string_pattern_mismatch": "hat nicht das erwartete Format",
        "literal_error": "unzulässiger Wert",
        "nul_character": "Text enthält ein Nullzeichen",
        "not_null": "darf nicht null sein; zum Beibehalten weglassen",
    }.get(kind, "ungültiger Wert")
