"""Scheduler settings (prefix ``RATSFLOW_``): which jobs run when, and whom they remind.

Cron expressions are the usual five fields (minute hour day month weekday), read in
Europe/Berlin, so "0 7 1 1,7 *" is 07:00 local on 1 January and 1 July in winter and summer.
"""

from __future__ import annotations

from datetime import date, time
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict


class ScheduleSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RATSFLOW_", extra="ignore")

    # embedded: inside ``ratsflow serve``; off: ``ratsflow scheduler`` runs it separately.
    scheduler: Literal["embedded", "off"] = "embedded"
    sweep_seconds: int = 60
    dispatch_seconds: int = 30
    # A standby scheduler tries to take over this often; the holder checks its lock as often.
    # A holder that dies frees the lock at once, so a standby leads within this time.
    election_seconds: int = 10
    # A holder whose machine vanished (no closed connection) loses the lock after at most
    # this long (TCP keepalive of the lock's connection): handover within lease + election.
    scheduler_lease_seconds: int = 20
    # APScheduler runs a job that is late by up to this much (its default of 1 s would skip
    # a half-yearly run after a short pause); longer outages are caught up at start.
    misfire_grace_seconds: int = 6 * 3600

    # Deadline reminders: days before the due date, at this local time; escalations the
    # given days after it, each to the holders of a role.
    reminder_time: time = time(7, 0)
    reminder_days_before: list[int] = [7, 1]
    escalation_days_after: list[int] = [1, 8]
    escalation_roles: list[str] = ["ag_leitung", "verwaltungsleitung"]
    # Papers have no responsible person: their deadlines (Ladungsfrist) go to this role.
    paper_reminder_role: str = "sitzungsdienst"
    # A statement asked of the DSB, ISB or Personalrat on entering AG review is due after
    # this ISO 8601 duration (moved to the next working day).
    statement_request_period: str = "P3W"
    # Obligations from a resolution escalate, when overdue, to these roles (days as above).
    obligation_escalation_roles: list[str] = ["verwaltungsleitung"]

    # Half-yearly Sachstand: ask for updates, then remind before the FVA meeting.
    half_year_cron: str = "0 7 1 1,7 *"
    half_year_states: list[str] = ["haushaltsplanung", "umsetzung"]
    half_year_update_days: int = 21
    half_year_fva_committee: str = "fva"
    half_year_fva_reminder_days: int = 7
    daily_cron: str = "0 7 * * *"

    # Review cycles. How often the AG and the joint session meet is each committee's own
    # ``meeting_cycle`` (service.scheduler.cycles); the jobs look weekly and monthly whether
    # a cycle begins. The AG's weeks are counted from this Monday.
    ag_agenda_cron: str = "0 7 * * 1"
    ag_committee: str = "ag-digitalisierung"
    ag_cycle_anchor: date = date(2022, 9, 5)
    joint_session_cron: str = "0 7 1 * *"
    joint_committee: str = "gemeinsame-ag-beratung"
    programme_review_cron: str = "0 7 1 * *"

    # Meeting invitations: papers must reach the members this many days before.
    ladungsfrist_days: int = 7
    invitation_duration_minutes: int = 120

    # Test only: the ``ratsflow scheduler`` process kills itself (SIGKILL) at this point.
    test_crash_point: Literal["after_sweep", "after_claim", "after_smtp_accept"] | None = None
