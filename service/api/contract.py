"""The OpenAPI document as generated clients read it: what the server really sends.

FastAPI writes a good part of it; what it gets wrong for ratsflow is put right here once,
for the operations of every domain, so that a route declares only its own facts:
- every error answer is ``application/problem+json`` with the ``Problem`` schema, whose
  extension members are exactly those the errors carry (FastAPI puts a ``model`` under
  ``application/json``, which the server never sends);
- a 400 (unreadable body), a 422 and, where a read is logged, a 503 can follow any call;
- tags and operation ids are ASCII (``massnahmen``, ``create_measure``): generated clients
  make module and function names of them; the German tag stays as its description;
- binary and text answers (PDF, CSV, HTML, attachments) are ``format: binary``;
- response headers the server sends are declared: ``WWW-Authenticate`` on a 401,
  ``Retry-After`` on a 429 and 503, ``Location`` on a 201, ``ETag`` on an answer that
  carries a ``version``, ``Idempotent-Replayed`` where an ``Idempotency-Key`` is taken;
- an optional header or query parameter is absent, never null;
- a create links to the read, edit and delete of what it created.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from service.api.logged_reads import ReadLogging, api_routes, logs_reads

PROBLEM_MEDIA_TYPE = "application/problem+json"
READ_NOT_LOGGED = (
    "Der Zugriff konnte nicht protokolliert werden; deshalb wird nichts gezeigt. "
    "`Retry-After` nennt die Sekunden bis zu einem neuen Versuch."
)
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_BINARY = {"type": "string", "format": "binary"}
_JSON_TYPES = ("application/json", PROBLEM_MEDIA_TYPE)


def _text(description: str) -> dict[str, Any]:
    return {"type": "string", "description": description}


def _object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required}


# The members each error class adds (``extensions()`` in workflow.errors, service.errors
# and the upload, import and attachment checks); none is ever null: an absent one is left out.
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "Problemdetails nach RFC 9457 mit den Erweiterungen von ratsflow.",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "examples": ["/probleme/ungueltiger-uebergang"]},
        "title": {"type": "string", "examples": ["Übergang nicht möglich"]},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": _text("Deutsche Beschreibung, nach der ein Mensch handeln kann."),
        "instance": {"type": "string"},
        "allowed": {
            "type": "array",
            "description": "Die im aktuellen Zustand möglichen Ereignisse.",
            "items": _object(
                {"event": {"type": "string"}, "label": {"type": "string"}},
                [
                    "event",
                    "label",
                ],
            ),
        },
        "failures": {
            "type": "array",
            "description": "Die nicht erfüllten Voraussetzungen.",
            "items": _object(
                {"guard": {"type": "string"}, "message": {"type": "string"}},
                [
                    "guard",
                    "message",
                ],
            ),
        },
        "fields": {
            "type": "array",
            "description": "Die beanstandeten Eingaben.",
            "items": _object(
                {
                    "field": {"type": "string"},
                    "label": {"type": "string"},
                    "message": {"type": "string"},
                },
                ["field", "label", "message"],
            ),
        },
        "blocked": {
            "type": "array",
            "description": "Die Einträge, die eine Folgeaktion verhindern.",
            "items": _object(
                {
                    "entity_type": {"type": "string"},
                    "id": {"type": "integer"},
                    "title": {"type": "string"},
                    "reason": {"type": "string"},
                },
                ["entity_type", "id", "title", "reason"],
            ),
        },
        "rows": {
            "type": "array",
            "description": "Die fehlerhaften Zeilen einer eingelesenen Datei (1 = Kopfzeile).",
            "items": _object(
                {
                    "row": {"type": "integer"},
                    "field": {"type": "string"},
                    "column": {"type": "string"},
                    "message": {"type": "string"},
                },
                ["row", "message"],
            ),
        },
        "detected_type": _text("Der am Inhalt erkannte Dateityp."),
        "quorum": _object(
            {
                "voting_members": {"type": "integer"},
                "present": {"type": "integer"},
                "required_present": {"type": "integer"},
            },
            ["voting_members", "present", "required_present"],
        ),
    },
}

_HEADERS = {
    "WWW-Authenticate": ("Das Anmeldeverfahren: `Bearer`.", {"type": "string"}),
    "Retry-After": ("Sekunden bis zu einem neuen Versuch.", {"type": "integer", "minimum": 0}),
    "Location": ("Die Adresse des angelegten Eintrags.", {"type": "string"}),
    "ETag": (
        "Die Version des Eintrags in Anführungszeichen, für `If-Match`.",
        {"type": "string", "pattern": '^"[^"]+"$'},
    ),
    "Idempotent-Replayed": (
        "`true`, wenn die Antwort die gespeicherte Antwort eines früheren Aufrufs mit "
        "demselben `Idempotency-Key` ist.",
        {"type": "string", "enum": ["true"]},
    ),
}

_PARAMETER = re.compile(r"\{([^}]+)\}")
_ASCII = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", " ": "-"})


def tag_name(label: str) -> str:
    """The ASCII name of a German tag: ``Haushaltsansätze`` -> ``haushaltsansaetze``."""
    return label.lower().translate(_ASCII)


def operation_id(route: APIRoute) -> str:
    """The route's function name: ``create_measure`` (unique: a test holds them to it)."""
    return route.name


def install(app: FastAPI) -> None:
    produce = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = produce()
            _correct(app, document)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _correct(app: FastAPI, document: dict[str, Any]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    labels: set[str] = set()
    for method, operation in _operations(document):
        for parameter in operation.get("parameters", []):
            _drop_null(parameter)
        labels.update(operation.get("tags", []))
        operation["tags"] = [tag_name(t) for t in operation.get("tags", [])]
        answers = operation.setdefault("responses", {})
        answers.setdefault("422", {"description": "Eingaben ungültig."})
        if "requestBody" in operation:
            answers.setdefault("400", {"description": "Der Inhalt der Anfrage ist nicht lesbar."})
        _declare_answers(method, operation, schemas)
    for method, operation in _reads_logged(app, document):
        operation["responses"]["503"] = {"description": READ_NOT_LOGGED}
        _declare_answers(method, operation, schemas)
    _link_created_items(document, schemas)
    document["tags"] = [
        {"name": tag_name(label), "description": label, "x-displayName": label}
        for label in sorted(labels)
    ]


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for item in document.get("paths", {}).values():
        yield from item.items()


def _declare_answers(method: str, operation: dict[str, Any], schemas: dict[str, Any]) -> None:
    takes_key = any(
        p.get("in") == "header" and p.get("name", "").lower() == "idempotency-key"
        for p in operation.get("parameters", [])
    )
    for status, answer in operation["responses"].items():
        code = int(status) if status.isdigit() else 0
        headers: list[str] = []
        if code >= 400:
            answer["content"] = {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_REF}}
            headers += {401: ["WWW-Authenticate"], 429: ["Retry-After"], 503: ["Retry-After"]}.get(
                code, []
            )
        else:
            for media, body in answer.get("content", {}).items():
                if media not in _JSON_TYPES:
                    body["schema"] = dict(_BINARY)
            if code == 201:
                headers.append("Location")
            # A read or an edit names the version it answers with; a list or a create not.
            if method in ("get", "patch") and code == 200 and _carries_version(answer, schemas):
                headers.append("ETag")
            if 200 <= code < 300 and takes_key:
                headers.append("Idempotent-Replayed")
        declared = answer.setdefault("headers", {}) if headers else answer.get("headers", {})
        for name in headers:
            description, schema = _HEADERS[name]
            declared.setdefault(name, {"description": description, "schema": schema})


def _link_created_items(document: dict[str, Any], schemas: dict[str, Any]) -> None:
    """Links from a create (201 with an ``id``) to the read, edit and delete of that item, so
    that clients and stateful tests can follow them (``/measures`` -> ``/measures/{id}``)."""
    paths = document.get("paths", {})
    for path, item in paths.items():
        created = item.get("post", {}).get("responses", {}).get("201")
        if created is None or not _has_member(created, schemas, "id"):
            continue
        for other, operations in paths.items():
            parameter = _single_parameter_below(path, other)
            if parameter is None:
                continue
            links = created.setdefault("links", {})
            # The parent's parameters (``item_id`` of /measures/{item_id}/attachments) as sent.
            given = {name: f"$request.path.{name}" for name in _PARAMETER.findall(path)}
            for method in ("get", "patch", "delete"):
                if method in operations:
                    target = operations[method]["operationId"]
                    links[target] = {
                        "operationId": target,
                        "parameters": {**given, parameter: "$response.body#/id"},
                    }


def _single_parameter_below(path: str, other: str) -> str | None:
    """``measure_id`` for ``/measures`` and ``/measures/{measure_id}``, else None."""
    prefix = path.rstrip("/") + "/{"
    if not other.startswith(prefix) or not other.endswith("}"):
        return None
    name = other[len(prefix) : -1]
    return name if "/" not in name and "{" not in name else None


def _has_member(answer: dict[str, Any], schemas: dict[str, Any], name: str) -> bool:
    schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
    ref = schema.get("$ref", "")
    target = schemas.get(ref.rsplit("/", 1)[-1], {}) if ref else schema
    return name in target.get("properties", {})


def _carries_version(answer: dict[str, Any], schemas: dict[str, Any]) -> bool:
    return _has_member(answer, schemas, "version")


def _reads_logged(app: FastAPI, document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The operations of ``document`` that can log a read, and so answer 503."""
    finder = ReadLogging()
    for route in api_routes(app):
        if route.include_in_schema and logs_reads(route, finder):
            for method in sorted(route.methods or ()):
                operation = document["paths"].get(route.path_format, {}).get(method.lower())
                if operation is not None:
                    yield method.lower(), operation


def _drop_null(parameter: dict[str, Any]) -> None:
    """FastAPI writes ``str | None`` as ``anyOf: [string, null]``, which tells clients (and
    generated tests) that the text "null" would be a fine header value."""
    schema = parameter.get("schema", {})
    variants = schema.get("anyOf")
    if not variants:
        return
    kept = [v for v in variants if v.get("type") != "null"]
    if len(kept) == 1 and len(kept) < len(variants):
        del schema["anyOf"]
        schema.update(kept[0])
