"""Imports every table so that ``SQLModel.metadata`` (and Alembic) sees the whole schema."""

from service.attachments.models import Attachment
from service.audit.models import AuditCheckpoint, AuditDetail, AuditEvent, AuditEventPerson
from service.auth.models import ApiToken, Deputyship, LoginThrottle, User
from service.baseline.models import Baseline
from service.bodies.models import Body
from service.budget.models import BudgetLine, BudgetLineChange
from service.calendar.models import CalendarFeed
from service.committees.models import AgendaItem, Attendance, Committee, Meeting, Membership
from service.deadlines.models import Deadline
from service.definitions.models import StoredDefinition
from service.idempotency.models import IdempotencyKey
from service.lifecycle.models import HistoryEntry
from service.measures.models import Measure, MeasureChange
from service.milestones.models import Milestone, MilestoneChange
from service.obligations.models import Fulfilment, Obligation
from service.oparl.models import OparlRecord, OparlSource
from service.outbox.models import OutboxMessage
from service.papers.models import Consultation, Paper, PaperMeasure, Vote, VoteParticipant
from service.people.models import Person
from service.programmes.models import Programme
from service.reports.models import IssuedReport
from service.scheduler.models import JobPeriod, JobRun, StatusUpdateRound
from service.statements.models import Condition, Statement, StatementRequest, Weighing
from service.visits.models import PageVisit

__all__ = [
    "AgendaItem",
    "ApiToken",
    "Attachment",
    "Attendance",
    "AuditCheckpoint",
    "AuditDetail",
    "AuditEvent",
    "AuditEventPerson",
    "Baseline",
    "Body",
    "BudgetLine",
    "BudgetLineChange",
    "CalendarFeed",
    "Committee",
    "Condition",
    "Consultation",
    "Deadline",
    "Deputyship",
    "Fulfilment",
    "HistoryEntry",
    "IdempotencyKey",
    "IssuedReport",
    "JobPeriod",
    "JobRun",
    "LoginThrottle",
    "Measure",
    "MeasureChange",
    "Meeting",
    "Membership",
    "Milestone",
    "MilestoneChange",
    "Obligation",
    "OparlRecord",
    "OparlSource",
    "OutboxMessage",
    "PageVisit",
    "Paper",
    "PaperMeasure",
    "Person",
    "Programme",
    "Statement",
    "StatementRequest",
    "StatusUpdateRound",
    "StoredDefinition",
    "User",
    "Vote",
    "VoteParticipant",
    "Weighing",
]
