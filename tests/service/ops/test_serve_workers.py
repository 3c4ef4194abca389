"""``ratsflow serve --workers``: one ``/metrics`` for all worker processes (real uvicorn)."""

from __future__ import annotations

from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from service.runtime import Runtime
from tests.service.serving import environment, ratsflow, serving


def requests_to(text: str, route: str) -> float:
    return sum(
        s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "ratsflow_http_requests_total" and s.labels.get("route") == route
    )


def test_two_workers_count_into_one_metrics_answer(
    runtime: Runtime, backend: str, tmp_path: Path
) -> None:
    if backend == "sqlite":
        refused = ratsflow(environment(runtime.settings.database_url), "serve", "--workers", "2")
        assert refused.returncode == 1
        assert "Mehrere Prozesse (--workers) nur mit PostgreSQL." in refused.stderr
        return
    metrics_dir = tmp_path / "metrics"
    (metrics_dir).mkdir()
    (metrics_dir / "counter_4711.db").write_bytes(b"")  # left from an earlier run: emptied
    env = environment(runtime.settings.database_url, PROMETHEUS_MULTIPROC_DIR=str(metrics_dir))
    with (
        serving(env, tmp_path / "serve.log", "--workers", "2") as server,
        httpx.Client(base_url=server.base) as client,
    ):
        for _ in range(20):  # new connections land on either worker
            assert client.get("/healthz", headers={"Connection": "close"}).status_code == 200
        scraped = client.get("/metrics")
    assert scraped.status_code == 200
    assert requests_to(scraped.text, "/healthz") == 20
    workers = {p.name for p in metrics_dir.glob("counter_*.db")}
    assert "counter_4711.db" not in workers and len(workers) >= 1
