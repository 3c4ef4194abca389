"""``ratsflow demo reset``: the demo as on its first start, after trying things out.

Every table goes (dropped as the owner, with the audit trail's triggers and, on
PostgreSQL, their functions; the migrations then build the shipped schema again), then
the demo city is loaded again, and the neighbour town too when it was there. Running the
migrations down instead fails on data they were never meant to take back (two bodies'
committees with one slug). A database that holds more than the demo - a body
other than the demo's, or no demo logins with the published password, as in a real city -
is left alone unless the caller insists (``force``).
"""

from __future__ import annotations

from service.audit.owner import owner_url
from service.bodies import service as bodies
from service.bootstrap import prepare_database
from service.db_upkeep import drop_everything
from service.demo import data, neighbour
from service.demo.service import DemoResult, load_demo
from service.errors import Conflict
from service.papers.service import paper_by_reference
from service.runtime import Runtime
from service.safety.service import demo_logins

NOT_ONLY_THE_DEMO = (
    "Die Datenbank enthält mehr als die Demodaten ({reason}). Zurücksetzen würde diese "
    "Daten unwiderruflich löschen; wer das wirklich will, ruft „ratsflow demo reset "
    "--force“ auf."
)


def more_than_the_demo(runtime: Runtime) -> str | None:
    """Why the database holds more than the demo, or None when it holds the demo only (or
    nothing at all)."""
    demo_bodies = {runtime.settings.chain_key, neighbour.SLUG}
    with runtime.read() as connection:
        slugs = {b.slug for b in bodies.all_profiles(connection)}
        if not any(bodies.in_use(connection, slug) for slug in slugs):
            return None  # empty: nothing to lose
        others = sorted(slugs - demo_bodies)
        if others:
            return "weitere Körperschaften: " + ", ".join(others)
        if paper_by_reference(connection, str(data.PAPER["reference"])) is None:
            return f"die Demo-Vorlage {data.PAPER['reference']} fehlt"
    if not demo_logins(runtime):
        return "keine Demo-Anmeldung mit dem Demo-Passwort"
    return None


def reset_demo(runtime: Runtime, force: bool = False) -> tuple[DemoResult, bool]:
    """Empties the database and loads the demo again; returns the demo's result and
    whether the neighbour town was loaded again too."""
    reason = more_than_the_demo(runtime)
    if reason is not None and not force:
        raise Conflict(
            "mehr-als-demo", "Mehr als die Demodaten", NOT_ONLY_THE_DEMO.format(reason=reason)
        )
    with runtime.read() as connection:
        had_neighbour = bodies.in_use(connection, neighbour.SLUG)
    runtime.engine.dispose()  # no pooled connection keeps a table open while it is dropped
    drop_everything(owner_url(runtime.settings))
    runtime.forget_body()
    prepare_database(runtime)
    result = load_demo(runtime)
    if had_neighbour:
        neighbour.load_neighbour(runtime)
    return result, had_neighbour
