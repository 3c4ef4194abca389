"""The install is pinned: every package comes from ``requirements/lock.txt`` (pip and
setuptools from ``requirements/tools.txt``) with an exact version and its hashes, so two
installs a week apart run the same FastAPI, Starlette and SQLAlchemy. ``make lock`` and
``make upgrade-deps`` write both; these tests say when they no longer cover
``pyproject.toml`` or when the running environment was not installed from them.
"""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCKS = (ROOT / "requirements" / "tools.txt", ROOT / "requirements" / "lock.txt")
TOOLS = ROOT / "requirements" / "tools.in"


def _logical_lines(text: str) -> list[str]:
    """The lock's entries, each with its ``--hash`` options joined onto one line."""
    lines = (line.strip() for line in text.replace("\\\n", " ").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _locked() -> dict[str, tuple[str, list[str]]]:
    """Name -> (pinned version, hashes) over both files; an entry not pinned with ``==``
    keeps its specifier as the version so the test below names it."""
    entries: dict[str, tuple[str, list[str]]] = {}
    for line in _logical_lines("".join(lock.read_text() for lock in LOCKS)):
        requirement, *options = line.split()
        name, _, version = requirement.partition("==")
        hashes = [o.removeprefix("--hash=") for o in options if o.startswith("--hash=sha256:")]
        entries[canonicalize_name(name)] = (version or requirement, hashes)
    return entries


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    named = list(project["project"]["dependencies"])
    for extra in project["project"].get("optional-dependencies", {}).values():
        named.extend(extra)
    named.extend(project["build-system"]["requires"])
    named.extend(
        line.strip()
        for line in TOOLS.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )
    return [Requirement(n) for n in named]


def test_every_entry_in_the_lock_is_pinned_with_hashes() -> None:
    loose = {
        name: version
        for name, (version, hashes) in _locked().items()
        if not version[:1].isdigit() or not hashes
    }
    assert loose == {}


def test_every_declared_dependency_is_locked_within_its_bounds() -> None:
    locked = _locked()
    missing = {str(r) for r in _declared() if canonicalize_name(r.name) not in locked}
    assert missing == set(), "pyproject.toml names packages the lock lacks: run `make lock`"
    outside = {
        str(r): locked[canonicalize_name(r.name)][0]
        for r in _declared()
        if not r.specifier.contains(locked[canonicalize_name(r.name)][0], prereleases=True)
    }
    assert outside == {}


def test_the_running_environment_was_installed_from_the_lock() -> None:
    installed = {}
    for name in _locked():
        try:
            installed[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed[name] = "not installed"
    assert installed == {name: version for name, (version, _) in _locked().items()}
