"""An unknown address: a German page in the browser, problem+json for API clients."""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.runtime import Runtime
from tests.service.browser import signed_in

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_an_unknown_page_in_the_browser_is_an_html_404(anonymous: TestClient) -> None:
    page = anonymous.get("/gibt-es-nicht", headers=BROWSER)
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>Seite nicht gefunden</h1>" in page.text
    assert 'aria-label="Hauptnavigation"' in page.text and "Zur Startseite" in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


def test_the_404_page_keeps_the_signed_in_navigation(demo: Runtime) -> None:
    page = signed_in(demo, "ag.leitung").get("/massnahmen/neu/gibt-es-nicht", headers=BROWSER)
    assert page.status_code == 404
    assert "Abmelden" in page.text and 'href="/vorlagen"' in page.text


def test_api_clients_keep_problem_json_for_unknown_addresses(anonymous: TestClient) -> None:
    for path, headers in (
        ("/gibt-es-nicht", {"Accept": "application/json"}),
        ("/gibt-es-nicht", {}),
        ("/api/v1/gibt-es-nicht", BROWSER),
    ):
        answer = anonymous.get(path, headers=headers)
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/problem+json", path
        assert answer.json()["title"] == "Nicht gefunden"
