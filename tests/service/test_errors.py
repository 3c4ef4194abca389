"""One error hierarchy: every error raised on purpose names its problem type on its class,
and the API and the web answer each with the same status.

``EXAMPLES`` must name every subclass of ``WorkflowError`` in ``workflow`` and ``service``:
a new error fails the first test until it is listed here (with an instance as it is raised).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterator
from http import HTTPStatus

import jsonschema_rs
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import service
import service.cli
import service.main
import workflow
from service.api import contract, problems
from service.api.uploads import BadUpload, TooLarge
from service.attachments.detect import UnsupportedType
from service.auth.errors import (
    AccountConflict,
    DuplicateUser,
    DutiesNotSeparated,
    InvalidDeputy,
    LoginFailed,
    LoginThrottled,
    NotSignedIn,
    OwnRoles,
    PasswordChangeRequired,
    PasswordRejected,
    UnknownRole,
)
from service.errors import (
    AccessDenied,
    BlockedItem,
    CarriedItemsBlocked,
    Conflict,
    Gone,
    NotFound,
    NotQuorate,
    ReadNotLogged,
    RowProblem,
    RowsRejected,
    ServiceError,
)
from service.idempotency.service import KeyReused
from service.imports.measures import RowError
from service.imports.reading import TableTooLarge, Unreadable
from service.imports.service import ImportFailed, ProgrammeUnclear
from service.outbox.service import NotRetryable
from service.web.problems import explain
from workflow.errors import (
    DecidedByVote,
    DefinitionError,
    EventOption,
    FieldProblem,
    Forbidden,
    GuardFailed,
    GuardFailure,
    InvalidData,
    MissingData,
    NotAllowed,
    Problem,
    StaleVersion,
    WorkflowError,
)
from workflow.registry import UnknownDefinition
from workflow.votes import InvalidVote

FIELD = FieldProblem("haushaltsjahr", "Haushaltsjahr", "erwartet eine ganze Zahl")
EXAMPLES: dict[type[WorkflowError], Callable[[], WorkflowError]] = {
    WorkflowError: WorkflowError,
    DefinitionError: lambda: DefinitionError([Problem("massnahme.yaml", 3, "Zustand fehlt")]),
    NotAllowed: lambda: NotAllowed("fliegen", "entwurf", [EventOption("einreichen", "Einreichen")]),
    DecidedByVote: lambda: DecidedByVote(
        "beschliessen", "entscheidung", [EventOption("vertagen", "Vertagen")]
    ),
    Forbidden: lambda: Forbidden("finanzieren", frozenset({"ag_mitglied"}), frozenset({"x"})),
    GuardFailed: lambda: GuardFailed("x", [GuardFailure("analyse", "Die Analyse fehlt.")]),
    MissingData: lambda: MissingData("finanzieren", [FIELD]),
    InvalidData: lambda: InvalidData("finanzieren", [FIELD]),
    StaleVersion: lambda: StaleVersion("measure", 1, 2),
    UnknownDefinition: lambda: UnknownDefinition("massnahme", 9),
    InvalidVote: lambda: InvalidVote("yes", "Mehr Stimmen als Anwesende."),
    ServiceError: lambda: ServiceError("Die Eingabe passt nicht.", field="title"),
    NotFound: lambda: NotFound("Maßnahme", 7),
    Gone: lambda: Gone("Datei", 7),
    AccessDenied: lambda: AccessDenied("Nur für die eigene Maßnahme."),
    Conflict: lambda: Conflict("person-geloescht", "Person gelöscht", "Die Person ist gelöscht."),
    CarriedItemsBlocked: lambda: CarriedItemsBlocked(
        "beschliessen", [BlockedItem("measure", 1, "Maßnahme 1", "Version veraltet")]
    ),
    RowsRejected: lambda: RowsRejected([RowProblem(2, "spent", "keine Zahl")]),
    NotQuorate: lambda: NotQuorate("Nur 3 von 9 anwesend.", 9, 3, 5),
    ReadNotLogged: ReadNotLogged,
    NotSignedIn: NotSignedIn,
    LoginFailed: LoginFailed,
    LoginThrottled: lambda: LoginThrottled(30),
    PasswordChangeRequired: PasswordChangeRequired,
    PasswordRejected: lambda: PasswordRejected("Zu kurz.", field="password"),
    UnknownRole: lambda: UnknownRole("chef"),
    DuplicateUser: lambda: DuplicateUser("ag.leitung"),
    AccountConflict: lambda: AccountConflict("Nicht das eigene Konto."),
    OwnRoles: OwnRoles,
    DutiesNotSeparated: lambda: DutiesNotSeparated(["datenschutz"]),
    InvalidDeputy: lambda: InvalidDeputy("Nicht sich selbst.", field="deputy_user_id"),
    TooLarge: lambda: TooLarge(2 * 1024 * 1024),
    BadUpload: lambda: BadUpload("die Datei ist leer"),
    UnsupportedType: lambda: UnsupportedType("a.exe", "application/x-dosexec", "Programm."),
    KeyReused: lambda: KeyReused("schluessel-1"),
    Unreadable: lambda: Unreadable("a.csv", "kein Text"),
    TableTooLarge: lambda: TableTooLarge("a.xlsx", "höchstens 50 Spalten."),
    ImportFailed: lambda: ImportFailed("a.csv", [RowError(2, "Titel", "fehlt")]),
    ProgrammeUnclear: lambda: ProgrammeUnclear("Arbeitspapier „X“ nicht gefunden."),
    NotRetryable: lambda: NotRetryable(4, "sent"),
}
ENGLISH = {s.phrase for s in HTTPStatus}


def _subclasses(cls: type[WorkflowError]) -> Iterator[type[WorkflowError]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _every_error_class() -> set[type[WorkflowError]]:
    for package in (workflow, service):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".migrations" not in module.name:
                importlib.import_module(module.name)
    return {WorkflowError, *_subclasses(WorkflowError)}


def test_every_error_class_is_listed_with_an_example() -> None:
    assert set(EXAMPLES) == _every_error_class()


@pytest.mark.parametrize("cls", list(EXAMPLES), ids=lambda c: c.__name__)
def test_every_error_class_names_its_status_slug_and_german_title(
    cls: type[WorkflowError],
) -> None:
    assert 400 <= cls.status < 600
    assert re.fullmatch(r"[a-z0-9]+([-_][a-z0-9]+)*", cls.slug)
    assert cls.title and cls.title[0].isupper() and cls.title not in ENGLISH
    exc = EXAMPLES[cls]()
    assert isinstance(exc, ServiceError) or cls.__module__.startswith("workflow.")
    assert exc.detail and str(exc) == exc.detail


def _app_raising(exc: WorkflowError) -> FastAPI:
    app = FastAPI()
    problems.install(app)

    @app.get("/fehler")
    def fail() -> None:
        raise exc

    return app


@pytest.mark.parametrize("cls", list(EXAMPLES), ids=lambda c: c.__name__)
def test_the_api_and_the_web_answer_each_error_with_the_same_status(
    cls: type[WorkflowError],
) -> None:
    exc = EXAMPLES[cls]()
    with TestClient(_app_raising(exc), raise_server_exceptions=False) as client:
        answer = client.get("/fehler")
    body = answer.json()
    assert answer.status_code == body["status"] == exc.status
    assert answer.headers["content-type"].startswith(problems.PROBLEM_MEDIA_TYPE)
    assert (body["type"], body["title"], body["detail"]) == (
        f"/probleme/{exc.slug}",
        exc.title,
        exc.detail,
    )
    # Every member is one the contract declares, of the declared type.
    assert set(body) <= set(contract.PROBLEM_SCHEMA["properties"])
    jsonschema_rs.validate(contract.PROBLEM_SCHEMA, body)
    explained = explain(exc)
    if explained is None:
        assert exc.status == 404  # the web's "Nicht gefunden" page
    else:
        assert explained.status == answer.status_code
        assert explained.headline


def test_a_401_carries_its_challenge_and_a_503_when_to_try_again() -> None:
    with TestClient(_app_raising(NotSignedIn()), raise_server_exceptions=False) as client:
        assert client.get("/fehler").headers["www-authenticate"] == "Bearer"
    with TestClient(_app_raising(ReadNotLogged()), raise_server_exceptions=False) as client:
        assert client.get("/fehler").headers["retry-after"] == "5"


def test_the_extension_members_reach_both_doors() -> None:
    blocked = EXAMPLES[CarriedItemsBlocked]()
    with TestClient(_app_raising(blocked), raise_server_exceptions=False) as client:
        body = client.get("/fehler").json()
    assert body["blocked"] == [
        {"entity_type": "measure", "id": 1, "title": "Maßnahme 1", "reason": "Version veraltet"}
    ]
    explained = explain(blocked)
    assert explained is not None and explained.reasons == ["Maßnahme 1: Version veraltet"]
    missing = explain(EXAMPLES[MissingData]())
    assert missing is not None
    assert missing.reasons == ["Haushaltsjahr: erwartet eine ganze Zahl"]
    assert missing.fields == {"haushaltsjahr": "erwartet eine ganze Zahl"}
