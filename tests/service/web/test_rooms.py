"""Kämmerei, Fristen, Sachstandsbericht, Anlagen and Stellungnahmen on their pages
(demo city at 01.09.2026, both backends)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from service.measures import service as measures
from service.runtime import Runtime
from tests.service.browser import csrf_of, post_form, signed_in


def _ids(runtime: Runtime) -> dict[str, int]:
    with runtime.read() as connection:
        return {m.code: m.id for m in measures.list_measures(connection)}


def _upload(client: TestClient, page: str, action: str, name: str, content: bytes, kind: str):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get(page))
    return client.post(action, data={"csrf_token": token}, files={"file": (name, content, kind)})


def test_each_room_shows_in_the_navigation_only_for_the_roles_that_use_it(demo: Runtime) -> None:
    office = signed_in(demo, "sitzungsdienst").get("/").text
    assert 'href="/sitzungen"' in office and 'href="/verwaltung"' not in office
    admin = signed_in(demo, "admin")
    assert 'href="/verwaltung"' in admin.get("/").text
    dsb = signed_in(demo, "datenschutz")
    assert dsb.get("/verwaltung").status_code == 403
    assert "Keine Berechtigung" in dsb.get("/verwaltung").text
    planned = {"massnahme": "1", "jahr": "2027", "einmalig": "100"}
    assert post_form(dsb, "/haushalt", "/haushalt/ansaetze", planned).status_code == 403
    anonymous = TestClient(admin.app, follow_redirects=False)
    for path in (
        "/vorlagen",
        "/sitzungen",
        "/haushalt",
        "/fristen",
        "/sachstand",
        "/konto/vertretung",
    ):
        answer = anonymous.get(path)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login?weiter=")


def test_the_kaemmerei_sees_a_years_lines_edits_its_amounts_and_imports_spent_amounts(
    demo: Runtime,
) -> None:
    ids = _ids(demo)
    treasury = signed_in(demo, "kaemmerei")
    year = treasury.get("/haushalt?jahr=2025").text
    table = year.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert ">M-04</a>" in table and ">M-03</a>" not in table  # M-03 was budgeted in 2024
    assert "Summe" in year
    line = re.search(r'href="/haushalt/ansaetze/(\d+)" aria-label="Ansatz M-04', year)
    assert line
    url = f"/haushalt/ansaetze/{line.group(1)}"
    wrong = post_form(treasury, url, url, {"bewilligt": "viel", "verausgabt": "1.000,50"})
    assert wrong.status_code == 422
    assert "bewilligt: " in wrong.text and 'value="viel"' in wrong.text
    saved = post_form(treasury, url, url, {"bewilligt": "99.000,00", "verausgabt": "1.000,50"})
    assert saved.status_code == 303
    assert "99.000,00 €" in treasury.get("/haushalt?jahr=2025").text
    # The AG lead plans, but approved and spent amounts are the Kämmerei's alone.
    lead_form = signed_in(demo, "ag.leitung").get(url).text
    assert 'name="einmalig"' in lead_form and 'name="bewilligt"' not in lead_form

    created = post_form(
        treasury,
        "/haushalt",
        "/haushalt/ansaetze",
        {
            "massnahme": str(ids["M-07"]),
            "jahr": "2027",
            "konto": "11.1.04 / 783100",
            "einmalig": "40.000",
        },
    )
    assert created.status_code == 303
    assert "40.000,00 €" in treasury.get("/haushalt?jahr=2027").text

    bad = "Maßnahme;Haushaltsjahr;Verausgabt\nM-04;2025;12,50\nM-99;2025;1\nM-05;2025;zwölf\n"
    report = _upload(
        treasury, "/haushalt", "/haushalt/import", "ausgaben.csv", bad.encode(), "text/csv"
    )
    assert report.status_code == 422
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td>", report.text)
    assert [r[0] for r in rows] == ["3", "4"]
    good = "Maßnahme;Haushaltsjahr;Verausgabt\nM-04;2025;12,50\n"
    done = _upload(
        treasury, "/haushalt", "/haushalt/import", "ausgaben.csv", good.encode("cp1252"), "text/csv"
    )
    assert done.status_code == 200
    assert "1 Zeilen, 1 geändert, 0 unverändert" in done.text
    assert "12,50 €" in treasury.get("/haushalt?jahr=2025").text


def test_fristen_lists_the_overdue_deadline_per_person_and_per_programme(demo: Runtime) -> None:
    client = signed_in(demo, "dezernent")
    page = client.get("/fristen?ueberfaellig=1").text
    assert "<strong>1</strong> überfällig" in page
    assert "M-07" in page and "überfällig seit" in page
    by_programme = client.get("/fristen?sicht=arbeitspapier").text
    assert "Arbeitspapier zur weiteren Digitalisierung der Verwaltung" in by_programme
    nobody = client.get("/fristen?verantwortlich=999999&ueberfaellig=1").text
    assert "Keine offenen Fristen" in nobody


def test_the_sachstandsbericht_shows_a_half_year_and_offers_its_pdf(demo: Runtime) -> None:
    client = signed_in(demo, "ag.leitung")
    page = client.get("/sachstand?zeitraum=2026-H1")
    assert page.status_code == 200
    assert "Sachstandsbericht 1. Halbjahr 2026" in page.text
    assert 'href="/sachstand/2026-H1.pdf?fassung=intern"' in page.text
    assert "M-07" in page.text and "<svg" in page.text
    public = client.get("/sachstand?zeitraum=2026-H1&fassung=oeffentlich").text
    assert "Thomas Behrendt" in page.text and "Thomas Behrendt" not in public
    future = client.get("/sachstand?zeitraum=2027-H1")
    assert future.status_code == 422 and "noch nicht begonnen" in future.text
    assert client.get("/sachstand?zeitraum=2026-H3").status_code == 422
    pdf = client.get("/sachstand/2026-H1.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_dsb_statement_and_attachments_on_the_measure_page(demo: Runtime) -> None:
    m09 = _ids(demo)["M-09"]
    url = f"/massnahmen/{m09}"
    dsb = signed_in(demo, "datenschutz")
    assert f'action="{url}/stellungnahmen"' in dsb.get(url).text
    future = post_form(
        dsb,
        url,
        f"{url}/stellungnahmen",
        {"ergebnis": "mit_auflagen", "datum": "2030-01-01", "text": "Löschkonzept"},
    )
    assert future.status_code == 422
    assert "nicht in der Zukunft" in future.text and "Löschkonzept</textarea>" in future.text
    given = post_form(
        dsb,
        url,
        f"{url}/stellungnahmen",
        {"ergebnis": "mit_auflagen", "datum": "01.09.2026", "text": "Löschkonzept"},
    )
    assert given.status_code == 303
    lead = signed_in(demo, "ag.leitung")
    assert "Stellungnahme der/des Datenschutzbeauftragten fehlt" not in lead.get(url).text
    assert "stellungnahmen" not in re.findall(r'action="([^"]+)"', lead.get(url).text)[0]

    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    stored = _upload(lead, url, f"{url}/anlagen", "Konzept.pdf", pdf, "application/pdf")
    assert stored.status_code == 303
    page = lead.get(url).text
    link = re.search(rf'href="({url}/anlagen/\d+)" download>Konzept.pdf', page)
    assert link
    download = lead.get(link.group(1))
    assert download.content == pdf
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment;")
    exe = _upload(
        lead, url, f"{url}/anlagen", "Konzept.pdf", b"MZ\x90\x00" + b"\x00" * 64, "application/pdf"
    )
    assert exe.status_code == 415
    assert "Die Datei wurde nicht gespeichert." in exe.text
    assert dsb.get(url).text.count('enctype="multipart/form-data"') == 0  # DSB uploads nothing
    deleted = post_form(lead, url, link.group(1) + "/loeschen", {})
    assert deleted.status_code == 303
    assert lead.get(link.group(1)).status_code == 404
