"""``ratsflow db backup`` and ``ratsflow db restore``: the whole database in one file.

SQLite is copied with its online backup API (consistent while the service writes);
PostgreSQL with ``pg_dump`` in the custom format and ``pg_restore``, as the owner role.
Neither overwrites anything without ``force``: not an existing backup file, not a database
that holds tables. After a restore every erasure of the register (``erasure_register``) that
the backup predates is made again, so the audit chain goes on from the backup's head with
one ``person.erase`` event per person erased anew.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import inspect

from service.audit.owner import owner_transaction, owner_url
from service.config import Settings
from service.db import is_sqlite, make_engine
from service.db_upkeep import postgres_major
from service.errors import NotFound
from service.ops import erasure_register, postgres_tools
from service.people.erasure import clean_storage, erase_again

SQLITE_HEADER = b"SQLite format 3\x00"
PG_CUSTOM_HEADER = b"PGDMP"


class BackupRefused(ValueError):
    pass


@dataclass(frozen=True)
class Restored:
    erased_again: list[tuple[str, int]]


def _sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def _partial(target: Path) -> Path:
    return target.with_name(f".{target.name}.teil")


def backup(settings: Settings, target: Path, *, force: bool = False) -> None:
    """Writes the database to ``target`` (a temporary name first, so a failed backup never
    leaves a file that looks complete)."""
    if target.exists() and not force:
        raise BackupRefused(f"{target}: Datei besteht schon; mit --force überschreiben.")
    url = owner_url(settings, warn=False)
    partial = _partial(target)
    partial.unlink(missing_ok=True)
    try:
        if is_sqlite(url):
            _sqlite_copy(_sqlite_path(url), partial, must_exist=True)
        else:
            major = postgres_major(url)
            dsn, environment = postgres_tools.libpq(url)
            command = [postgres_tools.tool(settings, "pg_dump", major), "-Fc", "-f", str(partial)]
            postgres_tools.run([*command, "--dbname", dsn], environment)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def _sqlite_copy(source: Path, target: Path, *, must_exist: bool) -> None:
    if must_exist and not source.exists():
        raise BackupRefused(f"{source}: Datenbank nicht gefunden.")
    reading = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writing = sqlite3.connect(target)
    try:
        reading.backup(writing)
    finally:
        writing.close()
        reading.close()


def _holds_tables(url: str) -> bool:
    if is_sqlite(url) and not _sqlite_path(url).exists():
        return False
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return bool(inspect(connection).get_table_names())
    finally:
        engine.dispose()


def _kind(source: Path) -> str:
    with source.open("rb") as handle:
        head = handle.read(len(SQLITE_HEADER))
    if head.startswith(SQLITE_HEADER):
        return "sqlite"
    if head.startswith(PG_CUSTOM_HEADER):
        return "postgresql"
    raise BackupRefused(f"{source}: keine Sicherung von ratsflow (weder SQLite noch pg_dump -Fc).")


def restore(settings: Settings, source: Path, now: datetime, *, force: bool = False) -> Restored:
    """Puts the backup in place of the configured database, then erases again whoever the
    register names and the backup still holds. The service must be stopped meanwhile."""
    url = owner_url(settings, warn=False)
    if not source.is_file():
        raise BackupRefused(f"{source}: Sicherung nicht gefunden.")
    kind = _kind(source)
    backend = "sqlite" if is_sqlite(url) else "postgresql"
    if kind != backend:
        raise BackupRefused(
            f"{source}: Sicherung einer {kind}-Datenbank passt nicht zur konfigurierten "
            f"{backend}-Datenbank."
        )
    if _holds_tables(url) and not force:
        raise BackupRefused(
            "Die Zieldatenbank enthält schon Tabellen; mit --force wird sie ersetzt."
        )
    if backend == "sqlite":
        _sqlite_path(url).parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(source, _sqlite_path(url), must_exist=True)
    else:
        major = postgres_major(url)
        dsn, environment = postgres_tools.libpq(url)
        command = [
            postgres_tools.tool(settings, "pg_restore", major),
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            *(["--clean", "--if-exists"] if force else []),
            "--dbname",
            dsn,
            str(source),
        ]
        postgres_tools.run(command, environment)
    return Restored(_erase_again(settings, now))


def _erase_again(settings: Settings, now: datetime) -> list[tuple[str, int]]:
    done: list[tuple[str, int]] = []
    register = erasure_register.entries(erasure_register.register_path(settings))
    if not register:
        return done
    with owner_transaction(settings) as connection:
        for entry in register:
            try:
                if erase_again(connection, entry.body, entry.person_id, now):
                    done.append((entry.body, entry.person_id))
            except NotFound:
                continue  # the body is not in this backup: nothing of it to erase
    if done:
        engine = make_engine(owner_url(settings, warn=False))
        try:
            clean_storage(engine)
        finally:
            engine.dispose()
    return done
