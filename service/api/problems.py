"""RFC 9457 problem details: every error leaves the API as ``application/problem+json``.

Each error raised on purpose names its own status, stable ``type`` and German title on its
class (``workflow.errors.WorkflowError``); one handler renders them all, with ``detail`` as
German text a user can act on. Unexpected errors answer 500 with no trace of the code.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Route

from service.api.logged_reads import ReadLogging, api_routes, logs_reads
from service.errors import ServiceError
from workflow.errors import WorkflowError

PROBLEM_MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("ratsflow.api")
READ_NOT_LOGGED = (
    "Der Zugriff konnte nicht protokolliert werden; deshalb wird nichts gezeigt. "
    "`Retry-After` nennt die Sekunden bis zu einem neuen Versuch."
)


class Problem(BaseModel):
    """Problem details (RFC 9457) with ratsflow's extension members."""

    type: str = Field(examples=["/probleme/ungueltiger-uebergang"])
    title: str = Field(examples=["Übergang nicht möglich"])
    status: int = Field(examples=[409])
    detail: str = Field(examples=["„abschliessen“ ist im Zustand „entwurf“ nicht möglich."])
    instance: str | None = None
    allowed: list[dict[str, str]] | None = None
    failures: list[dict[str, str]] | None = None
    fields: list[dict[str, str]] | None = None
    blocked: list[dict[str, Any]] | None = None
    rows: list[dict[str, Any]] | None = None
    detected_type: str | None = None
    quorum: dict[str, int] | None = None


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
        413: "Anfrage zu groß.",
        415: "Dateityp nicht zulässig.",
        422: "Eingaben oder Voraussetzungen nicht erfüllt.",
        429: "Zu viele Anfragen; `Retry-After` nennt die Wartezeit in Sekunden.",
        503: READ_NOT_LOGGED,
    }
    return {
        s: {"model": Problem, "description": text[s], "content": {PROBLEM_MEDIA_TYPE: {}}}
        for s in statuses
    }


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


def _field_name(loc: tuple[Any, ...]) -> str:
    if len(loc) == 2 and loc[0] == "header":
        return "-".join(part.capitalize() for part in str(loc[1]).split("-"))  # as sent: If-Match
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def _document_problems(app: FastAPI) -> None:
    """Declares in the OpenAPI document what operations can answer besides their own list.

    FastAPI declares its 422 as ``application/json`` with its own schema, but the handler
    below answers ``application/problem+json``; and a body that cannot be parsed at all is
    a 400 before validation starts. Both hold for every operation, so they are added here
    once instead of in each route. So is the 503 of a read whose access event could not be
    written (``ReadNotLogged``), on every operation that can log a read: found from the
    code (``service.api.logged_reads``), since the routes of every domain can start to.
    """
    produce = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = produce()
        problem_ref = {"$ref": "#/components/schemas/Problem"}
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        schemas.setdefault("Problem", Problem.model_json_schema(ref_template="{model}"))
        for operations in document.get("paths", {}).values():
            for operation in operations.values():
                for parameter in operation.get("parameters", []):
                    _drop_null(parameter)
                answers = operation.setdefault("responses", {})
                declared = [("422", "Eingaben ungültig oder Voraussetzungen nicht erfüllt.")]
                if "requestBody" in operation:
                    declared.append(("400", "Der Inhalt der Anfrage ist nicht lesbar."))
                for status, text in declared:
                    entry = answers.setdefault(status, {"description": text})
                    entry["content"] = {PROBLEM_MEDIA_TYPE: {"schema": problem_ref}}
        for operation in reads_logged(app, document):
            operation["responses"]["503"] = {
                "description": READ_NOT_LOGGED,
                "headers": {
                    "Retry-After": {
                        "description": "Sekunden bis zu einem neuen Versuch.",
                        "schema": {"type": "integer"},
                    }
                },
                "content": {PROBLEM_MEDIA_TYPE: {"schema": problem_ref}},
            }
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def reads_logged(app: FastAPI, document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The operations of ``document`` that can log a read, and so answer 503."""
    finder = ReadLogging()
    for route in api_routes(app):
        if route.include_in_schema and logs_reads(route, finder):
            for method in sorted(route.methods or ()):
                operation = document["paths"].get(route.path_format, {}).get(method.lower())
                if operation is not None:
                    yield operation


def _drop_null(parameter: dict[str, Any]) -> None:
    """An optional header or query parameter is absent, never null: HTTP has no null.

    FastAPI writes ``str | None`` as ``anyOf: [string, null]``, which tells clients (and
    generated tests) that the text "null" would be a fine header value.
    """
    schema = parameter.get("schema", {})
    variants = schema.get("anyOf")
    if not variants:
        return
    kept = [v for v in variants if v.get("type") != "null"]
    if len(kept) == 1 and len(kept) < len(variants):
        del schema["anyOf"]
        schema.update(kept[0])


def _allowed_methods(app: FastAPI, request: Request) -> list[str]:
    """Every method any route offers for this path.

    Starlette names only the methods of the first route whose path matched, but a resource
    here is often served by one route per method (GET and PATCH on /measures/{id}).
    """
    methods: set[str] = set()
    for route in app.router.routes:
        match, _ = route.matches(request.scope)
        if match != Match.NONE and isinstance(route, Route) and route.methods:
            methods |= route.methods
    return sorted(methods)


def install(app: FastAPI) -> None:
    _document_problems(app)

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
            "eingabe-ungueltig",
            "Eingabe ungültig",
            "Die Eingabe enthält einen Wert, der nicht gespeichert werden kann "
            "(etwa ein Nullzeichen im Text oder eine zu große Zahl).",
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug, title, default = _STATUS_TEXT.get(
            exc.status_code, ("fehler", "Fehler", "Die Anfrage konnte nicht bearbeitet werden.")
        )
        detail = exc.detail if isinstance(exc.detail, str) and _is_german(exc.detail) else default
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(app, request))
        return problem(exc.status_code, slug, title, detail, headers=headers)

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


def _german_validation(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "string_pattern_mismatch" and tuple(error.get("loc", ())) == ("header", "if-match"):
        return ETAG_EXPECTED
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
        "greater_than_equal": "Wert zu klein",
        "less_than_equal": "Wert zu groß",
        "date_from_datetime_parsing": "erwartet ein Datum",
        "date_parsing": "erwartet ein Datum",
        "enum": "unzulässiger Wert",
        "etag_parsing": ETAG_EXPECTED,
        "string_pattern_mismatch": "hat nicht das erwartete Format",
        "literal_error": "unzulässiger Wert",
        "nul_character": "Text enthält ein Nullzeichen",
        "not_null": "darf nicht null sein; zum Beibehalten weglassen",
    }.get(kind, "ungültiger Wert")
