"""``/koerperschaften``: the public list of the bodies a deployment serves, each linking to
its own public pages; the start page points to it only when there is more than one."""

from __future__ import annotations

import pytest

from service.bodies.service import create_body
from service.runtime import Runtime
from tests.service.browser import browser


@pytest.fixture
def on_demo_city() -> bool:
    return True


def test_the_public_sees_every_body_with_the_address_of_its_pages(demo: Runtime) -> None:
    client = browser(demo)
    assert "/koerperschaften" not in client.get("/oeffentlich").text
    with demo.write() as c:
        create_body(c, "hecklingen", "Stadt Hecklingen", land="ST")
        create_body(c, "seeland", "Stadt Seeland", land="NI", host="rat.seeland.example")

    page = client.get("/koerperschaften")

    assert page.status_code == 200
    assert '<a href="/oeffentlich">Stadt Aschersleben</a> (Sachsen-Anhalt)' in page.text
    assert '<a href="/b/hecklingen/oeffentlich">Stadt Hecklingen</a>' in page.text
    assert '<a href="//rat.seeland.example/oeffentlich">Stadt Seeland</a> (Niedersachsen)' in (
        page.text
    )
    assert "/koerperschaften" in client.get("/oeffentlich").text
    assert "/koerperschaften" in client.get("/b/hecklingen/oeffentlich").text
