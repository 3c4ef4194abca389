"""The Übersicht: measures counted per state, filtered, sorted and paged (demo city at
01.09.2026, both backends)."""

from __future__ import annotations

import re

from service.auth.service import actor_for
from service.measures import service as measures
from service.measures.service import get_measure
from service.runtime import Runtime
from tests.service.browser import signed_in


def _ids(connection: object) -> dict[str, int]:
    return {row.code: row.id for row in measures.list_measures(connection)}  # type: ignore[arg-type]


def _table_codes(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<td>(M-\d\d)</td>", body)


def test_the_overview_counts_measures_per_state_and_filters_them(demo: Runtime) -> None:
    client = signed_in(demo, "ag.leitung")
    page = client.get("/")
    assert page.status_code == 200
    assert "<strong>6</strong> Umsetzung" in page.text
    assert "<strong>1</strong> Entwurf" in page.text
    assert "<strong>0</strong> Gestoppt" in page.text
    assert _table_codes(page.text) == [f"M-0{i}" for i in range(1, 10)]

    needs = client.get("/?stellungnahme_fehlt=1")
    assert _table_codes(needs.text) == ["M-09"]
    assert "Stellungnahme fehlt: Datenschutzbeauftragte/r" in needs.text
    overdue = client.get("/?ueberfaellig=1")
    assert _table_codes(overdue.text) == ["M-07"]
    with demo.read() as connection:
        julia = get_measure(connection, _ids(connection)["M-09"]).responsible_person_id
    mine = client.get(f"/?verantwortlich={julia}")
    assert _table_codes(mine.text) == ["M-04", "M-08", "M-09"]
    by_state = client.get("/?zustand=umsetzung&sortierung=titel&absteigend=1")
    assert _table_codes(by_state.text) == ["M-05", "M-08", "M-04", "M-06", "M-01", "M-02"]
    assert 'aria-sort="descending"' in by_state.text
    nonsense = client.get("/?zustand=gibtsnicht&sortierung=drop&seite=99&verantwortlich=x")
    assert nonsense.status_code == 200
    assert len(_table_codes(nonsense.text)) == 9


def test_the_table_pages_through_many_measures(demo: Runtime) -> None:
    with demo.write() as connection:
        programme = get_measure(connection, 1).programme_id
        lead = actor_for(connection, "ag.leitung")
        for i in range(30):
            measures.insert_measure(
                demo, connection, lead, programme_id=programme, code=f"X-{i:02d}", title=f"T{i}"
            )
    client = signed_in(demo, "ag.leitung")
    first = client.get("/")
    assert "39 Maßnahmen, Seite 1 von 2" in first.text
    assert "nächste Seite" in first.text
    second = client.get("/?seite=2")
    codes = re.findall(r"<td>(X-\d\d)</td>", second.text.split("<tbody>", 1)[1])
    assert codes == [f"X-{i:02d}" for i in range(16, 30)]
    assert "vorherige Seite" in second.text
    assert "<strong>31</strong> Entwurf" in first.text
    assert "alle 31 anzeigen" in first.text
