"""Every error leaves the API as a German problem (RFC 9457), also for addresses, methods
and path parameters that no route knows."""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.main import create_app
from service.runtime import Runtime
from tests.service.api_calls import API, assert_problem


def test_unknown_addresses_and_methods_answer_in_german(runtime: Runtime) -> None:
    client = TestClient(create_app(runtime), raise_server_exceptions=False)
    assert_problem(client.get(f"{API}/gibt-es-nicht"), 404, "nicht-gefunden")
    assert_problem(client.delete(f"{API}/measures/1"), 405, "methode-nicht-erlaubt")
    assert_problem(client.get(f"{API}/definitions/unbekannt"), 404, "nicht-gefunden")
    assert_problem(client.get(f"{API}/measures/eins"), 422, "eingabe-ungueltig")
    definition = client.get(f"{API}/definitions/massnahme").json()
    assert {"entwurf", "haushaltsplanung"} <= {s["name"] for s in definition["states"]}
