"""The shape of the house, checked on every run: doors run no SQL, modules stay small.

Each ``STILL_TO_MEND`` set names what does not yet hold; it may only shrink. A test fails
both when a new offender appears and when a listed one was mended but not struck off, so
the list always tells the truth.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICE = ROOT / "service"
MAX_LINES = 400

# A door renders what a service returns; SQL belongs in a repository.
SQL_IN_WEB = re.compile(r"\.execute\(|(?<![\w.])(?<!def )(?:select|insert|update|delete)\(")

SQL_STILL_TO_MEND: set[str] = set()
LONG_STILL_TO_MEND: set[str] = set()


# SQL belongs in repositories. The engine set-up, the work on a whole database (cleaning
# its files: VACUUM; its server's version; dropping it), the scheduler's election lock, the
# audited-write kit and the hot statements' driver access are infrastructure every domain
# shares, not a domain's queries.
SQL_OUTSIDE_REPOSITORIES_ALLOWED = {
    "service/db.py",
    "service/db_upkeep.py",
    "service/driver.py",
    "service/records.py",
    "service/scheduler/lock.py",
}
SQL_OUTSIDE_STILL_TO_MEND: set[str] = set()


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_web_pages_run_no_sql() -> None:
    offenders = {
        _relative(p) for p in (SERVICE / "web").rglob("*.py") if SQL_IN_WEB.search(p.read_text())
    }
    assert offenders == SQL_STILL_TO_MEND


def _is_repository(path: Path) -> bool:
    """A domain's ``repository.py``, or a module of its ``repository`` package when one
    module would grow too long (the audit trail's)."""
    return path.name == "repository.py" or "repository" in path.relative_to(SERVICE).parts[:-1]


def test_sql_runs_only_in_repositories() -> None:
    offenders = {
        _relative(p)
        for p in SERVICE.rglob("*.py")
        if "migrations" not in p.parts and not _is_repository(p) and ".execute(" in p.read_text()
    }
    assert offenders - SQL_OUTSIDE_REPOSITORIES_ALLOWED == SQL_OUTSIDE_STILL_TO_MEND


def test_no_module_under_service_is_longer_than_400_lines() -> None:
    offenders = {
        _relative(p)
        for p in SERVICE.rglob("*.py")
        if "migrations" not in p.parts and len(p.read_text().splitlines()) > MAX_LINES
    }
    assert offenders == LONG_STILL_TO_MEND


def test_web_and_its_pages_share_no_file_name() -> None:
    web = {p.name for p in (SERVICE / "web").glob("*.py")} - {"__init__.py"}
    pages = {p.name for p in (SERVICE / "web" / "pages").glob("*.py")} - {"__init__.py"}
    assert web & pages == SAME_NAME_STILL_TO_MEND


SAME_NAME_STILL_TO_MEND: set[str] = set()
