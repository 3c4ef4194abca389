"""What the OParl server would publish now: every public object of a body, built flat.

Objects are built against a placeholder address (``BASE``) and the request's address is put
in on the way out, so a fingerprint does not change with the host name a client used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from service import access
from service.oparl import repository
from service.oparl.objects import (
    BODY_LISTS,
    Key,
    Urls,
    compact,
    day,
    head,
    moment,
    roman,
)
from service.people.service import display_name
from service.reports.period import period_of
from service.reports.service import body_rules, compose
from service.runtime import Runtime
from workflow.calendar import to_local

BASE = "urn:ratsflow:oparl/"
_PLACEHOLDER = Urls(BASE)
_COMMITTEE_CLASS = {"rat": "Rat", "ausschuss": "Ausschuss"}
_ROLES = {"entscheidung": "Entscheidung", "vorberatung": "Vorberatung"}


@dataclass
class Snapshot:
    """Everything the server would publish now, flat, with the embedding named apart."""

    objects: dict[Key, dict[str, Any]] = field(default_factory=dict)
    embeds: dict[Key, dict[str, list[Key]]] = field(default_factory=dict)
    born: dict[Key, datetime] = field(default_factory=dict)  # a row's own creation time

    def add(self, key: Key, values: dict[str, Any], born: datetime | None = None) -> None:
        self.objects[key] = compact({**head(_PLACEHOLDER, *key), **values})
        if born is not None:
            self.born[key] = born

    def embed(self, parent: Key, prop: str, child: Key) -> None:
        if child in self.objects:
            self.embeds.setdefault(parent, {}).setdefault(prop, []).append(child)

    def content(self, key: Key) -> dict[str, Any]:
        """The object with what it embeds, without stamps: what its fingerprint covers."""
        values = dict(self.objects[key])
        for prop, children in self.embeds.get(key, {}).items():
            values[prop] = [self.content(child) for child in children]
        return values


def build(runtime: Runtime, connection: Connection) -> Snapshot:
    body_id = runtime.body_id_in(connection)
    urls = _PLACEHOLDER
    snap = Snapshot()
    body_key: Key = ("body", body_id)
    body_url = urls.of(*body_key)

    committees = repository.council_committees(connection, body_id, access.PUBLIC_COMMITTEE_KINDS)
    committee_ids = [c.id for c in committees]
    memberships = repository.memberships_in(connection, committee_ids)
    people = {
        p.id: p
        for p in repository.persons_in(connection, body_id, [m.person_id for m in memberships])
        if access.person_is_public(p, True)
    }
    memberships = [m for m in memberships if m.person_id in people]
    for m in memberships:
        snap.add(
            ("membership", m.id),
            {
                "person": urls.of("person", m.person_id),
                "organization": urls.of("organization", m.committee_id),
                "role": m.role.capitalize() if m.role else None,
                "votingRight": m.voting_right,
                "startDate": day(m.valid_from),
                "endDate": day(m.valid_until),
            },
        )
    for p in people.values():
        snap.add(
            ("person", p.id),
            {
                "body": body_url,
                "name": display_name(p),
                "familyName": p.family_name,
                "givenName": p.given_name,
                "title": [p.title] if p.title else None,
            },
        )
        for m in memberships:
            if m.person_id == p.id:
                snap.embed(("person", p.id), "membership", ("membership", m.id))
    for c in committees:
        snap.add(
            ("organization", c.id),
            {
                "body": body_url,
                "name": c.name,
                "shortName": c.short_name,
                "organizationType": "Gremium",
                "classification": _COMMITTEE_CLASS.get(c.kind),
                "membership": [
                    urls.of("membership", m.id) for m in memberships if m.committee_id == c.id
                ],
            },
        )

    meetings = repository.meetings_of(connection, body_id, committee_ids)
    meeting_ids = {m.id for m in meetings}
    agenda = repository.public_agenda_of(connection, sorted(meeting_ids))
    papers = repository.public_papers(connection, body_id)
    paper_ids = [p.id for p in papers]
    consultations = [
        c
        for c in repository.consultations_of(connection, paper_ids)
        if c.committee_id in committee_ids
    ]
    # The agenda item that treats a paper's step: same paper, same meeting.
    item_of = {(a.paper_id, a.meeting_id): a.id for a in agenda if a.paper_id is not None}
    consultation_of = {
        item_of[(c.paper_id, c.meeting_id)]: c.id
        for c in consultations
        if (c.paper_id, c.meeting_id) in item_of
    }
    now = runtime.now()
    names = {c.id: c.name for c in committees}
    # The result of a public vote on the item's paper in its meeting, as ratsflow words it.
    results = {
        (v.paper_id, v.meeting_id): v.explanation
        for v in repository.public_votes_of(connection, paper_ids)
        if v.meeting_id is not None
    }
    for a in agenda:
        snap.add(
            ("agendaitem", a.id),
            {
                "meeting": urls.of("meeting", a.meeting_id),
                "number": a.number,
                "order": a.position,
                "name": a.title,
                "public": True,
                "consultation": urls.of("consultation", consultation_of[a.id])
                if a.id in consultation_of
                else None,
                "result": results.get((a.paper_id, a.meeting_id)),
            },
        )
    for m in meetings:
        if m.location:
            snap.add(
                ("location", m.id),
                {"description": m.location, "meetings": [urls.of("meeting", m.id)]},
            )
        local = to_local(m.starts_at)
        snap.add(
            ("meeting", m.id),
            {
                "name": f"{names[m.committee_id]}, Sitzung am {local:%d.%m.%Y}",
                "meetingState": "durchgeführt" if m.starts_at <= now else "terminiert",
                "cancelled": False,
                "start": moment(m.starts_at),
                "organization": [urls.of("organization", m.committee_id)],
            },
        )
        snap.embed(("meeting", m.id), "location", ("location", m.id))
        for a in agenda:
            if a.meeting_id == m.id:
                snap.embed(("meeting", m.id), "agendaItem", ("agendaitem", a.id))

    for c in consultations:
        item = item_of.get((c.paper_id, c.meeting_id))
        snap.add(
            ("consultation", c.id),
            {
                "paper": urls.of("paper", c.paper_id),
                "meeting": urls.of("meeting", c.meeting_id)
                if c.meeting_id in meeting_ids
                else None,
                "agendaItem": urls.of("agendaitem", item) if item else None,
                "organization": [urls.of("organization", c.committee_id)],
                "authoritative": c.role == "entscheidung",
                "role": _ROLES.get(c.role, c.role),
            },
        )
    for f in repository.paper_files(connection, body_id, paper_ids):
        if not f.content:
            continue  # imported metadata without bytes: nothing to serve at an accessUrl
        snap.add(
            ("file", f.id),
            {
                "name": f.filename,
                "fileName": f.filename,
                "mimeType": f.content_type,
                "date": day(to_local(f.uploaded_at).date()),
                "size": f.size,
                "sha512Checksum": _sha512(f.content),
                "accessUrl": urls.file_access(f.id),
                "downloadUrl": urls.file_download(f.id),
                "paper": [urls.of("paper", f.owner_id)],
            },
            born=f.uploaded_at,
        )
    files_of: dict[int, list[int]] = {}
    for key in snap.objects:
        if key[0] == "file":
            owner = int(snap.objects[key]["paper"][0].rsplit("/", 1)[1])
            files_of.setdefault(owner, []).append(key[1])
    extension = _beschlusskontrolle(runtime, connection, paper_ids)
    terms: set[int] = set()
    for p in papers:
        snap.add(
            ("paper", p.id),
            {
                "body": body_url,
                "name": p.title,
                "reference": p.reference,
                "date": day(to_local(p.created_at).date()),
                "paperType": "Vorlage",
                **extension.get(p.id, {}),
            },
            born=p.created_at,
        )
        for c in consultations:
            if c.paper_id == p.id:
                snap.embed(("paper", p.id), "consultation", ("consultation", c.id))
        for file_id in files_of.get(p.id, []):
            snap.embed(("paper", p.id), "auxiliaryFile", ("file", file_id))
        number = roman(p.reference.split("/", 1)[0]) if "/" in p.reference else None
        if number:
            terms.add(number)
    for number in sorted(terms):
        snap.add(
            ("legislativeterm", number),
            {"body": body_url, "name": f"Wahlperiode {_roman_text(number, papers)}"},
        )
    profile = runtime.body
    snap.add(
        body_key,
        {
            "system": urls.system(),
            "name": profile.name,
            "shortName": profile.slug,
            "mainOrganization": next(
                (urls.of("organization", c.id) for c in committees if c.kind == "rat"), None
            ),
            **{prop: urls.body_list(body_id, prop) for prop in BODY_LISTS},
            "legislativeTerm": [],
        },
    )
    for number in sorted(terms):
        snap.embed(body_key, "legislativeTerm", ("legislativeterm", number))
    return snap


def _roman_text(number: int, papers: list[Any]) -> str:
    for p in papers:
        prefix = p.reference.split("/", 1)[0]
        if roman(prefix) == number:
            return str(prefix)
    return str(number)


def _sha512(content: bytes) -> str:
    import hashlib

    return hashlib.sha512(content).hexdigest()


def _beschlusskontrolle(
    runtime: Runtime, connection: Connection, paper_ids: list[int]
) -> dict[int, dict[str, Any]]:
    """The vendor extension of each paper: its public measures with state, the traffic light
    the public Sachstandsbericht would give them today (open measures only, as there), and
    the Beschlussnummer of the public vote that decided the paper."""
    today = to_local(runtime.now()).date()
    report, _ = compose(runtime, connection, period_of(today).key, "public", body_rules(runtime))
    lights = {m.id: m.light_label for p in report.programmes for m in p.measures}
    numbers: dict[int, str] = {}
    for v in repository.public_votes_of(connection, paper_ids):
        if v.resolution_number:
            numbers[v.paper_id] = v.resolution_number  # the latest decision counts
    out: dict[int, dict[str, Any]] = {}
    for m in repository.public_measures_of(connection, paper_ids):
        spec = runtime.registry.engine(m.definition_name, m.definition_version).spec
        entry = out.setdefault(m.paper_id, {"ratsflow:measure": []})
        entry["ratsflow:measure"].append(
            compact(
                {
                    "code": m.code,
                    "name": m.title,
                    "state": spec.states[m.state].label,
                    "trafficLight": lights.get(m.id),
                    "resolutionNumber": numbers.get(m.paper_id),
                }
            )
        )
    for paper_id, number in numbers.items():
        out.setdefault(paper_id, {})["ratsflow:resolutionNumber"] = number
    return out
