"""``demo load --with-neighbour``: Stadt Hecklingen beside Aschersleben, kept apart.

On the demo city (Aschersleben already loaded), on SQLite and PostgreSQL: the neighbour
gets its own body, logins with the same names as Aschersleben's, its rows in its body, an
audit chain of its own that verifies, and loading it again changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from service.audit import trail
from service.audit.models import AuditEvent
from service.auth.models import User
from service.bodies import service as bodies
from service.cli import app
from service.config import get_settings
from service.demo import neighbour
from service.demo.service import load_demo
from service.measures.models import Measure
from service.papers.models import Paper
from service.runtime import Runtime
from tests.conftest import CHAIN_KEY

measures = Measure.__table__  # type: ignore[attr-defined]
papers = Paper.__table__  # type: ignore[attr-defined]
users = User.__table__  # type: ignore[attr-defined]
events = AuditEvent.__table__  # type: ignore[attr-defined]


@pytest.fixture
def on_demo_city() -> bool:
    return True


@pytest.fixture
def demo(runtime: Runtime, tmp_path: Path) -> Runtime:
    # PostgreSQL needs a configured key; the neighbour's is created beside it.
    key = tmp_path / "audit-signing.key"
    runtime.settings = runtime.settings.model_copy(update={"audit_signing_key": key})
    return runtime


def _codes(runtime: Runtime, body_id: int) -> list[str]:
    with runtime.read() as c:
        found = select(measures.c.code).where(measures.c.body_id == body_id)
        return sorted(c.execute(found).scalars())


def test_neighbour_is_a_body_of_its_own(demo: Runtime, tmp_path: Path) -> None:
    loaded = neighbour.load_neighbour(demo)
    assert loaded.loaded and loaded.address == "/b/hecklingen/"
    assert ("ag.leitung", "Kathrin Stolze (Leiterin Hauptamt)", ("ag_leitung",)) in loaded.users
    assert (tmp_path / "audit-signing-hecklingen.key").exists()

    with demo.read() as c:
        slugs = {b.slug: b for b in bodies.all_profiles(c)}
    assert set(slugs) == {CHAIN_KEY, "hecklingen"}
    own, other = slugs[CHAIN_KEY].id, slugs["hecklingen"]
    assert other.name == "Stadt Hecklingen" and other.land == "ST"

    assert _codes(demo, other.id) == ["H-01", "H-02", "H-03"]
    assert _codes(demo, own) == [f"M-0{i}" for i in range(1, 10)]
    with demo.read() as c:
        paper_bodies = dict(c.execute(select(papers.c.reference, papers.c.body_id)).all())
        lead_bodies = sorted(
            c.execute(select(users.c.body_id).where(users.c.username == "ag.leitung")).scalars()
        )
    assert paper_bodies == {"VII/0680/24": own, "HE/0017/24": other.id}
    assert lead_bodies == sorted([own, other.id])  # one name, two logins, one per body

    with demo.read() as c:
        reports = {r.chain_key: r.verification for r in trail.verify_all(c, CHAIN_KEY)}
        first = c.execute(
            select(events.c.action).where(events.c.chain_key == "hecklingen").order_by(events.c.seq)
        ).scalar()
    assert set(reports) == {CHAIN_KEY, "hecklingen"}
    assert all(v.intact for v in reports.values())
    assert reports["hecklingen"].checked > 10
    assert first == "body.create"


def test_loading_twice_changes_nothing(demo: Runtime) -> None:
    assert neighbour.load_neighbour(demo).loaded
    with demo.read() as c:
        before = c.execute(select(events.c.chain_key, func.count()).group_by(events.c.chain_key))
        counts = dict(before.all())

    again = neighbour.load_neighbour(demo)
    assert not again.loaded
    assert again.message == "Die Stadt Hecklingen ist bereits geladen."
    assert again.users == neighbour.user_list()
    assert not load_demo(demo).loaded
    with demo.read() as c:
        after = c.execute(select(events.c.chain_key, func.count()).group_by(events.c.chain_key))
        assert dict(after.all()) == counts


def test_city_only_loads_no_measures(demo: Runtime) -> None:
    result = neighbour.load_neighbour(demo, city_only=True)
    assert result.loaded and "ohne Vorgänge" in result.message
    assert _codes(demo, demo.for_body("hecklingen").body_id) == []
    assert not neighbour.load_neighbour(demo).loaded  # persons and logins: in use


def test_cli_prints_the_neighbours_logins_and_address(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RATSFLOW_DATABASE_URL", database_url)
    monkeypatch.setenv("RATSFLOW_CHAIN_KEY", CHAIN_KEY)
    monkeypatch.setenv("RATSFLOW_AUDIT_SIGNING_KEY", str(tmp_path / "audit-signing.key"))
    get_settings.cache_clear()
    try:
        first = CliRunner().invoke(app, ["demo", "load", "--with-neighbour"])
        again = CliRunner().invoke(app, ["demo", "load", "--with-neighbour"])
        verified = CliRunner().invoke(app, ["audit", "verify", "--body", "hecklingen"])
    finally:
        get_settings.cache_clear()
    assert first.exit_code == 0, first.output
    assert "Demodaten sind bereits geladen." in first.stdout  # Aschersleben, as before
    assert "Nachbarstadt Stadt Hecklingen geladen." in first.stdout
    assert "Anmeldung unter http://127.0.0.1:8000/b/hecklingen/" in first.stdout
    assert "buergermeister" in first.stdout
    assert again.exit_code == 0, again.output
    assert "Die Stadt Hecklingen ist bereits geladen." in again.stdout
    assert verified.exit_code == 0, verified.output
    assert "Kette „hecklingen“ intakt" in verified.stdout
