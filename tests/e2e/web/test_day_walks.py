"""Each role's working day in the browser (issue 15): sign in, land on Meine Aufgaben, see
a task, do it, see it leave the list; at 1280 px and at 390 px.

What the demo city lacks for a role's task (a measure in AG review, a statement asked, a
session just held, ...) is made through the services before the person signs in, one item
per walk, so the walks do not depend on each other or on their order. The module has a
server and a database of its own (SQLite; the service tests in ``tests/service/tasks``
cover PostgreSQL): the walks change what the other browser tests would meet. On every page
visited axe-core finds no serious or critical issue, and at 390 px no page is wider than
the window. Each role's start page is photographed at both widths for the README's tour.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from service.demo.service import DEMO_PASSWORD
from service.measures.service import list_measures
from service.runtime import Runtime
from tests.conftest import DEMO_NOW, FakeClock
from tests.e2e.web.conftest import assert_accessible, new_context, screenshot, serving
from tests.service.tasks import scenes

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
WIDTHS = {"desk": DESK, "phone": PHONE}


@dataclass(frozen=True)
class Day:
    url: str
    runtime: Runtime
    clock: FakeClock


@pytest.fixture(scope="module")
def day(_demo_sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Day]:
    path = tmp_path_factory.mktemp("e2e-day") / "ratsflow.db"
    clock = FakeClock(DEMO_NOW)
    with serving(_demo_sqlite_template, path, clock) as (url, runtime):
        yield Day(url, runtime, clock)


def _measure_key(runtime: Runtime, code: str) -> str:
    with runtime.read() as c:
        found = next(m.id for m in list_measures(c) if m.code == code)
    return f":measure:{found}"


# --- what each role does with its task ----------------------------------------------------


def _fire(page: Page, event: str, state: str, **fields: str) -> None:
    step = page.locator(f"#schritt-{event}")
    step.locator("summary").click()
    for label, value in fields.items():
        step.get_by_label(label).fill(value)
    step.get_by_role("button").click()
    expect(page.locator(".state-tag")).to_have_text(state)


def _pass_to_fva(page: Page) -> None:
    _fire(page, "an_fva_uebergeben", "Vorberatung im Finanz- und Verwaltungsausschuss")


def _submit_draft(page: Page) -> None:
    _fire(page, "einreichen", "Prüfung in der AG")


def _plan_budget(page: Page) -> None:
    _fire(
        page,
        "finanzieren",
        "Umsetzung",
        **{
            "Haushaltsjahr": "2027",
            "Veranschlagte einmalige Mittel (EUR)": "12.000,00",
            "Veranschlagte laufende Mittel (EUR)": "1.500,00",
        },
    )


def _give_statement(page: Page) -> None:
    form = page.locator("form[action$='/stellungnahmen']")
    form.get_by_label("Ergebnis").select_option("zustimmend")
    form.get_by_label("Text").fill("Keine Bedenken.")
    form.get_by_role("button").click()
    expect(page.get_by_role("status")).to_have_text("Die Stellungnahme wurde gespeichert.")


def _weigh(page: Page) -> None:
    form = page.locator("form[action$='/abwaegung']")
    form.get_by_label("Begründung der Abwägung").fill("Die gesetzliche Pflicht überwiegt.")
    form.get_by_role("button").click()
    expect(page.get_by_role("status")).to_have_text("Die Abwägung wurde gespeichert.")


def _record_attendance(page: Page) -> None:
    """Six of the FVA's eleven members came (a list of nobody present records nothing)."""
    present = page.locator("input[type=radio][value=anwesend]")
    for i in range(6):
        present.nth(i).check()
    page.get_by_role("button", name="Anwesenheit speichern").click()
    expect(page.get_by_role("status")).to_have_text("Die Anwesenheit wurde gespeichert.")


def _measure(make: Callable[[Runtime], str]) -> Callable[[Runtime], str]:
    return lambda runtime: _measure_key(runtime, make(runtime))


def _session(runtime: Runtime) -> str:
    return f":meeting:{scenes.past_session(runtime)}"


# username -> (what to make, the key of its task, what the person does on the task's page)
WALKS: dict[str, tuple[Callable[[Runtime], str], Callable[[Page], None]]] = {
    "ag.leitung": (_measure(scenes.review), _pass_to_fva),
    "ag.mitglied": (_measure(scenes.draft), _submit_draft),
    "datenschutz": (_measure(lambda r: scenes.statement_asked(r, "datenschutz")), _give_statement),
    "informationssicherheit": (
        _measure(lambda r: scenes.statement_asked(r, "informationssicherheit")),
        _give_statement,
    ),
    "personalrat": (_measure(lambda r: scenes.statement_asked(r, "personalrat")), _give_statement),
    "sitzungsdienst": (_session, _record_attendance),
    "kaemmerei": (_measure(scenes.budget), _plan_budget),
    "dezernent": (_measure(scenes.rejected), _weigh),
}
# Roles the demo gives no task: their start page says so.
WITHOUT_TASKS = ("admin", "revision")


def _sign_in(chromium: Browser, day: Day, username: str, width: str) -> Page:
    page = new_context(chromium, day.url).new_page()
    page.set_viewport_size(WIDTHS[width])
    page.goto("/login")
    page.fill("#benutzername", username)
    page.fill("#passwort", DEMO_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meine Aufgaben")
    assert page.url.endswith("/aufgaben")
    return page


def _checked(page: Page, width: str) -> None:
    """axe finds nothing serious; on the phone nothing is wider than the window."""
    assert_accessible(page)
    if width == "phone":
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= page.evaluate("innerWidth"), f"{page.url} ist {wide} px breit"


def _shot(page: Page, username: str, width: str) -> None:
    screenshot(page, f"{'handy-' if width == 'phone' else ''}aufgaben-{username}")


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("username", list(WALKS))
def test_each_role_sees_a_task_does_it_and_it_leaves_the_list(
    chromium: Browser, day: Day, username: str, width: str
) -> None:
    make, act = WALKS[username]
    key = make(day.runtime)
    page = _sign_in(chromium, day, username, width)
    try:
        task = page.locator(f"li.task[data-key$='{key}']")
        expect(task).to_have_count(1)
        count = page.locator("nav[aria-label=Hauptnavigation] .nav-count")
        assert int((count.text_content() or "").split()[0]) == page.locator("li.task").count()
        _checked(page, width)
        _shot(page, username, width)
        # axe must read the task's page, not the list it is leaving
        with page.expect_navigation(wait_until="load"):
            task.get_by_role("link").click()
        _checked(page, width)
        act(page)
        page.goto("/aufgaben")
        expect(page.get_by_role("heading", level=1)).to_have_text("Meine Aufgaben")
        expect(page.locator(f"li.task[data-key$='{key}']")).to_have_count(0)
    finally:
        page.context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_sitzungsdienst_records_the_vote_on_an_agenda_item_and_sees_the_paper_move_on(
    chromium: Browser, day: Day, width: str
) -> None:
    """The vote of yesterday's FVA session, in the browser alone: from the task to TOP 1,
    the counts typed, then the result on the item, and the paper with its measure gone on
    to the Stadtrat (the service tests check the vote's rules; this, what a person sees)."""
    meeting_id, step, reference, code = scenes.agenda_vote_due(day.runtime)
    key = f"abstimmung:consultation:{step}"
    page = _sign_in(chromium, day, "sitzungsdienst", width)
    try:
        task = page.locator(f"li.task[data-key$='{key}']")
        expect(task).to_contain_text("Abstimmung erfassen")
        with page.expect_navigation(wait_until="load"):
            task.get_by_role("link").click()
        assert f"/sitzungen/{meeting_id}" in page.url
        item = page.locator("li.agenda-item", has_text=reference)
        expect(item).to_contain_text("Abstimmung: offen")
        _checked(page, width)
        item.get_by_text("Abstimmung zu TOP 1 erfassen").click()
        form = item.get_by_role("form", name=f"Abstimmung zu TOP 1: {reference}")
        for label, value in (
            ("Ja", "7"),
            ("Nein", "1"),
            ("Enthaltungen", "1"),
            ("Anwesende Stimmberechtigte", "9"),
            ("Beschlussnummer", "FVA/0301/26"),
        ):
            form.get_by_label(label, exact=True).fill(value)
        with page.expect_navigation(wait_until="load"):
            form.get_by_role("button", name="Abstimmung erfassen").click()
        expect(page.get_by_role("status")).to_contain_text("Die Abstimmung wurde erfasst")
        expect(item).to_contain_text("Abstimmung: erfasst, angenommen")
        expect(item.get_by_role("form")).to_have_count(0)
        _checked(page, width)
        with page.expect_navigation(wait_until="load"):
            item.get_by_role("link", name=reference).click()
        expect(page.locator(".state-tag")).to_have_text("Entscheidung im Stadtrat")
        main = page.locator("main")
        expect(main).to_contain_text(f"{code} Digitale Bauakte – Beschlussfassung im Stadtrat")
        expect(main).to_contain_text("7 ja / 1 nein / 1 Enthaltung")
        expect(main).to_contain_text("FVA/0301/26")
        _checked(page, width)
        page.goto("/aufgaben")
        expect(page.get_by_role("heading", level=1)).to_have_text("Meine Aufgaben")
        expect(page.locator(f"li.task[data-key$='{key}']")).to_have_count(0)
    finally:
        page.context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("username", WITHOUT_TASKS)
def test_a_role_without_tasks_is_told_so(
    chromium: Browser, day: Day, username: str, width: str
) -> None:
    page = _sign_in(chromium, day, username, width)
    try:
        expect(page.locator("main")).to_contain_text("Zurzeit wartet keine Aufgabe auf Sie.")
        expect(page.locator(".nav-count")).to_have_count(0)
        _checked(page, width)
        _shot(page, username, width)
    finally:
        page.context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_council_member_sees_what_is_new_in_the_beschlusskontrolle_and_it_leaves_the_list(
    chromium: Browser, day: Day, width: str
) -> None:
    """Her task names what the Beschlusskontrolle shows that she has not seen there (here a
    paper's Ladungsfrist, new since any visit); once she has looked, it leaves the list."""
    day.clock.advance(timedelta(minutes=1))  # after any visit of hers at the other width
    scenes.paper_sent(day.runtime)
    page = _sign_in(chromium, day, "rat.mitglied", width)
    try:
        task = page.locator("li.task[data-key='beschlusskontrolle']")
        expect(task).to_contain_text("Beschlusskontrolle ansehen")
        expect(task).to_contain_text("neue Frist")
        _checked(page, width)
        _shot(page, "rat.mitglied", width)
        with page.expect_navigation(wait_until="load"):
            task.get_by_role("link").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Beschlusskontrolle")
        expect(page.locator("main")).to_contain_text("Ladungsfrist")
        _checked(page, width)
        page.goto("/aufgaben")
        expect(page.get_by_role("heading", level=1)).to_have_text("Meine Aufgaben")
        expect(page.locator("li.task[data-key='beschlusskontrolle']")).to_have_count(0)
    finally:
        page.context.close()
