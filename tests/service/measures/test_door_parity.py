"""The API and the web forms give the same verdict, because the rules live in the service.

For each rule (role, own item, deputy, public/non-public, unique Kennung, control
characters, stale version, guard failure) the same request goes through the API and through
the web form. Both get the same status (a web form's 303 is the API's 2xx), and a refused
one changes nothing: no measure, version, history entry or change in the audit trail.

Demo at 01.09.2026: ``ag.leitung`` is Thomas Behrendt (responsible for M-01 and M-05),
``ag.mitglied`` is Julia Neumann (M-04, M-08, M-09); M-06 is not public; M-09 is a draft
touching personal data without a DSB statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from fastapi.testclient import TestClient

from service.auth import deputies
from service.auth.service import actor_for
from service.measures import service as measures
from service.runtime import Runtime
from tests.service.browser import browser, post_form, signed_in
from tests.service.measures.conftest import (
    API,
    changes,
    ids,
    offered_steps,
    token,
    version,
)
from workflow.calendar import to_local


@dataclass
class Doors:
    """One user at both doors: an API token and a signed-in browser."""

    runtime: Runtime
    api: TestClient
    username: str | None

    def __post_init__(self) -> None:
        self.headers = token(self.api, self.username) if self.username else {}
        self.web = (
            signed_in(self.runtime, self.username) if self.username else browser(self.runtime)
        )

    def by_api(self, method: str, path: str, body: dict[str, Any]) -> httpx.Response:
        return self.api.request(method, f"{API}{path}", json=body, headers=self.headers)

    def by_form(self, page: str, action: str, form: dict[str, str]) -> httpx.Response:
        return post_form(self.web, page, action, form)


def _verdict(response: httpx.Response) -> int | str:
    """2xx from the API and 303 (on to the next page) from a form both mean: done."""
    if 200 <= response.status_code < 300 or response.status_code == 303:
        return "erledigt"
    return response.status_code


def same_verdict(
    runtime: Runtime,
    expected: int | str,
    by_api: Any,
    by_form: Any,
) -> tuple[httpx.Response, httpx.Response]:
    """Sends the request through both doors; a refusal must change nothing at either."""
    before = changes(runtime)
    through_api = by_api()
    assert _verdict(through_api) == expected, through_api.text
    if expected != "erledigt":
        assert changes(runtime) == before
    before = changes(runtime)
    through_form = by_form()
    assert _verdict(through_form) == expected, through_form.text[-2000:]
    if expected != "erledigt":
        assert changes(runtime) == before
    return through_api, through_form


def _programme(runtime: Runtime) -> int:
    with runtime.read() as connection:
        return int(measures.get_measure(connection, ids(runtime)["M-01"]).programme_id)


def _person(runtime: Runtime, username: str) -> int:
    with runtime.read() as connection:
        person = actor_for(connection, username).person_id
    assert person is not None
    return person


def _create(doors: Doors, form: dict[str, str], body: dict[str, Any]) -> tuple[Any, Any]:
    return (
        lambda: doors.by_api("POST", "/measures", body),
        lambda: doors.by_form("/", "/massnahmen/neu", {"oeffentlich": "ja", **form}),
    )


def _edit(doors: Doors, measure_id: int, code: str) -> tuple[Any, Any]:
    """A new Kennung for the measure through both doors, on the version it has."""
    with doors.runtime.read() as connection:
        row = measures.get_measure(connection, measure_id)
    page = f"/massnahmen/{measure_id}/bearbeiten"
    form = {"version": str(row.version), "kennung": code, "titel": row.title}
    return (
        lambda: doors.by_api(
            "PATCH", f"/measures/{measure_id}", {"version": row.version, "code": code}
        ),
        lambda: doors.by_form(page, page, form),
    )


def _step(
    doors: Doors,
    measure_id: int,
    event: str,
    *,
    version_of: Any,
    data: dict[str, str] | None = None,
    comment: str | None = None,
) -> tuple[Any, Any]:
    """The same step through both doors; ``version_of`` is read when each one is sent."""
    data = data or {}

    def by_api() -> httpx.Response:
        body: dict[str, Any] = {"event": event, "version": version_of(), "data": data}
        if comment is not None:
            body["comment"] = comment
        return doors.by_api("POST", f"/measures/{measure_id}/transitions", body)

    def by_form() -> httpx.Response:
        form = {"ereignis": event, "version": str(version_of()), "kommentar": comment or ""}
        form |= {f"feld_{name}": value for name, value in data.items()}
        page = f"/massnahmen/{measure_id}"
        return doors.by_form(page, f"{page}/schritte", form)

    return by_api, by_form


# --- role ----------------------------------------------------------------------------------


def test_a_role_without_the_right_is_refused_alike(demo: Runtime, api: TestClient) -> None:
    treasury = Doors(demo, api, "kaemmerei")
    programme = _programme(demo)
    form = {"arbeitspapier": str(programme), "kennung": "K-01", "titel": "Kassenautomat"}
    body = {"programme_id": programme, "code": "K-01", "title": "Kassenautomat"}
    same_verdict(demo, 403, *_create(treasury, form, body))

    m09 = ids(demo)["M-09"]
    dsb = Doors(demo, api, "datenschutz")
    same_verdict(demo, 403, *_step(dsb, m09, "einreichen", version_of=lambda: version(demo, m09)))

    statement = {"outcome": "zustimmend", "given_on": "2026-08-31"}
    statement_form = {"ergebnis": "zustimmend", "datum": "31.08.2026"}
    same_verdict(
        demo,
        403,
        lambda: treasury.by_api("POST", f"/measures/{m09}/statements", statement),
        lambda: treasury.by_form(
            f"/massnahmen/{m09}", f"/massnahmen/{m09}/stellungnahmen", statement_form
        ),
    )
    member = Doors(demo, api, "ag.mitglied")
    same_verdict(
        demo,
        403,
        lambda: member.by_api(
            "POST", f"/measures/{m09}/budget-lines", {"fiscal_year": 2027, "one_off_planned": "5"}
        ),
        lambda: member.by_form(
            "/haushalt",
            "/haushalt/ansaetze",
            {"massnahme": str(m09), "jahr": "2027", "einmalig": "5"},
        ),
    )


# --- own item --------------------------------------------------------------------------------


def test_an_ag_member_acts_on_own_measures_only_at_either_door(
    demo: Runtime, api: TestClient
) -> None:
    member = Doors(demo, api, "ag.mitglied")
    m01 = ids(demo)["M-01"]  # Thomas Behrendt's
    progress = _step(
        member, m01, "fortschritt_melden", version_of=lambda: version(demo, m01),
        data={"fortschritt": "50"},
    )  # fmt: skip
    same_verdict(demo, 403, *progress)

    programme = _programme(demo)
    lead = _person(demo, "ag.leitung")
    form = {"arbeitspapier": str(programme), "kennung": "A-01", "titel": "Fremd",
            "verantwortlich": str(lead)}  # fmt: skip
    body = {"programme_id": programme, "code": "A-01", "title": "Fremd",
            "responsible_person_id": lead}  # fmt: skip
    same_verdict(demo, 403, *_create(member, form, body))

    m08 = ids(demo)["M-08"]  # her own, in Umsetzung
    own = _step(
        member, m08, "fortschritt_melden", version_of=lambda: version(demo, m08),
        data={"fortschritt": "100"},
    )  # fmt: skip
    same_verdict(demo, "erledigt", *own)


# --- deputy ----------------------------------------------------------------------------------


def _name_deputy(runtime: Runtime, starts_in_days: int) -> None:
    today = to_local(runtime.now()).date()
    with runtime.write() as connection:
        absent = actor_for(connection, "ag.leitung")
        deputies.name_deputy(
            runtime,
            connection,
            absent,
            user_id=absent.user_id or 0,
            deputy_username="ag.mitglied",
            starts_on=today + timedelta(days=starts_in_days),
            ends_on=today + timedelta(days=starts_in_days + 14),
        )


def test_a_deputy_acts_for_the_person_they_stand_in_for_at_either_door(
    demo: Runtime, api: TestClient
) -> None:
    _name_deputy(demo, starts_in_days=0)
    deputy = Doors(demo, api, "ag.mitglied")
    m01 = ids(demo)["M-01"]  # Thomas Behrendt's, whom she stands in for
    detail = deputy.by_api("GET", f"/measures/{m01}", {}).json()
    offered = offered_steps(deputy.web.get(f"/massnahmen/{m01}"))
    assert [a["event"] for a in detail["allowed_transitions"]] == offered == ["fortschritt_melden"]
    progress = _step(
        deputy, m01, "fortschritt_melden", version_of=lambda: version(demo, m01),
        data={"fortschritt": "50"},
    )  # fmt: skip
    same_verdict(demo, "erledigt", *progress)


def test_a_deputy_whose_period_has_not_begun_is_refused_alike(
    demo: Runtime, api: TestClient
) -> None:
    _name_deputy(demo, starts_in_days=1)
    deputy = Doors(demo, api, "ag.mitglied")
    m01 = ids(demo)["M-01"]
    progress = _step(
        deputy, m01, "fortschritt_melden", version_of=lambda: version(demo, m01),
        data={"fortschritt": "50"},
    )  # fmt: skip
    same_verdict(demo, 403, *progress)


# --- public and non-public -------------------------------------------------------------------


def test_a_non_public_measure_is_not_found_by_the_public_at_either_door(
    demo: Runtime, api: TestClient
) -> None:
    public = Doors(demo, api, None)
    m06 = ids(demo)["M-06"]
    assert public.by_api("GET", f"/measures/{m06}", {}).status_code == 404
    assert public.web.get(f"/oeffentlich/massnahmen/{m06}").status_code == 404
    staff = Doors(demo, api, "kaemmerei")
    assert staff.by_api("GET", f"/measures/{m06}", {}).status_code == 200
    assert staff.web.get(f"/massnahmen/{m06}").status_code == 200


def test_another_persons_non_public_draft_offers_an_ag_member_nothing_at_either_door(
    demo: Runtime, api: TestClient
) -> None:
    lead = Doors(demo, api, "ag.leitung")
    body = {"programme_id": _programme(demo), "code": "N-01", "title": "Intern",
            "public": False, "responsible_person_id": _person(demo, "ag.leitung")}  # fmt: skip
    created = lead.by_api("POST", "/measures", body)
    assert created.status_code == 201, created.text
    draft = created.json()["id"]
    member = Doors(demo, api, "ag.mitglied")
    detail = member.by_api("GET", f"/measures/{draft}", {})
    assert detail.status_code == 200
    assert detail.json()["allowed_transitions"] == []
    page = member.web.get(f"/massnahmen/{draft}")
    assert page.status_code == 200
    assert offered_steps(page) == []
    submit = _step(member, draft, "einreichen", version_of=lambda: version(demo, draft))
    same_verdict(demo, 403, *submit)


# --- unique Kennung --------------------------------------------------------------------------


def test_a_kennung_taken_in_the_arbeitspapier_is_refused_alike(
    demo: Runtime, api: TestClient
) -> None:
    lead = Doors(demo, api, "ag.leitung")
    programme = _programme(demo)
    form = {"arbeitspapier": str(programme), "kennung": "M-01", "titel": "Doppelt"}
    body = {"programme_id": programme, "code": "M-01", "title": "Doppelt"}
    _, page = same_verdict(demo, 422, *_create(lead, form, body))
    assert (
        "„M-01“ ist schon an die Maßnahme M-01 vergeben; die nächste freie Kennung ist M-10."
        in page.text
    )
    assert 'value="Doppelt"' in page.text


def test_a_taken_kennung_padded_with_a_space_passed_the_api(demo: Runtime, api: TestClient) -> None:
    """Regression: the API stored "M-01 " and " M-01" beside M-01 (three measures showing
    "M-01") while the web form refused them; only the form and the import trimmed. Now the
    service trims the Kennung for every door, creating and editing alike, and refuses a
    taken one with the form's words."""
    lead = Doors(demo, api, "ag.leitung")
    programme = _programme(demo)
    taken = "„M-01“ ist schon an die Maßnahme M-01 vergeben; die nächste freie Kennung ist M-10."
    for code in ("M-01 ", " M-01", "\u00a0M-01\u3000"):
        form = {"arbeitspapier": str(programme), "kennung": code, "titel": "Doppelt"}
        body = {"programme_id": programme, "code": code, "title": "Doppelt"}
        by_api, page = same_verdict(demo, 422, *_create(lead, form, body))
        assert taken in by_api.json()["detail"], code
        assert taken in page.text, code

    m09 = ids(demo)["M-09"]
    rename = _edit(lead, m09, "M-01 ")
    by_api, page = same_verdict(demo, 422, *rename)
    assert taken in by_api.json()["detail"]
    assert taken in page.text

    body = {"programme_id": programme, "code": " M-50 ", "title": "Neu"}
    created = lead.by_api("POST", "/measures", body)
    assert created.status_code == 201, created.text
    assert created.json()["code"] == "M-50"
    renamed = lead.by_api(
        "PATCH", f"/measures/{m09}", {"version": version(demo, m09), "code": "M-51 "}
    )
    assert renamed.status_code == 200, renamed.text
    assert sorted(c for c in ids(demo) if c.strip() != c) == []


# --- control characters ------------------------------------------------------------------------


def test_control_characters_in_typed_text_are_refused_alike(demo: Runtime, api: TestClient) -> None:
    lead = Doors(demo, api, "ag.leitung")
    programme = _programme(demo)
    for title in ("Akte\x00", "Akte\x1b[31m", "Akte\x85", "zwei\nZeilen"):
        form = {"arbeitspapier": str(programme), "kennung": "C-01", "titel": title}
        body = {"programme_id": programme, "code": "C-01", "title": title}
        same_verdict(demo, 422, *_create(lead, form, body))

    m01 = ids(demo)["M-01"]
    bell = _step(
        lead, m01, "fortschritt_melden", version_of=lambda: version(demo, m01),
        data={"fortschritt": "50"}, comment="Stand\x07",
    )  # fmt: skip
    same_verdict(demo, 422, *bell)

    dsb = Doors(demo, api, "datenschutz")
    m09 = ids(demo)["M-09"]
    statement = {"outcome": "zustimmend", "given_on": "2026-08-31", "text": "ok\x0b"}
    same_verdict(
        demo,
        422,
        lambda: dsb.by_api("POST", f"/measures/{m09}/statements", statement),
        lambda: dsb.by_form(
            f"/massnahmen/{m09}",
            f"/massnahmen/{m09}/stellungnahmen",
            {"ergebnis": "zustimmend", "datum": "31.08.2026", "text": "ok\x0b"},
        ),
    )
    # Tabs and line breaks are fine in a text of several lines.
    multiline = _step(
        lead, m01, "fortschritt_melden", version_of=lambda: version(demo, m01),
        data={"fortschritt": "50"}, comment="Stand:\n\t– Pilot fertig",
    )  # fmt: skip
    same_verdict(demo, "erledigt", *multiline)


def test_a_step_comment_or_value_over_its_limit_is_refused_alike(
    demo: Runtime, api: TestClient
) -> None:
    """Regression: the web form took a measure step's comment of any length (only the API's
    body had a limit), and both doors took step values of any length."""
    lead = Doors(demo, api, "ag.leitung")
    m01 = ids(demo)["M-01"]
    long = "x" * 10_001
    for data, comment in (
        ({"fortschritt": "50"}, long),
        ({"fortschritt": "50", "verzoegerungsgrund": long}, None),
    ):
        step = _step(
            lead, m01, "fortschritt_melden", version_of=lambda: version(demo, m01), data=data,
            comment=comment,
        )  # fmt: skip
        _, page = same_verdict(demo, 422, *step)
        assert "höchstens 10000 Zeichen." in page.text


# --- stale version ----------------------------------------------------------------------------


def test_a_stale_version_is_refused_alike(demo: Runtime, api: TestClient) -> None:
    lead = Doors(demo, api, "ag.leitung")
    m01 = ids(demo)["M-01"]
    stale = _step(
        lead, m01, "fortschritt_melden", version_of=lambda: version(demo, m01) - 1,
        data={"fortschritt": "50"},
    )  # fmt: skip
    same_verdict(demo, 409, *stale)


# --- guard failure ------------------------------------------------------------------------------


def test_a_failing_guard_is_refused_alike(demo: Runtime, api: TestClient) -> None:
    m09 = ids(demo)["M-09"]
    with demo.write() as connection:
        lead_actor = actor_for(connection, "ag.leitung")
        measures.fire(demo, connection, lead_actor, m09, "einreichen")
    lead = Doors(demo, api, "ag.leitung")
    guarded = _step(lead, m09, "an_fva_uebergeben", version_of=lambda: version(demo, m09))
    through_api, page = same_verdict(demo, 422, *guarded)
    assert "Stellungnahme der/des Datenschutzbeauftragten fehlt" in through_api.text
    assert "Stellungnahme der/des Datenschutzbeauftragten fehlt" in page.text
