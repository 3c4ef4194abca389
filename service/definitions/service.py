"""Definition versions: stored with their exact text and hash; a stored version never changes.

Items keep the version they started with, so every stored version stays loadable for as
long as the database lives; new items start with the newest version.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Connection

from service.actor import Actor
from service.audit.repository import lock_chain
from service.audit.service import record
from service.definitions import repository
from workflow.errors import DefinitionError, Problem
from workflow.loader import content_hash, definition_files, parse_text
from workflow.registry import cascade_problems


def store_files(
    connection: Connection, chain_key: str, paths: list[Path], actor: Actor, now: datetime
) -> list[tuple[str, int, bool]]:
    """Registers every file as a version; returns (name, version, newly stored) for each."""
    loaded = []
    problems: list[Problem] = []
    for path in definition_files(paths):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(str(path), None, f"Datei nicht lesbar: {exc}"))
            continue
        try:
            spec = parse_text(text, str(path))
        except DefinitionError as exc:
            problems.extend(exc.problems)
            continue
        loaded.append((path, text, spec))
    problems.extend(cascade_problems([spec for _, _, spec in loaded]))
    if problems:
        raise DefinitionError(problems)
    results = []
    # The chain lock first, as for every audited write; it also lets a second loader of the
    # same version wait and then find it stored instead of failing on the unique index.
    lock_chain(connection, chain_key)
    for path, text, spec in loaded:
        digest = content_hash(text)
        existing = repository.stored_hash(connection, spec.name, spec.version)
        if existing == digest:
            results.append((spec.name, spec.version, False))
            continue
        if existing is not None:
            raise DefinitionError(
                [
                    Problem(
                        str(path),
                        1,
                        f"„{spec.name}“ Version {spec.version} ist bereits mit anderem Inhalt "
                        "geladen; eine geladene Version ändert sich nie. Bitte die "
                        "Versionsnummer erhöhen.",
                    )
                ]
            )
        definition_id = repository.insert_definition(
            connection, spec.name, spec.version, digest, text, now
        )
        record(
            connection,
            chain_key,
            actor=actor,
            now=now,
            action="definition.load",
            entity_type="definition",
            entity_id=definition_id,
            context={"definition": spec.name, "version": spec.version, "hash": digest},
        )
        results.append((spec.name, spec.version, True))
    return results


def stored_versions(connection: Connection) -> list[tuple[str, int, str, datetime]]:
    return [
        (r.name, r.version, r.content_hash, r.loaded_at) for r in repository.versions(connection)
    ]
