"""Settings from the environment (prefix ``RATSFLOW_``), read once per process."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from service.outbox.settings import MailSettings
from service.scheduler.settings import ScheduleSettings

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RATSFLOW_", extra="ignore")

    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'ratsflow.db'}"
    definitions_dir: Path = PROJECT_ROOT / "definitions"
    # The deployment's own body: its slug keys the audit chain; created on first start.
    chain_key: str = "aschersleben"
    body_name: str = "Stadt Aschersleben"
    audit_salt: str = "ratsflow-demo-salt-bitte-ersetzen"
    base_url: str = "http://127.0.0.1:8000"
    max_upload_bytes: int = 20 * 1024 * 1024
    # JSON and forms without a file; routes that take a file allow max_upload_bytes.
    max_body_bytes: int = 1024 * 1024
    idempotency_ttl_hours: int = 24
    mail: MailSettings = Field(default_factory=MailSettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
    # The owner role's URL (migrations, retention, erasure); unset: database_url does both.
    admin_database_url: str | None = None
    # Ed25519 key that signs audit checkpoints; unset on SQLite: var/audit-signing.key.
    audit_signing_key: Path | None = None
    # Every person erase, kept outside the database; unset: beside the signing key.
    erasure_register: Path | None = None
    # "json": one JSON object per log line, for a log collector (service.ops.logs).
    log_format: Literal["text", "json"] = "text"
    # pg_dump/pg_restore; unset: /usr/lib/postgresql/<server major>/bin, else the PATH.
    pg_bin_dir: Path | None = None
    # Days an audit event is kept, per kind (service.audit.retention.KINDS; docs/protokoll.md).
    audit_retention_days: dict[str, int] = {"zugriff": 730, "anmeldung": 365, "aenderung": 3650}


@lru_cache
def get_settings() -> Settings:
    return Settings()
