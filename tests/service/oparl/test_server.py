"""The OParl 1.1 server on the demo city: valid to the schema, public only, paged, synced."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import text as text_sql

from service.runtime import Runtime
from tests.conftest import FakeClock
from tests.service.oparl.crawl import Crawl

BASE = "http://testserver/"


def crawl(client: TestClient, limit: int | None = None) -> Crawl:
    """The whole server as a portal would read it."""

    def get(url: str):  # type: ignore[no-untyped-def]
        if limit and "/body/" in url and url.count("/") >= 7 and "limit=" not in url:
            url += ("&" if "?" in url else "?") + f"limit={limit}"
        return client.get(url)

    result = Crawl(get, BASE)
    result.run()
    return result


def test_every_answer_from_the_system_on_follows_the_oparl_schemas(
    agenda: Runtime, client: TestClient
) -> None:
    result = crawl(client, limit=2)
    assert result.problems == []
    types = {str(o.get("type", "")).rsplit("/", 1)[-1] for o in result.seen.values() if o}
    assert types >= {
        "System",
        "Body",
        "LegislativeTerm",
        "Organization",
        "Person",
        "Membership",
        "Meeting",
        "AgendaItem",
        "Paper",
        "Consultation",
        "File",
        "Location",
    }
    assert result.pages > len(result.lists)  # some lists took several pages
    treated = [o for o in result.seen.values() if o.get("consultation") and o.get("order")]
    assert treated and all(isinstance(o["result"], str) for o in treated)


def test_the_public_working_paper_is_a_file_with_checksum_and_download(client: TestClient) -> None:
    result = crawl(client)
    files = [o for o in result.seen.values() if o.get("type", "").endswith("/File")]
    assert files
    file = files[0]
    shown = client.get(file["accessUrl"])
    assert shown.status_code == 200
    assert "attachment" not in shown.headers.get("content-disposition", "")
    assert hashlib.sha512(shown.content).hexdigest() == file["sha512Checksum"]
    download = client.get(file["downloadUrl"])
    assert download.headers["content-disposition"].startswith("attachment;")
    assert 'filename="' in download.headers["content-disposition"]


def test_the_paper_carries_the_beschlusskontrolle_as_vendor_extension(client: TestClient) -> None:
    result = crawl(client)
    papers = [o for o in result.seen.values() if o.get("reference") == "VII/0680/24"]
    assert len(papers) == 1
    measures = papers[0]["ratsflow:measure"]
    assert measures
    assert all("state" in m for m in measures)
    lights = {m["code"]: m.get("trafficLight") for m in measures}
    assert lights["M-01"] in {"Grün", "Gelb", "Rot"}
    assert lights["M-03"] is None  # abgeschlossen: no longer in the Sachstandsbericht
    assert papers[0]["ratsflow:resolutionNumber"] == "SR/0456/24"


def test_no_non_public_item_and_no_staff_name_is_reachable(
    agenda: Runtime, client: TestClient
) -> None:
    result = crawl(client, limit=3)
    text = json.dumps(list(result.seen.values()), ensure_ascii=False)
    with agenda.read() as c:
        staff = c.execute(
            text_sql("select given_name, family_name from persons where is_staff")
        ).all()
        hidden = c.execute(text_sql("select title from papers where not public")).scalars().all()
        groups = (
            c.execute(
                text_sql("select name from committees where kind not in ('rat', 'ausschuss')")
            )
            .scalars()
            .all()
        )
    assert staff and groups
    for given, family in staff:
        assert f"{given} {family}" not in text
    for title in [*hidden, *groups, "Geheimweg"]:
        assert title not in text
    persons = [o for o in result.seen.values() if o.get("type", "").endswith("/Person")]
    assert persons and all("email" not in p for p in persons)


def test_a_depublished_paper_is_listed_as_deleted_to_a_syncing_client(
    demo: Runtime, client: TestClient, clock: FakeClock
) -> None:
    body = client.get("/oparl/v1/body").json()["data"][0]
    before = client.get(body["paper"]).json()["data"]
    assert [p["reference"] for p in before] == ["VII/0680/24"]
    since = datetime.now(UTC).replace(year=2000)
    clock.advance(timedelta(hours=1))
    with demo.write() as c:
        c.execute(text_sql("update papers set public = false"))
    listed = client.get(
        body["paper"], params={"modified_since": (clock.now + timedelta(minutes=1)).isoformat()}
    ).json()
    assert listed["data"] == []
    synced = client.get(body["paper"], params={"modified_since": since.isoformat()}).json()
    assert synced["data"][0]["deleted"] is True
    assert synced["data"][0]["id"] == before[0]["id"]
    assert client.get(body["paper"]).json()["data"] == []
    gone = client.get(before[0]["id"])
    assert gone.status_code == 200
    assert gone.json()["deleted"] is True
    assert gone.json()["created"] == before[0]["created"]


def test_filters_at_the_edge_of_time_answer_an_empty_page_not_an_error(client: TestClient) -> None:
    body = client.get("/oparl/v1/body").json()["data"][0]
    answer = client.get(
        body["paper"], params={"created_since": "9999-12-31T23:59:59-12:00", "limit": 100000}
    )
    assert answer.status_code == 200
    assert answer.json()["data"] == []
    assert "created_since=9999-12-31T23%3A59%3A59-12%3A00" in answer.json()["links"]["self"]
    assert client.get("/oparl/v1/meeting/999999").status_code == 404
    assert client.get("/oparl/v1/meeting/999999").headers["access-control-allow-origin"] == "*"


def test_omit_internal_leaves_out_the_embedded_lists_and_stays_in_every_link(
    agenda: Runtime, client: TestClient
) -> None:
    body = client.get("/oparl/v1/body").json()["data"][0]
    full = client.get(body["meeting"]).json()["data"]
    assert any("agendaItem" in m for m in full)
    lean = client.get(body["meeting"], params={"omit_internal": "true", "limit": 1}).json()
    assert all("agendaItem" not in m for m in lean["data"])
    assert "omit_internal=true" in lean["links"]["next"]


def test_deleted_oparl_files_answer_404_instead_of_410(
    demo: Runtime, client: TestClient, clock: FakeClock
) -> None:
    files = [o for o in crawl(client).seen.values() if o.get("type", "").endswith("/File")]
    file = files[0]
    clock.advance(timedelta(hours=1))
    with demo.write() as c:
        c.execute(text_sql("update papers set public = false"))

    for url in (file["accessUrl"], file["downloadUrl"]):
        gone = client.get(url)
        assert gone.status_code == 410
        assert gone.headers["content-type"] == "application/problem+json"
        assert "entfernt" in gone.json()["detail"]
    assert (
        client.get(
            file["accessUrl"].replace(f"/{file['id'].rsplit('/', 1)[1]}/", "/999999/")
        ).status_code
        == 404
    )
