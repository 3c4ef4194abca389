"""``ratsflow oparl import``: a city's RIS read through OParl, keyed by the OParl ids.

What the import creates, it owns and keeps up to date: Gremien, Personen,
Mitgliedschaften, Sitzungen with their Tagesordnung, Vorlagen with their Beratungsfolge and
the metadata of their files. It never touches what ratsflow itself owns: measures, votes,
statements, the state of a paper (an imported paper starts in the first state of its
workflow and no transition is ever fired), nor any row it did not create itself (a paper
whose Drucksachennummer ratsflow already has is reported, not overwritten). Every write goes
through the audited path under the import actor.

Each list page is one transaction that also records where the run stands, so an interrupted
run (network, 5xx) resumes at the page it stopped at; a run that got through remembers
when it started and the next asks only for what changed since (``modified_since``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx

from service.oparl import repository
from service.oparl.client import Remote, Unreachable, external_key
from service.oparl.report import LABELS, ImportReport
from service.oparl.run import Run
from service.oparl.takeover import take_over
from service.runtime import Runtime

LISTS = ("organization", "person", "membership", "meeting", "paper")
# Changes made on the remote while a run reads are caught by the next run's window.
_OVERLAP = timedelta(minutes=5)


def import_system(
    runtime: Runtime,
    system_url: str,
    *,
    remote_body: str | None = None,
    since: datetime | None = None,
    http: httpx.Client | None = None,
) -> ImportReport:
    """Imports one body of the remote system; see the module's text for what and how."""
    remote = Remote(system_url, http)
    try:
        return _run(runtime, remote, system_url, remote_body, since)
    finally:
        remote.close()


def _run(
    runtime: Runtime,
    remote: Remote,
    system_url: str,
    remote_body: str | None,
    since: datetime | None,
) -> ImportReport:
    report = ImportReport()
    started = runtime.now()
    try:
        system = remote.get(system_url)
        if system is None:
            raise Unreachable(f"{system_url}: kein OParl-System gefunden")
        body = _choose_body(remote, system, remote_body)
    except Unreachable as exc:
        report.interrupted = str(exc)
        return report
    key = external_key(system_url)
    with runtime.write() as c:
        body_id = runtime.body_id_in(c)
        source = repository.source(c, body_id, key)
        if source is None:
            repository.insert_source(
                c, {"body_id": body_id, "system_key": key, "system_url": system_url}
            )
            source = repository.source(c, body_id, key)
        if source.resume_list is None:
            repository.update_source(
                c, source.id, {"run_started_at": started, "remote_body": body["id"]}
            )
        else:
            started = source.run_started_at or started
    if since is None and source.synced_until is not None:
        since = source.synced_until - _OVERLAP
    run = Run(runtime, remote, key, report, since)
    lists = list(LISTS)
    resume_url = None
    if source.resume_list in lists:
        lists = lists[lists.index(source.resume_list) :]
        resume_url = source.resume_url
        report.resumed_at = f"{LABELS[source.resume_list]}-Liste, {resume_url}"
    for name in lists:
        url = resume_url or body.get(name)
        params = None if resume_url else _filters(since)
        resume_url = None
        if not isinstance(url, str):
            continue
        try:
            for items, following in remote.pages(url, params):
                with runtime.write() as c:
                    for item in items:
                        take_over(run, c, name, item)
                    at = {"resume_list": name, "resume_url": following}
                    if following is None:
                        nxt = LISTS.index(name) + 1
                        at = {
                            "resume_list": LISTS[nxt] if nxt < len(LISTS) else None,
                            "resume_url": None,
                        }
                    repository.update_source(c, source.id, at)
        except Unreachable as exc:
            report.interrupted = str(exc)
            return report
    with runtime.write() as c:
        repository.update_source(
            c, source.id, {"resume_list": None, "resume_url": None, "synced_until": started}
        )
    return report


def _filters(since: datetime | None) -> dict[str, str] | None:
    return {"modified_since": since.isoformat(timespec="seconds")} if since else None


def _choose_body(remote: Remote, system: dict[str, Any], wanted: str | None) -> dict[str, Any]:
    url = system.get("body")
    bodies: list[dict[str, Any]] = []
    if isinstance(url, str):
        for items, _ in remote.pages(url):
            bodies += items
    for body in bodies:
        if (
            wanted is None
            or external_key(body.get("id", "")) == external_key(wanted)
            or (body.get("id", "").rstrip("/").endswith("/" + wanted))
        ):
            return body
    raise Unreachable(
        f"Körperschaft „{wanted}“ nicht im System" if wanted else "keine Körperschaft im System"
    )


def import_known_sources(runtime: Runtime, now: datetime) -> int:
    """The scheduled run: every RIS this body has imported from once (``ratsflow oparl
    import URL`` registers it) is read again for what changed; returns the objects written."""
    with runtime.read() as c:
        known = repository.sources_of(c, runtime.body_id_in(c))
    written = 0
    for source in known:
        report = import_system(runtime, source.system_url, remote_body=source.remote_body)
        written += sum(report.created.values()) + sum(report.updated.values())
        if report.interrupted:
            raise Unreachable(report.interrupted)  # the period stays owed; the next run resumes
    return written
