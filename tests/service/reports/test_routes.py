"""``GET /api/v1/reports/sachstand`` on the demo city, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.service.api_calls import assert_problem, login

URL = "/api/v1/reports/sachstand"
OPEN = ["M-01", "M-02", "M-04", "M-05", "M-06", "M-07", "M-08"]  # decided, open on 01.09.2026
NOW = "2026-H2"


def codes(body: dict) -> list[str]:
    return [m["code"] for p in body["programmes"] for m in p["measures"]]


def test_anonymous_callers_must_sign_in(client: TestClient) -> None:
    response = client.get(URL, params={"period": "2024-H1"})

    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("username", ["ag.mitglied", "kaemmerei", "personalrat"])
def test_staff_get_json_by_default(client: TestClient, username: str) -> None:
    response = client.get(URL, params={"period": NOW}, headers=login(client, username))

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["period"] == NOW
    assert body["period_label"] == "2. Halbjahr 2026"
    assert codes(body) == OPEN
    assert body["rules"]["text"][2] == "Grün: in allen anderen Fällen."


def test_html_by_format_or_accept_header_is_german_with_inline_charts(
    client: TestClient,
) -> None:
    auth = login(client, "sitzungsdienst")
    by_query = client.get(URL, params={"period": NOW, "format": "html"}, headers=auth)
    by_accept = client.get(
        URL, params={"period": NOW}, headers={**auth, "Accept": "text/html,*/*;q=0.8"}
    )

    for response in (by_query, by_accept):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        html = response.text
        assert '<html lang="de">' in html
        assert "<h1>Sachstandsbericht 2. Halbjahr 2026</h1>" in html
        assert html.count("<svg") == 2 and "<script" not in html
        assert "Ampelregeln" in html
        for code in OPEN:
            assert f'id="massnahme-{code}"' in html
    assert by_accept.headers["vary"] == "Accept"


def test_pdf_by_accept_header_and_format_overrides_accept(client: TestClient) -> None:
    auth = login(client, "ag.leitung")
    pdf = client.get(
        URL, params={"period": "2024-H1"}, headers={**auth, "Accept": "application/pdf"}
    )
    json_anyway = client.get(
        URL,
        params={"period": "2024-H1", "format": "json"},
        headers={**auth, "Accept": "application/pdf"},
    )

    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert 'filename="sachstandsbericht-2024-H1.pdf"' in pdf.headers["content-disposition"]
    assert json_anyway.headers["content-type"] == "application/json"


def test_the_report_of_one_programme_holds_only_its_measures(client: TestClient) -> None:
    auth = login(client, "kaemmerei")
    one = client.get(URL, params={"period": NOW, "programme_id": 1}, headers=auth)
    other = client.get(URL, params={"period": NOW, "programme_id": 99}, headers=auth)

    assert one.status_code == 200 and codes(one.json()) == OPEN
    assert other.status_code == 200 and other.json()["programmes"] == []


def test_public_variant_omits_the_non_public_measure_and_staff_names(
    client: TestClient,
) -> None:
    auth = login(client, "ag.leitung")
    response = client.get(URL, params={"period": "2024-H1", "audience": "public"}, headers=auth)

    assert response.status_code == 200
    body = response.json()
    assert body["audience"] == "public"
    assert "M-06" not in codes(body)
    assert "Behrendt" not in response.text


@pytest.mark.parametrize(
    ("params", "kind", "detail"),
    [
        # The schema states the pattern, so the request is refused before the service.
        ({"period": "2024-H3"}, "eingabe-ungueltig", "period: kein Berichtszeitraum"),
        ({"period": "1999-H2"}, "eingabe-ungueltig", "period: kein Berichtszeitraum"),
        ({"period": "2030-H1"}, "berichtszeitraum-ungueltig", "hat noch nicht begonnen"),
        ({}, "eingabe-ungueltig", "period: Pflichtangabe fehlt"),
        ({"period": "2024-H1", "format": "docx"}, "eingabe-ungueltig", "format"),
        ({"period": "2024-H1", "audience": "alle"}, "eingabe-ungueltig", "audience"),
    ],
)
def test_bad_input_is_a_german_problem(
    client: TestClient, params: dict[str, str], kind: str, detail: str
) -> None:
    response = client.get(URL, params=params, headers=login(client, "ag.leitung"))

    body = assert_problem(response, 422, kind)
    assert detail in body["detail"]


def test_an_accept_header_naming_nothing_we_serve_is_406(client: TestClient) -> None:
    response = client.get(
        URL,
        params={"period": "2024-H1"},
        headers={**login(client, "ag.leitung"), "Accept": "image/png"},
    )

    assert_problem(response, 406, "format-nicht-lieferbar")


def test_openapi_declares_json_html_pdf_and_xlsx(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"][URL]["get"]

    content = operation["responses"]["200"]["content"]
    assert set(content) == {
        "application/json",
        "text/html",
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/SachstandReport"}
    assert {"401", "403", "406", "422"} <= set(operation["responses"])
    assert [p["name"] for p in operation["parameters"]] == [
        "period",
        "format",
        "audience",
        "programme_id",
    ]
