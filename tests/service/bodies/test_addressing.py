"""Addresses that name no body cost nothing lasting: a path ``/b/<unknown>/`` answers 404 and
an unknown Host header reaches the own body, and neither leaves a runtime view or a cache
entry behind (else random paths or Host headers would grow the server's memory)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.bodies.service import create_body
from service.main import create_app
from service.runtime import Runtime


def test_unknown_bodies_and_hosts_leave_nothing_behind(runtime: Runtime) -> None:
    with runtime.write() as c:
        create_body(c, "seeland", "Stadt Seeland", host="rat.seeland.example")
    with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
        for n in range(50):
            missing = client.get(f"/b/gibt-es-nicht-{n}/api/v1/measures")
            assert missing.status_code == 404
            assert "gibt es hier nicht" in missing.json()["detail"]
            own = client.get("/api/v1/programmes", headers={"host": f"x{n}.example"})
            assert own.status_code == 200
        seeland = client.get("/b/seeland/api/v1/programmes")
        by_host = client.get("/api/v1/programmes", headers={"host": "rat.seeland.example"})
        assert seeland.status_code == by_host.status_code == 200
    assert set(runtime.__dict__.get("_body_views", {})) == {"seeland"}
    assert runtime.__dict__["_host_bodies"] == {"rat.seeland.example": "seeland"}
