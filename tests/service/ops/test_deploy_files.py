"""The shipped service units and proxy configuration are valid and keep ``/metrics`` inside."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
UNITS = sorted([*DEPLOY.glob("*.service"), *DEPLOY.glob("*.timer")])


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze fehlt (kein systemd)"
)
def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    # The units name /opt/ratsflow; verify checks that ExecStart exists, so here it is this
    # checkout (with its .venv/bin/ratsflow).
    assert {u.name for u in UNITS} >= {"ratsflow.service", "ratsflow-scheduler.service"}
    for unit in UNITS:
        (tmp_path / unit.name).write_text(unit.read_text().replace("/opt/ratsflow", str(ROOT)))

    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *(u.name for u in UNITS)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )

    # Unknown keys are only warnings (exit 0): none may appear either.
    assert (done.returncode, done.stderr.strip()) == (0, ""), done.stderr


def test_the_web_unit_leaves_the_jobs_to_the_scheduler_unit() -> None:
    web = (DEPLOY / "ratsflow.service").read_text()
    assert "Environment=RATSFLOW_SCHEDULER=off" in web
    assert "--host 127.0.0.1" in web
    assert "ratsflow scheduler" in (DEPLOY / "ratsflow-scheduler.service").read_text()


def test_the_proxy_speaks_https_and_refuses_metrics() -> None:
    proxy = (DEPLOY / "nginx-ratsflow.conf").read_text()
    assert "listen 443 ssl" in proxy and "return 301 https://" in proxy
    metrics = proxy.split("location = /metrics", 1)[1].split("}", 1)[0]
    assert "return 404;" in metrics
    assert "proxy_pass http://127.0.0.1:8000" in proxy
