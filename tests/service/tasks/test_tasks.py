"""Meine Aufgaben for each demo role, on the demo city at 01.09.2026 (both backends): what
waits, overdue first, what a deputy sees of the person they stand in for, and that doing a
task takes it off the list."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from service.actor import SYSTEM, Actor
from service.auth.deputies import name_deputy
from service.auth.service import actor_for
from service.committees.attendance import record_attendance
from service.deadlines.service import read_deadlines
from service.errors import AccessDenied
from service.measures.service import fire
from service.runtime import Runtime
from service.statements.service import read_statements, weigh_statement
from service.tasks.items import Task
from service.tasks.service import TaskList, count_tasks, read_tasks
from service.tasks.sources import ROLE_SOURCES
from tests import factories
from tests.conftest import FakeClock
from tests.service.reads import accesses
from tests.service.tasks import scenes


@pytest.fixture
def on_demo_city() -> bool:
    return True


def _actor(runtime: Runtime, username: str) -> Actor:
    """As signed in now: with the persons the user stands in for."""
    with runtime.read() as c:
        return actor_for(c, username, runtime.now(), body=runtime.chain_key)


def _tasks(runtime: Runtime, username: str) -> TaskList:
    return read_tasks(runtime, _actor(runtime, username))


def _measure_id(found: TaskList, code: str) -> int:
    task = next(t for t in found.tasks if t.subject.startswith(f"{code} "))
    return int(task.href.split("/")[2].split("#")[0])


def _about(found: TaskList, text: str) -> list[str]:
    """The actions of the tasks whose item names ``text``."""
    return [t.action for t in found.tasks if text in t.subject]


def test_overdue_tasks_come_first_and_the_longest_overdue_leads(demo: Runtime) -> None:
    found = _tasks(demo, "ag.leitung").tasks
    flags = [t.overdue for t in found]
    assert flags == sorted(flags, reverse=True) and flags[0]
    overdue = [t.due_at for t in found if t.overdue]
    assert overdue == sorted(overdue)  # type: ignore[type-var]


def test_the_ag_lead_sees_reviews_overdue_deadlines_duties_and_measures_to_close(
    demo: Runtime,
) -> None:
    code = scenes.review(demo)
    found = _tasks(demo, "ag.leitung")
    assert _about(found, code) == ["In der AG prüfen und dem FVA vorlegen"]
    review = next(t for t in found.tasks if code in t.subject)
    assert review.due_at is not None and not review.overdue  # six weeks from today
    assert review.href.startswith("/massnahmen/")
    assert _about(found, "M-07") == ["Frist überschritten: Im Haushalt einplanen"]
    assert _about(found, "M-08") == ["Maßnahme abschließen (Fortschritt 100 %)"]
    duties = [t for t in found.tasks if t.href.startswith("/pflichten")]
    assert len(duties) == 3 and all(t.overdue for t in duties)
    assert {t.role for t in found.tasks} == {"AG-Leitung"}


def test_an_overdue_review_is_one_task_not_two(demo: Runtime, clock: FakeClock) -> None:
    code = scenes.review(demo)
    clock.advance(timedelta(days=50))
    found = [t for t in _tasks(demo, "ag.leitung").tasks if code in t.subject]
    assert len(found) == 1 and found[0].overdue


def test_the_ag_member_sees_her_drafts_not_those_of_others(demo: Runtime) -> None:
    own = scenes.draft(demo, "ag.mitglied")
    other = scenes.draft(demo, "ag.leitung")
    found = _tasks(demo, "ag.mitglied")
    drafts = [t for t in found.tasks if t.key.startswith("entwurf:")]
    assert {t.subject.split()[0] for t in drafts} == {"M-09", own}
    assert not _about(found, other)
    assert all(t.on_behalf_of is None for t in drafts)


def test_the_ag_member_is_asked_for_her_sachstand_a_month_before_six_months_pass(
    demo: Runtime, clock: FakeClock
) -> None:
    # The demo's last progress reports are of 01.06.2026: due 01.12.2026.
    assert not [t for t in _tasks(demo, "ag.mitglied").tasks if t.key.startswith("sachstand")]
    clock.advance(timedelta(days=75))  # 15.11.2026
    asked = [t for t in _tasks(demo, "ag.mitglied").tasks if t.key.startswith("sachstand")]
    assert sorted(t.subject.split()[0] for t in asked) == ["M-04", "M-08"]
    assert all(t.due_day == date(2026, 12, 1) and not t.overdue for t in asked)


def test_a_deputy_sees_the_drafts_of_the_person_they_stand_in_for(demo: Runtime) -> None:
    stand_in = factories.user(demo, "ag_mitglied")
    with demo.write() as c:
        name_deputy(
            demo,
            c,
            SYSTEM,
            user_id=_actor(demo, "ag.mitglied").user_id or 0,
            deputy_username=stand_in.name,
            starts_on=date(2026, 9, 1),
            ends_on=date(2026, 9, 30),
        )
    found = read_tasks(demo, _actor(demo, stand_in.name))
    draft = next(t for t in found.tasks if t.subject.startswith("M-09 "))
    assert draft.on_behalf_of == "Julia Neumann"


@pytest.mark.parametrize("kind", ["datenschutz", "informationssicherheit", "personalrat"])
def test_each_advisor_sees_the_statements_asked_of_her_kind_until_given(
    demo: Runtime, kind: str
) -> None:
    code = scenes.statement_asked(demo, kind)
    for username in ("datenschutz", "informationssicherheit", "personalrat"):
        asked = _about(_tasks(demo, username), code)
        if username == kind:
            assert len(asked) == 1 and asked[0].startswith("Stellungnahme "), asked
        else:
            assert asked == [], username
    found = _tasks(demo, kind)
    assert all(t.role != "Rolle" for t in found.tasks)
    factories.statement(demo, _measure_id(found, code), kind, author=_actor(demo, kind))
    assert not _about(_tasks(demo, kind), code)


def test_the_office_prepares_coming_sessions_and_records_past_ones(demo: Runtime) -> None:
    coming = scenes.coming_session(demo, days=14)
    past = scenes.past_session(demo)
    _, reference = scenes.vote_due(demo)
    scenes.coming_session(demo, days=40)  # beyond four weeks: not yet
    found = _tasks(demo, "sitzungsdienst").tasks
    by_href = {t.href: t for t in found}
    prepare = by_href[f"/sitzungen/{coming}"]
    assert prepare.action.startswith("Sitzung vorbereiten") and not prepare.overdue
    assert prepare.subject.startswith("Finanz- und Verwaltungsausschuss, 15.09.2026")
    assert by_href[f"/sitzungen/{past}#anwesenheit"].action == "Anwesenheit erfassen"
    assert [t.action for t in found if t.subject.startswith(reference)] == ["Abstimmung erfassen"]
    assert len([t for t in found if t.action.startswith("Sitzung vorbereiten")]) == 1
    with demo.write() as c:
        office = actor_for(c, "sitzungsdienst")
        record_attendance(demo, c, office, past, [(scenes.person_of(demo, "ob"), "anwesend")])
    assert f"/sitzungen/{past}#anwesenheit" not in {
        t.href for t in _tasks(demo, "sitzungsdienst").tasks
    }


def test_the_kaemmerei_plans_decided_measures_and_carries_the_budget_duty(demo: Runtime) -> None:
    code = scenes.budget(demo)
    found = _tasks(demo, "kaemmerei")
    assert _about(found, "M-07") == ["Im Haushalt einplanen (Haushaltsjahr und Beträge)"]
    assert _about(found, code) == ["Im Haushalt einplanen (Haushaltsjahr und Beträge)"]
    assert [t.subject for t in found.tasks if t.href.startswith("/pflichten")] == [
        "Notwendige Haushaltsmittel in der Haushaltsplanung berücksichtigen"
    ]
    assert found.tasks[0].subject.startswith("M-07") and found.tasks[0].overdue


@pytest.mark.parametrize("username", ["dezernent", "ob"])
def test_the_administration_sees_red_and_overdue_measures_and_weighs_rejections(
    demo: Runtime, username: str
) -> None:
    code = scenes.rejected(demo)
    found = _tasks(demo, username)
    red = {t.subject.split()[0]: t for t in found.tasks if t.action.startswith("Ampel rot")}
    assert set(red) == {"M-01", "M-07"}
    assert "Meilenstein „Rollout Bürgeramt“" in (red["M-01"].detail or "")
    assert _about(found, code) == ["Abwägung nach ablehnender Stellungnahme erfassen"]
    measure_id = _measure_id(found, code)
    statement_id = read_statements(demo, _actor(demo, username), measure_id).statements[0].id
    with demo.write() as c:
        weigh_statement(
            demo, c, _actor(demo, username), measure_id, statement_id, reason="Vorrang der Pflicht"
        )
    assert not _about(_tasks(demo, username), code)


@pytest.mark.parametrize("username", ["admin", "revision"])
def test_roles_without_tasks_see_an_empty_list(demo: Runtime, username: str) -> None:
    assert _tasks(demo, username).tasks == []


def _control(runtime: Runtime, member: Actor) -> list[Task]:
    return [t for t in read_tasks(runtime, member).tasks if t.key == "beschlusskontrolle"]


def test_a_council_members_task_names_what_is_new_in_the_beschlusskontrolle_since_her_visit(
    demo: Runtime, clock: FakeClock
) -> None:
    """Her task was a standing one that never left the list (issue 15, point 8); now it
    counts the deadlines the Beschlusskontrolle did not show at her last visit and those
    overdue since, and leaves when there are none."""
    assert "ratsmitglied" in ROLE_SOURCES
    member = _actor(demo, "rat.mitglied")
    scenes.open_deadline(demo, timedelta(minutes=30))  # due just after her visit
    (task,) = _control(demo, member)
    assert task.action == "Beschlusskontrolle ansehen" and task.role == "Ratsmitglied"
    assert task.detail == "Noch nicht angesehen" and task.due_at is None and not task.overdue
    shown = read_deadlines(demo, member, person_id=None, programme_id=None, overdue_only=False)
    assert (
        task.subject
        == f"{len(shown.measures) + sum(d.row.public for d in shown.papers)} neue Fristen"
    )
    assert _control(demo, member) == []  # she has looked: nothing is new
    clock.advance(timedelta(hours=1))
    scenes.open_deadline(demo, timedelta(days=3))
    scenes.open_deadline(demo, timedelta(days=31))  # beyond the 30 days she is shown: not new yet
    (task,) = _control(demo, member)
    assert task.subject == "1 neue Frist, 1 seitdem überfällig" and task.overdue
    assert task.detail == "Seit Ihrem letzten Besuch am 01.09.2026, 10:00 Uhr"


def test_nobody_signed_in_has_no_tasks_and_may_not_read_any(demo: Runtime) -> None:
    assert count_tasks(demo, None) == 0
    with pytest.raises(AccessDenied):
        read_tasks(demo, None)


def test_the_count_logs_nothing_and_the_list_logs_a_non_public_measure(demo: Runtime) -> None:
    measure_id = factories.measure(demo, public=False, title="Vertrauliche Personalplanung")
    with demo.write() as c:
        fire(demo, c, actor_for(c, "ag.leitung"), measure_id, "einreichen")
    lead = _actor(demo, "ag.leitung")
    before = accesses(demo)
    assert count_tasks(demo, lead) == len(read_tasks(demo, lead))
    after = accesses(demo)[len(before) :]
    assert [(a.action, a.entity_id) for a in after] == [("measure.read", None)]
