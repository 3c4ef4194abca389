from pathlib import Path

from fastapi.testclient import TestClient

from service.config import Settings
from service.db import make_engine
from service.main import create_app
from service.runtime import Runtime
from tests.conftest import CHAIN_KEY


def test_healthz_answers_ok() -> None:
    client = TestClient(create_app())
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_answers_ready_on_a_migrated_database(runtime: Runtime) -> None:
    response = TestClient(create_app(runtime)).get("/readyz")

    assert (response.status_code, response.json()) == (200, {"status": "bereit"})


def test_readyz_answers_503_when_the_database_cannot_be_reached(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fehlt' / 'ratsflow.db'}"
    runtime = Runtime(Settings(database_url=url, chain_key=CHAIN_KEY), make_engine(url))

    response = TestClient(create_app(runtime)).get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "Datenbank nicht erreichbar"}
