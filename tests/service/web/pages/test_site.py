"""The stylesheet and the legal pages every page links to, and the headers every page is
served with."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from service.web.config import get_web_settings


def test_the_legal_pages_show_the_configured_texts(
    anonymous: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RATSFLOW_IMPRINT_TEXT", "Stadt Aschersleben\n\nMarkt 1")
    get_web_settings.cache_clear()
    try:
        page = anonymous.get("/impressum").text
    finally:
        # Unset before clearing: the pages fetched below would cache the patched text.
        monkeypatch.delenv("RATSFLOW_IMPRINT_TEXT")
        get_web_settings.cache_clear()
    assert "<p>Stadt Aschersleben</p>" in page and "<p>Markt 1</p>" in page
    for path in ("/datenschutz", "/barrierefreiheit"):
        assert "Platzhalter" in anonymous.get(path).text
    footer = anonymous.get("/").text
    for link in ("/impressum", "/datenschutz", "/barrierefreiheit"):
        assert f'href="{link}"' in footer


def test_every_page_forbids_framing_and_inline_scripts(anonymous: TestClient) -> None:
    headers = anonymous.get("/").headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    css = anonymous.get("/static/ratsflow.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert anonymous.get("/static/..%2Fconfig.py").status_code == 404
