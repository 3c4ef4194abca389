"""Web pages under ``/b/<slug>/`` stay inside that body: every link, form and redirect.

Aschersleben (the demo city) and its neighbour Hecklingen on one deployment; a browser
signs in at ``/b/hecklingen/login`` and follows links and forms. Without a prefix every
URL stays as it was. Hecklingen's site name and imprint are its own settings.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from service.demo.neighbour import load_neighbour
from service.measures.models import Measure
from service.runtime import Runtime
from service.web.config import get_web_settings
from tests.service.browser import browser, csrf_of, sign_in

PREFIX = "/b/hecklingen"
LINK = re.compile(r'(?:href|action)="([^"#][^"]*)"')
measures = Measure.__table__  # type: ignore[attr-defined]


@pytest.fixture
def two(demo: Runtime, tmp_path: Path) -> Runtime:
    key = tmp_path / "audit-signing.key"
    demo.settings = demo.settings.model_copy(update={"audit_signing_key": key})
    assert load_neighbour(demo).loaded
    return demo


def _links(page: httpx.Response) -> list[str]:
    return LINK.findall(page.text)


def _all_inside(page: httpx.Response) -> list[str]:
    links = _links(page)
    assert links, "Seite ohne Links"
    # The list of every body is the deployment's, the one link that leaves the body.
    outside = [u for u in links if not u.startswith(PREFIX + "/") and u != "/koerperschaften"]
    assert not outside, outside
    return links


def _measure_id(runtime: Runtime, code: str, slug: str) -> int:
    with runtime.read() as c:
        body_id = runtime.for_body(slug).body_id
        found = select(measures.c.id).where(measures.c.code == code, measures.c.body_id == body_id)
        return int(c.execute(found).scalar_one())


def test_signed_in_under_the_prefix_every_link_and_redirect_stays_inside(two: Runtime) -> None:
    with browser(two) as web:
        start = web.get(f"{PREFIX}/")
        assert start.status_code == 200
        links = _all_inside(start)
        assert f"{PREFIX}/static/ratsflow.css" in links
        css = web.get(f"{PREFIX}/static/ratsflow.css")
        assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
        assert "ratsflow – Stadt Hecklingen" in start.text  # the body's own site name

        gate = web.get(f"{PREFIX}/massnahmen/neu")
        assert gate.status_code == 303
        assert gate.headers["location"] == f"{PREFIX}/login?weiter=%2Fmassnahmen%2Fneu"
        login = web.get(gate.headers["location"])
        assert f'action="{PREFIX}/login"' in login.text
        assert 'name="weiter" value="/massnahmen/neu"' in login.text
        signed = web.post(
            f"{PREFIX}/login",
            data={
                "benutzername": "ag.leitung",
                "passwort": "ratsflow-demo",
                "weiter": "/massnahmen/neu",
                "csrf_token": csrf_of(login),
            },
        )
        assert signed.status_code == 303, signed.text
        assert signed.headers["location"] == f"{PREFIX}/massnahmen/neu"
        assert "ratsflow_sitzung-hecklingen" in web.cookies

        overview = web.get(f"{PREFIX}/")
        assert "Angemeldet als <strong>Kathrin Stolze</strong>" in overview.text
        for href in ("/vorlagen", "/sitzungen", "/fristen", "/konto/vertretung", "/oeffentlich"):
            assert f'href="{PREFIX}{href}"' in overview.text
        assert f'<a href="{PREFIX}/" aria-current="page">' in overview.text
        _all_inside(overview)

        measure_id = _measure_id(two, "H-03", "hecklingen")
        url = f"{PREFIX}/massnahmen/{measure_id}"
        page = web.get(url)
        assert page.status_code == 200 and "WLAN im Bürgerhaus" in page.text
        _all_inside(page)
        assert f'action="{url}/schritte"' in page.text
        done = web.post(
            f"{url}/schritte",
            data={"ereignis": "einreichen", "version": "1", "csrf_token": csrf_of(page)},
        )
        assert done.status_code == 303, done.text
        assert done.headers["location"] == f"{url}?erledigt=einreichen"
        assert (
            "Erledigt: Zur Prüfung in der AG einreichen." in web.get(done.headers["location"]).text
        )

        for path in (
            "/aufgaben",
            "/vorlagen",
            "/sitzungen",
            "/fristen",
            "/konto/passwort",
            "/impressum",
        ):
            shown = web.get(f"{PREFIX}{path}")
            assert shown.status_code == 200, path
            _all_inside(shown)

        out = web.post(f"{PREFIX}/logout", data={"csrf_token": csrf_of(overview)})
        assert out.status_code == 303 and out.headers["location"] == f"{PREFIX}/"


def test_without_a_prefix_every_url_is_as_before(two: Runtime) -> None:
    with browser(two) as web:
        start = web.get("/")
        links = _links(start)
        assert "/static/ratsflow.css" in links and "/login" in links
        assert not [u for u in links if u.startswith("/b/")]
        assert "ratsflow – Stadt Hecklingen" not in start.text
        assert get_web_settings().site_name in start.text
        gate = web.get("/massnahmen/neu")
        assert gate.headers["location"] == "/login?weiter=%2Fmassnahmen%2Fneu"
        assert sign_in(web, "ag.leitung").headers["location"] == "/aufgaben"


def test_each_body_keeps_its_own_session_in_one_browser(two: Runtime) -> None:
    with browser(two) as web:
        assert sign_in(web, "ag.mitglied").status_code == 303
        login = web.get(f"{PREFIX}/login")
        web.post(
            f"{PREFIX}/login",
            data={
                "benutzername": "ag.leitung",
                "passwort": "ratsflow-demo",
                "csrf_token": csrf_of(login),
            },
        )
        assert "Angemeldet als <strong>Julia Neumann</strong>" in web.get("/").text
        assert "Angemeldet als <strong>Kathrin Stolze</strong>" in web.get(f"{PREFIX}/").text


def test_legal_texts_come_from_the_body_where_it_sets_them(two: Runtime) -> None:
    with browser(two) as web:
        own, other = web.get("/impressum"), web.get(f"{PREFIX}/impressum")
        privacy = web.get(f"{PREFIX}/datenschutz")
    assert "Hermann-Danz-Straße 52" in other.text
    assert "Hermann-Danz-Straße 52" not in own.text
    assert get_web_settings().imprint_text in own.text
    # Hecklingen sets no privacy text: the deployment's holds.
    assert get_web_settings().privacy_text in privacy.text
