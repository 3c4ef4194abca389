"""A real server and one headless Chromium for the browser tests.

The server is uvicorn in a thread of the test process, on a free port, serving a copy of
the demo city (SQLite, the clock at 01.09.2026); the browser is Debian's ``chromium``
(``/usr/bin/chromium``), never a downloaded one. Database behaviour on both backends is
covered by ``tests/service/web``; here the point is what a person with a browser and a
keyboard experiences, checked with axe-core on every page visited.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from service.config import Settings
from service.db import make_engine
from service.main import create_app
from service.runtime import Runtime
from tests.conftest import CHAIN_KEY, DEMO_NOW, FakeClock

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server_clock() -> FakeClock:
    """The served app's clock: a story that waits for its sessions moves it and puts it back."""
    return FakeClock(DEMO_NOW)


@pytest.fixture(scope="session")
def base_url(
    _demo_sqlite_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    server_clock: FakeClock,
) -> Iterator[str]:
    path = tmp_path_factory.mktemp("e2e-web") / "ratsflow.db"
    with serving(_demo_sqlite_template, path, server_clock) as (url, _runtime):
        yield url


@contextmanager
def serving(template: Path, path: Path, clock: FakeClock) -> Iterator[tuple[str, Runtime]]:
    """A server on a copy of the demo city at ``path``: its URL, and its runtime (for what a
    test makes through the services before the browser meets it)."""
    shutil.copyfile(template, path)
    url = f"sqlite:///{path}"
    runtime = Runtime(Settings(database_url=url, chain_key=CHAIN_KEY), make_engine(url), clock)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(runtime), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("Der Testserver ist nicht gestartet.")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", runtime
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        runtime.engine.dispose()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip("Debian-Paket chromium fehlt (make install richtet es ein)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield browser
        finally:
            browser.close()


def new_context(chromium: Browser, base_url: str, **options: Any) -> BrowserContext:
    context = chromium.new_context(
        base_url=base_url, locale="de-DE", viewport={"width": 1280, "height": 900}, **options
    )
    context.set_default_timeout(5000)
    # axe-core (bundled in the package) on every page of this context, without a download.
    context.add_init_script(script=_AXE.axe_script)
    return context


@pytest.fixture
def page(chromium: Browser, base_url: str) -> Iterator[Page]:
    context = new_context(chromium, base_url)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def browser_for(chromium: Browser, base_url: str) -> Iterator[Callable[[], Page]]:
    """Opens one more browser (its own cookies) per call: one per person in a story."""
    contexts: list[BrowserContext] = []

    def open_page() -> Page:
        contexts.append(new_context(chromium, base_url))
        return contexts[-1].new_page()

    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()


_AXE = Axe()


def assert_accessible(page: Page) -> None:
    """WCAG 2.1 A/AA rules of axe-core: no serious or critical finding on this page."""
    options = {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]}
    results = page.evaluate("options => axe.run(document, options)", options)
    bad = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
    assert not bad, f"{page.url}:\n" + "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
        for v in bad
    )


def screenshot(page: Page, name: str, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Presses Tab until the element has the focus: proves it is reachable by keyboard."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{selector} ist mit der Tabulatortaste nicht erreichbar")
