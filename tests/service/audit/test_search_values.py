"""What a found event shows in place of the digests in its hashed text."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from service.audit.repository.search import page
from service.audit.search import ERASED, Filters, reveal
from service.audit.service import record
from service.bootstrap import prepare_database
from service.config import Settings
from service.db import make_engine
from service.migrate import upgrade
from service.runtime import Runtime
from tests import factories as make
from tests.conftest import CHAIN_KEY, FakeClock

DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Frau Schulze, Hauptstraße 3", "Frau Schulze, Hauptstraße 3"),
        ('{"strasse":"Hauptstraße 3"}', {"strasse": "Hauptstraße 3"}),
        ('["a","b"]', ["a", "b"]),
        (' \n{"a":1}', {"a": 1}),  # JSON's own whitespace before the structure
        ("[Entwurf] nochmals prüfen", "[Entwurf] nochmals prüfen"),
        ("42", "42"),
        ('"zitiert"', '"zitiert"'),
        ("", ""),
    ],
)
def test_a_changed_value_shows_its_text_or_the_structure_it_was(text: str, shown: object) -> None:
    assert reveal(DIGEST, "changes.anschrift.1", {"changes.anschrift.1": text}) == shown


def test_values_without_digest_or_row_stay_and_erased_ones_say_so() -> None:
    assert reveal("plain", "comment", {"comment": "x"}) == "plain"
    assert reveal(DIGEST, "comment", {}) == DIGEST
    assert reveal(DIGEST, "comment", {"comment": None}) == ERASED


@pytest.mark.parametrize("comment", ["[2025]", '{"x": 1}', "[]"])
def test_a_comment_that_reads_like_json_is_shown_as_written(comment: str) -> None:
    """Regression: a comment is always text, yet one like ``[2025]`` came back as a list,
    which the API's answer (``comment: str``) could not carry."""
    assert reveal(DIGEST, "comment", {"comment": comment}) == comment


def test_a_page_shows_comments_and_personal_changes_readable(runtime: Runtime) -> None:
    """Events with only a comment's row, with rows in their changes only, and with both."""
    actor = make.user(runtime, "datenschutz")
    person = make.person(runtime)
    with runtime.write() as c:
        common: dict[str, Any] = {
            "actor": actor,
            "now": runtime.now(),
            "entity_type": "person",
            "entity_id": person,
        }
        record(c, runtime.chain_key, action="test.kommentar", comment="Bitte prüfen", **common)
        record(
            c,
            runtime.chain_key,
            action="test.anschrift",
            changes={"anschrift": ({"ort": "Halle"}, "Magdeburg")},
            context={"grund": "Umzug"},
            subject_person_id=person,
            **common,
        )
        record(
            c,
            runtime.chain_key,
            action="test.beides",
            changes={"family_name": ("Schulze", "Schmidt")},
            comment="[2025]",
            subject_person_id=person,
            **common,
        )
    with runtime.read() as c:
        found = {
            e.action: e
            for e in page(c, runtime.chain_key, Filters(entity_id=person), None, 50)
            if e.action.startswith("test.")
        }

    assert found["test.kommentar"].comment == "Bitte prüfen"
    assert found["test.anschrift"].changes == {"anschrift": [{"ort": "Halle"}, "Magdeburg"]}
    assert found["test.anschrift"].context == {"grund": "Umzug"}
    assert found["test.beides"].changes == {"family_name": ["Schulze", "Schmidt"]}
    assert found["test.beides"].comment == "[2025]"


@pytest.mark.parametrize("term", ["Übergabe", "übergabe", "ÜBERGABE", "ordnungsamt", "STRASSE"])
def test_text_search_finds_comments_with_german_capital_umlauts(
    runtime: Runtime, term: str
) -> None:
    """Regression: SQLite's ``lower()`` changes only A–Z, so „Übergabe“ in a comment was never
    found, whichever way the term was written; ``ordnungsamt`` was."""
    actor = make.user(runtime, "datenschutz")
    with runtime.write() as c:
        record(
            c,
            runtime.chain_key,
            actor=actor,
            now=runtime.now(),
            action="test.kommentar",
            entity_type="measure",
            entity_id=1,
            comment="Übergabe an das Ordnungsamt erfolgt, Hauptstrasse",
        )
    with runtime.read() as c:
        found = page(c, runtime.chain_key, Filters(text=term), None, 10)
    assert [e.comment for e in found] == ["Übergabe an das Ordnungsamt erfolgt, Hauptstrasse"]


@pytest.fixture
def ctype_c_runtime(_postgres: Any, clock: FakeClock, _parsed_once: None) -> Iterator[Runtime]:
    """A runtime on a PostgreSQL database of its own created with LC_CTYPE 'C', whose lower()
    changes only A-Z (a cloned template keeps the server's ctype, so it is made and migrated
    from template0 here)."""
    name = f"ratsflow_test_{uuid.uuid4().hex}"
    _postgres.execute(
        f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
    )
    try:
        url = _postgres.url(name)
        upgrade(url)
        runtime = Runtime(Settings(database_url=url, chain_key=CHAIN_KEY), make_engine(url), clock)
        try:
            prepare_database(runtime)
            yield runtime
        finally:
            runtime.engine.dispose()
    finally:
        _postgres.release(name)


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("written", "term"),
    [
        ("Überprüfung der Löschfristen", "überprüfung"),
        ("Überprüfung der Löschfristen", "ÜBERPRÜFUNG"),
        ("nach überprüfung der Löschfristen", "Überprüfung"),
        ("Straße gesperrt", "STRAßE"),
    ],
)
def test_text_search_on_postgresql_folded_umlauts_only_where_the_database_ctype_did(
    ctype_c_runtime: Runtime, written: str, term: str
) -> None:
    """Regression: on PostgreSQL the search relied on the database's LC_CTYPE for lower();
    created with LC_CTYPE 'C' it left „Ü“ as it was, and „überprüfung“ found nothing."""
    runtime = ctype_c_runtime
    with runtime.read() as c:
        assert c.execute(text("SHOW lc_ctype")).scalar_one() == "C"
        assert c.execute(text("SELECT lower('Ü')")).scalar_one() == "Ü"
    actor = make.user(runtime, "datenschutz")
    with runtime.write() as c:
        for comment in (written, "Ohne Bezug"):
            record(
                c,
                runtime.chain_key,
                actor=actor,
                now=runtime.now(),
                action="test.kommentar",
                entity_type="measure",
                entity_id=1,
                comment=comment,
            )
    with runtime.read() as c:
        found = page(c, runtime.chain_key, Filters(text=term), None, 10)
    assert [e.comment for e in found] == [written]
