"""The migrations form one line. Two heads (two branches that both added a migration on the
same parent) would make ``ratsflow db upgrade`` to ``head`` fail on every installation."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from service.migrate import alembic_config


def _scripts() -> ScriptDirectory:
    # No database is opened: the URL only fills the config the project's migrations read.
    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def test_the_migrations_have_exactly_one_head() -> None:
    assert len(_scripts().get_heads()) == 1, _scripts().get_heads()


def test_the_migrations_have_exactly_one_base() -> None:
    assert len(_scripts().get_bases()) == 1, _scripts().get_bases()
