"""``ratsflow audit …`` and ``ratsflow person erase`` against a real database, both backends."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from service.audit.search import ERASED
from service.config import get_settings
from service.measures.service import fire
from service.runtime import Runtime
from tests import factories as make
from tests.conftest import CHAIN_KEY
from tests.service.cli_calls import ok, ratsflow
from tests.service.reports.test_cli import pdf_text

ERIKA = ("Erika", "Mustermann", "erika.mustermann@aschersleben.de", "emustermann")


@pytest.fixture
def cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch, signing_key: Path) -> Iterator[Runtime]:
    monkeypatch.setenv("RATSFLOW_DATABASE_URL", runtime.settings.database_url)
    monkeypatch.setenv("RATSFLOW_CHAIN_KEY", CHAIN_KEY)
    monkeypatch.setenv("RATSFLOW_AUDIT_SIGNING_KEY", str(signing_key))
    get_settings.cache_clear()
    try:
        yield runtime
    finally:
        get_settings.cache_clear()


@pytest.fixture
def erika(cli: Runtime) -> int:
    with cli.write() as c:
        person_id = make.person(
            cli,
            c,
            given_name=ERIKA[0],
            family_name=ERIKA[1],
            email=ERIKA[2],
            function="Sachbearbeiterin Digitalisierung",
        )
        erika = make.user(cli, "ag_mitglied", connection=c, username=ERIKA[3], person_id=person_id)
        measure_id = make.measure(cli, c, responsible_person_id=person_id)
        fire(cli, c, erika, measure_id, "einreichen", comment="Bitte prüfen, Unterlagen folgen.")
        make.user(cli, "datenschutz", connection=c, username="dsb")
        make.user(cli, "admin", connection=c, username="root")
    cli.engine.dispose()  # the commands below open their own connections
    return person_id


def found_anywhere(runtime: Runtime, needle: str) -> list[str]:
    """Every place a string still sits: the SQLite files byte-wise, or every PostgreSQL column."""
    url = runtime.settings.database_url
    if url.startswith("sqlite"):
        base = Path(url.removeprefix("sqlite:///"))
        files = [p for p in (base, Path(f"{base}-wal"), Path(f"{base}-shm")) if p.exists()]
        return [p.name for p in files if needle.encode() in p.read_bytes()]
    engine = create_engine(url)
    hits = []
    try:
        with engine.connect() as c:
            columns = c.execute(
                text(
                    "SELECT table_name, column_name FROM information_schema.columns "
                    "WHERE table_schema = 'public' AND data_type IN "
                    "('text', 'character varying', 'json', 'jsonb')"
                )
            ).all()
            for table, column in columns:
                count = c.execute(
                    text(f'SELECT count(*) FROM "{table}" WHERE "{column}"::text LIKE :n'),
                    {"n": f"%{needle}%"},
                ).scalar_one()
                if count:
                    hits.append(f"{table}.{column}")
    finally:
        engine.dispose()
    return hits


def test_erasure_leaves_no_name_or_email_and_the_chain_verifies(cli: Runtime, erika: int) -> None:
    assert found_anywhere(cli, ERIKA[1])  # the search does find what is there
    erased = ok("person", "erase", str(erika), "--yes")
    assert f"Person {erika} gelöscht" in erased.stdout
    for secret in ERIKA:
        assert found_anywhere(cli, secret) == [], secret
    assert "intakt" in ok("audit", "verify").stdout
    shown = ok(
        "audit",
        "search",
        "--as",
        "dsb",
        "--purpose",
        "Kontrolle der Löschung",
        "--person",
        str(erika),
        "--json",
    )
    about_her = json.loads(shown.stdout)
    created = next(e for e in about_her if e["action"] == "person.create")
    assert created["changes"]["family_name"] == [None, ERASED]
    assert any(e["action"] == "person.erase" for e in about_her)


def test_a_verification_from_after_its_end_is_refused_on_the_command_line(cli: Runtime) -> None:
    refused = ratsflow("audit", "verify", "--from", "10", "--to", "5")
    assert refused.exit_code != 0
    assert "Laufnummer 10" in refused.output
    assert "intakt" not in refused.output


def test_the_command_line_search_shows_labels_and_names_not_codes(cli: Runtime, erika: int) -> None:
    # It printed the login, the role code, ``measure.transition`` and ``measure 3``, where
    # the /protokoll page shows labels and names.
    listed = ok("audit", "search", "--as", "dsb", "--purpose", "Stichprobe", "--entity", "measure")
    assert "Maßnahme" in listed.stdout and "Schritt im Ablauf" in listed.stdout
    assert "measure.transition" not in listed.stdout
    assert "measure " not in listed.stdout


def test_search_export_checkpoint_and_verify_from_the_command_line(
    cli: Runtime, erika: int, tmp_path: Path
) -> None:
    listed = ok("audit", "search", "--as", "dsb", "--purpose", "Stichprobe", "--entity", "measure")
    assert "Bitte prüfen, Unterlagen folgen." in listed.stdout

    missing = ratsflow("audit", "search", "--as", "dsb")
    assert missing.exit_code == 2 and "--purpose" in missing.output
    refused = ratsflow("audit", "search", "--as", "root", "--purpose", "Neugier")
    assert refused.exit_code == 1 and "nur die Rollen datenschutz und revision" in refused.output

    target = tmp_path / "protokoll.csv"
    ok(
        "audit",
        "export",
        "--as",
        "dsb",
        "--purpose",
        "Revision 2026",
        "--format",
        "csv",
        "--action",
        "measure.transition",
        "--output",
        str(target),
    )
    written = target.read_text(encoding="utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(written), delimiter=";"))  # cells may span lines
    assert rows[0][:3] == ["Laufnummer", "Zeit (Europe/Berlin)", "Benutzer"] and len(rows) == 2

    checkpoints = tmp_path / "pruefpunkte.json"
    made = ok("audit", "checkpoint", "--output", str(checkpoints))
    assert "signiert" in made.stdout and checkpoints.exists()
    assert (
        "gegen 1 signierte Prüfpunkte"
        in ok("audit", "verify", "--checkpoint", str(checkpoints)).stdout
    )

    # The tail cut off by someone with the owner's rights (checkpoints in the database too).
    engine = create_engine(cli.settings.database_url)
    with engine.begin() as c:
        if c.dialect.name == "sqlite":
            for name in (
                c.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")
                .scalars()
                .all()
            ):
                c.exec_driver_sql(f'DROP TRIGGER "{name}"')
        else:
            for table in (
                "audit_events",
                "audit_event_persons",
                "audit_details",
                "audit_checkpoints",
            ):
                c.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        last = c.exec_driver_sql("SELECT max(seq) FROM audit_events").scalar_one()
        doomed = f"SELECT id FROM audit_events WHERE seq > {last - 2}"
        c.exec_driver_sql(f"DELETE FROM audit_details WHERE event_id IN ({doomed})")
        c.exec_driver_sql(f"DELETE FROM audit_event_persons WHERE event_id IN ({doomed})")
        c.exec_driver_sql(f"DELETE FROM audit_events WHERE seq > {last - 2}")
        c.exec_driver_sql("DELETE FROM audit_checkpoints")
    engine.dispose()
    assert "intakt" in ok("audit", "verify").stdout
    cut = ratsflow("audit", "verify", "--checkpoint", str(checkpoints))
    assert cut.exit_code == 1
    assert f"BESCHÄDIGT bei Laufnummer {last - 1}" in cut.output

    broken = tmp_path / "kaputt.json"
    broken.write_text('{"format": "ratsflow-audit-checkpoints",\n "checkpoints": [}')
    bad = ratsflow("audit", "verify", "--checkpoint", str(broken))
    assert bad.exit_code == 1 and f"{broken}:2:" in bad.output


def test_the_embedded_default_creates_its_signing_key_with_a_warning(
    cli: Runtime, erika: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RATSFLOW_AUDIT_SIGNING_KEY")
    get_settings.cache_clear()
    result = ratsflow("audit", "checkpoint")
    if cli.settings.database_url.startswith("sqlite"):
        assert result.exit_code == 0, result.output
        assert "Warnung: neuer Signaturschlüssel" in result.output
        key = Path(cli.settings.database_url.removeprefix("sqlite:///")).with_name(
            "audit-signing.key"
        )
        assert key.exists() and key.stat().st_mode & 0o077 == 0
        assert "Warnung" not in ok("audit", "checkpoint").output  # made once
    else:
        assert result.exit_code == 1
        assert "RATSFLOW_AUDIT_SIGNING_KEY ist nicht gesetzt" in result.output


def test_a_checkpoint_path_that_is_a_folder_is_named_without_a_traceback(
    cli: Runtime, tmp_path: Path
) -> None:
    result = ratsflow("audit", "verify", "--checkpoint", str(tmp_path))

    assert result.exit_code == 1
    assert f"{tmp_path}: das ist ein Ordner." in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_disclosure_into_a_missing_folder_is_named_without_a_traceback(
    cli: Runtime, erika: int, tmp_path: Path
) -> None:
    target = tmp_path / "fehlt" / "auskunft.json"

    result = ratsflow(
        "audit", "disclosure", str(erika), "--as", "dsb", "--purpose", "Art. 15",
        "--output", str(target),
    )  # fmt: skip

    assert result.exit_code == 1
    assert f"{target}: kann nicht geschrieben werden (Ordner nicht gefunden)." in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# A value with no space to break at, longer than the „Angaben“ column is wide.
LONG_EMAIL = "erika.mustermann.sachbearbeitung.digitalisierung@stadtverwaltung-aschersleben.de"


def test_the_disclosure_pdf_cut_off_the_persons_data_and_showed_codes_and_utc(
    cli: Runtime, tmp_path: Path
) -> None:
    with cli.write() as c:
        person_id = make.person(
            cli,
            c,
            given_name="Erika",
            family_name="Mustermann",
            email=LONG_EMAIL,
            function="Sachbearbeiterin Digitalisierung",
        )
        erika = make.user(
            cli, "ag_leitung", connection=c, username="emustermann", person_id=person_id
        )
        measure_id = make.measure(cli, c, responsible_person_id=person_id)
        fire(cli, c, erika, measure_id, "einreichen", comment="Bitte prüfen.")
        make.user(cli, "datenschutz", connection=c, username="dsb")
    cli.engine.dispose()
    target = tmp_path / "auskunft.pdf"

    ok(
        "audit", "disclosure", str(person_id), "--as", "dsb", "--purpose", "Auskunftsersuchen Test",
        "--format", "pdf", "--output", str(target),
    )  # fmt: skip

    text = pdf_text(target)
    # Labels, never codes: actions, fields, roles and states as the pages word them.
    for code in ("person.create", "measure.transition", "given_name", "family_name", "is_staff"):
        assert code not in text, code
    assert "ag_leitung" not in text and "AG-Leitung" in text
    for label in ("Person: angelegt", "Maßnahme: Schritt im Ablauf", "Vorname", "Nachname"):
        assert label in text, label
    assert "Zustand: Entwurf →" in text
    # The person by name, not by number; every time local and German, none in UTC.
    assert "Erika Mustermann" in text
    assert re.search(r"Erstellt am \d\d\.\d\d\.\d{4}, \d\d:\d\d Uhr", text), text[:300]
    assert "UTC" not in text and not re.search(r"\d{4}-\d\d-\d\dT\d\d", text)
    # A long value wraps inside its column instead of running past the page edge: it is
    # there in full twice (Stammdaten and the event that recorded it), and no word reaches
    # into the right margin (A4 is 595 pt wide, the margin 15 mm, about 42 pt).
    # (pdftotext drops a hyphen at the end of a line, so hyphens are compared away).
    assert "".join(text.split()).replace("-", "").count(LONG_EMAIL.replace("-", "")) == 2
    assert words_beyond(target, 595 - 42) == []


def words_beyond(path: Path, right: float) -> list[str]:
    """The words of the PDF whose box ends to the right of ``right`` (in pt)."""
    done = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    boxes = re.findall(
        r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)<', done.stdout.decode()
    )
    return [word for x_max, word in boxes if float(x_max) > right]
