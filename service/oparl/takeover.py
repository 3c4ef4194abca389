"""Taking over one remote OParl object: create on first sight, afterwards only what changed.

Rows the import creates are linked to their OParl id in ``oparl_records``; only those rows
are ever updated, and only in the columns the import manages (see ``service.oparl.importing``
for what it never touches).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from service.actor import Actor
from service.attachments.service import clean_filename
from service.oparl import repository
from service.oparl.client import external_key
from service.oparl.report import LABELS
from service.oparl.run import Run, line_of, report_cleaned
from service.oparl.values import committee_kind, day_of, free_slug, moment_of, text_of
from service.papers.service import insert_paper
from service.records import insert_audited, update_audited

# Audited as the role ``oparl_import``: a role with no permission, so the trail names the import.
IMPORT_ACTOR = Actor(
    user_id=None, person_id=None, roles=frozenset({"oparl_import"}), name="OParl-Import"
)
AUDIT_TYPES = {"organization": "committee", "agendaitem": "agenda_item", "file": "attachment"}


def take_over(run: Run, c: Connection, kind: str, item: dict[str, Any]) -> int | None:
    if not isinstance(item.get("id"), str):
        run.report.skipped.append(f"{LABELS[kind]} ohne id")
        return None
    if item.get("deleted"):
        return _deleted(run, c, kind, item)
    handler = _HANDLERS.get(kind)
    if handler is None:  # agenda items come with their meeting, nothing else fetches them
        run.skip(item["id"], f"{LABELS[kind]} {item['id']}: nur mit der Sitzung übernommen")
        return None
    return handler(run, c, item)


def _deleted(run: Run, c: Connection, kind: str, item: dict[str, Any]) -> int | None:
    record = repository.record_by_key(c, run.runtime.body_id_in(c), kind, external_key(item["id"]))
    if record is None:
        return None
    if kind == "paper":
        # Depublished at the source: the paper stays (measures may hang on it), non-public.
        _upsert(run, c, "paper", item["id"], {"public": False})
    else:
        run.skip(
            item["id"],
            f"{LABELS[kind]} {item['id']}: in der Quelle gelöscht; in ratsflow bleibt sie stehen",
        )
    return int(record.entity_id)


def _resolve(run: Run, c: Connection, kind: str, url: Any) -> int | None:
    """The local row of a referenced object, fetched and imported when not yet known."""
    if not isinstance(url, str):
        return None
    record = repository.record_by_key(c, run.runtime.body_id_in(c), kind, external_key(url))
    if record is not None:
        return int(record.entity_id)
    if external_key(url) in run.failed:
        return None
    document = run.remote.get(url)
    if document is None:
        run.skip(url, f"{LABELS[kind]} {url}: antwortet 404 (nicht gefunden)")
        return None
    return take_over(run, c, kind, document)


def _upsert(
    run: Run,
    c: Connection,
    kind: str,
    oparl_id: str,
    values: dict[str, Any],
    *,
    create: dict[str, Any] | None = None,
) -> int:
    """Creates the row on first sight, afterwards writes only what changed (audited)."""
    runtime = run.runtime
    body_id = runtime.body_id_in(c)
    key = external_key(oparl_id)
    record = repository.record_by_key(c, body_id, kind, key)
    table = repository.TABLES[kind]
    audit_type = AUDIT_TYPES.get(kind, kind)
    if record is not None:
        before = repository.row(c, kind, record.entity_id)
        if before is not None:
            if any(getattr(before, k) != v for k, v in values.items()):
                update_audited(
                    c,
                    runtime.chain_key,
                    table,
                    record.entity_id,
                    values,
                    actor=IMPORT_ACTOR,
                    now=runtime.now(),
                    entity_type=audit_type,
                    before=before,
                )
                run.report.updated[kind] += 1
            else:
                run.report.unchanged += 1
            return int(record.entity_id)
    row = {**values, **(create or {})}
    if kind == "paper":
        row_id = insert_paper(runtime, c, IMPORT_ACTOR, **row)
    else:
        row_id = insert_audited(
            c,
            runtime.chain_key,
            table,
            row,
            actor=IMPORT_ACTOR,
            now=runtime.now(),
            entity_type=audit_type,
        )
    if record is None:
        repository.insert_record(
            c,
            {
                "body_id": body_id,
                "entity_type": kind,
                "entity_id": row_id,
                "external_key": key,
                "source": run.source_key,
                "deleted": False,
            },
        )
    else:  # the row was removed in ratsflow: the record follows the new one
        repository.update_record(c, record.id, {"entity_id": row_id})
    run.report.created[kind] += 1
    return row_id


def _organization(run: Run, c: Connection, item: dict[str, Any]) -> int | None:
    kind = committee_kind(item)
    if kind is None:
        run.skip(item["id"], f"Gremium {item['id']}: kein Gremium")
        return None
    short_name = line_of(run, "organization", item, "Kurzname", item.get("shortName"))
    name = line_of(run, "organization", item, "Name", item.get("name")) or short_name
    if name is None:
        run.skip(item["id"], f"Gremium {item['id']}: ohne Namen")
        return None
    short = (short_name or name)[:50]
    body_id = run.runtime.body_id_in(c)
    return _upsert(
        run,
        c,
        "organization",
        item["id"],
        {"name": name[:200], "short_name": short, "kind": kind},
        create={"body_id": body_id, "slug": free_slug(c, body_id, short), "vote_rules": {}},
    )


def _person(run: Run, c: Connection, item: dict[str, Any]) -> int | None:
    given = line_of(run, "person", item, "Vorname", item.get("givenName"))
    family = line_of(run, "person", item, "Nachname", item.get("familyName"))
    if given is None and family is None:
        name = line_of(run, "person", item, "Name", item.get("name"))
        if name is None:
            run.skip(item["id"], f"Person {item['id']}: ohne Namen")
            return None
        given, _, family = name.rpartition(" ")
        given = given or None
    titles = item.get("title")
    title = (
        line_of(run, "person", item, "Titel", " ".join(t for t in titles if isinstance(t, str)))
        if isinstance(titles, list)
        else None
    )
    person_id = _upsert(
        run,
        c,
        "person",
        item["id"],
        {"given_name": given, "family_name": family, "title": title or None},
        create={"body_id": run.runtime.body_id_in(c), "is_staff": False},
    )
    for membership in item.get("membership") or []:
        if isinstance(membership, dict):
            _membership(run, c, {"person": item["id"], **membership})
    return person_id


def _membership(run: Run, c: Connection, item: dict[str, Any]) -> int | None:
    committee_id = _resolve(run, c, "organization", item.get("organization"))
    person_id = _resolve(run, c, "person", item.get("person"))
    if committee_id is None or person_id is None:
        missing = "Gremium" if committee_id is None else "Person"
        run.skip(item["id"], f"Mitgliedschaft {item['id']}: {missing} nicht übernommen")
        return None
    return _upsert(
        run,
        c,
        "membership",
        item["id"],
        {
            "person_id": person_id,
            "committee_id": committee_id,
            "role": (line_of(run, "membership", item, "Rolle", item.get("role")) or "mitglied")[
                :50
            ].lower(),
            "voting_right": item.get("votingRight") is not False,
            "valid_from": day_of(item.get("startDate")),
            "valid_until": day_of(item.get("endDate")),
        },
    )


def _meeting(run: Run, c: Connection, item: dict[str, Any]) -> int | None:
    starts_at = moment_of(item.get("start"))
    organizations = item.get("organization") or []
    committee_id = _resolve(run, c, "organization", organizations[0]) if organizations else None
    if starts_at is None or committee_id is None:
        reason = "ohne Beginn" if starts_at is None else "ohne bekanntes Gremium"
        run.skip(item["id"], f"Sitzung {item['id']}: {reason}")
        return None
    location = item.get("location")
    place = None
    if isinstance(location, dict):
        parts = [
            line_of(run, "meeting", item, label, location.get(k))
            for k, label in (
                ("description", "Ort"),
                ("streetAddress", "Anschrift"),
                ("room", "Raum"),
            )
        ]
        place = ", ".join(p for p in parts if p) or None
    meeting_id = _upsert(
        run,
        c,
        "meeting",
        item["id"],
        {
            "committee_id": committee_id,
            "starts_at": starts_at,
            "location": place[:200] if place else None,
        },
        create={"body_id": run.runtime.body_id_in(c)},
    )
    for position, agenda in enumerate(item.get("agendaItem") or [], start=1):
        if isinstance(agenda, dict) and isinstance(agenda.get("id"), str):
            order = agenda.get("order")
            _upsert(
                run,
                c,
                "agendaitem",
                agenda["id"],
                {
                    "meeting_id": meeting_id,
                    "position": order if isinstance(order, int) else position,
                    "number": (
                        line_of(run, "agendaitem", agenda, "Nummer", agenda.get("number"))
                        or str(position)
                    )[:20],
                    "title": (
                        line_of(run, "agendaitem", agenda, "Gegenstand", agenda.get("name"))
                        or "(ohne Titel)"
                    )[:500],
                    "public": agenda.get("public") is not False,
                },
            )
    return meeting_id


def _paper(run: Run, c: Connection, item: dict[str, Any]) -> int | None:
    reference = line_of(run, "paper", item, "Drucksachennummer", item.get("reference"))
    title = line_of(run, "paper", item, "Titel", item.get("name"))
    if reference is None or title is None:
        run.skip(item["id"], f"Vorlage {item['id']}: ohne Drucksachennummer oder Titel")
        return None
    body_id = run.runtime.body_id_in(c)
    known = repository.record_by_key(c, body_id, "paper", external_key(item["id"]))
    if known is None and repository.paper_by_reference(c, body_id, reference) is not None:
        run.skip(
            item["id"],
            f"Vorlage {reference}: gibt es in ratsflow bereits; sie wird nicht überschrieben",
        )
        return None
    paper_id = _upsert(
        run,
        c,
        "paper",
        item["id"],
        {"reference": reference[:50], "title": title[:500], "public": True},
        create={"body_id": body_id},
    )
    for position, step in enumerate(item.get("consultation") or [], start=1):
        if isinstance(step, dict) and isinstance(step.get("id"), str):
            _consultation(run, c, paper_id, position, step)
    files = [item.get("mainFile"), *(item.get("auxiliaryFile") or [])]
    for file in files:
        if isinstance(file, dict) and isinstance(file.get("id"), str):
            _file(run, c, paper_id, file)
    return paper_id


def _consultation(
    run: Run, c: Connection, paper_id: int, position: int, item: dict[str, Any]
) -> None:
    organizations = item.get("organization") or []
    committee_id = _resolve(run, c, "organization", organizations[0]) if organizations else None
    if committee_id is None:
        run.skip(item["id"], f"Beratung {item['id']}: ohne bekanntes Gremium")
        return
    meeting_id = _resolve(run, c, "meeting", item.get("meeting"))
    role = (
        "entscheidung"
        if item.get("authoritative") or text_of(item.get("role")) == "Entscheidung"
        else "vorberatung"
    )
    body_id = run.runtime.body_id_in(c)
    if repository.record_by_key(c, body_id, "consultation", external_key(item["id"])) is None:
        taken = repository.consultation_at(c, paper_id, position)
        if taken is not None:
            run.skip(item["id"], f"Beratung {item['id']}: Position {position} ist belegt")
            return
    _upsert(
        run,
        c,
        "consultation",
        item["id"],
        {
            "paper_id": paper_id,
            "committee_id": committee_id,
            "meeting_id": meeting_id,
            "role": role,
        },
        create={"position": position},
    )
    agenda_id = (
        _resolve(run, c, "agendaitem", item.get("agendaItem")) if item.get("agendaItem") else None
    )
    if agenda_id is not None:
        _upsert(run, c, "agendaitem", item["agendaItem"], {"paper_id": paper_id})


def _file(run: Run, c: Connection, paper_id: int, item: dict[str, Any]) -> None:
    given = text_of(item.get("fileName")) or text_of(item.get("name")) or "Anlage"
    # Named as an upload is: a file name may hide its real type behind a bidi override.
    name = clean_filename(given)
    if name != given:
        report_cleaned(run, "file", item, "Dateiname", name)
    _upsert(
        run,
        c,
        "file",
        item["id"],
        {
            "filename": name,
            "content_type": (text_of(item.get("mimeType")) or "application/octet-stream")[:100],
        },
        create={
            # Metadata only: the bytes stay at the source (accessUrl).
            "body_id": run.runtime.body_id_in(c),
            "owner_type": "paper",
            "owner_id": paper_id,
            "size": 0,
            "sha256": "",
            "content": b"",
            "uploaded_at": run.runtime.now(),
        },
    )


_HANDLERS = {
    "organization": _organization,
    "person": _person,
    "membership": _membership,
    "meeting": _meeting,
    "paper": _paper,
}
