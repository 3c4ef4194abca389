"""``ratsflow db backup`` / ``db restore`` round trips on both backends, and erasures that a
backup predates coming back erased from the register."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from service.config import get_settings
from service.measures.service import fire
from service.runtime import Runtime
from tests import factories as make
from tests.service.cli_calls import ok, ratsflow

ERIKA = ("Erika", "Mustermann", "erika.mustermann@aschersleben.de")


@pytest.fixture
def erika(operator: Runtime) -> int:
    with operator.write() as c:
        person_id = make.person(
            operator, c, given_name=ERIKA[0], family_name=ERIKA[1], email=ERIKA[2]
        )
        erika = make.user(operator, "ag_mitglied", connection=c, person_id=person_id)
        measure_id = make.measure(operator, c, responsible_person_id=person_id)
        fire(operator, c, erika, measure_id, "einreichen", comment="Bitte prüfen.")
    operator.engine.dispose()  # the commands open their own connections
    return person_id


@pytest.fixture
def empty_database(
    operator: Runtime, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[str]:
    """A second database, not even migrated: where a restore drill starts."""
    if operator.settings.database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'wiederhergestellt' / 'ratsflow.db'}"
        return
    postgres = request.getfixturevalue("_postgres")
    name = postgres.create(f"ratsflow_restore_{uuid.uuid4().hex}")
    try:
        yield postgres.url(name)
    finally:
        postgres.release(name)


def use_database(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("RATSFLOW_DATABASE_URL", url)
    get_settings.cache_clear()


def snapshot(url: str) -> dict[str, object]:
    """What a restore must give back: rows per table and every chain's head."""
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            tables = sorted(inspect(c).get_table_names())
            counts = {
                t: c.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables
            }
            heads = c.execute(
                text(
                    "SELECT chain_key, seq, hash FROM audit_events e WHERE seq = "
                    "(SELECT max(seq) FROM audit_events f WHERE f.chain_key = e.chain_key)"
                )
            ).all()
    finally:
        engine.dispose()
    return {"counts": counts, "heads": sorted(tuple(h) for h in heads)}


def test_a_backup_restored_into_an_empty_database_is_the_same_database(
    operator: Runtime,
    erika: int,
    empty_database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checkpoints = tmp_path / "pruefpunkte.json"
    ok("audit", "checkpoint", "--output", str(checkpoints))
    before = snapshot(operator.settings.database_url)
    verified = ok("audit", "verify", "--checkpoint", str(checkpoints)).stdout
    backup = tmp_path / "sicherung.bin"

    assert "Sicherung geschrieben" in ok("db", "backup", str(backup)).stdout

    use_database(monkeypatch, empty_database)
    assert "wiederhergestellt" in ok("db", "restore", str(backup)).stdout
    assert snapshot(empty_database) == before
    assert ok("audit", "verify", "--checkpoint", str(checkpoints)).stdout == verified
    assert "intakt" in verified and "gegen 1 signierte Prüfpunkte" in verified


def test_neither_command_overwrites_without_force(
    operator: Runtime, erika: int, tmp_path: Path
) -> None:
    backup = tmp_path / "sicherung.bin"
    ok("db", "backup", str(backup))

    again = ratsflow("db", "backup", str(backup))
    assert again.exit_code == 1 and "mit --force überschreiben" in again.output
    ok("db", "backup", str(backup), "--force")

    onto_data = ratsflow("db", "restore", str(backup))
    assert onto_data.exit_code == 1 and "enthält schon Tabellen" in onto_data.output
    ok("db", "restore", str(backup), "--force")
    assert "intakt" in ok("audit", "verify").stdout


def test_a_person_erased_after_the_backup_is_erased_again_after_the_restore(
    operator: Runtime,
    erika: int,
    empty_database: str,
    keys: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backup = tmp_path / "sicherung.bin"
    ok("db", "backup", str(backup))
    head_at_backup = snapshot(operator.settings.database_url)["heads"]
    ok("person", "erase", str(erika), "--yes")
    register = [
        json.loads(line) for line in (keys / "loeschregister.jsonl").read_text().splitlines()
    ]
    assert [(r["body"], r["person_id"]) for r in register] == [("aschersleben", erika)]
    assert ERIKA[1] not in (keys / "loeschregister.jsonl").read_text()

    use_database(monkeypatch, empty_database)
    restored = ok("db", "restore", str(backup)).stdout

    assert f"Person {erika} (aschersleben) laut Löschregister erneut gelöscht" in restored
    engine = create_engine(empty_database)
    try:
        with engine.connect() as c:
            row = c.execute(
                text("SELECT family_name, email, erased_at FROM persons WHERE id = :id"),
                {"id": erika},
            ).one()
            names = c.execute(
                text("SELECT count(*) FROM audit_details WHERE value LIKE :n"),
                {"n": f"%{ERIKA[1]}%"},
            ).scalar_one()
    finally:
        engine.dispose()
    assert (row.family_name, row.email) == (None, None) and row.erased_at is not None
    assert names == 0
    assert "intakt" in ok("audit", "verify").stdout
    # The chain goes on from the backup's head: one erasure event more.
    [(chain, seq, _)] = head_at_backup  # type: ignore[misc]
    [(chain_after, seq_after, _)] = snapshot(empty_database)["heads"]  # type: ignore[misc]
    assert (chain_after, seq_after) == (chain, seq + 1)
    # A second restore of the same backup erases again; nothing is erased twice in one run.
    again = ok("db", "restore", str(backup), "--force").stdout
    assert again.count("erneut gelöscht") == 1


def test_a_file_that_is_no_backup_is_refused(operator: Runtime, tmp_path: Path) -> None:
    other = tmp_path / "notiz.txt"
    other.write_text("kein Backup")

    refused = ratsflow("db", "restore", str(other), "--force")

    assert refused.exit_code == 1 and "keine Sicherung von ratsflow" in refused.output
