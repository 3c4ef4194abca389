"""The Sitzung pages on a 390 px phone: every tap target at least 44 x 44 px.

The Sitzungsdienst records attendance and votes on a tablet or phone in the session; a
radio button or checkbox counts with the label around it, which takes its taps. SQLite
only, as every browser test.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from service.demo.service import DEMO_PASSWORD
from tests.e2e.web.conftest import assert_accessible

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
API = "/api/v1"
# The box a finger has to hit: a radio button's or checkbox's label, else the control.
TARGETS = """els => els
  .map(e => (e.matches('input[type=radio], input[type=checkbox]') && e.closest('label')) || e)
  .filter(e => e.checkVisibility())
  .map(e => { const r = e.getBoundingClientRect();
              return [e.outerHTML.slice(0, 90), Math.round(r.width * 10) / 10,
                      Math.round(r.height * 10) / 10]; })"""
SELECTOR = "main :is(a[href], button, summary, select, input:not([type=hidden]))"


def _meeting_with_an_open_vote(page: Page) -> int:
    """A past FVA session with a paper on its agenda whose vote is open (through the API)."""
    token = page.request.post(
        f"{API}/auth/token",
        form={"grant_type": "password", "username": "sitzungsdienst", "password": DEMO_PASSWORD},
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}

    def post(path: str, body: dict[str, object]) -> dict[str, object]:
        answer = page.request.post(f"{API}{path}", data=body, headers=headers)
        assert answer.ok, answer.text()
        created: dict[str, object] = answer.json()
        return created

    fva = next(
        c["id"]
        for c in page.request.get(f"{API}/committees", headers=headers).json()["items"]
        if c["slug"] == "fva"
    )
    paper = post("/papers", {"reference": "VII/0901/26", "title": "Tippziele", "public": True})
    post(f"/papers/{paper['id']}/consultations", {"committee_id": fva, "role": "vorberatung"})
    meeting = post("/meetings", {"committee_id": fva, "starts_at": "2026-08-27T17:00:00+02:00"})
    post(
        f"/meetings/{meeting['id']}/agenda-items",
        {"number": "Ö 1", "title": "Tippziele", "paper_id": paper["id"]},
    )
    return int(str(meeting["id"]))


def _small_targets(page: Page) -> list[str]:
    page.eval_on_selector_all("main details", "els => els.forEach(d => d.open = true)")
    found = page.eval_on_selector_all(SELECTOR, TARGETS)
    assert len(found) > 10, found
    return [f"{page.url}: {w} x {h} px {html}" for html, w, h in found if w < 44 or h < 44]


def test_the_sitzung_pages_have_tap_targets_of_44_px_on_the_phone(page: Page) -> None:
    page.set_viewport_size(PHONE)
    page.goto("/login")
    page.fill("#benutzername", "sitzungsdienst")
    page.fill("#passwort", DEMO_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(lambda url: "/login" not in url)
    meeting = _meeting_with_an_open_vote(page)

    small: list[str] = []
    for path in ("/sitzungen", f"/sitzungen/{meeting}"):
        page.goto(path)
        small += _small_targets(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
        assert_accessible(page)
    assert page.locator("details[id^=abstimmung-] input[type=radio]").count() == 2
    assert page.locator("table.attendance label.tap").count() > 30
    assert not small, "\n".join(small)
