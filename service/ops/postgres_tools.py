"""pg_dump and pg_restore of the server's own major version, and how to hand them the URL.

A ``pg_dump`` older than the server refuses to dump it, and Debian installs each major
version's client tools under ``/usr/lib/postgresql/<major>/bin`` with ``/usr/bin`` pointing
at only one of them: so the server is asked for its version first.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import make_url

from service.config import Settings


class ToolFailed(ValueError):
    pass


def tool(settings: Settings, name: str, major: int) -> str:
    candidates = [settings.pg_bin_dir, Path(f"/usr/lib/postgresql/{major}/bin")]
    for folder in candidates:
        if folder is not None and (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    if found is None:
        raise ToolFailed(
            f"{name} nicht gefunden: Debian-Paket postgresql-client-{major} installieren "
            "oder RATSFLOW_PG_BIN_DIR setzen."
        )
    return found


def libpq(url: str) -> tuple[str, dict[str, str]]:
    """The URL as libpq reads it (no driver name), the password in the environment instead
    of on a command line that every local user can read."""
    parsed = make_url(url)
    environment = dict(os.environ)
    if parsed.password:
        environment["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), environment


def run(command: list[str], environment: dict[str, str]) -> None:
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        reason = (done.stderr or done.stdout).strip().splitlines()
        raise ToolFailed(
            f"{Path(command[0]).name} fehlgeschlagen: {reason[-1] if reason else done.returncode}"
        )
