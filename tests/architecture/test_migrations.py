"""The migrations form one line. Two heads (two branches that both added a migration on the
same parent) would make ``ratsflow db upgrade`` to ``head`` fail on every installation."""

from __future__ import annotations

import warnings
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.exc import SAWarning

from service.migrate import alembic_config, upgrade


def _scripts() -> ScriptDirectory:
    # No database is opened: the URL only fills the config the project's migrations read.
    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def test_the_migrations_have_exactly_one_head() -> None:
    assert len(_scripts().get_heads()) == 1, _scripts().get_heads()


def test_the_migrations_have_exactly_one_base() -> None:
    assert len(_scripts().get_bases()) == 1, _scripts().get_bases()


def test_upgrading_a_database_with_measures_tells_its_user_no_sqlalchemy_warning(
    tmp_path: Path,
) -> None:
    # Migration 0022's batch copy on SQLite reflected the measures' expression index, and
    # ``ratsflow db upgrade`` printed SQLAlchemy's "Skipped unsupported reflection" warning.
    url = f"sqlite:///{tmp_path / 'quiet.db'}"
    with warnings.catch_warnings():
        warnings.simplefilter("error", SAWarning)
        upgrade(url)
