"""A client generated from the live ``/openapi.json`` with openapi-python-client, as a
city's integrator would, without a warning, drives the seed's story: sign in, create and
read a measure, fire a transition, meet a 409 with its readable problem on a stale version,
record a vote, download the issued report's PDF and an attachment.

The generator lives in a venv of its own (``.venv/client-generator``, made by ``make
install`` from ``requirements/client-generator.txt``); the generated code runs here, with
the project's httpx, attrs and python-dateutil. Its HTTP client is the app's TestClient, an
``httpx.Client`` that calls the app in-process.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from io import BytesIO
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.main import create_app
from service.runtime import Runtime

ROOT = Path(__file__).resolve().parents[3]
GENERATOR = ROOT / ".venv" / "client-generator" / "bin" / "openapi-python-client"
SETTINGS = ROOT / "clients" / "openapi-python-client.yaml"
PACKAGE = "ratsflow_client"
BASE = "http://testserver"


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The client generated once from the live document (it needs no database)."""
    assert GENERATOR.exists(), f"{GENERATOR} fehlt: `make install` legt ihn an"
    where = tmp_path_factory.mktemp("client")
    spec = where / "openapi.json"
    with TestClient(create_app(), base_url=BASE) as anonymous:
        spec.write_text(json.dumps(anonymous.get("/openapi.json").json()), encoding="utf-8")
    made = subprocess.run(
        [
            GENERATOR,
            "generate",
            "--path",
            spec,
            "--meta",
            "none",
            "--config",
            SETTINGS,
            "--output-path",
            where / PACKAGE,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    said = made.stdout + made.stderr
    assert made.returncode == 0, said
    assert "warning" not in said.lower(), said
    assert "error" not in said.lower(), said
    sys.path.insert(0, str(where))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(where))
        for name in [n for n in sys.modules if n.split(".")[0] == PACKAGE]:
            del sys.modules[name]


@pytest.fixture
def generated(package: ModuleType, demo: Runtime) -> Iterator[tuple[ModuleType, TestClient]]:
    with TestClient(create_app(demo), base_url=BASE) as anonymous:
        yield package, anonymous


def _module(package: ModuleType, name: str) -> Any:
    return importlib.import_module(f"{package.__name__}.{name}")


def _signed_in(package: ModuleType, anonymous: TestClient, username: str) -> Any:
    """The generated client, signed in through its own login operation."""
    client = package.Client(base_url=BASE)
    client.set_httpx_client(anonymous)
    login = _module(package, "api.anmeldung.login")
    body = _module(package, "models").BodyLogin(username=username, password="ratsflow-demo")
    token = login.sync(client=client, body=body)
    assert token is not None and token.token_type == "bearer", token
    signed_in = package.AuthenticatedClient(base_url=BASE, token=token.access_token)
    signed_in.set_httpx_client(
        TestClient(
            anonymous.app, base_url=BASE, headers={"Authorization": f"Bearer {token.access_token}"}
        )
    )
    return signed_in


def test_a_generated_client_drives_the_seed_story(
    generated: tuple[ModuleType, TestClient],
) -> None:
    package, anonymous = generated
    models = _module(package, "models")
    types = _module(package, "types")

    def api(name: str) -> Any:
        return _module(package, f"api.{name}")

    lead = _signed_in(package, anonymous, "ag.leitung")
    office = _signed_in(package, anonymous, "sitzungsdienst")

    # Create and read a measure; money is decimal text.
    fields = models.MeasureCreateFields.from_dict(
        {"kosten_einmalig": "12000.00", "kosten_laufend": "500.00", "nutzen": "Weniger Wege."}
    )
    created = api("massnahmen.create_measure").sync(
        client=lead,
        body=models.MeasureCreate(
            programme_id=1, code="M-90", title="E-Akte Bauamt", fields=fields
        ),
    )
    assert isinstance(created, models.MeasureDetail), created
    read = api("massnahmen.get_measure").sync(created.id, client=lead)
    assert (read.code, read.state, read.version) == ("M-90", "entwurf", 1)

    # Fire a transition with the version read.
    fired = api("massnahmen.fire_measure_transition").sync(
        read.id, client=lead, body=models.TransitionRequest(event="einreichen", version=1)
    )
    assert isinstance(fired, models.TransitionResponse), fired
    assert (fired.to_state, fired.version) == ("ag_pruefung", 2)

    # A stale version: 409 with a problem a person can read.
    stale = api("massnahmen.edit_measure").sync_detailed(
        read.id, client=lead, body=models.MeasureUpdate(version=1, title="Zu spät")
    )
    assert stale.status_code == 409
    assert isinstance(stale.parsed, models.Problem)
    assert stale.parsed.type_ == "/probleme/veraltete-version"
    assert "inzwischen geändert" in stale.parsed.detail

    # A paper carrying the measure goes to the FVA, which records a unanimous vote.
    committees = api("gremien.list_committees").sync(client=office).items
    slug = {c.slug: c.id for c in committees}
    paper = api("vorlagen.create_paper").sync(
        client=office, body=models.PaperCreate(reference="VII/0990/26", title="E-Akte Bauamt")
    )
    steps = [
        api("vorlagen.add_consultation").sync(
            paper.id,
            client=office,
            body=models.ConsultationCreate(
                committee_id=slug[name], role=models.ConsultationCreateRole(role)
            ),
        )
        for name, role in (("fva", "vorberatung"), ("stadtrat", "entscheidung"))
    ]
    carried = api("vorlagen.carry_measures").sync(
        paper.id, client=lead, body=models.CarryRequest(measure_ids=[read.id])
    )
    assert isinstance(carried, models.CarryResponse), carried
    sent = api("vorlagen.fire_paper_transition").sync(
        paper.id,
        client=lead,
        body=models.TransitionRequest(
            event="in_vorberatung_geben",
            version=1,
            data=models.TransitionRequestData.from_dict({"sitzung_am": "2026-08-26"}),
        ),
    )
    assert isinstance(sent, models.TransitionResponse), sent
    vote = api("vorlagen.record_vote").sync(
        paper.id,
        client=office,
        body=models.VoteCreate(
            consultation_id=steps[0].id,
            held_on=date(2026, 8, 26),
            version=sent.version,
            unanimous=True,
        ),
    )
    assert isinstance(vote, models.VoteResponse), vote
    assert vote.vote.unanimous

    # The issued Sachstandsbericht as the PDF the FVA received.
    issued = api("berichte.issue").sync(client=office, body=models.IssueRequest(period="2024-H1"))
    assert isinstance(issued, models.IssuedReportOut), issued
    pdf = api("berichte.download_issued").sync(issued.id, client=office)
    assert isinstance(pdf, types.File), pdf
    content = pdf.payload.read()
    assert content.startswith(b"%PDF")

    # An attachment goes up and comes back unchanged.
    upload = types.File(
        payload=BytesIO(content), file_name="bericht.pdf", mime_type="application/pdf"
    )
    attached = api("anlagen.upload_measure_attachment").sync(
        read.id, client=lead, body=models.UploadMeasureAttachmentBody(file=upload)
    )
    assert isinstance(attached, models.AttachmentOut), attached
    downloaded = api("anlagen.download_measure_attachment").sync(read.id, attached.id, client=lead)
    assert isinstance(downloaded, types.File), downloaded
    assert downloaded.payload.read() == content
