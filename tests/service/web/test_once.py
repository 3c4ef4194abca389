"""A form takes effect once (``service.web.once``): sent twice, by a double click or the
browser's resend after a slow answer, it leads to the first answer's page and creates
nothing a second time (demo city, both backends)."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from service.measures import service as measures
from service.runtime import Runtime
from service.web.rendering import TEMPLATE_DIR
from tests.service.browser import browser, form_tokens, sign_in, signed_in

PAGES = Path(__file__).parents[3] / "service" / "web" / "pages"


def _count(runtime: Runtime, table: str) -> int:
    with runtime.read() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def _measure(runtime: Runtime, code: str) -> int:
    with runtime.read() as connection:
        return next(m.id for m in measures.list_measures(connection) if m.code == code)


def _committee(page: httpx.Response, name: str) -> str:
    found = re.search(rf'<option value="(\d+)">{re.escape(name)}</option>', page.text)
    assert found, name
    return found.group(1)


def _first_choice(page: httpx.Response, name: str) -> str:
    found = re.search(rf'name="{name}".*?<option value="(\d+)"', page.text, re.S)
    assert found, name
    return found.group(1)


# What each creating form is sent with: who, the page it is on, where it posts, what is typed
# (from the demo and the page), and the table that must grow by one row.
Typed = Callable[[Runtime, httpx.Response], dict[str, str]]
FORMS: dict[str, tuple[str, str, str, Typed, str]] = {
    "Sitzung": (
        "sitzungsdienst",
        "/sitzungen",
        "/sitzungen/neu",
        lambda _, page: {
            "gremium": _committee(page, "Finanz- und Verwaltungsausschuss"),
            "datum": "14.10.2026",
            "uhrzeit": "17:00",
            "ort": "Ratssaal",
        },
        "meetings",
    ),
    "Vorlage": (
        "ag.leitung",
        "/vorlagen/neu",
        "/vorlagen/neu",
        lambda _, __: {"reference": "VII/0712/26", "title": "Bürgerterminvergabe online"},
        "papers",
    ),
    "Maßnahme": (
        "ag.leitung",
        "/massnahmen/neu",
        "/massnahmen/neu",
        lambda _, page: {
            "arbeitspapier": _first_choice(page, "arbeitspapier"),
            "kennung": "M-10",
            "titel": "Digitale Bauakte",
        },
        "measures",
    ),
    "Haushaltsansatz": (
        "kaemmerei",
        "/haushalt",
        "/haushalt/ansaetze",
        lambda runtime, _: {
            "massnahme": str(_measure(runtime, "M-07")),
            "jahr": "2027",
            "einmalig": "40.000",
        },
        "budget_lines",
    ),
}


@pytest.mark.parametrize("kind", FORMS)
def test_double_posting_a_creating_form_creates_once(demo: Runtime, kind: str) -> None:
    username, page_url, action, typed, table = FORMS[kind]
    client = signed_in(demo, username)
    page = client.get(page_url)
    sent = {**typed(demo, page), **form_tokens(page, action)}
    before = _count(demo, table)

    first = client.post(action, data=sent)
    second = client.post(action, data=sent)

    assert first.status_code == 303, first.text
    assert second.status_code == 303, second.text
    assert second.headers["location"] == first.headers["location"]
    assert _count(demo, table) == before + 1


def _steps(runtime: Runtime, measure_id: int) -> int:
    with runtime.read() as connection:
        return int(
            connection.execute(
                text(
                    "SELECT count(*) FROM history_entries "
                    "WHERE entity_type = 'measure' AND entity_id = :m"
                ),
                {"m": measure_id},
            ).scalar_one()
        )


def test_a_double_click_on_a_step_leads_to_its_result_not_to_a_conflict(demo: Runtime) -> None:
    """Before, the second click of „Einreichen“ was refused: „Inzwischen hat jemand anderes
    diesen Vorgang geändert“ – which was the user's own first click."""
    m09 = _measure(demo, "M-09")
    url = f"/massnahmen/{m09}"
    action = f"{url}/schritte"
    lead = signed_in(demo, "ag.leitung")
    page = lead.get(url)
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version and 'name="ereignis" value="einreichen"' in page.text
    sent = {"ereignis": "einreichen", "version": version.group(1), **form_tokens(page, action)}
    before = _steps(demo, m09)

    first = lead.post(action, data=sent)
    second = lead.post(action, data=sent)

    assert first.status_code == 303, first.text
    assert second.status_code == 303, second.text
    assert second.headers["location"] == first.headers["location"]
    assert _steps(demo, m09) == before + 1


def test_a_double_click_on_passwort_aendern_leads_to_its_result_not_to_an_error(
    demo: Runtime,
) -> None:
    """Before, the first copy changed the password and the second answered „Das bisherige
    Passwort stimmt nicht“ – the old password its own first copy had just replaced – and
    counted as a failed sign-in."""
    kaemmerei = signed_in(demo, "kaemmerei")
    new = "Leuchtturm-Kaffee-Regen-7"
    typed = {"bisher": "ratsflow-demo", "neu": new, "wiederholung": new}
    sent = {**typed, **form_tokens(kaemmerei.get("/konto/passwort"), "/konto/passwort")}

    first = kaemmerei.post("/konto/passwort", data=sent)
    second = kaemmerei.post("/konto/passwort", data=sent)

    assert "Das bisherige Passwort stimmt nicht." not in second.text
    assert first.status_code == 303, first.text
    assert second.status_code == 303, second.text
    assert second.headers["location"] == first.headers["location"]
    shown = kaemmerei.get(second.headers["location"])
    assert "Ihr Passwort wurde geändert." in shown.text
    assert "stimmt nicht" not in shown.text
    assert _auth_events(demo) == ["auth.login", "auth.password_changed"]
    assert sign_in(browser(demo), "kaemmerei", new).status_code == 303

    # A refused form keeps no claim: typed right, the same form acts.
    again = {
        **typed,
        "bisher": "falsch",
        **form_tokens(kaemmerei.get("/konto/passwort"), "/konto/passwort"),
    }
    refused = kaemmerei.post("/konto/passwort", data=again)
    assert refused.status_code == 422 and "Das bisherige Passwort stimmt nicht." in refused.text
    mended = kaemmerei.post(
        "/konto/passwort",
        data={
            **again,
            "bisher": new,
            "neu": "Hafen-Tee-Nebel-8",
            "wiederholung": "Hafen-Tee-Nebel-8",
        },
    )
    assert mended.status_code == 303, mended.text
    assert _auth_events(demo).count("auth.password_changed") == 2


def _auth_events(runtime: Runtime) -> list[str]:
    with runtime.read() as connection:
        return list(
            connection.execute(
                text("SELECT action FROM audit_events WHERE action LIKE 'auth.%' ORDER BY seq")
            ).scalars()
        )


def test_a_file_sent_twice_is_attached_once(demo: Runtime) -> None:
    m09 = _measure(demo, "M-09")
    url = f"/massnahmen/{m09}"
    action = f"{url}/anlagen"
    lead = signed_in(demo, "ag.leitung")
    tokens = form_tokens(lead.get(url), action)
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    before = _count(demo, "attachments")

    answers = [
        lead.post(action, data=tokens, files={"file": ("Konzept.pdf", pdf, "application/pdf")})
        for _ in range(2)
    ]

    assert [a.status_code for a in answers] == [303, 303], answers[1].text
    assert answers[0].headers["location"] == answers[1].headers["location"]
    assert _count(demo, "attachments") == before + 1


def test_a_form_without_its_token_still_acts(demo: Runtime) -> None:
    """A page drawn before the token existed (open in a browser during an update) still
    works; it is only not protected against being sent twice."""
    dsb = signed_in(demo, "datenschutz")
    m09 = _measure(demo, "M-09")
    url = f"/massnahmen/{m09}"
    tokens = form_tokens(dsb.get(url), f"{url}/stellungnahmen")
    del tokens["formular_token"]
    sent = {"ergebnis": "zustimmend", "datum": "01.09.2026", **tokens}
    assert dsb.post(f"{url}/stellungnahmen", data=sent).status_code == 303


def test_every_posted_form_carries_its_one_time_token() -> None:
    forms = {}
    for template in sorted(TEMPLATE_DIR.glob("*.html")):
        source = template.read_text(encoding="utf-8")
        for number, form in enumerate(re.findall(r"<form\b.*?</form>", source, re.S)):
            if 'method="post"' in form:
                forms[f"{template.name} #{number + 1}"] = "{{ form_fields() }}" in form
    assert len(forms) > 40
    assert [name for name, carried in forms.items() if not carried] == []
    assert not [t.name for t in TEMPLATE_DIR.glob("*.html") if "csrf_token" in t.read_text()]


# Pages that write without ``saving``, and why a second copy of their form may act again.
WRITES_WITHOUT_ONCE = {
    "account.py:logout": "ends the session; a second copy finds none to end",
    "account.py:new_calendar_feed": "each address replaces the last, and the answer shows "
    "the new one once: a second copy's answer is the address that works",
    "account.py:revoke_calendar_feed": "revoking twice leaves the same: no address",
    "budget.py:book": "sets the spent amounts the file names: again, nothing changes, and the "
    "answer counts what the file changed",
    "protocol.py:_page": "records a search of the trail, which is read, not changed",
}


class _Writes(ast.NodeVisitor):
    """Where a page opens a write transaction itself (``runtime.write()``): by module and
    the function the call is in."""

    def __init__(self, module: str) -> None:
        self.module = module
        self.functions: list[str] = []
        self.found: set[str] = set()

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Attribute) and node.func.attr == "write" and not node.args:
            self.found.add(f"{self.module}:{self.functions[-1]}")
        self.generic_visit(node)


def test_pages_write_through_saving_or_say_why_not() -> None:
    found: set[str] = set()
    for path in sorted(PAGES.glob("*.py")):
        writes = _Writes(path.name)
        writes.visit(ast.parse(path.read_text(encoding="utf-8")))
        found |= writes.found
    # Both ways: a new page that writes on its own fails, and so does a listed one mended.
    assert found == set(WRITES_WITHOUT_ONCE)
