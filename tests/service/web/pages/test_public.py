"""What an anonymous visitor sees: public papers and measures, never more."""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.demo import data
from service.runtime import Runtime

STAFF_NAMES = [p.family_name for p in data.STAFF]


def _public_pages(client: TestClient) -> list[str]:
    start = client.get("/").text
    return [start, client.get("/oeffentlich").text, client.get("/oeffentlich/vorlagen/1").text] + [
        client.get(f"/oeffentlich/massnahmen/{i}").text for i in (1, 2, 3)
    ]


def test_anonymous_visitors_see_the_public_paper_with_its_votes(anonymous: TestClient) -> None:
    start = anonymous.get("/")
    assert start.status_code == 200
    assert '<html lang="de">' in start.text
    assert "VII/0680/24" in start.text and "Übersicht der Maßnahmen" not in start.text
    paper = anonymous.get("/oeffentlich/vorlagen/1").text
    assert "Finanz- und Verwaltungsausschuss" in paper and "Vorberatung" in paper
    assert '<td class="number">9</td><td class="number">0</td>' in paper
    assert "einstimmig, ohne Stimmenzahlen" in paper
    assert "SR/0456/24" in paper
    assert "Einführung der E-Akte" in paper


def test_no_public_page_shows_a_non_public_measure_or_a_staff_name(
    anonymous: TestClient,
) -> None:
    hidden = next(m.title for m in data.MEASURES if not m.public)
    for page in _public_pages(anonymous):
        assert hidden not in page
        for name in STAFF_NAMES:
            assert name not in page, name
    assert anonymous.get("/oeffentlich/massnahmen/6").status_code == 404
    assert anonymous.get("/oeffentlich/massnahmen/999999").status_code == 404
    assert anonymous.get("/oeffentlich/massnahmen/abc").status_code == 404


def test_staff_pages_send_anonymous_visitors_to_the_login(demo: Runtime) -> None:
    from tests.service.browser import browser

    client = browser(demo)
    for path in ("/massnahmen/9", "/massnahmen/neu", "/definitionen/massnahme"):
        response = client.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?weiter=")
