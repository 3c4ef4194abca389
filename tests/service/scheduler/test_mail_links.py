"""Every link in every mail leads somewhere for the person it is sent to (issue 14, point 9).

The review mail linked ``/arbeitspapiere/{id}``, which answered 404. Each template is
rendered here as the scheduler fills it, for a demo item of the kind it is about, and every
address in it, plain text and HTML, is requested by a typical recipient of that mail.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from service.actor import SYSTEM
from service.committees import meetings
from service.measures import service as measures
from service.outbox.rendering import TEMPLATES, render
from service.runtime import Runtime
from service.scheduler.links import body_url, item_link
from tests.service.browser import signed_in
from tests.service.council_support import committee_id

URL = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture
def on_demo_city() -> bool:
    return True


def _ids(demo: Runtime) -> dict[str, int]:
    with demo.write() as c:
        codes = {m.code: m.id for m in measures.list_measures(c)}
        ag_meeting = meetings.insert_meeting(
            demo,
            c,
            SYSTEM,
            committee_id=committee_id(demo, "ag-digitalisierung"),
            starts_at=datetime(2026, 9, 14, 8, tzinfo=UTC),
        )
        fva_meeting = meetings.insert_meeting(
            demo,
            c,
            SYSTEM,
            committee_id=committee_id(demo, "fva"),
            starts_at=datetime(2026, 9, 16, 15, tzinfo=UTC),
        )
        programme = measures.programme_choices(c, demo.body_id)[0][0]
    return {
        "measure": codes["M-01"],
        "deferred": codes["M-07"],
        "ag_meeting": ag_meeting,
        "fva_meeting": fva_meeting,
        "programme": programme,
    }


def _contexts(demo: Runtime, ids: dict[str, int]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Per mail kind: who typically receives it, and what the scheduler fills in."""
    base = body_url(demo)

    def link(kind: str, key: str) -> str:
        return item_link(base, kind, ids[key])

    due = datetime(2026, 8, 1, 5, tzinfo=UTC)
    entry = {"code": "M-01", "titel": "E-Akte", "hinweis": None, "link": link("measure", "measure")}
    step = {"faellig": due, "frist": "Prüfung", "gegenstand": "Maßnahme M-01", "tage": 3}
    return {
        "ag_tagesordnung": (
            "ag.mitglied",
            {
                "gremium": "AG",
                "woche": due.date(),
                "pruefung": [entry],
                "ueberfaellig": [entry],
                "entwuerfe": [entry],
                "wiedervorlagen": [{**entry, "link": link("measure", "deferred")}],
            },
        ),
        "arbeitspapier_ueberpruefung": (
            "ag.leitung",
            {
                "titel": "Arbeitspapier",
                "zyklus": "halbjährlich",
                "offen": 8,
                "abgeschlossen": 1,
                "link": link("programme", "programme"),
            },
        ),
        "einladung": (
            "ag.mitglied",
            {
                "beginn": due,
                "art": "nachtrag",
                "gremium": "AG",
                "ort": "Rathaus",
                "punkte": [],
                "neu": [],
                "link": link("meeting", "ag_meeting"),
            },
        ),
        "absage": (
            "ag.mitglied",
            {
                "beginn": due,
                "gremium": "AG",
                "ort": "Rathaus",
                "grund": "Erkrankung",
                "link": link("meeting", "ag_meeting"),
            },
        ),
        "frist_erinnerung": (
            "ag.leitung",
            {**step, "vertretung": None, "link": link("measure", "measure")},
        ),
        "frist_eskalation": (
            "dezernent",
            {
                **step,
                "stufe": "Verwaltungsleitung",
                "zustaendig": "Thomas Behrendt",
                "link": link("measure", "measure"),
            },
        ),
        "gemeinsame_beratung": (
            "datenschutz",
            {
                "quartal": "3. Quartal 2026",
                "datenschutz": [entry],
                "informationssicherheit": [entry],
                "personalrat": [entry],
            },
        ),
        "ladungsfrist_verletzt": (
            "sitzungsdienst",
            {
                "beginn": due,
                "frist": due - timedelta(days=7),
                "gremium": "FVA",
                "tage": 7,
                "versandt": due,
                "vorlagen": ["VII/0680/24"],
                "link": link("meeting", "fva_meeting"),
            },
        ),
        "sachstand_abfrage": (
            "ag.leitung",
            {
                "bis": due.date(),
                "gegenstand": "Maßnahme M-01",
                "zeitraum": "2026-H2",
                "zustand": "Umsetzung",
                "link": link("measure", "measure"),
            },
        ),
        "sachstand_erinnerung": (
            "ag.leitung",
            {
                "bis": due.date(),
                "gegenstand": "Maßnahme M-01",
                "sitzung": due,
                "zeitraum": "2026-H2",
                "link": link("measure", "measure"),
            },
        ),
        "wiedervorlage": (
            "ag.leitung",
            {"faellig": due, "gegenstand": "Maßnahme M-07", "link": link("measure", "deferred")},
        ),
    }


def test_every_link_in_every_mail_answers_its_recipient(demo: Runtime) -> None:
    contexts = _contexts(demo, _ids(demo))
    kinds = {p.stem for p in TEMPLATES.glob("*.txt") if not p.stem.startswith("_")}
    assert set(contexts) == kinds, "a new mail template needs its row here"

    base = body_url(demo)
    for kind, (username, context) in sorted(contexts.items()):
        text, html = render(
            kind, {"betreff": kind, "anrede": "Guten Tag,", "vertretung": None, **context}
        )
        links = set(URL.findall(text)) | set(URL.findall(html.replace("&amp;", "&")))
        assert links, f"{kind}: no link"
        reader = signed_in(demo, username)
        for url in sorted(links):
            assert url.startswith(base), url
            answer = reader.get(url.removeprefix(base) or "/")
            assert answer.status_code == 200, (
                f"{kind} for {username}: {url} -> {answer.status_code}"
            )
