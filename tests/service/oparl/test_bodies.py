"""Each body has its own OParl System: the demo city's never shows the Nachbarstadt's data,
and the Nachbarstadt's (``/b/nachbarstadt/oparl/v1/``) never the demo city's."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from service.runtime import Runtime
from tests.service import neighbour
from tests.service.oparl.crawl import Crawl


def seen(client: TestClient, base: str) -> str:
    result = Crawl(client.get, base)
    result.run()
    assert result.problems == []
    return json.dumps(list(result.seen.values()), ensure_ascii=False)


def test_one_body_s_oparl_server_shows_nothing_of_another_body(
    demo: Runtime, client: TestClient
) -> None:
    neighbour.neighbour(demo)
    own = seen(client, "http://testserver/")
    for leak in neighbour.LEAKS:
        assert leak not in own
    other = seen(client, f"http://testserver/b/{neighbour.SLUG}/")
    assert neighbour.REFERENCE in other and neighbour.COMMITTEE_NAME in other
    assert "VII/0680/24" not in other and "Aschersleben" not in other
    assert f"/b/{neighbour.SLUG}/oparl/v1/" in other
