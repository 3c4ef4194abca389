"""Fristen: the overdue deadlines per person and per Arbeitspapier (demo city at 01.09.2026,
both backends)."""

from __future__ import annotations

from service.runtime import Runtime
from tests.service.browser import signed_in


def test_fristen_lists_the_overdue_deadline_per_person_and_per_programme(demo: Runtime) -> None:
    client = signed_in(demo, "dezernent")
    page = client.get("/fristen?ueberfaellig=1").text
    assert "<strong>1</strong> überfällig" in page
    assert "M-07" in page and "überfällig seit" in page
    by_programme = client.get("/fristen?sicht=arbeitspapier").text
    assert "Arbeitspapier zur weiteren Digitalisierung der Verwaltung" in by_programme
    nobody = client.get("/fristen?verantwortlich=999999&ueberfaellig=1").text
    assert "Keine offenen Fristen" in nobody


def test_the_council_members_fristen_page_lists_no_staff_names_of_its_own(demo: Runtime) -> None:
    """Defect: the „Verantwortlich“ filter listed every staff member with their function to a
    council member, unlogged, although staff names are for staff (the API hides them)."""
    page = signed_in(demo, "rat.mitglied").get("/fristen").text
    assert "Daniel König" not in page and "IT-Administration" not in page
    assert 'name="verantwortlich"' not in page
    staff_page = signed_in(demo, "dezernent").get("/fristen").text
    assert "Daniel König (IT-Administration)" in staff_page
