"""Migration 0024 on real rows, both backends: Kennungen and Drucksachennummern stored with
blanks around them are trimmed, unless another row of the body holds the trimmed value (then
the row is left and named in ``ratsflow db upgrade``'s output); papers stored in two cases
are told apart by a suffix, so that the new index on (body_id, lower(reference)) stands.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from service.migrate import alembic_config
from service.runtime import Runtime
from tests import factories
from tests.service.cli_calls import ratsflow


def _set(url: str, table: str, column: str, values: Mapping[int, object]) -> None:
    engine = create_engine(url)
    with engine.begin() as c:
        for row_id, value in values.items():
            c.execute(
                text(f"UPDATE {table} SET {column} = :value WHERE id = :id"),
                {"value": value, "id": row_id},
            )
    engine.dispose()


def _read(url: str, table: str, column: str) -> dict[int, str]:
    engine = create_engine(url)
    with engine.connect() as c:
        found = {r[0]: r[1] for r in c.execute(text(f"SELECT id, {column} FROM {table}"))}
    engine.dispose()
    return found


def test_the_migration_trims_kennungen_and_drucksachennummern_stored_with_blanks(
    cli_runtime: Runtime,
) -> None:
    """Regression: what the API stored before the services trimmed ("K-02 ",
    " VII/0002/24 ") stayed so after every upgrade; only new input was trimmed."""
    runtime = cli_runtime
    m = [factories.measure(runtime) for _ in range(5)]
    p = [factories.paper(runtime) for _ in range(6)]
    other_body = factories.body(runtime, slug="zweite-stadt", name="Zweite Stadt")
    url = runtime.settings.database_url
    runtime.engine.dispose()
    command.downgrade(alembic_config(url), "0023")
    codes = {
        m[0]: "K-01",
        m[1]: " K-02\u00a0",  # trimmed: the no-break space too
        m[2]: "k-01 ",  # trimmed, it would be m[0]'s in another case: left, named
        m[3]: "\tK-03\n",  # trimmed: tab and line break, refused in new input
        m[4]: "   ",  # nothing would remain: left, named
    }
    references = {
        p[0]: "VII/0001/24",
        p[1]: "vii/0001/24",  # stored before the index, same in any case: renamed, named
        p[2]: " VII/0002/24 ",  # trimmed
        p[3]: "VII/0001/24 ",  # trimmed, it would be p[0]'s: left, named
        p[4]: "VII/0001/24 ",  # of another body, where it is free: trimmed
        p[5]: "VII/0001/24-2",  # taken, so the suffix of p[1] skips it
    }
    _set(url, "measures", "code", codes)
    _set(url, "papers", "body_id", {p[4]: other_body})
    _set(url, "papers", "reference", references)
    stored = (len(_read(url, "measures", "code")), len(_read(url, "papers", "reference")))

    upgraded = ratsflow("db", "upgrade")

    assert upgraded.exit_code == 0, upgraded.output
    assert {i: c for i, c in _read(url, "measures", "code").items() if i in codes} == {
        m[0]: "K-01",
        m[1]: "K-02",
        m[2]: "k-01 ",
        m[3]: "K-03",
        m[4]: "   ",
    }
    assert _read(url, "papers", "reference") == {
        p[0]: "VII/0001/24",
        p[1]: "vii/0001/24-3",
        p[2]: "VII/0002/24",
        p[3]: "VII/0001/24 ",
        p[4]: "VII/0001/24",
        p[5]: "VII/0001/24-2",
    }
    assert (len(_read(url, "measures", "code")), len(_read(url, "papers", "reference"))) == stored
    said = [line for line in upgraded.stdout.splitlines() if line.startswith("Migration 0024")]
    assert said == [
        "Migration 0024: bei 2 Kennungen die Leerzeichen davor und danach entfernt.",
        f"Migration 0024: Maßnahme Nr. {m[2]}: Kennung „k-01 “ bleibt mit ihren "
        f"Leerzeichen, denn „K-01“ hat schon Maßnahme Nr. {m[0]}; bitte eine von beiden "
        "ändern.",
        f"Migration 0024: Maßnahme Nr. {m[4]}: Kennung „   “ bleibt, wie sie ist: ohne "
        "Leerzeichen bliebe nichts.",
        "Migration 0024: bei 2 Drucksachennummern die Leerzeichen davor und danach entfernt.",
        f"Migration 0024: Vorlage Nr. {p[1]}: Drucksachennummer „vii/0001/24“ heißt jetzt "
        f"„vii/0001/24-3“, denn „VII/0001/24“ (Vorlage Nr. {p[0]}) unterscheidet sich nur in "
        "Groß- und Kleinschreibung.",
        f"Migration 0024: Vorlage Nr. {p[3]}: Drucksachennummer „VII/0001/24 “ bleibt mit "
        f"ihren Leerzeichen, denn „VII/0001/24“ hat schon Vorlage Nr. {p[0]}; bitte eine von "
        "beiden ändern.",
    ]

    engine = create_engine(url)
    try:
        with pytest.raises(IntegrityError), engine.begin() as c:
            c.execute(
                text("UPDATE papers SET reference = 'vii/0002/24' WHERE id = :id"), {"id": p[0]}
            )
    finally:
        engine.dispose()
