"""``ratsflow oparl import`` against a RIS served over real HTTP from fixture JSON."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select, text

from service.audit.models import AuditEvent
from service.oparl.importing import import_system
from service.runtime import Runtime
from tests.service.oparl.ris import Ris, serve


@pytest.fixture
def ris() -> Iterator[Ris]:
    with serve() as server:
        yield server


def count(runtime: Runtime, sql: str) -> int:
    with runtime.read() as c:
        return int(c.execute(text(sql)).scalar_one())


def audit_events(runtime: Runtime) -> int:
    with runtime.read() as c:
        return int(c.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def test_the_import_takes_over_the_ris_and_says_in_german_what_it_skipped(
    demo: Runtime, ris: Ris
) -> None:
    papers_before = count(demo, "select count(*) from papers")
    report = import_system(demo, ris.system_url)
    assert report.interrupted is None
    assert report.created["organization"] == 5  # the Fraktion is no council body
    assert report.created["person"] == 6
    assert report.created["meeting"] == 4  # one without start, one of an unknown body
    assert report.created["paper"] == 5  # VII/0680/24 belongs to ratsflow
    assert report.created["consultation"] == 4  # one names an unknown body
    assert report.created["file"] == 3
    skipped = "\n".join(report.skipped)
    assert skipped.count("kein Gremium") == 1  # reported once, though referenced twice
    assert skipped.count("organization/99: antwortet 404 (nicht gefunden)") == 1
    assert "Sitzung" in skipped and "ohne Beginn" in skipped
    assert "Vorlage VII/0680/24: gibt es in ratsflow bereits" in skipped
    assert count(demo, "select count(*) from papers") == papers_before + 5
    # No transition: every imported paper stands in the first state, the demo's is untouched.
    assert count(demo, "select count(distinct state) from papers where reference like 'BV/%'") == 1
    assert (
        count(
            demo,
            "select count(*) from papers where reference = 'VII/0680/24' "
            "and title like 'Arbeitspapier%'",
        )
        == 1
    )
    # The https variant of an id is the same object: one Finanzausschuss, not two.
    assert count(demo, "select count(*) from committees where name = 'Finanzausschuss'") == 1
    assert (
        count(
            demo,
            "select count(*) from agenda_items where paper_id is not null "
            "and title = 'Haushaltssatzung 2025'",
        )
        == 2
    )
    assert count(demo, "select count(*) from agenda_items where not public") == 1
    with demo.read() as c:
        actors = set(
            c.execute(
                text(
                    "select distinct actor_role from audit_events where action = 'paper.create' "
                    "and entity_id in (select id from papers where reference like 'BV/%')"
                )
            ).scalars()
        )
    assert actors == {"oparl_import"}


def test_a_second_run_changes_nothing(demo: Runtime, ris: Ris) -> None:
    import_system(demo, ris.system_url)
    events = audit_events(demo)
    again = import_system(demo, ris.system_url)
    assert not again.created and not again.updated
    assert audit_events(demo) == events


def test_a_run_after_a_change_updates_exactly_that_object(demo: Runtime, ris: Ris, clock) -> None:  # type: ignore[no-untyped-def]
    import_system(demo, ris.system_url)
    ris.change("paper/2", "2030-01-01T10:00:00+01:00", name="Sanierung der Grundschule Nord")
    ris.requests.clear()
    report = import_system(demo, ris.system_url)
    assert dict(report.updated) == {"paper": 1}
    assert not report.created
    assert any("modified_since=" in url for url in ris.requests)
    assert (
        count(demo, "select count(*) from papers where title = 'Sanierung der Grundschule Nord'")
        == 1
    )


def test_an_interrupted_run_resumes_where_it_stopped(demo: Runtime, ris: Ris) -> None:
    second_page = f"{ris.base}body/1/paper?page=2"
    ris.fail_once.add(second_page)
    first = import_system(demo, ris.system_url)
    assert first.interrupted and "503" in first.interrupted
    assert "Abgebrochen" in first.lines()[-1]
    assert count(demo, "select count(*) from papers where reference like 'BV/%'") == 2
    ris.requests.clear()
    second = import_system(demo, ris.system_url)
    assert second.interrupted is None
    assert second.resumed_at and "Vorlage" in second.resumed_at
    lists = [u for u in ris.requests if "/body/1/" in u]
    assert lists[0] == second_page  # no list read again from its start
    assert count(demo, "select count(*) from papers where reference like 'BV/%'") == 3
    assert (
        count(demo, "select count(*) from papers where reference in ('AN/003/25', 'IV/004/25')")
        == 2
    )


def test_a_paper_deleted_at_the_source_keeps_its_row_but_is_no_longer_public(
    demo: Runtime, ris: Ris
) -> None:
    import_system(demo, ris.system_url)
    paper = ris.objects()[ris.base.split("://", 1)[1] + "paper/4"]
    for key in [k for k in paper if k not in ("id", "type", "created")]:
        del paper[key]
    paper.update(deleted=True, modified="2030-01-01T10:00:00+01:00")
    report = import_system(demo, ris.system_url)
    assert dict(report.updated) == {"paper": 1}
    assert (
        count(demo, "select count(*) from papers where reference = 'IV/004/25' and not public") == 1
    )


def test_an_imported_file_name_loses_its_invisible_characters_and_folders_like_an_upload(
    demo: Runtime, ris: Ris
) -> None:
    """On today's main the RIS's ``fileName`` was stored as sent: „Vertrag\\u202Efdp.exe“
    showed on the paper's page as „Vertragexe.pdf“ (the right-to-left override turns the
    rest around), and a name with folders kept them, where an upload loses both."""
    host = ris.base.split("://", 1)[1]
    ris.objects()[host + "file/2"]["fileName"] = "..\\anlagen/Vertrag\u202efdp.exe"
    import_system(demo, ris.system_url)
    with demo.read() as c:
        names = set(c.execute(text("select filename from attachments")).scalars())
    assert "Vertragfdp.exe" in names
    assert not any("\u202e" in n or "/" in n or "\\" in n for n in names)


def test_the_import_takes_over_texts_without_line_breaks_or_invisible_characters(
    demo: Runtime, ris: Ris
) -> None:
    """Found by a review: the import stored titles and names as the source had them, line
    breaks and a right-to-left override (U+202E) among them, which no form and no API call
    lets through; pages showed the rest of such a title reversed."""
    modified = "2025-01-10T09:00:00+01:00"
    ris.change("paper/2", modified, name="Sanierung der\r\nGrundschule \u202eNord")
    ris.change("person/3", modified, name="Carla\u200b Dietz\u2028")
    ris.change("agendaitem/11", modified, name="Eröffnung\tund Begrüßung")
    ris.change("file/2", modified, fileName="Vorlage\u202efdp.exe")
    report = import_system(demo, ris.system_url)
    assert report.interrupted is None
    assert (
        count(demo, "select count(*) from papers where title = 'Sanierung der Grundschule Nord'")
        == 1
    )
    assert (
        count(
            demo,
            "select count(*) from persons where family_name = 'Dietz' and given_name = 'Carla'",
        )
        == 1
    )
    assert (
        count(demo, "select count(*) from agenda_items where title = 'Eröffnung und Begrüßung'")
        == 1
    )
    assert count(demo, "select count(*) from attachments where filename = 'Vorlagefdp.exe'") == 1
    lines = "\n".join(report.lines())
    assert (
        f"Bereinigt: Vorlage {ris.base}paper/2: Titel enthielt Zeilenumbrüche oder unsichtbare "
        "Zeichen; übernommen als „Sanierung der Grundschule Nord“"
    ) in lines
    assert f"Bereinigt: Anlage {ris.base}file/2: Dateiname" in lines
    # What the source still holds is cleaned the same way again: nothing to change.
    again = import_system(demo, ris.system_url)
    assert not again.created and not again.updated
