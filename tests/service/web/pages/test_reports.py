"""The Sachstandsbericht page: a half-year, its public variant and its PDF (demo city at
01.09.2026, both backends)."""

from __future__ import annotations

from service.runtime import Runtime
from tests.service.browser import signed_in


def test_the_sachstandsbericht_shows_a_half_year_and_offers_its_pdf(demo: Runtime) -> None:
    client = signed_in(demo, "ag.leitung")
    page = client.get("/sachstand?zeitraum=2026-H1")
    assert page.status_code == 200
    assert "Sachstandsbericht 1. Halbjahr 2026" in page.text
    assert 'href="/sachstand/2026-H1.pdf?fassung=intern"' in page.text
    assert "M-07" in page.text and "<svg" in page.text
    public = client.get("/sachstand?zeitraum=2026-H1&fassung=oeffentlich").text
    # The report itself, below the header that names who is signed in.
    public = public.split("<main", 1)[1]
    assert "Thomas Behrendt" in page.text.split("<main", 1)[1] and "Thomas Behrendt" not in public
    future = client.get("/sachstand?zeitraum=2027-H1")
    assert future.status_code == 422 and "noch nicht begonnen" in future.text
    assert client.get("/sachstand?zeitraum=2026-H3").status_code == 422
    pdf = client.get("/sachstand/2026-H1.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
